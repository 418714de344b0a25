# error: syntax error, unexpected end of file, expecting ID or OR_KW or DOLLAR_CURLY or '"'
a.