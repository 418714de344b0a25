lib:
let
  pkg = { out = "/out"; bin = "/bin-out"; lib = "/lib-out"; dev = "/dev-out"; outPath = "/out"; };
  single = { outPath = "/single"; };
in {
  makeSearchPath = [ (lib.makeSearchPath "bin" [ "/root" "/usr" ]) (lib.makeSearchPath "bin" [ null "/x" ]) (lib.makeSearchPath "x" [ ]) ];
  outputs = lib.makeSearchPathOutput "dev" "bin" [ pkg single ];
  libraryPath = lib.makeLibraryPath [ pkg single "/str" ];
  binPath = lib.makeBinPath [ pkg single ];
  includePath = lib.strings.makeIncludePath [ pkg ];
  normalizePath = map lib.strings.normalizePath [ "//a//b/" "a" "///" "" ];
}
