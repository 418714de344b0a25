//! Computing `flake.lock`: reusing what is locked already, locking what is
//! missing or changed in `flake.nix`, re-resolving inputs being updated, and
//! reporting the differences.
//!
//! As in Nix, an input's own inputs are locked inside the same file; when an
//! input is locked afresh its own `flake.lock` (if any) pins its inputs, and
//! overrides (`inputs.a.inputs.c.follows = "b"`) made by an ancestor win
//! over the input's own declarations.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use eval::Evaluator;

use crate::error::Error;
use crate::fetch::{self, Source};
use crate::load::{absolute_dir, read_lock_file};
use crate::lockfile::{Attr, FetchAttrs, LockEdge, LockFile, LockNode};
use crate::spec::{read_flake, InputSpec};
use crate::{invalid, Options};

/// What `lock` should do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockMode {
    /// Keep every entry that still matches `flake.nix`; lock what is
    /// missing or changed (`strata flake lock`).
    Missing,
    /// Re-resolve the given inputs (input paths such as `dep` or `dep/sub`),
    /// or every top-level input when the list is empty (`strata flake update`).
    Update(Vec<String>),
}

/// The result of [`lock`].
#[derive(Clone, Debug)]
pub struct LockOutcome {
    /// The lock file's path.
    pub path: PathBuf,
    /// The new lock.
    pub lock: LockFile,
    /// What changed, in input-path order.
    pub changes: Vec<Change>,
    /// Whether the file was (re)written.
    pub written: bool,
}

/// One input whose entry changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The input path (`dep`, `dep/nested`).
    pub input: String,
    /// What happened to it.
    pub kind: ChangeKind,
}

/// How an input's entry changed.
#[derive(Clone, Debug, PartialEq)]
pub enum ChangeKind {
    /// The input is new in the lock file.
    Added(InputState),
    /// The input is no longer in the lock file.
    Removed(InputState),
    /// The input is locked to something else.
    Updated {
        /// What it was locked to.
        old: InputState,
        /// What it is locked to now.
        new: InputState,
        /// For git inputs: the subjects of the commits between the old and
        /// the new revision, newest first.
        commits: Vec<String>,
    },
}

/// What an input path is locked to.
#[derive(Clone, Debug, PartialEq)]
pub enum InputState {
    /// A node of its own with these `locked` attributes.
    Locked(FetchAttrs),
    /// Another input, by input path.
    Follows(Vec<String>),
}

impl fmt::Display for InputState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputState::Follows(path) => write!(f, "follows '{}'", path.join("/")),
            InputState::Locked(attrs) => {
                write!(f, "'{}'", fetch::describe(attrs))?;
                if let Some(time) = attrs.get("lastModified").and_then(Attr::as_int) {
                    write!(f, " ({})", fetch::format_day(time))?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Change {
    /// Nix's report: `• Updated input 'x':` and the old and new reference.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ChangeKind::Added(state) => write!(f, "• Added input '{}':\n    {state}", self.input),
            ChangeKind::Removed(state) => write!(f, "• Removed input '{}' (was {state})", self.input),
            ChangeKind::Updated { old, new, commits } => {
                write!(f, "• Updated input '{}':\n    {old}\n  → {new}", self.input)?;
                for subject in commits {
                    write!(f, "\n      · {subject}")?;
                }
                Ok(())
            }
        }
    }
}

/// Computes the lock file of the flake in `dir` and writes it when it
/// changed. `builtin_inputs` names the built-in inputs, which are never locked.
pub fn lock(
    ev: &Evaluator,
    dir: &Path,
    builtin_inputs: &[&str],
    mode: &LockMode,
    options: &Options,
) -> Result<LockOutcome, Error> {
    let dir = absolute_dir(dir)?;
    if !dir.join("flake.nix").is_file() {
        return Err(Error::Invalid(format!(
            "'{}' has no flake.nix: only a flake has inputs to lock (a default.nix repository needs no lock file)",
            dir.display()
        )));
    }
    let path = dir.join("flake.lock");
    let old_text = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(Error::io(&path, error)),
    };
    let old = read_lock_file(&dir)?;
    let flake = read_flake(ev, &dir, &[], builtin_inputs)?;
    let targets = match mode {
        LockMode::Missing => Targets::None,
        LockMode::Update(names) if names.is_empty() => Targets::All,
        LockMode::Update(names) => Targets::Some(
            names.iter().map(|name| name.split('/').filter(|p| !p.is_empty()).map(String::from).collect()).collect(),
        ),
    };
    let mut locker = Locker { ev, builtins: builtin_inputs, options, cache: None, targets, overrides: HashMap::new() };
    let root_inputs = locker.compute(&flake.inputs, &[], old.as_ref().map(|lock| &lock.root))?;
    let new = LockFile { root: LockNode { inputs: root_inputs, flake: true, ..LockNode::default() } };
    check_follows(&new)?;
    if let Targets::Some(paths) = &locker.targets {
        for target in paths {
            if new.node(target).is_err() || target.is_empty() {
                let declared: Vec<_> = flake.inputs.keys().cloned().collect();
                return Err(Error::Invalid(format!(
                    "flake '{}' has no input '{}' (its inputs: {})",
                    dir.display(),
                    target.join("/"),
                    if declared.is_empty() { "none".to_string() } else { declared.join(", ") }
                )));
            }
        }
    }
    let changes = diff(old.as_ref(), &new);
    let text = new.to_json_string();
    let written = old_text.as_deref() != Some(text.as_str());
    if written {
        let temp = dir.join(format!(".flake.lock.tmp-{}", std::process::id()));
        std::fs::write(&temp, &text).map_err(|error| Error::io(&temp, error))?;
        std::fs::rename(&temp, &path).map_err(|error| Error::io(&path, error))?;
    }
    Ok(LockOutcome { path, lock: new, changes, written })
}

enum Targets {
    None,
    All,
    Some(Vec<Vec<String>>),
}

struct Locker<'a> {
    ev: &'a Evaluator,
    builtins: &'a [&'a str],
    options: &'a Options,
    cache: Option<PathBuf>,
    targets: Targets,
    /// Overrides by the input path they apply to; the first registered
    /// (the one made closest to the root) wins.
    overrides: HashMap<Vec<String>, InputSpec>,
}

impl Locker<'_> {
    fn cache(&mut self) -> Result<PathBuf, Error> {
        if let Some(cache) = &self.cache {
            return Ok(cache.clone());
        }
        let cache = self.options.cache()?;
        self.cache = Some(cache.clone());
        Ok(cache)
    }

    fn must_update(&self, path: &[String]) -> bool {
        match &self.targets {
            Targets::None => false,
            Targets::All => path.len() == 1,
            Targets::Some(paths) => paths.iter().any(|target| target == path),
        }
    }

    fn register_overrides(&mut self, base: &[String], overrides: &BTreeMap<String, InputSpec>) {
        for (child, spec) in overrides {
            let mut path = base.to_vec();
            path.push(child.clone());
            self.overrides.entry(path.clone()).or_insert_with(|| spec.clone());
            self.register_overrides(&path, &spec.overrides);
        }
    }

    /// The locked inputs of the flake at `prefix` declaring `declared`;
    /// `old` is the previous node of that flake (or its own lock's root).
    fn compute(
        &mut self,
        declared: &BTreeMap<String, InputSpec>,
        prefix: &[String],
        old: Option<&LockNode>,
    ) -> Result<BTreeMap<String, LockEdge>, Error> {
        if prefix.len() > 64 {
            return Err(Error::Invalid(format!(
                "inputs nest too deeply at '{}' (a cycle of flakes?)",
                prefix.join("/")
            )));
        }
        for (name, spec) in declared {
            let mut path = prefix.to_vec();
            path.push(name.clone());
            self.register_overrides(&path, &spec.overrides);
        }
        let mut edges = BTreeMap::new();
        for (name, declared_spec) in declared {
            if self.builtins.contains(&name.as_str()) {
                continue;
            }
            let mut path = prefix.to_vec();
            path.push(name.clone());
            let input = path.join("/");
            let spec = match self.overrides.get(&path) {
                Some(over) => declared_spec.overridden_by(over),
                None => declared_spec.clone(),
            };
            if let Some(follows) = &spec.follows {
                edges.insert(name.clone(), LockEdge::Follows(follows.clone()));
                continue;
            }
            let Some(reference) = spec.reference.clone() else {
                return Err(invalid(
                    self.ev,
                    spec.pos,
                    format!("input '{input}' has neither a `url` (or `type`) nor `follows`"),
                ));
            };
            let relative = reference.get("type").and_then(Attr::as_str) == Some("path")
                && !reference.get("path").and_then(Attr::as_str).unwrap_or("").starts_with('/');
            let parent = relative.then(|| spec.declared_by.clone());
            let old_child = match old.and_then(|node| node.inputs.get(name)) {
                Some(LockEdge::Node(node)) => Some(node.as_ref()),
                _ => None,
            };
            let reusable = old_child
                .filter(|node| node.original.as_ref() == Some(&reference) && node.flake == spec.is_flake())
                .filter(|node| node.parent == parent)
                .filter(|_| !self.must_update(&path));
            let cache = self.cache()?;
            let (source, child_old): (Source, Option<LockNode>) = match reusable {
                Some(node) => {
                    let locked = node.locked.clone().unwrap_or_default();
                    let source = fetch::fetch_locked(&locked, &spec.base_dir, &input, &cache)?;
                    (source, Some(node.clone()))
                }
                None => {
                    let mut source = fetch::lock_fresh(&reference, &spec.base_dir, &input, &cache)?;
                    // A path whose content did not change keeps its entry
                    // (only its modification time may differ).
                    if let Some(previous) = old_child.and_then(|node| node.locked.as_ref()) {
                        let same_type = previous.get("type") == source.locked.get("type");
                        if same_type && previous.get("narHash") == source.locked.get("narHash") {
                            let same_rev = previous.get("rev") == source.locked.get("rev");
                            if same_rev && previous.get("path") == source.locked.get("path") {
                                source.locked = previous.clone();
                            }
                        }
                    }
                    let own = if spec.is_flake() { read_lock_file(&source.dir)? } else { None };
                    (source, own.map(|lock| lock.root))
                }
            };
            let mut node = LockNode {
                inputs: BTreeMap::new(),
                locked: Some(source.locked.clone()),
                original: Some(reference.clone()),
                flake: spec.is_flake(),
                parent,
            };
            if spec.is_flake() {
                if !source.dir.join("flake.nix").is_file() {
                    return Err(invalid(
                        self.ev,
                        spec.pos,
                        format!(
                            "input '{input}' ({}) has no flake.nix; if it is plain source, declare it with \
                             `flake = false;`",
                            fetch::describe(&reference)
                        ),
                    ));
                }
                let sub = read_flake(self.ev, &source.dir, &path, self.builtins)?;
                node.inputs = self.compute(&sub.inputs, &path, child_old.as_ref())?;
            }
            edges.insert(name.clone(), LockEdge::Node(Box::new(node)));
        }
        Ok(edges)
    }
}

fn check_follows(lock: &LockFile) -> Result<(), Error> {
    fn walk(lock: &LockFile, node: &LockNode, prefix: &mut Vec<String>) -> Result<(), Error> {
        for (name, edge) in &node.inputs {
            prefix.push(name.clone());
            match edge {
                LockEdge::Follows(target) => {
                    if let Err(message) = lock.node(target) {
                        return Err(Error::Invalid(format!(
                            "input '{}' follows a non-existent input '{}': {message}",
                            prefix.join("/"),
                            target.join("/")
                        )));
                    }
                }
                LockEdge::Node(child) => walk(lock, child, prefix)?,
            }
            prefix.pop();
        }
        Ok(())
    }
    walk(lock, &lock.root, &mut Vec::new())
}

fn flatten(lock: &LockFile) -> BTreeMap<String, InputState> {
    fn walk(node: &LockNode, prefix: &str, out: &mut BTreeMap<String, InputState>) {
        for (name, edge) in &node.inputs {
            let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            match edge {
                LockEdge::Follows(target) => {
                    out.insert(path, InputState::Follows(target.clone()));
                }
                LockEdge::Node(child) => {
                    out.insert(path.clone(), InputState::Locked(child.locked.clone().unwrap_or_default()));
                    walk(child, &path, out);
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&lock.root, "", &mut out);
    out
}

/// The changes from `old` to `new`, in input-path order.
pub fn diff(old: Option<&LockFile>, new: &LockFile) -> Vec<Change> {
    let before = old.map(flatten).unwrap_or_default();
    let after = flatten(new);
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    let mut changes = Vec::new();
    for name in names {
        let kind = match (before.get(name), after.get(name)) {
            (None, Some(state)) => ChangeKind::Added(state.clone()),
            (Some(state), None) => ChangeKind::Removed(state.clone()),
            (Some(old), Some(new)) if old != new => {
                let commits = match (old, new) {
                    (InputState::Locked(old), InputState::Locked(new)) => git_commits(old, new),
                    _ => Vec::new(),
                };
                ChangeKind::Updated { old: old.clone(), new: new.clone(), commits }
            }
            _ => continue,
        };
        changes.push(Change { input: name.clone(), kind });
    }
    changes
}

fn git_commits(old: &FetchAttrs, new: &FetchAttrs) -> Vec<String> {
    let text = |attrs: &FetchAttrs, name: &str| attrs.get(name).and_then(Attr::as_str).map(str::to_string);
    let is_git = |attrs: &FetchAttrs| text(attrs, "type").as_deref() == Some("git");
    match (is_git(old), is_git(new), text(old, "rev"), text(new, "rev"), text(new, "url")) {
        (true, true, Some(old_rev), Some(new_rev), Some(url)) if old_rev != new_rev => {
            fetch::commit_subjects(&url, &old_rev, &new_rev)
        }
        _ => Vec::new(),
    }
}
