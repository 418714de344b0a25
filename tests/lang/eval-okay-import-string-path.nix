# import also accepts an absolute path string.
(import (toString ./lib/value.nix)).answer
