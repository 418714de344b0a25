# error: assertion 'false' failed
assert false; 1
