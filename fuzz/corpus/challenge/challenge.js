var respStatus = "Challenge";
var respMsg = "Please enter the one-time password";
thisForm.inputStr.value = "5ef2a3b4c5d6e7f8";
