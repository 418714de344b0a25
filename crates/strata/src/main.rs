//! The `strata` command-line front end.
//!
//! `cli` turns the command line into a validated request, `commands` run
//! requests against the library crates and return plain data, and `printer`
//! writes that data out. Exit codes are decided here and nowhere else.

mod alloc;
mod cli;
mod commands;
mod printer;

use std::process::ExitCode;

/// Evaluation allocates and frees many small objects (scopes, thunks);
/// mimalloc handles that pattern much faster than the system allocator
/// (see `alloc`).
#[global_allocator]
static ALLOCATOR: alloc::Allocator = alloc::Allocator;

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

fn main() -> ExitCode {
    alloc::configure();
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
    // This thread evaluates and lives until the process ends.
    alloc::reuse_freed_blocks_on_this_thread();
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
