//! `strata eval --strict --json` with worker processes: whatever the split,
//! standard output, standard error and the exit code are those of printing
//! in one process (`STRATA_EVAL_JOBS=1`). `STRATA_EVAL_SPLIT_MS=0` splits
//! right after the first member, so these small objects do split;
//! `STRATA_SHOW_STATS` tells how many runs workers printed, so a test fails
//! if no worker took part. Workers exist on Linux only.

#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn eval(dir: &Path, expr: &str, jobs: usize, extra: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["eval", "--strict", "--json"])
        .args(extra)
        .args(["-E", expr])
        .current_dir(dir)
        .env("STRATA_EVAL_JOBS", jobs.to_string())
        .env("STRATA_EVAL_SPLIT_MS", "0")
        .env("STRATA_SHOW_STATS", "1")
        .output()
        .expect("strata runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Standard error without the statistics lines, and how many runs workers
/// printed.
fn split_stats(stderr: &str) -> (String, usize) {
    let mut runs = None;
    let mut kept = String::new();
    for line in stderr.lines() {
        if let Some(count) = line.strip_prefix("runs printed by worker processes: ") {
            runs = count.trim().parse().ok();
        } else if !line.starts_with("Stats {") && !line.starts_with("peak RSS of the worker processes") {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    (kept, runs.expect("STRATA_SHOW_STATS reports worker runs"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strata-eval-workers-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Runs `expr` in one process and with 2 and 4 jobs; every run must print
/// the same; returns the one-process run and the fewest worker runs seen.
fn same_as_one_process(dir: &Path, expr: &str, extra: &[&str]) -> (Run, usize) {
    let one = eval(dir, expr, 1, extra);
    let (one_stderr, one_runs) = split_stats(&one.stderr);
    assert_eq!(one_runs, 0, "one job starts no worker");
    let mut fewest = usize::MAX;
    for jobs in [2, 4] {
        let split = eval(dir, expr, jobs, extra);
        let (stderr, runs) = split_stats(&split.stderr);
        assert_eq!(split.stdout, one.stdout, "standard output with {jobs} jobs");
        assert_eq!(stderr, one_stderr, "standard error with {jobs} jobs");
        assert_eq!(split.code, one.code, "exit code with {jobs} jobs");
        fewest = fewest.min(runs);
    }
    (Run { stderr: one_stderr, ..one }, fewest)
}

const MEMBERS: &str = r#"
  builtins.listToAttrs (builtins.genList (i: {
    name = "m${toString i}";
    value = builtins.trace "member ${toString i}" {
      index = i;
      squares = builtins.genList (j: j * j) i;
      text = "line\n\t\"quoted\" ${toString i} é";
      nested.deeper = { a = null; b = i / 3.0; c = i > 5; };
    };
  }) 24)
"#;

#[test]
fn a_split_object_prints_as_one_process_prints_it() {
    let dir = temp_dir("same");
    let (one, worker_runs) = same_as_one_process(&dir, MEMBERS, &[]);
    assert_eq!(one.code, 0);
    assert!(one.stdout.starts_with("{\"m0\":{"), "{}", one.stdout);
    // Traces come in member order, the workers' after this process's.
    let traces: Vec<&str> = one.stderr.lines().collect();
    let mut names: Vec<String> = (0..24).map(|i| format!("m{i}")).collect();
    names.sort();
    let expected: Vec<String> =
        names.iter().map(|name| format!("trace: member {}", name.trim_start_matches('m'))).collect();
    assert_eq!(traces, expected);
    assert!(worker_runs >= 1, "workers printed {worker_runs} runs");
}

#[test]
fn a_failure_in_a_worker_run_is_reported_as_one_process_reports_it() {
    let dir = temp_dir("worker-failure");
    std::fs::write(
        dir.join("fleet.nix"),
        "builtins.listToAttrs (builtins.genList (i: {\n  name = \"h${toString (100 + i)}\";\n  value = builtins.trace \"host ${toString i}\" (if i == 17 then { broken = { }.missing; } else { ok = i; });\n}) 20)\n",
    )
    .expect("write fleet");
    for extra in [&[][..], &["--show-trace"][..]] {
        let (one, worker_runs) = same_as_one_process(&dir, "import ./fleet.nix", extra);
        assert_eq!(one.code, 1);
        // What was printed before the failure, closed as Nix closes it.
        assert!(one.stdout.contains("\"h116\":{\"ok\":16},\"h117\":{\"broken\":}"), "{}", one.stdout);
        assert!(one.stderr.contains("attribute 'missing' missing"), "{}", one.stderr);
        assert!(one.stderr.contains("fleet.nix:3:"), "{}", one.stderr);
        assert!(!one.stderr.contains("host 18"), "nothing after the failure runs: {}", one.stderr);
        assert!(worker_runs >= 1, "the failing member was a worker's: {worker_runs}");
    }
}

#[test]
fn a_failure_before_the_workers_runs_stops_them_unread() {
    let dir = temp_dir("early-failure");
    // The second member fails in this process's run; the workers' runs
    // trace, and those traces must not appear.
    let expr = r#"builtins.listToAttrs (builtins.genList (i: {
      name = "n${toString (10 + i)}";
      value = builtins.trace "n ${toString i}" (if i == 1 then throw "early ${toString i}" else i);
    }) 12)"#;
    let (one, _) = same_as_one_process(&dir, expr, &[]);
    assert_eq!(one.code, 1);
    assert_eq!(one.stdout, "{\"n10\":0,\"n11\":}");
    assert_eq!(one.stderr.lines().filter(|line| line.starts_with("trace:")).count(), 2, "{}", one.stderr);
    assert!(one.stderr.contains("error: early 1"), "{}", one.stderr);
}

#[test]
fn objects_that_print_as_strings_and_other_values_are_not_split() {
    let dir = temp_dir("not-objects");
    for expr in [
        r#"{ outPath = "/x"; a = 1; b = 2; c = 3; }"#,
        r#"{ __toString = self: "s"; a = 1; b = 2; c = 3; }"#,
        "builtins.genList (i: { inherit i; }) 10",
        "42",
    ] {
        let (one, worker_runs) = same_as_one_process(&dir, expr, &[]);
        assert_eq!(one.code, 0, "{expr}: {}", one.stderr);
        assert_eq!(worker_runs, 0, "{expr}");
    }
}

/// The processes whose parent is `parent` (from `/proc/*/stat`).
fn children_of(parent: u32) -> Vec<u32> {
    let mut children = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // `pid (comm) state ppid ...`; the command may hold spaces.
        let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        if after.split_whitespace().nth(1).and_then(|ppid| ppid.parse::<u32>().ok()) == Some(parent) {
            children.push(pid);
        }
    }
    children
}

#[test]
fn a_worker_that_is_killed_has_its_run_printed_by_the_main_process() {
    let dir = temp_dir("killed");
    // Members slow enough (a sum over a million numbers each) that the
    // worker is still running when the test kills it.
    let expr = r#"builtins.listToAttrs (builtins.genList (i: {
      name = "s${toString i}";
      value = builtins.foldl' (a: b: a + b) i (builtins.genList (x: x) 1000000);
    }) 12)"#;
    let one = eval(&dir, expr, 1, &[]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    let child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["eval", "--strict", "--json", "-E", expr])
        .current_dir(&dir)
        .env("STRATA_EVAL_JOBS", "2")
        .env("STRATA_EVAL_SPLIT_MS", "0")
        .env("STRATA_SHOW_STATS", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("strata starts");
    let started = std::time::Instant::now();
    let mut killed = false;
    while !killed && started.elapsed() < std::time::Duration::from_secs(20) {
        for worker in children_of(child.id()) {
            // SAFETY: a plain signal to a process this test started (a
            // child of the strata it runs).
            killed |= unsafe { libc::kill(worker as libc::pid_t, libc::SIGKILL) } == 0;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let output = child.wait_with_output().expect("strata ends");
    assert!(killed, "no worker process appeared to kill");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let (_, runs) = split_stats(&stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), one.stdout, "the killed worker's run printed here");
    assert_eq!(runs, 0, "no worker reported: {stderr}");
}
