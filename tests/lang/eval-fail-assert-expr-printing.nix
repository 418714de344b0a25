# error: assertion '((a && b) || (! c))' failed
let a = true; b = false; c = true; in assert a && b || !c; 1
