# `or` is usable as an identifier where it cannot be the or-default keyword.
let or = 1; in { inherit or; }
