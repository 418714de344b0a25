# error: syntax error, unexpected IF
{ if = 1; }
