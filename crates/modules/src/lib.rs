//! The module system layer: Strata's own `lib` (importable as
//! `<strata/lib>`), call-compatible with nixpkgs' `lib`, and the Rust API over
//! evaluated configurations.
//!
//! The `lib` is Nix source embedded in the binary (`crates/modules/lib`);
//! [`LibIO`] serves it to the evaluator under [`LIB_ROOT`] so that it behaves
//! like files on disk (positions, `import`, `builtins.readDir`).
//! [`provenance`] answers where an option's value came from.

mod embedded;
pub mod provenance;

pub use embedded::{search_path_entry, LibIO, LIB_ROOT};
pub use provenance::{explain, explain_path, list_options, Definition, DisabledDefinition, OptionProvenance};
