# The runners set HOME=/homeless-shelter for every case.
[ ~/foo ~/a/b/../c (toString ~/x) ]
