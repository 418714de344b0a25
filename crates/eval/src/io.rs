//! The evaluator's only door to the outside world.
//!
//! Every file read, directory listing, environment variable and clock reading
//! goes through [`EvalIO`], so an embedding can make evaluation pure,
//! sandboxed or served from memory. [`StdIO`] is the real filesystem.

use std::io;

/// What kind of file a path names (without following a final symlink).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    Regular,
    Directory,
    Symlink,
    Unknown,
}

impl FileType {
    /// The name `builtins.readDir` and `readFileType` use.
    pub fn name(self) -> &'static str {
        match self {
            FileType::Regular => "regular",
            FileType::Directory => "directory",
            FileType::Symlink => "symlink",
            FileType::Unknown => "unknown",
        }
    }
}

pub trait EvalIO {
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>>;
    /// The type of `path` itself (`lstat`).
    fn file_type(&self, path: &str) -> io::Result<FileType>;
    /// Whether `path` exists, following symlinks.
    fn path_exists(&self, path: &str) -> bool;
    /// Entries of a directory, in any order.
    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, FileType)>>;
    fn read_link(&self, path: &str) -> io::Result<String>;
    fn is_executable(&self, path: &str) -> bool;
    /// Whether `path` is a directory, following symlinks.
    fn is_dir(&self, path: &str) -> bool;
    fn env_var(&self, name: &str) -> Option<String>;
    /// Seconds since the epoch.
    fn current_time(&self) -> i64;
    /// The current working directory.
    fn current_dir(&self) -> io::Result<String>;
    /// Where `builtins.trace` and `builtins.warn` messages go.
    fn trace(&self, message: &str) {
        eprintln!("{message}");
    }
}

/// The real filesystem and process environment.
#[derive(Default)]
pub struct StdIO;

fn convert(file_type: std::fs::FileType) -> FileType {
    if file_type.is_symlink() {
        FileType::Symlink
    } else if file_type.is_dir() {
        FileType::Directory
    } else if file_type.is_file() {
        FileType::Regular
    } else {
        FileType::Unknown
    }
}

impl EvalIO for StdIO {
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn file_type(&self, path: &str) -> io::Result<FileType> {
        Ok(convert(std::fs::symlink_metadata(path)?.file_type()))
    }

    fn path_exists(&self, path: &str) -> bool {
        std::fs::metadata(path).is_ok()
    }

    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, FileType)>> {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            entries.push((name, convert(entry.file_type()?)));
        }
        Ok(entries)
    }

    fn read_link(&self, path: &str) -> io::Result<String> {
        Ok(std::fs::read_link(path)?.to_string_lossy().into_owned())
    }

    fn is_executable(&self, path: &str) -> bool {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).map(|m| m.permissions().mode() & 0o111 != 0).unwrap_or(false)
    }

    fn is_dir(&self, path: &str) -> bool {
        std::fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false)
    }

    fn env_var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    fn current_time(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
    }

    fn current_dir(&self) -> io::Result<String> {
        Ok(std::env::current_dir()?.to_string_lossy().into_owned())
    }
}
