let name = "world"; n = 3; in [ "hello ${name}" "${name}${name}" "nested ${"in${name}ner"}" "${toString n} items" "${"x"}" ]
