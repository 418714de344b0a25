lib:
{
  older = [ (lib.versionOlder "1.1" "1.2") (lib.versionOlder "1.1" "1.1") (lib.versionOlder "1.10" "1.9") ];
  atLeast = [ (lib.versionAtLeast "1.1" "1.0") (lib.versionAtLeast "1.1" "1.1") (lib.versionAtLeast "1.1" "1.2") ];
  getName = [ (lib.getName "youtube-dl-2016.01.01") (lib.getName { name = "hello-2.10"; }) (lib.getName { pname = "p"; name = "hello-2.10"; }) (lib.getName "plain") ];
  getVersion = [ (lib.getVersion "youtube-dl-2016.01.01") (lib.getVersion { name = "hello-2.10"; }) (lib.getVersion { version = "9"; name = "h-1"; }) (lib.getVersion "plain") ];
  nameFromURL = lib.nameFromURL "https://nixos.org/releases/nix/nix-1.7/nix-1.7-x86_64-linux.tar.bz2" "-";
  compareVersions = lib.strings.compareVersions "1.0" "1.0pre";
}
