//! Differential test of `strata eval --strict` against `nix-instantiate --eval --strict` on
//! randomly generated programs.
//!
//! Two suites. `tests/gen/gen.py` writes a few hundred small closed Nix programs (some
//! erroneous on purpose); each is evaluated by both evaluators. `tests/gen/modules.py` writes
//! module-system programs (`lib: ...`): Strata applies them to its embedded lib, where the
//! module system's machinery is native, and `nix-instantiate` to the same lib's Nix source
//! (`crates/modules/lib`), where it is not. A program passes when both succeed with
//! byte-identical standard output, or both fail with the same exit status (error messages are
//! not compared). Mismatches are printed with both outputs, and the generated programs are
//! kept for inspection.
//!
//! Environment:
//! - `STRATA_GEN_SEED`: generator seed (default [`DEFAULT_SEED`]);
//! - `STRATA_GEN_COUNT`: number of programs (default [`DEFAULT_COUNT`]; module programs:
//!   [`DEFAULT_MODULE_COUNT`]);
//! - `STRATA_BIN`: evaluator to test instead of the `strata` built by cargo;
//! - `CI`: when set, a missing `nix-instantiate` or `python3` is a failure, not a skip.

use std::env;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

const DEFAULT_SEED: u64 = 2022;
const DEFAULT_COUNT: usize = 300;
const DEFAULT_MODULE_COUNT: usize = 150;
/// Programs evaluated at once; each worker runs nix and then strata on its program.
const PARALLELISM: usize = 2;
/// Generated programs are tiny; anything slower than this is a hang.
const TIMEOUT: Duration = Duration::from_secs(20);

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            println!("generated: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// What one evaluator did with one program.
struct Outcome {
    /// The exit code, or `None` if the process was killed (by a signal or the timeout).
    status: Option<i32>,
    timed_out: bool,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn succeeded(&self) -> bool {
        self.status == Some(0)
    }

    fn describe(&self) -> String {
        if self.timed_out {
            format!("timed out after {}s", TIMEOUT.as_secs())
        } else {
            match self.status {
                Some(code) => format!("exit {code}"),
                None => "killed by a signal".to_owned(),
            }
        }
    }
}

/// Returns whether every program agreed; `Err` for problems of the harness itself.
fn run() -> Result<bool> {
    for (tool, package) in [("nix-instantiate", "nix-bin"), ("python3", "python3")] {
        if find_on_path(tool).is_none() {
            println!("generated: {tool} not found; install {package} — skipping");
            // Skipping is for developers' machines; CI must have the reference evaluator.
            if env::var_os("CI").is_some() {
                println!("generated: CI is set, so a skip is a failure");
                return Ok(false);
            }
            return Ok(true);
        }
    }
    let seed: u64 = env_number("STRATA_GEN_SEED", DEFAULT_SEED)?;
    let strata = match env::var_os("STRATA_BIN") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_BIN_EXE_strata")),
    };
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut all_agree = true;
    for suite in [Suite::Programs, Suite::Modules] {
        let default = if suite == Suite::Programs { DEFAULT_COUNT } else { DEFAULT_MODULE_COUNT };
        let count: usize = env_number("STRATA_GEN_COUNT", default)?;
        all_agree &= run_suite(suite, &workspace, seed, count, &strata)?;
    }
    Ok(all_agree)
}

/// What a generator writes, and so how both evaluators are asked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Suite {
    /// Closed programs, evaluated as files.
    Programs,
    /// Functions of `lib`, applied to Strata's embedded lib and, on Nix, to its Nix source.
    Modules,
}

impl Suite {
    fn name(self) -> &'static str {
        match self {
            Suite::Programs => "programs",
            Suite::Modules => "modules",
        }
    }

    fn generator(self) -> &'static str {
        match self {
            Suite::Programs => "tests/gen/gen.py",
            Suite::Modules => "tests/gen/modules.py",
        }
    }

    /// The arguments after `--eval --strict` (Nix) or `eval --strict` (Strata).
    fn arguments(self, program: &Path, lib: &str) -> Vec<String> {
        match self {
            Suite::Programs => vec![program.display().to_string()],
            Suite::Modules => vec!["-E".to_owned(), format!("(import {}) (import {lib})", program.display())],
        }
    }
}

/// Runs one suite; returns whether every program agreed.
fn run_suite(suite: Suite, workspace: &Path, seed: u64, count: usize, strata: &Path) -> Result<bool> {
    let generator = workspace.join(suite.generator());
    let dir = env::temp_dir().join(format!("strata-generated-{}-{}-{seed}", suite.name(), std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    let status = Command::new("python3")
        .arg(&generator)
        .args(["--seed", &seed.to_string(), "--count", &count.to_string(), "--out"])
        .arg(&dir)
        .status()
        .with_context(|| format!("cannot run python3 {}", generator.display()))?;
    if !status.success() {
        bail!("{} failed with {status}", generator.display());
    }
    let mut programs: Vec<PathBuf> = fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .with_context(|| format!("cannot list {}", dir.display()))?;
    programs.retain(|path| path.extension() == Some(OsStr::new("nix")));
    programs.sort();
    if programs.len() != count {
        bail!("expected {count} programs in {}, found {}", dir.display(), programs.len());
    }

    let started = Instant::now();
    let nix_lib = workspace.join("crates/modules/lib").canonicalize().context("the lib's Nix source")?;
    let libs = Libs { nix: nix_lib.display().to_string(), strata: "<strata/lib>".to_owned() };
    let reports = compare_all(&programs, strata, suite, &libs)?;
    let failed = reports.iter().filter(|report| report.is_some()).count();
    for report in reports.iter().flatten() {
        print!("{report}");
    }
    if failed == 0 {
        // Keep the programs only when there is something to look at.
        let _ = fs::remove_dir_all(&dir);
    } else {
        println!("generated: programs kept in {}", dir.display());
    }
    let name = suite.name();
    println!(
        "generated {name}: seed {seed}, {:.1}s (STRATA_GEN_SEED={seed} reproduces)",
        started.elapsed().as_secs_f64()
    );
    println!("generated {name}: {} passed, {failed} failed", programs.len() - failed);
    Ok(failed == 0)
}

/// The lib each evaluator is given in the module suite.
struct Libs {
    nix: String,
    strata: String,
}

/// Evaluates every program with both evaluators; one entry per program, `Some` describing a
/// mismatch.
fn compare_all(programs: &[PathBuf], strata: &Path, suite: Suite, libs: &Libs) -> Result<Vec<Option<String>>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Option<String>>>>> = Mutex::new((0..programs.len()).map(|_| None).collect());
    thread::scope(|scope| {
        for _ in 0..PARALLELISM {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(program) = programs.get(index) else {
                    break;
                };
                let result = compare_one(program, strata, suite, libs);
                let mut results = results.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                results[index] = Some(result);
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    results.into_iter().map(|result| result.context("a worker thread died")?).collect()
}

fn compare_one(program: &Path, strata: &Path, suite: Suite, libs: &Libs) -> Result<Option<String>> {
    let mut nix = Command::new("nix-instantiate");
    nix.args(["--eval", "--strict"]).args(suite.arguments(program, &libs.nix));
    let nix = evaluate(nix).context("cannot run nix-instantiate")?;
    let mut ours = Command::new(strata);
    ours.args(["eval", "--strict"]).args(suite.arguments(program, &libs.strata));
    let ours = evaluate(ours).with_context(|| format!("cannot run {}", strata.display()))?;

    let agree = match (nix.status, ours.status) {
        (Some(0), Some(0)) => nix.stdout == ours.stdout,
        // Both failed: only the exit status is compared, not the message.
        (Some(a), Some(b)) => a == b,
        _ => false,
    } && !nix.timed_out
        && !ours.timed_out;
    if agree {
        return Ok(None);
    }
    let mut report = format!("MISMATCH {}\n", program.display());
    for (name, outcome) in [("nix", &nix), ("strata", &ours)] {
        let _ = writeln!(report, "  {name} ({}):", outcome.describe());
        for line in outcome.stdout.lines() {
            let _ = writeln!(report, "    {line}");
        }
        if !outcome.succeeded() {
            for line in outcome.stderr.lines().filter(|l| !l.trim().is_empty()).take(3) {
                let _ = writeln!(report, "    stderr: {line}");
            }
        }
    }
    Ok(Some(report))
}

/// Runs `command` to completion or [`TIMEOUT`], capturing its output.
fn evaluate(mut command: Command) -> Result<Outcome> {
    let mut child = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    // Drain both pipes on their own threads so a chatty child never blocks on a full pipe.
    let stdout = drain(&mut child.stdout);
    let stderr = drain(&mut child.stderr);
    let deadline = Instant::now() + TIMEOUT;
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (status.code(), false);
        }
        if Instant::now() >= deadline {
            kill(&mut child);
            break (None, true);
        }
        thread::sleep(Duration::from_millis(2));
    };
    Ok(Outcome {
        status,
        timed_out,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

fn drain<R: Read + Send + 'static>(pipe: &mut Option<R>) -> thread::JoinHandle<String> {
    let pipe = pipe.take();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> Result<T> {
    match env::var(name) {
        Ok(value) => value.trim().parse().ok().with_context(|| format!("{name}={value:?} is not a number")),
        Err(env::VarError::NotPresent) => Ok(default),
        Err(error) => Err(error).with_context(|| format!("cannot read {name}")),
    }
}
