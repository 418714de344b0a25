//! Filesystem helpers: durable atomic writes, hashing, directory copies.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use sha2::Digest;

use crate::{Error, Result};

/// Attaches the path and action to an I/O error.
pub(crate) fn io<T>(result: std::io::Result<T>, action: &'static str, path: &Path) -> Result<T> {
    result.map_err(|source| Error::Io { action, path: path.to_path_buf(), source })
}

/// Lowercase hexadecimal SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Creates `dir` and its parents with mode 0755 for new directories.
pub(crate) fn create_dirs(dir: &Path) -> Result<()> {
    io(fs::DirBuilder::new().recursive(true).mode_0755().create(dir), "creating directory", dir)
}

trait DirBuilderExt {
    fn mode_0755(&mut self) -> &mut Self;
}

impl DirBuilderExt for fs::DirBuilder {
    fn mode_0755(&mut self) -> &mut Self {
        std::os::unix::fs::DirBuilderExt::mode(self, 0o755)
    }
}

/// Flushes a directory's entries to disk (after a rename or create inside it).
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    let handle = io(fs::File::open(dir), "opening directory", dir)?;
    io(handle.sync_all(), "syncing directory", dir)
}

/// The temporary sibling used while replacing `path`.
pub(crate) fn temp_sibling(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.strata-tmp"))
}

/// Whether this process runs as root (effective uid 0), read from
/// `/proc/self/status`. Only root can give files to other owners; others
/// activating into a directory of their own get their files owned by
/// themselves (see `write_atomic`).
pub(crate) fn running_as_root() -> bool {
    static ROOT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ROOT.get_or_init(|| {
        fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| {
                let line = status.lines().find(|line| line.starts_with("Uid:"))?;
                line.split_whitespace().nth(2).map(|effective| effective == "0")
            })
            .unwrap_or(false)
    })
}

/// Replaces `path` with `bytes` atomically and durably: a temporary sibling
/// is written, synced, given `mode` and ownership, then renamed over `path`.
/// Ownership is only applied when running as root.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], mode: u32, owner: Option<(u32, u32)>) -> Result<()> {
    let owner = owner.filter(|_| running_as_root());
    let parent = path.parent().ok_or_else(|| Error::Invalid(format!("'{}' has no parent", path.display())))?;
    create_dirs(parent)?;
    let temp = temp_sibling(path);
    remove_any(&temp)?;
    let mut file = io(fs::File::create(&temp), "creating", &temp)?;
    io(file.write_all(bytes), "writing", &temp)?;
    io(file.set_permissions(fs::Permissions::from_mode(mode)), "setting permissions of", &temp)?;
    if let Some((uid, gid)) = owner {
        io(std::os::unix::fs::fchown(&file, Some(uid), Some(gid)), "changing the owner of", &temp)?;
        // chown clears set-id bits; set the mode again.
        io(file.set_permissions(fs::Permissions::from_mode(mode)), "setting permissions of", &temp)?;
    }
    io(file.sync_all(), "syncing", &temp)?;
    drop(file);
    io(fs::rename(&temp, path), "renaming into place", path)?;
    sync_dir(parent)
}

/// Replaces `path` with a symbolic link to `target`, atomically.
pub(crate) fn symlink_atomic(path: &Path, target: &str) -> Result<()> {
    let parent = path.parent().ok_or_else(|| Error::Invalid(format!("'{}' has no parent", path.display())))?;
    create_dirs(parent)?;
    let temp = temp_sibling(path);
    remove_any(&temp)?;
    io(std::os::unix::fs::symlink(target, &temp), "creating symbolic link", &temp)?;
    io(fs::rename(&temp, path), "renaming into place", path)?;
    sync_dir(parent)
}

/// Removes a file, link or directory tree if it exists.
pub(crate) fn remove_any(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(Error::Io { action: "inspecting", path: path.to_path_buf(), source: error }),
        Ok(meta) if meta.is_dir() => io(fs::remove_dir_all(path), "removing directory", path),
        Ok(_) => io(fs::remove_file(path), "removing", path),
    }
}

/// Reads a file, `None` when it does not exist.
pub(crate) fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(Error::Io { action: "reading", path: path.to_path_buf(), source: error }),
    }
}

/// What is at a path on disk, for comparisons with a generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OnDisk {
    Missing,
    File { content: Vec<u8>, mode: u32 },
    Symlink { target: String },
    Other,
}

/// Inspects `path` without following a final symbolic link.
pub(crate) fn on_disk(path: &Path) -> Result<OnDisk> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(OnDisk::Missing),
        Err(error) => return Err(Error::Io { action: "inspecting", path: path.to_path_buf(), source: error }),
    };
    if meta.file_type().is_symlink() {
        let target = io(fs::read_link(path), "reading link", path)?;
        Ok(OnDisk::Symlink { target: target.to_string_lossy().into_owned() })
    } else if meta.is_file() {
        let content = io(fs::read(path), "reading", path)?;
        Ok(OnDisk::File { content, mode: meta.permissions().mode() & 0o7777 })
    } else {
        Ok(OnDisk::Other)
    }
}

/// `root` joined with the absolute `target` path.
pub(crate) fn under_root(root: &Path, target: &str) -> PathBuf {
    root.join(target.trim_start_matches('/'))
}

/// Refuses a target whose existing parent directories lead outside `root`
/// through a symbolic link (such as `ROOT/etc/ssh -> /etc/ssh`), so that
/// activating into a directory never writes to the machine running Strata.
pub(crate) fn ensure_inside(root: &Path, target: &Path) -> Result<()> {
    let Ok(root_real) = fs::canonicalize(root) else { return Ok(()) };
    if root_real == Path::new("/") {
        return Ok(());
    }
    let mut ancestor = target.parent();
    while let Some(dir) = ancestor {
        if let Ok(real) = fs::canonicalize(dir) {
            if !real.starts_with(&root_real) {
                return Err(Error::Invalid(format!(
                    "'{}' leads outside the root '{}' (to '{}') through a symbolic link; refusing to write there",
                    dir.display(),
                    root.display(),
                    real.display()
                )));
            }
            return Ok(());
        }
        ancestor = dir.parent();
    }
    Ok(())
}

/// Copies a directory tree of regular files (modes kept), syncing each file.
pub(crate) fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    create_dirs(to)?;
    let mut entries: Vec<_> = io(fs::read_dir(from), "listing", from)?
        .collect::<std::io::Result<_>>()
        .map_err(|source| Error::Io { action: "listing", path: from.to_path_buf(), source })?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let source = entry.path();
        let target = to.join(entry.file_name());
        let kind = io(entry.file_type(), "inspecting", &source)?;
        if kind.is_dir() {
            copy_tree(&source, &target)?;
        } else {
            let bytes = io(fs::read(&source), "reading", &source)?;
            let mut file = io(fs::File::create(&target), "creating", &target)?;
            io(file.write_all(&bytes), "writing", &target)?;
            io(file.sync_all(), "syncing", &target)?;
        }
    }
    sync_dir(to)
}

/// Every regular file below `dir`, as sorted relative paths with `/` separators.
pub(crate) fn list_tree(dir: &Path) -> Result<Vec<String>> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
        for entry in io(fs::read_dir(dir), "listing", dir)? {
            let entry = io(entry, "listing", dir)?;
            let path = entry.path();
            if io(entry.file_type(), "inspecting", &path)?.is_dir() {
                walk(base, &path, out)?;
            } else if let Ok(relative) = path.strip_prefix(base) {
                out.push(relative.to_string_lossy().into_owned());
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// Writes pretty, canonical JSON (serde structs with sorted maps) plus a newline, atomically.
pub(crate) fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    write_atomic(path, &to_json_bytes(value)?, 0o644, None)
}

/// Pretty JSON text of `value`, with a final newline.
pub(crate) fn to_json_bytes<T: serde::Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|error| Error::State(format!("serialising: {error}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Reads JSON written by `write_json`.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = io(fs::read(path), "reading", path)?;
    serde_json::from_slice(&bytes)
        .map_err(|error| Error::State(format!("{}:{}:{}: {error}", path.display(), error.line(), error.column())))
}
