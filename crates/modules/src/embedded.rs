//! Serving the embedded `lib` through [`EvalIO`].

use std::io;

use eval::io::{EvalIO, FileType};
use eval::SearchPathEntry;

/// Where the embedded files appear to the evaluator.
pub const LIB_ROOT: &str = "/strata-builtin";

/// The embedded files, relative to [`LIB_ROOT`].
const FILES: &[(&str, &str)] = &include!(concat!(env!("OUT_DIR"), "/embedded_files.rs"));

/// The search-path entry that makes `<strata/lib>` resolve to the embedded lib.
pub fn search_path_entry() -> SearchPathEntry {
    SearchPathEntry { prefix: "strata".to_string(), path: LIB_ROOT.to_string() }
}

/// An [`EvalIO`] that serves the embedded files under [`LIB_ROOT`] and
/// passes everything else to the wrapped one.
pub struct LibIO<I> {
    inner: I,
}

impl<I: EvalIO> LibIO<I> {
    pub fn new(inner: I) -> LibIO<I> {
        LibIO { inner }
    }
}

fn relative(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(LIB_ROOT)?;
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix('/')
}

fn file(rel: &str) -> Option<&'static str> {
    FILES.iter().find(|(name, _)| *name == rel).map(|(_, text)| *text)
}

fn is_dir(rel: &str) -> bool {
    rel.is_empty() || FILES.iter().any(|(name, _)| name.strip_prefix(rel).is_some_and(|r| r.starts_with('/')))
}

fn not_found(path: &str) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("{path}: no such embedded file"))
}

impl<I: EvalIO> EvalIO for LibIO<I> {
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        match relative(path) {
            Some(rel) => file(rel).map(|t| t.as_bytes().to_vec()).ok_or_else(|| not_found(path)),
            None => self.inner.read_file(path),
        }
    }

    fn file_type(&self, path: &str) -> io::Result<FileType> {
        match relative(path) {
            Some(rel) if file(rel).is_some() => Ok(FileType::Regular),
            Some(rel) if is_dir(rel) => Ok(FileType::Directory),
            Some(_) => Err(not_found(path)),
            None => self.inner.file_type(path),
        }
    }

    fn path_exists(&self, path: &str) -> bool {
        match relative(path) {
            Some(rel) => file(rel).is_some() || is_dir(rel),
            None => self.inner.path_exists(path),
        }
    }

    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, FileType)>> {
        let Some(rel) = relative(path) else {
            return self.inner.read_dir(path);
        };
        if !is_dir(rel) {
            return Err(not_found(path));
        }
        let prefix = if rel.is_empty() { String::new() } else { format!("{rel}/") };
        let mut entries: Vec<(String, FileType)> = Vec::new();
        for (name, _) in FILES {
            if let Some(rest) = name.strip_prefix(&prefix) {
                let (first, kind) = match rest.split_once('/') {
                    Some((dir, _)) => (dir, FileType::Directory),
                    None => (rest, FileType::Regular),
                };
                if !entries.iter().any(|(n, _)| n == first) {
                    entries.push((first.to_string(), kind));
                }
            }
        }
        Ok(entries)
    }

    fn read_link(&self, path: &str) -> io::Result<String> {
        match relative(path) {
            Some(_) => Err(io::Error::new(io::ErrorKind::InvalidInput, "not a symlink")),
            None => self.inner.read_link(path),
        }
    }

    fn is_executable(&self, path: &str) -> bool {
        relative(path).is_none() && self.inner.is_executable(path)
    }

    fn is_dir(&self, path: &str) -> bool {
        match relative(path) {
            Some(rel) => is_dir(rel),
            None => self.inner.is_dir(path),
        }
    }

    fn env_var(&self, name: &str) -> Option<String> {
        self.inner.env_var(name)
    }

    fn current_time(&self) -> i64 {
        self.inner.current_time()
    }

    fn current_dir(&self) -> io::Result<String> {
        self.inner.current_dir()
    }

    fn trace(&self, message: &str) {
        self.inner.trace(message)
    }
}
