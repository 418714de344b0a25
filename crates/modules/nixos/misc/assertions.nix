# `assertions` and `warnings`, as in NixOS: a failed assertion stops the
# build of `system.build.strata`; warnings are listed in it.
{ lib, ... }:
{
  options = {
    assertions = lib.mkOption {
      type = lib.types.listOf lib.types.unspecified;
      internal = true;
      default = [ ];
      example = [ { assertion = false; message = "you can't enable this for that reason"; } ];
      description = ''
        Conditions that must hold, each `{ assertion; message; }`. When one is
        false, building the machine fails with its message.
      '';
    };
    warnings = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      internal = true;
      default = [ ];
      example = [ "the option `foo' is deprecated" ];
      description = "Messages shown when the machine is built.";
    };
  };
}
