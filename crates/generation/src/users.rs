//! The account databases: `/etc/passwd`, `/etc/group`, `/etc/shadow` and
//! `/etc/gshadow` under a root, edited in memory and written atomically.
//!
//! Ids declared as `null` are allocated as NixOS does: system users and all
//! groups from 999 down (to 400), normal users from 1000 up. Every id given
//! out is recorded in `accounts.json` in the state directory and never given
//! to another name, so ids stay stable across generations. Accounts that are
//! no longer declared are never deleted: users are locked (password prefixed
//! with `!`, account expired), groups kept. Entries Strata does not manage
//! are left exactly as they are.
//!
//! Applying is idempotent: allocations and locks are recorded in the state
//! file before the databases are written, so re-running after a crash at any
//! point gives the same databases.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::build::Accounts;
use crate::fsutil::{self, io, under_root};
use crate::{Error, Result};

/// Ids handed out and accounts locked by Strata (`accounts.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountsState {
    /// Every user Strata has managed, with its uid.
    pub uids: BTreeMap<String, u32>,
    /// Every group Strata has managed, with its gid.
    pub gids: BTreeMap<String, u32>,
    /// Locked users, with the password hash they had before.
    pub locked: BTreeMap<String, String>,
}

/// What applying the accounts did besides the obvious.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountsOutcome {
    /// The uid of every declared user.
    pub uids: BTreeMap<String, u32>,
    /// The gid of every declared group.
    pub gids: BTreeMap<String, u32>,
    /// Users locked by this run.
    pub locked: Vec<String>,
    /// Things worth telling (missing supplementary groups).
    pub notes: Vec<String>,
}

const SYSTEM_IDS: (u32, u32) = (400, 999);
const NORMAL_IDS: (u32, u32) = (1000, 29999);

/// One colon-separated database.
struct Table {
    path: PathBuf,
    rows: Vec<Vec<String>>,
    original: Option<Vec<u8>>,
}

impl Table {
    fn read(path: PathBuf) -> Result<Table> {
        let original = fsutil::read_optional(&path)?;
        let rows = original
            .as_deref()
            .map(|bytes| {
                String::from_utf8_lossy(bytes)
                    .lines()
                    .filter(|line| !line.is_empty())
                    .map(|line| line.split(':').map(str::to_string).collect())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Table { path, rows, original })
    }

    fn find(&self, name: &str) -> Option<usize> {
        self.rows.iter().position(|row| row.first().map(String::as_str) == Some(name))
    }

    fn get(&self, name: &str) -> Option<&Vec<String>> {
        self.find(name).map(|index| &self.rows[index])
    }

    fn id_of(&self, name: &str) -> Option<u32> {
        self.get(name).and_then(|row| row.get(2)).and_then(|id| id.parse().ok())
    }

    fn name_with_id(&self, id: u32) -> Option<&str> {
        self.rows
            .iter()
            .find(|row| row.get(2).and_then(|v| v.parse::<u32>().ok()) == Some(id))
            .map(|row| row[0].as_str())
    }

    fn ids(&self) -> BTreeSet<u32> {
        self.rows.iter().filter_map(|row| row.get(2).and_then(|v| v.parse().ok())).collect()
    }

    /// Replaces the row named `row[0]`, or appends it.
    fn upsert(&mut self, row: Vec<String>) {
        match self.find(&row[0]) {
            Some(index) => self.rows[index] = row,
            None => self.rows.push(row),
        }
    }

    fn text(&self) -> Vec<u8> {
        let mut text = String::new();
        for row in &self.rows {
            text.push_str(&row.join(":"));
            text.push('\n');
        }
        text.into_bytes()
    }

    /// Writes the table if it changed, keeping an existing file's mode and owner.
    fn write(&self, default_mode: u32, default_owner: (u32, u32)) -> Result<()> {
        let text = self.text();
        if self.original.as_deref() == Some(&text[..]) {
            return Ok(());
        }
        let (mode, owner) = match fs::metadata(&self.path) {
            Ok(meta) => (meta.permissions().mode() & 0o7777, (meta.uid(), meta.gid())),
            Err(_) => (default_mode, default_owner),
        };
        fsutil::write_atomic(&self.path, &text, mode, Some(owner))
    }
}

/// Field `index` of `row`, padded when the row is short.
fn field(row: &mut Vec<String>, index: usize) -> &mut String {
    if row.len() <= index {
        row.resize(index + 1, String::new());
    }
    &mut row[index]
}

/// Allocates the first free id of `range`, downwards or upwards.
fn allocate(used: &BTreeSet<u32>, range: (u32, u32), downwards: bool, what: &str, name: &str) -> Result<u32> {
    let found = if downwards {
        (range.0..=range.1).rev().find(|id| !used.contains(id))
    } else {
        (range.0..=range.1).find(|id| !used.contains(id))
    };
    found.ok_or_else(|| {
        Error::Invalid(format!("no free {what} id left in {}..{} for '{name}'; set one explicitly", range.0, range.1))
    })
}

/// The path of the accounts state file under `root`.
pub fn state_path(root: &Path) -> PathBuf {
    crate::activate::state_dir(root).join("accounts.json")
}

/// Reads the accounts state (empty when absent).
pub fn read_state(root: &Path) -> Result<AccountsState> {
    let path = state_path(root);
    if path.exists() {
        fsutil::read_json(&path)
    } else {
        Ok(AccountsState::default())
    }
}

/// Brings the account databases under `root` in line with `accounts`.
pub fn apply(root: &Path, accounts: &Accounts) -> Result<AccountsOutcome> {
    update(root, accounts, true)
}

/// Checks that `accounts` can be applied under `root` (id conflicts, missing
/// primary groups) without changing anything.
pub fn check(root: &Path, accounts: &Accounts) -> Result<AccountsOutcome> {
    update(root, accounts, false)
}

fn update(root: &Path, accounts: &Accounts, write: bool) -> Result<AccountsOutcome> {
    let etc = |name: &str| under_root(root, &format!("/etc/{name}"));
    let mut passwd = Table::read(etc("passwd"))?;
    let mut group = Table::read(etc("group"))?;
    let mut shadow = Table::read(etc("shadow"))?;
    let mut gshadow = Table::read(etc("gshadow"))?;
    let mut state = read_state(root)?;
    let mut outcome = AccountsOutcome::default();

    // Ids: declared, else remembered, else what the database has, else allocated.
    let mut used_gids: BTreeSet<u32> = group.ids();
    used_gids.extend(state.gids.values());
    for (name, spec) in &accounts.groups {
        let gid = match spec.gid {
            Some(gid) => {
                if let Some(other) = group.name_with_id(gid).filter(|other| *other != name) {
                    return Err(Error::Invalid(format!(
                        "users.groups.{name}.gid = {gid} is already the gid of group '{other}' in {}",
                        group.path.display()
                    )));
                }
                gid
            }
            None => match state.gids.get(name).copied().or_else(|| group.id_of(name)) {
                Some(gid) => gid,
                None => allocate(&used_gids, SYSTEM_IDS, true, "group", name)?,
            },
        };
        used_gids.insert(gid);
        state.gids.insert(name.clone(), gid);
        outcome.gids.insert(name.clone(), gid);
    }
    let mut used_uids: BTreeSet<u32> = passwd.ids();
    used_uids.extend(state.uids.values());
    for (name, spec) in &accounts.users {
        let uid = match spec.uid {
            Some(uid) => {
                if let Some(other) = passwd.name_with_id(uid).filter(|other| *other != name) {
                    return Err(Error::Invalid(format!(
                        "users.users.{name}.uid = {uid} is already the uid of user '{other}' in {}",
                        passwd.path.display()
                    )));
                }
                uid
            }
            None => match state.uids.get(name).copied().or_else(|| passwd.id_of(name)) {
                Some(uid) => uid,
                None if spec.is_system() => allocate(&used_uids, SYSTEM_IDS, true, "user", name)?,
                None => allocate(&used_uids, NORMAL_IDS, false, "user", name)?,
            },
        };
        used_uids.insert(uid);
        state.uids.insert(name.clone(), uid);
        outcome.uids.insert(name.clone(), uid);
    }
    // Users managed before and no longer declared are locked; remember their hash first.
    let retired: Vec<String> = state
        .uids
        .keys()
        .filter(|name| !accounts.users.contains_key(*name) && passwd.get(name).is_some())
        .cloned()
        .collect();
    for name in &retired {
        if !state.locked.contains_key(name) {
            let hash = shadow.get(name).and_then(|row| row.get(1)).cloned().unwrap_or_default();
            state.locked.insert(name.clone(), hash);
            outcome.locked.push(name.clone());
        }
    }
    if write {
        fsutil::write_json(&state_path(root), &state)?;
    }

    // Groups and their members.
    let managed_users: BTreeSet<&String> = state.uids.keys().collect();
    let mut wanted_members: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (name, spec) in &accounts.groups {
        wanted_members.entry(name).or_default().extend(spec.members.iter().map(String::as_str));
    }
    for (user, spec) in &accounts.users {
        for extra in &spec.extra_groups {
            if accounts.groups.contains_key(extra) || group.get(extra).is_some() {
                wanted_members.entry(extra).or_default().insert(user);
            } else {
                outcome.notes.push(format!(
                    "group '{extra}' does not exist; user '{user}' was not added to it (declare users.groups.{extra})"
                ));
            }
        }
    }
    for (name, gid) in &outcome.gids {
        if group.get(name).is_none() {
            group.upsert(vec![name.clone(), "x".into(), gid.to_string(), String::new()]);
        } else if let Some(index) = group.find(name) {
            *field(&mut group.rows[index], 2) = gid.to_string();
        }
    }
    let mut member_lists: BTreeMap<String, String> = BTreeMap::new();
    for row in &mut group.rows {
        let name = row[0].clone();
        let wanted = wanted_members.get(name.as_str());
        let existing: Vec<String> =
            field(row, 3).split(',').filter(|member| !member.is_empty()).map(str::to_string).collect();
        let touches_managed = existing.iter().any(|member| managed_users.contains(member));
        if wanted.is_none() && !touches_managed && !accounts.groups.contains_key(&name) {
            continue;
        }
        let mut members: Vec<String> = existing.into_iter().filter(|member| !managed_users.contains(member)).collect();
        for member in wanted.into_iter().flatten() {
            if !members.iter().any(|m| m == member) {
                members.push(member.to_string());
            }
        }
        let joined = members.join(",");
        *field(row, 3) = joined.clone();
        member_lists.insert(name, joined);
    }
    for (name, members) in &member_lists {
        match gshadow.find(name) {
            Some(index) => *field(&mut gshadow.rows[index], 3) = members.clone(),
            None if accounts.groups.contains_key(name) => {
                gshadow.upsert(vec![name.clone(), "!".into(), String::new(), members.clone()])
            }
            None => {}
        }
    }

    // Users.
    for (name, spec) in &accounts.users {
        let primary = spec.primary_group();
        let gid = group.id_of(primary).ok_or_else(|| {
            Error::Invalid(format!(
                "users.users.{name}.group = \"{primary}\" names a group that neither users.groups nor {} has",
                group.path.display()
            ))
        })?;
        passwd.upsert(vec![
            name.clone(),
            "x".into(),
            outcome.uids[name].to_string(),
            gid.to_string(),
            spec.description.clone(),
            spec.home_dir(name),
            spec.login_shell(),
        ]);
        let previous = shadow.get(name).cloned();
        let unlocking = state.locked.get(name).cloned();
        let declared = match (&spec.hashed_password, &spec.hashed_password_file) {
            (Some(hash), _) => Some(hash.clone()),
            (None, Some(file)) => {
                let path = under_root(root, file);
                match fs::read_to_string(&path) {
                    Ok(text) => Some(text.trim().to_string()),
                    Err(error) => {
                        outcome.notes.push(format!(
                            "users.users.{name}.hashedPasswordFile: cannot read '{}' ({error}); password left as it was",
                            path.display()
                        ));
                        None
                    }
                }
            }
            (None, None) => None,
        };
        let hash = match (declared, &unlocking, &previous) {
            (Some(hash), _, _) => hash,
            (None, Some(before), _) => before.clone(),
            (None, None, Some(row)) => row.get(1).cloned().unwrap_or_else(|| "!".into()),
            (None, None, None) => spec.initial_hashed_password.clone().unwrap_or_else(|| "!".into()),
        };
        let mut row = previous.unwrap_or_else(|| vec![name.clone()]);
        *field(&mut row, 1) = hash;
        let _ = field(&mut row, 8);
        if unlocking.is_some() {
            *field(&mut row, 7) = String::new();
        }
        shadow.upsert(row);
    }
    for name in state.locked.keys().filter(|name| !accounts.users.contains_key(*name)) {
        let before = &state.locked[name];
        let mut row = shadow.get(name).cloned().unwrap_or_else(|| vec![name.clone()]);
        *field(&mut row, 1) = format!("!{before}");
        *field(&mut row, 7) = "1".into();
        let _ = field(&mut row, 8);
        shadow.upsert(row);
    }

    if !write {
        return Ok(outcome);
    }
    let shadow_gid = group.id_of("shadow").unwrap_or(0);
    passwd.write(0o644, (0, 0))?;
    group.write(0o644, (0, 0))?;
    shadow.write(0o640, (0, shadow_gid))?;
    gshadow.write(0o640, (0, shadow_gid))?;

    // Unlocked users are forgotten as locked only once the databases say so.
    let unlocked: Vec<String> =
        state.locked.keys().filter(|name| accounts.users.contains_key(*name)).cloned().collect();
    if !unlocked.is_empty() {
        for name in unlocked {
            state.locked.remove(&name);
        }
        fsutil::write_json(&state_path(root), &state)?;
    }

    for (name, spec) in &accounts.users {
        if spec.create_home {
            let home = under_root(root, &spec.home_dir(name));
            if !home.exists() {
                let gid = group.id_of(spec.primary_group()).unwrap_or(0);
                if let Some(parent) = home.parent() {
                    fsutil::create_dirs(parent)?;
                }
                io(fs::create_dir(&home), "creating home directory", &home)?;
                if fsutil::running_as_root() {
                    let uid = outcome.uids[name];
                    io(std::os::unix::fs::chown(&home, Some(uid), Some(gid)), "changing the owner of", &home)?;
                }
                let mode = spec.home_mode.as_deref().and_then(|m| u32::from_str_radix(m, 8).ok()).unwrap_or(0o700);
                io(fs::set_permissions(&home, fs::Permissions::from_mode(mode)), "setting permissions of", &home)?;
            }
        }
    }
    Ok(outcome)
}

/// User and group names under `root` with their ids, for file ownership.
pub fn lookup_ids(root: &Path) -> Result<(BTreeMap<String, u32>, BTreeMap<String, u32>)> {
    let read = |name: &str| -> Result<BTreeMap<String, u32>> {
        let table = Table::read(under_root(root, &format!("/etc/{name}")))?;
        Ok(table.rows.iter().filter_map(|row| Some((row.first()?.clone(), row.get(2)?.parse().ok()?))).collect())
    };
    let mut users = read("passwd")?;
    let mut groups = read("group")?;
    users.entry("root".into()).or_insert(0);
    groups.entry("root".into()).or_insert(0);
    Ok((users, groups))
}
