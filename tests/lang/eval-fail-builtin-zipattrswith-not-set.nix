# error: value is an integer while a set was expected
# The sets are forced when the call is, before any name.
builtins.attrNames (builtins.zipAttrsWith (name: values: values) [ { a = 1; } 3 ])
