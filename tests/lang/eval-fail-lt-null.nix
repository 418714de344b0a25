# error: cannot compare null with null
null < null
