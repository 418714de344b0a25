# error: cannot fetch 'https://example.org/x.tar.gz': network access is not available
<nixpkgs>
