# error: syntax error, unexpected INT, expecting ID or OR_KW or DOLLAR_CURLY or '"'
x ? 1: x
