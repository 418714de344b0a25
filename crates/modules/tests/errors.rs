//! Errors of the module system name a place in the user's files, also
//! where the native parts of `<strata/lib>` (crates/eval/src/builtins/modules.rs)
//! raise or pass them on.

#[path = "common/lib_eval.rs"]
mod lib_eval;

use eval::EvalError;
use lib_eval::with_lib;

/// Evaluates `modules.nix` (written into a fresh directory) as the only
/// module of an evaluation, forces its whole `config` and returns the error
/// message with its position as `(file name, line, column)`.
fn error_of(module: &str) -> (String, Option<(String, u32, u32)>) {
    let dir = std::env::temp_dir().join(format!("strata-module-errors-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    std::fs::write(dir.join("modules.nix"), module).expect("write module");
    let dir_text = dir.to_string_lossy().into_owned();
    let source = "((import <strata/lib>).evalModules { modules = [ ./modules.nix ]; }).config".to_string();
    let outcome = std::panic::catch_unwind(|| {
        with_lib(source, dir_text, |ev, result| {
            let err: EvalError = match result.and_then(|v| ev.force_deep(&v)) {
                Ok(_) => panic!("the evaluation succeeded"),
                Err(err) => err,
            };
            let at = ev.line_col(err.pos()).map(|(file, line, column)| {
                let name = std::path::Path::new(&file).file_name().map(|n| n.to_string_lossy().into_owned());
                (name.unwrap_or(file), line, column)
            });
            (err.message().to_string(), at)
        })
    });
    let _ = std::fs::remove_dir_all(&dir);
    outcome.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn unique() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    COUNT.fetch_add(1, Ordering::Relaxed)
}

fn at(line: u32, column: u32) -> Option<(String, u32, u32)> {
    Some(("modules.nix".to_string(), line, column))
}

#[test]
fn a_missing_module_argument_points_at_the_formal() {
    let (message, position) = error_of("{ lib, foo, ... }:\n{ options.a = lib.mkOption { default = foo; }; }\n");
    assert_eq!(message, "attribute 'foo' missing");
    assert_eq!(position, at(1, 8));
}

#[test]
fn infinite_recursion_in_an_option_points_at_its_declaration() {
    // (Where `options.a` is written: Nix positions a nested attribute path
    // at its start.)
    let (message, position) = error_of(
        "{ lib, config, ... }:\n{\n  options.a = lib.mkOption { type = lib.types.str; };\n  config.a = config.a;\n}\n",
    );
    assert_eq!(message, "infinite recursion encountered");
    assert_eq!(position, at(3, 3));
}

#[test]
fn a_non_boolean_condition_points_at_the_option() {
    let (message, position) = error_of(
        "{ lib, ... }:\n{\n  options.a = lib.mkOption { default = 1; };\n  config.a = lib.mkIf \"yes\" 2;\n}\n",
    );
    assert_eq!(message, "‘mkIf’ called with a non-Boolean condition");
    assert_eq!(position, at(3, 3));
}

#[test]
fn a_value_of_the_wrong_type_points_at_the_option() {
    let (message, position) =
        error_of("{ lib, ... }:\n{\n  options.a = lib.mkOption { type = lib.types.int; };\n  config.a = \"x\";\n}\n");
    assert!(message.starts_with("A definition for option `a' is not of type `signed integer'."), "{message}");
    // The message lists the definitions with their files.
    assert_eq!(position, at(3, 3));
}

/// An error about `evalModules`' own arguments, raised when a field of its
/// result is used (the native machinery is made then), still points at the
/// call in the lib, as Nix's does, whichever field is used.
#[test]
fn a_bad_argument_of_eval_modules_points_at_the_call() {
    for field in ["config", "options", "_module"] {
        let source = format!("((import <strata/lib>).evalModules {{ modules = 1; prefix = [ \"x\" ]; }}).{field}");
        let (message, position) =
            with_lib(source, std::env::temp_dir().to_string_lossy().into_owned(), |ev, result| {
                let err = result.and_then(|v| ev.force_deep(&v)).expect_err("the evaluation succeeded");
                let at = ev.line_col(err.pos()).map(|(file, line, _)| (file, line));
                (err.message().to_string(), at)
            });
        assert_eq!(message, "value is an integer while a list was expected", "{field}");
        let (file, _) = position.unwrap_or_else(|| panic!("no position for `{field}'"));
        assert!(file.ends_with("lib/modules.nix"), "{field}: {file}");
    }
}
