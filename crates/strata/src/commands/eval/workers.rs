//! `--strict --json` printing of a large object with worker processes.
//!
//! A fleet's evaluation prints one object whose members (machines) are
//! independent and each take milliseconds, after a shared start (parsing,
//! `lib`, the modules every machine imports). When printing the members has
//! taken [`Plan::after`] and members are left, the rest are split into
//! contiguous runs: this process prints the first run and a forked worker
//! process each of the others (as nix-eval-jobs evaluates attributes in
//! forked workers). A worker starts from a copy of this process's heap, so
//! what was evaluated before the split (parsed files, `lib`, every value
//! already forced) is not done again.
//!
//! The output is the one sequential printing gives, byte for byte: runs are
//! joined in order; a worker's standard error (`builtins.trace`, warnings)
//! is held and written after everything printed before its run; the first
//! failure in member order is the one reported, with what was printed before
//! it, and a worker whose run comes after a failure is stopped unread. A
//! worker that cannot be started, or ends without reporting (killed, or a
//! crash), has its run printed here instead.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::time::{Duration, Instant};

use eval::{AttrEntry, Context, EvalError, Evaluator, Value};
use syntax::ast::Pos;

/// How `--strict --json` printing may split its work.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Processes printing at once, this one included (1: no workers).
    pub jobs: usize,
    /// How long printing runs in this process before the rest is split:
    /// short evaluations never pay for a fork.
    pub after: Duration,
}

impl Plan {
    /// From `STRATA_EVAL_JOBS` (default: the processors this process may
    /// use) and `STRATA_EVAL_SPLIT_MS` (default 30).
    pub fn from_env() -> Plan {
        let jobs = std::env::var("STRATA_EVAL_JOBS")
            .ok()
            .and_then(|text| text.trim().parse::<usize>().ok())
            .unwrap_or_else(|| std::thread::available_parallelism().map(usize::from).unwrap_or(1))
            .clamp(1, 64);
        let after =
            std::env::var("STRATA_EVAL_SPLIT_MS").ok().and_then(|text| text.trim().parse::<u64>().ok()).unwrap_or(30);
        Plan { jobs, after: Duration::from_millis(after) }
    }
}

/// Why printing stopped: an error of this process's evaluation, or one a
/// worker already rendered (it has the positions' sources).
pub enum Failure {
    Eval(EvalError),
    Rendered(String),
}

impl From<EvalError> for Failure {
    fn from(error: EvalError) -> Failure {
        Failure::Eval(error)
    }
}

/// `value` as strict JSON into `out`, split among workers as `plan` allows.
pub fn to_json(ev: &Evaluator, value: &Value, plan: Plan, show_trace: bool, out: &mut String) -> Result<(), Failure> {
    let mut context = Context::default();
    let attrs = match ev.json_object(value)? {
        Some(attrs) if plan.jobs > 1 => attrs,
        _ => return Ok(ev.to_json(value, Pos::NONE, out, &mut context)?),
    };
    let entries = attrs.entries();
    let started = Instant::now();
    out.push('{');
    let mut next = 0;
    let result = loop {
        let left = entries.len() - next;
        if left == 0 {
            break Ok(());
        }
        if next > 0 && left >= 2 && started.elapsed() >= plan.after {
            break split(ev, entries, next, plan.jobs.min(left), show_trace, out, &mut context);
        }
        if let Err(error) = member(ev, entries, next, out, &mut context) {
            break Err(error.into());
        }
        next += 1;
    };
    out.push('}');
    result
}

/// Member `index` of `entries`, with the comma before it.
fn member(
    ev: &Evaluator,
    entries: &[AttrEntry],
    index: usize,
    out: &mut String,
    context: &mut Context,
) -> Result<(), EvalError> {
    if index > 0 {
        out.push(',');
    }
    ev.to_json_member(&entries[index], Pos::NONE, out, context)
}

/// Members `run` of `entries`, in order, until one fails.
fn print_run(
    ev: &Evaluator,
    entries: &[AttrEntry],
    run: std::ops::Range<usize>,
    out: &mut String,
    context: &mut Context,
) -> Result<(), EvalError> {
    run.into_iter().try_for_each(|index| member(ev, entries, index, out, context))
}

/// Prints members `from..` in `jobs` runs: the first here, the others in
/// workers, joined in order.
fn split(
    ev: &Evaluator,
    entries: &[AttrEntry],
    from: usize,
    jobs: usize,
    show_trace: bool,
    out: &mut String,
    context: &mut Context,
) -> Result<(), Failure> {
    let runs = runs(from, entries.len(), jobs);
    // Started before this process prints its own run; dropped (stopped)
    // unread if that run fails.
    let workers: Vec<Worker> =
        runs[1..].iter().map(|run| Worker::start(ev, entries, run.clone(), show_trace)).collect();
    print_run(ev, entries, runs[0].clone(), out, context)?;
    for worker in workers {
        worker.finish(ev, entries, out, context)?;
    }
    Ok(())
}

/// `from..to` cut into `jobs` contiguous runs whose lengths differ by at
/// most one.
fn runs(from: usize, to: usize, jobs: usize) -> Vec<std::ops::Range<usize>> {
    let count = to - from;
    let mut start = from;
    (0..jobs)
        .map(|job| {
            let len = count / jobs + usize::from(job < count % jobs);
            let run = start..start + len;
            start += len;
            run
        })
        .collect()
}

/// A run of members printed by a forked process, or here when no process
/// could be started.
struct Worker {
    run: std::ops::Range<usize>,
    process: Option<Process>,
}

struct Process {
    pid: libc::pid_t,
    /// The run's output (see [`encode`]).
    output: File,
    /// The worker's standard error.
    errors: File,
}

/// Runs whose output came from a worker process (for `STRATA_SHOW_STATS`).
static REPORTED_RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The workers' peak resident sizes, summed, in KiB (pages shared with
/// this process count in each).
static WORKER_PEAKS_KIB: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many runs workers have printed in this process, and their peak
/// resident sizes summed (KiB).
pub fn reported_runs() -> (usize, usize) {
    use std::sync::atomic::Ordering::Relaxed;
    (REPORTED_RUNS.load(Relaxed), WORKER_PEAKS_KIB.load(Relaxed))
}

/// A worker's exit code when its run failed with an evaluation error.
const FAILED: i32 = 1;

/// A worker's exit code when it could not report (its run is printed by
/// the process that started it).
const UNREPORTED: i32 = 2;

impl Worker {
    fn start(ev: &Evaluator, entries: &[AttrEntry], run: std::ops::Range<usize>, show_trace: bool) -> Worker {
        let process = match (memory_file(c"strata-run"), memory_file(c"strata-stderr")) {
            (Some(output), Some(errors)) => fork(ev, entries, run.clone(), show_trace, output, errors),
            _ => None,
        };
        Worker { run, process }
    }

    /// Appends the run's output (printing it here if the worker did not
    /// report), and writes the worker's standard error after what this
    /// process wrote.
    fn finish(
        mut self,
        ev: &Evaluator,
        entries: &[AttrEntry],
        out: &mut String,
        context: &mut Context,
    ) -> Result<(), Failure> {
        let reported = self.process.take().and_then(|process| process.wait());
        let Some((output, errors, failed)) = reported else {
            return Ok(print_run(ev, entries, self.run.clone(), out, context)?);
        };
        REPORTED_RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (json, error) = decode(&output);
        out.push_str(json);
        // Through the evaluator's IO, as its own traces are written (the
        // worker's lines end with a newline, which `trace` adds back).
        let errors = String::from_utf8_lossy(&errors);
        if !errors.is_empty() {
            ev.io.trace(errors.strip_suffix('\n').unwrap_or(&errors));
        }
        if failed {
            return Err(Failure::Rendered(error.to_string()));
        }
        Ok(())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(process) = self.process.take() {
            process.stop();
        }
    }
}

impl Process {
    /// Waits for the worker: its output and standard error, and whether its
    /// run failed; `None` if it ended without reporting.
    fn wait(mut self) -> Option<(Vec<u8>, Vec<u8>, bool)> {
        let mut status = 0;
        // SAFETY: an all-zero `rusage` is a valid value of the plain struct.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waits for our own child; `status` and `usage` are valid
        // out-pointers.
        let waited = loop {
            let result = unsafe { libc::wait4(self.pid, &mut status, 0, &mut usage) };
            if result != -1 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                break result;
            }
        };
        if waited != -1 {
            WORKER_PEAKS_KIB.fetch_add(usage.ru_maxrss.max(0) as usize, std::sync::atomic::Ordering::Relaxed);
        }
        if waited == -1 || !libc::WIFEXITED(status) {
            return None;
        }
        let failed = match libc::WEXITSTATUS(status) {
            0 => false,
            FAILED => true,
            _ => return None,
        };
        let output = read_all(&mut self.output)?;
        let errors = read_all(&mut self.errors)?;
        Some((output, errors, failed))
    }

    fn stop(self) {
        // SAFETY: signals and reaps our own child, not waited for yet.
        unsafe {
            libc::kill(self.pid, libc::SIGKILL);
            libc::waitpid(self.pid, std::ptr::null_mut(), 0);
        }
    }
}

/// A worker's output: the JSON text's length (8 bytes, little-endian), the
/// JSON text, then the rendered error if the run failed.
fn encode(json: &str, error: Option<&str>) -> Vec<u8> {
    let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(json.as_bytes());
    bytes.extend_from_slice(error.unwrap_or("").as_bytes());
    bytes
}

/// The JSON text and the error text of a worker's output (see [`encode`];
/// empty when malformed, which a worker that exited normally never writes).
fn decode(output: &[u8]) -> (&str, &str) {
    let Some((len, rest)) = output.split_first_chunk::<8>() else {
        return ("", "");
    };
    let len = (u64::from_le_bytes(*len) as usize).min(rest.len());
    let (json, error) = rest.split_at(len);
    (std::str::from_utf8(json).unwrap_or(""), std::str::from_utf8(error).unwrap_or(""))
}

fn read_all(file: &mut File) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    file.rewind().ok()?;
    file.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// An anonymous file in memory, closed in programs this one executes.
fn memory_file(name: &std::ffi::CStr) -> Option<File> {
    // SAFETY: `name` is a valid C string; the new descriptor is owned by
    // the returned `File` alone.
    let fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
    // SAFETY: as above.
    (fd >= 0).then(|| unsafe { File::from_raw_fd(fd) })
}

/// Forks a worker for `run`; `None` if no process could be started.
fn fork(
    ev: &Evaluator,
    entries: &[AttrEntry],
    run: std::ops::Range<usize>,
    show_trace: bool,
    output: File,
    errors: File,
) -> Option<Process> {
    // SAFETY: getpid has no preconditions.
    let parent = unsafe { libc::getpid() };
    // SAFETY: in the child only the evaluation thread exists. It takes no
    // lock another thread of this process can hold at the fork: the
    // evaluation thread does all the evaluating, allocating and printing,
    // the main thread only waits for it, and the child stops asking the
    // heap's helper thread (absent there) for anything first (see `work`).
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        work(ev, entries, run, show_trace, parent, output, errors);
    }
    (pid > 0).then_some(Process { pid, output, errors })
}

/// The worker: prints `run` and exits, never returning into the caller's
/// stack of the parent's work.
fn work(
    ev: &Evaluator,
    entries: &[AttrEntry],
    run: std::ops::Range<usize>,
    show_trace: bool,
    parent: libc::pid_t,
    mut output: File,
    errors: File,
) -> ! {
    crate::alloc::forked();
    // SAFETY: plain-integer calls: the worker ends with the process that
    // started it (also if that one already ended before the request), and
    // the memory file becomes this process's standard error.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        if libc::getppid() != parent {
            libc::_exit(UNREPORTED);
        }
        libc::dup2(errors.as_raw_fd(), libc::STDERR_FILENO);
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut json = String::new();
        let error = print_run(ev, entries, run, &mut json, &mut Context::default())
            .err()
            .map(|failure| ev.render_error(&failure, show_trace));
        match output.write_all(&encode(&json, error.as_deref())) {
            Ok(()) if error.is_some() => FAILED,
            Ok(()) => 0,
            Err(_) => UNREPORTED,
        }
    }));
    // SAFETY: ends this process without running the parent's destructors
    // or exit handlers (its buffers belong to the parent).
    unsafe { libc::_exit(result.unwrap_or(UNREPORTED)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_the_range_in_order_with_lengths_within_one() {
        assert_eq!(runs(1, 50, 2), vec![1..26, 26..50]);
        assert_eq!(runs(3, 10, 3), vec![3..6, 6..8, 8..10]);
        assert_eq!(runs(0, 2, 2), vec![0..1, 1..2]);
    }

    #[test]
    fn a_worker_output_decodes_to_its_json_and_error() {
        assert_eq!(decode(&encode(",\"a\":1", Some("error: boom\n"))), (",\"a\":1", "error: boom\n"));
        assert_eq!(decode(&encode(",\"a\":{}", None)), (",\"a\":{}", ""));
        let mut bytes = 3u64.to_le_bytes().to_vec();
        bytes.extend_from_slice(b",1:error: boom\n");
        assert_eq!(decode(&bytes), (",1:", "error: boom\n"));
        assert_eq!(decode(b"short"), ("", ""));
    }
}
