//! The lazy Nix evaluator.
//!
//! [`Evaluator`] evaluates lowered expressions (from the `syntax` crate) to
//! [`Value`]s. Files, directories and the environment are reached only
//! through [`io::EvalIO`]; store paths and derivation hashes come from the
//! `store` crate, computed without a store. Printing in `nix-instantiate`'s
//! formats lives in [`print`].

pub mod builtins;
pub mod error;
mod eval;
mod gc;
pub mod heap;
pub mod instantiate;
pub mod io;
pub mod print;
pub mod rc;
mod report;
pub mod show;
pub mod value;

pub use error::{ErrorKind, EvalError};
pub use eval::{Coercion, EvalOptions, Evaluator, SearchPathEntry, SourceFile, Stats, STACK_GROWTH};
pub use rc::Rc;
pub use value::{AttrEntry, Attrs, Context, EnvRc, EnvWeak, NixString, StringContext, Value};
