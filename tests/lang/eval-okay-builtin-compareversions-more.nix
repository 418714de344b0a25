with builtins; map (p: compareVersions (elemAt p 0) (elemAt p 1)) [ [ "1.2.3" "1.2.3" ] [ "1.10" "1.9" ] [ "1.0-rc1" "1.0" ] [ "a" "b" ] [ "1.0pre" "1.0alpha" ] [ "2" "10" ] ]
