var respStatus = "Challenge";
var respMsg = "Enter the code
thisForm.inputStr.value = "abc";
