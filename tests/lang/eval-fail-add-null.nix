# error: cannot coerce null to a string
"a" + null
