builtins.elemAt [ (throw "first") 2 (abort "third") ] 1
