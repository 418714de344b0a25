# error: cannot coerce a set to a string
throw { a = 1; }
