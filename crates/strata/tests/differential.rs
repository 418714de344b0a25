//! Differential tests: every `eval-okay`, `eval-fail` and `parse-fail` case
//! of `tests/lang/` is run through both the reference `nix-instantiate
//! --eval` (Nix 2.8) and `strata eval`, with the same flags, directory and
//! environment; stdout and exit code must agree, and for a failure the error
//! message (from the `error:` line to its position) too, unless the case is a
//! `[[message-divergence]]`, and the position it names (the first `at
//! FILE:LINE:COLUMN:` line) where Nix names one, unless the case is a
//! `[[position-divergence]]`. Cases in `tests/lang/divergences.toml`'s
//! `[[divergence]]` list are skipped (marked ignored, with their reason
//! printed), and so are `notyetpassing/` cases, which the `lang` harness
//! already holds to failing.
//!
//! Without `nix-instantiate` on PATH every test is ignored with a clear
//! message, unless `CI` is set: CI installs nix-bin, so there its absence is a
//! failure. `STRATA_BIN` replaces the strata binary as in the `lang` harness.

mod common;

use common::{block, case_args, collect_cases, diff, divergences, run, strata_bin, Kind, Output};
use libtest_mimic::{Arguments, Failed, Trial};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

const NIX_MISSING: &str =
    "differential: nix-instantiate not found; install nix-bin (apt-get install nix-bin) — skipping";

fn main() {
    let args = Arguments::from_args();
    let nix = find_in_path("nix-instantiate");
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    if nix.is_none() {
        if in_ci {
            eprintln!("differential: nix-instantiate not found, and CI is set: CI must install nix-bin (apt-get install nix-bin)");
        } else {
            eprintln!("{NIX_MISSING}");
        }
    }
    let common::Divergences { skipped: skip, messages, positions } = divergences();

    let mut trials = Vec::new();
    let mut skipped = 0;
    for case in collect_cases() {
        if case.not_yet_passing || !matches!(case.kind, Kind::EvalOkay | Kind::EvalFail | Kind::ParseFail) {
            continue;
        }
        let name = case.test_name("differential");
        if skip.contains_key(&case.id) {
            skipped += 1;
            trials.push(Trial::test(name, || Ok(())).with_ignored_flag(true));
            continue;
        }
        match &nix {
            // Without the reference every comparison is ignored; in CI the
            // single `nix-instantiate-available` test below fails instead.
            None => trials.push(Trial::test(name, || Ok(())).with_ignored_flag(true)),
            Some(nix) => {
                let nix = nix.clone();
                let same =
                    Same { message: !messages.contains_key(&case.id), position: !positions.contains_key(&case.id) };
                trials.push(Trial::test(name, move || compare(&nix, &case, same).map_err(Failed::from)));
            }
        }
    }
    let order = "differential::builtins-force-arguments-in-nix-order";
    match &nix {
        None => trials.push(Trial::test(order, || Ok(())).with_ignored_flag(true)),
        Some(nix) => {
            let nix = nix.clone();
            trials.push(Trial::test(order, move || argument_order(&nix).map_err(Failed::from)));
        }
    }
    if nix.is_none() && in_ci {
        trials.push(Trial::test("differential::nix-instantiate-available", || {
            Err(Failed::from(
                "nix-instantiate not found on PATH, and CI is set: CI must install nix-bin (apt-get install nix-bin)",
            ))
        }));
    }
    if skipped > 0 && !args.list {
        eprintln!(
            "differential: {skipped} cases ignored as intentional divergences (reasons in tests/lang/divergences.toml)"
        );
    }
    // A divergence entry naming no case is a stale entry.
    let ids: Vec<String> = collect_cases().into_iter().map(|c| c.id).collect();
    for (id, _) in skip.into_iter().chain(messages).chain(positions) {
        if !ids.contains(&id) {
            trials.push(Trial::test(format!("differential::divergences.toml::{id}"), move || {
                Err(Failed::from(format!("divergences.toml names `{id}`, which is not a case")))
            }));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

/// What of a failure's error must agree with Nix's besides the output.
#[derive(Clone, Copy)]
struct Same {
    message: bool,
    position: bool,
}

/// The error message of a failed run: from its first `error:` line up to
/// the position or trace that follows the message.
fn error_message(out: &Output) -> Option<String> {
    let mut lines = out.stderr.lines().skip_while(|line| !line.starts_with("error:"));
    let first = lines.next()?;
    let rest = lines.take_while(|line| {
        let line = line.trim();
        !(line.starts_with("at ") || line.starts_with('…') || line.starts_with("(use '--show-trace'"))
    });
    let mut message = std::iter::once(first).chain(rest).collect::<Vec<_>>().join("\n");
    message.truncate(message.trim_end().len());
    Some(message)
}

/// The position a failed run's error names: its first `at FILE:LINE:COLUMN:`
/// line.
fn position_line(out: &Output) -> Option<&str> {
    out.stderr.lines().map(str::trim).find(|line| line.starts_with("at ") && line.ends_with(':'))
}

fn compare(nix: &Path, case: &common::Case, same: Same) -> Result<(), String> {
    let args = case_args(case)?;
    let mut nix_args = vec![OsString::from("--eval")];
    nix_args.extend(args.iter().cloned());
    let mut strata_args = vec![OsString::from("eval")];
    strata_args.extend(args);

    let reference = run(nix, &nix_args, case.dir())?;
    let ours = run(&strata_bin(), &strata_args, case.dir())?;
    let failed = reference.code != Some(0);
    let messages_agree = !same.message || !failed || error_message(&reference) == error_message(&ours);
    let positions_agree = !same.position
        || !failed
        || position_line(&reference).is_none()
        || position_line(&reference) == position_line(&ours);
    if reference.code == ours.code && reference.stdout == ours.stdout && messages_agree && positions_agree {
        return Ok(());
    }
    let mut msg = String::new();
    if reference.code != ours.code {
        msg.push_str(&format!(
            "exit status differs: nix-instantiate {}, strata {}\n",
            reference.describe_exit(),
            ours.describe_exit()
        ));
    }
    if reference.stdout != ours.stdout {
        msg.push_str(&diff(&reference.stdout, &ours.stdout));
        msg.push('\n');
    }
    if !messages_agree {
        msg.push_str("error messages differ (list the case as a [[message-divergence]] if intended)\n");
    }
    if !positions_agree {
        msg.push_str("error positions differ (list the case as a [[position-divergence]] if intended)\n");
    }
    msg.push_str(&stderr_of("nix-instantiate", &reference));
    msg.push_str(&stderr_of("strata", &ours));
    Err(msg)
}

/// Builtins that read the environment, the network or the clock, or that
/// are not functions, or whose laziness is not about argument order.
const ORDER_SKIPPED: &[&str] = &[
    "abort",
    "throw",
    "trace",
    "traceVerbose",
    "break",
    "exec",
    "importNative",
    "getEnv",
    "currentTime",
    "currentSystem",
    "storeDir",
    "nixPath",
    "nixVersion",
    "langVersion",
    "builtins",
    "true",
    "false",
    "null",
    "import",
    "scopedImport",
    "derivation",
    "derivationStrict",
    "placeholder",
    "storePath",
    "path",
    "filterSource",
    "addErrorContext",
    "unsafeGetAttrPos",
];

/// Every builtin applied to two and to three throwing arguments fails with
/// the same argument's error in both evaluators: which argument a builtin
/// forces first decides which `throw` wins, and with an `abort` in the other
/// whether `tryEval` catches the failure at all.
fn argument_order(nix: &Path) -> Result<(), String> {
    let dir = std::env::temp_dir();
    let names = run(nix, &["--eval", "--json", "-E", "builtins.attrNames builtins"].map(OsString::from), &dir)?;
    let names: Vec<String> = serde_json::from_str(&String::from_utf8_lossy(&names.stdout))
        .map_err(|e| format!("nix-instantiate's list of builtins is not a JSON list of names: {e}"))?;
    let names: Vec<String> = names
        .into_iter()
        .filter(|name| !name.starts_with("fetch") && !ORDER_SKIPPED.contains(&name.as_str()))
        .collect();
    if names.len() < 50 {
        return Err(format!("nix-instantiate listed only {} builtins: {names:?}", names.len()));
    }
    let expressions: Vec<String> = names
        .iter()
        .flat_map(|name| {
            [
                format!("builtins.{name} (throw \"a\") (throw \"b\")"),
                format!("builtins.{name} (throw \"a\") (throw \"b\") (throw \"c\")"),
            ]
        })
        .collect();
    let first_line = |out: &Output| out.stderr.lines().next().unwrap_or("").to_string();
    let dir = dir.as_path();
    let differences: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = expressions
            .chunks(expressions.len().div_ceil(4))
            .map(|chunk| {
                scope.spawn(move || {
                    let mut differences = Vec::new();
                    for expression in chunk {
                        let args =
                            |first: &str| [first, "--strict", "-E", expression.as_str()].map(OsString::from).to_vec();
                        let reference = run(nix, &args("--eval"), dir);
                        let ours = run(&strata_bin(), &args("eval"), dir);
                        match (reference, ours) {
                            (Ok(reference), Ok(ours))
                                if reference.code == ours.code && first_line(&reference) == first_line(&ours) => {}
                            (Ok(reference), Ok(ours)) => differences.push(format!(
                                "{expression}: nix-instantiate `{}`, strata `{}`",
                                first_line(&reference),
                                first_line(&ours)
                            )),
                            (reference, ours) => differences.push(format!("{expression}: {reference:?} / {ours:?}")),
                        }
                    }
                    differences
                })
            })
            .collect();
        workers.into_iter().flat_map(|worker| worker.join().unwrap_or_default()).collect()
    });
    if differences.is_empty() {
        Ok(())
    } else {
        Err(differences.join("\n"))
    }
}

fn stderr_of(who: &str, out: &Output) -> String {
    block(&format!("{who} stderr"), &out.stderr)
}

fn find_in_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}
