var respStatusOld = "Error";
if (respStatus == "Error") { alert(respMsg); }
var respStatus='Challenge' ;
var  respMsg	=	'Type the \'Authenticator\' code:\t\"6 digits\"';
thisForm.inputStr.value   =
    'tok\\en-42';
