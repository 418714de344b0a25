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
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{cache, Error, HostSummary, Machine, Repo};

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

fn machine_key(root: &Path, kind: &str, name: &str) -> String {
    format!("{}\n{kind}\n{name}", root.display())
}

/// Evaluates `compute` on one machine in a fresh evaluator and caches a
/// successful result.
fn evaluate_one<T: Serialize>(
    root: &Path,
    kind: &str,
    name: &str,
    compute: &(impl Fn(&Machine) -> Result<T, Error> + Sync),
) -> Result<T, Error> {
    let repo = Repo::open(root)?;
    repo.set_stack_limit(stack_limit());
    let result = repo.machine(name).and_then(|machine| compute(&machine));
    if let Ok(value) = &result {
        if let Ok(text) = serde_json::to_string(value) {
            cache::store(&machine_key(root, kind, name), &repo.dependencies(), &text);
        }
    }
    // Freed, cycles too: a worker evaluates machine after machine. (The
    // parsed files stay, shared by the evaluators of the thread.)
    repo.discard();
    result
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

/// `compute` for every machine: from the cache (entries named by `kind`)
/// where nothing the machine read changed, the others evaluated in
/// parallel, each by an evaluator of its own. Each machine's result is
/// returned with its name; with `stop_on_error`, no machine is started after
/// one failed (the others' results are then missing from the list).
pub fn per_machine<T, F>(
    dir: &Path,
    kind: &str,
    stop_on_error: bool,
    compute: F,
) -> Result<Vec<(String, Result<T, Error>)>, Error>
where
    T: Serialize + DeserializeOwned + Send,
    F: Fn(&Machine) -> Result<T, Error> + Sync,
{
    let root = std::fs::canonicalize(dir)
        .map_err(|e| Error::new(format!("error: cannot open the repository '{}': {e}", dir.display())))?;
    let names = host_names(&root)?;
    let io = eval::io::StdIO;
    let lookups = cache::Lookups::default();
    let mut results: Vec<Option<Result<T, Error>>> = names
        .iter()
        .map(|name| {
            lookups
                .lookup(&machine_key(&root, kind, name), &io)
                .and_then(|text| serde_json::from_str::<T>(&text).ok())
                .map(Ok)
        })
        .collect();
    let missing: Vec<usize> = (0..names.len()).filter(|&i| results[i].is_none()).collect();
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(missing.len());
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let computed: Vec<(usize, Result<T, Error>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(scope, || {
                        let mut done = Vec::new();
                        while !(stop_on_error && failed.load(Ordering::SeqCst)) {
                            let k = next.fetch_add(1, Ordering::SeqCst);
                            let Some(&index) = missing.get(k) else { break };
                            let result = evaluate_one(&root, kind, &names[index], &compute);
                            if result.is_err() {
                                failed.store(true, Ordering::SeqCst);
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
        results[index] = Some(result);
    }
    Ok(names.into_iter().zip(results).filter_map(|(name, result)| result.map(|r| (name, r))).collect())
}

/// Every machine's summary (see [`per_machine`]); the first failure is the
/// error.
pub fn host_summaries(dir: &Path) -> Result<Vec<HostSummary>, Error> {
    let results = per_machine(dir, "host-summary", true, |machine| machine.summary())?;
    if let Some((_, Err(error))) = results.iter().find(|(_, r)| r.is_err()) {
        return Err(error.clone());
    }
    Ok(results.into_iter().filter_map(|(_, r)| r.ok()).collect())
}
