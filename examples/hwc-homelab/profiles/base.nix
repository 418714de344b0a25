# Every machine: core OS settings, the admin user, SSH, networking, hardware
# permissions and the shared commands.
{
  imports = [ ../modules ];

  hwc.system.core.enable = true;
  hwc.system.users.enable = true;
  hwc.system.ssh.enable = true;
  hwc.system.networking.enable = true;
  hwc.infrastructure.hardware.permissions.enable = true;
  hwc.infrastructure.session.commands.enable = true;
}
