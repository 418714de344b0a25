let f = args@{ a, ... }: [ a args ]; in f { a = 1; b = 2; }
