builtins.split "([[:space:]]*)(,)([[:space:]]*)" "a , b,c  ,  d"
