# Tracing values while evaluating, and a tiny unit-test runner.
{ lib }:
let
  inherit (builtins) trace deepSeq isList isAttrs;
in
rec {
  inherit (builtins) addErrorContext trace unsafeGetAttrPos;

  traceIf = condition: message: x: if condition then trace message x else x;

  traceValFn = f: x: trace (f x) x;

  traceVal = traceValFn (x: x);

  traceSeq = x: y: trace (deepSeq x x) y;

  # Trace `x` down to `depth` levels; deeper lists and sets print as […], {…}.
  traceSeqN = depth: x: y:
    let
      opaque = text: v: { __pretty = _: text; val = v; };
      cut = v:
        if isList v then opaque "[…]" v
        else if isAttrs v then opaque "{…}" v
        else v;
      limit = n: v:
        if n == 0 then cut v
        else if isList v then map (limit (n - 1)) v
        else if isAttrs v then builtins.mapAttrs (_: limit (n - 1)) v
        else v;
    in
    trace (lib.generators.toPretty { allowPrettyValues = true; } (limit depth x)) y;

  traceValSeqFn = f: v: traceValFn f (deepSeq v v);

  traceValSeq = traceValSeqFn (x: x);

  traceValSeqNFn = f: depth: v: traceSeqN depth (f v) v;

  traceValSeqN = traceValSeqNFn (x: x);

  traceFnSeqN = depth: name: f: v:
    let result = f v; in
    traceSeqN (depth + 1) { fn = name; from = v; to = result; } result;

  # Run every attribute whose name starts with "test" (or, when the set has
  # a `tests` list, exactly those) and return the failures.
  runTests = tests:
    let
      selected = tests.tests or [ ];
      wanted = name:
        (builtins.substring 0 4 name == "test" || builtins.elem name selected)
        && (selected == [ ] || builtins.elem name selected);
      outcome = name: test:
        if test ? expectedError then
          let attempt = builtins.tryEval test.expr; in
          if attempt.success
          then [ { inherit name; expected = test.expectedError; result = attempt.value; } ]
          else [ ]
        else if test.expr != test.expected then
          [ { inherit name; inherit (test) expected; result = test.expr; } ]
        else [ ];
    in
    builtins.concatLists (lib.attrsets.mapAttrsToList
      (name: test: if wanted name then outcome name test else [ ])
      tests);

  testAllTrue = expr: { inherit expr; expected = map (_: true) expr; };

  # Trace each failure in readable form, then throw a summary.
  throwTestFailures = { failures, description ? "tests", ... }:
    let
      pretty = lib.generators.toPretty { };
      report = failure:
        trace "FAIL ${builtins.toJSON failure.name}:\nExpected:\n${pretty failure.expected}\n\nResult:\n${pretty failure.result}\n";
      names = lib.strings.concatMapStrings (failure: "- ${failure.name}\n") failures;
      summary = "${toString (builtins.length failures)} ${description} failed:\n${names}\n${builtins.toJSON failures}";
    in
    if failures == [ ] then null
    else lib.lists.foldr report (throw summary) failures;
}
