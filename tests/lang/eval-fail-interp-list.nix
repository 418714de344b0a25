# error: cannot coerce a list to a string
"${[ ]}"
