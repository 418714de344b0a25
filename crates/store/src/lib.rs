//! Nix hashes, store paths, NAR serialization and derivations, computed
//! without a store.
//!
//! Everything here is a pure function of its inputs (the file system is
//! reached only through [`nar::NarFs`]); the evaluator calls in with strings
//! and gets strings and [`struct@Hash`]es back. The behaviour, down to error
//! messages, follows Nix 2.8.
//!
//! - [`hash`]: [`HashAlgo`], [`struct@Hash`] (compute, parse any form, print any form),
//!   [`convert_hash`], [`compress_hash`];
//! - [`base32`]: Nix's own base-32;
//! - [`path`]: [`StoreDir`], [`make_store_path`], [`make_text_path`],
//!   [`make_fixed_output_path`], [`store_path_for_local_path`], name rules;
//! - [`nar`]: [`nar_serialize`], [`nar_hash`] over a [`NarFs`];
//! - [`derivation`]: [`Derivation`] (ATerm, modulo hash) and [`derivation_strict`].

pub mod base32;
pub mod derivation;
pub mod hash;
pub mod nar;
pub mod path;

pub use derivation::{
    derivation_strict, Derivation, DerivationArgs, DerivationError, DerivationOutput, DerivationResult,
};
pub use hash::{compress_hash, convert_hash, Hash, HashAlgo, HashError, HashFormat, Hasher};
pub use nar::{keep_all, nar_hash, nar_serialize, FileType, NarError, NarFs, StdFs};
pub use path::{
    hash_placeholder, make_fixed_output_path, make_output_path, make_store_path, make_text_path,
    make_text_path_from_hash, output_path_name, store_path_for_local_path, validate_store_path_name,
    FileIngestionMethod, NameError, StoreDir, StorePathError,
};
