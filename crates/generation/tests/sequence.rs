//! Generation-sequence tests: gen0 → gen1 → gen2 → rollback against a
//! temporary root, with a snapshot of the tree after each step
//! (`tests/snapshots/sequence-*.txt`; `UPDATE_EXPECT=1` rewrites them).

mod common;

use std::fs;

use common::*;
use generation::plan::{AccountAction, BackupReason, FileAction, UnitAction};

fn passwd_line<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines().find(|line| line.starts_with(&format!("{name}:")))
}

fn uid(text: &str, name: &str) -> u32 {
    passwd_line(text, name).and_then(|l| l.split(':').nth(2)).and_then(|u| u.parse().ok()).unwrap()
}

#[test]
fn gen0_gen1_gen2_rollback() {
    let work = temp_dir("sequence");
    let root = work.join("root");
    seed_root(&root);
    let builds = work.join("builds");
    let gen0 = build_fixture("gen0", &builds);
    let gen1 = build_fixture("gen1", &builds);
    let gen2 = build_fixture("gen2", &builds);
    let original_issue = fs::read(root.join("etc/issue")).unwrap();

    // gen0: first activation.
    let plan = generation::activate::preview(&gen0, &root).unwrap();
    assert!(plan.from.is_none());
    assert!(plan.users.iter().any(|u| u.name == "alice" && u.action == AccountAction::Add));
    let report = generation::switch(&gen0, &options(&root)).unwrap();
    assert!(report.succeeded(), "{report:#?}");
    assert_eq!(report.to, 1);
    assert!(report.health.iter().all(|h| h.status == generation::HealthStatus::Passed), "{:?}", report.health);
    expect_snapshot("sequence-1-gen0", &snapshot(&root));
    let passwd0 = fs::read_to_string(root.join("etc/passwd")).unwrap();
    assert_eq!(uid(&passwd0, "alice"), 1000);
    assert_eq!(uid(&passwd0, "svc"), 999, "system users are allocated from 999 down");
    assert_eq!(fs::read(root.join("etc/issue")).unwrap(), original_issue, "gen0 does not manage /etc/issue");

    // gen1: /etc/issue is foreign and gets backed up; app restarts through its trigger.
    let plan = generation::activate::preview(&gen1, &root).unwrap();
    let issue = plan.files.iter().find(|f| f.path == "/etc/issue").unwrap();
    assert_eq!(issue.backup, Some(BackupReason::NotCreatedByStrata));
    let unit = |name: &str| plan.units.iter().find(|u| u.unit == name).map(|u| u.action);
    assert_eq!(unit("app.service"), Some(UnitAction::StopStart));
    assert_eq!(unit("worker.service"), Some(UnitAction::Reload));
    assert_eq!(unit("backup.timer"), Some(UnitAction::Start));
    assert_eq!(unit("backup.service"), None, "started by its timer, not by the switch");
    assert_eq!(plan.packages.install, vec!["nginx".to_string()]);
    assert!(plan.options.iter().any(|o| o.path == "networking.firewall.allowedTCPPorts"));
    let text = generation::display::plan_text(&plan);
    for line in [
        "Plan for app1: generation 1 (",
        "  ~ networking.firewall.allowedTCPPorts\n      - [22,8080] (gen0.nix:",
        "  ~ /etc/app/app.conf  (content)",
        "  ~ /etc/issue  (replaces a file Strata did not create, backed up first)",
        "  ~ app.service stop, then start (restart triggers changed; stopIfChanged)",
        "  ~ worker.service reload (definition changed; reloadIfChanged)",
        "  + backup.timer start (new, wanted by an active target)",
        "  + bob  (normal user)",
        "Packages:\n  + nginx",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    let report = generation::switch(&gen1, &options(&root)).unwrap();
    assert!(report.succeeded(), "{report:#?}");
    assert_eq!(report.to, 2);
    expect_snapshot("sequence-2-gen1", &snapshot(&root));
    let passwd1 = fs::read_to_string(root.join("etc/passwd")).unwrap();
    assert_eq!(uid(&passwd1, "alice"), 1000, "alice keeps her uid");
    assert_eq!(uid(&passwd1, "bob"), 1001);
    assert_eq!(uid(&passwd1, "svc"), 999);
    assert_eq!(fs::read_to_string(root.join("etc/issue")).unwrap(), "app1 (managed by Strata)\n");

    // gen2: alice is locked, not deleted; /etc/issue comes back; app stops.
    let plan = generation::activate::preview(&gen2, &root).unwrap();
    assert!(plan.users.iter().any(|u| u.name == "alice" && u.action == AccountAction::Lock));
    assert!(plan.files.iter().any(|f| f.path == "/etc/issue" && f.action == FileAction::Remove && f.restore.is_some()));
    assert!(plan.units.iter().any(|u| u.unit == "app.service" && u.action == UnitAction::Stop));
    let report = generation::switch(&gen2, &options(&root)).unwrap();
    assert!(report.succeeded(), "{report:#?}");
    expect_snapshot("sequence-3-gen2", &snapshot(&root));
    let passwd2 = fs::read_to_string(root.join("etc/passwd")).unwrap();
    assert_eq!(uid(&passwd2, "alice"), 1000, "locked users stay");
    let shadow2 = fs::read_to_string(root.join("etc/shadow")).unwrap();
    let alice = passwd_line(&shadow2, "alice").unwrap();
    assert!(alice.split(':').nth(1).unwrap().starts_with('!'), "{alice}");
    assert_eq!(alice.split(':').nth(7), Some("1"), "locked accounts are expired");
    assert_eq!(fs::read(root.join("etc/issue")).unwrap(), original_issue, "the original is restored");
    assert!(!root.join("etc/systemd/system/app.service").exists());

    // Rollback to generation 2 (gen1): alice unlocked with her uid, /etc/issue backed up again.
    let report = generation::rollback(None, &options(&root)).unwrap();
    assert_eq!(report.to, 2);
    expect_snapshot("sequence-4-rollback", &snapshot(&root));
    let passwd3 = fs::read_to_string(root.join("etc/passwd")).unwrap();
    assert_eq!(uid(&passwd3, "alice"), 1000);
    let shadow3 = fs::read_to_string(root.join("etc/shadow")).unwrap();
    assert_eq!(passwd_line(&shadow3, "alice").unwrap().split(':').nth(1), Some("!"), "unlocked to what she had");
    let listing = generation::list_generations(&root).unwrap();
    assert_eq!(
        listing.iter().map(|g| (g.number, g.current)).collect::<Vec<_>>(),
        vec![(1, false), (2, true), (3, false)]
    );
    assert_eq!(listing[1].source_revision.as_deref(), Some("rev-gen1"));

    // Switching to what is active does nothing.
    let report = generation::switch(&gen1, &options(&root)).unwrap();
    assert!(report.unchanged);
}

#[test]
fn account_databases_pass_pwck_and_grpck() {
    if !have("pwck") || !have("grpck") {
        eprintln!("skipped: pwck/grpck not installed (apt-get install passwd)");
        return;
    }
    let work = temp_dir("pwck");
    let root = work.join("root");
    seed_root(&root);
    let builds = work.join("builds");
    for name in ["gen0", "gen1", "gen2"] {
        let generation = build_fixture(name, &builds);
        generation::switch(&generation, &options(&root)).unwrap();
        for tool in ["pwck", "grpck"] {
            let output = std::process::Command::new(tool).args(["-r", "-R"]).arg(&root).output().unwrap();
            assert!(
                output.status.success(),
                "{tool} -r -R {} after {name}: {}{}",
                root.display(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

#[test]
fn foreign_files_are_backed_up_and_restored() {
    let work = temp_dir("foreign");
    let root = work.join("root");
    seed_root(&root);
    let builds = work.join("builds");
    // A hand-written motd is in the way of gen0.
    fs::write(root.join("etc/motd"), "hand-written\n").unwrap();
    let gen0 = build_fixture("gen0", &builds);
    let plan = generation::activate::preview(&gen0, &root).unwrap();
    let motd = plan.files.iter().find(|f| f.path == "/etc/motd").unwrap();
    assert_eq!((motd.action, motd.backup), (FileAction::Change, Some(BackupReason::NotCreatedByStrata)));
    generation::switch(&gen0, &options(&root)).unwrap();
    assert_eq!(fs::read_to_string(root.join("etc/motd")).unwrap(), "Welcome to app1\n");
    let index = fs::read_to_string(root.join("var/lib/strata/backups.json")).unwrap();
    assert!(index.contains("/etc/motd"), "{index}");
    let backup = root.join("var/lib/strata/backups/1/etc/motd");
    assert_eq!(fs::read_to_string(&backup).unwrap(), "hand-written\n");

    // Someone edits a file Strata wrote: the edit is saved before it is replaced.
    fs::write(root.join("etc/hostname"), "edited\n").unwrap();
    let mut machine = fixture("gen0").0;
    machine["files"].as_object_mut().unwrap().remove("/etc/motd");
    machine["files"]["/etc/hostname"]["text"] = "app1.example.org\n".into();
    let next = build_value(&machine, &[], "rev-x", &builds);
    let plan = generation::activate::preview(&next, &root).unwrap();
    let hostname = plan.files.iter().find(|f| f.path == "/etc/hostname").unwrap();
    assert_eq!(hostname.backup, Some(BackupReason::ModifiedOutsideStrata));
    let report = generation::switch(&next, &options(&root)).unwrap();
    assert!(report.succeeded());
    assert_eq!(fs::read_to_string(root.join("var/lib/strata/backups/2/etc/hostname")).unwrap(), "edited\n");
    // motd is no longer managed: the hand-written original is back, the backup moved into place.
    assert_eq!(fs::read_to_string(root.join("etc/motd")).unwrap(), "hand-written\n");
    assert!(!backup.exists());
    assert_eq!(fs::read_to_string(root.join("var/lib/strata/backups.json")).unwrap().trim(), "{}");
}

#[test]
fn explicit_uid_conflicts_are_refused_before_anything_changes() {
    let work = temp_dir("conflict");
    let root = work.join("root");
    seed_root(&root);
    let mut machine = fixture("gen0").0;
    machine["users"]["alice"]["uid"] = 1.into(); // daemon's uid
    let next = build_value(&machine, &[], "rev-x", &work.join("builds"));
    let error = generation::switch(&next, &options(&root)).unwrap_err().to_string();
    assert!(error.contains("users.users.alice.uid = 1 is already the uid of user 'daemon'"), "{error}");
}

#[test]
fn activation_never_writes_outside_the_root_through_a_symbolic_link() {
    let work = temp_dir("escape");
    let root = work.join("root");
    seed_root(&root);
    let outside = work.join("outside");
    fs::create_dir_all(&outside).unwrap();
    // ROOT/etc/app points at a directory outside the root.
    std::os::unix::fs::symlink(&outside, root.join("etc/app")).unwrap();
    let gen0 = build_fixture("gen0", &work.join("builds"));
    let error = generation::switch(&gen0, &options(&root)).unwrap_err().to_string();
    assert!(error.contains("leads outside the root"), "{error}");
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0, "nothing was written outside");
    assert!(generation::pending_activation(&root).unwrap().is_none(), "refused before anything was journaled");
    assert!(!root.join("etc/motd").exists());
}

#[test]
fn plans_and_reports_round_trip_through_json() {
    let work = temp_dir("json");
    let root = work.join("root");
    seed_root(&root);
    // /etc/hostname already says what gen0 wants: it is adopted, with a backup.
    fs::write(root.join("etc/hostname"), "app1\n").unwrap();
    let gen0 = build_fixture("gen0", &work.join("builds"));
    let plan = generation::activate::preview(&gen0, &root).unwrap();
    let hostname = plan.files.iter().find(|f| f.path == "/etc/hostname").unwrap();
    assert_eq!((hostname.action, hostname.backup), (FileAction::Adopt, Some(BackupReason::NotCreatedByStrata)));
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(
        json["files"].as_array().unwrap().iter().find(|f| f["path"] == "/etc/hostname").unwrap()["action"],
        "adopt"
    );
    let back: generation::Plan = serde_json::from_value(json).unwrap();
    assert_eq!(back, plan);
    let report = generation::switch(&gen0, &options(&root)).unwrap();
    let back: generation::ActivationReport = serde_json::from_str(&serde_json::to_string(&report).unwrap()).unwrap();
    assert_eq!(back, report);
    let listing = serde_json::to_value(generation::list_generations(&root).unwrap()).unwrap();
    assert_eq!(listing[0]["sourceRevision"], "rev-gen0");
    assert_eq!(listing[0]["current"], true);
}
