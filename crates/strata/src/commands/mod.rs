//! Command implementations: each takes a validated request and returns an
//! exit code, writing through the printer.

mod build;
mod check;
mod diff;
mod eval;
mod flake;
mod generations;
mod hosts;
mod options;
mod parse;
mod rollback;
mod show;
mod switch;

use crate::cli::Command;
use crate::printer::Printer;

pub fn run(command: Command, printer: &mut Printer) -> u8 {
    match command {
        Command::Eval(request) => eval::run(&request, printer),
        Command::Parse(request) => parse::run(&request, printer),
        Command::Hosts(args) => hosts::run(&args, printer),
        Command::Show(args) => show::run(&args, printer),
        Command::Options(args) => options::run(&args, printer),
        Command::Flake(command) => flake::run(&command, printer),
        Command::Check(args) => check::run(&args, printer),
        Command::Build(args) => build::run(&args, printer),
        Command::Diff(args) => diff::run(&args, printer),
        Command::Switch(args) => switch::run(&args, printer),
        Command::Rollback(args) => rollback::run(&args, printer),
        Command::Generations(args) => generations::run(&args, printer),
    }
}

/// The working directory, or `/` when it cannot be read.
fn current_dir() -> String {
    std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".into())
}

/// `path` made absolute against the working directory and canonicalized as
/// Nix does for paths (URLs in search paths are left alone).
fn absolute(path: &str) -> String {
    if path.contains("://") {
        return path.to_string();
    }
    if path.starts_with('/') {
        return syntax::canonicalize_path(path);
    }
    syntax::canonicalize_path(&format!("{}/{path}", current_dir()))
}

/// Opens the fleet repository in `dir` for a command, with the evaluation
/// thread's stack limit.
fn open_repo(dir: &str) -> Result<fleet::Repo, fleet::Error> {
    let repo = fleet::Repo::open(std::path::Path::new(dir))?;
    repo.set_stack_limit(crate::stack_limit());
    Ok(repo)
}

/// The output of `compute` on the repository in `dir`, reused from the
/// evaluation cache (`fleet::cache`) when nothing the evaluation read has
/// changed since; `key` names the command and its arguments.
fn cached_output(
    dir: &str,
    key: &str,
    compute: impl FnOnce(&fleet::Repo) -> Result<String, fleet::Error>,
) -> Result<String, fleet::Error> {
    let root = std::fs::canonicalize(dir).map(|p| p.to_string_lossy().into_owned()).unwrap_or_else(|_| dir.to_string());
    let key = format!("{root}\n{key}");
    if let Some(output) = fleet::cache::lookup(&key, &::eval::io::StdIO) {
        return Ok(output);
    }
    let repo = open_repo(dir)?;
    let output = compute(&repo);
    if let Ok(text) = &output {
        fleet::cache::store(&key, &repo.dependencies(), text);
    }
    // The process is about to exit: tearing down the heap value by value
    // would only cost time.
    std::mem::forget(repo);
    output
}

/// Prints a fleet error and returns the exit code for it.
fn fail(printer: &mut Printer, error: &fleet::Error) -> u8 {
    printer.err(error.message());
    1
}

/// `value` as pretty JSON with a final newline.
fn json_text(value: &impl serde::Serialize) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(text) => text + "\n",
        Err(error) => format!("{{\"error\": \"cannot write JSON: {error}\"}}\n"),
    }
}
