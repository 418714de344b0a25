lib:
{
  toHexString = map lib.toHexString [ 0 1 9 10 15 16 250 255 4096 123456789 ];
  toBaseDigits = [ (lib.toBaseDigits 2 0) (lib.toBaseDigits 2 6) (lib.toBaseDigits 10 1234) (lib.toBaseDigits 16 255) (lib.toBaseDigits 7 49) ];
  fromHexString = map lib.fromHexString [ "0" "FF" "ff" "0x1F" "deadbeef" "10" ];
}
