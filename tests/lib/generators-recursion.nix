lib:
let
  deep = { a = { b = { c = { d = 1; }; }; }; l = [ [ [ 1 ] ] ]; };
in {
  unlimited = lib.generators.withRecursion { depthLimit = 100; } deep;
  limited = lib.generators.withRecursion { depthLimit = 2; throwOnDepthLimit = false; } deep;
  throws = builtins.tryEval (builtins.deepSeq (lib.generators.withRecursion { depthLimit = 1; } deep) 1);
  special = builtins.attrNames (lib.generators.withRecursion { depthLimit = 0; throwOnDepthLimit = false; } { __toString = x: "s"; v = 1; });
}
