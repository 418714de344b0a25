# error: a custom message
throw "a custom message"
