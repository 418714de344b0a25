# toJSON of a large nested structure, round-tripped through fromJSON.
let
  record = i: {
    id = i;
    name = "node-${toString i}";
    weight = i * 0.5;
    tags = [ "t${toString (i - (i / 7) * 7)}" (i - (i / 2) * 2 == 0) null ];
    child = { depth = i - (i / 5) * 5; label = "c\"${toString i}\"\n"; };
  };
  doc = { records = builtins.genList record 30000; meta = { version = 1; }; };
  json = builtins.toJSON doc;
  back = builtins.fromJSON json;
in
{
  length = builtins.stringLength json;
  roundTrip = back == doc;
  hash = builtins.hashString "md5" json;
}
