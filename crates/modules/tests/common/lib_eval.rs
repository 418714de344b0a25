//! Evaluating test expressions with the embedded lib, shared by the module
//! tests.

#![allow(dead_code)]

use eval::io::StdIO;
use eval::{EvalError, EvalOptions, Evaluator, Value};

/// Evaluates `source` (relative paths resolved in `dir`) with `<strata/lib>`
/// and `<strata/nixos>` embedded, on a thread with a stack as large as the
/// CLI's evaluation thread has, and hands the evaluator and the unforced
/// result to `check`, whose result it returns. A panic in `check` is
/// passed on.
pub fn with_lib<T: Send + 'static>(
    source: String,
    dir: String,
    check: impl FnOnce(&Evaluator, Result<Value, EvalError>) -> T + Send + 'static,
) -> T {
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let options =
                EvalOptions { builtin_search_path: vec![modules::search_path_entry()], ..EvalOptions::default() };
            let ev = Evaluator::new(options, Box::new(modules::LibIO::new(StdIO)));
            let result = ev.eval_source("«test»", &source, &dir);
            check(&ev, result)
        })
        .expect("spawn the evaluation thread");
    worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
