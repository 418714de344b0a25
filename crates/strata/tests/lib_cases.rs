//! The `lib` corpus (`tests/lib/`) as one test per case.
//!
//! A case is `NAME.nix` holding a function of `lib`; `NAME.exp` is what
//! `nix-instantiate --eval --strict` prints for it applied to nixpkgs' lib
//! (written by `scripts/regen-lib-exp`). The test applies the case to the
//! embedded lib instead:
//!
//! ```text
//! strata eval --strict -E '(import /abs/NAME.nix) (import <strata/lib>)'
//! ```
//!
//! and wants exit code 0 and exactly the `.exp` bytes on stdout. Cases in
//! `notyetpassing/` must fail, so a fix is noticed and the case moved up.
//! `fixtures/` holds files the cases read and is not searched. Every case
//! runs in its own directory with `HOME=/homeless-shelter` and no
//! `NIX_PATH`; `STRATA_BIN` and `STRATA_TEST_TIMEOUT` work as for `lang`.

mod common;

use common::{run, strata_bin};
use libtest_mimic::{Arguments, Trial};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// One `.nix` file of `tests/lib/`.
struct LibCase {
    /// Path relative to `tests/lib/` without `.nix`, e.g. `lists-sort` or
    /// `notyetpassing/strings-x`.
    id: String,
    /// Absolute path of the `.nix` file.
    path: PathBuf,
    not_yet_passing: bool,
}

fn main() {
    let args = Arguments::from_args();
    let trials = collect()
        .into_iter()
        .map(|case| {
            Trial::test(format!("lib::{}", case.id.replace('/', "::")), move || {
                common::judge(&case.id, case.not_yet_passing, check(&case))
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

fn lib_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lib")
}

/// Every case, sorted by id: `*.nix` directly in `tests/lib/` and in
/// `tests/lib/notyetpassing/`.
fn collect() -> Vec<LibCase> {
    let root = lib_dir().canonicalize().unwrap_or_else(|e| panic!("cannot find tests/lib: {e}"));
    let mut cases = Vec::new();
    for (dir, not_yet_passing) in [(root.clone(), false), (root.join("notyetpassing"), true)] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_file() || path.extension().is_none_or(|e| e != "nix") {
                continue;
            }
            let rel = path.strip_prefix(&root).expect("under root").to_string_lossy().replace('\\', "/");
            let id = rel.strip_suffix(".nix").expect("a .nix file").to_owned();
            cases.push(LibCase { id, path, not_yet_passing });
        }
    }
    cases.sort_by(|a, b| a.id.cmp(&b.id));
    cases
}

/// Ok when strata prints exactly the expected value.
fn check(case: &LibCase) -> Result<(), String> {
    let exp_path = case.path.with_extension("exp");
    let expected = std::fs::read(&exp_path)
        .map_err(|e| format!("cannot read {}: {e} (run scripts/regen-lib-exp)", exp_path.display()))?;
    let expr = format!("(import {}) (import <strata/lib>)", case.path.display());
    let args: Vec<OsString> = ["eval", "--strict", "-E", &expr].into_iter().map(OsString::from).collect();
    let dir = case.path.parent().expect("a case file has a parent directory");
    let out = run(&strata_bin(), &args, dir)?;
    common::expect_output(&out, &expected)
}
