//! Shared harness for the fuzz targets: an in-memory [`EvalIO`] that reaches
//! nothing outside the process, and a long-lived worker thread with a large
//! stack, the way `strata` itself evaluates (see `crates/strata/src/main.rs`).
//!
//! Both targets run each input on the worker so that deep recursion is met by
//! the evaluator's own limits (`max_depth` and the stack-address check), not
//! by the 8 MiB main-thread stack libFuzzer gives us.

use std::io;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Mutex, OnceLock};

use eval::io::{EvalIO, FileType};
use eval::{EvalOptions, Evaluator};

/// Stack of the worker thread. Reserved, not committed: only the pages deep
/// recursion touches become resident.
const WORKER_STACK_BYTES: usize = 512 << 20;

/// Stack kept free below the evaluator's limit for the frames between two
/// depth checks, error rendering, and sanitizer-inflated frames.
const STACK_MARGIN_BYTES: usize = 128 << 20;

/// Evaluation depth allowed per input. Much smaller than the CLI's so that
/// runaway recursion ends in milliseconds and the fuzzer keeps its speed.
pub const FUZZ_MAX_DEPTH: usize = 20_000;

/// An [`EvalIO`] with no files, no environment and a frozen clock: every
/// read fails with "not found", so inputs can never touch the real machine.
pub struct NullIO;

fn not_found() -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, "no files while fuzzing")
}

impl EvalIO for NullIO {
    fn read_file(&self, _path: &str) -> io::Result<Vec<u8>> {
        Err(not_found())
    }
    fn file_type(&self, _path: &str) -> io::Result<FileType> {
        Err(not_found())
    }
    fn path_exists(&self, _path: &str) -> bool {
        false
    }
    fn read_dir(&self, _path: &str) -> io::Result<Vec<(String, FileType)>> {
        Err(not_found())
    }
    fn read_link(&self, _path: &str) -> io::Result<String> {
        Err(not_found())
    }
    fn is_executable(&self, _path: &str) -> bool {
        false
    }
    fn is_dir(&self, _path: &str) -> bool {
        false
    }
    fn env_var(&self, _name: &str) -> Option<String> {
        None
    }
    fn current_time(&self) -> i64 {
        0
    }
    fn current_dir(&self) -> io::Result<String> {
        Ok("/fuzz".to_string())
    }
    fn trace(&self, _message: &str) {}
}

/// An evaluator for one input: pure, no search path, the in-memory IO, a
/// small depth limit and the worker thread's stack limit.
pub fn evaluator() -> Evaluator {
    let options = EvalOptions { pure: true, max_depth: FUZZ_MAX_DEPTH, ..EvalOptions::default() };
    let evaluator = Evaluator::new(options, Box::new(NullIO));
    STACK_LIMIT.with(|limit| evaluator.set_stack_limit(limit.get()));
    evaluator
}

thread_local! {
    /// The lowest stack address the evaluator may use on this thread; set by
    /// the worker when it starts (zero, i.e. no address check, elsewhere).
    static STACK_LIMIT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

type Job = (fn(&[u8]), Vec<u8>);

struct Worker {
    jobs: SyncSender<Job>,
    done: Receiver<()>,
}

static WORKER: OnceLock<Mutex<Worker>> = OnceLock::new();

fn start_worker() -> Mutex<Worker> {
    let (jobs, job_queue) = sync_channel::<Job>(0);
    let (done_sender, done) = sync_channel::<()>(1);
    std::thread::Builder::new()
        .name("fuzz-worker".into())
        .stack_size(WORKER_STACK_BYTES)
        .spawn(move || {
            let marker = 0u8;
            let here = std::ptr::addr_of!(marker) as usize;
            STACK_LIMIT.with(|limit| limit.set(here.saturating_sub(WORKER_STACK_BYTES - STACK_MARGIN_BYTES)));
            while let Ok((target, data)) = job_queue.recv() {
                target(&data);
                if done_sender.send(()).is_err() {
                    break;
                }
            }
        })
        .expect("cannot start the fuzz worker thread");
    Mutex::new(Worker { jobs, done })
}

/// Runs `target(data)` on the big-stack worker and waits for it. A panic in
/// the target aborts the process through libfuzzer-sys's panic hook, so
/// libFuzzer records it as a crash with the panic message.
pub fn run_on_worker(target: fn(&[u8]), data: &[u8]) {
    let worker = WORKER.get_or_init(start_worker);
    let worker = worker.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    worker.jobs.send((target, data.to_vec())).expect("the fuzz worker thread is gone");
    worker.done.recv().expect("the fuzz worker thread is gone");
}

/// The text the targets evaluate: valid UTF-8 as is, anything else with
/// replacement characters (the CLI rejects such files before parsing; the
/// parser itself must still cope with whatever text it is handed).
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}
