# Taking version strings apart.
{ lib }:
let
  inherit (builtins) splitVersion elemAt length;
in
rec {
  inherit (builtins) splitVersion compareVersions;

  major = v: elemAt (splitVersion v) 0;

  minor = v: elemAt (splitVersion v) 1;

  patch = v: elemAt (splitVersion v) 2;

  majorMinor = v: "${major v}.${minor v}";

  # Exactly `n` dot-separated components before the first "-": extra ones
  # dropped, missing ones added as "0". The "-suffix" is kept.
  pad = n: v:
    let
      numeric = builtins.head (lib.strings.splitString "-" v);
      suffix = lib.strings.removePrefix numeric v;
      components = lib.lists.take n (splitVersion numeric);
      padded = components ++ lib.lists.replicate (n - length components) "0";
    in
    builtins.concatStringsSep "." padded + suffix;
}
