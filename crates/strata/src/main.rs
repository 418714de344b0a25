//! The `strata` command-line front end.
//!
//! `cli` turns the command line into a validated request, `commands` run
//! requests against the library crates and return plain data, and `printer`
//! writes that data out. Exit codes are decided here and nowhere else.

mod cli;
mod commands;
mod printer;

use std::process::ExitCode;

/// Evaluation allocates and frees many small objects (scopes, thunks);
/// mimalloc handles that pattern much faster than the system allocator.
#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

/// mimalloc, entered through its plain `malloc` for the alignments every
/// block it hands out has anyway. (`mimalloc::MiMalloc` always calls the
/// aligned entry points, whose slow paths showed in profiles: a fifth of
/// the evaluator's allocations went through them.)
struct Allocator;

/// The alignment of every block `mi_malloc` returns (`MI_MAX_ALIGN_SIZE`).
const MI_MALLOC_ALIGNMENT: usize = 16;

// SAFETY: every method returns memory from mimalloc that satisfies `layout`:
// `mi_malloc`, `mi_zalloc` and `mi_realloc` return blocks aligned to
// `MI_MALLOC_ALIGNMENT`, and they are used only for layouts that need no more;
// larger alignments go to `MiMalloc`, which uses mimalloc's aligned entry
// points. All blocks, however allocated, are freed with `mi_free`.
unsafe impl std::alloc::GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        eval::heap::note_allocation(layout.size());
        if layout.align() <= MI_MALLOC_ALIGNMENT {
            // SAFETY: see the impl.
            unsafe { libmimalloc_sys::mi_malloc(layout.size()) as *mut u8 }
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
            unsafe { libmimalloc_sys::mi_zalloc(layout.size()) as *mut u8 }
        } else {
            // SAFETY: see the impl.
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from one of the allocating methods above.
        unsafe { libmimalloc_sys::mi_free(ptr as *mut std::ffi::c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        eval::heap::note_allocation(new_size.saturating_sub(layout.size()));
        if layout.align() <= MI_MALLOC_ALIGNMENT {
            // SAFETY: see the impl; `ptr` came from this allocator.
            unsafe { libmimalloc_sys::mi_realloc(ptr as *mut std::ffi::c_void, new_size) as *mut u8 }
        } else {
            // SAFETY: see the impl.
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

/// Deep Nix recursion becomes deep Rust recursion; evaluation runs on a thread
/// with a stack large enough that the evaluator's own depth limit, not the
/// operating system, ends runaway recursion.
const EVAL_STACK_BYTES: usize = 1 << 30;

/// Stack kept free below the evaluator's limit for the frames between two
/// depth checks and for error handling.
const STACK_MARGIN_BYTES: usize = 64 << 20;

/// The lowest stack address the evaluator may use on this thread.
pub fn stack_limit() -> usize {
    let marker = 0u8;
    let here = std::ptr::addr_of!(marker) as usize;
    here.saturating_sub(EVAL_STACK_BYTES - STACK_MARGIN_BYTES)
}

/// mimalloc's `mi_option_purge_delay` (the same number in mimalloc.h of v2
/// and of v3, which libmimalloc-sys builds by default).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // An evaluation is short and its heap only grows; returning freed pages to
    // the kernel and faulting them in again cost more than half the run time
    // on `//`-heavy code, so purging is turned off.
    // SAFETY: setting an option before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let worker =
        std::thread::Builder::new().name("strata".into()).stack_size(EVAL_STACK_BYTES).spawn(move || run(args));
    let code = match worker {
        Ok(handle) => handle.join().unwrap_or(2),
        Err(error) => {
            eprintln!("error: cannot start the evaluation thread: {error}");
            2
        }
    };
    ExitCode::from(code)
}

/// Turns transparent huge pages off for this process. mimalloc asks for
/// them on its arena, and the kernel then backs each touched 2 MiB range
/// with a whole huge page: the peak resident size of an evaluation grew by
/// 8-16% (attrs-large 97 -> 111 MiB, lib-overlays 124 -> 138 MiB,
/// sort-merge 29 -> 45 MiB, a trivial evaluation 5 -> 9 MiB) for no
/// measurable speed-up.
///
/// It runs as a constructor, before `main` and before the Rust runtime's
/// first allocations: in `main`, the first pages of the arena were already
/// huge (mimalloc's own `allow_thp` option is read even earlier, when it
/// initializes, so setting it from here is too late as well).
#[cfg(target_os = "linux")]
extern "C" fn disable_transparent_huge_pages() {
    // SAFETY: `PR_SET_THP_DISABLE` takes plain integers and touches no
    // memory of ours; it only sets a flag on the process, which later page
    // faults read. A failure (an old kernel) leaves the default, so the
    // result is ignored.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Registers [`disable_transparent_huge_pages`] with the dynamic loader's
/// constructors (the ELF `.init_array`), which run before `main`.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static DISABLE_TRANSPARENT_HUGE_PAGES: extern "C" fn() = disable_transparent_huge_pages;

fn run(args: Vec<std::ffi::OsString>) -> u8 {
    let mut printer = printer::Printer::stdio();
    match cli::parse(args) {
        Ok(command) => commands::run(command, &mut printer),
        Err(error) => {
            // clap renders help and usage errors itself.
            let code = if error.use_stderr() { 1 } else { 0 };
            let _ = error.print();
            code
        }
    }
}
