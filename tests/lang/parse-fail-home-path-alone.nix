# error: syntax error
~
