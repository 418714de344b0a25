//! The errors of flake loading and locking.
//!
//! Every message is complete on its own: it names the flake, the input and,
//! where the problem is in Nix source, the file, line and column with an
//! excerpt (rendered by the evaluator when the error is created), and says
//! what to do when there is something to do.

use std::path::PathBuf;

/// Why a flake could not be loaded or locked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Neither `flake.nix` nor `default.nix` exists in the directory.
    #[error("'{}' has neither a flake.nix nor a default.nix", dir.display())]
    NoFlake {
        /// The repository directory.
        dir: PathBuf,
    },
    /// Evaluating Nix source failed (syntax error, type error, throw, …);
    /// the message is rendered with its position and source excerpt.
    #[error("{0}")]
    Eval(String),
    /// `flake.nix` is evaluable but not a valid flake (bad attribute, bad
    /// input declaration, unknown input); positioned like [`Error::Eval`].
    #[error("{0}")]
    Invalid(String),
    /// A declared input has no entry (or a stale one) in `flake.lock`.
    #[error("{message}")]
    Unlocked {
        /// The input path (`dep`, `dep/nested`).
        input: String,
        /// The whole message, with what to run.
        message: String,
    },
    /// `flake.lock` cannot be read or is not a lock file Strata understands.
    #[error("{}: {message}", path.display())]
    LockFile {
        /// The lock file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Fetched content does not have the `narHash` recorded in `flake.lock`.
    #[error(
        "NAR hash mismatch in input '{input}' ({url}): flake.lock records {expected}, but the content has {actual}; \
         if the change is intended, run `strata flake update {input}`"
    )]
    NarHashMismatch {
        /// The input path.
        input: String,
        /// The locked reference.
        url: String,
        /// The hash in `flake.lock`.
        expected: String,
        /// The hash of what was fetched.
        actual: String,
    },
    /// Fetching an input failed: repository, revision, ref or directory
    /// not found, not a git repository, `git` or `tar` failing, no cache
    /// directory.
    #[error("{0}")]
    Fetch(String),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}
