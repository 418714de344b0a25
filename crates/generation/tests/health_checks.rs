//! Health checks after a switch, and the automatic rollback when one fails.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::*;
use generation::HealthStatus;

/// The files and links of the tree, without Strata's state, the account
/// databases and home directories (accounts are locked, never removed, so a
/// rollback leaves bob locked with his home) and directories (left when emptied).
fn managed_tree(root: &std::path::Path) -> String {
    let mut keep = true;
    let mut lines = Vec::new();
    let tree = snapshot(root);
    for line in tree.lines() {
        if !line.starts_with("    |") {
            keep = !(line.starts_with("var/lib/strata")
                || line.starts_with("home/")
                || ["etc/passwd ", "etc/shadow ", "etc/group ", "etc/gshadow "].iter().any(|p| line.starts_with(p))
                || line.contains(" dir "));
        }
        if keep {
            lines.push(line);
        }
    }
    lines.join("\n")
}

#[test]
fn a_failing_check_rolls_back_to_the_previous_generation() {
    let work = temp_dir("health-rollback");
    let root = work.join("root");
    seed_root(&root);
    let builds = work.join("builds");
    let gen0 = build_fixture("gen0", &builds);
    generation::switch(&gen0, &options(&root)).unwrap();
    let after_gen0 = managed_tree(&root);

    let (mut machine, options_snapshot) = fixture("gen1");
    machine["healthChecks"] = serde_json::json!([
        { "name": "motd", "type": "command", "command": "test -e \"$STRATA_ROOT/etc/motd\"", "timeout": 2 },
        { "name": "api", "type": "command", "command": "exit 3", "timeout": 1 }
    ]);
    let bad = build_value(&machine, &options_snapshot, "rev-bad", &builds);
    let report = generation::switch(&bad, &options(&root)).unwrap();
    assert!(!report.succeeded());
    assert_eq!(report.to, 2);
    let statuses: Vec<_> = report.health.iter().map(|h| (h.name.as_str(), h.status)).collect();
    assert_eq!(statuses, vec![("motd", HealthStatus::Passed), ("api", HealthStatus::Failed)]);
    let rollback = report.rolled_back.as_ref().expect("an automatic rollback");
    assert_eq!(rollback.to, 1);
    let reason = rollback.reason.as_deref().unwrap();
    assert!(reason.contains("health checks of generation 2 failed: api:"), "{reason}");
    assert!(reason.contains("exited with exit status: 3"), "{reason}");
    let text = generation::display::report_text(&report);
    assert!(text.contains("Generation 2 failed its health checks; generation 1 is active again."), "{text}");

    // Every managed file is as gen0 left it; bob, added by the failed generation, is locked.
    assert_eq!(managed_tree(&root), after_gen0);
    let shadow = std::fs::read_to_string(root.join("etc/shadow")).unwrap();
    assert!(shadow.contains("\nbob:!!::::::1:\n"), "{shadow}");
    let group = std::fs::read_to_string(root.join("etc/group")).unwrap();
    assert!(group.contains("\nwheel:x:998:alice\n"), "{group}");
    let listing = generation::list_generations(&root).unwrap();
    assert!(listing[0].current);
    assert!(listing[1].failed.as_deref().unwrap().starts_with("api:"));
}

#[test]
fn a_first_generation_that_fails_has_nothing_to_roll_back_to() {
    let work = temp_dir("health-first");
    let root = work.join("root");
    seed_root(&root);
    let (mut machine, _) = fixture("gen0");
    machine["healthChecks"] =
        serde_json::json!([{ "name": "never", "type": "command", "command": "false", "timeout": 1 }]);
    let bad = build_value(&machine, &[], "rev-bad", &work.join("builds"));
    let report = generation::switch(&bad, &options(&root)).unwrap();
    assert!(!report.succeeded());
    assert!(report.rolled_back.is_none());
    assert!(report.notes.iter().any(|n| n.contains("no earlier generation to roll back to")), "{:?}", report.notes);
    assert!(generation::pending_activation(&root).unwrap().is_none());
}

#[test]
fn tcp_http_and_unit_checks() {
    let work = temp_dir("health-kinds");
    let root = work.join("root");
    seed_root(&root);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let closed = {
        let probe = TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let server = std::thread::spawn(move || {
        // The TCP check connects once; the HTTP check sends a request.
        for _ in 0..2 {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0u8; 1024];
            let read = stream.read(&mut request).unwrap_or(0);
            if read > 0 {
                assert!(request.starts_with(b"GET /healthz HTTP/1.1\r\n"));
                stream.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").unwrap();
            }
        }
    });
    let (mut machine, _) = fixture("gen0");
    machine["healthChecks"] = serde_json::json!([
        { "name": "port", "type": "tcp", "host": "127.0.0.1", "port": port, "timeout": 2 },
        { "name": "web", "type": "http", "url": format!("http://127.0.0.1:{port}/healthz"), "timeout": 2 },
        { "name": "unit", "type": "unit", "unit": "app.service", "timeout": 2 },
    ]);
    let generation = build_value(&machine, &[], "rev-ok", &work.join("builds"));
    let report = generation::switch(&generation, &options(&root)).unwrap();
    server.join().unwrap();
    let statuses: Vec<_> = report.health.iter().map(|h| h.status).collect();
    assert_eq!(
        statuses,
        vec![HealthStatus::Passed, HealthStatus::Passed, HealthStatus::Skipped],
        "{:?}",
        report.health
    );
    assert!(report.succeeded());

    machine["healthChecks"] =
        serde_json::json!([{ "name": "closed", "type": "tcp", "host": "127.0.0.1", "port": closed, "timeout": 1 }]);
    let generation = build_value(&machine, &[], "rev-closed", &work.join("builds"));
    let report = generation::switch(&generation, &options(&root)).unwrap();
    assert_eq!(report.health[0].status, HealthStatus::Failed);
    assert!(report.health[0].detail.contains("cannot connect"), "{}", report.health[0].detail);
    assert_eq!(report.rolled_back.as_ref().map(|r| r.to), Some(1));
}
