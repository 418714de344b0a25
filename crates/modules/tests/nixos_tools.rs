//! The real tools accept what the standard modules render: `systemd-analyze
//! verify` on units, `nft -c` (and a real load inside a network namespace) on
//! the firewall ruleset, `systemd-tmpfiles --root` on tmpfiles rules, and
//! `visudo -c` on sudoers, `bash -n` on generated shell code; and the reference `nix-instantiate` renders the
//! same machine as Strata's evaluator. A tool that is missing, or that needs privileges
//! the test does not have, skips only its part with a "skipped:" line.

#[path = "nixos/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::process::Command;

use harness::*;

/// Where the distribution keeps its unit files.
const SYSTEM_UNIT_DIRS: [&str; 2] = ["/usr/lib/systemd/system", "/lib/systemd/system"];

/// A machine with something wrong in each area, to show the checks can fail.
const BROKEN: &str = r#"{ ... }: {
  system.stateVersion = "24.05";
  systemd.services.bad.serviceConfig = { ExecStart = "/bin/sh -c true"; Restartt = "always"; };
  networking.firewall.extraInputRules = "tcp dport bogus-port accept";
  systemd.tmpfiles.rules = [ "d /var/lib/ok 0755 root root -" "j /nonsense" ];
  security.sudo.extraRules = [ { users = [ "alice" ]; commands = [ "relative/command" ]; } ];
}"#;

#[test]
fn units_pass_systemd_analyze_verify() {
    let Some(analyze) = find_program("systemd-analyze") else {
        println!("skipped: systemd-analyze is not installed (apt-get install systemd)");
        return;
    };
    let rendered = render(&web1());
    let root = fresh_dir("units");
    write_files(&rendered, &root);
    let units = prepare_units(&rendered, &root);
    assert!(units.len() >= 8, "units to verify: {units:?}");
    if let Err(problem) = verify_units(&analyze, &root, &units) {
        panic!("systemd-analyze verify rejected the rendered units:\n{problem}");
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn verification_catches_broken_units() {
    let Some(analyze) = find_program("systemd-analyze") else {
        println!("skipped: systemd-analyze is not installed (apt-get install systemd)");
        return;
    };
    let rendered = render(BROKEN);
    let root = fresh_dir("broken-units");
    write_files(&rendered, &root);
    prepare_units(&rendered, &root);
    let problem = verify_units(&analyze, &root, &["bad.service".to_string()]).expect_err("a misspelt key is reported");
    assert!(problem.contains("Unknown key 'Restartt'"), "{problem}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn firewall_ruleset_passes_nft() {
    let Some(nft) = find_program("nft") else {
        println!("skipped: nft is not installed (apt-get install nftables)");
        return;
    };
    let rendered = render(&web1());
    let dir = fresh_dir("nft");
    let file = dir.join("firewall.nft");
    std::fs::write(&file, rendered["firewall"]["ruleset"].as_str().expect("a ruleset")).expect("write ruleset");
    match run(Command::new(&nft).arg("-c").arg("-f").arg(&file)) {
        Ok(_) => {}
        Err(problem) if permission_problem(&problem) => {
            println!("skipped: nft -c needs CAP_NET_ADMIN here: {problem}")
        }
        Err(problem) => panic!("nft -c -f rejected the ruleset:\n{problem}"),
    }

    // Loaded for real, twice (the ruleset replaces its own table), in a fresh network namespace.
    match find_program("unshare") {
        None => println!("skipped: unshare is not installed (apt-get install util-linux)"),
        Some(unshare) => {
            let script = format!(
                "{nft} -f {f} && {nft} -f {f} && {nft} list table inet strata-fw",
                nft = nft.display(),
                f = file.display()
            );
            let loaded = run(Command::new(unshare).args(["--net", "--", "/bin/sh", "-c", &script]));
            match loaded {
                Ok(listing) => {
                    assert!(listing.contains("chain input-allow"), "{listing}");
                    assert!(listing.contains("tcp dport { 22, 80, 443, 2222 } accept"), "{listing}");
                    assert!(listing.contains("iifname \"vlan20\" tcp dport 9100 accept"), "{listing}");
                }
                Err(problem) if permission_problem(&problem) => {
                    println!("skipped: creating a network namespace needs privileges here: {problem}")
                }
                Err(problem) => panic!("loading the ruleset in a network namespace failed:\n{problem}"),
            }
        }
    }

    // A broken extra rule is caught.
    let broken = render(BROKEN);
    std::fs::write(&file, broken["firewall"]["ruleset"].as_str().expect("a ruleset")).expect("write ruleset");
    match run(Command::new(&nft).arg("-c").arg("-f").arg(&file)) {
        Ok(_) => panic!("nft accepted the rule with `bogus-port'"),
        Err(problem) if permission_problem(&problem) => {}
        Err(problem) => assert!(problem.contains("bogus-port"), "{problem}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tmpfiles_rules_pass_systemd_tmpfiles() {
    use std::os::unix::fs::PermissionsExt;
    let Some(tmpfiles) = find_program("systemd-tmpfiles") else {
        println!("skipped: systemd-tmpfiles is not installed (apt-get install systemd)");
        return;
    };
    let rendered = render(&web1());
    let root = fresh_dir("tmpfiles");
    write_files(&rendered, &root);
    let configs = [root.join("etc/tmpfiles.d/00-strata.conf"), root.join("etc/tmpfiles.d/media.conf")];
    let created = run(Command::new(&tmpfiles).arg(format!("--root={}", root.display())).arg("--create").args(&configs));
    match created {
        Ok(_) => {}
        // Without root, the rules are read and the paths created, but chown fails.
        Err(problem) if permission_problem(&problem) => {
            println!("skipped: systemd-tmpfiles could not set owners (needs root): {problem}")
        }
        Err(problem) => panic!("systemd-tmpfiles rejected the rules:\n{problem}"),
    }
    let mode = |path: &str| std::fs::metadata(root.join(path)).map(|m| m.permissions().mode() & 0o7777).ok();
    assert_eq!(mode("var/lib/report"), Some(0o750));
    assert_eq!(mode("srv/media"), Some(0o755));

    let broken = render(BROKEN);
    let root2 = fresh_dir("tmpfiles-broken");
    write_files(&broken, &root2);
    let result = run(Command::new(&tmpfiles)
        .arg(format!("--root={}", root2.display()))
        .arg("--create")
        .arg(root2.join("etc/tmpfiles.d/00-strata.conf")));
    let problem = result.expect_err("an unknown line type is reported");
    assert!(problem.contains("Unknown command type"), "{problem}");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&root2);
}

#[test]
fn sudoers_pass_visudo() {
    let Some(visudo) = find_program("visudo") else {
        println!("skipped: visudo is not installed (apt-get install sudo)");
        return;
    };
    let rendered = render(&web1());
    let root = fresh_dir("sudoers");
    write_files(&rendered, &root);
    if let Err(problem) = run(Command::new(&visudo).arg("-c").arg("-f").arg(root.join("etc/sudoers.d/strata"))) {
        panic!("visudo -c rejected /etc/sudoers.d/strata:\n{problem}");
    }
    let broken = render(BROKEN);
    let root2 = fresh_dir("sudoers-broken");
    write_files(&broken, &root2);
    let result = run(Command::new(&visudo).arg("-c").arg("-f").arg(root2.join("etc/sudoers.d/strata")));
    let problem = result.expect_err("a relative command is reported");
    assert!(problem.contains("fully-qualified"), "{problem}");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&root2);
}

#[test]
fn generated_shell_code_passes_bash_syntax_check() {
    let Some(bash) = find_program("bash") else {
        println!("skipped: bash is not installed");
        return;
    };
    let rendered = render(&web1());
    let root = fresh_dir("scripts");
    write_files(&rendered, &root);
    let mut checked = 0;
    for path in rendered["files"].as_object().expect("files").keys() {
        if path.starts_with("/etc/strata/scripts/") || path.starts_with("/etc/profile.d/") {
            let file = root.join(path.trim_start_matches('/'));
            if let Err(problem) = run(Command::new(&bash).arg("-n").arg(&file)) {
                panic!("bash -n rejected {path}:\n{problem}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 9, "scripts and profile files checked");
    // The check can fail.
    std::fs::write(root.join("broken.sh"), "if then fi\n").expect("write");
    assert!(run(Command::new(&bash).arg("-n").arg(root.join("broken.sh"))).is_err());
    let _ = std::fs::remove_dir_all(&root);
}

/// Copies the distribution's unit files into `root` (so dependencies such as
/// `multi-user.target` resolve under `--root`) and every program the rendered
/// units run that this machine has; returns the names of the rendered units.
fn prepare_units(rendered: &serde_json::Value, root: &Path) -> Vec<String> {
    let Some(system_dir) = SYSTEM_UNIT_DIRS.iter().map(Path::new).find(|d| d.is_dir()) else {
        panic!("no systemd unit directory on this machine, though systemd-analyze is installed");
    };
    copy_tree(system_dir, &root.join("usr/lib/systemd/system"));
    let mut units = Vec::new();
    for (path, entry) in rendered["files"].as_object().expect("files") {
        let Some(name) = path.strip_prefix("/etc/systemd/system/") else { continue };
        let Some(text) = entry["text"].as_str() else { continue };
        if name.contains('/') {
            continue; // drop-ins are checked with their unit
        }
        let mut runnable = true;
        for program in exec_programs(text) {
            let inside = root.join(program.trim_start_matches('/'));
            if inside.exists() {
                continue;
            }
            if Path::new(&program).is_file() {
                std::fs::create_dir_all(inside.parent().expect("a parent")).expect("create dir");
                std::fs::copy(&program, &inside).expect("copy program");
            } else {
                println!("skipped: verifying {name}: it runs {program}, which this machine does not have");
                runnable = false;
            }
        }
        if runnable {
            units.push(name.to_string());
        }
    }
    units
}

/// The absolute programs of a unit's `Exec*=` lines (without `-`, `@`, `+`, `!`, `:` prefixes).
fn exec_programs(unit: &str) -> Vec<String> {
    unit.lines()
        .filter(|line| line.starts_with("Exec"))
        .filter_map(|line| line.split_once('=').map(|(_, value)| value))
        .map(|value| value.trim_start_matches(['-', '@', '+', '!', ':']))
        .filter_map(|value| value.split_whitespace().next())
        .filter(|program| program.starts_with('/'))
        .map(str::to_string)
        .collect()
}

/// Runs `systemd-analyze verify --root` on `units`; any complaint that names
/// one of them is a failure, even when the exit status is 0.
fn verify_units(analyze: &Path, root: &Path, units: &[String]) -> Result<(), String> {
    let output = Command::new(analyze)
        .arg("verify")
        .arg(format!("--root={}", root.display()))
        .args(units)
        .env("SYSTEMD_LOG_COLOR", "0")
        .output()
        .map_err(|e| format!("cannot run systemd-analyze: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let about_ours: Vec<&str> = stderr.lines().filter(|line| units.iter().any(|u| line.contains(u.as_str()))).collect();
    if !output.status.success() || !about_ours.is_empty() {
        return Err(format!("exit status {}\n{stderr}", output.status));
    }
    for line in stderr.lines() {
        println!("note (not about the rendered units): {line}");
    }
    Ok(())
}

/// Runs a command; its standard output on success, or status and both outputs.
fn run(command: &mut Command) -> Result<String, String> {
    let output = command.output().map_err(|e| format!("cannot run {command:?}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(stdout)
    } else {
        Err(format!("{command:?}: {}\n{stdout}{}", output.status, String::from_utf8_lossy(&output.stderr)))
    }
}

/// Whether a tool failed for lack of privileges rather than because of its input.
fn permission_problem(message: &str) -> bool {
    message.contains("Operation not permitted") || message.contains("Permission denied")
}

/// Copies a directory tree, keeping symlinks as symlinks.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target: PathBuf = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_symlink() {
            let link = std::fs::read_link(entry.path()).expect("read link");
            std::os::unix::fs::symlink(link, &target).expect("symlink");
        } else if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy unit file");
        }
    }
}

#[test]
fn reference_nix_renders_the_same_machine() {
    let Some(nix) = find_program("nix-instantiate") else {
        println!("skipped: nix-instantiate is not installed (apt-get install nix-bin)");
        return;
    };
    let expr = format!(
        "let lib = import <strata/lib>; in builtins.toJSON (lib.evalModules {{
           modules = import <strata/nixos/module-list.nix> ++ [ {FIXTURES}/web1.nix ];
           specialArgs = {{ pkgs = import {FIXTURES}/pkgs.nix; modulesPath = <strata/nixos>; }};
         }}).config.system.build.strata"
    );
    let output = run(Command::new(nix)
        .args(["--eval", "--strict", "--json", "-I"])
        .arg(format!("strata={}", env!("CARGO_MANIFEST_DIR")))
        .args(["-E", &expr]));
    let output = match output {
        Ok(text) => text,
        Err(problem) if permission_problem(&problem) => {
            println!("skipped: nix-instantiate cannot run here: {problem}");
            return;
        }
        Err(problem) => panic!("nix-instantiate failed on the standard modules:\n{problem}"),
    };
    let text: String = serde_json::from_str(&output).expect("nix-instantiate prints a JSON string");
    let reference: serde_json::Value = serde_json::from_str(&text).expect("toJSON output");
    assert_eq!(reference, render(&web1()));
}
