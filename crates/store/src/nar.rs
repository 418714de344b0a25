//! NAR ("Nix ARchive") serialization of a file tree, and its hash.
//!
//! The format: every string is a little-endian `u64` length, the bytes, and
//! zero padding to a multiple of 8. A dump is `nix-archive-1` followed by a
//! node: `( type regular [executable ""] contents <data> )`,
//! `( type symlink target <target> )` or
//! `( type directory entry ( name <n> node <node> ) ... )` with entries sorted
//! bytewise by name.
//!
//! File access goes through the [`NarFs`] trait so the evaluator can supply
//! its own IO; [`StdFs`] is the plain `std::fs` implementation.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::hash::{Hash, HashAlgo, Hasher};

/// The kind of a file system entry, as NAR distinguishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileType {
    Regular,
    /// A regular file with the owner's execute bit set.
    Executable,
    Directory,
    Symlink,
    /// Anything else (socket, device, fifo): passed to the filter as
    /// `"unknown"`, and an error if it is not filtered out.
    Unknown,
}

impl FileType {
    /// The name `builtins.filterSource` and `builtins.readDir` give this
    /// type: `"regular"` (also for executables), `"directory"`, `"symlink"`
    /// or `"unknown"`.
    pub fn nix_name(self) -> &'static str {
        match self {
            FileType::Regular | FileType::Executable => "regular",
            FileType::Directory => "directory",
            FileType::Symlink => "symlink",
            FileType::Unknown => "unknown",
        }
    }
}

/// Read-only file system access needed to serialize a tree. Paths are used
/// as given; symlinks are never followed.
pub trait NarFs {
    /// The type of `path` without following a final symlink.
    fn file_type(&self, path: &Path) -> io::Result<FileType>;
    /// The whole content of a regular file.
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// The names of the entries of a directory, in any order.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<Vec<u8>>>;
    /// The target of a symlink, as raw bytes.
    fn read_link(&self, path: &Path) -> io::Result<Vec<u8>>;
}

/// [`NarFs`] over the real file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdFs;

impl NarFs for StdFs {
    fn file_type(&self, path: &Path) -> io::Result<FileType> {
        let meta = std::fs::symlink_metadata(path)?;
        let kind = meta.file_type();
        Ok(if kind.is_symlink() {
            FileType::Symlink
        } else if kind.is_dir() {
            FileType::Directory
        } else if kind.is_file() && is_executable(&meta) {
            FileType::Executable
        } else if kind.is_file() {
            FileType::Regular
        } else {
            FileType::Unknown
        })
    }

    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<Vec<u8>>> {
        std::fs::read_dir(path)?.map(|entry| Ok(os_bytes(&entry?.file_name()))).collect()
    }

    fn read_link(&self, path: &Path) -> io::Result<Vec<u8>> {
        Ok(os_bytes(std::fs::read_link(path)?.as_os_str()))
    }
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o100 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    false
}

#[cfg(unix)]
fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    s.to_string_lossy().into_owned().into_bytes()
}

#[cfg(unix)]
fn join_name(dir: &Path, name: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    dir.join(std::ffi::OsStr::from_bytes(name))
}

#[cfg(not(unix))]
fn join_name(dir: &Path, name: &[u8]) -> PathBuf {
    dir.join(String::from_utf8_lossy(name).as_ref())
}

/// Why a tree could not be serialized.
#[derive(Debug, thiserror::Error)]
pub enum NarError {
    #[error("file '{}' has an unsupported type", .0.display())]
    UnsupportedType(PathBuf),
    #[error("reading '{}': {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    /// A directory entry NAR cannot represent (empty, `.`, `..`, or with `/` or NUL).
    #[error("directory '{}' has an entry with an invalid name '{}'", dir.display(), String::from_utf8_lossy(name))]
    InvalidEntryName { dir: PathBuf, name: Vec<u8> },
    #[error("writing the archive: {0}")]
    Write(io::Error),
}

/// The NAR format's magic string.
pub const NAR_MAGIC: &str = "nix-archive-1";

/// Writes the NAR of `path` to `sink`.
///
/// `filter` is asked about every entry below `path` (never about `path`
/// itself) with its full path and type; entries it rejects are left out,
/// with everything below them. It returns `Result` so that an evaluator can
/// surface errors from a Nix filter function: any error type that can hold a
/// [`NarError`] works.
pub fn nar_serialize<E: From<NarError>>(
    fs: &dyn NarFs,
    path: &Path,
    filter: &mut dyn FnMut(&Path, FileType) -> Result<bool, E>,
    sink: &mut dyn Write,
) -> Result<(), E> {
    write_str(sink, NAR_MAGIC.as_bytes())?;
    let file_type = read(path, fs.file_type(path))?;
    dump(fs, path, file_type, filter, sink)
}

/// SHA-256 of the NAR of `path` (see [`nar_serialize`] for `filter`).
pub fn nar_hash<E: From<NarError>>(
    fs: &dyn NarFs,
    path: &Path,
    filter: &mut dyn FnMut(&Path, FileType) -> Result<bool, E>,
) -> Result<Hash, E> {
    let mut hasher = Hasher::new(HashAlgo::Sha256);
    nar_serialize(fs, path, filter, &mut hasher)?;
    Ok(hasher.finish())
}

/// A filter that keeps everything, for [`nar_serialize`] and [`nar_hash`].
pub fn keep_all(_path: &Path, _file_type: FileType) -> Result<bool, NarError> {
    Ok(true)
}

fn read<T>(path: &Path, result: io::Result<T>) -> Result<T, NarError> {
    result.map_err(|source| NarError::Read { path: path.to_owned(), source })
}

fn dump<E: From<NarError>>(
    fs: &dyn NarFs,
    path: &Path,
    file_type: FileType,
    filter: &mut dyn FnMut(&Path, FileType) -> Result<bool, E>,
    sink: &mut dyn Write,
) -> Result<(), E> {
    write_strs(sink, &[b"(", b"type"])?;
    match file_type {
        FileType::Regular | FileType::Executable => {
            write_str(sink, b"regular")?;
            if file_type == FileType::Executable {
                write_strs(sink, &[b"executable", b""])?;
            }
            let contents = read(path, fs.read_file(path))?;
            write_strs(sink, &[b"contents", &contents])?;
        }
        FileType::Symlink => {
            let target = read(path, fs.read_link(path))?;
            write_strs(sink, &[b"symlink", b"target", &target])?;
        }
        FileType::Unknown => return Err(NarError::UnsupportedType(path.to_owned()).into()),
        FileType::Directory => {
            write_str(sink, b"directory")?;
            let mut names = read(path, fs.read_dir(path))?;
            names.sort();
            for name in names {
                if name.is_empty() || name == b"." || name == b".." || name.contains(&b'/') || name.contains(&0) {
                    return Err(NarError::InvalidEntryName { dir: path.to_owned(), name }.into());
                }
                let child = join_name(path, &name);
                let child_type = read(&child, fs.file_type(&child))?;
                if !filter(&child, child_type)? {
                    continue;
                }
                write_strs(sink, &[b"entry", b"(", b"name", &name, b"node"])?;
                dump(fs, &child, child_type, filter, sink)?;
                write_str(sink, b")")?;
            }
        }
    }
    write_str(sink, b")")?;
    Ok(())
}

fn write_strs(sink: &mut dyn Write, strings: &[&[u8]]) -> Result<(), NarError> {
    strings.iter().try_for_each(|s| write_str(sink, s))
}

/// Writes one NAR string: length, bytes, zero padding to 8 bytes.
fn write_str(sink: &mut dyn Write, s: &[u8]) -> Result<(), NarError> {
    let padding = (8 - s.len() % 8) % 8;
    sink.write_all(&(s.len() as u64).to_le_bytes())
        .and_then(|()| sink.write_all(s))
        .and_then(|()| sink.write_all(&[0u8; 8][..padding]))
        .map_err(NarError::Write)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// An in-memory tree for tests that must not touch the disk.
    #[derive(Default)]
    struct MemFs {
        nodes: BTreeMap<PathBuf, MemNode>,
    }

    enum MemNode {
        File(Vec<u8>, bool),
        Dir,
        Link(Vec<u8>),
    }

    impl NarFs for MemFs {
        fn file_type(&self, path: &Path) -> io::Result<FileType> {
            match self.nodes.get(path) {
                Some(MemNode::File(_, true)) => Ok(FileType::Executable),
                Some(MemNode::File(_, false)) => Ok(FileType::Regular),
                Some(MemNode::Dir) => Ok(FileType::Directory),
                Some(MemNode::Link(_)) => Ok(FileType::Symlink),
                None => Err(io::ErrorKind::NotFound.into()),
            }
        }
        fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
            match self.nodes.get(path) {
                Some(MemNode::File(data, _)) => Ok(data.clone()),
                _ => Err(io::ErrorKind::InvalidInput.into()),
            }
        }
        fn read_dir(&self, path: &Path) -> io::Result<Vec<Vec<u8>>> {
            // Reverse order on purpose: the serializer must sort.
            let mut names: Vec<Vec<u8>> = self
                .nodes
                .keys()
                .filter(|p| p.parent() == Some(path))
                .filter_map(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned().into_bytes())
                .collect();
            names.reverse();
            Ok(names)
        }
        fn read_link(&self, path: &Path) -> io::Result<Vec<u8>> {
            match self.nodes.get(path) {
                Some(MemNode::Link(target)) => Ok(target.clone()),
                _ => Err(io::ErrorKind::InvalidInput.into()),
            }
        }
    }

    /// The tree used to take reference hashes from Nix 2.8:
    /// `nix-store --dump src | sha256sum`.
    fn reference_tree() -> MemFs {
        let mut fs = MemFs::default();
        let mut add = |p: &str, node| {
            fs.nodes.insert(PathBuf::from(p), node);
        };
        add("/src", MemNode::Dir);
        add("/src/a.txt", MemNode::File(b"hello\n".to_vec(), false));
        add("/src/run.sh", MemNode::File(b"#!/bin/sh\necho hi\n".to_vec(), true));
        add("/src/B", MemNode::Link(b"dangling".to_vec()));
        add("/src/emptydir", MemNode::Dir);
        add("/src/sub", MemNode::Dir);
        add("/src/sub/empty", MemNode::File(Vec::new(), false));
        add("/src/sub/link", MemNode::Link(b"../a.txt".to_vec()));
        add("/src/sub/deeper", MemNode::Dir);
        add("/src/sub/deeper/thirteen", MemNode::File(b"x".repeat(13), false));
        fs
    }

    fn hash_of(fs: &dyn NarFs, path: &str) -> String {
        match nar_hash(fs, Path::new(path), &mut keep_all) {
            Ok(hash) => hash.to_base16(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn nar_hashes_match_nix() {
        let fs = reference_tree();
        assert_eq!(hash_of(&fs, "/src"), "e6f0e766765f91e174987e4c06b472229d22acbafbbff0753b0bfd470aa79f1b");
        assert_eq!(hash_of(&fs, "/src/a.txt"), "1c37d01af40be2e80691de3cc3df44377a699afbb17c68f080964b2fd071fc13");
        assert_eq!(hash_of(&fs, "/src/run.sh"), "5e0accf02cedede5e4119ffa15e79e79a5fb1fb9bc43c3d434f33227a14477a0");
        assert_eq!(hash_of(&fs, "/src/sub/link"), "7732511ba93582498ac8d60dec4427f69dfdac06493186c742f7cb4593c8fa23");
    }

    #[test]
    fn filter_matches_filter_source() {
        // builtins.filterSource (p: t: t != "symlink" && baseNameOf p != "deeper") ./src
        let fs = reference_tree();
        let mut filter = |p: &Path, t: FileType| -> Result<bool, NarError> {
            Ok(t != FileType::Symlink && p.file_name().is_some_and(|n| n != "deeper"))
        };
        let hash = nar_hash(&fs, Path::new("/src"), &mut filter).map(|h| h.to_base16()).map_err(|e| e.to_string());
        assert_eq!(hash.as_deref(), Ok("abf7157e09c834951b80f5f48e4861d4976a785e14994a5ce3be6aa1a5c494dd"));
    }

    #[test]
    fn filter_errors_propagate() {
        #[derive(Debug, PartialEq)]
        enum EvalError {
            Nar(String),
            Thrown,
        }
        impl From<NarError> for EvalError {
            fn from(e: NarError) -> Self {
                EvalError::Nar(e.to_string())
            }
        }
        let fs = reference_tree();
        let mut filter = |_: &Path, _: FileType| -> Result<bool, EvalError> { Err(EvalError::Thrown) };
        assert_eq!(nar_hash(&fs, Path::new("/src"), &mut filter), Err(EvalError::Thrown));
        let mut keep = |_: &Path, _: FileType| -> Result<bool, EvalError> { Ok(true) };
        assert!(matches!(nar_hash(&fs, Path::new("/missing"), &mut keep), Err(EvalError::Nar(_))));
    }

    #[test]
    fn nar_bytes_start_like_nix() {
        let fs = reference_tree();
        let mut out = Vec::new();
        let result = nar_serialize(&fs, Path::new("/src/a.txt"), &mut keep_all, &mut out);
        assert!(result.is_ok());
        let mut expected = Vec::new();
        for s in [&b"nix-archive-1"[..], b"(", b"type", b"regular", b"contents", b"hello\n", b")"] {
            expected.extend_from_slice(&(s.len() as u64).to_le_bytes());
            expected.extend_from_slice(s);
            expected.resize(expected.len().next_multiple_of(8), 0);
        }
        assert_eq!(out, expected);
    }

    #[cfg(unix)]
    #[test]
    fn std_fs_matches_nix_on_a_real_tree() {
        use std::os::unix::fs::{symlink, PermissionsExt};
        let root = std::env::temp_dir().join(format!("strata-store-nar-{}", std::process::id()));
        let src = root.join("src");
        let _ = std::fs::remove_dir_all(&root);
        let build = || -> io::Result<()> {
            std::fs::create_dir_all(src.join("sub/deeper"))?;
            std::fs::create_dir_all(src.join("emptydir"))?;
            std::fs::write(src.join("a.txt"), "hello\n")?;
            std::fs::set_permissions(src.join("a.txt"), std::fs::Permissions::from_mode(0o644))?;
            std::fs::write(src.join("run.sh"), "#!/bin/sh\necho hi\n")?;
            std::fs::set_permissions(src.join("run.sh"), std::fs::Permissions::from_mode(0o755))?;
            std::fs::write(src.join("sub/empty"), "")?;
            std::fs::set_permissions(src.join("sub/empty"), std::fs::Permissions::from_mode(0o644))?;
            std::fs::write(src.join("sub/deeper/thirteen"), "x".repeat(13))?;
            std::fs::set_permissions(src.join("sub/deeper/thirteen"), std::fs::Permissions::from_mode(0o644))?;
            symlink("../a.txt", src.join("sub/link"))?;
            symlink("dangling", src.join("B"))?;
            Ok(())
        };
        let built = build();
        let hash = hash_of(&StdFs, &src.to_string_lossy());
        let _ = std::fs::remove_dir_all(&root);
        assert!(built.is_ok(), "{built:?}");
        assert_eq!(hash, "e6f0e766765f91e174987e4c06b472229d22acbafbbff0753b0bfd470aa79f1b");
    }
}
