//! `plan(current, next, root)`: what a switch will do, as plain data.
//!
//! Unit decisions follow NixOS's `switch-to-configuration`: a changed unit is
//! reloaded when `reloadIfChanged`, left alone when `restartIfChanged` is
//! false, stopped before the switch and started after when `stopIfChanged`,
//! and restarted after it otherwise; a change of a restart trigger counts as
//! a change of the unit, a change of only reload triggers reloads it; new
//! units are started when an active target wants them, removed ones stopped.
//! Only units expected to run (enabled and wanted by an active target) are
//! acted on, as NixOS only acts on active units.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::build::{FileEntry, Generation, UnitEntry};
use crate::fsutil::{self, on_disk, under_root, OnDisk};
use crate::model::{DefinitionSite, UserSpec};
use crate::{Error, Result};

/// Targets that are active on every running system.
pub const ACTIVE_TARGETS: [&str; 10] = [
    "basic.target",
    "default.target",
    "local-fs.target",
    "multi-user.target",
    "network.target",
    "network-online.target",
    "paths.target",
    "sockets.target",
    "sysinit.target",
    "timers.target",
];

/// Which generation a plan comes from or goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerationSummary {
    /// Its number on the target, once it has one.
    pub number: Option<u64>,
    /// The machine's name.
    pub host: String,
    /// The content hash.
    pub content_hash: String,
    /// The source revision.
    pub source_revision: Option<String>,
    /// The build time.
    pub time: i64,
}

impl GenerationSummary {
    /// Summarises `generation`.
    pub fn of(generation: &Generation, number: Option<u64>) -> GenerationSummary {
        GenerationSummary {
            number,
            host: generation.manifest.host.clone(),
            content_hash: generation.manifest.content_hash.clone(),
            source_revision: generation.manifest.source_revision.clone(),
            time: generation.manifest.time,
        }
    }
}

/// Everything a switch from `from` to `to` changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// The active generation, if any.
    pub from: Option<GenerationSummary>,
    /// The generation to activate.
    pub to: GenerationSummary,
    /// Option-level changes.
    pub options: Vec<OptionChange>,
    /// Files added, changed and removed, sorted by path.
    pub files: Vec<FileChange>,
    /// Unit decisions, sorted by unit.
    pub units: Vec<UnitChange>,
    /// Whether the service manager must re-read unit files.
    pub daemon_reload: bool,
    /// Users added, changed, locked.
    pub users: Vec<AccountChange>,
    /// Groups added, changed or no longer declared.
    pub groups: Vec<AccountChange>,
    /// Packages to install and remove.
    pub packages: PackageChanges,
    /// tmpfiles configuration files to apply.
    pub tmpfiles: Vec<String>,
    /// Health checks that run after the switch, by name.
    pub health_checks: Vec<String>,
}

impl Plan {
    /// Whether the plan changes nothing on the target.
    pub fn is_empty(&self) -> bool {
        self.options.is_empty()
            && self.files.is_empty()
            && self.units.iter().all(|unit| unit.action == UnitAction::Skip)
            && !self.daemon_reload
            && self.users.is_empty()
            && self.groups.is_empty()
            && self.packages.install.is_empty()
            && self.packages.remove.is_empty()
    }
}

/// How an option changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChangeKind {
    /// Newly defined.
    Added,
    /// Value changed.
    Changed,
    /// No longer defined.
    Removed,
}

/// One side of an option change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OptionSide {
    /// The value.
    pub value: serde_json::Value,
    /// Where it was defined.
    pub definitions: Vec<DefinitionSite>,
}

/// One option whose value changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OptionChange {
    /// Dotted option path.
    pub path: String,
    /// Added, changed or removed.
    pub kind: ChangeKind,
    /// The value and definitions before.
    pub old: Option<OptionSide>,
    /// The value and definitions after.
    pub new: Option<OptionSide>,
}

impl OptionChange {
    /// `path` changed from `before` to `after` as a whole.
    fn changed(path: &str, before: &OptionSide, after: &OptionSide) -> OptionChange {
        OptionChange {
            path: path.to_string(),
            kind: ChangeKind::Changed,
            old: Some(before.clone()),
            new: Some(after.clone()),
        }
    }
}

/// What happens to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FileAction {
    /// Created.
    Add,
    /// Replaced with new content, mode, owner or link target.
    Change,
    /// An existing file Strata did not create, with exactly the wanted content, taken over.
    Adopt,
    /// Removed (or replaced by the original it once displaced).
    Remove,
}

/// Why a file is backed up before it is touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BackupReason {
    /// Strata did not create it; it is restored when Strata stops managing the path.
    NotCreatedByStrata,
    /// Strata created it, but it was changed outside Strata since.
    ModifiedOutsideStrata,
}

/// One file operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileChange {
    /// Absolute target path.
    pub path: String,
    /// What happens.
    pub action: FileAction,
    /// Why the current file is backed up first, if it is.
    pub backup: Option<BackupReason>,
    /// For removals: the original this path had before Strata, put back.
    pub restore: Option<String>,
    /// What differs (content, mode, owner, link target).
    pub details: Vec<String>,
}

/// A unit decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UnitAction {
    /// Stopped before the files change, started after.
    StopStart,
    /// Stopped before the files change.
    Stop,
    /// Restarted after the files change.
    Restart,
    /// Reloaded after the files change.
    Reload,
    /// Started after the files change.
    Start,
    /// Changed but deliberately not restarted.
    Skip,
}

/// A unit and what happens to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitChange {
    /// Unit name.
    pub unit: String,
    /// The decision.
    pub action: UnitAction,
    /// Why, as a phrase.
    pub reason: String,
}

/// What happens to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AccountAction {
    /// Created (or taken over when it exists).
    Add,
    /// Attributes change.
    Change,
    /// No longer declared: a user is locked, never deleted.
    Lock,
    /// No longer declared: a group is kept as it is.
    Keep,
}

/// A user or group and what happens to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountChange {
    /// Account name.
    pub name: String,
    /// The decision.
    pub action: AccountAction,
    /// Changed attributes as `field: old → new`.
    pub details: Vec<String>,
}

/// Packages to install and remove.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageChanges {
    /// Newly needed.
    pub install: Vec<String>,
    /// No longer needed.
    pub remove: Vec<String>,
}

/// Computes the plan from `current` (the active generation, if any) to
/// `next` on the tree at `root`. It reads the target's files (to find
/// files Strata did not create) and `ROOT/var/lib/strata/backups.json`, and
/// changes nothing.
pub fn plan(current: Option<&Generation>, next: &Generation, root: &Path) -> Result<Plan> {
    let originals = read_backup_index(root)?;
    Ok(Plan {
        from: current.map(|generation| GenerationSummary::of(generation, None)),
        to: GenerationSummary::of(next, None),
        options: option_changes(current, next),
        files: file_changes(current, next, root, &originals)?,
        units: unit_changes(current, next),
        daemon_reload: unit_files_changed(current, next),
        users: user_changes(current, next),
        groups: group_changes(current, next),
        packages: package_changes(current, next),
        tmpfiles: next.tmpfiles.config_files.clone(),
        health_checks: next.health_checks.iter().map(|check| check.name.clone()).collect(),
    })
}

/// Originals displaced by Strata: target path → backup path, relative to the state directory.
pub(crate) fn read_backup_index(root: &Path) -> Result<BTreeMap<String, String>> {
    let path = crate::activate::state_dir(root).join("backups.json");
    if path.exists() {
        fsutil::read_json(&path)
    } else {
        Ok(BTreeMap::new())
    }
}

fn option_changes(current: Option<&Generation>, next: &Generation) -> Vec<OptionChange> {
    let old: BTreeMap<&str, _> =
        current.map(|g| g.options.iter().map(|o| (o.path.as_str(), o)).collect()).unwrap_or_default();
    let new: BTreeMap<&str, _> = next.options.iter().map(|o| (o.path.as_str(), o)).collect();
    let side =
        |o: &crate::model::OptionSnapshot| OptionSide { value: o.value.clone(), definitions: o.definitions.clone() };
    let paths: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    let mut changes = Vec::new();
    for path in paths {
        match (old.get(path), new.get(path)) {
            (None, Some(after)) => changes.push(OptionChange {
                path: path.to_string(),
                kind: ChangeKind::Added,
                old: None,
                new: Some(side(after)),
            }),
            (Some(before), None) => changes.push(OptionChange {
                path: path.to_string(),
                kind: ChangeKind::Removed,
                old: Some(side(before)),
                new: None,
            }),
            (Some(before), Some(after)) if before.value != after.value => {
                value_changes(path, &side(before), &side(after), 0, &mut changes)
            }
            _ => {}
        }
    }
    changes
}

/// How deep [`value_changes`] follows attribute sets inside one option's
/// value (`systemd.services.NAME.serviceConfig.KEY`).
const MAX_VALUE_DEPTH: usize = 4;

/// The changes between two values of one option. Attribute-set values
/// (`users.users`, `systemd.services`) are compared name by name, so a plan
/// says `systemd.services.backup` was added rather than repeating the whole
/// set; each change keeps the option's definitions.
fn value_changes(path: &str, before: &OptionSide, after: &OptionSide, depth: usize, out: &mut Vec<OptionChange>) {
    // Anything but two sets (or sets nested too deep) changes as a whole.
    let (serde_json::Value::Object(old), serde_json::Value::Object(new)) = (&before.value, &after.value) else {
        out.push(OptionChange::changed(path, before, after));
        return;
    };
    if depth >= MAX_VALUE_DEPTH {
        out.push(OptionChange::changed(path, before, after));
        return;
    }
    let at = |side: &OptionSide, value: &serde_json::Value| OptionSide {
        value: value.clone(),
        definitions: side.definitions.clone(),
    };
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for name in names {
        let sub = format!("{path}.{}", dotted_name(name));
        match (old.get(name), new.get(name)) {
            (None, Some(value)) => {
                out.push(OptionChange { path: sub, kind: ChangeKind::Added, old: None, new: Some(at(after, value)) })
            }
            (Some(value), None) => {
                out.push(OptionChange { path: sub, kind: ChangeKind::Removed, old: Some(at(before, value)), new: None })
            }
            (Some(a), Some(b)) if a != b => value_changes(&sub, &at(before, a), &at(after, b), depth + 1, out),
            _ => {}
        }
    }
}

/// An attribute name in a dotted path, quoted when it is not a plain name.
fn dotted_name(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '\''));
    if plain {
        name.to_string()
    } else {
        format!("{name:?}")
    }
}

/// Whether what is on disk is exactly what `entry` installs (content, mode or link target).
fn matches(disk: &OnDisk, entry: &FileEntry) -> bool {
    match (disk, entry) {
        (OnDisk::Symlink { target }, FileEntry::Symlink { target: wanted }) => target == wanted,
        (OnDisk::File { content, mode }, FileEntry::File { sha256, .. }) => {
            Some(*mode) == entry.mode_bits() && fsutil::sha256_hex(content) == *sha256
        }
        _ => false,
    }
}

fn entry_details(old: Option<&FileEntry>, new: &FileEntry) -> Vec<String> {
    match (old, new) {
        (
            Some(FileEntry::File { mode: m0, user: u0, group: g0, sha256: s0, .. }),
            FileEntry::File { mode: m1, user: u1, group: g1, sha256: s1, .. },
        ) => {
            let mut details = Vec::new();
            if s0 != s1 {
                details.push("content".to_string());
            }
            if m0 != m1 {
                details.push(format!("mode {m0} → {m1}"));
            }
            if (u0, g0) != (u1, g1) {
                details.push(format!("owner {u0}:{g0} → {u1}:{g1}"));
            }
            details
        }
        (Some(FileEntry::Symlink { target: t0 }), FileEntry::Symlink { target: t1 }) if t0 != t1 => {
            vec![format!("link {t0} → {t1}")]
        }
        (Some(FileEntry::Symlink { .. }), FileEntry::Symlink { .. }) => Vec::new(),
        (Some(_), FileEntry::Symlink { target }) => vec![format!("file → link to {target}")],
        (Some(_), FileEntry::File { .. }) => vec!["link → file".to_string()],
        (None, FileEntry::Symlink { target }) => vec![format!("link to {target}")],
        (None, FileEntry::File { mode, user, group, .. }) => vec![format!("{mode} {user}:{group}")],
    }
}

fn file_changes(
    current: Option<&Generation>,
    next: &Generation,
    root: &Path,
    originals: &BTreeMap<String, String>,
) -> Result<Vec<FileChange>> {
    let mut changes = Vec::new();
    for (path, entry) in &next.files {
        let disk = on_disk(&under_root(root, path))?;
        if disk == OnDisk::Other {
            return Err(Error::Invalid(format!(
                "'{}' is a directory or special file; Strata will not replace it with {path}",
                under_root(root, path).display()
            )));
        }
        let old_entry = current.and_then(|g| g.files.get(path).map(|e| (g, e)));
        let owned = match old_entry {
            Some((_, old)) => matches(&disk, old),
            None => false,
        };
        let change =
            |action, backup, details| FileChange { path: path.clone(), action, backup, restore: None, details };
        if disk == OnDisk::Missing {
            changes.push(change(FileAction::Add, None, entry_details(None, entry)));
        } else if owned {
            let old = old_entry.map(|(_, e)| e);
            if old != Some(entry) {
                changes.push(change(FileAction::Change, None, entry_details(old, entry)));
            }
        } else if old_entry.is_some() {
            let details = vec!["changed outside Strata".to_string()];
            changes.push(change(FileAction::Change, Some(BackupReason::ModifiedOutsideStrata), details));
        } else if matches(&disk, entry) {
            changes.push(change(FileAction::Adopt, Some(BackupReason::NotCreatedByStrata), Vec::new()));
        } else {
            let details = vec!["replaces a file Strata did not create".to_string()];
            changes.push(change(FileAction::Change, Some(BackupReason::NotCreatedByStrata), details));
        }
    }
    if let Some(current) = current {
        for (path, entry) in &current.files {
            if next.files.contains_key(path) {
                continue;
            }
            let disk = on_disk(&under_root(root, path))?;
            if disk == OnDisk::Other {
                // Replaced by a directory outside Strata: not Strata's to remove.
                continue;
            }
            let restore = originals.get(path).cloned();
            let backup = match disk {
                OnDisk::Missing => None,
                _ if matches(&disk, entry) => None,
                _ => Some(BackupReason::ModifiedOutsideStrata),
            };
            if disk == OnDisk::Missing && restore.is_none() {
                continue;
            }
            let details = if restore.is_some() { vec!["original restored".to_string()] } else { Vec::new() };
            changes.push(FileChange { path: path.clone(), action: FileAction::Remove, backup, restore, details });
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(changes)
}

/// Whether `unit` is expected to run: enabled and either a distribution unit
/// or wanted (directly or through a managed target) by an active target.
pub fn should_run(name: &str, units: &BTreeMap<String, UnitEntry>) -> bool {
    fn wanted(name: &str, units: &BTreeMap<String, UnitEntry>, seen: &mut BTreeSet<String>) -> bool {
        if ACTIVE_TARGETS.contains(&name) {
            return true;
        }
        if !seen.insert(name.to_string()) {
            return false;
        }
        let Some(unit) = units.get(name) else { return false };
        unit.spec.enable && unit.spec.wanted_by.iter().chain(&unit.spec.required_by).any(|by| wanted(by, units, seen))
    }
    let Some(unit) = units.get(name) else { return false };
    // A unit without a rendered file is the distribution's (ssh.service,
    // systemd-sysctl.service): the distribution enables it, so it runs.
    let distribution_unit = unit.files.is_empty();
    unit.spec.enable
        && (distribution_unit
            || unit
                .spec
                .wanted_by
                .iter()
                .chain(&unit.spec.required_by)
                .any(|by| wanted(by, units, &mut BTreeSet::new())))
}

/// The decision for one unit, as NixOS's switch rules make it.
pub fn decide_unit(
    name: &str,
    old: Option<&BTreeMap<String, UnitEntry>>,
    new: &BTreeMap<String, UnitEntry>,
) -> Option<(UnitAction, String)> {
    let before = old.and_then(|units| units.get(name));
    let after = new.get(name);
    let ran = match (before, old) {
        (Some(_), Some(units)) => should_run(name, units),
        _ => false,
    };
    let runs = should_run(name, new);
    let is_target = name.ends_with(".target");
    match (before, after) {
        (None, None) => None,
        (Some(_), None) => Some((UnitAction::Stop, "no longer declared".to_string())),
        (None, Some(unit)) if runs && unit.files.is_empty() => {
            Some((UnitAction::Start, "newly managed distribution unit".to_string()))
        }
        (None, Some(_)) if runs => Some((UnitAction::Start, "new, wanted by an active target".to_string())),
        (None, Some(_)) => None,
        (Some(_), Some(unit)) if !unit.spec.enable => {
            before.filter(|b| b.spec.enable).map(|_| (UnitAction::Stop, "disabled".to_string()))
        }
        (Some(old_unit), Some(unit)) => {
            if runs && !ran {
                return Some((UnitAction::Start, "now wanted by an active target".to_string()));
            }
            if ran && !runs {
                return Some((UnitAction::Stop, "no longer wanted by an active target".to_string()));
            }
            let definition = old_unit.definition_hash != unit.definition_hash;
            let triggers = old_unit.spec.restart_triggers != unit.spec.restart_triggers;
            let reload_triggers = old_unit.spec.reload_triggers != unit.spec.reload_triggers;
            let why = match (definition, triggers) {
                (true, true) => "definition and restart triggers changed",
                (true, false) => "definition changed",
                (false, true) => "restart triggers changed",
                (false, false) if reload_triggers => {
                    return runs.then(|| (UnitAction::Reload, "reload triggers changed".to_string()));
                }
                (false, false) => return None,
            };
            if !runs {
                return Some((
                    UnitAction::Skip,
                    format!("{why}; not running by default, takes effect when next started"),
                ));
            }
            Some(if is_target {
                (UnitAction::Start, format!("{why}; targets are started, not restarted"))
            } else if unit.spec.reload_if_changed {
                (UnitAction::Reload, format!("{why}; reloadIfChanged"))
            } else if !unit.spec.restart_if_changed {
                (UnitAction::Skip, format!("{why}; restartIfChanged = false"))
            } else if unit.spec.stop_if_changed {
                (UnitAction::StopStart, format!("{why}; stopIfChanged"))
            } else {
                (UnitAction::Restart, format!("{why}; stopIfChanged = false"))
            })
        }
    }
}

fn unit_changes(current: Option<&Generation>, next: &Generation) -> Vec<UnitChange> {
    let old = current.map(|g| &g.units);
    let names: BTreeSet<&String> = old.into_iter().flat_map(|u| u.keys()).chain(next.units.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            decide_unit(name, old, &next.units).map(|(action, reason)| UnitChange {
                unit: name.clone(),
                action,
                reason,
            })
        })
        .collect()
}

fn unit_files_changed(current: Option<&Generation>, next: &Generation) -> bool {
    let unit_files = |generation: &Generation| -> BTreeMap<String, FileEntry> {
        generation
            .files
            .iter()
            .filter(|(path, _)| path.starts_with("/etc/systemd/system/"))
            .map(|(path, entry)| (path.clone(), entry.clone()))
            .collect()
    };
    match current {
        Some(current) => unit_files(current) != unit_files(next),
        None => !unit_files(next).is_empty(),
    }
}

fn user_details(old: &UserSpec, new: &UserSpec, name: &str) -> Vec<String> {
    let mut details = Vec::new();
    let mut field = |label: &str, a: String, b: String| {
        if a != b {
            details.push(format!("{label}: {a} → {b}"));
        }
    };
    let show = |uid: Option<u32>| uid.map_or("allocated".to_string(), |u| u.to_string());
    field("uid", show(old.uid), show(new.uid));
    field("group", old.primary_group().to_string(), new.primary_group().to_string());
    field("extraGroups", old.extra_groups.join(","), new.extra_groups.join(","));
    field("home", old.home_dir(name), new.home_dir(name));
    field("shell", old.login_shell(), new.login_shell());
    field("description", old.description.clone(), new.description.clone());
    if old.hashed_password != new.hashed_password {
        details.push("hashedPassword changed".to_string());
    }
    if old.authorized_keys != new.authorized_keys {
        details.push(format!("authorizedKeys: {} → {} keys", old.authorized_keys.len(), new.authorized_keys.len()));
    }
    if old.create_home != new.create_home {
        details.push(format!("createHome: {} → {}", old.create_home, new.create_home));
    }
    details
}

fn user_changes(current: Option<&Generation>, next: &Generation) -> Vec<AccountChange> {
    let empty = BTreeMap::new();
    let old = current.map(|g| &g.accounts.users).unwrap_or(&empty);
    let new = &next.accounts.users;
    let mut changes = Vec::new();
    for (name, spec) in new {
        match old.get(name) {
            None => changes.push(AccountChange {
                name: name.clone(),
                action: AccountAction::Add,
                details: vec![if spec.is_normal_user { "normal user" } else { "system user" }.to_string()],
            }),
            Some(before) => {
                let details = user_details(before, spec, name);
                if !details.is_empty() {
                    changes.push(AccountChange { name: name.clone(), action: AccountAction::Change, details });
                }
            }
        }
    }
    for name in old.keys().filter(|name| !new.contains_key(*name)) {
        changes.push(AccountChange {
            name: name.clone(),
            action: AccountAction::Lock,
            details: vec!["no longer declared: locked, not deleted".to_string()],
        });
    }
    changes.sort_by(|a, b| a.name.cmp(&b.name));
    changes
}

fn group_changes(current: Option<&Generation>, next: &Generation) -> Vec<AccountChange> {
    let empty = BTreeMap::new();
    let old = current.map(|g| &g.accounts.groups).unwrap_or(&empty);
    let new = &next.accounts.groups;
    let mut changes = Vec::new();
    for (name, spec) in new {
        match old.get(name) {
            None => changes.push(AccountChange { name: name.clone(), action: AccountAction::Add, details: Vec::new() }),
            Some(before) if before != spec => {
                let mut details = Vec::new();
                if before.gid != spec.gid {
                    details.push(format!("gid: {:?} → {:?}", before.gid, spec.gid));
                }
                if before.members != spec.members {
                    details.push(format!("members: {} → {}", before.members.join(","), spec.members.join(",")));
                }
                changes.push(AccountChange { name: name.clone(), action: AccountAction::Change, details });
            }
            Some(_) => {}
        }
    }
    for name in old.keys().filter(|name| !new.contains_key(*name)) {
        changes.push(AccountChange {
            name: name.clone(),
            action: AccountAction::Keep,
            details: vec!["no longer declared: kept, not deleted".to_string()],
        });
    }
    changes.sort_by(|a, b| a.name.cmp(&b.name));
    changes
}

fn package_changes(current: Option<&Generation>, next: &Generation) -> PackageChanges {
    let old: BTreeSet<&String> = current.map(|g| g.packages.iter().collect()).unwrap_or_default();
    let new: BTreeSet<&String> = next.packages.iter().collect();
    PackageChanges {
        install: new.difference(&old).map(|name| (*name).clone()).collect(),
        remove: old.difference(&new).map(|name| (*name).clone()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UnitSpec;

    #[test]
    fn attribute_set_options_change_name_by_name() {
        let site = DefinitionSite { file: "/r/m.nix".into(), line: 3, column: 5, priority: 100 };
        let side = |value: serde_json::Value| OptionSide { value, definitions: vec![site.clone()] };
        let before = side(serde_json::json!({
            "alice": { "uid": 1000, "extraGroups": ["wheel"] },
            "bob": { "uid": 1001 },
            "a.b": { "uid": 1 },
        }));
        let after = side(serde_json::json!({
            "alice": { "uid": 1000, "extraGroups": ["wheel", "video"] },
            "carol": { "uid": 1002 },
            "a.b": { "uid": 1 },
        }));
        let mut changes = Vec::new();
        value_changes("users.users", &before, &after, 0, &mut changes);
        let summary: Vec<(String, ChangeKind)> = changes.iter().map(|c| (c.path.clone(), c.kind)).collect();
        assert_eq!(
            summary,
            [
                ("users.users.alice.extraGroups".to_string(), ChangeKind::Changed),
                ("users.users.bob".to_string(), ChangeKind::Removed),
                ("users.users.carol".to_string(), ChangeKind::Added),
            ]
        );
        assert_eq!(changes[0].new.as_ref().map(|s| &s.value), Some(&serde_json::json!(["wheel", "video"])));
        assert_eq!(changes[2].new.as_ref().map(|s| s.definitions.clone()), Some(vec![site.clone()]));
        // Values that are not attribute sets change as a whole.
        let mut changes = Vec::new();
        value_changes("x", &side(serde_json::json!([1])), &side(serde_json::json!([2])), 0, &mut changes);
        assert_eq!(changes.len(), 1);
        assert_eq!(dotted_name("a.b"), "\"a.b\"");
    }

    fn unit(hash: &str, tweak: impl FnOnce(&mut UnitSpec)) -> UnitEntry {
        let mut spec = UnitSpec {
            enable: true,
            wanted_by: vec!["multi-user.target".into()],
            required_by: Vec::new(),
            restart_if_changed: true,
            reload_if_changed: false,
            stop_if_changed: true,
            restart_triggers: Vec::new(),
            reload_triggers: Vec::new(),
        };
        tweak(&mut spec);
        UnitEntry { spec, files: vec!["/etc/systemd/system/a.service".into()], definition_hash: hash.to_string() }
    }

    fn decide(old: Option<UnitEntry>, new: Option<UnitEntry>) -> Option<UnitAction> {
        let old: Option<BTreeMap<String, UnitEntry>> =
            Some(old.into_iter().map(|u| ("a.service".to_string(), u)).collect());
        let new: BTreeMap<String, UnitEntry> = new.into_iter().map(|u| ("a.service".to_string(), u)).collect();
        decide_unit("a.service", old.as_ref(), &new).map(|(action, _)| action)
    }

    #[test]
    fn unchanged_units_are_left_alone() {
        assert_eq!(decide(Some(unit("h", |_| {})), Some(unit("h", |_| {}))), None);
    }

    #[test]
    fn changed_units_stop_and_start_by_default() {
        assert_eq!(decide(Some(unit("h", |_| {})), Some(unit("h2", |_| {}))), Some(UnitAction::StopStart));
    }

    #[test]
    fn stop_if_changed_false_restarts() {
        let new = unit("h2", |s| s.stop_if_changed = false);
        assert_eq!(decide(Some(unit("h", |_| {})), Some(new)), Some(UnitAction::Restart));
    }

    #[test]
    fn reload_if_changed_wins_over_restart() {
        let new = unit("h2", |s| s.reload_if_changed = true);
        assert_eq!(decide(Some(unit("h", |_| {})), Some(new)), Some(UnitAction::Reload));
    }

    #[test]
    fn restart_if_changed_false_skips() {
        let new = unit("h2", |s| s.restart_if_changed = false);
        assert_eq!(decide(Some(unit("h", |_| {})), Some(new)), Some(UnitAction::Skip));
    }

    #[test]
    fn restart_triggers_restart() {
        let new = unit("h", |s| {
            s.restart_triggers = vec!["x".into()];
            s.stop_if_changed = false;
        });
        assert_eq!(decide(Some(unit("h", |_| {})), Some(new)), Some(UnitAction::Restart));
    }

    #[test]
    fn reload_triggers_reload() {
        let new = unit("h", |s| s.reload_triggers = vec!["x".into()]);
        assert_eq!(decide(Some(unit("h", |_| {})), Some(new)), Some(UnitAction::Reload));
    }

    #[test]
    fn new_units_start_only_when_wanted() {
        assert_eq!(decide(None, Some(unit("h", |_| {}))), Some(UnitAction::Start));
        assert_eq!(decide(None, Some(unit("h", |s| s.wanted_by.clear()))), None);
    }

    #[test]
    fn removed_and_disabled_units_stop() {
        assert_eq!(decide(Some(unit("h", |_| {})), None), Some(UnitAction::Stop));
        assert_eq!(decide(Some(unit("h", |_| {})), Some(unit("h", |s| s.enable = false))), Some(UnitAction::Stop));
    }

    #[test]
    fn changed_units_not_running_by_default_are_not_restarted() {
        let old = unit("h", |s| s.wanted_by.clear());
        let new = unit("h2", |s| s.wanted_by.clear());
        assert_eq!(decide(Some(old), Some(new)), Some(UnitAction::Skip));
    }
}
