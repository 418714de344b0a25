//! Shared helpers of the standard-module tests: evaluating a machine with the
//! embedded `lib` and `nixos` modules, and writing its rendered files into a
//! directory.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

#[path = "../common/lib_eval.rs"]
mod lib_eval;

use eval::Value;
use lib_eval::with_lib;

/// The fixtures directory (`tests/nixos`).
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/nixos");

/// Evaluates `expr` for a machine whose configuration module is `config`.
/// `expr` may use `machine` (the `evalModules` result), `config` and `lib`,
/// and must produce a string. Returns that string, or the rendered error.
pub fn evaluate(config: &str, expr: &str) -> Result<String, String> {
    let dir = fresh_dir("eval");
    std::fs::write(dir.join("machine.nix"), config).expect("write machine.nix");
    let source = format!(
        "let
           lib = import <strata/lib>;
           machine = lib.evalModules {{
             modules = import <strata/nixos/module-list.nix> ++ [ ./machine.nix ];
             specialArgs = {{ pkgs = import {FIXTURES}/pkgs.nix; modulesPath = <strata/nixos>; }};
           }};
           inherit (machine) config;
         in {expr}"
    );
    let dir_text = dir.to_string_lossy().into_owned();
    let outcome = std::panic::catch_unwind(|| {
        with_lib(source, dir_text, |ev, result| match result.and_then(|v| ev.force(&v)) {
            Ok(Value::String(s)) => Ok(s.as_str().to_string()),
            Ok(other) => Err(format!("the test expression is not a string: {}", eval::print::print_value(&other))),
            Err(e) => Err(ev.render_error(&e, false)),
        })
    });
    let _ = std::fs::remove_dir_all(&dir);
    outcome.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// `config.system.build.strata` of the machine, as JSON.
pub fn render(config: &str) -> serde_json::Value {
    let text = evaluate(config, "builtins.toJSON config.system.build.strata").unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&text).expect("toJSON output is JSON")
}

/// The error that evaluating `expr` for the machine gives.
pub fn error_of(config: &str, expr: &str) -> String {
    match evaluate(config, expr) {
        Ok(value) => panic!("expected an evaluation error, got {value}"),
        Err(e) => e,
    }
}

/// The text of the rendered file at `path`.
pub fn file_text<'a>(rendered: &'a serde_json::Value, path: &str) -> &'a str {
    rendered["files"][path]["text"].as_str().unwrap_or_else(|| panic!("no text file {path} in {:#}", rendered["files"]))
}

/// A configuration that imports the `web1` fixture.
pub fn web1() -> String {
    format!("{{ imports = [ {FIXTURES}/web1.nix ]; }}")
}

/// A new empty directory under the system's temporary directory.
pub fn fresh_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("strata-nixos-{tag}-{}-{}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed));
    let dir = std::env::temp_dir().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir.canonicalize().unwrap_or(dir)
}

/// Writes every rendered file (text, source copies and symlinks, with their
/// modes) under `root`.
pub fn write_files(rendered: &serde_json::Value, root: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let files = rendered["files"].as_object().expect("files is an object");
    for (path, entry) in files {
        let target = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("create parent");
        if let Some(link) = entry["symlink"].as_str() {
            std::os::unix::fs::symlink(link, &target).expect("symlink");
            continue;
        }
        match (entry["text"].as_str(), entry["source"].as_str()) {
            (Some(text), _) => std::fs::write(&target, text).expect("write file"),
            (None, Some(source)) => {
                std::fs::copy(source, &target).unwrap_or_else(|e| panic!("copy {source}: {e}"));
            }
            _ => panic!("{path}: neither text, source nor symlink"),
        }
        let mode = u32::from_str_radix(entry["mode"].as_str().expect("mode"), 8).expect("octal mode");
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
}

/// The full path of `program` on `PATH` (and the sbin directories), if any.
pub fn find_program(program: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    let found = path
        .split(':')
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
        .map(|dir| Path::new(dir).join(program))
        .find(|candidate| candidate.is_file());
    found
}
