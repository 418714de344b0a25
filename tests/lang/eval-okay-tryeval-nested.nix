with builtins; [ (tryEval (tryEval (throw "x")).value) (tryEval (throw "a" + throw "b")) (tryEval [ (throw "lazy elem") ]).success ]
