var respStatus
=
'challenge';
var respMsg = 'x\\y\n';
thisForm.inputStr.value = '\'q\'';