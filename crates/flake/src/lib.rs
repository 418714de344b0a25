//! Flakes for Strata: loading a repository's outputs from `flake.nix` (or a
//! plain `default.nix`), resolving `path` and local `git` inputs, and
//! reading, checking and writing `flake.lock` in Nix's format.
//!
//! - [`load`] / [`load_with`] evaluate a repository and return its outputs;
//!   every declared input must be locked in `flake.lock` (run
//!   [`lock`] first, which `strata flake lock` does).
//! - [`lock`] computes a new lock file (only missing entries, or updating
//!   some or all inputs), writes it and reports what changed.
//! - Built-in inputs (such as `strata`) are values supplied by the caller:
//!   always available, declared or not, never fetched or locked.
//!
//! The semantics are Nix's (`call-flake.nix`): `outputs` is called with every
//! input plus `self`, where `self` (and the value of a flake input) is the
//! outputs merged with `sourceInfo` and `{ outPath; inputs; sourceInfo;
//! _type = "flake"; }`, and a `flake = false` input is its `sourceInfo`
//! (`outPath`, `narHash`, `rev`, `lastModified`, …).

#![warn(missing_docs)]

mod error;
pub mod fetch;
mod load;
mod lock;
pub mod lockfile;
pub mod spec;

use std::path::{Path, PathBuf};

use eval::{ErrorKind, EvalError, Evaluator, Value};
use syntax::ast::Pos;

pub use error::Error;
pub use load::{load, load_with, Kind, Loaded};
pub use lock::{lock, Change, ChangeKind, InputState, LockMode, LockOutcome};
pub use lockfile::{Attr, FetchAttrs, LockEdge, LockFile, LockNode};

/// The name of Strata's built-in input.
pub const BUILTIN_STRATA: &str = "strata";

/// Settings of loading and locking.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Where git inputs are exported (`<cache>/git/<rev>`); by default
    /// `$XDG_CACHE_HOME/strata` or `~/.cache/strata`.
    pub cache_dir: Option<PathBuf>,
    /// Leave out the root flake's git information (`rev`, `lastModified`, …)
    /// from `self`, saving the `git` calls that find it.
    pub skip_root_git_info: bool,
}

impl Options {
    pub(crate) fn cache(&self) -> Result<PathBuf, Error> {
        match &self.cache_dir {
            Some(dir) => Ok(dir.clone()),
            None => fetch::default_cache_dir(),
        }
    }
}

/// The text of an evaluation error with its position and excerpt, without
/// the leading `error: ` and the final newline.
pub(crate) fn render(ev: &Evaluator, error: &EvalError) -> String {
    let text = ev.render_error(error, false);
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    text.trim_end_matches('\n').to_string()
}

pub(crate) fn eval_error(ev: &Evaluator, error: &EvalError) -> Error {
    Error::Eval(render(ev, error))
}

pub(crate) fn invalid(ev: &Evaluator, pos: Pos, message: String) -> Error {
    Error::Invalid(render(ev, &EvalError::new(ErrorKind::Eval, pos, message)))
}

/// Evaluates a file as `import` does.
pub(crate) fn import_file(ev: &Evaluator, file: &Path) -> Result<Value, Error> {
    let import = eval::builtins::lookup("import")
        .ok_or_else(|| Error::Eval("internal error: the import builtin is missing".into()))?;
    let path = file.to_string_lossy().into_owned();
    ev.call(&Value::PrimOp(import), Value::path(path), Pos::NONE).map_err(|error| eval_error(ev, &error))
}
