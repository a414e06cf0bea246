var respStatus = "Pending";
var respMsg = "Wait";
