# --strict forces everything printed.
# error: forced by strict
{ a = 1; b = throw "forced by strict"; }
