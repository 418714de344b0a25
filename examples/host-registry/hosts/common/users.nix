# The owner's account on every host.
{ constants, ... }:
{
  users.users.${constants.defaults.user} = {
    isNormalUser = true;
    extraGroups = [ "wheel" "audio" "video" ];
    openssh.authorizedKeys.keys = constants.defaults.sshKeys;
  };
  users.groups.audio = { };
  users.groups.video = { };

  security.sudo.extraRules = [
    {
      users = [ constants.defaults.user ];
      commands = [ { command = "ALL"; options = [ "NOPASSWD" ]; } ];
    }
  ];
}
