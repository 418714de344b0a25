//! The rendered generations checked with the real tools: every unit passes
//! `systemd-analyze verify`, every firewall ruleset passes `nft -c -f` and
//! loads inside a network namespace, tmpfiles rules apply with
//! `systemd-tmpfiles --root`. A part whose tool is missing (or, for network
//! namespaces, not permitted) is skipped with a message saying why.

mod common;

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

use common::*;
use generation::StepOutcome;

const FIXTURES: [&str; 3] = ["gen0", "gen1", "gen2"];

/// Makes `root` look enough like a system for `systemd-analyze verify --root`:
/// the distribution's units, and the programs the units execute (on a target
/// they come from its packages; here from this machine).
fn prepare_for_verify(root: &Path, units: &[String]) {
    fs::create_dir_all(root.join("usr/lib/systemd")).unwrap();
    let copied = Command::new("cp").args(["-a", "/usr/lib/systemd/system"]).arg(root.join("usr/lib/systemd/")).status();
    assert!(copied.map(|s| s.success()).unwrap_or(false), "copying /usr/lib/systemd/system");
    if !root.join("sbin").exists() {
        std::os::unix::fs::symlink("usr/sbin", root.join("sbin")).unwrap();
    }
    for unit in units {
        let text = fs::read_to_string(root.join(unit.trim_start_matches('/'))).unwrap();
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else { continue };
            if !key.starts_with("Exec") {
                continue;
            }
            let program = value.trim_start_matches(['@', '-', ':', '+', '!']).split_whitespace().next().unwrap_or("");
            let inside = root.join(program.trim_start_matches('/'));
            if program.starts_with('/') && fs::symlink_metadata(&inside).is_err() && Path::new(program).exists() {
                let real = fs::canonicalize(program).unwrap();
                let target = root.join(real.strip_prefix("/").unwrap());
                fs::create_dir_all(target.parent().unwrap()).unwrap();
                fs::copy(&real, &target).unwrap();
            }
        }
    }
}

fn verify(root: &Path, units: &[String]) -> std::process::Output {
    Command::new("systemd-analyze")
        .arg("verify")
        .arg(format!("--root={}", root.display()))
        .args(units)
        .output()
        .unwrap()
}

#[test]
fn every_rendered_unit_passes_systemd_analyze_verify() {
    if !have("systemd-analyze") {
        eprintln!("skipped: systemd-analyze is not installed (apt-get install systemd)");
        return;
    }
    for name in FIXTURES {
        let work = temp_dir(&format!("verify-{name}"));
        let root = work.join("root");
        seed_root(&root);
        let generation = build_fixture(name, &work.join("builds"));
        generation::switch(&generation, &options(&root)).unwrap();
        let units: Vec<String> = generation
            .units
            .values()
            .flat_map(|unit| unit.files.clone())
            .filter(|path| !path.contains(".d/"))
            .collect();
        assert!(units.len() >= 2, "{name}: {units:?}");
        prepare_for_verify(&root, &units);
        let output = verify(&root, &units);
        assert!(
            output.status.success(),
            "{name}: systemd-analyze verify {units:?}:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        // The check can fail: a unit running a program that is not there does not verify.
        let broken = root.join("etc/systemd/system/broken.service");
        fs::write(&broken, "[Service]\nExecStart=/usr/bin/strata-no-such-program\n").unwrap();
        assert!(!verify(&root, &["/etc/systemd/system/broken.service".to_string()]).status.success());
    }
}

#[test]
fn firewall_rulesets_pass_nft_check_and_load_in_a_network_namespace() {
    if !have("nft") {
        eprintln!("skipped: nft is not installed (apt-get install nftables)");
        return;
    }
    let namespace = format!("strata-test-{}", std::process::id());
    let netns = have("ip")
        && Command::new("ip").args(["netns", "add", &namespace]).output().map(|o| o.status.success()).unwrap_or(false);
    if !netns {
        eprintln!("skipped loading: cannot create a network namespace here (needs iproute2 and CAP_SYS_ADMIN)");
    }
    for name in FIXTURES {
        let work = temp_dir(&format!("nft-{name}"));
        let generation = build_fixture(name, &work.join("builds"));
        assert!(generation.firewall.enable, "{name}");
        let ruleset = generation.firewall.ruleset.clone().unwrap();
        let path = work.join("ruleset.nft");
        fs::write(&path, &ruleset).unwrap();
        // The installed ruleset file is the same text.
        let installed = generation.content("/etc/strata/firewall.nft").unwrap();
        assert_eq!(installed, ruleset.as_bytes());
        let check = Command::new("nft").arg("-c").arg("-f").arg(&path).output().unwrap();
        assert!(check.status.success(), "{name}: nft -c -f: {}", String::from_utf8_lossy(&check.stderr));
        if netns {
            let load = Command::new("ip").args(["netns", "exec", &namespace, "nft", "-f"]).arg(&path).output().unwrap();
            assert!(load.status.success(), "{name}: loading: {}", String::from_utf8_lossy(&load.stderr));
            let list =
                Command::new("ip").args(["netns", "exec", &namespace, "nft", "list", "ruleset"]).output().unwrap();
            let listed = String::from_utf8_lossy(&list.stdout);
            assert!(listed.contains("table inet"), "{name}: {listed}");
            assert!(listed.contains("dport 22") || listed.contains("dport { 22"), "{name}: ssh is allowed: {listed}");
        }
    }
    // A broken ruleset is rejected: the check can fail.
    let work = temp_dir("nft-broken");
    fs::write(work.join("bad.nft"), "table inet x { chain y { tcp dport nonsense accept } }\n").unwrap();
    assert!(!Command::new("nft").arg("-c").arg("-f").arg(work.join("bad.nft")).status().unwrap().success());
    if netns {
        let _ = Command::new("ip").args(["netns", "del", &namespace]).status();
    }
}

#[test]
fn tmpfiles_rules_apply_with_systemd_tmpfiles_root() {
    if !have("systemd-tmpfiles") {
        eprintln!("skipped: systemd-tmpfiles is not installed (apt-get install systemd)");
        return;
    }
    let work = temp_dir("tmpfiles");
    let root = work.join("root");
    seed_root(&root);
    let generation = build_fixture("gen0", &work.join("builds"));
    let report = generation::switch(&generation, &options(&root)).unwrap();
    let step = report.steps.iter().find(|s| s.description.starts_with("systemd-tmpfiles")).unwrap();
    assert!(matches!(step.outcome, StepOutcome::Done(_)), "{step:?}");
    // `d /var/lib/app 0750 svc svc -`, with svc's ids from the root's own databases.
    let meta = fs::metadata(root.join("var/lib/app")).unwrap();
    assert_eq!((meta.mode() & 0o7777, meta.uid(), meta.gid()), (0o750, 999, 999));
    let check = Command::new("systemd-tmpfiles")
        .arg(format!("--root={}", root.display()))
        .arg("--create")
        .arg(root.join("etc/tmpfiles.d/00-strata.conf"))
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
}
