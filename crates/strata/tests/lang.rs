//! The Nix-language conformance corpus (`tests/lang/`) as one test per file.
//!
//! - `eval-okay-NAME.nix`: `strata eval [FLAGS] FILE` exits 0 and prints
//!   exactly `eval-okay-NAME.exp`.
//! - `eval-fail-NAME.nix`: `strata eval [FLAGS] FILE` exits 1 and stderr
//!   contains every `# error: TEXT` of the leading comment lines.
//! - `parse-okay-NAME.nix`: `strata parse FILE` exits 0.
//! - `parse-fail-NAME.nix`: `strata parse FILE` and `strata eval FILE` exit 1,
//!   stderr of the former containing the `# error:` texts.
//! - `notyetpassing/`: same conventions, but the test asserts the case FAILS,
//!   so a fix is noticed and the case gets moved up.
//!
//! Each case runs in its own directory, with `HOME=/homeless-shelter` and no
//! `NIX_PATH`, killed after 20 s (`STRATA_TEST_TIMEOUT`). `STRATA_BIN`
//! replaces the binary under test, e.g. to check the corpus against a wrapper
//! around `nix-instantiate`.

mod common;

use common::{block, case_args, collect_cases, run, strata_bin, Case, Kind};
use libtest_mimic::{Arguments, Trial};
use std::ffi::OsString;

fn main() {
    let args = Arguments::from_args();
    let trials = collect_cases()
        .into_iter()
        .map(|case| {
            Trial::test(case.test_name("lang"), move || common::judge(&case.id, case.not_yet_passing, check(&case)))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

/// Ok when strata behaves as the case demands.
fn check(case: &Case) -> Result<(), String> {
    let bin = strata_bin();
    match case.kind {
        Kind::EvalOkay => {
            let expected = case.expected_stdout()?;
            let out = run(&bin, &eval_args(case)?, case.dir())?;
            common::expect_output(&out, &expected)
        }
        Kind::EvalFail => {
            let out = run(&bin, &eval_args(case)?, case.dir())?;
            expect_failure(case, "eval", &out)
        }
        Kind::ParseOkay => {
            let out = run(&bin, &parse_args(case), case.dir())?;
            if out.code == Some(0) {
                Ok(())
            } else {
                Err(format!(
                    "`strata parse` should succeed, got {}\n{}",
                    out.describe_exit(),
                    block("stderr", &out.stderr)
                ))
            }
        }
        Kind::ParseFail => {
            let out = run(&bin, &parse_args(case), case.dir())?;
            expect_failure(case, "parse", &out)?;
            let out = run(&bin, &eval_args(case)?, case.dir())?;
            if out.code == Some(1) {
                Ok(())
            } else {
                Err(format!(
                    "`strata eval` of a parse-fail case should exit 1, got {}\n{}",
                    out.describe_exit(),
                    block("stderr", &out.stderr)
                ))
            }
        }
    }
}

/// Exit code 1 and every `# error:` text in stderr.
fn expect_failure(case: &Case, command: &str, out: &common::Output) -> Result<(), String> {
    let mut msg = String::new();
    if out.code != Some(1) {
        msg.push_str(&format!("`strata {command}` should exit 1, got {}\n", out.describe_exit()));
    }
    // The source excerpt shows the case's own `# error:` lines when the
    // error is near the top: only the rest of stderr counts.
    let messages = without_excerpts(&out.stderr);
    for text in case.expected_errors()? {
        if !messages.contains(&text) {
            msg.push_str(&format!("stderr lacks `{text}`\n"));
        }
    }
    if msg.is_empty() {
        return Ok(());
    }
    if !out.stdout.is_empty() {
        msg.push_str(&block("stdout", &String::from_utf8_lossy(&out.stdout)));
    }
    msg.push_str(&block("stderr", &out.stderr));
    Err(msg)
}

/// `stderr` without the lines of source excerpts (`   12| text` and the
/// `     |   ^` marker lines).
fn without_excerpts(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|line| {
            let rest = line.trim_start().trim_start_matches(|c: char| c.is_ascii_digit());
            !rest.starts_with('|')
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn eval_args(case: &Case) -> Result<Vec<OsString>, String> {
    let mut args = vec![OsString::from("eval")];
    args.extend(case_args(case)?);
    Ok(args)
}

fn parse_args(case: &Case) -> Vec<OsString> {
    vec![OsString::from("parse"), case.file_name()]
}
