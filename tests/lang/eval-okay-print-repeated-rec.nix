# A self-referencing set prints «repeated» where it recurs.
let s = { self = s; v = 1; }; in s
