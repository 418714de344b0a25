# Go development: the toolchain and the language server.
{ config, lib, pkgs, ... }:
let
  cfg = config.mxmlabs.development.go;
in
{
  options.mxmlabs.development.go = {
    enable = lib.mkEnableOption "Go development tools";
  };

  config = lib.mkIf cfg.enable {
    environment.systemPackages = [ pkgs.go pkgs.gcc (pkgs.distributionPackage "gopls") ];
    environment.etc."profile.d/go.sh".text = ''
      export GOPATH="$HOME/go"
      export PATH="$PATH:$GOPATH/bin"
    '';
  };
}
