lib:
{
  ok = lib.assertMsg true "fine";
  fails = builtins.tryEval (lib.assertMsg false "bad");
  oneOf = lib.assertOneOf "x" 1 [ 1 2 ];
  notOneOf = builtins.tryEval (lib.assertOneOf "x" 3 [ 1 2 ]);
  eachOneOf = lib.asserts.assertEachOneOf "xs" [ 1 2 ] [ 1 2 3 ];
  notEachOneOf = builtins.tryEval (lib.asserts.assertEachOneOf "xs" [ 1 4 ] [ 1 2 3 ]);
  checkAssertWarn = lib.asserts.checkAssertWarn [ { assertion = true; message = "m"; } ] [ "w" ] 7;
  checkAssertFail = builtins.tryEval (lib.asserts.checkAssertWarn [ { assertion = false; message = "m"; } ] [ ] 7);
}
