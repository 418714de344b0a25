# just a comment, no expression
