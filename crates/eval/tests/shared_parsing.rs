//! Evaluators on one thread share the files they lowered (by name, settings
//! and exact text), and positions in those files stay right for each.

use eval::io::StdIO;
use eval::{EvalOptions, Evaluator};

fn evaluator() -> Evaluator {
    Evaluator::new(EvalOptions::default(), Box::new(StdIO))
}

fn evaluate(ev: &Evaluator, name: &str, source: &str) -> Result<String, String> {
    let value = ev.eval_source(name, source, "/").map_err(|e| ev.render_error(&e, false))?;
    let value = ev.force_deep(&value).map_err(|e| ev.render_error(&e, false))?;
    Ok(eval::print::print_value(&value))
}

#[test]
fn a_changed_text_under_the_same_name_is_parsed_again() {
    std::thread::spawn(|| {
        let first = evaluator();
        assert_eq!(evaluate(&first, "/m.nix", "{ a = 1; }").as_deref(), Ok("{ a = 1; }"));
        let second = evaluator();
        assert_eq!(evaluate(&second, "/m.nix", "{ a = 2; }").as_deref(), Ok("{ a = 2; }"));
        // The first text again: the lowered tree is reused, with its values
        // computed by the new evaluator.
        let third = evaluator();
        assert_eq!(evaluate(&third, "/m.nix", "{ a = 1; }").as_deref(), Ok("{ a = 1; }"));
    })
    .join()
    .expect("no panic");
}

#[test]
fn positions_in_a_reused_file_name_that_file() {
    std::thread::spawn(|| {
        let source = "let f = x: x.y; in\n  builtins.unsafeGetAttrPos \"a\" { a = f { y = 1; }; }";
        let expected = r#"{ column = 35; file = "/p.nix"; line = 2; }"#;
        for _ in 0..3 {
            let ev = evaluator();
            // Other files first, so the reused file is not at the same place
            // in every evaluator's list of files.
            evaluate(&ev, "/other.nix", "1 + 1").expect("evaluates");
            assert_eq!(evaluate(&ev, "/p.nix", source).as_deref(), Ok(expected));
            let error = evaluate(&ev, "/p.nix", "let f = x: x.y; in f { }").expect_err("fails");
            assert!(error.contains("/p.nix:1:12"), "{error}");
        }
    })
    .join()
    .expect("no panic");
}

#[test]
fn discarded_scopes_free_cycles_without_touching_other_evaluators() {
    std::thread::spawn(|| {
        let kept = evaluator();
        let value = kept.eval_source("/k.nix", "let r = rec { a = 1; b = a + 1; }; in r", "/").expect("evaluates");
        let gone = evaluator();
        let cyclic = gone.eval_source("/g.nix", "let f = n: let g = x: g; in n; in f 1", "/").expect("evaluates");
        assert_eq!(eval::print::print_value(&gone.force_deep(&cyclic).expect("forces")), "1");
        gone.discard_scopes(vec![cyclic]);
        drop(gone);
        let forced = kept.force_deep(&value).expect("still evaluates");
        assert_eq!(eval::print::print_value(&forced), "{ a = 1; b = 2; }");
    })
    .join()
    .expect("no panic");
}
