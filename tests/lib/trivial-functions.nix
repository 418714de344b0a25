lib:
let
  f = { a, b ? 1 }: a + b;
  wrapped = lib.setFunctionArgs (args: args.a * 2) { a = false; };
  functor = { __functor = self: x: x + self.n; n = 1; };
in {
  args = lib.functionArgs f;
  plain = lib.functionArgs (x: x);
  wrappedArgs = lib.functionArgs wrapped;
  wrappedCall = wrapped { a = 4; };
  functorArgs = lib.functionArgs functor;
  isFunction = map lib.isFunction [ f wrapped functor 1 { } "f" ];
  toFunction = [ ((lib.toFunction 1) 2) ((lib.toFunction (x: x + 1)) 2) ];
  mirrored = lib.functionArgs (lib.mirrorFunctionArgs f (x: x));
}
