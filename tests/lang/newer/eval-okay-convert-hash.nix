# builtins.convertHash (Nix 2.19): hash of the empty string in each format.
let h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; in
map (f: builtins.convertHash { hash = h; hashAlgo = "sha256"; toHashFormat = f; }) [ "base16" "nix32" "base32" "base64" "sri" ]
