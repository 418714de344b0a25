//! Architecture rules for fleet repositories (`strata check`).
//!
//! A fleet repository composes `lib → modules → profiles → machines`, groups modules into
//! domains with buckets and an aggregator, and keeps its options under one root namespace.
//! [`check`] holds a repository to those conventions, working on rnix's lossless syntax trees
//! (never on the raw text), and [`fix`] applies the fixes that are safe by editing those trees.
//!
//! The pieces: `config` (`strata.toml`), `layout` (which files are modules, profiles, machines,
//! domains and buckets, and what each file imports), `nix` (syntax-tree helpers), `rules` (one
//! module per rule), `fix` (tree edits and atomic writes). Every rule and its exact definition is
//! documented on [`RuleId`].

#![warn(missing_docs)]

mod config;
mod fix;
mod glob;
mod layout;
mod nix;
mod report;
mod rules;

use std::path::{Path, PathBuf};

pub use config::{Config, HardcodedPathSettings, Layout, MachineSizeSettings, RuleSettings, Rules, CONFIG_FILE};
pub use fix::fix;
pub use report::{AppliedFix, Edit, EditAction, Finding, Report, RuleId};

/// What can stop a check or a fix (findings are not errors: they are the report).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `strata.toml` is not valid.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// What is wrong and how to correct it.
        message: String,
    },
    /// A file or folder could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// What was being read.
        path: PathBuf,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// A fixed file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file being replaced.
        path: PathBuf,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// A fix was refused; no file was written.
    #[error("{}:{line}:{column}: fix refused: {message}", path.display())]
    FixRefused {
        /// The file the fix was for.
        path: PathBuf,
        /// 1-based line of the finding.
        line: u32,
        /// 1-based column of the finding.
        column: u32,
        /// Why, and what to do.
        message: String,
    },
}

/// Checks the repository at `root` against every active rule.
///
/// Files that do not parse are reported as `syntax` findings and skipped by the other rules.
pub fn check(root: &Path, config: &Config) -> Result<Report, Error> {
    let repo = layout::Repo::load(root, config)?;
    Ok(rules::run(&repo, config))
}
