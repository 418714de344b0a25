# fromJSON over the forms its fast path takes and those it leaves to the
# exact (nlohmann-model) parser: escapes, \u escapes (surrogate pairs,
# NUL), raw UTF-8, duplicate keys (the last wins), integer limits, numbers
# written as floats, whitespace, nesting and long arrays.
with builtins;
[
  (fromJSON "{\"b\": 1, \"a\": {\"c\": [1, 2.5, -0, -0.0, 1E2, 2e-3, 0.1, 123456789.25]}, \"b\": 3}")
  (fromJSON "\"q\\\"b\\\\s\\/f\\b\\f\\n\\r\\t\"")
  (fromJSON "\"\\u00e9\\u4e2d\\ud83d\\ude00\"")
  (stringLength (fromJSON "\"a\\u0000b\""))
  (fromJSON "[9223372036854775807, -9223372036854775808, 18446744073709551615, 18446744073709551616, -9223372036854775809]")
  (fromJSON " \t\r\n [ [ [ ] ] , { } ] \n")
  (fromJSON "{\"x\": {\"y\": {\"z\": [true, false, null]}}, \"\": \"empty key\"}")
  (fromJSON "\"café 中 \\n\"")
  (fromJSON "{\"café\": 1, \"\\u0063af\\u00e9\": 2}")
  (length (fromJSON "[${concatStringsSep "," (genList toString 1000)}]"))
]
