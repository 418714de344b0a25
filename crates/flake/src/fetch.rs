//! Resolving and fetching inputs: `path` inputs are directories used in
//! place; `git` inputs (local repositories) are exported at the locked
//! revision into the cache (`$XDG_CACHE_HOME/strata/git/<rev>`, without
//! `.git`) with `git archive`, as Nix 2.8 does. Both are identified by the
//! SHA-256 of their NAR serialization (`narHash`, SRI form).

use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::Error;
use crate::lockfile::{Attr, FetchAttrs};

/// A fetched source tree and what is known about it.
#[derive(Clone, Debug)]
pub struct Source {
    /// The directory holding the tree.
    pub dir: PathBuf,
    /// The locked attributes (`narHash`, `rev`, `lastModified`, …).
    pub locked: FetchAttrs,
}

/// Where fetched git trees are kept: `$XDG_CACHE_HOME/strata`, else `~/.cache/strata`.
pub fn default_cache_dir() -> Result<PathBuf, Error> {
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|dir| !dir.is_empty()) {
        return Ok(PathBuf::from(dir).join("strata"));
    }
    if let Some(home) = std::env::var_os("HOME").filter(|dir| !dir.is_empty()) {
        return Ok(PathBuf::from(home).join(".cache").join("strata"));
    }
    Err(Error::Fetch("no cache directory for git inputs: set XDG_CACHE_HOME or HOME".into()))
}

fn attr<'a>(attrs: &'a FetchAttrs, name: &str) -> Option<&'a str> {
    attrs.get(name).and_then(Attr::as_str)
}

fn kind(attrs: &FetchAttrs) -> &str {
    attr(attrs, "type").unwrap_or("")
}

/// The reference as a URL, as Nix shows locked references
/// (`git+file:///repo?ref=main&rev=…`, `path:./sub?lastModified=…&narHash=…`).
pub fn describe(attrs: &FetchAttrs) -> String {
    // A git URL shows what selects the commit; a path URL its content hash.
    let (base, skip): (String, &[&str]) = match kind(attrs) {
        "path" => (format!("path:{}", attr(attrs, "path").unwrap_or("")), &["type", "path"]),
        "git" => (format!("git+{}", attr(attrs, "url").unwrap_or("")), &["type", "url", "narHash", "lastModified"]),
        other => (format!("{other}:"), &["type"]),
    };
    let query: Vec<String> = attrs
        .iter()
        .filter(|(name, _)| !skip.contains(&name.as_str()) && name.as_str() != "revCount")
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    if query.is_empty() {
        base
    } else {
        format!("{base}?{}", query.join("&"))
    }
}

/// Resolves a relative `path` against `base_dir` (without touching the file system).
pub fn resolve_path(path: &str, base_dir: &Path) -> PathBuf {
    let joined = if path.starts_with('/') { PathBuf::from(path) } else { base_dir.join(path) };
    let mut normal = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// Locks `original` afresh: the directory's current content for `path`
/// inputs, the commit `ref`/`rev`/`HEAD` names for `git` inputs.
pub fn lock_fresh(original: &FetchAttrs, base_dir: &Path, input: &str, cache: &Path) -> Result<Source, Error> {
    match kind(original) {
        "path" => {
            let path = attr(original, "path").unwrap_or("");
            let dir = existing_dir(path, base_dir, input)?;
            let (nar_hash, last_modified) = hash_tree(&dir)?;
            let mut locked = FetchAttrs::new();
            locked.insert("type".into(), Attr::String("path".into()));
            locked.insert("path".into(), Attr::String(path.to_string()));
            locked.insert("narHash".into(), Attr::String(nar_hash));
            locked.insert("lastModified".into(), Attr::Int(last_modified));
            Ok(Source { dir, locked })
        }
        "git" => {
            let url = attr(original, "url").unwrap_or("");
            let repo = repo_dir(url, input)?;
            // Without `ref` and `rev`, the branch HEAD is on is recorded
            // (as `refs/heads/<branch>`), as Nix does.
            let mut reference = attr(original, "ref").map(str::to_string);
            let rev = match attr(original, "rev") {
                Some(rev) => {
                    commit_exists(&repo, rev, input)?;
                    rev.to_string()
                }
                None if reference.is_some() => resolve_ref(&repo, reference.as_deref(), input)?,
                None => {
                    let rev = resolve_ref(&repo, None, input)?;
                    reference = git(&repo, &["symbolic-ref", "-q", "HEAD"]).ok().map(|r| r.trim().to_string());
                    rev
                }
            };
            let (dir, nar_hash) = checkout(&repo, &rev, cache, input)?;
            let (last_modified, rev_count) = commit_info(&repo, &rev)?;
            let mut locked = FetchAttrs::new();
            locked.insert("type".into(), Attr::String("git".into()));
            locked.insert("url".into(), Attr::String(url.to_string()));
            if let Some(reference) = reference.filter(|reference| !reference.is_empty()) {
                locked.insert("ref".into(), Attr::String(reference));
            }
            locked.insert("rev".into(), Attr::String(rev));
            locked.insert("revCount".into(), Attr::Int(rev_count));
            locked.insert("lastModified".into(), Attr::Int(last_modified));
            locked.insert("narHash".into(), Attr::String(nar_hash));
            Ok(Source { dir, locked })
        }
        other => Err(Error::Fetch(format!("input '{input}': input type '{other}' is not supported"))),
    }
}

/// Fetches a locked reference and checks its `narHash`.
pub fn fetch_locked(locked: &FetchAttrs, base_dir: &Path, input: &str, cache: &Path) -> Result<Source, Error> {
    let expected = attr(locked, "narHash").ok_or_else(|| Error::Unlocked {
        input: input.to_string(),
        message: format!(
            "input '{input}' has no narHash in flake.lock; run `strata flake update {input}` to lock it again"
        ),
    })?;
    let (dir, actual) = match kind(locked) {
        "path" => {
            let path = attr(locked, "path").unwrap_or("");
            let dir = existing_dir(path, base_dir, input)?;
            // A relative path input is part of the flake's own source, as in
            // current Nix (2.26 and later): its content is not pinned, so
            // editing it needs no `strata flake update`. Absolute paths are
            // pinned by narHash as Nix 2.8 pins every path input.
            if !Path::new(path).is_absolute() {
                return Ok(Source { dir, locked: locked.clone() });
            }
            let (nar_hash, _) = hash_tree(&dir)?;
            (dir, nar_hash)
        }
        "git" => {
            let repo_url = attr(locked, "url").unwrap_or("");
            let rev = attr(locked, "rev").ok_or_else(|| Error::Unlocked {
                input: input.to_string(),
                message: format!("input '{input}' has no rev in flake.lock; run `strata flake update {input}`"),
            })?;
            if !is_commit_hash(rev) {
                return Err(Error::Unlocked {
                    input: input.to_string(),
                    message: format!(
                        "input '{input}' has the revision '{rev}' in flake.lock, which is not a commit hash; \
                         run `strata flake update {input}`"
                    ),
                });
            }
            let cached = cache.join("git").join(rev);
            match read_cached_hash(&cached) {
                Some(hash) => (cached, hash),
                None => {
                    let repo = repo_dir(repo_url, input)?;
                    commit_exists(&repo, rev, input)?;
                    checkout(&repo, rev, cache, input)?
                }
            }
        }
        other => return Err(Error::Fetch(format!("input '{input}': input type '{other}' is not supported"))),
    };
    if actual != expected {
        if kind(locked) == "path" {
            return Err(Error::Unlocked {
                input: input.to_string(),
                message: format!(
                    "input '{input}' ({}) changed since it was locked: flake.lock records {expected}, the directory \
                     now has {actual}; run `strata flake update {input}` to lock the new content",
                    dir.display()
                ),
            });
        }
        return Err(Error::NarHashMismatch {
            input: input.to_string(),
            url: describe(locked),
            expected: expected.to_string(),
            actual,
        });
    }
    Ok(Source { dir, locked: locked.clone() })
}

fn existing_dir(path: &str, base_dir: &Path, input: &str) -> Result<PathBuf, Error> {
    let dir = resolve_path(path, base_dir);
    if !dir.is_dir() {
        return Err(Error::Fetch(format!(
            "input '{input}': path '{}' does not exist or is not a directory",
            dir.display()
        )));
    }
    Ok(dir)
}

/// The NAR hash (SRI) of a tree and the newest modification time in it.
pub fn hash_tree(dir: &Path) -> Result<(String, u64), Error> {
    let mut newest = modified_time(dir);
    let mut filter = |path: &Path, _: store::nar::FileType| -> Result<bool, store::nar::NarError> {
        newest = newest.max(modified_time(path));
        Ok(true)
    };
    let hash = store::nar::nar_hash(&store::nar::StdFs, dir, &mut filter)
        .map_err(|error| Error::Fetch(format!("hashing '{}': {error}", dir.display())))?;
    Ok((hash.to_sri(), newest))
}

/// The modification time of `path` itself (0 when unknown).
fn modified_time(path: &Path) -> u64 {
    std::fs::symlink_metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_secs())
}

fn repo_dir(url: &str, input: &str) -> Result<PathBuf, Error> {
    let path = url.strip_prefix("file://").unwrap_or(url);
    let repo = PathBuf::from(path);
    if !repo.exists() {
        return Err(Error::Fetch(format!("input '{input}': git repository '{}' does not exist", repo.display())));
    }
    let output = git(&repo, &["rev-parse", "--git-dir"]);
    match output {
        Ok(_) => Ok(repo),
        Err(_) => Err(Error::Fetch(format!("input '{input}': '{}' is not a git repository", repo.display()))),
    }
}

/// Runs git in `repo`, returning its standard output or a message with its standard error.
pub fn git(repo: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("running git: {error}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn commit_exists(repo: &Path, rev: &str, input: &str) -> Result<(), Error> {
    git(repo, &["cat-file", "-e", &format!("{rev}^{{commit}}")]).map(|_| ()).map_err(|_| {
        Error::Fetch(format!("input '{input}': revision {rev} not found in git repository '{}'", repo.display()))
    })
}

/// Whether `rev` is a full commit hash (and so safe as a file name and a git argument).
pub fn is_commit_hash(rev: &str) -> bool {
    rev.len() == 40 && rev.bytes().all(|byte| byte.is_ascii_hexdigit())
}

fn resolve_ref(repo: &Path, reference: Option<&str>, input: &str) -> Result<String, Error> {
    if let Some(name) = reference.filter(|name| name.starts_with('-') || name.contains("..") || name.is_empty()) {
        return Err(Error::Fetch(format!("input '{input}': '{name}' is not a valid git ref")));
    }
    let candidates: Vec<String> = match reference {
        None => vec!["HEAD".into()],
        Some(name) if name.starts_with("refs/") => vec![name.into()],
        Some(name) => vec![format!("refs/heads/{name}"), format!("refs/tags/{name}"), name.into()],
    };
    for candidate in &candidates {
        if let Ok(rev) = git(repo, &["rev-parse", "--verify", "--quiet", &format!("{candidate}^{{commit}}")]) {
            return Ok(rev.trim().to_string());
        }
    }
    Err(Error::Fetch(match reference {
        Some(name) => format!("input '{input}': ref '{name}' not found in git repository '{}'", repo.display()),
        None => format!("input '{input}': git repository '{}' has no commits", repo.display()),
    }))
}

fn commit_info(repo: &Path, rev: &str) -> Result<(u64, u64), Error> {
    let fail = |message: String| Error::Fetch(format!("reading commit {rev} of '{}': {message}", repo.display()));
    let time = git(repo, &["log", "-1", "--format=%ct", rev]).map_err(fail)?;
    let count = git(repo, &["rev-list", "--count", rev]).map_err(fail)?;
    let time = time.trim().parse().map_err(|_| fail(format!("unexpected commit time '{}'", time.trim())))?;
    let count = count.trim().parse().map_err(|_| fail(format!("unexpected commit count '{}'", count.trim())))?;
    Ok((time, count))
}

/// The subjects of the commits in `new` that are not in `old`, newest first.
pub fn commit_subjects(url: &str, old: &str, new: &str) -> Vec<String> {
    let repo = PathBuf::from(url.strip_prefix("file://").unwrap_or(url));
    match git(&repo, &["log", "--format=%s", &format!("{old}..{new}")]) {
        Ok(text) => text.lines().map(str::to_string).collect(),
        Err(_) => Vec::new(),
    }
}

fn hash_file(tree: &Path) -> PathBuf {
    let mut name = tree.as_os_str().to_owned();
    name.push(".narHash");
    PathBuf::from(name)
}

fn read_cached_hash(tree: &Path) -> Option<String> {
    if !tree.is_dir() {
        return None;
    }
    let text = std::fs::read_to_string(hash_file(tree)).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Exports `rev` of `repo` into the cache (once) and returns the tree and its NAR hash.
fn checkout(repo: &Path, rev: &str, cache: &Path, input: &str) -> Result<(PathBuf, String), Error> {
    let tree = cache.join("git").join(rev);
    if let Some(hash) = read_cached_hash(&tree) {
        return Ok((tree, hash));
    }
    let parent = cache.join("git");
    std::fs::create_dir_all(&parent).map_err(|error| Error::io(&parent, error))?;
    let unique = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = parent.join(format!(".{rev}.tmp-{}-{unique}", std::process::id()));
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).map_err(|error| Error::io(&temp, error))?;
    let result = export(repo, rev, &temp, input).and_then(|()| hash_tree(&temp).map(|(hash, _)| hash));
    let hash = match result {
        Ok(hash) => hash,
        Err(error) => {
            let _ = std::fs::remove_dir_all(&temp);
            return Err(error);
        }
    };
    let _ = std::fs::remove_dir_all(&tree);
    if std::fs::rename(&temp, &tree).is_err() {
        // Another process finished the same export first.
        let _ = std::fs::remove_dir_all(&temp);
    }
    let marker = hash_file(&tree);
    let marker_temp = parent.join(format!(".{rev}.narHash.tmp-{}-{unique}", std::process::id()));
    std::fs::write(&marker_temp, format!("{hash}\n")).map_err(|error| Error::io(&marker_temp, error))?;
    std::fs::rename(&marker_temp, &marker).map_err(|error| Error::io(&marker, error))?;
    Ok((tree, hash))
}

fn export(repo: &Path, rev: &str, dest: &Path, input: &str) -> Result<(), Error> {
    let fail =
        |message: String| Error::Fetch(format!("input '{input}': exporting {rev} of '{}': {message}", repo.display()));
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["archive", "--format=tar", rev])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| fail(format!("running git: {error}")))?;
    let stdout = archive.stdout.take().ok_or_else(|| fail("no output from git archive".into()))?;
    let unpack = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dest)
        .stdin(Stdio::from(stdout))
        .stderr(Stdio::piped())
        .output()
        .map_err(|error| fail(format!("running tar: {error}")))?;
    let archived = archive.wait_with_output().map_err(|error| fail(format!("waiting for git: {error}")))?;
    if !archived.status.success() {
        return Err(fail(String::from_utf8_lossy(&archived.stderr).trim().to_string()));
    }
    if !unpack.status.success() {
        return Err(fail(format!("tar: {}", String::from_utf8_lossy(&unpack.stderr).trim())));
    }
    Ok(())
}

/// Information about the git repository the root flake is in: its HEAD
/// commit, commit time, commit count and whether tracked files changed.
pub struct RootGitInfo {
    /// The HEAD commit.
    pub rev: String,
    /// Its commit time (Unix seconds).
    pub last_modified: u64,
    /// How many commits lead to it.
    pub rev_count: u64,
    /// Whether tracked files differ from it.
    pub dirty: bool,
}

/// [`RootGitInfo`] for `dir`, when it is the top of a git work tree with commits.
pub fn root_git_info(dir: &Path) -> Option<RootGitInfo> {
    if !dir.join(".git").exists() {
        return None;
    }
    // The three questions are independent: ask them at once.
    let spawn = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()
    };
    let head = spawn(&["log", "-1", "--format=%H %ct"]);
    let count = spawn(&["rev-list", "--count", "HEAD"]);
    let status = spawn(&["status", "--porcelain", "--untracked-files=no"]);
    let finish = |child: Option<std::process::Child>| {
        let output = child?.wait_with_output().ok()?;
        output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let (head, count, status) = (finish(head), finish(count), finish(status));
    let head = head?;
    let (rev, time) = head.trim().split_once(' ')?;
    Some(RootGitInfo {
        rev: rev.to_string(),
        last_modified: time.parse().ok()?,
        rev_count: count?.trim().parse().ok()?,
        dirty: !status?.trim().is_empty(),
    })
}

/// `YYYYMMDDHHMMSS` (UTC) of a Unix time, Nix's `lastModifiedDate`.
pub fn format_date(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}{month:02}{day:02}{:02}{:02}{:02}", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// `YYYY-MM-DD` (UTC) of a Unix time.
pub fn format_day(seconds: u64) -> String {
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The proleptic Gregorian date of a day number counted from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
