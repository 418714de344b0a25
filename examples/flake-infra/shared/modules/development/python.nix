# Python development: the interpreter, venv/pip, and the libraries most
# projects here use (pydantic, httpx).
{ config, lib, pkgs, ... }:
let
  cfg = config.mxmlabs.development.python;
in
{
  options.mxmlabs.development.python = {
    enable = lib.mkEnableOption "Python development tools";

    extraPackages = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ "python3-pydantic" "python3-httpx" ];
      description = "Further Debian Python packages.";
    };
  };

  config = lib.mkIf cfg.enable {
    environment.systemPackages =
      [ pkgs.python3 pkgs.python3-pip pkgs.python3-venv ]
      ++ map pkgs.distributionPackage cfg.extraPackages;
  };
}
