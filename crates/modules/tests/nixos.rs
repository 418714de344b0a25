//! The standard modules (`<strata/nixos>`): what a machine renders into
//! `config.system.build.strata`, type errors, assertions and warnings.
//! `nixos_tools.rs` runs the real tools on the rendered files.

#[path = "nixos/harness.rs"]
mod harness;

use harness::*;
use serde_json::json;

/// The path of the one generated script whose name starts with `stem-`.
fn script(rendered: &serde_json::Value, stem: &str) -> String {
    let prefix = format!("/etc/strata/scripts/{stem}-");
    let found: Vec<&String> = rendered["files"]
        .as_object()
        .expect("files")
        .keys()
        .filter(|p| p.strip_prefix(&prefix).is_some_and(|hash| hash.len() == 12 && !hash.contains('-')))
        .collect();
    assert_eq!(found.len(), 1, "scripts named {prefix}*: {found:?}");
    let path = found[0].clone();
    assert_eq!(rendered["files"][&path]["mode"], "0755");
    path
}

fn minimal(body: &str) -> String {
    format!("{{ config, lib, pkgs, ... }}: {{ system.stateVersion = \"24.05\"; {body} }}")
}

#[test]
fn services_render_as_nixos_does() {
    let r = render(&web1());
    let start = script(&r, "report-start");
    let pre = script(&r, "report-pre-start");
    assert_eq!(file_text(&r, &start), "#!/bin/bash\nset -e\ncurl -fsS \"$REPORT_URL\" > /var/lib/report/latest\n");
    assert_eq!(file_text(&r, &pre), "#!/bin/bash\nset -e\nmkdir -p /var/lib/report\n");
    assert_eq!(
        file_text(&r, "/etc/systemd/system/report.service"),
        format!(
            "[Unit]\nAfter=network-online.target\nDescription=Nightly report\nWants=network-online.target\n\n\
             [Service]\n\
             Environment=\"PATH=/usr/bin:/usr/sbin:/usr/local/sbin:/usr/local/bin:/sbin:/bin\"\n\
             Environment=\"REPORT_URL=https://example.org/report\"\n\
             X-RestartIfChanged=false\n\
             ExecStart={start}\nExecStartPre={pre}\nNice=10\nPrivateTmp=true\n\
             ReadWritePaths=/var/lib/report\nReadWritePaths=/tmp\nType=oneshot\n"
        )
    );
    assert_eq!(
        file_text(&r, "/etc/systemd/system/report.timer"),
        "[Unit]\n\n[Timer]\nOnCalendar=*-*-* 03:00:00\n\n[Install]\nWantedBy=timers.target\n"
    );
    assert_eq!(
        file_text(&r, "/etc/systemd/system/web.service"),
        "[Unit]\nAfter=network.target\nDescription=Web server\n\n[Service]\nX-ReloadIfChanged=true\nX-StopIfChanged=false\n\
         DynamicUser=true\nExecStart=/bin/sh -c 'exec sleep infinity'\nRestart=on-failure\n\n\
         [Install]\nWantedBy=multi-user.target\n"
    );
    assert_eq!(
        file_text(&r, "/etc/systemd/system/cleanup.timer"),
        "[Unit]\n\n[Timer]\nOnBootSec=15min\nOnUnitActiveSec=1d\nPersistent=true\nUnit=report.service\n\n\
         [Install]\nWantedBy=timers.target\n"
    );
    assert_eq!(
        file_text(&r, "/etc/systemd/system/media.target"),
        "[Unit]\nDescription=Media services\nWants=podman-jellyfin.service\n\n[Install]\nWantedBy=multi-user.target\n"
    );
    for path in ["/etc/systemd/system/report.service", "/etc/systemd/system/web.service"] {
        assert_eq!(r["files"][path]["mode"], "0644");
        assert_eq!(r["files"][path]["user"], "root");
    }
}

#[test]
fn unit_entries_carry_the_switch_rules() {
    let r = render(&web1());
    let units = &r["units"];
    assert_eq!(
        units["report.service"],
        json!({ "enable": true, "wantedBy": [], "requiredBy": [], "restartIfChanged": false,
                "reloadIfChanged": false, "stopIfChanged": true, "restartTriggers": [], "reloadTriggers": [] })
    );
    let web = &units["web.service"];
    assert_eq!(web["wantedBy"], json!(["multi-user.target"]));
    assert_eq!((&web["reloadIfChanged"], &web["stopIfChanged"]), (&json!(true), &json!(false)));
    // `source` follows `text`, so the trigger changes with the file's text.
    let trigger = web["restartTriggers"][0].as_str().expect("a trigger");
    assert!(trigger.starts_with("/etc/strata/text/"), "{trigger}");
    let changed = render(&format!(
        "{{ lib, ... }}: {{ imports = [ {FIXTURES}/web1.nix ]; environment.etc.\"media/app.conf\".text = lib.mkForce \"port = 1\\n\"; }}"
    ));
    assert_ne!(changed["units"]["web.service"]["restartTriggers"][0].as_str(), Some(trigger));
    assert_eq!(units["report.timer"]["wantedBy"], json!(["timers.target"]));
    assert_eq!(units["media.target"]["restartIfChanged"], json!(false));
    assert_eq!(units["podman-db.service"]["wantedBy"], json!([]));
    // Distribution units the modules enable or restart, without unit files.
    assert_eq!(units["ssh.service"]["wantedBy"], json!(["multi-user.target"]));
    assert_eq!(units["ssh.service"]["reloadIfChanged"], json!(true));
    assert!(r["files"].get("/etc/systemd/system/ssh.service").is_none());
    for name in ["systemd-networkd.service", "systemd-sysctl.service", "systemd-tmpfiles-setup.service"] {
        assert_eq!(units[name]["restartTriggers"].as_array().map(Vec::len), Some(1), "{name}");
    }
}

#[test]
fn a_changed_script_changes_its_unit() {
    let a = render(&minimal(r#"systemd.services.x = { script = "echo a"; serviceConfig.Type = "oneshot"; };"#));
    let b = render(&minimal(r#"systemd.services.x = { script = "echo b"; serviceConfig.Type = "oneshot"; };"#));
    let (sa, sb) = (script(&a, "x-start"), script(&b, "x-start"));
    assert_ne!(sa, sb);
    assert_ne!(file_text(&a, "/etc/systemd/system/x.service"), file_text(&b, "/etc/systemd/system/x.service"));
    assert_eq!(
        file_text(&a, "/etc/systemd/system/x.service"),
        format!("[Unit]\n\n[Service]\nExecStart={sa}\nType=oneshot\n")
    );
}

#[test]
fn service_config_values_follow_the_unit_option_rules() {
    let config = minimal(
        r#"imports = [
             { systemd.services.x.serviceConfig.ExecStartPre = [ "/bin/true" ]; }
             { systemd.services.x.serviceConfig.ExecStartPre = "/bin/echo second"; }
           ];
           systemd.services.x = {
             scriptArgs = "--verbose";
             script = "exec sleep 1";
             preStart = "echo pre";
             serviceConfig = { RemainAfterExit = false; LimitNOFILE = 4096; User = "nobody"; };
             unitConfig = { RequiresMountsFor = [ "/srv" "/data" ]; ConditionPathExists = "/etc/x"; };
             environment = { B = "2"; A = "has \"quotes\""; };
             documentation = [ "man:x(8)" "https://x.example" ];
             aliases = [ "y.service" ];
             requiredBy = [ "z.target" ];
           };"#,
    );
    let r = render(&config);
    let (start, pre) = (script(&r, "x-start"), script(&r, "x-pre-start"));
    assert_eq!(
        file_text(&r, "/etc/systemd/system/x.service"),
        format!(
            "[Unit]\nConditionPathExists=/etc/x\nDocumentation=man:x(8) https://x.example\n\
             RequiresMountsFor=/srv\nRequiresMountsFor=/data\n\n\
             [Service]\nEnvironment=\"A=has \\\"quotes\\\"\"\nEnvironment=\"B=2\"\n\
             ExecStart={start} --verbose\nExecStartPre={pre}\nExecStartPre=/bin/true\nExecStartPre=/bin/echo second\n\
             LimitNOFILE=4096\nRemainAfterExit=false\nUser=nobody\n\n\
             [Install]\nAlias=y.service\nRequiredBy=z.target\n"
        )
    );
    // Scalars from two definitions must agree.
    let conflict = error_of(
        &minimal(
            r#"imports = [ { systemd.services.x.serviceConfig.User = "a"; } { systemd.services.x.serviceConfig.User = "b"; } ];"#,
        ),
        "builtins.toJSON config.systemd.services.x.serviceConfig",
    );
    assert!(
        conflict.contains("The option `systemd.services.x.serviceConfig.User' has conflicting definition values"),
        "{conflict}"
    );
    let both = error_of(
        &minimal(r#"systemd.services.x = { script = "true"; serviceConfig.ExecStart = "/bin/true"; };"#),
        "builtins.toJSON config.system.build.strata",
    );
    assert!(both.contains("systemd.services.x: both `script' and `serviceConfig.ExecStart' are set"), "{both}");
}

#[test]
fn disabled_and_drop_in_units() {
    let r = render(&minimal(
        r#"systemd.services.avahi-daemon = { enable = false; script = "never written"; };
           systemd.services.nginx = { overrideStrategy = "asDropin"; serviceConfig.LimitNOFILE = 65536; };"#,
    ));
    assert_eq!(r["files"]["/etc/systemd/system/avahi-daemon.service"], json!({ "symlink": "/dev/null" }));
    assert_eq!(r["units"]["avahi-daemon.service"]["enable"], json!(false));
    assert!(!r["files"].as_object().expect("files").keys().any(|p| p.starts_with("/etc/strata/scripts/avahi")));
    assert_eq!(
        file_text(&r, "/etc/systemd/system/nginx.service.d/overrides.conf"),
        "[Unit]\n\n[Service]\nLimitNOFILE=65536\n"
    );
    assert!(r["files"].get("/etc/systemd/system/nginx.service").is_none());
}

#[test]
fn etc_files_hosts_and_locale() {
    let r = render(&web1());
    assert_eq!(
        r["files"]["/etc/media/app.conf"],
        json!({ "text": "port = 8096\n", "mode": "0640", "user": "media", "group": "media" })
    );
    assert_eq!(
        r["files"]["/etc/issue.net"],
        json!({ "source": format!("{FIXTURES}/issue.net"), "mode": "0644", "user": "root", "group": "root" })
    );
    assert_eq!(r["files"]["/etc/localtime"], json!({ "symlink": "/usr/share/zoneinfo/Europe/Berlin" }));
    assert_eq!(file_text(&r, "/etc/timezone"), "Europe/Berlin\n");
    assert_eq!(file_text(&r, "/etc/hostname"), "web1\n");
    assert_eq!(
        file_text(&r, "/etc/hosts"),
        "10.0.0.1 gateway\n127.0.0.1 localhost\n127.0.0.2 web1.example.org web1\n::1 localhost\n10.0.0.9 backup\n"
    );
    assert_eq!(file_text(&r, "/etc/locale.conf"), "LANG=de_DE.UTF-8\nLC_TIME=en_GB.UTF-8\n");
    assert_eq!(file_text(&r, "/etc/default/locale"), "LANG=de_DE.UTF-8\nLC_TIME=en_GB.UTF-8\n");
    assert_eq!(file_text(&r, "/etc/locale.gen"), "de_DE.UTF-8 UTF-8\nen_GB.UTF-8 UTF-8\n");
    let c = render(&minimal(r#"i18n.defaultLocale = "C.UTF-8"; i18n.extraLocaleSettings.LC_CTYPE = "fr_FR.utf8";"#));
    assert_eq!(file_text(&c, "/etc/locale.gen"), "fr_FR.utf8 UTF-8\n");
    let plain = render(&minimal(r#"i18n.defaultLocale = "C.UTF-8";"#));
    assert!(plain["files"].get("/etc/locale.gen").is_none());
    assert!(!plain["packages"].as_array().expect("packages").contains(&json!("locales")));
    assert_eq!(file_text(&r, "/etc/sysctl.d/60-strata.conf"), "net.ipv4.ip_forward = 1\nvm.swappiness = 10\n");
    assert_eq!(file_text(&r, "/etc/modules-load.d/strata.conf"), "kvm-intel\n");

    let shell = render(&minimal(
        r#"environment.variables = { EDITOR = "vim"; XDG_DATA_DIRS = [ "/usr/share" "/opt/share" ]; };
           environment.sessionVariables.QUOTED = "it's";
           environment.shellAliases = { ll = "ls -l"; gone = null; };"#,
    ));
    assert_eq!(
        file_text(&shell, "/etc/profile.d/strata-environment.sh"),
        "# Generated by Strata from environment.variables, sessionVariables and shellAliases.\n\
         export EDITOR=vim\nexport QUOTED='it'\\''s'\nexport XDG_DATA_DIRS=/usr/share:/opt/share\nalias ll='ls -l'\n"
    );
    assert_eq!(file_text(&shell, "/etc/environment.d/50-strata.conf"), "QUOTED=it's\n");
    let etc = render(&minimal(
        r#"environment.etc = {
             "a".text = "A";
             "b" = { text = "B"; target = "nested/b.conf"; mode = "600"; uid = 33; };
             "c" = { text = "C"; enable = false; };
           };"#,
    ));
    assert_eq!(etc["files"]["/etc/a"], json!({ "text": "A", "mode": "0644", "user": "root", "group": "root" }));
    assert_eq!(
        etc["files"]["/etc/nested/b.conf"],
        json!({ "text": "B", "mode": "0600", "user": "+33", "group": "root" })
    );
    assert!(etc["files"].get("/etc/c").is_none());
    let twice = error_of(
        &minimal(r#"environment.etc = { "one" = { text = "1"; target = "same"; }; "same".text = "2"; };"#),
        "builtins.toJSON config.system.build.strata",
    );
    assert!(twice.contains("- environment.etc: more than one entry installs `/etc/same'"), "{twice}");
    let clash = error_of(
        &minimal(
            r#"environment.etc."systemd/system/x.service".text = "[Unit]
";
               systemd.services.x.serviceConfig.ExecStart = "/bin/true";"#,
        ),
        "builtins.toJSON config.system.build.strata.files",
    );
    assert!(
        clash.contains("environment.etc defines `/etc/systemd/system/x.service', which Strata renders from systemd.*"),
        "{clash}"
    );
    let bad_mode = error_of(
        &minimal(r#"environment.etc.m = { text = ""; mode = "rw-r--r--"; };"#),
        "builtins.toJSON config.system.build.strata",
    );
    assert!(bad_mode.contains("- environment.etc.\"m\".mode is \"rw-r--r--\""), "{bad_mode}");
    assert!(etc["files"].get("/etc/b").is_none());
}

#[test]
fn users_and_groups() {
    let r = render(&web1());
    assert_eq!(
        r["users"]["alice"],
        json!({
            "uid": null, "group": "users", "extraGroups": ["wheel", "media"], "home": "/home/alice",
            "homeMode": "700", "createHome": true, "shell": "/usr/bin/zsh", "isNormalUser": true,
            "isSystemUser": false, "hashedPassword": "$6$salt$hash", "initialHashedPassword": null,
            "hashedPasswordFile": null, "description": "Alice",
            "authorizedKeys": ["ssh-ed25519 AAAAC3Nza alice@laptop"]
        })
    );
    assert_eq!(r["users"]["media"]["uid"], json!(950));
    assert_eq!(r["users"]["media"]["shell"], json!("/usr/sbin/nologin"));
    assert_eq!(r["users"]["media"]["home"], json!("/var/lib/media"));
    assert_eq!(r["users"]["root"]["shell"], json!("/bin/bash"));
    assert_eq!(r["groups"]["media"], json!({ "gid": 950, "members": ["alice", "bob"] }));
    assert_eq!(r["groups"]["wheel"], json!({ "gid": null, "members": ["alice"] }));
    assert_eq!(r["groups"]["users"], json!({ "gid": 100, "members": [] }));
    // The option itself lists the members that come from `extraGroups`, as in NixOS.
    assert_eq!(evaluate(&web1(), "toString config.users.groups.media.members"), Ok("alice bob".to_string()));
    assert_eq!(file_text(&r, "/etc/ssh/authorized_keys.d/alice"), "ssh-ed25519 AAAAC3Nza alice@laptop\n");
    assert_eq!(r["files"]["/etc/ssh/authorized_keys.d/alice"]["mode"], "0444");
}

#[test]
fn packages_are_sorted_unique_distribution_names() {
    let r = render(&web1());
    assert_eq!(
        r["packages"],
        json!([
            "curl",
            "git",
            "htop",
            "intel-microcode",
            "jq",
            "locales",
            "nftables",
            "openssh-server",
            "podman",
            "sudo",
            "tzdata",
            "zsh"
        ])
    );
    let bare = render(&minimal(
        "networking.firewall.enable = false; security.sudo.enable = false; environment.systemPackages = [ pkgs.git pkgs.git pkgs.openssh ];",
    ));
    assert_eq!(bare["packages"], json!(["git", "locales", "openssh-client"]));
    let podman = render(&minimal("virtualisation.podman = { enable = true; dockerCompat = true; };"));
    assert_eq!(podman["packages"], json!(["locales", "nftables", "podman", "podman-docker", "sudo"]));
    assert_eq!(bare["firewall"], json!({ "enable": false, "ruleset": null }));
    assert!(bare["files"].get("/etc/strata/firewall.nft").is_none());
    assert!(bare["units"].get("strata-firewall.service").is_none());
}

#[test]
fn openssh_and_sudo() {
    let r = render(&web1());
    assert_eq!(
        file_text(&r, "/etc/ssh/sshd_config.d/strata.conf"),
        "# Generated by Strata from services.openssh.\nPort 22\nPort 2222\n\
         AuthorizedKeysFile %h/.ssh/authorized_keys /etc/ssh/authorized_keys.d/%u\n\
         KbdInteractiveAuthentication yes\nLogLevel INFO\nPasswordAuthentication no\nPermitRootLogin no\nUseDns no\n\
         X11Forwarding no\n"
    );
    assert_eq!(
        r["files"]["/etc/sudoers.d/strata"],
        json!({
            "text": "# Generated by Strata from security.sudo.\n%wheel ALL=(ALL:ALL) SETENV: ALL\n\
                     alice ALL=(ALL:ALL) NOPASSWD: /usr/bin/systemctl restart web.service, /usr/bin/journalctl\n\
                     %#950 ALL=(ALL:ALL) NOPASSWD: /usr/bin/systemctl restart web.service, /usr/bin/journalctl\n",
            "mode": "0440", "user": "root", "group": "root"
        })
    );
    let lists = render(&minimal(
        r#"services.openssh = { enable = true; settings = { AllowUsers = [ "alice" "bob@10.0.0.*" ];
             Ciphers = [ "aes256-gcm@openssh.com" "chacha20-poly1305@openssh.com" ]; LogLevel = null; }; };"#,
    ));
    let config = file_text(&lists, "/etc/ssh/sshd_config.d/strata.conf");
    assert!(config.contains("\nAllowUsers alice bob@10.0.0.*\n"), "{config}");
    assert!(config.contains("\nCiphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com\n"), "{config}");
    assert!(!config.contains("LogLevel"), "{config}");
    let closed = render(&minimal(
        "services.openssh = { enable = true; openFirewall = false; }; security.sudo.wheelNeedsPassword = false;",
    ));
    assert!(!closed["firewall"]["ruleset"].as_str().expect("ruleset").contains("tcp dport"));
    assert!(file_text(&closed, "/etc/sudoers.d/strata").contains("%wheel ALL=(ALL:ALL) NOPASSWD:SETENV: ALL\n"));
}

#[test]
fn firewall_ruleset() {
    let r = render(&web1());
    let expected = "# Generated by Strata from networking.firewall.\n\
table inet strata-fw\n\
delete table inet strata-fw\n\
\n\
table inet strata-fw {\n  chain input {\n    type filter hook input priority filter; policy drop;\n    \
iifname { \"lo\", \"wg0\" } accept\n    \
ct state vmap { invalid : drop, established : accept, related : accept, new : jump input-allow, untracked : jump input-allow }\n    \
tcp flags syn / fin,syn,rst,ack log level info prefix \"refused connection: \"\n  }\n\n  \
chain input-allow {\n    \
tcp dport { 22, 80, 443, 2222 } accept\n    \
udp dport { 60000-60010 } accept\n    \
iifname \"vlan20\" tcp dport { 9100 } accept\n    \
icmp type echo-request accept\n    \
icmpv6 type != { nd-redirect, 139 } accept\n    \
ip6 daddr fe80::/64 udp dport 546 accept\n    \
ip saddr 10.0.0.0/8 tcp dport 5432 accept\n  }\n}\n";
    assert_eq!(r["firewall"]["ruleset"], json!(expected));
    assert_eq!(file_text(&r, "/etc/strata/firewall.nft"), expected);
    assert_eq!(r["files"]["/etc/strata/firewall.nft"]["mode"], "0600");
    assert_eq!(
        file_text(&r, "/etc/systemd/system/strata-firewall.service"),
        "[Unit]\nBefore=network-pre.target shutdown.target\nConflicts=shutdown.target\nDefaultDependencies=false\n\
         Description=Strata firewall (nftables)\nWants=network-pre.target\n\n\
         [Service]\nX-ReloadIfChanged=true\nExecReload=/usr/sbin/nft -f /etc/strata/firewall.nft\n\
         ExecStart=/usr/sbin/nft -f /etc/strata/firewall.nft\nExecStop=-/usr/sbin/nft delete table inet strata-fw\n\
         RemainAfterExit=true\nType=oneshot\n\n[Install]\nWantedBy=multi-user.target\n"
    );
    let options = render(&minimal(
        r#"networking.firewall = { allowPing = false; rejectPackets = true; logRefusedConnections = false;
             allowedUDPPorts = [ 53 ]; };"#,
    ));
    let ruleset = options["firewall"]["ruleset"].as_str().expect("ruleset");
    assert!(!ruleset.contains("echo-request"), "{ruleset}");
    assert!(!ruleset.contains("log level"), "{ruleset}");
    assert!(ruleset.contains("    meta l4proto tcp reject with tcp reset\n    reject\n"), "{ruleset}");
    assert!(ruleset.contains("    udp dport { 53 } accept\n"), "{ruleset}");
}

#[test]
fn networkd_files() {
    let r = render(&web1());
    assert_eq!(
        file_text(&r, "/etc/systemd/network/30-vlan20.netdev"),
        "[NetDev]\nName=vlan20\nKind=vlan\n\n[VLAN]\nId=20\n"
    );
    assert_eq!(
        file_text(&r, "/etc/systemd/network/40-eth0.network"),
        "[Match]\nName=eth0\n\n[Network]\nDHCP=no\nAddress=10.0.0.2/24\nGateway=10.0.0.1\nDNS=10.0.0.1\nVLAN=vlan20\n"
    );
    assert_eq!(
        file_text(&r, "/etc/systemd/network/40-vlan20.network"),
        "[Match]\nName=vlan20\n\n[Link]\nMTUBytes=1400\n\n[Network]\nDHCP=no\nAddress=10.20.0.2/24\nDNS=10.0.0.1\n"
    );
    let dhcp = render(&minimal("networking.useDHCP = true; networking.interfaces.eno1.useDHCP = true;"));
    assert_eq!(file_text(&dhcp, "/etc/systemd/network/40-eno1.network"), "[Match]\nName=eno1\n\n[Network]\nDHCP=yes\n");
    assert!(file_text(&dhcp, "/etc/systemd/network/99-strata-default-dhcp.network").contains("DHCP=yes\n"));
    let routed = render(&minimal(
        r#"networking.interfaces.eth1 = {
             ipv4.addresses = [ { address = "192.168.5.2"; prefixLength = 24; } ];
             ipv4.routes = [ { address = "10.1.0.0"; prefixLength = 16; via = "192.168.5.254"; } ];
             ipv6.routes = [ { address = "fd00::"; prefixLength = 8; } ];
           };
           networking.defaultGateway = "192.168.5.1";"#,
    ));
    assert_eq!(
        file_text(&routed, "/etc/systemd/network/40-eth1.network"),
        "[Match]\nName=eth1\n\n[Network]\nDHCP=no\nAddress=192.168.5.2/24\nGateway=192.168.5.1\n\n\
         [Route]\nDestination=10.1.0.0/16\nGateway=192.168.5.254\n\n[Route]\nDestination=fd00::/8\n"
    );
    let nowhere =
        error_of(&minimal(r#"networking.defaultGateway = "10.0.0.1";"#), "builtins.toJSON config.system.build.strata");
    assert!(nowhere.contains("- networking.defaultGateway is set but no interface is configured"), "{nowhere}");
    // Nothing networkd-related when nothing is configured.
    let plain = render(&minimal(""));
    assert!(plain["units"].get("systemd-networkd.service").is_none());
    assert!(!plain["files"].as_object().expect("files").keys().any(|p| p.starts_with("/etc/systemd/network/")));
}

#[test]
fn containers_run_with_podman() {
    let r = render(&web1());
    let start = script(&r, "podman-jellyfin-start");
    assert_eq!(
        file_text(&r, &start),
        "#!/bin/bash\nset -e\nexec /usr/bin/podman run \\\n  --rm \\\n  --name=jellyfin \\\n  --log-driver=journald \\\n  \
         --cidfile=/run/podman-jellyfin.ctr-id \\\n  --cgroups=no-conmon \\\n  --sdnotify=conmon \\\n  --pull=missing \\\n  -d \\\n  --replace \\\n  \
         -e 'TZ=Europe/Berlin' \\\n  --env-file /run/secrets/jellyfin.env \\\n  -p 8096:8096 \\\n  -v /srv/media:/media:ro \\\n  \
         --device='nvidia.com/gpu=all' \\\n  --device=/dev/dri:/dev/dri \\\n  '--security-opt=label=disable' \\\n  \
         docker.io/jellyfin/jellyfin:10.9 \\\n  --nowebclient\n"
    );
    let (pre_stop, post_stop) = (script(&r, "podman-jellyfin-pre-stop"), script(&r, "podman-jellyfin-post-stop"));
    assert_eq!(
        file_text(&r, "/etc/systemd/system/podman-jellyfin.service"),
        format!(
            "[Unit]\nAfter=network-online.target podman-db.service\nDescription=Container jellyfin (podman)\n\
             Requires=podman-db.service\nWants=network-online.target\n\n\
             [Service]\nEnvironment=\"PODMAN_SYSTEMD_UNIT=%n\"\nExecStart={start}\nExecStop={pre_stop}\n\
             ExecStopPost={post_stop}\nNotifyAccess=all\nRestart=always\nTimeoutStartSec=0\nTimeoutStopSec=120\n\
             Type=notify\n\n[Install]\nWantedBy=multi-user.target\n"
        )
    );
    let options = render(&minimal(
        r#"virtualisation.oci-containers.containers.app = {
             image = "registry.example/app:1";
             autoRemoveOnStop = false;
             pull = "always";
             preRunExtraOptions = [ "--log-level=debug" ];
             capabilities = { NET_ADMIN = true; MKNOD = false; CHOWN = null; };
             podman.sdnotify = "healthy";
             login = { registry = "registry.example"; username = "bot"; passwordFile = "/run/secrets/registry"; };
           };"#,
    ));
    let app = script(&options, "podman-app-start");
    assert_eq!(
        file_text(&options, &app),
        "#!/bin/bash\nset -e\nexec /usr/bin/podman '--log-level=debug' run \\\n  --name=app \\\n  --log-driver=journald \\\n  \
         --cidfile=/run/podman-app.ctr-id \\\n  --cgroups=no-conmon \\\n  --sdnotify=healthy \\\n  --pull=always \\\n  \
         -d \\\n  --replace \\\n  --cap-drop=MKNOD \\\n  --cap-add=NET_ADMIN \\\n  registry.example/app:1\n"
    );
    let login = script(&options, "podman-app-pre-start");
    assert_eq!(
        file_text(&options, &login),
        "#!/bin/bash\nset -e\n# Log in; when that fails, go on if the image is already here.\n\
         /usr/bin/podman login registry.example --username bot --password-stdin < /run/secrets/registry \\\n  \
         || /usr/bin/podman image inspect registry.example/app:1 > /dev/null \\\n  \
         || { echo 'logging in to registry.example failed and the image is not here' >&2; exit 1; }\n"
    );
    let error = error_of(
        &minimal(r#"virtualisation.oci-containers.containers.a = { image = "x"; dependsOn = [ "missing" ]; };"#),
        "builtins.toJSON config.system.build.strata",
    );
    assert!(error.contains("- virtualisation.oci-containers.containers.a.dependsOn names `missing'"), "{error}");
}

#[test]
fn tmpfiles_and_fstab() {
    let r = render(&web1());
    assert_eq!(file_text(&r, "/etc/tmpfiles.d/00-strata.conf"), "d /var/lib/report 0750 root root -\n");
    assert_eq!(file_text(&r, "/etc/tmpfiles.d/media.conf"), "d /srv/media 0755 root root -\n");
    assert_eq!(
        file_text(&r, "/etc/strata/fstab"),
        "# Generated by Strata from fileSystems and swapDevices (not mounted by Strata).\n\
         /dev/disk/by-uuid/0b5f1c2e-1111-4c6b-9d7e-000000000001 / ext4 defaults 0 1\n\
         /dev/disk/by-uuid/ABCD-1234 /boot vfat fmask=0022,dmask=0022 0 2\n\
         nas:/media /srv/media nfs noauto,x-systemd.automount 0 0\n\
         /dev/disk/by-uuid/5e1f0000-2222-4c6b-9d7e-000000000002 none swap defaults 0 0\n"
    );
}

#[test]
fn health_checks_warnings_and_state_version() {
    let r = render(&web1());
    assert_eq!(
        r["healthChecks"],
        json!([
            { "name": "web", "type": "unit", "unit": "web.service", "timeout": 30 },
            { "name": "ssh", "type": "tcp", "host": "127.0.0.1", "port": 22, "timeout": 10 },
            { "name": "site", "type": "http", "url": "http://127.0.0.1/", "timeout": 10 },
            { "name": "hostname", "type": "command", "command": "test -e /etc/hostname", "timeout": 5 }
        ])
    );
    assert_eq!(r["warnings"], json!(["web1 is a test machine"]));
    let inferred = render(&minimal(
        r#"strata.healthChecks = [ { name = "u"; unit = "a.service"; } { name = "p"; port = 80; } { name = "h"; url = "http://x/"; } ];"#,
    ));
    assert_eq!(
        inferred["healthChecks"],
        json!([
            { "name": "u", "type": "unit", "unit": "a.service", "timeout": 30 },
            { "name": "p", "type": "tcp", "host": "127.0.0.1", "port": 80, "timeout": 30 },
            { "name": "h", "type": "http", "url": "http://x/", "timeout": 30 }
        ])
    );
    let twice = error_of(
        &minimal(r#"strata.healthChecks = [ { name = "a"; port = 1; } { name = "a"; port = 2; } ];"#),
        "builtins.toJSON config.system.build.strata",
    );
    assert!(twice.contains("- strata.healthChecks: more than one check is named `a'"), "{twice}");
    let nothing = error_of(
        &minimal(r#"strata.healthChecks = [ { name = "n"; } ];"#),
        "builtins.toJSON config.system.build.strata",
    );
    assert!(
        nothing.contains("- strata.healthChecks: the check `n' has type \"command\" but no `command'."),
        "{nothing}"
    );
    assert_eq!((&r["hostName"], &r["stateVersion"]), (&json!("web1"), &json!("24.05")));
    let unset = render("{ }");
    assert_eq!(unset["stateVersion"], json!("25.05"));
    assert_eq!(
        unset["warnings"],
        json!([
            "networking.firewall is on (the default) and lets no SSH in: services.openssh is off and TCP port 22 is not allowed. If this machine is reached over SSH, enable services.openssh or allow port 22, or the switch will lock you out.",
            "system.stateVersion is not set; it defaults to 25.05. Set it to the release the machine was first installed with, and keep it."
        ])
    );
    for reachable in [
        "networking.firewall.allowedTCPPortRanges = [ { from = 20; to = 30; } ];",
        "networking.firewall.interfaces.eth0.allowedTCPPorts = [ 22 ];",
        "networking.firewall.enable = false;",
        "services.openssh.enable = true;",
    ] {
        assert_eq!(render(&minimal(reachable))["warnings"], json!([]), "{reachable}");
    }
    assert_eq!(unset["hostName"], json!("nixos"));
}

#[test]
fn failed_assertions_stop_the_build() {
    let config = minimal(
        r#"assertions = [ { assertion = false; message = "first"; } { assertion = true; message = "fine"; } ];
           users.users.nogroup-user.isSystemUser = true;
           users.users.both = { isSystemUser = true; isNormalUser = true; };
           strata.healthChecks = [ { name = "port"; type = "tcp"; } ];
           networking.firewall.allowedTCPPortRanges = [ { from = 9000; to = 8000; } ];"#,
    );
    let error = error_of(&config, "builtins.toJSON config.system.build.strata");
    // Rendered as Nix renders a multi-line message: continuation lines
    // indented to the message's column.
    let expected = "Failed assertions:\n       \
        - first\n       \
        - networking.firewall: the port range 9000-8000 starts after it ends.\n       \
        - users.users.both: set exactly one of `isSystemUser' and `isNormalUser' (a uid below 1000 counts as a system user).\n       \
        - users.users.nogroup-user.group is not set. Give the user a primary group, for example: users.users.nogroup-user.group = \"nogroup-user\"; users.groups.nogroup-user = { };\n       \
        - strata.healthChecks: the check `port' has type \"tcp\" but no `port'.\n";
    assert!(error.contains(expected), "{error}");
    // Other options stay usable.
    assert_eq!(evaluate(&config, "config.networking.hostName"), Ok("nixos".to_string()));
    let plaintext = error_of(
        &minimal(r#"users.users.p = { isNormalUser = true; initialPassword = "hunter2"; };"#),
        "builtins.toJSON config.system.build.strata",
    );
    assert!(plaintext.contains("- users.users.p: Strata does not keep plaintext passwords"), "{plaintext}");
    // Every assertion and warning can be shown, passing or not.
    assert!(evaluate(&web1(), "builtins.toJSON [ config.assertions config.warnings ]").is_ok());
    let ids = error_of(
        &minimal(
            r#"users.users.a = { isSystemUser = true; group = "g"; uid = 500; };
               users.users.b = { isSystemUser = true; group = "g"; uid = 500; };
               users.groups.g.gid = 100;"#,
        ),
        "builtins.toJSON config.system.build.strata",
    );
    assert!(ids.contains("- users.users: these uids are given to more than one user: 500."), "{ids}");
    assert!(ids.contains("- users.groups: these gids are given to more than one group: 100."), "{ids}");
}

#[test]
fn definitions_of_the_wrong_type_are_rejected() {
    let cases = [
        (r#"users.users.alice.uid = "1000";"#, "config.users.users.alice.uid", "`users.users.alice.uid' is not of type `null or signed integer'"),
        ("networking.firewall.allowedTCPPorts = [ 70000 ];", "config.networking.firewall.allowedTCPPorts", "`networking.firewall.allowedTCPPorts.\"[definition 1-entry 1]\"' is not of type `16 bit unsigned integer; between 0 and 65535 (both inclusive)'"),
        (r#"networking.hostName = "no spaces";"#, "config.networking.hostName", "`networking.hostName' is not of type `string matching the pattern"),
        ("systemd.services.x.serviceConfig.Foo = { a = 1; };", "config.systemd.services.x.serviceConfig", "`systemd.services.x.serviceConfig.Foo' is not of type `systemd unit option value"),
        (r#"services.openssh.settings.PermitRootLogin = "maybe";"#, "config.services.openssh.settings", "`services.openssh.settings.PermitRootLogin' is not of type `one of \"yes\", \"without-password\", \"prohibit-password\", \"forced-commands-only\", \"no\"'"),
        (r#"virtualisation.oci-containers.containers.a.ports = 8080;"#, "config.virtualisation.oci-containers.containers.a.ports", "`virtualisation.oci-containers.containers.a.ports' is not of type `list of string'"),
        (r#"users.users.alice.hashedPassword = "a:b";"#, "config.users.users.alice.hashedPassword", "`users.users.alice.hashedPassword' is not of type `null or (string, not containing newlines or colons)'"),
        ("networking.vlans.v.id = 5000;", "config.networking.vlans.v.id", "`networking.vlans.v.id' is not of type `integer between 0 and 4094 (both inclusive)'"),
    ];
    for (definition, expr, expected) in cases {
        let error = error_of(&minimal(definition), &format!("builtins.toJSON ({expr})"));
        assert!(error.contains(expected), "{definition}\n{error}");
    }
    let missing = error_of(&minimal("services.openssh.enabled = true;"), "builtins.toJSON config.services.openssh");
    assert!(missing.contains("The option `services.openssh.enabled' does not exist."), "{missing}");
}

#[test]
fn rendering_is_deterministic_and_lazy() {
    let first = evaluate(&web1(), "builtins.toJSON config.system.build.strata");
    let second = evaluate(&web1(), "builtins.toJSON config.system.build.strata");
    assert!(first.is_ok());
    assert_eq!(first, second);
    // Other parts of the machine do not force the unit texts, the firewall or the users.
    let config = minimal(
        r#"systemd.services.x.script = throw "the script was forced";
           networking.firewall.extraInputRules = throw "the ruleset was forced";
           users.users.y = { isSystemUser = true; group = "nogroup"; description = throw "the users were forced"; };
           networking.hostName = "lazy";"#,
    );
    assert_eq!(evaluate(&config, "config.networking.hostName"), Ok("lazy".to_string()));
    assert_eq!(evaluate(&config, "config.system.build.strata.hostName").as_deref(), Ok("lazy"));
    assert_eq!(
        evaluate(&config, "toString config.system.build.strata.packages"),
        Ok("locales nftables sudo".to_string())
    );
    let forced = error_of(&config, "builtins.toJSON config.system.build.strata.files");
    assert!(forced.contains("was forced"), "{forced}");
}
