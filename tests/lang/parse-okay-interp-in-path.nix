./foo/${"bar"}/baz
