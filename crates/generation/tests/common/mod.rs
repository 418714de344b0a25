//! Helpers shared by the generation tests: fixtures, temporary roots that
//! look like a fresh Debian system, and deterministic tree snapshots.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use generation::{BuildInput, BuildMetadata, Generation, OptionSnapshot, PackageDatabase, TimeSource};

/// `tests/fixtures`.
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
/// `tests/snapshots`.
pub const SNAPSHOTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots");

/// The rendered machine and option snapshot of fixture `name` (`gen0`, ...).
pub fn fixture(name: &str) -> (serde_json::Value, Vec<OptionSnapshot>) {
    let path = format!("{FIXTURES}/{name}.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("fixture is JSON");
    let rendered = value["rendered"].take();
    let options = serde_json::from_value(value["options"].take()).expect("fixture options");
    (rendered, options)
}

/// A fresh, empty directory for one test, removed when the test is done
/// with it (and kept when the test fails, for a look at what it left).
pub fn temp_dir(label: &str) -> TempDir {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("strata-generation-tests/{label}-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create temp dir");
    TempDir(dir)
}

/// A directory of [`temp_dir`]: a path that removes its tree when dropped,
/// unless the thread is panicking (a failed assertion).
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

/// Metadata with a fixed time, so builds are reproducible.
pub fn metadata(revision: &str) -> BuildMetadata {
    BuildMetadata {
        host: "app1".to_string(),
        source_revision: Some(revision.to_string()),
        time: 1_763_800_000,
        time_source: TimeSource::Commit,
    }
}

/// Builds `rendered` into `out`.
pub fn build_value(rendered: &serde_json::Value, options: &[OptionSnapshot], revision: &str, out: &Path) -> Generation {
    let database = PackageDatabase::unavailable();
    let input = BuildInput { rendered, options, metadata: metadata(revision), package_database: &database };
    generation::build(&input, out).unwrap_or_else(|e| panic!("build: {e}")).generation
}

/// Builds fixture `name` into `out`.
pub fn build_fixture(name: &str, out: &Path) -> Generation {
    let (rendered, options) = fixture(name);
    build_value(&rendered, &options, &format!("rev-{name}"), out)
}

/// What a fresh Debian system has before Strata: base accounts, shells (for
/// pwck), and a foreign /etc/issue.
pub fn seed_root(root: &Path) {
    let write = |path: &str, text: &str, mode: u32| {
        let target = root.join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(&target, text).unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(mode)).unwrap();
    };
    write(
        "etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
        0o644,
    );
    write("etc/group", "root:x:0:\ndaemon:x:1:\nshadow:x:42:\nusers:x:100:\nnogroup:x:65534:\n", 0o644);
    write("etc/shadow", "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n", 0o640);
    write("etc/gshadow", "root:*::\ndaemon:*::\nshadow:*::\nusers:*::\nnogroup:*::\n", 0o640);
    write("etc/issue", "Debian GNU/Linux 12 \\n \\l\n\n", 0o644);
    write("usr/bin/bash", "", 0o755);
    write("usr/sbin/nologin", "", 0o755);
    std::os::unix::fs::symlink("usr/bin", root.join("bin")).unwrap();
    fs::create_dir_all(root.join("root")).unwrap();
    fs::create_dir_all(root.join("nonexistent")).unwrap();
}

/// Files whose whole text goes into snapshots (small, and worth reading).
const SHOWN: [&str; 8] = [
    "etc/passwd",
    "etc/group",
    "etc/shadow",
    "etc/gshadow",
    "etc/issue",
    "var/lib/strata/accounts.json",
    "var/lib/strata/backups.json",
    "var/lib/strata/current",
];

/// Every entry under `root`, sorted: type, mode, owner, and a content hash
/// (or the text, for the account databases and Strata's small state files).
pub fn snapshot(root: &Path) -> String {
    let mut entries = BTreeMap::new();
    walk(root, root, &mut entries);
    let mut out = String::new();
    for (path, line) in entries {
        out.push_str(&format!("{path} {line}\n"));
    }
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let relative = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        let meta = fs::symlink_metadata(&path).unwrap();
        let owner = format!("{}:{}", meta.uid(), meta.gid());
        let mode = format!("{:04o}", meta.permissions().mode() & 0o7777);
        if meta.file_type().is_symlink() {
            out.insert(relative, format!("-> {}", fs::read_link(&path).unwrap().display()));
        } else if meta.is_dir() {
            out.insert(format!("{relative}/"), format!("dir {mode} {owner}"));
            walk(root, &path, out);
        } else {
            let bytes = fs::read(&path).unwrap();
            let body = if SHOWN.contains(&relative.as_str()) {
                format!(
                    "\n{}",
                    String::from_utf8_lossy(&bytes)
                        .lines()
                        .map(|l| format!("    | {l}\n"))
                        .collect::<String>()
                        .trim_end()
                )
            } else {
                sha(&bytes)
            };
            out.insert(relative, format!("file {mode} {owner} {body}"));
        }
    }
}

fn sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Compares `actual` with the snapshot file `name`; `UPDATE_EXPECT=1` rewrites it.
pub fn expect_snapshot(name: &str, actual: &str) {
    let path = format!("{SNAPSHOTS}/{name}.txt");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::create_dir_all(SNAPSHOTS).unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {path}; run with UPDATE_EXPECT=1 to create it"));
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
            .unified_diff()
            .header("expected", "actual")
            .to_string();
        panic!("snapshot {name} differs (UPDATE_EXPECT=1 to accept):\n{diff}");
    }
}

/// Activation options for `root` without fault injection, with health checks.
pub fn options(root: &Path) -> generation::ActivationOptions {
    generation::ActivationOptions {
        crash_after_step: None,
        run_health_checks: true,
        ..generation::ActivationOptions::new(root)
    }
}

/// Whether `program` can be run.
pub fn have(program: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}
