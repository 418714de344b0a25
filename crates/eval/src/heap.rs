//! How many bytes the process has allocated, as the binary's global
//! allocator reports them (`crates/strata/src/main.rs`): the cycle
//! collector runs after a fixed amount of allocation, since the garbage it
//! looks for grows with what is allocated, not with the number of Nix calls
//! (native parts of the module system allocate a lot without any).

use std::sync::atomic::{AtomicUsize, Ordering};

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

/// Counts an allocation of `bytes`. A load and a store rather than an
/// atomic add: the count is a heuristic, and a locked instruction on every
/// allocation would cost more than an approximate count from several
/// threads.
#[inline(always)]
pub fn note_allocation(bytes: usize) {
    ALLOCATED.store(ALLOCATED.load(Ordering::Relaxed).wrapping_add(bytes), Ordering::Relaxed);
}

/// The bytes counted so far (0 when the allocator does not report them).
#[inline]
pub fn allocated() -> usize {
    ALLOCATED.load(Ordering::Relaxed)
}
