# Feature `security`: AppArmor, fail2ban and kernel hardening.
{ pkgs, ... }:
{
  environment.systemPackages = with pkgs; [ apparmor fail2ban ];

  boot.kernel.sysctl = {
    "kernel.kptr_restrict" = 2;
    "kernel.dmesg_restrict" = 1;
    "kernel.unprivileged_bpf_disabled" = 1;
    "net.ipv4.conf.all.rp_filter" = 1;
  };
}
