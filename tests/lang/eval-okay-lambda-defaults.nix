let f = { a ? 1, b ? a + 1 }: [ a b ]; in [ (f {}) (f { a = 5; }) (f { b = 0; }) ]
