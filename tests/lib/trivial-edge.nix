lib:
{
  pipeFunctions = lib.pipe [ 3 1 2 ] [ (lib.sort (a: b: a < b)) (map toString) (lib.concatStringsSep ",") ];
  composeFlip = lib.flip lib.pipe [ (x: x + 1) ] 1;
  modZero = lib.mod 0 5;
  compareStrings = [ (lib.compare "b" "a") (lib.compare [ 1 ] [ 2 ]) ];
  toHexLarge = lib.toHexString 9223372036854775807;
  functionArgsFunctor = lib.functionArgs { __functor = self: { x ? 1 }: x; };
  functionArgsFunctorExplicit = lib.functionArgs { __functor = self: x: x; __functionArgs = { y = true; }; };
  setArgsCall = (lib.setFunctionArgs ({ a }: a) { a = false; }) { a = 5; };
  fixedMin = lib.min 1.5 2;
  isFunctionFunctorChain = lib.isFunction { __functor = self: { __functor = self: x: x; }; };
  importJSONArray = lib.importJSON ./fixtures/array.json;
}
