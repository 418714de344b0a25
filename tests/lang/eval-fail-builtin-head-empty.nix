# error: 'builtins.head' called on an empty list
builtins.head []
