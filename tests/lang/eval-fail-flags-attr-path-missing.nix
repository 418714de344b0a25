# error: attribute 'nope' in selection path 'nope' not found
{ a = 1; }
