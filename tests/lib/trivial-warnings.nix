lib:
{
  warn = lib.warn "careful" 1;
  warnIf = [ (lib.warnIf true "w" 1) (lib.warnIf false "w" 2) ];
  warnIfNot = [ (lib.warnIfNot true "w" 1) (lib.warnIfNot false "w" 2) ];
  throwIf = [ (builtins.tryEval (lib.throwIf true "boom" 1)) (lib.throwIf false "boom" 2) ];
  throwIfNot = [ (builtins.tryEval (lib.throwIfNot false "boom" 1)) (lib.throwIfNot true "boom" 2) ];
  info = lib.info "note" 3;
  showWarnings = lib.showWarnings [ "a" "b" ] 4;
  checkListOfEnum = [
    (lib.checkListOfEnum "fruit" [ "apple" "pear" ] [ "apple" ] 5)
    (builtins.tryEval (lib.checkListOfEnum "fruit" [ "apple" ] [ "kiwi" ] 5))
  ];
}
