# The legacy __overrides attribute of a rec set.
rec { a = 1; b = a + 1; __overrides = { a = 10; }; }
