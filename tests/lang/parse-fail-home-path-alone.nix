# error: syntax error, unexpected invalid token
~
