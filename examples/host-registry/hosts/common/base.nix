# Core settings from the registry's defaults.
{ pkgs, constants, ... }:
{
  time.timeZone = constants.defaults.timeZone;
  i18n.defaultLocale = constants.defaults.locale;
  system.stateVersion = constants.defaults.stateVersion;

  fleet.lanHosts.enable = true;
  networking.firewall.enable = true;

  environment.systemPackages = with pkgs; [ curl git htop vim ];
}
