var respStatus = "Error";
