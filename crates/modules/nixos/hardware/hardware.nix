# Options that generated hardware configuration files set. Strata does not
# manage the boot loader, the initrd or firmware, so most are accepted for
# compatibility and recorded; `boot.kernelModules` is realized as
# /etc/modules-load.d/strata.conf.
{ config, lib, pkgs, ... }:
let
  inherit (lib) types mkOption;
  strList = description: mkOption { type = types.listOf types.str; default = [ ]; inherit description; };
  flag = description: mkOption { type = types.bool; default = false; inherit description; };
in
{
  options = {
    boot.kernelModules = strList "Kernel modules loaded at boot (/etc/modules-load.d/strata.conf).";
    boot.kernelParams = strList "Kernel command-line parameters (accepted; Strata does not manage the boot loader).";
    boot.blacklistedKernelModules = strList "Kernel modules never loaded (/etc/modprobe.d/strata-blacklist.conf).";
    boot.extraModulePackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      description = "Packages with extra kernel modules; they are installed.";
    };
    boot.initrd.availableKernelModules = strList "Modules available in the initrd (accepted; Strata does not build the initrd).";
    boot.initrd.kernelModules = strList "Modules loaded by the initrd (accepted; Strata does not build the initrd).";
    boot.loader.grub.enable = flag "Whether GRUB is the boot loader (accepted; Strata does not manage the boot loader).";
    boot.loader.grub.device = mkOption { type = types.str; default = ""; description = "GRUB's install device (accepted, not acted on)."; };
    boot.loader.grub.devices = strList "GRUB's install devices (accepted, not acted on).";
    boot.loader.systemd-boot.enable = flag "Whether systemd-boot is the boot loader (accepted, not acted on).";
    boot.loader.efi.canTouchEfiVariables = flag "Whether EFI variables may be changed (accepted, not acted on).";
    hardware.enableRedistributableFirmware = flag "Whether redistributable firmware is installed (accepted, not acted on).";
    hardware.cpu.intel.updateMicrocode = flag "Whether Intel microcode updates are installed (package `intel-microcode`).";
    hardware.cpu.amd.updateMicrocode = flag "Whether AMD microcode updates are installed (package `amd64-microcode`).";
    powerManagement.cpuFreqGovernor = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "The CPU frequency governor (accepted, not acted on).";
    };
    nixpkgs.hostPlatform = mkOption {
      type = types.either types.str types.attrs;
      default = "x86_64-linux";
      description = "The platform the machine runs on.";
    };
    nixpkgs.config = mkOption {
      type = types.attrs;
      default = { };
      description = "nixpkgs configuration (accepted; Strata's packages come from the distribution).";
    };
    nixpkgs.overlays = mkOption {
      type = types.listOf types.unspecified;
      default = [ ];
      description = "nixpkgs overlays (accepted; Strata's packages come from the distribution).";
    };
  };

  config = lib.mkMerge [
    (lib.mkIf (config.boot.kernelModules != [ ]) {
      environment.etc."modules-load.d/strata.conf".text = lib.concatMapStrings (m: "${m}\n") config.boot.kernelModules;
    })
    (lib.mkIf (config.boot.blacklistedKernelModules != [ ]) {
      environment.etc."modprobe.d/strata-blacklist.conf".text =
        lib.concatMapStrings (m: "blacklist ${m}\n") config.boot.blacklistedKernelModules;
    })
    {
      strata.packageSources = config.boot.extraModulePackages;
      strata.packageNames = lib.optional config.hardware.cpu.intel.updateMicrocode "intel-microcode"
        ++ lib.optional config.hardware.cpu.amd.updateMicrocode "amd64-microcode";
    }
  ];
}
