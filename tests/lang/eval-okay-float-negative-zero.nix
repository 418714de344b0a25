# `+` sums into an accumulator that starts at 0.0, so it turns -0.0 into 0.0;
# `builtins.add` and the other operators keep the sign of zero.
let z = 0.0 * -1.0; in
[ z (z + z) (z + 0) (0 + z) (builtins.add z z) (builtins.add z 0) (z * 1) (z - 0.0) (builtins.sub z 0.0) (1.5 + 2) (builtins.add 1 2.5) ]
