# abort is not caught by tryEval; only its laziness is shown here.
let x = abort "unused"; in [ 1 ]
