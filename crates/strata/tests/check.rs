//! `strata check` end to end: the check crate's fixture fleet through the binary (human and
//! JSON output, exit codes, `--fix`), a small flake whose machine fails an assertion and warns,
//! and an invalid `strata.toml`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn strata() -> Command {
    Command::new(env!("CARGO_BIN_EXE_strata"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strata-cli-check-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

fn fixture_copy(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../check/tests/fixtures/fleet");
    copy_dir(&fixture, &dir);
    dir
}

fn run(args: &[&str], dir: &Path) -> (i32, String, String) {
    let output = strata().args(args).arg("-C").arg(dir).output().expect("run strata");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn human_output_groups_findings_by_file_and_exits_1() {
    let dir = fixture_copy("human");
    let (code, out, err) = run(&["check"], &dir);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains(
        "profiles/media.nix\nprofiles/media.nix:5:5  domain-aggregator  imports `modules/infrastructure/hardware/gpu.nix`"
    ), "{out}");
    assert!(out.contains("\n  fix: import the domain through its aggregator: `../modules/infrastructure/index.nix` (safe: strata check --fix)\n"), "{out}");
    assert!(out.contains("profiles/media.nix:8:32  profile-logic  "), "{out}");
    assert!(out.ends_with("11 problems in 20 files\n"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_output_lists_every_finding() {
    let dir = fixture_copy("json");
    let (code, out, _) = run(&["check", "--json"], &dir);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let findings = json["findings"].as_array().expect("findings array");
    assert_eq!(findings.len(), 11);
    let rules: Vec<&str> = findings.iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.contains(&"bucket-cross-read") && rules.contains(&"machine-size"), "{rules:?}");
    assert_eq!(json["fixed"], serde_json::json!([]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fix_rewrites_the_safe_findings_and_reports_the_rest() {
    let dir = fixture_copy("fix");
    let (code, out, err) = run(&["check", "--fix"], &dir);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.starts_with("fixed modules/server/media-stack/sonarr.nix:7:14  enable-option  replaced `lib.mkOption {"),
        "{out}"
    );
    assert!(out.contains("fixed profiles/media.nix:5:5  domain-aggregator  replaced `../modules/infrastructure/hardware/gpu.nix` with `../modules/infrastructure/index.nix`"), "{out}");
    assert!(out.ends_with("9 problems in 20 files\n"), "{out}");
    let sonarr = std::fs::read_to_string(dir.join("modules/server/media-stack/sonarr.nix")).expect("read");
    assert!(sonarr.contains("    enable = lib.mkEnableOption \"Sonarr\";\n"), "{sonarr}");
    let (code, out, _) = run(&["check", "--fix", "--json"], &dir);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(json["fixed"], serde_json::json!([]), "nothing is left to fix");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn machines_are_evaluated_for_assertions_and_warnings() {
    let dir = temp_dir("eval");
    std::fs::create_dir_all(dir.join("machines/box")).expect("create");
    std::fs::write(
        dir.join("flake.nix"),
        "{\n  inputs = { };\n  outputs = { strata, ... }: {\n    nixosConfigurations.box = strata.lib.nixosSystem { modules = [ ./machines/box/default.nix ]; };\n  };\n}\n",
    )
    .expect("write");
    let machine = "{ ... }:\n{\n  networking.hostName = \"box\";\n  system.stateVersion = \"24.05\";\n  services.openssh.enable = true;\n  warnings = [ \"box has no backups\" ];\n  assertions = [ { assertion = false; message = \"box needs a disk\"; } ];\n}\n";
    std::fs::write(dir.join("machines/box/default.nix"), machine).expect("write");
    let (code, out, err) = run(&["check"], &dir);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("machine box\nbox  assertion  box needs a disk\n"), "{out}");
    assert!(out.contains("box  warning  box has no backups\n"), "{out}");

    let clean = machine
        .replace("  warnings = [ \"box has no backups\" ];\n", "")
        .replace("assertion = false", "assertion = true");
    std::fs::write(dir.join("machines/box/default.nix"), clean).expect("write");
    let (code, out, err) = run(&["check"], &dir);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("clean: 2 files, "), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_invalid_strata_toml_is_an_error_with_its_position() {
    let dir = fixture_copy("bad-toml");
    std::fs::write(dir.join("strata.toml"), "[check]\nnamespace = \"hwc\"\nprefixes = [\"/mnt\"]\n").expect("write");
    let (code, out, err) = run(&["check"], &dir);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(err.starts_with("error: ") && err.contains("strata.toml:3:1: unknown field `prefixes`"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
