//! The cycle collector frees scopes held only by cycles and never anything
//! still in use.

use eval::io::StdIO;
use eval::{EvalOptions, Evaluator};

fn run(source: &'static str) -> (String, usize) {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let evaluator = Evaluator::new(EvalOptions::default(), Box::new(StdIO));
            let value = evaluator.eval_source("«string»", source, "/").expect("evaluates");
            let value = evaluator.force_deep(&value).expect("forces");
            // A minor collection, then a full one that also looks inside
            // objects that became old.
            let freed = evaluator.collect_cycles() + evaluator.collect(true);
            (eval::print::print_value(&value), freed)
        })
        .expect("thread starts")
        .join()
        .expect("no panic")
}

#[test]
fn cyclic_scopes_are_collected_and_live_values_survive() {
    // Every call builds a `let` whose function binding refers to the scope
    // itself (a cycle); only the last result stays reachable.
    let (printed, _) =
        run("let step = n: let f = x: if x == 0 then n else f (x - 1); keep = { inherit f; }; in keep.f 3;
             results = builtins.genList step 300000;
         in { total = builtins.foldl' builtins.add 0 results; last = builtins.elemAt results 299999; }");
    assert_eq!(printed, "{ last = 299999; total = 44999850000; }");
}

#[test]
fn values_held_from_outside_survive_a_collection() {
    let (printed, freed) = run("let mk = n: rec { self = { inherit n; again = self; }; f = x: self.n + x; };
             kept = builtins.genList mk 1000;
         in builtins.map (s: s.f 1) kept");
    assert!(printed.starts_with("[ 1 2 3 "), "{printed}");
    // Once the result is forced, the recursive sets behind it are garbage
    // held only by their own cycles.
    assert!(freed >= 1000, "freed {freed}");
}

/// A fixed point closed through a function's scope and a forced thunk, as
/// the module system's `config` is: no `let` scope is part of the cycle.
const FIXED_POINT: &str = "let
      fix = f: let x = f x; in x;
      mk = args: { value = args.self.other; other = 1; fn = y: args; };
    in fix (self: mk { inherit self; })";

/// Evaluates [`FIXED_POINT`], then drops everything (after `discard_scopes`
/// when `discard`); returns whether the function's scope is still allocated.
fn scope_outlives_evaluator(discard: bool) -> bool {
    std::thread::spawn(move || {
        let evaluator = Evaluator::new(EvalOptions::default(), Box::new(StdIO));
        let value = evaluator.eval_source("«string»", FIXED_POINT, "/").expect("evaluates");
        let value = evaluator.force_deep(&value).expect("forces");
        assert_eq!(eval::print::print_value(&value), "{ fn = <LAMBDA>; other = 1; value = 1; }");
        let eval::Value::Attrs(attrs) = &value else { panic!("a set") };
        let function = evaluator.force(attrs.get_str("fn").expect("has fn")).expect("forces");
        let eval::Value::Lambda(closure) = &function else { panic!("a function") };
        let scope = eval::EnvRc::downgrade(&closure.env);
        drop(function);
        if discard {
            evaluator.discard_scopes(vec![value]);
        } else {
            drop(value);
        }
        drop(evaluator);
        scope.upgrade().is_some()
    })
    .join()
    .expect("no panic")
}

#[test]
fn discarding_frees_cycles_through_function_scopes() {
    // The cycle is real: dropping without discarding leaks the scope.
    assert!(scope_outlives_evaluator(false));
    assert!(!scope_outlives_evaluator(true));
}

#[test]
fn cycles_through_unforced_zipped_names_are_collected() {
    // Each set's names are thunks holding the zip's inputs, whose function
    // holds the scope that holds the set: a cycle per set, never forced.
    let (printed, freed) =
        run("let mk = n: let r = builtins.zipAttrsWith (name: values: r) [ { a = n; } { b = n; } ]; in r;
             kept = builtins.genList mk 1000;
         in builtins.length (builtins.concatMap builtins.attrNames kept)");
    assert_eq!(printed, "2000");
    assert!(freed >= 1000, "freed {freed}");
}

#[test]
fn cycles_through_unforced_mapped_names_are_collected() {
    // As for zipped names: each mapped name's thunk holds the function,
    // whose scope holds the result.
    let (printed, freed) = run("let mk = n: let r = builtins.mapAttrs (name: value: r) { a = n; b = n; }; in r;
             kept = builtins.genList mk 1000;
         in builtins.length (builtins.concatMap builtins.attrNames kept)");
    assert_eq!(printed, "2000");
    assert!(freed >= 1000, "freed {freed}");
}
