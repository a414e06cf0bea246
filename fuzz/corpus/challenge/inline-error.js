var respStatus = "Error";
var respMsg = "Invalid username or password";
