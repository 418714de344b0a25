# SSH with keys only.
{
  services.openssh = {
    enable = true;
    openFirewall = true;
    settings = {
      PasswordAuthentication = false;
      PermitRootLogin = "no";
    };
  };

  strata.healthChecks = [
    {
      name = "ssh";
      type = "tcp";
      host = "127.0.0.1";
      port = 22;
      timeout = 10;
    }
  ];
}
