//! The evaluation cache: a command's output kept with everything the
//! evaluation read, and reused while none of it changed.
//!
//! [`RecordingIO`] wraps the evaluator's file and environment access and
//! writes down a fingerprint of each answer (a file's contents, a
//! directory's listing, whether a path exists, an environment variable).
//! [`store`] keeps the output with those fingerprints; [`lookup`] asks every
//! recorded question again and returns the output only when every answer is
//! the same. An evaluation that looked at the clock or printed traces is
//! never stored. The embedded lib and standard modules are covered by the
//! key, which includes the identity of the `strata` executable.
//!
//! Entries live in `$XDG_CACHE_HOME/strata/eval` (or `~/.cache/strata/eval`);
//! `STRATA_NO_CACHE=1` turns the cache off.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use eval::io::{EvalIO, FileType};
use serde::{Deserialize, Serialize};

/// The questions an evaluation asked, each with its answer's fingerprint.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Dependencies {
    /// One answer per question, keyed by kind and subject.
    answers: BTreeMap<String, Answer>,
    /// The evaluation read the clock or printed traces: never reuse it.
    impure: bool,
}

/// A question (kind and path or variable name) and its answer's fingerprint.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Answer {
    kind: Kind,
    subject: String,
    print: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    File,
    Type,
    Exists,
    Dir,
    Link,
    Executable,
    IsDir,
    Env,
    Cwd,
}

fn digest(bytes: &[u8]) -> String {
    // SipHash with fixed keys: stable between runs of the same binary, which
    // is all the cache needs (the key includes the binary's identity).
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("{:016x}:{}", hasher.finish(), bytes.len())
}

fn result_print<T: std::fmt::Debug>(result: &io::Result<T>) -> String {
    match result {
        Ok(value) => format!("ok {value:?}"),
        Err(error) => format!("err {:?}", error.kind()),
    }
}

fn listing_print(result: &io::Result<Vec<(String, FileType)>>) -> String {
    match result {
        Ok(entries) => {
            let mut entries: Vec<String> =
                entries.iter().map(|(name, kind)| format!("{name}/{}", kind.name())).collect();
            entries.sort();
            digest(entries.join("\n").as_bytes())
        }
        Err(error) => format!("err {:?}", error.kind()),
    }
}

fn file_print(result: &io::Result<Vec<u8>>) -> String {
    match result {
        Ok(bytes) => digest(bytes),
        Err(error) => format!("err {:?}", error.kind()),
    }
}

/// Asks one question again.
fn answer(io: &dyn EvalIO, kind: Kind, subject: &str) -> String {
    match kind {
        Kind::File => file_print(&io.read_file(subject)),
        Kind::Type => result_print(&io.file_type(subject).map(FileType::name)),
        Kind::Exists => io.path_exists(subject).to_string(),
        Kind::Dir => listing_print(&io.read_dir(subject)),
        Kind::Link => result_print(&io.read_link(subject)),
        Kind::Executable => io.is_executable(subject).to_string(),
        Kind::IsDir => io.is_dir(subject).to_string(),
        Kind::Env => format!("{:?}", io.env_var(subject)),
        Kind::Cwd => result_print(&io.current_dir()),
    }
}

/// Cache look-ups that share answers: many entries (one per machine) ask
/// about the same files, which need reading only once per [`Lookups`].
#[derive(Default)]
pub struct Lookups {
    answers: RefCell<std::collections::HashMap<(Kind, String), String>>,
}

impl Lookups {
    fn answer(&self, io: &dyn EvalIO, kind: Kind, subject: &str) -> String {
        let key = (kind, subject.to_string());
        if let Some(known) = self.answers.borrow().get(&key) {
            return known.clone();
        }
        let fresh = answer(io, kind, subject);
        self.answers.borrow_mut().insert(key, fresh.clone());
        fresh
    }

    /// The output stored for `key`, if everything it depended on is unchanged.
    pub fn lookup(&self, key: &str, io: &dyn EvalIO) -> Option<String> {
        let text = std::fs::read_to_string(entry_path(key)?).ok()?;
        let entry: Entry = serde_json::from_str(&text).ok()?;
        let unchanged = !entry.dependencies.impure
            && entry.dependencies.answers.values().all(|a| self.answer(io, a.kind, &a.subject) == a.print);
        unchanged.then_some(entry.output)
    }
}

impl Dependencies {
    /// Whether every recorded question still has the same answer.
    pub fn unchanged(&self, io: &dyn EvalIO) -> bool {
        !self.impure && self.answers.values().all(|a| answer(io, a.kind, &a.subject) == a.print)
    }

    /// Records a file the caller read itself (outside the evaluator).
    pub fn add_file(&mut self, path: &Path) {
        let subject = path.to_string_lossy().into_owned();
        let print = file_print(&std::fs::read(path));
        self.insert(Kind::File, &subject, print);
    }

    fn insert(&mut self, kind: Kind, subject: &str, print: String) {
        let key = format!("{kind:?}\u{0}{subject}");
        self.answers.insert(key, Answer { kind, subject: subject.to_string(), print });
    }

    pub fn is_impure(&self) -> bool {
        self.impure
    }

    /// How many answers were recorded.
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }
}

/// An [`EvalIO`] that records what it was asked (see the module docs).
pub struct RecordingIO<I> {
    inner: I,
    recorded: Rc<RefCell<Dependencies>>,
}

impl<I: EvalIO> RecordingIO<I> {
    pub fn new(inner: I, recorded: Rc<RefCell<Dependencies>>) -> RecordingIO<I> {
        RecordingIO { inner, recorded }
    }

    fn note(&self, kind: Kind, subject: &str, print: String) {
        self.recorded.borrow_mut().insert(kind, subject, print);
    }
}

impl<I: EvalIO> EvalIO for RecordingIO<I> {
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        let result = self.inner.read_file(path);
        self.note(Kind::File, path, file_print(&result));
        result
    }

    fn file_type(&self, path: &str) -> io::Result<FileType> {
        let result = self.inner.file_type(path);
        self.note(
            Kind::Type,
            path,
            result_print(&result.as_ref().map(|t| t.name()).map_err(|e| io::Error::from(e.kind()))),
        );
        result
    }

    fn path_exists(&self, path: &str) -> bool {
        let result = self.inner.path_exists(path);
        self.note(Kind::Exists, path, result.to_string());
        result
    }

    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, FileType)>> {
        let result = self.inner.read_dir(path);
        self.note(Kind::Dir, path, listing_print(&result));
        result
    }

    fn read_link(&self, path: &str) -> io::Result<String> {
        let result = self.inner.read_link(path);
        self.note(
            Kind::Link,
            path,
            result_print(&result.as_ref().map(String::clone).map_err(|e| io::Error::from(e.kind()))),
        );
        result
    }

    fn is_executable(&self, path: &str) -> bool {
        let result = self.inner.is_executable(path);
        self.note(Kind::Executable, path, result.to_string());
        result
    }

    fn is_dir(&self, path: &str) -> bool {
        let result = self.inner.is_dir(path);
        self.note(Kind::IsDir, path, result.to_string());
        result
    }

    fn env_var(&self, name: &str) -> Option<String> {
        let result = self.inner.env_var(name);
        self.note(Kind::Env, name, format!("{result:?}"));
        result
    }

    fn current_time(&self) -> i64 {
        self.recorded.borrow_mut().impure = true;
        self.inner.current_time()
    }

    fn current_dir(&self) -> io::Result<String> {
        let result = self.inner.current_dir();
        self.note(
            Kind::Cwd,
            "",
            result_print(&result.as_ref().map(String::clone).map_err(|e| io::Error::from(e.kind()))),
        );
        result
    }

    fn trace(&self, message: &str) {
        self.recorded.borrow_mut().impure = true;
        self.inner.trace(message)
    }
}

/// A stored output.
#[derive(Serialize, Deserialize)]
struct Entry {
    dependencies: Dependencies,
    output: String,
}

/// The cache directory, or `None` when caching is off or there is no home.
fn directory() -> Option<PathBuf> {
    if std::env::var_os("STRATA_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0") {
        return None;
    }
    let base = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache"),
    };
    Some(base.join("strata").join("eval"))
}

/// The file for `key`: the key hashed with the running executable's
/// identity (path, size, modification time), so a new build of Strata (with
/// a new embedded lib) never reuses old entries.
fn entry_path(key: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    let identity = format!("{}\n{}\n{}\n{}", exe.display(), meta.len(), modified.as_nanos(), key);
    let mut hasher = std::hash::DefaultHasher::new();
    identity.hash(&mut hasher);
    Some(directory()?.join(format!("{:016x}.json", hasher.finish())))
}

/// The output stored for `key`, if everything it depended on is unchanged.
pub fn lookup(key: &str, io: &dyn EvalIO) -> Option<String> {
    Lookups::default().lookup(key, io)
}

/// Keeps `output` for `key` (best effort: a cache that cannot be written
/// only costs time). Impure evaluations are not kept.
pub fn store(key: &str, dependencies: &Dependencies, output: &str) {
    if dependencies.impure {
        return;
    }
    let Some(path) = entry_path(key) else { return };
    let Some(parent) = path.parent() else { return };
    if std::fs::create_dir_all(parent).is_err() {
        return;
    }
    let entry = Entry { dependencies: dependencies.clone(), output: output.to_string() };
    let Ok(text) = serde_json::to_string(&entry) else { return };
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&temporary, text).is_ok() && std::fs::rename(&temporary, &path).is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
}
