//! Helpers shared by the flake tests: temporary directories, git
//! repositories, an evaluator and value inspection.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use eval::io::StdIO;
use eval::{EvalOptions, Evaluator, Value};
use syntax::ast::Pos;

/// A directory under the system temporary directory, removed on drop.
pub struct TempDir(PathBuf);

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("strata-flake-{label}-{}-{unique}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir.canonicalize().unwrap())
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// Writes `text` to `rel`, creating directories.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        write(&self.0.join(rel), text)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn write(path: &Path, text: &str) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    path.to_path_buf()
}

/// Runs git in `dir` with a fixed identity and dates; returns its output.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// `git init` on branch `main`.
pub fn git_init(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "-b", "main"]);
}

/// Commits everything with `message` at the given Unix time; returns the commit hash.
pub fn commit(dir: &Path, message: &str, time: u64) -> String {
    git(dir, &["add", "-A"]);
    let date = format!("@{time} +0000");
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["commit", "-q", "-m", message])
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(output.status.success(), "git commit failed: {}", String::from_utf8_lossy(&output.stderr));
    git(dir, &["rev-parse", "HEAD"])
}

pub fn evaluator() -> Evaluator {
    Evaluator::new(EvalOptions::default(), Box::new(StdIO))
}

/// A stand-in for the built-in `strata` input.
pub fn strata_builtin(ev: &Evaluator) -> Value {
    ev.eval_source("«builtin»", r#"{ lib = { answer = 42; }; outPath = "/strata-builtin"; }"#, "/").unwrap()
}

/// `value.a.b.c` forced completely and printed as JSON.
pub fn json_at(ev: &Evaluator, value: &Value, path: &str) -> String {
    let mut current = value.clone();
    for name in path.split('.').filter(|part| !part.is_empty()) {
        let attrs = ev.force_attrs(&current, Pos::NONE).unwrap_or_else(|e| panic!("{}", ev.render_error(&e, false)));
        current = attrs.get_str(name).unwrap_or_else(|| panic!("no attribute '{name}' in '{path}'")).clone();
    }
    let mut out = String::new();
    let mut context = Default::default();
    ev.to_json(&current, Pos::NONE, &mut out, &mut context)
        .unwrap_or_else(|e| panic!("{}", ev.render_error(&e, false)));
    out
}

/// The names of an attribute set.
pub fn names(ev: &Evaluator, value: &Value) -> Vec<String> {
    let attrs = ev.force_attrs(value, Pos::NONE).unwrap();
    attrs.entries().iter().map(|entry| entry.name.as_str().to_string()).collect()
}

/// Options with a private cache directory.
pub fn options(cache: &TempDir) -> flake::Options {
    flake::Options { cache_dir: Some(cache.path().to_path_buf()), skip_root_git_info: false }
}

/// Sets the modification time of `dir` and everything in it.
pub fn set_mtime_tree(dir: &Path, seconds: u64) {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
    fn walk(path: &Path, time: std::time::SystemTime) {
        let meta = std::fs::symlink_metadata(path).unwrap();
        if meta.is_dir() {
            for entry in std::fs::read_dir(path).unwrap() {
                walk(&entry.unwrap().path(), time);
            }
        }
        if !meta.file_type().is_symlink() {
            std::fs::File::open(path).unwrap().set_modified(time).unwrap();
        }
    }
    walk(dir, time);
}

/// Locks the flake in `dir`.
pub fn lock(ev: &Evaluator, dir: &Path, mode: flake::LockMode, cache: &TempDir) -> flake::LockOutcome {
    flake::lock(ev, dir, &["strata"], &mode, &options(cache)).unwrap_or_else(|error| panic!("locking failed: {error}"))
}

/// Loads the flake in `dir` with the stand-in `strata` input.
pub fn load(ev: &Evaluator, dir: &Path, cache: &TempDir) -> Result<flake::Loaded, flake::Error> {
    let strata = strata_builtin(ev);
    flake::load_with(ev, dir, &[("strata", strata)], &options(cache))
}

/// A git repository holding a flake whose `value` output is `value`; returns the commit.
pub fn flake_repo(dir: &Path, value: &str, time: u64) -> String {
    if !dir.join(".git").exists() {
        git_init(dir);
    }
    write(&dir.join("flake.nix"), &format!("{{ outputs = {{ self }}: {{ value = \"{value}\"; }}; }}\n"));
    commit(dir, &format!("set value to {value}"), time)
}
