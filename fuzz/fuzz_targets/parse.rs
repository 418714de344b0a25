//! Arbitrary bytes → `syntax::lower` (through `Evaluator::parse`, which adds
//! the real builtins as globals) → either the printed tree or the rendered,
//! positioned error. Nothing here may panic, overflow the stack or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

thread_local! {
    /// One evaluator for all inputs: building one installs the builtins and
    /// parses `derivation.nix`, which costs more than parsing a typical input.
    /// Each parse adds a source file to it; libFuzzer's fork mode restarts the
    /// process before that matters.
    static EVALUATOR: eval::Evaluator = strata_fuzz::evaluator();
}

fn parse_one(data: &[u8]) {
    EVALUATOR.with(|evaluator| parse_with(evaluator, data));
}

fn parse_with(evaluator: &eval::Evaluator, data: &[u8]) {
    let text = strata_fuzz::text(data);
    // The lossless tree alone, as linters use it.
    let tree = syntax::parse(&text);
    let _ = tree.errors().len();
    match evaluator.parse("/fuzz/input.nix", &text, "/fuzz", false) {
        Ok(expr) => {
            let _ = eval::show::show_expr(expr);
        }
        Err(error) => {
            let rendered = evaluator.render_error(&error, true);
            assert!(rendered.starts_with("error:"), "unrendered syntax error: {rendered}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    strata_fuzz::run_on_worker(parse_one, data);
});
