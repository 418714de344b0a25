# builtins.concatLists of lists of which only one has items is that list itself, so it prints as
# «repeated» after the list it came from (found by tests/gen seed 62). With two non-empty lists
# the result is a new list.
let
  xs = [ "a" "b" "c" ];
  ys = [ 1 2 3 ];
  r = {
    a = xs;
    b = builtins.concatLists [ [ ] xs [ ] ];
    c = builtins.concatLists [ xs ys ];
    d = ys;
    e = builtins.concatLists [ ];
    f = builtins.concatLists [ [ ] [ ] ];
    g = builtins.concatLists [ [ 1 ] ];
  };
in
builtins.deepSeq r r
