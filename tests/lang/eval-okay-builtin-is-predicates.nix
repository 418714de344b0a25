with builtins;
let vals = [ 1 1.0 "s" ./p null true [] {} (x: x) add ]; in
map (v: [ (isAttrs v) (isBool v) (isFloat v) (isFunction v) (isInt v) (isList v) (isNull v) (isPath v) (isString v) ]) vals
