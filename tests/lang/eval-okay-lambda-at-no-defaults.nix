# The @-bound set is the argument as passed: defaults are not added to it.
let f = args@{ a ? 1, b }: args; in f { b = 2; }
