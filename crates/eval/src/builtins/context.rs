//! context builtins.

use crate::value::Builtin;

pub(super) const BUILTINS: &[Builtin] = &[];
