lib:
{
  or = [ (lib.or true false) (lib.or false false) ];
  and = [ (lib.and true false) (lib.and true true) ];
  xor = [ (lib.xor true false) (lib.xor true true) (lib.xor false false) ];
  bits = [ (lib.bitAnd 12 10) (lib.bitOr 12 10) (lib.bitXor 12 10) (lib.bitNot 0) (lib.bitNot 5) (lib.bitNot (-1)) ];
  boolToString = map lib.boolToString [ true false ];
  boolToYesNo = map lib.trivial.boolToYesNo [ true false ];
}
