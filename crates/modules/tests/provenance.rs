//! `modules::explain` and `modules::list_options` on small module files
//! evaluated with the embedded lib.

use std::path::{Path, PathBuf};

#[path = "common/lib_eval.rs"]
mod lib_eval;

use eval::{ErrorKind, EvalError, Evaluator, Value};
use lib_eval::with_lib;
use modules::{explain, list_options, Definition, DisabledDefinition, OptionProvenance};

/// Declares the options and defines some of them (`config` form).
const A: &str = r#"{ lib, ... }:
{
  options = {
    a.b = lib.mkOption { type = lib.types.int; default = 7; };
    a.c = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
    d = lib.mkOption { type = lib.types.str; default = "dflt"; };
    e = lib.mkOption { type = lib.types.bool; };
  };
  config = {
    a.b = lib.mkDefault 1;
    a.c = [ "x" ];
  };
}
"#;

/// Shorthand form: definitions only.
const B: &str = r#"{ lib, ... }:
{
  a.b = lib.mkForce 2;
  a.c = lib.mkMerge [
    (lib.mkIf false [ "never" ])
    [ "y" ]
  ];
  e = lib.mkIf false true;
}
"#;

/// A `config` wrapped in properties, pushed down onto its attributes.
const C: &str = r#"{ lib, ... }:
{
  config = lib.mkMerge [
    (lib.mkIf false { d = "off"; })
    { a.b = lib.mkOverride 900 (throw "boom"); }
  ];
}
"#;

fn def(file: &str, line: u32, column: u32, priority: i64, value: &str) -> Definition {
    Definition {
        file: file.to_string(),
        line: Some(line),
        column: Some(column),
        module: file.to_string(),
        priority,
        value: value.to_string(),
    }
}

fn disabled(file: &str, line: u32, column: u32) -> DisabledDefinition {
    DisabledDefinition { file: file.to_string(), line: Some(line), column: Some(column), module: file.to_string() }
}

#[test]
fn definitions_priorities_and_positions() {
    with_modules(&[("a.nix", A), ("b.nix", B), ("c.nix", C)], |ev, options, dir| {
        let [a, b, c] = ["a.nix", "b.nix", "c.nix"].map(|name| format!("{dir}/{name}"));
        let found = explain(ev, options, &["a", "b"]).expect("a.b");
        assert_eq!(
            found,
            OptionProvenance {
                path: vec!["a".into(), "b".into()],
                definitions: vec![
                    def(&c, 5, 7, 900, "«error: boom»"),
                    def(&b, 3, 3, 50, "2"),
                    def(&a, 10, 5, 1000, "1"),
                ],
                disabled: vec![],
                default_used: false,
                default: Some("7".into()),
                highest_priority: 50,
                declarations: vec![a.clone()],
                type_description: "signed integer".into(),
                value: Some("2".into()),
            }
        );
        let used: Vec<bool> = found.definitions.iter().map(|d| d.is_used(&found)).collect();
        assert_eq!(used, [false, true, false]);
    });
}

#[test]
fn mk_if_false_is_listed_as_disabled() {
    with_modules(&[("a.nix", A), ("b.nix", B), ("c.nix", C)], |ev, options, dir| {
        let [a, b, c] = ["a.nix", "b.nix", "c.nix"].map(|name| format!("{dir}/{name}"));

        let list = explain(ev, options, &["a", "c"]).expect("a.c");
        assert_eq!(list.definitions, [def(&b, 4, 3, 100, r#"[ "y" ]"#), def(&a, 11, 5, 100, r#"[ "x" ]"#)]);
        assert_eq!(list.disabled, [disabled(&b, 4, 3)]);
        assert_eq!(list.value.as_deref(), Some(r#"[ "y" "x" ]"#));
        assert!(!list.default_used);

        // Pushed down from `config = mkMerge [ (mkIf false { d = …; }) … ]`.
        let d = explain(ev, options, &["d"]).expect("d");
        assert_eq!(d.definitions, []);
        assert_eq!(d.disabled, [disabled(&c, 4, 23)]);
        assert!(d.default_used);
        assert_eq!(d.value.as_deref(), Some(r#""dflt""#));
    });
}

#[test]
fn undefined_option_without_default() {
    with_modules(&[("a.nix", A), ("b.nix", B)], |ev, options, dir| {
        let e = explain(ev, options, &["e"]).expect("e");
        assert_eq!(e.definitions, []);
        assert_eq!(e.disabled, [disabled(&format!("{dir}/b.nix"), 8, 3)]);
        assert!(!e.default_used);
        assert_eq!(e.default, None);
        assert_eq!(e.value, None);
        assert_eq!(e.type_description, "boolean");
    });
}

#[test]
fn the_default_alone() {
    with_modules(&[("a.nix", A)], |ev, options, _| {
        let c = explain(ev, options, &["a", "c"]).expect("a.c");
        assert_eq!(c.definitions.len(), 1);
        assert!(!c.default_used);
        let d = explain(ev, options, &["d"]).expect("d");
        assert_eq!((d.definitions.len(), d.default_used, d.highest_priority), (0, true, 1500));
    });
}

#[test]
fn paths_that_are_not_options() {
    with_modules(&[("a.nix", A)], |ev, options, _| {
        let message = |path: &[&str]| {
            let error = explain(ev, options, path).expect_err("not an option");
            assert_eq!(error.kind(), ErrorKind::Missing);
            error.message().to_string()
        };
        assert_eq!(message(&["a", "x"]), "The option `a.x' does not exist.");
        assert_eq!(message(&["a"]), "`a' is a set of options, not an option");
        assert!(message(&["d", "x"]).starts_with("`d.x' is inside the option `d'"));
    });
}

#[test]
fn every_declared_option_is_listed() {
    with_modules(&[("a.nix", A), ("b.nix", B)], |ev, options, _| {
        let paths = list_options(ev, options).expect("options");
        let shown: Vec<String> = paths.iter().map(|p| p.join(".")).collect();
        assert_eq!(
            shown,
            ["_module.args", "_module.check", "_module.freeformType", "_module.specialArgs", "a.b", "a.c", "d", "e"]
        );
    });
}

/// Writes `files` into a fresh directory, evaluates them as the modules of
/// one `evalModules` call and runs `check` with the result's `options`, on a
/// thread with a stack as large as the CLI's evaluation thread has.
fn with_modules(files: &[(&str, &str)], check: impl FnOnce(&Evaluator, &Value, &str) + Send + 'static) {
    let dir = fresh_dir();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write module");
    }
    let modules: Vec<String> = files.iter().map(|(name, _)| format!("./{name}")).collect();
    let source = format!("((import <strata/lib>).evalModules {{ modules = [ {} ]; }}).options", modules.join(" "));
    let dir_text = dir.to_string_lossy().into_owned();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let dir_for_check = dir_text.clone();
        with_lib(source, dir_text, move |ev, result| {
            let options = result
                .and_then(|v| ev.force(&v))
                .unwrap_or_else(|e: EvalError| panic!("{}", ev.render_error(&e, true)));
            check(ev, &options, &dir_for_check);
        })
    }));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

fn fresh_dir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("strata-provenance-{}-{}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed));
    let dir = std::env::temp_dir().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    canonical(&dir)
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
