//! Machine summaries evaluated one machine at a time, so that after a file
//! changes only the machines that read it are evaluated again.
//!
//! A shared evaluator cannot say which machine depends on which file: a file
//! imported by one machine is not read again for the next, and values forced
//! for one are reused by the others. So each machine whose cached summary is
//! out of date is evaluated by an evaluator of its own, on its own thread
//! (as many at once as there are cores), recording exactly what it read;
//! its summary is cached with those dependencies (see [`crate::cache`]).

use std::path::Path;

use crate::{cache, Error, HostSummary, Repo};

/// Stack for each evaluation thread; the evaluator stops runaway recursion
/// with its own error well before the end (see [`stack_limit`]).
const STACK_BYTES: usize = 512 << 20;
const STACK_MARGIN: usize = 64 << 20;

/// The lowest stack address an evaluation on a thread with a
/// [`STACK_BYTES`] stack may use.
fn stack_limit() -> usize {
    let marker = 0u8;
    let here = std::ptr::addr_of!(marker) as usize;
    here.saturating_sub(STACK_BYTES - STACK_MARGIN)
}

fn summary_key(root: &Path, name: &str) -> String {
    format!("{}\nhost-summary\n{name}", root.display())
}

/// Evaluates one machine in a fresh evaluator and caches its summary.
fn evaluate_one(root: &Path, name: &str) -> Result<HostSummary, Error> {
    let repo = Repo::open(root)?;
    repo.set_stack_limit(stack_limit());
    let summary = repo.machine(name)?.summary()?;
    if let Ok(text) = serde_json::to_string(&summary) {
        cache::store(&summary_key(root, name), &repo.dependencies(), &text);
    }
    // Dropping a large heap value by value costs more than the thread's exit.
    std::mem::forget(repo);
    Ok(summary)
}

/// The machines' names, from the cache while nothing read to find them
/// changed.
fn host_names(root: &Path) -> Result<Vec<String>, Error> {
    let key = format!("{}\nhost-names", root.display());
    let io = eval::io::StdIO;
    if let Some(names) = cache::lookup(&key, &io).and_then(|text| serde_json::from_str(&text).ok()) {
        return Ok(names);
    }
    let repo = Repo::open(root)?;
    repo.set_stack_limit(stack_limit_here());
    let names = repo.host_names()?;
    if let Ok(text) = serde_json::to_string(&names) {
        cache::store(&key, &repo.dependencies(), &text);
    }
    std::mem::forget(repo);
    Ok(names)
}

/// The calling thread's stack limit is not known here; finding the names
/// only evaluates the repository's outputs, so a conservative limit of
/// 8 MiB below the current frame (the smallest usual main-thread stack) is
/// used.
fn stack_limit_here() -> usize {
    let marker = 0u8;
    (std::ptr::addr_of!(marker) as usize).saturating_sub(6 << 20)
}

/// Every machine's summary, from the cache where nothing it read changed,
/// the others evaluated in parallel, each by an evaluator of its own.
pub fn host_summaries(dir: &Path) -> Result<Vec<HostSummary>, Error> {
    let root = std::fs::canonicalize(dir)
        .map_err(|e| Error::new(format!("error: cannot open the repository '{}': {e}", dir.display())))?;
    let names = host_names(&root)?;
    let io = eval::io::StdIO;
    let lookups = cache::Lookups::default();
    let mut results: Vec<Option<Result<HostSummary, Error>>> = names
        .iter()
        .map(|name| {
            lookups
                .lookup(&summary_key(&root, name), &io)
                .and_then(|text| serde_json::from_str::<HostSummary>(&text).ok())
                .map(Ok)
        })
        .collect();
    let missing: Vec<usize> = (0..names.len()).filter(|&i| results[i].is_none()).collect();
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(missing.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::atomic::AtomicBool::new(false);
    let computed: Vec<(usize, Result<HostSummary, Error>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(scope, || {
                        let mut done = Vec::new();
                        // After the first failure no further machine is started:
                        // the command reports that error.
                        while !failed.load(std::sync::atomic::Ordering::SeqCst) {
                            let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            let Some(&index) = missing.get(k) else { break };
                            let result = evaluate_one(&root, &names[index]);
                            if result.is_err() {
                                failed.store(true, std::sync::atomic::Ordering::SeqCst);
                            }
                            done.push((index, result));
                        }
                        done
                    })
                    .ok()
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    for (index, result) in computed {
        if let Err(error) = result {
            return Err(error);
        }
        results[index] = Some(result);
    }
    names
        .iter()
        .zip(results)
        .map(|(name, result)| {
            result.unwrap_or_else(|| Err(Error::new(format!("error: machine '{name}' could not be evaluated"))))
        })
        .collect()
}
