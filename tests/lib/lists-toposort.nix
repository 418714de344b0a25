lib:
let
  before = a: b: lib.hasPrefix a b && a != b;
in {
  sorted = lib.toposort before [ "/" "/home/user" "/other" "/home" ];
  single = lib.toposort before [ "/a" ];
  empty = lib.toposort before [ ];
  cycle = lib.toposort (a: b: true) [ 1 2 3 ];
  partialCycle = lib.toposort (a: b: (a == 1 && b == 2) || (a == 2 && b == 1)) [ 3 1 2 ];
  dfs = lib.listDfs true before [ "/home/user" "/other" "/" "/home" ];
  dfsNoStop = lib.listDfs false (a: b: a < b) [ 3 2 1 ];
}
