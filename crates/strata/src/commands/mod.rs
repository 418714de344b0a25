//! Command implementations: each takes a validated request and returns an
//! exit code, writing through the printer.

mod eval;
mod flake;
mod hosts;
mod options;
mod parse;
mod show;

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
