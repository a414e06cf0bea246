var respStatus = "Challenge";
var respMsg = "";
thisForm.inputStr.value = "";
