lib:
{
  fixedWidthString = [ (lib.fixedWidthString 5 "0" (toString 15)) (lib.fixedWidthString 3 " " "abc") (lib.fixedWidthString 4 "-" "") ];
  tooLong = builtins.tryEval (lib.fixedWidthString 2 "0" "abc");
  fixedWidthNumber = [ (lib.fixedWidthNumber 5 15) (lib.fixedWidthNumber 1 7) ];
  toInt = map lib.toInt [ "1337" "-4" " 123 " "0" "-0" ];
  toIntBad = map (s: builtins.tryEval (lib.toInt s)) [ "00" "01" "a" "1.5" "" "3 4" "0x12" ];
  toIntBase10 = map lib.toIntBase10 [ "1337" "-4" " 123 " "007" "0" "00" ];
  toIntBase10Bad = map (s: builtins.tryEval (lib.toIntBase10 s)) [ "a" "1.5" "" ];
  floatToString = map lib.strings.floatToString [ 0.5 1.0 ];
}
