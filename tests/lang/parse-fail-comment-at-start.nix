# error: syntax error, unexpected '/'
/* abc