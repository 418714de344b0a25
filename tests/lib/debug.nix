lib:
{
  traceIf = [ (lib.traceIf true "msg" 1) (lib.traceIf false "msg" 2) ];
  traceVal = lib.traceVal 3;
  traceValFn = lib.traceValFn (x: "v=${toString x}") 4;
  traceSeq = lib.traceSeq { a = [ 1 ]; } 5;
  traceSeqN = lib.traceSeqN 1 { a = { b = 1; }; c = [ 1 ]; } 6;
  traceValSeq = lib.traceValSeq [ 1 { a = 2; } ];
  traceValSeqN = lib.traceValSeqN 2 { a = { b = { c = 1; }; }; };
  traceFnSeqN = lib.traceFnSeqN 1 "inc" (x: x + 1) 7;
  runTests = lib.runTests {
    testPass = { expr = 1; expected = 1; };
    testFail = { expr = [ 1 ]; expected = [ 2 ]; };
    notATest = { expr = 1; expected = 2; };
  };
  runSelected = lib.runTests {
    tests = [ "testB" ];
    testA = { expr = 1; expected = 2; };
    testB = { expr = 1; expected = 3; };
  };
  testAllTrue = lib.testAllTrue [ true (1 == 1) ];
  noFailures = lib.debug.throwTestFailures { failures = [ ]; };
  failures = builtins.tryEval (lib.debug.throwTestFailures { failures = [ { name = "x"; expected = 1; result = 2; } ]; });
}
