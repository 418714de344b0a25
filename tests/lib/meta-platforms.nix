lib:
let
  linux = { system = "x86_64-linux"; parsed = { kernel = { name = "linux"; }; cpu = { bits = 64; }; }; };
in {
  match = [ (lib.meta.platformMatch linux "x86_64-linux") (lib.meta.platformMatch linux "aarch64-linux") (lib.meta.platformMatch linux { kernel = { name = "linux"; }; }) (lib.meta.platformMatch linux { parsed = { cpu = { bits = 32; }; }; }) (lib.meta.platformMatch { } "x") ];
  available = [
    (lib.meta.availableOn linux { })
    (lib.meta.availableOn linux { meta.platforms = [ "x86_64-linux" ]; })
    (lib.meta.availableOn linux { meta.platforms = [ "aarch64-linux" ]; })
    (lib.meta.availableOn linux { meta.badPlatforms = [ "x86_64-linux" ]; })
    (lib.meta.availableOn linux { meta.platforms = [ ]; })
  ];
}
