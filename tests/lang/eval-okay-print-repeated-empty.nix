# Empty lists and sets are shared values too.
let e = []; a = {}; in [ e e a a ]
