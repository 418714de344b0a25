# error: attribute 'a' already defined at
# error: eval-fail-attr-already-defined.nix:4:3
{
  a = 1;
  a = 2;
}
