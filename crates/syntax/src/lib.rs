//! Parsing and lowering of Nix source.
//!
//! `parse` gives rnix's lossless tree (used by linters and safe fixes);
//! `lower` turns that tree into the compact [`ast::Expr`] the evaluator runs,
//! rejecting what Nix rejects before evaluation: syntax errors, duplicate
//! attributes, duplicate formals, undefined variables and integer literals that
//! do not fit in 64 bits. Variables are resolved to environment slots here, so
//! evaluation never looks a name up in a map unless a `with` is involved.

pub mod ast;
mod lines;
mod lower;
mod nesting;
mod runs;
mod symbol;

pub use lines::LineIndex;
pub use lower::{canonicalize_path, lower, LowerOptions, SyntaxError};
pub use symbol::Symbol;

/// The checks that keep rnix from taking very long on hostile input (absurd
/// nesting, absurdly long runs of identifier characters), without parsing:
/// a positioned error for input [`lower`] would reject before parsing. For
/// tools that parse with rnix directly (linters) and want the same guard.
pub fn precheck(source: &str) -> Option<SyntaxError> {
    runs::check(source).or_else(|| nesting::check(source))
}

/// Parses `source` into rnix's lossless syntax tree. Errors are data: the
/// tree is always returned, with the errors found alongside it.
pub fn parse(source: &str) -> rnix::Parse<rnix::Root> {
    rnix::Root::parse(source)
}

pub use rnix;
