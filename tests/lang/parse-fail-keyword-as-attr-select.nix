# error: syntax error
{ if = 1; }
