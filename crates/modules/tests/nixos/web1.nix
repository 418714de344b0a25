# A machine that uses every standard module.
{ config, lib, pkgs, ... }:
{
  imports = [ ./hardware-configuration.nix ];

  networking.hostName = "web1";
  networking.domain = "example.org";
  networking.extraHosts = "10.0.0.9 backup";
  networking.hosts."10.0.0.1" = [ "gateway" ];
  system.stateVersion = "24.05";
  time.timeZone = "Europe/Berlin";
  i18n.defaultLocale = "de_DE.UTF-8";
  i18n.extraLocaleSettings.LC_TIME = "en_GB.UTF-8";

  users.users.alice = {
    isNormalUser = true;
    description = "Alice";
    extraGroups = [ "wheel" "media" ];
    shell = pkgs.zsh;
    hashedPassword = "$6$salt$hash";
    openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3Nza alice@laptop" ];
    packages = [ pkgs.jq ];
  };
  users.users.media = {
    isSystemUser = true;
    uid = 950;
    group = "media";
    home = "/var/lib/media";
    createHome = true;
  };
  users.groups.media = { gid = 950; members = [ "bob" ]; };

  environment.systemPackages = [ pkgs.git pkgs.htop ];
  environment.variables.EDITOR = "vim";
  environment.shellAliases.ll = "ls -l";
  environment.etc."media/app.conf" = { text = "port = 8096\n"; mode = "0640"; user = "media"; group = "media"; };
  environment.etc."issue.net".source = ./issue.net;

  services.openssh = {
    enable = true;
    ports = [ 22 2222 ];
    settings = { PermitRootLogin = "no"; PasswordAuthentication = false; };
  };

  networking.firewall = {
    allowedTCPPorts = [ 443 80 ];
    allowedUDPPortRanges = [ { from = 60000; to = 60010; } ];
    interfaces.vlan20.allowedTCPPorts = [ 9100 ];
    trustedInterfaces = [ "wg0" ];
    extraInputRules = ''
      ip saddr 10.0.0.0/8 tcp dport 5432 accept
    '';
  };

  networking.interfaces.eth0.ipv4.addresses = [ { address = "10.0.0.2"; prefixLength = 24; } ];
  networking.interfaces.vlan20 = {
    ipv4.addresses = [ { address = "10.20.0.2"; prefixLength = 24; } ];
    mtu = 1400;
  };
  networking.vlans.vlan20 = { id = 20; interface = "eth0"; };
  networking.defaultGateway = { address = "10.0.0.1"; interface = "eth0"; };
  networking.nameservers = [ "10.0.0.1" ];

  systemd.services.report = {
    description = "Nightly report";
    after = [ "network-online.target" ];
    wants = [ "network-online.target" ];
    path = [ pkgs.curl ];
    environment = { REPORT_URL = "https://example.org/report"; EMPTY = null; };
    preStart = "mkdir -p /var/lib/report";
    script = ''
      curl -fsS "$REPORT_URL" > /var/lib/report/latest
    '';
    serviceConfig = {
      Type = "oneshot";
      PrivateTmp = true;
      ReadWritePaths = [ "/var/lib/report" "/tmp" ];
      Nice = 10;
    };
    startAt = "*-*-* 03:00:00";
    restartIfChanged = false;
  };

  systemd.services.web = {
    description = "Web server";
    wantedBy = [ "multi-user.target" ];
    after = [ "network.target" ];
    serviceConfig = {
      ExecStart = "/bin/sh -c 'exec sleep infinity'";
      Restart = "on-failure";
      DynamicUser = true;
    };
    reloadIfChanged = true;
    stopIfChanged = false;
    restartTriggers = [ config.environment.etc."media/app.conf".source ];
  };

  systemd.targets.media = {
    description = "Media services";
    wantedBy = [ "multi-user.target" ];
    wants = [ "podman-jellyfin.service" ];
  };

  systemd.timers.cleanup = {
    wantedBy = [ "timers.target" ];
    timerConfig = { OnBootSec = "15min"; OnUnitActiveSec = "1d"; Persistent = true; Unit = "report.service"; };
  };

  systemd.tmpfiles.rules = [ "d /var/lib/report 0750 root root -" ];
  systemd.tmpfiles.settings.media."/srv/media".d = { mode = "0755"; user = "root"; group = "root"; };

  virtualisation.oci-containers.containers = {
    jellyfin = {
      image = "docker.io/jellyfin/jellyfin:10.9";
      ports = [ "8096:8096" ];
      volumes = [ "/srv/media:/media:ro" ];
      environment.TZ = "Europe/Berlin";
      environmentFiles = [ "/run/secrets/jellyfin.env" ];
      devices = [ "nvidia.com/gpu=all" "/dev/dri:/dev/dri" ];
      extraOptions = [ "--security-opt=label=disable" ];
      cmd = [ "--nowebclient" ];
      dependsOn = [ "db" ];
    };
    db = {
      image = "docker.io/library/postgres:16";
      autoStart = false;
    };
  };

  boot.kernel.sysctl = { "net.ipv4.ip_forward" = true; "vm.swappiness" = 10; "kernel.unset" = null; };

  security.sudo.extraRules = [
    { users = [ "alice" ]; groups = [ 950 ]; commands = [ { command = "/usr/bin/systemctl restart web.service"; options = [ "NOPASSWD" ]; } "/usr/bin/journalctl" ]; }
  ];

  strata.healthChecks = [
    { name = "web"; type = "unit"; unit = "web.service"; }
    { name = "ssh"; type = "tcp"; port = 22; timeout = 10; }
    { name = "site"; type = "http"; url = "http://127.0.0.1/"; timeout = 10; }
    { name = "hostname"; type = "command"; command = "test -e /etc/hostname"; timeout = 5; }
  ];

  warnings = [ "web1 is a test machine" ];
}
