//! The three example fleets under `examples/` keep evaluating, keep their
//! architecture rules clean, and keep meaning what their READMEs say: every
//! machine of each is listed by `strata hosts`, rendered by `strata show`,
//! and `strata check` finds nothing; the values that show each seed's idea
//! (the GPU pipeline, roles, the host registry, WinTV's generated files)
//! are asserted.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository root exists")
}

fn example(name: &str) -> PathBuf {
    repo_root().join("examples").join(name)
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata")).args(args).arg("-C").arg(dir).output().expect("strata runs")
}

/// Runs `strata ARGS -C DIR`, asserts success and returns stdout.
fn ok(dir: &Path, args: &[&str]) -> String {
    let output = run(dir, args);
    assert!(
        output.status.success(),
        "strata {} -C {} failed:\n{}{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let text = ok(dir, args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("strata {} printed no JSON ({e}):\n{text}", args.join(" ")))
}

/// `strata show HOST PATH --json`.
fn show(dir: &Path, host: &str, path: &str) -> Value {
    json(dir, &["show", host, path, "--json"])
}

/// The rendered machine, `config.system.build.strata`.
fn rendered(dir: &Path, host: &str) -> Value {
    show(dir, host, "system.build.strata")
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_string())
        .collect()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap_or_else(|| panic!("not an object: {value}")).keys().cloned().collect()
}

fn file_text<'a>(machine: &'a Value, path: &str) -> &'a str {
    machine["files"][path]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("no file {path} in {}", keys(&machine["files"]).len()))
}

/// The start script of a container's unit (the `podman run` command line).
fn container_command(machine: &Value, container: &str) -> String {
    let prefix = format!("/etc/strata/scripts/podman-{container}-start-");
    let files = machine["files"].as_object().expect("files is an object");
    let (_, file) = files
        .iter()
        .find(|(path, _)| path.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no start script for the container {container}"));
    file["text"].as_str().expect("a script has text").to_string()
}

/// `strata hosts --json`, `strata show` of every machine and `strata check`,
/// all successful and clean. Returns the hosts.
fn evaluates_and_is_clean(dir: &Path, expected_hosts: &[&str]) -> Vec<Value> {
    let hosts = json(dir, &["hosts", "--json"]);
    let hosts = hosts.as_array().expect("hosts --json is a list").clone();
    let names: Vec<&str> = hosts.iter().map(|h| h["name"].as_str().expect("a host has a name")).collect();
    assert_eq!(names, expected_hosts, "the machines of {}", dir.display());
    for host in &hosts {
        let name = host["name"].as_str().expect("name");
        assert!(host["modules"].as_u64().unwrap_or(0) > 10, "{name} counts its modules: {host}");
        assert!(host["options"].as_u64().unwrap_or(0) > 50, "{name} counts its options: {host}");
        // The whole configuration shows; the rendered machine has the host's name.
        let whole = json(dir, &["show", name, "--json"]);
        assert_eq!(whole["networking"]["hostName"], Value::from(name));
        let machine = rendered(dir, name);
        assert_eq!(machine["hostName"], Value::from(name));
        assert!(strings(&machine["warnings"]).is_empty(), "{name} has warnings: {}", machine["warnings"]);
        assert!(machine["units"].as_object().is_some_and(|u| u.contains_key("ssh.service")), "{name} runs sshd");
    }
    let report = json(dir, &["check", "--json"]);
    assert_eq!(report["findings"], Value::Array(Vec::new()), "strata check on {}", dir.display());
    assert!(report["files_checked"].as_u64().unwrap_or(0) > 20, "{report}");
    assert_eq!(ok(dir, &["check"]).lines().next().map(|l| l.starts_with("clean")), Some(true));
    hosts
}

/// Evaluates `outputs` of the flake at `dir` with the built-in `strata`
/// input over a stub package set (the CLI has no command for non-machine
/// outputs), and returns the value at `attr` as JSON.
fn flake_output(dir: &Path, attr: &str) -> Value {
    let expr = format!(
        r#"let
  mk = n: {{ type = "derivation"; name = n; pname = n; version = ""; outPath = "/usr"; strataPackage = n; meta = {{ }}; }};
  names = [ "git" "jq" "shellcheck" "yamllint" "openssh-client" "python3" "python3-venv" "python3-pip" "go" "gcc" "make" ];
  pkgs = builtins.listToAttrs (map (n: {{ name = n; value = mk n; }}) names) // {{ distributionPackage = mk; }};
  strata = import <strata/nixos/lib/strata-input.nix> {{ inherit pkgs; }};
  outputs = (import {}/flake.nix).outputs {{ inherit strata; self = outputs; }};
in outputs.{attr}"#,
        dir.display()
    );
    let output = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["eval", "--strict", "--json", "--expr", &expr])
        .output()
        .expect("strata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("eval --json prints JSON")
}

/// A copy of an example in a fresh temporary directory, to break on purpose.
fn scratch_copy(name: &str, purpose: &str) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("create a directory");
        for entry in std::fs::read_dir(from).expect("read a directory") {
            let entry = entry.expect("a directory entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("a file type").is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy a file");
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("strata-fleet-example-{name}-{purpose}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy(&example(name), &dir);
    dir
}

#[test]
fn hwc_homelab_evaluates_and_is_clean() {
    let hosts = evaluates_and_is_clean(&example("hwc-homelab"), &["atlas", "forge", "nuc", "vault"]);
    let atlas = hosts.iter().find(|h| h["name"] == "atlas").expect("atlas");
    assert_eq!(strings(&atlas["tags"]), ["server", "media", "ai"]);
}

#[test]
fn hwc_gpu_pipeline_reaches_the_containers() {
    let dir = example("hwc-homelab");
    // The machine states the fact; the GPU module derives what services use.
    assert_eq!(show(&dir, "atlas", "hwc.infrastructure.hardware.gpu.type"), "nvidia");
    let accel = show(&dir, "atlas", "hwc.infrastructure.hardware.gpu.accel");
    assert_eq!(strings(&accel["devices"]), ["nvidia.com/gpu=all"]);
    assert_eq!(accel["environment"]["NVIDIA_VISIBLE_DEVICES"], "all");
    assert_eq!(show(&dir, "vault", "hwc.infrastructure.hardware.gpu.accel.available"), false);

    // Jellyfin, Immich and Ollama consume it: NVIDIA on atlas, Intel on nuc, AMD on forge.
    let containers =
        |host: &str, name: &str| show(&dir, host, &format!("virtualisation.oci-containers.containers.{name}"));
    for name in ["jellyfin", "immich-server", "immich-machine-learning", "ollama"] {
        assert_eq!(strings(&containers("atlas", name)["devices"]), ["nvidia.com/gpu=all"], "{name} on atlas");
    }
    assert_eq!(strings(&containers("nuc", "jellyfin")["devices"]), ["/dev/dri:/dev/dri"]);
    assert_eq!(containers("nuc", "jellyfin")["environment"]["LIBVA_DRIVER_NAME"], "iHD");
    assert!(containers("nuc", "jellyfin")["environment"].get("NVIDIA_VISIBLE_DEVICES").is_none());
    assert_eq!(
        containers("atlas", "immich-machine-learning")["image"],
        "ghcr.io/immich-app/immich-machine-learning:v1.122.3-cuda"
    );
    assert_eq!(
        containers("nuc", "immich-machine-learning")["image"],
        "ghcr.io/immich-app/immich-machine-learning:v1.122.3-openvino"
    );
    assert_eq!(containers("forge", "ollama")["image"], "docker.io/ollama/ollama:0.5.4-rocm");
    assert_eq!(strings(&containers("forge", "ollama")["devices"]), ["/dev/dri:/dev/dri", "/dev/kfd:/dev/kfd"]);

    // ...and the rendered units carry it to podman.
    let atlas = rendered(&dir, "atlas");
    let nuc = rendered(&dir, "nuc");
    assert!(container_command(&atlas, "jellyfin").contains("--device='nvidia.com/gpu=all'"));
    assert!(!container_command(&nuc, "jellyfin").contains("nvidia"));
    assert!(container_command(&nuc, "jellyfin").contains("/dev/dri:/dev/dri"));
    assert!(atlas["units"].as_object().expect("units").contains_key("nvidia-cdi.service"));
    // Containers on the GPU start after the NVIDIA setup unit, where there is one.
    let after = |host: &str| strings(&show(&dir, host, "systemd.services.podman-jellyfin.after"));
    assert!(after("atlas").contains(&"nvidia-cdi.service".to_string()), "{:?}", after("atlas"));
    assert!(!after("nuc").contains(&"nvidia-cdi.service".to_string()), "{:?}", after("nuc"));
    assert!(!nuc["units"].as_object().expect("units").contains_key("nvidia-cdi.service"));
    assert!(strings(&atlas["packages"]).contains(&"nvidia-container-toolkit".to_string()));
    assert!(strings(&nuc["packages"]).contains(&"intel-media-va-driver".to_string()));
}

#[test]
fn hwc_paths_vlans_and_storage_tiers() {
    let dir = example("hwc-homelab");
    let atlas = rendered(&dir, "atlas");
    // Storage tiers are mounted where hwc.paths says.
    let fstab = file_text(&atlas, "/etc/strata/fstab");
    assert!(fstab.contains("/dev/disk/by-label/media /mnt/media xfs noatime,nofail"), "{fstab}");
    assert_eq!(show(&dir, "atlas", "hwc.paths.photos"), "/mnt/media/photos");
    assert_eq!(show(&dir, "vault", "fileSystems").as_object().map(|f| f.len()), Some(1));
    // Four VLANs on the uplink, services opened on theirs only.
    for (name, id) in [("management", 10), ("media", 20), ("iot", 30), ("guest", 40)] {
        let netdev = file_text(&atlas, &format!("/etc/systemd/network/30-{name}.netdev"));
        assert!(netdev.contains(&format!("Id={id}")), "{netdev}");
    }
    assert!(file_text(&atlas, "/etc/systemd/network/40-enp5s0.network").contains("VLAN=media"));
    let firewall = show(&dir, "atlas", "networking.firewall.interfaces");
    assert_eq!(firewall["media"]["allowedTCPPorts"], serde_json::json!([8096]));
    assert_eq!(show(&dir, "atlas", "networking.firewall.allowedTCPPorts"), serde_json::json!([2283]));
    assert!(show(&dir, "nuc", "networking.vlans").as_object().is_some_and(|v| v.is_empty()));
}

#[test]
fn hwc_profile_default_is_overridden_by_a_machine() {
    let dir = example("hwc-homelab");
    let explained = json(&dir, &["show", "nuc", "hwc.services.backup.restic.enable", "--explain", "--json"]);
    assert_eq!(explained["value"], "false");
    let definitions = explained["definitions"].as_array().expect("definitions");
    let from = |suffix: &str| {
        definitions
            .iter()
            .find(|d| d["file"].as_str().is_some_and(|f| f.ends_with(suffix)))
            .unwrap_or_else(|| panic!("no definition from {suffix}: {explained}"))
    };
    assert_eq!(from("profiles/server.nix")["priority"], 1000);
    assert_eq!(from("profiles/server.nix")["used"], false);
    assert_eq!(from("machines/nuc/default.nix")["used"], true);
    assert_eq!(show(&dir, "atlas", "hwc.services.backup.restic.enable"), true);
    assert!(!rendered(&dir, "nuc")["units"].as_object().expect("units").contains_key("restic-backup.timer"));
    assert!(rendered(&dir, "vault")["units"].as_object().expect("units").contains_key("restic-backup.timer"));
}

/// One deliberate violation of a rule in a copy of hwc-homelab: in `file`,
/// `from` is replaced by `to`, and `strata check` must report `rule` there.
struct Violation {
    rule: &'static str,
    file: &'static str,
    from: &'static str,
    to: String,
}

/// Every rule is active in hwc-homelab's layout: breaking each once is found
/// in the file that was broken.
#[test]
fn hwc_check_finds_each_kind_of_violation() {
    let violations = [
        Violation {
            rule: "hardcoded-path",
            file: "machines/vault/default.nix",
            from: "keepDaily = 30;",
            to: "keepDaily = 30;\n  hwc.services.backup.restic.repository = \"/mnt/other\";".to_string(),
        },
        Violation {
            rule: "domain-aggregator",
            file: "profiles/workstation.nix",
            from: "imports = [ ./base.nix ];",
            to: "imports = [ ./base.nix ../modules/infrastructure/hardware/gpu.nix ];".to_string(),
        },
        Violation {
            rule: "bucket-cross-read",
            file: "modules/infrastructure/mesh/container-networking.nix",
            from: "  cfg = config.hwc.infrastructure.mesh.containerNetworking;",
            to: "  cfg = config.hwc.infrastructure.mesh.containerNetworking;\n  gpuDevices = config.hwc.infrastructure.hardware.gpu.accel.devices;".to_string(),
        },
        Violation {
            rule: "option-namespace",
            file: "modules/services/photos/immich-redis.nix",
            from: "options.hwc.services.photos.immichRedis = {",
            to: "options.hwc.services.photos.immichRedis = {\n    cache.size = lib.mkOption { type = lib.types.int; default = 1; };\n  };\n  options.hwc.redis = {".to_string(),
        },
        Violation {
            rule: "enable-option",
            file: "modules/services/photos/immich-redis.nix",
            from: "enable = lib.mkEnableOption \"Immich's Redis\";",
            to: "enable = lib.mkOption { type = lib.types.bool; default = false; };".to_string(),
        },
        Violation {
            rule: "one-service-per-file",
            file: "modules/services/photos/immich-redis.nix",
            from: "    systemd.services.podman-immich-redis",
            to: "    virtualisation.oci-containers.containers.redis-exporter.image = \"docker.io/oliver006/redis_exporter\";\n    systemd.services.podman-immich-redis".to_string(),
        },
        Violation {
            rule: "profile-logic",
            file: "profiles/media.nix",
            from: "hwc.services.media.jellyfin.enable = true;",
            to: "hwc.services.media.jellyfin.enable = true;\n  hwc.services.media.jellyfin.port = 8000 + 96;".to_string(),
        },
        Violation {
            rule: "profile-declares-options",
            file: "profiles/server.nix",
            from: "imports = [ ./base.nix ];",
            to: "imports = [ ./base.nix ];\n  options.hwc.role = lib.mkOption { type = lib.types.str; default = \"server\"; };".to_string(),
        },
        Violation {
            rule: "layer-imports",
            file: "modules/services/default.nix",
            from: "./backup/restic.nix",
            to: "./backup/restic.nix\n    ../../profiles/base.nix".to_string(),
        },
        Violation {
            rule: "machine-size",
            file: "machines/forge/default.nix",
            from: "system.stateVersion = \"24.05\";",
            to: format!("system.stateVersion = \"24.05\";{}", "\n  # padding".repeat(40)),
        },
    ];
    for (index, violation) in violations.iter().enumerate() {
        let dir = scratch_copy("hwc-homelab", &format!("violation-{index}"));
        let path = dir.join(violation.file);
        let text = std::fs::read_to_string(&path).expect("read the file to break");
        let broken = text.replacen(violation.from, &violation.to, 1);
        assert_ne!(text, broken, "{} does not contain {:?}", violation.file, violation.from);
        std::fs::write(&path, broken).expect("write the broken file");
        let output = run(&dir, &["check", "--json"]);
        assert_eq!(output.status.code(), Some(1), "{}: {}", violation.rule, String::from_utf8_lossy(&output.stderr));
        let report: Value = serde_json::from_slice(&output.stdout).expect("check --json prints JSON");
        let found = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["rule"] == violation.rule && f["file"] == violation.file);
        assert!(found, "no {} finding in {}: {report}", violation.rule, violation.file);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn flake_infra_evaluates_and_is_clean() {
    let hosts = evaluates_and_is_clean(&example("flake-infra"), &["cloud-web", "desktop", "homeserver", "laptop"]);
    let cloud = hosts.iter().find(|h| h["name"] == "cloud-web").expect("cloud-web");
    assert_eq!(strings(&cloud["tags"]), ["cloud", "hetzner", "server"]);
}

#[test]
fn flake_infra_roles_switch_on_features() {
    let dir = example("flake-infra");
    // The workstation role turns on the development modules its options select.
    assert_eq!(show(&dir, "laptop", "mxmlabs.development.go.enable"), true);
    assert_eq!(show(&dir, "desktop", "mxmlabs.development.go.enable"), false);
    assert_eq!(show(&dir, "desktop", "mxmlabs.development.python.enable"), true);
    let laptop = strings(&rendered(&dir, "laptop")["packages"]);
    for package in ["golang", "python3-venv", "podman", "nix-bin", "wpasupplicant"] {
        assert!(laptop.contains(&package.to_string()), "laptop lacks {package}: {laptop:?}");
    }
    let desktop = strings(&rendered(&dir, "desktop")["packages"]);
    assert!(desktop.contains(&"docker.io".to_string()) && !desktop.contains(&"podman".to_string()), "{desktop:?}");
    // The server role with web and database on the cloud host; the hypervisor at home.
    let cloud = rendered(&dir, "cloud-web");
    assert!(file_text(&cloud, "/etc/caddy/Caddyfile").contains("status.mxmlabs.example {"));
    assert_eq!(cloud["units"]["caddy.service"]["reloadIfChanged"], true);
    let eth0 = file_text(&cloud, "/etc/systemd/network/40-eth0.network");
    assert!(eth0.contains("Address=203.0.113.10/32") && eth0.contains("Gateway=172.31.1.1"), "{eth0}");
    let homeserver = rendered(&dir, "homeserver");
    assert!(homeserver["units"].as_object().expect("units").contains_key("libvirt-default-network.service"));
    assert!(homeserver["units"].as_object().expect("units").contains_key("podman-postgresql.service"));
    assert!(!homeserver["units"].as_object().expect("units").contains_key("caddy.service"));
    assert_eq!(strings(&homeserver["users"]["max"]["extraGroups"]), ["wheel", "libvirt", "kvm"]);
}

#[test]
fn flake_infra_per_system_outputs() {
    let dir = example("flake-infra");
    let shells = flake_output(&dir, "devShells");
    assert_eq!(keys(&shells), BTreeSet::from(["aarch64-linux".to_string(), "x86_64-linux".to_string()]));
    assert_eq!(strings(&shells["x86_64-linux"]["python"]["packageNames"]), ["python3", "python3-venv", "python3-pip"]);
    let packages = flake_output(&dir, "packages.x86_64-linux");
    let inventory: Value = serde_json::from_str(packages["inventory"]["text"].as_str().expect("inventory text"))
        .expect("inventory is JSON");
    assert_eq!(strings(&inventory["homeserver"]["roles"]), ["hypervisor", "server"]);
    assert_eq!(strings(&inventory["laptop"]["roles"]), ["workstation"]);
    let cloud_init = packages["cloud-init-cloud-web"]["text"].as_str().expect("cloud-init text");
    assert!(cloud_init.starts_with("#cloud-config\nhostname: cloud-web\n"), "{cloud_init}");
    assert!(cloud_init.contains("  - name: max\n"), "{cloud_init}");
    assert!(packages.get("cloud-init-laptop").is_none());
}

#[test]
fn host_registry_evaluates_and_is_clean() {
    let hosts = evaluates_and_is_clean(&example("host-registry"), &["brix", "nixtv-player", "slax", "snix"]);
    let snix = hosts.iter().find(|h| h["name"] == "snix").expect("snix");
    assert_eq!(strings(&snix["tags"]), ["laptop", "development", "security", "travel-router"]);
    let player = hosts.iter().find(|h| h["name"] == "nixtv-player").expect("nixtv-player");
    assert_eq!(player["system"], "aarch64-linux");
}

#[test]
fn host_registry_features_change_imports() {
    let dir = example("host-registry");
    // travel-router only on snix; media-server only on brix.
    let snix = rendered(&dir, "snix");
    let brix = rendered(&dir, "brix");
    assert!(snix["units"].as_object().expect("units").contains_key("travel-router-ap.service"));
    assert!(!brix["units"].as_object().expect("units").contains_key("travel-router-ap.service"));
    assert!(file_text(&snix, "/etc/hostapd/travel-router.conf").contains("interface=wlp1s0\n"));
    assert!(file_text(&snix, "/etc/systemd/network/20-travel-router.network").contains("DHCPServer=yes"));
    for name in ["jellyfin", "sonarr", "radarr", "prowlarr"] {
        assert!(brix["units"].as_object().expect("units").contains_key(&format!("podman-{name}.service")), "{name}");
        assert!(!snix["units"].as_object().expect("units").contains_key(&format!("podman-{name}.service")), "{name}");
    }
    assert!(container_command(&brix, "sonarr").contains("-p 8989:8989"));
    assert!(strings(&snix["packages"]).contains(&"fail2ban".to_string()));
    assert!(!strings(&brix["packages"]).contains(&"fail2ban".to_string()));
    // The registry gives every host the others' addresses.
    let hosts = file_text(&snix, "/etc/hosts");
    assert!(hosts.contains("192.168.8.11 brix brix.home.arpa\n") && !hosts.contains("snix.home.arpa"), "{hosts}");
    assert_eq!(show(&dir, "brix", "networking.interfaces.eno1.ipv4.addresses")[0]["address"], "192.168.8.11");
    // Per-host disk layouts.
    let fstab = file_text(&snix, "/etc/strata/fstab");
    assert!(fstab.contains("/dev/mapper/cryptroot /home btrfs subvol=@home"), "{fstab}");
    assert!(
        file_text(&rendered(&dir, "nixtv-player"), "/etc/fleet/disk-layout.sfdisk").contains("size=256M, type=uefi")
    );
}

#[test]
fn host_registry_generates_wintv_files() {
    let dir = example("host-registry");
    let files = flake_output(&dir, "artifacts.wintv");
    assert_eq!(
        keys(&files),
        BTreeSet::from(["docker-compose.yml".to_string(), "install.cmd".to_string(), "setup.ps1".to_string()])
    );
    let compose = files["docker-compose.yml"].as_str().expect("compose text");
    assert!(compose.contains("\n  sonarr:\n    image: lscr.io/linuxserver/sonarr:4.0.11\n"), "{compose}");
    assert!(compose.contains("      - \"8096:8096\"\n"), "{compose}");
    assert!(compose.contains("TZ: \"Europe/Vienna\""), "{compose}");
    let setup = files["setup.ps1"].as_str().expect("setup text");
    assert!(setup.contains("#Requires -RunAsAdministrator\r\n"), "PowerShell with CRLF line ends");
    assert!(setup.contains("-LocalPort 9696"));
    assert!(setup.contains("Set-TimeZone -Id 'W. Europe Standard Time'"));
    assert!(files["install.cmd"].as_str().expect("install text").starts_with("@echo off\r\n"));
    // WinTV is registered but is no machine.
    assert!(!ok(&dir, &["hosts"]).contains("wintv"));
}

#[test]
fn host_registry_rejects_an_unregistered_host_folder() {
    let dir = scratch_copy("host-registry", "unregistered");
    std::fs::create_dir_all(dir.join("hosts/newbox")).expect("create a host folder");
    std::fs::write(dir.join("hosts/newbox/configuration.nix"), "{ }\n").expect("write a host");
    let output = run(&dir, &["hosts"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("lib/constants.nix has no host `newbox'"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every machine of every example, as `(example, host)`.
const MACHINES: [(&str, &str); 12] = [
    ("hwc-homelab", "atlas"),
    ("hwc-homelab", "forge"),
    ("hwc-homelab", "nuc"),
    ("hwc-homelab", "vault"),
    ("flake-infra", "cloud-web"),
    ("flake-infra", "desktop"),
    ("flake-infra", "homeserver"),
    ("flake-infra", "laptop"),
    ("host-registry", "brix"),
    ("host-registry", "nixtv-player"),
    ("host-registry", "slax"),
    ("host-registry", "snix"),
];

fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Writes a rendered machine's files (text files and symlinks) under `root`.
fn write_files(machine: &Value, root: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for (path, file) in machine["files"].as_object().expect("files is an object") {
        let target = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(target.parent().expect("a file has a parent")).expect("create a directory");
        if let Some(text) = file["text"].as_str() {
            std::fs::write(&target, text).expect("write a rendered file");
            let mode = u32::from_str_radix(file["mode"].as_str().unwrap_or("0644"), 8).expect("an octal mode");
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(mode)).expect("set the mode");
        } else if let Some(link) = file["symlink"].as_str() {
            std::os::unix::fs::symlink(link, &target).expect("create a symlink");
        }
    }
}

/// Copies the host's unit directory into `root`, so units can name the
/// distribution's units (network-online.target, ...).
fn copy_system_units(root: &Path) -> bool {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("create a directory");
        for entry in std::fs::read_dir(from).expect("read a directory").flatten() {
            let target = to.join(entry.file_name());
            let kind = entry.file_type().expect("a file type");
            if kind.is_symlink() {
                let link = std::fs::read_link(entry.path()).expect("read a link");
                std::os::unix::fs::symlink(link, &target).expect("create a symlink");
            } else if kind.is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy a unit");
            }
        }
    }
    let Some(dir) = ["/usr/lib/systemd/system", "/lib/systemd/system"].iter().map(Path::new).find(|d| d.is_dir())
    else {
        return false;
    };
    copy(dir, &root.join("usr/lib/systemd/system"));
    true
}

/// The units of a rendered machine that `systemd-analyze verify` can judge
/// here: their programs exist (in the root or on this machine, then copied)
/// and the units they require are installed.
fn verifiable_units(machine: &Value, root: &Path) -> Vec<String> {
    let mut units = Vec::new();
    for (path, file) in machine["files"].as_object().expect("files is an object") {
        let Some(name) = path.strip_prefix("/etc/systemd/system/").filter(|n| !n.contains('/')) else { continue };
        let text = file["text"].as_str().expect("a unit has text");
        let mut verifiable = true;
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else { continue };
            if key.starts_with("Exec") {
                let program =
                    value.trim_start_matches(['-', '@', '+', '!', ':']).split_whitespace().next().unwrap_or("");
                let inside = root.join(program.trim_start_matches('/'));
                if !program.starts_with('/') || inside.exists() {
                    continue;
                }
                if Path::new(program).is_file() {
                    std::fs::create_dir_all(inside.parent().expect("a parent")).expect("create a directory");
                    std::fs::copy(program, &inside).expect("copy a program");
                } else {
                    println!("not verified here: {name} runs {program}, which this machine does not have");
                    verifiable = false;
                }
            } else if key == "Requires" {
                for required in value.split_whitespace() {
                    let installed = ["etc/systemd/system", "usr/lib/systemd/system"]
                        .iter()
                        .any(|dir| root.join(dir).join(required).exists());
                    if !installed {
                        println!("not verified here: {name} requires {required}, which this machine does not have");
                        verifiable = false;
                    }
                }
            }
        }
        if verifiable {
            units.push(name.to_string());
        }
    }
    units
}

/// Output of a command that must succeed; `None` when it may not run here
/// for lack of privileges.
fn tool(command: &mut Command) -> Option<String> {
    let output = command.output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let all = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    if output.status.success() {
        return Some(all);
    }
    if all.contains("Operation not permitted") || all.contains("Permission denied") {
        println!("not checked here (privileges): {command:?}: {all}");
        return None;
    }
    panic!("{command:?} rejected an example's rendered files ({}):\n{all}", output.status);
}

/// The real tools accept what every example machine renders: units pass
/// `systemd-analyze verify`, the firewall `nft -c`, sudoers `visudo -c`, and
/// tmpfiles rules `systemd-tmpfiles --create` in a scratch root.
#[test]
fn example_machines_pass_the_real_tools() {
    let analyze = find_program("systemd-analyze");
    let nft = find_program("nft");
    let visudo = find_program("visudo");
    let tmpfiles = find_program("systemd-tmpfiles");
    let mut verified_units = 0;
    for (name, host) in MACHINES {
        let machine = rendered(&example(name), host);
        let root = std::env::temp_dir().join(format!("strata-fleet-tools-{host}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        write_files(&machine, &root);

        if let Some(analyze) = &analyze {
            if copy_system_units(&root) {
                let units = verifiable_units(&machine, &root);
                let output = Command::new(analyze)
                    .arg("verify")
                    .arg(format!("--root={}", root.display()))
                    .args(&units)
                    .env("SYSTEMD_LOG_COLOR", "0")
                    .output()
                    .expect("systemd-analyze runs");
                let stderr = String::from_utf8_lossy(&output.stderr);
                let ours: Vec<&str> =
                    stderr.lines().filter(|line| units.iter().any(|unit| line.contains(unit.as_str()))).collect();
                assert!(output.status.success() && ours.is_empty(), "{host}: systemd-analyze verify:\n{stderr}");
                verified_units += units.len();
            }
        }
        if let Some(nft) = &nft {
            let ruleset = root.join("firewall.nft");
            std::fs::write(&ruleset, machine["firewall"]["ruleset"].as_str().expect("a ruleset")).expect("write");
            tool(Command::new(nft).arg("-c").arg("-f").arg(&ruleset));
        }
        if let Some(visudo) = &visudo {
            let sudoers = root.join("etc/sudoers.d/strata");
            if sudoers.exists() {
                tool(Command::new(visudo).arg("-c").arg("-f").arg(&sudoers));
            }
        }
        if let Some(tmpfiles) = &tmpfiles {
            let rules = root.join("etc/tmpfiles.d/00-strata.conf");
            if rules.exists() {
                tool(Command::new(tmpfiles).arg(format!("--root={}", root.display())).arg("--create").arg(&rules));
            }
        }
        let _ = std::fs::remove_dir_all(&root);
    }
    if analyze.is_some() {
        assert!(verified_units >= 30, "only {verified_units} units could be verified");
    } else {
        println!("not checked here: systemd-analyze is not installed (apt-get install systemd)");
    }
}

/// Every file under `dir` whose content contains `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read a directory").flatten() {
        let path = entry.path();
        if entry.file_type().expect("a file type").is_dir() {
            found.extend(files_containing(&path, needle));
        } else if std::fs::read_to_string(&path).is_ok_and(|text| text.contains(needle)) {
            found.push(path);
        }
    }
    found
}

/// A generation of an example builds the same twice, switches into a root,
/// and a hardware fact changed later (nuc's GPU) plans container restarts and
/// package swaps; rolling back restores the first generation's files.
#[test]
fn hwc_generations_follow_the_gpu_fact() {
    let dir = scratch_copy("hwc-homelab", "generations");
    let root = dir.join("target-root");

    // Byte-identical builds: the same content hash.
    let hash = |out: &str| {
        let built = json(&dir, &["build", "nuc", "--out", &dir.join(out).display().to_string(), "--json"]);
        built["manifest"]["contentHash"].as_str().expect("a content hash").to_string()
    };
    assert_eq!(hash("gen-a"), hash("gen-b"));

    let root_arg = root.display().to_string();
    ok(&dir, &["switch", "nuc", "--root", &root_arg]);
    assert_eq!(std::fs::read_to_string(root.join("etc/hostname")).expect("hostname written"), "nuc\n");
    assert!(files_containing(&root.join("etc/strata/scripts"), "/dev/kfd").is_empty());

    // The machine's hardware changes from Intel to AMD.
    let hardware = dir.join("machines/nuc/hardware.nix");
    let text = std::fs::read_to_string(&hardware).expect("read nuc's hardware file");
    std::fs::write(&hardware, text.replace("gpu.type = \"intel\"", "gpu.type = \"amd\"")).expect("write");
    let plan = json(&dir, &["diff", "nuc", "--root", &root_arg, "--json"]);
    let changed: Vec<&str> =
        plan["options"].as_array().expect("options").iter().filter_map(|o| o["path"].as_str()).collect();
    assert!(changed.contains(&"hwc.infrastructure.hardware.gpu.type"), "{changed:?}");
    // Attribute-set values are compared name by name: the plan names what changed inside them.
    assert!(changed.contains(&"hwc.infrastructure.hardware.gpu.accel.devices"), "{changed:?}");
    assert!(changed.contains(&"virtualisation.oci-containers.containers.jellyfin.devices"), "{changed:?}");
    assert!(!changed.iter().any(|p| p.starts_with("virtualisation.oci-containers.containers.immich-redis")));
    let restarted: BTreeSet<&str> =
        plan["units"].as_array().expect("units").iter().filter_map(|u| u["unit"].as_str()).collect();
    for unit in ["podman-jellyfin.service", "podman-immich-server.service", "podman-immich-machine-learning.service"] {
        assert!(restarted.contains(unit), "{unit} is not in the plan: {}", plan["units"]);
    }
    assert!(!restarted.contains("podman-immich-redis.service"), "{}", plan["units"]);
    assert!(strings(&plan["packages"]["install"]).contains(&"mesa-va-drivers".to_string()), "{}", plan["packages"]);
    assert!(
        strings(&plan["packages"]["remove"]).contains(&"intel-media-va-driver".to_string()),
        "{}",
        plan["packages"]
    );

    ok(&dir, &["switch", "nuc", "--root", &root_arg]);
    assert!(!files_containing(&root.join("etc/strata/scripts"), "/dev/kfd").is_empty());
    let rollback =
        Command::new(env!("CARGO_BIN_EXE_strata")).args(["rollback", "--root", &root_arg]).output().expect("runs");
    assert!(rollback.status.success(), "{}", String::from_utf8_lossy(&rollback.stderr));
    assert!(files_containing(&root.join("etc/strata/scripts"), "/dev/kfd").is_empty());
    let listed = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["generations", "--root", &root_arg, "--json"])
        .output()
        .expect("strata runs");
    let generations: Value = serde_json::from_slice(&listed.stdout).expect("generations --json prints JSON");
    let current: Vec<u64> = generations
        .as_array()
        .expect("generations")
        .iter()
        .filter(|g| g["current"] == true)
        .filter_map(|g| g["number"].as_u64())
        .collect();
    assert_eq!(generations.as_array().map(Vec::len), Some(2));
    assert_eq!(current, [1]);
    let _ = std::fs::remove_dir_all(&dir);
}
