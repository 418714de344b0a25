# nixtv-player: an ARM media player appliance; one kiosk user, no admin tools.
{
  imports = [
    ./hardware.nix
    ./disks.nix
  ];

  users.users.tv = {
    isNormalUser = true;
    extraGroups = [ "audio" "video" "render" ];
  };
  users.groups.render = { };
}
