let lib = { f = x: x * 2; }; in { v = with lib; f 21; }
