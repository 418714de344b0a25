# Extra attributes ride along; the first item seen for a key wins.
builtins.genericClosure {
  startSet = [ { key = "a"; v = 1; } { key = "a"; v = 2; } { key = "b"; v = 3; } ];
  operator = item: [ { key = "c"; from = item.key; } ];
}
