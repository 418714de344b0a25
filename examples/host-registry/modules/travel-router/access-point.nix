# The Wi-Fi access point of the travel router (hostapd, WPA2/WPA3).
{ config, lib, pkgs, hostName, ... }:
let
  cfg = config.fleet.travelRouter.accessPoint;
  router = config.fleet.travelRouter;
  conf = ''
    interface=${router.apInterface}
    driver=nl80211
    ssid=${cfg.ssid}
    country_code=${cfg.countryCode}
    hw_mode=g
    channel=${toString cfg.channel}
    ieee80211n=1
    wpa=2
    wpa_key_mgmt=WPA-PSK SAE
    rsn_pairwise=CCMP
    ieee80211w=1
    wpa_psk_file=${cfg.pskFile}
  '';
in
{
  options.fleet.travelRouter.accessPoint = {
    enable = lib.mkEnableOption "the travel router's access point";

    ssid = lib.mkOption {
      type = lib.types.str;
      default = "${hostName}-travel";
      defaultText = "<host name>-travel";
      description = "The network name.";
    };

    channel = lib.mkOption {
      type = lib.types.ints.between 1 13;
      default = 6;
      description = "2.4 GHz channel.";
    };

    countryCode = lib.mkOption {
      type = lib.types.str;
      default = "AT";
      description = "Regulatory domain.";
    };

    pskFile = lib.mkOption {
      type = lib.types.str;
      default = "/etc/hostapd/travel-router.psk";
      description = "hostapd PSK file (`00:00:00:00:00:00 <passphrase>`), kept out of the repository.";
    };
  };

  config = lib.mkIf cfg.enable {
    environment.etc."hostapd/travel-router.conf".text = conf;

    systemd.services.travel-router-ap = {
      description = "Travel router access point on ${router.apInterface}";
      wantedBy = [ "multi-user.target" ];
      after = [ "systemd-networkd.service" ];
      restartTriggers = [ conf ];
      serviceConfig = {
        ExecStart = "${pkgs.hostapd}/sbin/hostapd /etc/hostapd/travel-router.conf";
        Restart = "on-failure";
      };
    };

    strata.healthChecks = [
      {
        name = "travel-router-ap";
        type = "unit";
        unit = "travel-router-ap.service";
        timeout = 30;
      }
    ];
  };
}
