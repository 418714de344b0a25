lib:
{
  findSingle = [ (lib.findSingle (x: x == 3) "none" "multiple" [ 1 3 3 ]) (lib.findSingle (x: x == 3) "none" "multiple" [ 1 3 ]) (lib.findSingle (x: x == 3) "none" "multiple" [ 1 ]) ];
  findFirst = [ (lib.findFirst (x: x > 3) 7 [ 1 6 4 ]) (lib.findFirst (x: x > 9) 7 [ 1 6 4 ]) ];
  findFirstIndex = [ (lib.lists.findFirstIndex (x: x > 3) null [ 0 6 4 ]) (lib.lists.findFirstIndex (x: x > 9) null [ 0 6 4 ]) ];
  lazy = lib.findFirst (x: x > 1) 0 [ 1 2 (throw "not forced") ];
  any = [ (lib.any lib.isString [ 1 "a" ]) (lib.any lib.isString [ ]) ];
  all = [ (lib.all (x: x < 3) [ 1 2 ]) (lib.all (x: x < 3) [ 1 3 ]) ];
  elem = [ (lib.elem 2 [ 1 2 ]) (lib.elem 5 [ ]) ];
}
