lib:
{
  toKeyValue = lib.generators.toKeyValue { } { key = "value"; n = 1; b = true; };
  sep = lib.generators.toKeyValue { mkKeyValue = lib.generators.mkKeyValueDefault { } ": "; } { "a:b" = "c"; };
  dup = lib.generators.toKeyValue { listsAsDuplicateKeys = true; } { a = [ 1 2 ]; b = 3; };
  indent = lib.generators.toKeyValue { indent = "  "; } { a = 1; };
  custom = lib.generators.mkKeyValueDefault { mkValueString = v: "<${toString v}>"; } "=" "k" 5;
  values = map (lib.generators.mkValueStringDefault { }) [ 1 "s" true false null { type = "derivation"; outPath = "/p"; } ];
}
