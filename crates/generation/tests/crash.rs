//! Fault injection: a switch is killed after each of its steps in turn
//! (`STRATA_CRASH_AFTER_STEP=N`, in a child process that exits abruptly),
//! then the next run finishes it; the final tree must be byte-for-byte the
//! tree of an uninterrupted run.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use generation::activate::CRASH_EXIT_STATUS;
use generation::{ActivationOptions, Generation};

const ROOT_VAR: &str = "STRATA_TEST_CRASH_ROOT";
const GENERATION_VAR: &str = "STRATA_TEST_CRASH_GENERATION";
const ROLLBACK: &str = "rollback";

/// Not a test on its own: the child process of `every_step_can_crash`.
#[test]
fn crash_child() {
    let (Ok(root), Ok(dir)) = (std::env::var(ROOT_VAR), std::env::var(GENERATION_VAR)) else { return };
    let mut options = ActivationOptions::new(Path::new(&root));
    assert!(options.crash_after_step.is_some());
    options.run_health_checks = true;
    if dir == ROLLBACK {
        generation::rollback(None, &options).unwrap();
    } else {
        generation::switch(&Generation::load(Path::new(&dir)).unwrap(), &options).unwrap();
    }
}

/// Runs `crash_child` switching `root` to `generation` (or rolling back, when
/// `generation` is `None`), crashing after step `n`.
fn crashing_switch(root: &Path, generation: Option<&Generation>, n: usize) -> Option<i32> {
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env(ROOT_VAR, root)
        .env(GENERATION_VAR, generation.map_or(ROLLBACK.into(), |g| g.dir.clone()))
        .env("STRATA_CRASH_AFTER_STEP", n.to_string())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    status.code()
}

/// Crashes a switch from `before` (generations activated in order first) to
/// `next` (`None`: a rollback) after every step in turn; `finish` is what the
/// next run does, and, on an untouched root, the uninterrupted run. Returns
/// the number of steps.
fn crash_everywhere(
    label: &str,
    before: &[&Generation],
    next: Option<&Generation>,
    finish: impl Fn(&Path, Option<&Generation>),
) -> usize {
    let work = temp_dir(label);
    let reference = work.join("reference");
    seed_root(&reference);
    for generation in before {
        generation::switch(generation, &options(&reference)).unwrap();
    }
    finish(&reference, next);
    let expected = snapshot(&reference);
    for n in 1.. {
        let root = work.join(format!("crash-{n}"));
        seed_root(&root);
        for generation in before {
            generation::switch(generation, &options(&root)).unwrap();
        }
        match crashing_switch(&root, next, n) {
            Some(0) => {
                // No step n: the run completed untouched.
                assert_eq!(snapshot(&root), expected, "the uninterrupted child run differs");
                assert!(n > 5, "only {} steps?", n - 1);
                return n - 1;
            }
            Some(code) if code == CRASH_EXIT_STATUS => {}
            other => panic!("child for step {n} ended with {other:?}"),
        }
        assert!(generation::pending_activation(&root).unwrap().is_some(), "step {n}: a crash leaves a journal");
        finish(&root, next);
        let actual = snapshot(&root);
        if actual != expected {
            let diff = similar::TextDiff::from_lines(expected.as_str(), actual.as_str())
                .unified_diff()
                .header("uninterrupted", "crashed and finished")
                .to_string();
            panic!("crash after step {n}, then finishing, differs from an uninterrupted run:\n{diff}");
        }
        assert!(generation::pending_activation(&root).unwrap().is_none());
        let _ = std::fs::remove_dir_all(&root);
    }
    unreachable!()
}

#[test]
fn every_step_of_a_switch_can_crash() {
    let builds = temp_dir("crash-builds");
    let gen0 = build_fixture("gen0", &builds);
    let gen1 = build_fixture("gen1", &builds);
    let gen2 = build_fixture("gen2", &builds);
    // The next `strata switch` to the same generation finishes the interrupted one.
    let switch = |root: &Path, next: Option<&Generation>| {
        let report = generation::switch(next.unwrap(), &options(root)).unwrap();
        assert!(report.succeeded(), "{report:#?}");
    };
    let first = crash_everywhere("crash-first", &[], Some(&gen0), switch);
    let second = crash_everywhere("crash-second", &[&gen0], Some(&gen1), switch);
    let third = crash_everywhere("crash-third", &[&gen0, &gen1], Some(&gen2), switch);
    eprintln!("crashed after each of {first}, {second} and {third} steps");
}

#[test]
fn every_step_of_a_rollback_can_crash() {
    let builds = temp_dir("crash-manual-rollback-builds");
    let gen0 = build_fixture("gen0", &builds);
    let gen1 = build_fixture("gen1", &builds);
    let gen2 = build_fixture("gen2", &builds);
    // Uninterrupted: roll back. Interrupted: the next command touching the state finishes it.
    let steps = crash_everywhere("crash-manual-rollback", &[&gen0, &gen1, &gen2], None, |root, _| {
        if generation::pending_activation(root).unwrap().is_some() {
            generation::recover(&options(root)).unwrap();
        } else {
            assert_eq!(generation::rollback(None, &options(root)).unwrap().to, 2);
        }
    });
    eprintln!("crashed after each of {steps} steps of a rollback");
}

#[test]
fn every_step_of_a_failing_switch_and_its_rollback_can_crash() {
    let builds = temp_dir("crash-rollback-builds");
    let gen0 = build_fixture("gen0", &builds);
    let (mut machine, options_snapshot) = fixture("gen1");
    machine["healthChecks"] =
        serde_json::json!([{ "name": "never", "type": "command", "command": "false", "timeout": 1 }]);
    let bad = build_value(&machine, &options_snapshot, "rev-bad", &builds);
    // Any command touching the state finishes the interrupted activation.
    let steps = crash_everywhere("crash-rollback", &[&gen0], Some(&bad), |root, next| {
        if generation::pending_activation(root).unwrap().is_some() {
            generation::recover(&options(root)).unwrap();
        } else {
            let report = generation::switch(next.unwrap(), &options(root)).unwrap();
            assert!(report.rolled_back.is_some());
        }
    });
    eprintln!("crashed after each of {steps} steps of a switch and its automatic rollback");
}
