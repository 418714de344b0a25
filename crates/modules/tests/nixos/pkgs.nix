# A small stand-in for a machine's `pkgs`, shaped as the fleet contract says:
# every package is `/usr` with its Debian package name. Shared by the
# standard-module tests and the generation fixtures (crates/generation/tests).
let
  package = name: debian: {
    type = "derivation";
    inherit name;
    pname = name;
    version = "";
    outPath = "/usr";
    strataPackage = debian;
    meta = { };
  };
in
{
  bash = package "bash" "bash";
  curl = package "curl" "curl";
  git = package "git" "git";
  htop = package "htop" "htop";
  jq = package "jq" "jq";
  nginx = package "nginx" "nginx";
  openssh = package "openssh" "openssh-client";
  zsh = package "zsh" "zsh";
}
