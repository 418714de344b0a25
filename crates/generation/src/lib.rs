//! Generations and their activation.
//!
//! A rendered machine (`config.system.build.strata`, see `model`) becomes a
//! *generation*: a directory with a manifest and every rendered file
//! (`build`). `plan` compares the active generation with the next one and
//! returns plain data; `activate` journals a plan and executes it step by
//! step against a root directory, crash-safe, with health checks and
//! automatic rollback. Nothing here knows about the command line or the
//! evaluator: inputs are JSON values and plain structs, outputs are plain
//! `serde` structs a CLI, TUI or web API can print or return.
//!
//! Layout of the state on a target (`ROOT/var/lib/strata`):
//!
//! - `generations/N/`: a copy of generation N's directory; `current` holds
//!   the number of the active one;
//! - `journal/plan.json` and `journal/progress`: the activation in flight;
//! - `backups/N/<path>` and `backups.json`: files Strata did not create,
//!   saved before they were overwritten or removed;
//! - `accounts.json`: allocated user and group ids and locked accounts.

pub mod activate;
pub mod build;
pub mod display;
mod fsutil;
pub mod health;
pub mod model;
pub mod packages;
pub mod plan;
pub mod users;

pub use activate::{
    current_generation, is_host_root, list_generations, pending_activation, recover, rollback, switch,
    ActivationOptions, ActivationReport, GenerationInfo, PackageManager, ServiceManager, StepOutcome, StepRecord,
};
pub use build::{build, source_time, BuildInput, BuildMetadata, BuildOutput, Generation, Manifest, TimeSource};
pub use health::{HealthResult, HealthStatus};
pub use model::{DefinitionSite, HealthCheck, HealthCheckKind, OptionSnapshot, RenderedMachine};
pub use packages::{PackageDatabase, PackageReport};
pub use plan::{plan, Plan, UnitAction};

use std::path::PathBuf;

/// Everything that can go wrong while building, planning or activating.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A filesystem operation failed.
    #[error("{action} '{path}': {source}")]
    Io {
        /// What was being done, as a lowercase phrase ("reading", "renaming").
        action: &'static str,
        /// The path the operation was about.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The rendered machine does not have the shape `contracts.md` describes.
    #[error("invalid rendered machine: {0}")]
    Rendered(String),
    /// A generation directory or a state file is malformed.
    #[error("invalid state: {0}")]
    State(String),
    /// The request cannot be carried out (no such generation, id conflicts, ...).
    #[error("{0}")]
    Invalid(String),
    /// An external command could not be run or failed.
    #[error("{0}")]
    Command(String),
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The version of Strata recorded in manifests.
pub const STRATA_VERSION: &str = env!("CARGO_PKG_VERSION");
