let f = a: b: c: a * 100 + b * 10 + c; in f 1 2 3
