# error: 'from' and 'to' arguments to 'replaceStrings' have different lengths
builtins.replaceStrings [ "a" ] [] "a"
