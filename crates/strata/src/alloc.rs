//! The process's allocator: mimalloc, with a last-in-first-out cache of
//! small freed blocks on the evaluation thread.
//!
//! Evaluation allocates and frees many small objects (scopes, thunks, sets)
//! and most die young. mimalloc hands out a page's free blocks in address
//! order and reuses freed ones only after that list is used up, so a new
//! object usually lands on a block nobody touched for a while: on the
//! 50-machine fleet benchmark a sixth of the run's cycles were cache misses
//! on the first word of the block being handed out. The cache gives back
//! the block freed last, which is most likely still in the cache, and
//! prefetches the one after it.

use std::cell::Cell;

/// mimalloc, entered through its plain `malloc` for the alignments every
/// block it hands out has anyway (`mimalloc::MiMalloc` always calls the
/// aligned entry points, whose slow paths showed in profiles: a fifth of
/// the evaluator's allocations went through them), with [`Reuse`] in
/// front of it for small blocks.
pub struct Allocator;

/// The alignment of every block `mi_malloc` returns (`MI_MAX_ALIGN_SIZE`).
const MI_MALLOC_ALIGNMENT: usize = 16;

/// Blocks of up to this many bytes are cached, in classes of
/// [`REUSE_STEP`] bytes (mimalloc's own size classes up to 64 bytes).
const REUSE_MAX: usize = 256;
const REUSE_STEP: usize = 8;
const REUSE_CLASSES: usize = REUSE_MAX / REUSE_STEP;

/// The bytes of freed blocks a class keeps at most; more go back to
/// mimalloc. Cached blocks serve only their class, so this bounds what the
/// cache can hold away from other sizes (4 MiB over all classes).
const REUSE_CLASS_BYTES: usize = 128 << 10;

/// The cache's class for a layout, if blocks of that layout are cached.
/// The decision depends on the layout alone, so a block is freed the way
/// it was allocated. Cached layouts are allocated with their class's whole
/// size, so that any block of the class serves any layout of it.
#[inline(always)]
fn class_of(layout: std::alloc::Layout) -> Option<usize> {
    (layout.size() <= REUSE_MAX && layout.align() <= REUSE_STEP).then(|| (layout.size().max(1) - 1) / REUSE_STEP)
}

#[inline(always)]
fn class_size(class: usize) -> usize {
    (class + 1) * REUSE_STEP
}

/// The bytes to ask mimalloc for a layout: its class's whole size when it
/// is cached (see [`class_of`]), its own size otherwise.
#[inline(always)]
fn block_size(layout: std::alloc::Layout) -> usize {
    class_of(layout).map_or(layout.size(), class_size)
}

/// One thread's cached blocks: per class, a list threaded through the
/// blocks' first words, and how many more blocks it may take (none until
/// the cache is turned on for the thread).
struct Reuse {
    heads: [Cell<*mut u8>; REUSE_CLASSES],
    room: [Cell<u32>; REUSE_CLASSES],
}

impl Reuse {
    /// The block freed last in `class`, if any.
    #[inline(always)]
    fn pop(&self, class: usize) -> Option<*mut u8> {
        let head = self.heads[class].get();
        if head.is_null() {
            return None;
        }
        // SAFETY: a cached block is a free block of at least a word that
        // `push` wrote the next block's address into.
        let next = unsafe { *(head as *const *mut u8) };
        // The next allocation of the class will want the next block.
        #[cfg(target_arch = "x86_64")]
        // SAFETY: prefetching is only a hint; it never faults.
        unsafe {
            std::arch::x86_64::_mm_prefetch(next as *const i8, std::arch::x86_64::_MM_HINT_T0)
        };
        self.heads[class].set(next);
        self.room[class].set(self.room[class].get() + 1);
        Some(head)
    }

    /// Keeps a freed block of `class`; false when the class is full or the
    /// cache is off on this thread.
    #[inline(always)]
    fn push(&self, class: usize, block: *mut u8) -> bool {
        let room = self.room[class].get();
        if room == 0 {
            return false;
        }
        // SAFETY: the block is free and at least a word long (classes are
        // multiples of 8 bytes); it stays unused until `pop` hands it out.
        unsafe { *(block as *mut *mut u8) = self.heads[class].get() };
        self.heads[class].set(block);
        self.room[class].set(room - 1);
        true
    }
}

thread_local! {
    static REUSE: Reuse = const {
        Reuse {
            heads: [const { Cell::new(std::ptr::null_mut()) }; REUSE_CLASSES],
            room: [const { Cell::new(0) }; REUSE_CLASSES],
        }
    };
}

/// Turns the cache on for the calling thread, for the rest of its life.
/// Only for a thread that lives until the process ends (the blocks it has
/// cached when it ends are not given back): the evaluation thread.
pub fn reuse_freed_blocks_on_this_thread() {
    REUSE.with(|reuse| {
        for (class, room) in reuse.room.iter().enumerate() {
            if reuse.heads[class].get().is_null() {
                room.set((REUSE_CLASS_BYTES / class_size(class)) as u32);
            }
        }
    });
}

// SAFETY: every method returns memory from mimalloc that satisfies `layout`:
// `mi_malloc`, `mi_zalloc` and `mi_realloc` return blocks aligned to
// `MI_MALLOC_ALIGNMENT`, and they are used only for layouts that need no more;
// larger alignments go to `MiMalloc`, which uses mimalloc's aligned entry
// points. A cached block was allocated by `mi_malloc` with its class's size
// (or kept that size through `mi_realloc`) and is handed out only for
// layouts of its class, which need no more bytes and at most its alignment.
// All blocks, however allocated, are freed with `mi_free`.
unsafe impl std::alloc::GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        eval::heap::note_allocation(layout.size());
        if let Some(class) = class_of(layout) {
            if let Some(block) = REUSE.with(|reuse| reuse.pop(class)) {
                return block;
            }
        }
        if layout.align() <= MI_MALLOC_ALIGNMENT {
            let size = block_size(layout);
            // SAFETY: see the impl.
            let block = unsafe { libmimalloc_sys::mi_malloc(size) as *mut u8 };
            // Small blocks come from the small pages that the heap takes in
            // address order (see `prefault`).
            if size <= prefault::REGION_BYTES / 4 {
                prefault::note(block);
            }
            block
        } else {
            // SAFETY: see the impl.
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        eval::heap::note_allocation(layout.size());
        if layout.align() <= MI_MALLOC_ALIGNMENT {
            // SAFETY: see the impl.
            unsafe { libmimalloc_sys::mi_zalloc(block_size(layout)) as *mut u8 }
        } else {
            // SAFETY: see the impl.
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        if let Some(class) = class_of(layout) {
            if REUSE.with(|reuse| reuse.push(class, ptr)) {
                return;
            }
        }
        // SAFETY: `ptr` came from one of the allocating methods above.
        unsafe { libmimalloc_sys::mi_free(ptr as *mut std::ffi::c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        eval::heap::note_allocation(new_size.saturating_sub(layout.size()));
        if layout.align() <= MI_MALLOC_ALIGNMENT {
            // A block that ends in a cached class keeps that class's size.
            let size = std::alloc::Layout::from_size_align(new_size, layout.align()).map_or(new_size, block_size);
            // SAFETY: see the impl; `ptr` came from this allocator.
            unsafe { libmimalloc_sys::mi_realloc(ptr as *mut std::ffi::c_void, size) as *mut u8 }
        } else {
            // SAFETY: see the impl.
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

/// mimalloc's `mi_option_purge_delay` (the same number in mimalloc.h of v2
/// and of v3, which libmimalloc-sys builds by default).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets mimalloc's options; call before any other thread exists.
pub fn configure() {
    // An evaluation is short and its heap only grows; returning freed pages to
    // the kernel and faulting them in again cost more than half the run time
    // on `//`-heavy code, so purging is turned off.
    // SAFETY: setting an option before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    if prefault::start() {
        let _ = eval::STACK_GROWTH.set(prefault::stack_grown);
    }
}

/// Call first in a process forked from this one (a `strata eval` worker):
/// only the forking thread lives on there, so the heap's helper thread is
/// gone and is asked for nothing more.
pub fn forked() {
    prefault::forked();
}

/// Faulting in the pages of the heap ahead of the evaluation thread, on a
/// helper thread.
///
/// Every fresh 4 KiB page the evaluation touches is a page fault, and on
/// this kind of virtual machine a fault costs 1-2 µs: a fifth of the run
/// time of programs that build large values (`bench/programs/tojson` takes
/// 14k faults). mimalloc takes its small pages from its arena in address
/// order nine times in ten, so when the evaluation first gets a block from
/// a 64 KiB region, the helper fills in the next two regions'
/// page tables (`MADV_POPULATE_WRITE`, which writes nothing) while the
/// evaluation is still using this one. At most those two regions are
/// faulted in before they are needed.
mod prefault {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
    use std::sync::{Mutex, OnceLock};

    const REGION_SHIFT: u32 = 16;
    pub const REGION_BYTES: usize = 1 << REGION_SHIFT;
    /// Regions faulted in ahead of the one just entered.
    const AHEAD: usize = 2;
    /// How many regions below the last request a newly entered region must
    /// be to count as elsewhere in the heap rather than one caught up with.
    const FAR: usize = 64;
    /// `madvise` advice, Linux 5.14 and later.
    const MADV_POPULATE_WRITE: libc::c_int = 23;

    /// Regions blocks were handed out from, by region number modulo the
    /// table's size (a region seen again after a collision is only
    /// requested again, which costs a request, not memory).
    static SEEN: [AtomicUsize; 4096] = [const { AtomicUsize::new(0) }; 4096];
    /// The highest region requested.
    static REQUESTED: AtomicUsize = AtomicUsize::new(0);
    static OFF: AtomicBool = AtomicBool::new(true);
    static HELPER: OnceLock<std::thread::Thread> = OnceLock::new();
    /// First regions to fault in, and how many (dropped when full).
    static QUEUE: Mutex<([usize; 64], usize)> = Mutex::new(([0; 64], 0));

    /// Starts the helper (whether it runs); without it nothing is faulted
    /// in ahead.
    pub fn start() -> bool {
        let spawned = std::thread::Builder::new().name("prefault".into()).stack_size(64 << 10).spawn(helper);
        if let Ok(handle) = spawned {
            if HELPER.set(handle.thread().clone()).is_ok() {
                OFF.store(false, Relaxed);
                return true;
            }
        }
        false
    }

    /// The stack faulted in ahead of a deep recursion: when the stack
    /// reaches a new depth, this many bytes below it.
    pub const STACK_AHEAD: usize = 1 << 20;
    const PAGE: usize = 4096;
    /// The lowest stack address asked for and not yet faulted in (0: none).
    static STACK_REQUEST: AtomicUsize = AtomicUsize::new(0);

    /// The evaluator's stack reached `here` (see `eval::STACK_GROWTH`):
    /// asks the helper to fault in the [`STACK_AHEAD`] bytes below it (not
    /// below `limit`), and to be told again halfway down them. Deep
    /// recursion (a fold over thousands of items, a chain of overlays)
    /// touches megabytes of fresh stack, a page fault every 4 KiB.
    pub fn stack_grown(here: usize, limit: usize) -> usize {
        let top = here & !(PAGE - 1);
        let lowest = top.saturating_sub(STACK_AHEAD).max(limit.next_multiple_of(PAGE));
        if !OFF.load(Relaxed) && lowest < top {
            STACK_REQUEST.store(lowest, Relaxed);
            if let Some(helper) = HELPER.get() {
                helper.unpark();
            }
        }
        top.saturating_sub(STACK_AHEAD / 2)
    }

    /// In a process forked from this one: the helper thread did not come
    /// along, so nothing is asked of it (its queue's lock may have been
    /// held at the fork).
    pub fn forked() {
        OFF.store(true, Relaxed);
    }

    /// Whether regions are faulted in ahead (the helper runs and the
    /// kernel has the advice).
    #[cfg(test)]
    pub fn available() -> bool {
        !OFF.load(Relaxed)
    }

    /// Notes that `block` was handed out.
    #[inline(always)]
    pub fn note(block: *mut u8) {
        let region = block as usize >> REGION_SHIFT;
        if SEEN[region % SEEN.len()].load(Relaxed) != region {
            entered(region);
        }
    }

    #[cold]
    fn entered(region: usize) {
        SEEN[region % SEEN.len()].store(region, Relaxed);
        if OFF.load(Relaxed) {
            return;
        }
        let requested = REQUESTED.load(Relaxed);
        // Already requested (the evaluation is catching up), unless far
        // below the last request (mimalloc went elsewhere): then ask for
        // the regions after this one.
        if region < requested && region + FAR > requested {
            return;
        }
        REQUESTED.store(region + AHEAD, Relaxed);
        if let Ok(mut queue) = QUEUE.try_lock() {
            let (regions, len) = &mut *queue;
            if *len < regions.len() {
                regions[*len] = region + 1;
                *len += 1;
            }
        }
        if let Some(helper) = HELPER.get() {
            helper.unpark();
        }
    }

    fn helper() {
        let mut taken = [0usize; 64];
        loop {
            let count = match QUEUE.lock() {
                Ok(mut queue) => {
                    let (regions, len) = &mut *queue;
                    taken[..*len].copy_from_slice(&regions[..*len]);
                    std::mem::take(len)
                }
                Err(_) => return,
            };
            let stack = STACK_REQUEST.swap(0, Relaxed);
            if stack != 0 {
                // SAFETY: as below; the range lies in the evaluating
                // thread's stack, above its limit (see `stack_grown`), and
                // a thread's stack stays mapped while it runs (a stack
                // unmapped meanwhile makes the advice fail, harmlessly).
                unsafe { libc::madvise(stack as *mut libc::c_void, STACK_AHEAD, MADV_POPULATE_WRITE) };
            }
            if count == 0 {
                if stack == 0 {
                    std::thread::park();
                }
                continue;
            }
            for &first in &taken[..count] {
                let start = (first << REGION_SHIFT) as *mut libc::c_void;
                // SAFETY: the advice only fills in page tables of mapped,
                // writable memory in the range (as writing would) and
                // changes no byte; for memory that is not mapped or not
                // writable it fails, which changes nothing.
                let result = unsafe { libc::madvise(start, AHEAD * REGION_BYTES, MADV_POPULATE_WRITE) };
                if result != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINVAL) {
                    // A kernel without the advice.
                    OFF.store(true, Relaxed);
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout};

    #[test]
    fn cached_blocks_serve_every_layout_of_their_class() {
        reuse_freed_blocks_on_this_thread();
        let allocator = Allocator;
        let small = Layout::from_size_align(17, 1).unwrap();
        let large = Layout::from_size_align(24, 8).unwrap();
        // SAFETY: layouts with non-zero sizes; every block is freed once.
        unsafe {
            let first = allocator.alloc(small);
            first.write_bytes(0xAA, small.size());
            allocator.dealloc(first, small);
            // The same class (17 and 24 bytes are both 24): the block freed
            // last comes back, and all 24 bytes of it are usable.
            let second = allocator.alloc(large);
            assert_eq!(second, first);
            second.write_bytes(0x55, large.size());
            let zeroed = allocator.alloc_zeroed(large);
            assert!(std::slice::from_raw_parts(zeroed, large.size()).iter().all(|&b| b == 0));
            // A cached block grown past the classes moves out through mimalloc.
            let grown = allocator.realloc(second, large, 4096);
            assert_eq!(*grown, 0x55);
            allocator.dealloc(grown, Layout::from_size_align(4096, 8).unwrap());
            allocator.dealloc(zeroed, large);
        }
    }

    /// Whether every page of `[start, start + bytes)` is resident.
    fn resident(start: *mut u8, bytes: usize) -> bool {
        let pages = bytes / 4096;
        let mut residency = vec![0u8; pages];
        // SAFETY: the range is mapped (see the caller) and the vector has
        // one byte per page.
        let result = unsafe { libc::mincore(start as *mut libc::c_void, bytes, residency.as_mut_ptr()) };
        result == 0 && residency.iter().all(|&page| page & 1 == 1)
    }

    /// Whether `[start, start + bytes)` becomes resident within five
    /// seconds (the helper faults it in on its own thread).
    fn becomes_resident(start: *mut u8, bytes: usize) -> bool {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !resident(start, bytes) {
            if std::time::Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        true
    }

    #[test]
    fn the_regions_after_a_new_one_are_faulted_in_ahead() {
        prefault::start();
        let region = prefault::REGION_BYTES;
        // Four regions of fresh anonymous memory, aligned to a region.
        // SAFETY: a new private mapping; unmapped at the end.
        let mapping = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                5 * region,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(mapping, libc::MAP_FAILED);
        let first = ((mapping as usize + region - 1) & !(region - 1)) as *mut u8;
        // SAFETY: `first` and the two regions after it lie in the mapping.
        let (next, after) = unsafe { (first.add(region), first.add(2 * region)) };
        assert!(!resident(next, 2 * region), "fresh memory is not resident");
        prefault::note(first);
        let ahead = becomes_resident(next, 2 * region);
        // The region after those was not asked for.
        // SAFETY: as above.
        let beyond = resident(unsafe { after.add(region) }, region);
        // SAFETY: the mapping made above.
        unsafe { libc::munmap(mapping, 5 * region) };
        if !prefault::available() {
            eprintln!("skipped: this kernel has no MADV_POPULATE_WRITE (Linux 5.14), so nothing is faulted in ahead");
            return;
        }
        assert!(ahead, "the two regions after the first were not faulted in");
        assert!(!beyond, "a third region was faulted in");
    }

    #[test]
    fn the_stack_below_a_new_depth_is_faulted_in_ahead() {
        prefault::start();
        let ahead = prefault::STACK_AHEAD;
        // A stand-in for a stack: fresh memory, used from the top down.
        let bytes = 4 * ahead;
        // SAFETY: a new private mapping; unmapped at the end.
        let mapping = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(mapping, libc::MAP_FAILED);
        let bottom = mapping as usize;
        let here = bottom + 3 * ahead + 100;
        let top = here & !4095;
        let below = (top - ahead) as *mut u8;
        assert!(!resident(below, ahead), "fresh memory is not resident");
        // Told again halfway down the range asked for.
        assert_eq!(prefault::stack_grown(here, bottom), top - ahead / 2);
        let faulted = becomes_resident(below, ahead);
        let beyond = resident((top - 2 * ahead) as *mut u8, ahead);
        // Near the limit, only what lies above it is asked for.
        let limit = bottom + ahead / 4;
        prefault::stack_grown(bottom + ahead / 2, limit);
        let above_limit = becomes_resident(limit as *mut u8, ahead / 4);
        let below_limit = resident(bottom as *mut u8, 4096);
        // SAFETY: the mapping made above.
        unsafe { libc::munmap(mapping, bytes) };
        if !prefault::available() {
            eprintln!("skipped: this kernel has no MADV_POPULATE_WRITE (Linux 5.14), so nothing is faulted in ahead");
            return;
        }
        assert!(faulted, "the stack below the new depth was not faulted in");
        assert!(!beyond, "more than the range ahead was faulted in");
        assert!(above_limit && !below_limit, "near the limit, the range ahead must stop at it");
    }

    #[test]
    fn a_class_keeps_a_bounded_number_of_blocks() {
        reuse_freed_blocks_on_this_thread();
        let allocator = Allocator;
        let layout = Layout::from_size_align(256, 8).unwrap();
        let class = class_of(layout).unwrap();
        let count = REUSE_CLASS_BYTES / 256 + 100;
        // SAFETY: as above.
        unsafe {
            let blocks: Vec<*mut u8> = (0..count).map(|_| allocator.alloc(layout)).collect();
            for &block in &blocks {
                allocator.dealloc(block, layout);
            }
        }
        // Full: no room left, however many blocks were freed.
        assert_eq!(REUSE.with(|reuse| reuse.room[class].get()), 0);
        // SAFETY: as above.
        unsafe {
            let block = allocator.alloc(layout);
            assert_eq!(REUSE.with(|reuse| reuse.room[class].get()), 1);
            allocator.dealloc(block, layout);
        }
    }
}
