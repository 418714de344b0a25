//! `strata build HOST`: render a machine into a generation directory.
//!
//! Generations are written under `--out` (default: the user's cache,
//! `$XDG_CACHE_HOME/strata/generations` or `~/.cache/strata/generations`) as
//! `HOST-HASH`; the repository is never written to. Their time is `SOURCE_DATE_EPOCH` when set, else the commit
//! time of the repository's HEAD, else 0, never the wall clock, so building
//! twice from the same inputs gives byte-identical directories.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{json_text, open_repo};
use crate::cli::BuildArgs;
use crate::printer::Printer;

/// What `strata build --json` prints.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BuildSummary<'a> {
    path: &'a Path,
    manifest: &'a generation::Manifest,
    warnings: &'a [String],
}

pub fn run(args: &BuildArgs, printer: &mut Printer) -> u8 {
    let built = match build_host(&args.dir, &args.host, args.out.as_deref()) {
        Ok(built) => built,
        Err(message) => return fail_text(printer, &message),
    };
    if args.json {
        printer.out(&json_text(&BuildSummary {
            path: &built.output.generation.dir,
            manifest: &built.output.generation.manifest,
            warnings: &built.warnings,
        }));
    } else {
        print_warnings(printer, &built.warnings);
        printer.out(&format!("{}\n", built.output.generation.dir.display()));
    }
    0
}

/// A built generation and the warnings to show (configuration, packages).
pub(super) struct Built {
    pub output: generation::BuildOutput,
    pub warnings: Vec<String>,
}

/// Evaluates HOST in the repository at `dir` and builds its generation.
pub(super) fn build_host(dir: &str, host: &str, out: Option<&str>) -> Result<Built, String> {
    // Reading the package names (`apt-cache pkgnames`) can take a second
    // where apt keeps no binary cache; it runs while the machine evaluates.
    let database = std::thread::spawn(generation::PackageDatabase::system);
    let repo = open_repo(dir).map_err(|e| e.message().to_string())?;
    let machine = repo.machine(host).map_err(|e| e.message().to_string())?;
    let rendered = machine.rendered().map_err(|e| e.message().to_string())?;
    let options: Vec<generation::OptionSnapshot> = machine
        .option_values()
        .map_err(|e| e.message().to_string())?
        .into_iter()
        .map(|option| generation::OptionSnapshot {
            path: option.path,
            value: option.value,
            definitions: option
                .definitions
                .into_iter()
                .map(|site| generation::DefinitionSite {
                    file: site.file,
                    line: site.line,
                    column: site.column,
                    priority: site.priority,
                })
                .collect(),
        })
        .collect();
    let root = repo.root().to_path_buf();
    let (time, time_source) = generation::source_time(commit_time(&root));
    let metadata = generation::BuildMetadata {
        host: host.to_string(),
        source_revision: repo.source_revision(),
        time,
        time_source,
    };
    let database = database.join().unwrap_or_else(|_| generation::PackageDatabase::unavailable());
    let input =
        generation::BuildInput { rendered: &rendered, options: &options, metadata, package_database: &database };
    let parent = match out {
        Some(out) => PathBuf::from(super::absolute(out)),
        None => default_output(),
    };
    let output = generation::build(&input, &parent).map_err(|e| format!("error: building '{host}': {e}"))?;
    let mut warnings: Vec<String> = output.generation.warnings.clone();
    warnings.extend(output.packages.warnings());
    // The evaluator's heap is torn down with the process.
    std::mem::forget(repo);
    Ok(Built { output, warnings })
}

/// `$XDG_CACHE_HOME/strata/generations`, `~/.cache/strata/generations`, or
/// the temporary directory's `strata-generations` without a home.
fn default_output() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME").filter(|dir| !dir.is_empty()).map(PathBuf::from).or_else(|| {
        std::env::var_os("HOME").filter(|dir| !dir.is_empty()).map(|home| PathBuf::from(home).join(".cache"))
    });
    match cache {
        Some(cache) => cache.join("strata").join("generations"),
        None => std::env::temp_dir().join("strata-generations"),
    }
}

/// The commit time of HEAD in `dir`, when it is a git repository.
fn commit_time(dir: &Path) -> Option<i64> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["log", "-1", "--format=%ct"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8_lossy(&output.stdout).trim().parse().ok()
}

pub(super) fn print_warnings(printer: &mut Printer, warnings: &[String]) {
    for warning in warnings {
        printer.err(&format!("warning: {warning}"));
    }
}

pub(super) fn fail_text(printer: &mut Printer, message: &str) -> u8 {
    if message.starts_with("error") {
        printer.err(message);
    } else {
        printer.err(&format!("error: {message}"));
    }
    1
}
