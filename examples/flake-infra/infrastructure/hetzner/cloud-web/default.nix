# cloud-web: the public web host on Hetzner Cloud (CX22, Falkenstein).
{
  networking.hostName = "cloud-web";
  system.stateVersion = "24.11";

  mxmlabs.platforms.hetznerCloud = {
    enable = true;
    ipv4 = "203.0.113.10";
    ipv6 = "2001:db8:4f8:c17::1";
  };
  mxmlabs.roles.server = {
    enable = true;
    database.enable = true;
    web = {
      enable = true;
      sites."mxmlabs.example" = "127.0.0.1:8080";
      sites."status.mxmlabs.example" = "127.0.0.1:3001";
    };
  };
}
