//! Command implementations: each takes a validated request and returns an
//! exit code, writing through the printer.

mod eval;
mod parse;

use crate::cli::Command;
use crate::printer::Printer;

pub fn run(command: Command, printer: &mut Printer) -> u8 {
    match command {
        Command::Eval(request) => eval::run(&request, printer),
        Command::Parse(request) => parse::run(&request, printer),
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
