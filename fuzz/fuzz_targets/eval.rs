//! Arbitrary bytes as Nix source → a pure evaluator with no filesystem
//! (`NullIO`) and a small depth limit → the deeply forced, printed value or
//! the rendered error. Nothing here may panic or overflow the stack.
//!
//! The evaluator has no step budget, so a short input can still run for a
//! long time (`builtins.genList (x: x) 1000000000`) or use a lot of memory;
//! those show up as libFuzzer timeouts or out-of-memory reports and are
//! triaged by hand (FUZZING.md), not treated as crashes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fn eval_one(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        // The CLI rejects invalid UTF-8 before evaluation; the parse target
        // covers the parser on such bytes.
        return;
    };
    let evaluator = strata_fuzz::evaluator();
    let result = evaluator
        .eval_source("/fuzz/input.nix", text, "/fuzz")
        .and_then(|value| evaluator.force_deep(&value));
    match result {
        Ok(value) => {
            let _ = eval::print::print_value(&value);
            let mut json = String::new();
            let mut context = Default::default();
            if let Err(error) = evaluator.to_json(&value, syntax::ast::Pos::NONE, &mut json, &mut context) {
                let _ = evaluator.render_error(&error, true);
            }
        }
        Err(error) => {
            let rendered = evaluator.render_error(&error, true);
            assert!(rendered.starts_with("error:"), "unrendered error: {rendered}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    strata_fuzz::run_on_worker(eval_one, data);
});
