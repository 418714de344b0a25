# error: outer message
let f = x: throw "outer message"; in f 1
