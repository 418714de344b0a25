# toJSON of a path copies it to the store and gives the store path.
let j = builtins.toJSON ./lib/data.txt; in [ (builtins.substring 0 12 j) (builtins.stringLength j) ]
