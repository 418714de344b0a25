//! The inputs of a build: the rendered machine (`config.system.build.strata`,
//! shape fixed in `contracts.md`), the option snapshot and metadata.
//!
//! Every struct here is plain `serde` data, read from JSON with NixOS's
//! defaults filled in and written back canonically (sorted keys).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// `config.system.build.strata`, validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderedMachine {
    /// `networking.hostName`.
    pub host_name: String,
    /// `system.stateVersion`.
    #[serde(default)]
    pub state_version: String,
    /// Every file the generation installs, by absolute target path.
    #[serde(default)]
    pub files: BTreeMap<String, FileSpec>,
    /// Every unit Strata manages, by unit name.
    #[serde(default)]
    pub units: BTreeMap<String, UnitSpec>,
    /// `users.users`.
    #[serde(default)]
    pub users: BTreeMap<String, UserSpec>,
    /// `users.groups`.
    #[serde(default)]
    pub groups: BTreeMap<String, GroupSpec>,
    /// Debian package names, sorted and unique.
    #[serde(default)]
    pub packages: Vec<String>,
    /// The nftables firewall.
    #[serde(default)]
    pub firewall: Firewall,
    /// `strata.healthChecks`.
    #[serde(default)]
    pub health_checks: Vec<HealthCheck>,
    /// `warnings` of the configuration.
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// One file to install. Exactly one of `text`, `source` and `symlink` is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileSpec {
    /// The file's content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// An absolute path on the building machine whose content is copied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Install a symbolic link pointing here instead of a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symlink: Option<String>,
    /// Octal permission bits such as `"0644"` (NixOS's `"symlink"` with `source` means a link to it).
    #[serde(default = "default_mode")]
    pub mode: String,
    /// Owner name.
    #[serde(default = "default_owner")]
    pub user: String,
    /// Group name.
    #[serde(default = "default_owner")]
    pub group: String,
}

fn default_mode() -> String {
    "0644".to_string()
}

fn default_owner() -> String {
    "root".to_string()
}

/// What activation needs to know about a unit to start, stop, restart or reload it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitSpec {
    /// A disabled unit is stopped and not started.
    #[serde(default = "yes")]
    pub enable: bool,
    /// Targets (or other units) that want this unit.
    #[serde(default)]
    pub wanted_by: Vec<String>,
    /// Units that require this unit.
    #[serde(default)]
    pub required_by: Vec<String>,
    /// Restart the unit when its definition changes (else leave it running).
    #[serde(default = "yes")]
    pub restart_if_changed: bool,
    /// Reload instead of restarting when its definition changes.
    #[serde(default)]
    pub reload_if_changed: bool,
    /// Stop with the old definition before the switch and start after it, instead of restarting after.
    #[serde(default = "yes")]
    pub stop_if_changed: bool,
    /// Values whose change restarts the unit.
    #[serde(default, deserialize_with = "trigger_strings")]
    pub restart_triggers: Vec<String>,
    /// Values whose change reloads the unit.
    #[serde(default, deserialize_with = "trigger_strings")]
    pub reload_triggers: Vec<String>,
}

fn yes() -> bool {
    true
}

/// Triggers may be any value in NixOS (strings, paths, derivations); they are
/// compared by their JSON text.
fn trigger_strings<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let values = Vec::<serde_json::Value>::deserialize(deserializer)?;
    Ok(values
        .into_iter()
        .map(|value| match value {
            serde_json::Value::String(text) => text,
            other => canonical_json(&other).to_string(),
        })
        .collect())
}

/// `users.users.<name>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSpec {
    /// A fixed uid, or `None` to allocate one at activation.
    #[serde(default)]
    pub uid: Option<u32>,
    /// Primary group (`users` for normal users when empty).
    #[serde(default)]
    pub group: String,
    /// Supplementary groups.
    #[serde(default)]
    pub extra_groups: Vec<String>,
    /// Home directory (`/home/NAME` for normal users, `/var/empty` otherwise, when empty).
    #[serde(default)]
    pub home: String,
    /// Create the home directory when missing.
    #[serde(default)]
    pub create_home: bool,
    /// Permissions of a created home directory (octal, default `700`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_mode: Option<String>,
    /// Login shell (`/bin/bash` for normal users, `/usr/sbin/nologin` otherwise, when unset).
    #[serde(default)]
    pub shell: Option<String>,
    /// A person's account: uid from 1000 up.
    #[serde(default)]
    pub is_normal_user: bool,
    /// A system account: uid from 999 down.
    #[serde(default)]
    pub is_system_user: bool,
    /// The password hash; `None` keeps what the account has (or `!` for new accounts).
    #[serde(default)]
    pub hashed_password: Option<String>,
    /// A file on the target holding the hash, read at activation (when `hashedPassword` is unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashed_password_file: Option<String>,
    /// The hash a newly created account gets (when neither of the above is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_hashed_password: Option<String>,
    /// The GECOS field.
    #[serde(default)]
    pub description: String,
    /// `openssh.authorizedKeys.keys`.
    #[serde(default)]
    pub authorized_keys: Vec<String>,
}

impl UserSpec {
    /// The primary group, with NixOS's default for normal users.
    pub fn primary_group(&self) -> &str {
        if self.group.is_empty() {
            if self.is_normal_user {
                "users"
            } else {
                "nogroup"
            }
        } else {
            &self.group
        }
    }

    /// The home directory, with NixOS's defaults.
    pub fn home_dir(&self, name: &str) -> String {
        if !self.home.is_empty() {
            self.home.clone()
        } else if self.is_normal_user {
            format!("/home/{name}")
        } else {
            "/var/empty".to_string()
        }
    }

    /// The login shell, with Debian's equivalents of NixOS's defaults.
    pub fn login_shell(&self) -> String {
        match &self.shell {
            Some(shell) if !shell.is_empty() => shell.clone(),
            _ if self.is_normal_user => "/bin/bash".to_string(),
            _ => "/usr/sbin/nologin".to_string(),
        }
    }

    /// Whether ids come from the system range (999 down), as NixOS decides.
    pub fn is_system(&self) -> bool {
        !self.is_normal_user
    }
}

/// `users.groups.<name>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupSpec {
    /// A fixed gid, or `None` to allocate one at activation.
    #[serde(default)]
    pub gid: Option<u32>,
    /// Members besides the users that name this group in `extraGroups`.
    #[serde(default)]
    pub members: Vec<String>,
}

/// The nftables firewall; its ruleset is also one of `files`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Firewall {
    /// Whether the firewall is on.
    #[serde(default)]
    pub enable: bool,
    /// The nftables ruleset text (`null` when the firewall is off).
    #[serde(default)]
    pub ruleset: Option<String>,
}

/// One entry of `strata.healthChecks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheck {
    /// The check's name, shown in reports.
    pub name: String,
    /// Seconds to keep retrying before the check counts as failed.
    #[serde(default = "default_timeout")]
    pub timeout: u64,
    /// What is checked.
    #[serde(flatten)]
    pub kind: HealthCheckKind,
}

fn default_timeout() -> u64 {
    30
}

/// The kinds of health check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum HealthCheckKind {
    /// `systemctl is-active UNIT` succeeds.
    Unit {
        /// The unit name.
        unit: String,
    },
    /// A TCP connection to HOST:PORT succeeds.
    Tcp {
        /// Host name or address.
        host: String,
        /// Port.
        port: u16,
    },
    /// An HTTP GET of URL answers with a 2xx status.
    Http {
        /// An `http://` URL.
        url: String,
    },
    /// `sh -c COMMAND` exits 0.
    Command {
        /// The shell command.
        command: String,
    },
}

/// Where an option value was defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DefinitionSite {
    /// The defining file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The definition's priority (100 for plain definitions, 1000 for `mkDefault`, 50 for `mkForce`).
    pub priority: i64,
}

/// One option with a definition: its value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OptionSnapshot {
    /// Dotted option path.
    pub path: String,
    /// The merged value.
    pub value: serde_json::Value,
    /// The definitions it was merged from.
    #[serde(default)]
    pub definitions: Vec<DefinitionSite>,
}

impl RenderedMachine {
    /// Reads and validates the rendered machine. Errors name the attribute at fault.
    pub fn from_json(value: &serde_json::Value) -> Result<RenderedMachine> {
        let object = value
            .as_object()
            .ok_or_else(|| Error::Rendered(format!("expected an attribute set, got {}", kind(value))))?;
        let field = |name: &str| object.get(name).cloned().unwrap_or(serde_json::Value::Null);
        let host_name = match field("hostName") {
            serde_json::Value::String(name) if !name.is_empty() => name,
            other => {
                return Err(Error::Rendered(format!("hostName: expected a non-empty string, got {}", kind(&other))))
            }
        };
        let state_version = match field("stateVersion") {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(version) => version,
            other => return Err(Error::Rendered(format!("stateVersion: expected a string, got {}", kind(&other)))),
        };
        let files: BTreeMap<String, FileSpec> = entries(&field("files"), "files")?;
        for (path, spec) in &files {
            check_file(path, spec)?;
        }
        let units = entries(&field("units"), "units")?;
        let users = entries(&field("users"), "users")?;
        let groups = entries(&field("groups"), "groups")?;
        let packages: Vec<String> = typed(field("packages"), "packages")?;
        let mut packages_sorted = packages.clone();
        packages_sorted.sort();
        packages_sorted.dedup();
        let firewall = typed(field("firewall"), "firewall")?;
        let health_checks: Vec<HealthCheck> = match field("healthChecks") {
            serde_json::Value::Null => Vec::new(),
            serde_json::Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(index, item)| {
                    serde_json::from_value(item)
                        .map_err(|error| Error::Rendered(format!("healthChecks[{index}]: {error}")))
                })
                .collect::<Result<_>>()?,
            other => return Err(Error::Rendered(format!("healthChecks: expected a list, got {}", kind(&other)))),
        };
        let warnings = typed(field("warnings"), "warnings")?;
        Ok(RenderedMachine {
            host_name,
            state_version,
            files,
            units,
            users,
            groups,
            packages: packages_sorted,
            firewall,
            health_checks,
            warnings,
        })
    }
}

fn check_file(path: &str, spec: &FileSpec) -> Result<()> {
    let at = format!("files.\"{path}\"");
    if !path.starts_with('/') || path.split('/').any(|part| part == ".." || part == ".") || path.ends_with('/') {
        return Err(Error::Rendered(format!("{at}: the target must be an absolute, normalised file path")));
    }
    const ACCOUNT_FILES: [&str; 4] = ["/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow"];
    if ACCOUNT_FILES.contains(&path) {
        return Err(Error::Rendered(format!(
            "{at}: the account databases are written from users.users and users.groups; declare accounts there"
        )));
    }
    let set = [spec.text.is_some(), spec.source.is_some(), spec.symlink.is_some()].iter().filter(|s| **s).count();
    if set != 1 {
        return Err(Error::Rendered(format!(
            "{at}: exactly one of text, source and symlink must be set (found {set})"
        )));
    }
    if spec.mode != "symlink"
        && (spec.mode.is_empty() || u32::from_str_radix(&spec.mode, 8).map_or(true, |m| m > 0o7777))
    {
        return Err(Error::Rendered(format!(
            "{at}.mode: expected octal permissions such as \"0644\", got {:?}",
            spec.mode
        )));
    }
    if spec.mode == "symlink" && spec.source.is_none() {
        return Err(Error::Rendered(format!("{at}: mode \"symlink\" needs source")));
    }
    Ok(())
}

fn entries<T: serde::de::DeserializeOwned>(value: &serde_json::Value, name: &str) -> Result<BTreeMap<String, T>> {
    match value {
        serde_json::Value::Null => Ok(BTreeMap::new()),
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(key, item)| {
                let parsed = serde_json::from_value(item.clone())
                    .map_err(|error| Error::Rendered(format!("{name}.\"{key}\": {error}")))?;
                Ok((key.clone(), parsed))
            })
            .collect(),
        other => Err(Error::Rendered(format!("{name}: expected an attribute set, got {}", kind(other)))),
    }
}

fn typed<T: serde::de::DeserializeOwned + Default>(value: serde_json::Value, at: &str) -> Result<T> {
    if value.is_null() {
        return Ok(T::default());
    }
    serde_json::from_value(value).map_err(|error| Error::Rendered(format!("{at}: {error}")))
}

fn kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a Boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an attribute set",
    }
}

/// `value` with every object's keys sorted, so its JSON text is canonical.
pub fn canonical_json(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let sorted: BTreeMap<&String, serde_json::Value> =
                map.iter().map(|(key, item)| (key, canonical_json(item))).collect();
            serde_json::Value::Object(sorted.into_iter().map(|(key, item)| (key.clone(), item)).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(canonical_json).collect()),
        other => other.clone(),
    }
}
