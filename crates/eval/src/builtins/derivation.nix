# `builtins.derivation`: the lazy face of `derivationStrict`. Hashes are computed only
# when `drvPath` or an `outPath` is used, so `(derivation { ... }).name` never computes
# one. The result is the set of the first output; every output set holds the original
# attributes, each output by name, `all` and `drvAttrs`. Which parts are thunks shows in
# `--eval` output (`<CODE>`); the line and column of calls and attributes show in traces
# and `--xml` output. Both follow Nix 2.8's wrapper, so keep the layout when editing.
drvAttrs@{ outputs ? [ "out" ], ... }:
let
  strict = derivationStrict drvAttrs;

  shared = drvAttrs // builtins.listToAttrs outputAttrs //
    { all = map (entry: entry.value) outputAttrs;
      inherit drvAttrs;
    };

  forOutput = outputName:
    { name = outputName;
      value = shared // {
        outPath = builtins.getAttr outputName strict;
        drvPath = strict.drvPath;
        type = "derivation";
        inherit outputName;
      };
    };

  outputAttrs = map forOutput outputs;

in (builtins.head outputAttrs).value
