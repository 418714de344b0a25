with builtins; [ (tryEval (throw "caught")) (tryEval 42) (tryEval (assert false; 1)) (tryEval { a = throw "lazy inside"; }).success ]
