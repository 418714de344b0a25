# Assertions with readable messages.
{ lib }:
rec {
  assertMsg = condition: message: condition || throw message;

  assertOneOf = name: value: allowed:
    assertMsg (builtins.elem value allowed)
      "${name} must be one of ${lib.generators.toPretty { } allowed}, but is: ${lib.generators.toPretty { } value}";

  assertEachOneOf = name: values: allowed:
    assertMsg (builtins.all (v: builtins.elem v allowed) values)
      "each element in ${name} must be one of ${lib.generators.toPretty { } allowed}, but is: ${lib.generators.toPretty { } values}";

  # Throw the failed assertions' messages, warn with the warnings, and
  # return `value` otherwise.
  checkAssertWarn = assertions: warnings: value:
    let
      failed = map (a: a.message) (builtins.filter (a: !a.assertion) assertions);
      bulleted = lib.strings.concatMapStrings (m: "\n- ${m}") failed;
    in
    if failed != [ ] then throw "\nFailed assertions:${bulleted}"
    else lib.trivial.showWarnings warnings value;
}
