//! Building generations: reproducible bytes, the content hash, input errors.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use generation::{BuildInput, PackageDatabase};

fn tree_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                out.push((path.strip_prefix(base).unwrap().display().to_string(), fs::read(&path).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

#[test]
fn the_same_inputs_give_byte_identical_generations() {
    let work = temp_dir("reproducible");
    let a = build_fixture("gen1", &work.join("a"));
    let b = build_fixture("gen1", &work.join("b"));
    assert_eq!(a.dir.file_name(), b.dir.file_name());
    assert_eq!(tree_bytes(&a.dir), tree_bytes(&b.dir));
    assert!(a.dir.file_name().unwrap().to_string_lossy().starts_with("app1-"));
    a.verify().unwrap();
    // Building again into the same place keeps the directory.
    let again = build_fixture("gen1", &work.join("a"));
    assert_eq!(again.dir, a.dir);
    // Every part the brief names is there.
    let names: Vec<String> =
        fs::read_dir(&a.dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    for part in [
        "manifest.json",
        "files.json",
        "files",
        "units.json",
        "accounts.json",
        "tmpfiles.json",
        "packages.json",
        "options.json",
        "health-checks.json",
        "firewall.json",
        "warnings.json",
    ] {
        assert!(names.iter().any(|n| n == part), "{part} missing from {names:?}");
    }
}

#[test]
fn the_content_hash_covers_content_and_metadata_but_not_the_wall_clock() {
    let work = temp_dir("hash");
    let (machine, options) = fixture("gen0");
    let base = build_value(&machine, &options, "r1", &work.join("x"));
    let other_revision = build_value(&machine, &options, "r2", &work.join("x"));
    assert_ne!(base.manifest.content_hash, other_revision.manifest.content_hash);
    let mut changed = machine.clone();
    changed["files"]["/etc/motd"]["mode"] = "0600".into();
    let other_mode = build_value(&changed, &options, "r1", &work.join("x"));
    assert_ne!(base.manifest.content_hash, other_mode.manifest.content_hash);
    assert_eq!(base.manifest.time, 1_763_800_000);
    // Tampering is detected.
    fs::write(base.dir.join("files/etc/motd"), "tampered\n").unwrap();
    let error = base.verify().unwrap_err().to_string();
    assert!(error.contains("is damaged"), "{error}");
}

#[test]
fn units_record_their_definition_and_enable_links() {
    let work = temp_dir("units");
    let gen0 = build_fixture("gen0", &work.join("b"));
    let gen1 = build_fixture("gen1", &work.join("b"));
    // The app's script did not change, its trigger did; the worker's unit file changed.
    assert_eq!(gen0.units["app.service"].definition_hash, gen1.units["app.service"].definition_hash);
    assert_ne!(gen0.units["app.service"].spec.restart_triggers, gen1.units["app.service"].spec.restart_triggers);
    assert_ne!(gen0.units["worker.service"].definition_hash, gen1.units["worker.service"].definition_hash);
    assert!(gen0.files.contains_key("/etc/systemd/system/multi-user.target.wants/app.service"));
    assert!(gen1.files.contains_key("/etc/systemd/system/timers.target.wants/backup.timer"));
    // A distribution unit (no rendered file) is linked from /lib/systemd/system when wanted.
    assert!(gen0.units["systemd-tmpfiles-setup.service"].files.is_empty());
    assert_eq!(gen0.tmpfiles.rules, vec!["d /var/lib/app 0750 svc svc -".to_string()]);
}

#[test]
fn source_files_are_copied_and_bad_input_is_named() {
    let work = temp_dir("inputs");
    let source = work.join("issue.net");
    fs::write(&source, "from a source file\n").unwrap();
    let (mut machine, _) = fixture("gen0");
    machine["files"]["/etc/issue.net"] =
        serde_json::json!({ "source": source.to_string_lossy(), "mode": "0644", "user": "root", "group": "root" });
    let generation = build_value(&machine, &[], "r", &work.join("b"));
    assert_eq!(generation.content("/etc/issue.net").unwrap(), b"from a source file\n");

    let database = PackageDatabase::unavailable();
    let fails = |machine: serde_json::Value| -> String {
        let input =
            BuildInput { rendered: &machine, options: &[], metadata: metadata("r"), package_database: &database };
        generation::build(&input, &work.join("bad")).unwrap_err().to_string()
    };
    let mut two = fixture("gen0").0;
    two["files"]["/etc/motd"]["source"] = "/etc/hostname".into();
    assert!(fails(two).contains("files.\"/etc/motd\": exactly one of text, source and symlink must be set (found 2)"));
    let mut missing = fixture("gen0").0;
    missing["files"]["/etc/x"] = serde_json::json!({ "source": "/nonexistent/strata-test" });
    let error = fails(missing);
    assert!(error.contains("files.\"/etc/x\".source: cannot read '/nonexistent/strata-test'"), "{error}");
    let mut bad_mode = fixture("gen0").0;
    bad_mode["files"]["/etc/motd"]["mode"] = "rw-r--r--".into();
    assert!(fails(bad_mode).contains("files.\"/etc/motd\".mode: expected octal permissions"));
    let mut passwd = fixture("gen0").0;
    passwd["files"]["/etc/passwd"] = serde_json::json!({ "text": "" });
    assert!(fails(passwd).contains("declare accounts there"));
    let mut no_host = fixture("gen0").0;
    no_host.as_object_mut().unwrap().remove("hostName");
    assert!(fails(no_host).contains("hostName: expected a non-empty string, got null"));
    let mut bad_check = fixture("gen0").0;
    bad_check["healthChecks"] = serde_json::json!([{ "name": "x", "type": "ping" }]);
    let error = fails(bad_check);
    assert!(error.contains("healthChecks[0]: unknown variant `ping`"), "{error}");
}

#[test]
fn package_names_are_checked_with_suggestions() {
    let work = temp_dir("packages");
    let (mut machine, _) = fixture("gen0");
    machine["packages"] = serde_json::json!(["git", "ngnix", "sudo"]);
    let database = PackageDatabase::from_names(["git", "nginx", "sudo", "nftables"]);
    let input = BuildInput { rendered: &machine, options: &[], metadata: metadata("r"), package_database: &database };
    let output = generation::build(&input, &work).unwrap();
    assert_eq!(output.packages.warnings(), vec!["unknown package 'ngnix'; did you mean 'nginx'?".to_string()]);
    // The warnings do not enter the generation: it is the same with another database.
    let none = PackageDatabase::unavailable();
    let input = BuildInput { rendered: &machine, options: &[], metadata: metadata("r"), package_database: &none };
    let again = generation::build(&input, &work).unwrap();
    assert_eq!(again.generation.manifest.content_hash, output.generation.manifest.content_hash);
    assert_eq!(again.packages.warnings().len(), 1);
    assert!(again.packages.warnings()[0].contains("no package database available"));
}
