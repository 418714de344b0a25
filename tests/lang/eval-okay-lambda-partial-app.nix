let f = a: b: a - b; g = f 10; in map g [ 1 2 3 ]
