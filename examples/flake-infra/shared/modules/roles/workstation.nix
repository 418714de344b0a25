# The workstation role: a development machine. Switches on the base modules
# and the development features chosen here.
{ config, lib, ... }:
let
  cfg = config.mxmlabs.roles.workstation;
  feature =
    name: default:
    lib.mkOption {
      type = lib.types.bool;
      inherit default;
      description = "Whether the workstation has the ${name} development tools.";
    };
in
{
  options.mxmlabs.roles.workstation = {
    enable = lib.mkEnableOption "the workstation role";
    development = {
      python.enable = feature "Python" true;
      go.enable = feature "Go" false;
      containers.enable = feature "container" true;
    };
  };

  config = lib.mkIf cfg.enable {
    mxmlabs.base = {
      users.enable = true;
      security.enable = true;
      nixConfig.enable = true;
    };
    mxmlabs.development = {
      python.enable = cfg.development.python.enable;
      go.enable = cfg.development.go.enable;
      containers.enable = cfg.development.containers.enable;
    };
  };
}
