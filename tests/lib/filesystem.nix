lib:
let
  rel = p: lib.removePrefix (toString ./fixtures) (toString p);
in {
  listFilesRecursive = map rel (lib.filesystem.listFilesRecursive ./fixtures/tree);
  dominating = let r = lib.filesystem.locateDominatingFile "(mark)(er)" ./fixtures/tree/sub/deep/leaf.txt; in { path = rel r.path; inherit (r) matches; };
  dominatingDir = rel (lib.filesystem.locateDominatingFile "marker" ./fixtures/tree/sub).path;
  haskell = lib.mapAttrs (n: rel) (lib.filesystem.haskellPathsInDir ./fixtures/haskell);
}
