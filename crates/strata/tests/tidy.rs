//! Hygiene of the source tree, checked as a test: every Rust file under
//! `crates/*/src` starts with module docs, and none leaves debugging macros,
//! stubs or ignored tests behind (the patterns are in `forbidden` below).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn sources_are_tidy() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in std::fs::read_dir(&crates).expect("crates/ is readable").flatten() {
        rust_files(&krate.path().join("src"), &mut files);
        rust_files(&krate.path().join("tests"), &mut files);
    }
    assert!(files.len() > 20, "found only {} files", files.len());
    let forbidden =
        [concat!("dbg", "!("), concat!("todo", "!()"), concat!("unimplemented", "!()"), concat!("#[", "ignore")];
    let mut problems = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("source is UTF-8");
        let in_src = file.components().any(|c| c.as_os_str() == "src");
        let is_module_file = !file.ends_with("build.rs");
        if in_src && is_module_file && !text.trim_start().starts_with("//!") {
            problems.push(format!("{}: no `//!` module docs", file.display()));
        }
        for (number, line) in text.lines().enumerate() {
            for pattern in forbidden {
                if line.contains(pattern) {
                    problems.push(format!("{}:{}: {pattern}", file.display(), number + 1));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
