# lib-style code: a self-contained mini `lib` with fix, extends, mapAttrs', recursiveUpdate,
# and a chain of 1000 overlays over a 2000-package fixed point.
let
  lib = rec {
    fix = f: let x = f x; in x;
    extends = overlay: f: self: let super = f self; in super // overlay self super;
    composeManyExtensions = builtins.foldl' (f: g: self: super:
      let fApplied = f self super; in fApplied // g self (super // fApplied)) (self: super: { });
    nameValuePair = name: value: { inherit name value; };
    mapAttrs' = f: set: builtins.listToAttrs (map (name: f name set.${name}) (builtins.attrNames set));
    filterAttrs = pred: set: builtins.listToAttrs (builtins.concatMap
      (name: let v = set.${name}; in if pred name v then [ (nameValuePair name v) ] else [ ])
      (builtins.attrNames set));
    recursiveUpdateUntil = pred: lhs: rhs:
      let
        f = attrPath: builtins.zipAttrsWith (n: values:
          let here = attrPath ++ [ n ]; in
          if builtins.length values == 1
            || pred here (builtins.elemAt values 1) (builtins.head values)
          then builtins.head values
          else f here values);
      in f [ ] [ rhs lhs ];
    recursiveUpdate = recursiveUpdateUntil (path: lhs: rhs: !(builtins.isAttrs lhs && builtins.isAttrs rhs));
    range = first: last: builtins.genList (i: first + i) (last - first + 1);
    mod = a: b: a - (a / b) * b;
    take = n: list: builtins.genList (builtins.elemAt list) n;
    drop = n: list: builtins.genList (i: builtins.elemAt list (i + n)) (builtins.length list - n);
  };

  base = self: builtins.listToAttrs (map (i: lib.nameValuePair "pkg${toString i}" {
    version = i;
    deps = if i < 2 then [ ] else [ "pkg${toString (i / 2)}" "pkg${toString (i - 1)}" ];
    meta = { priority = lib.mod i 10; license = "mit"; };
  }) (lib.range 0 1999));

  overlay = k: self: super: {
    "pkg${toString (lib.mod (k * 37) 2000)}" = super."pkg${toString (lib.mod (k * 37) 2000)}" // {
      version = super."pkg${toString (lib.mod (k * 37) 2000)}".version + 1000;
      patched = k;
    };
    extra = (super.extra or 0) + k;
  };

  overlays = map overlay (lib.range 1 1000);
  # Half the overlays are composed into one, the rest applied one `extends` at a time.
  pkgs = lib.fix (builtins.foldl' (f: o: lib.extends o f)
    (lib.extends (lib.composeManyExtensions (lib.take 500 overlays)) base)
    (lib.drop 500 overlays));

  renamed = lib.mapAttrs' (name: value: lib.nameValuePair "renamed-${name}" (value.version or 0)) pkgs;
  highPriority = lib.filterAttrs (name: value: builtins.isAttrs value && value.meta.priority > 7) pkgs;

  configs = builtins.genList (i: { services.web = { port = i; tls.enable = lib.mod i 2 == 0; }; users."u${toString (lib.mod i 50)}".uid = i; }) 5000;
  merged = builtins.foldl' lib.recursiveUpdate { } configs;
in
{
  count = builtins.length (builtins.attrNames pkgs);
  extra = pkgs.extra;
  versionSum = builtins.foldl' (a: b: a + b) 0 (builtins.attrValues renamed);
  high = builtins.length (builtins.attrNames highPriority);
  port = merged.services.web.port;
  users = builtins.length (builtins.attrNames merged.users);
}
