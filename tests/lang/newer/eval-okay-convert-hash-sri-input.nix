# builtins.convertHash (Nix 2.19): an SRI hash carries its algorithm, so hashAlgo may be omitted.
[
  (builtins.convertHash { hash = "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="; toHashFormat = "base16"; })
  (builtins.convertHash { hash = "094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic"; hashAlgo = "sha256"; toHashFormat = "sri"; })
]
