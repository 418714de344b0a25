//! Checking package names against the distribution's package database.
//!
//! The database is read once from `apt-cache pkgnames` (every package apt
//! knows) or, failing that, `dpkg-query -W` (installed packages only). The
//! result is a warning per unknown name with "did you mean" suggestions; it
//! never goes into the generation, so builds stay reproducible across
//! machines with different package lists.

use std::collections::BTreeSet;
use std::process::Command;

use serde::{Deserialize, Serialize};

/// Where the known package names came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DatabaseSource {
    /// `apt-cache pkgnames`: every package in apt's lists.
    AptCache,
    /// `dpkg-query -W`: installed packages only.
    Dpkg,
    /// Names given by the caller.
    Given,
    /// No database: names are not checked.
    Unavailable,
}

/// The distribution's package names.
#[derive(Debug, Clone)]
pub struct PackageDatabase {
    source: DatabaseSource,
    names: BTreeSet<String>,
}

/// One package name the database does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnknownPackage {
    /// The name as configured.
    pub name: String,
    /// Known names close to it (edit distance counting transpositions), best first.
    pub suggestions: Vec<String>,
}

/// The result of checking a package list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageReport {
    /// Which database was used.
    pub source: DatabaseSource,
    /// Names it does not know.
    pub unknown: Vec<UnknownPackage>,
}

impl PackageReport {
    /// Human-readable warnings: one per unknown name, or one saying nothing was checked.
    pub fn warnings(&self) -> Vec<String> {
        if self.source == DatabaseSource::Unavailable {
            return vec![
                "no package database available (neither apt-cache nor dpkg-query ran); package names were not checked"
                    .to_string(),
            ];
        }
        let scope = if self.source == DatabaseSource::Dpkg { " among the installed packages" } else { "" };
        self.unknown
            .iter()
            .map(|unknown| {
                let hint = match unknown.suggestions.as_slice() {
                    [] => String::new(),
                    [one] => format!("; did you mean '{one}'?"),
                    many => format!(
                        "; did you mean one of {}?",
                        many.iter().map(|name| format!("'{name}'")).collect::<Vec<_>>().join(", ")
                    ),
                };
                format!("unknown package '{}'{scope}{hint}", unknown.name)
            })
            .collect()
    }
}

impl PackageDatabase {
    /// Reads the system's package names (see the module documentation).
    pub fn system() -> PackageDatabase {
        if let Some(names) = command_lines("apt-cache", &["pkgnames"]) {
            return PackageDatabase { source: DatabaseSource::AptCache, names };
        }
        if let Some(names) = command_lines("dpkg-query", &["-W", "-f", "${Package}\\n"]) {
            return PackageDatabase { source: DatabaseSource::Dpkg, names };
        }
        PackageDatabase::unavailable()
    }

    /// A database of exactly `names`.
    pub fn from_names<I: IntoIterator<Item = S>, S: Into<String>>(names: I) -> PackageDatabase {
        PackageDatabase { source: DatabaseSource::Given, names: names.into_iter().map(Into::into).collect() }
    }

    /// No database: nothing is checked.
    pub fn unavailable() -> PackageDatabase {
        PackageDatabase { source: DatabaseSource::Unavailable, names: BTreeSet::new() }
    }

    /// Where the names came from.
    pub fn source(&self) -> DatabaseSource {
        self.source
    }

    /// Checks `packages`, suggesting close names for unknown ones.
    pub fn check(&self, packages: &[String]) -> PackageReport {
        let mut unknown = Vec::new();
        if self.source != DatabaseSource::Unavailable {
            for name in packages {
                if !self.names.contains(name) {
                    unknown.push(UnknownPackage { name: name.clone(), suggestions: self.suggest(name) });
                }
            }
        }
        PackageReport { source: self.source, unknown }
    }

    fn suggest(&self, name: &str) -> Vec<String> {
        let limit = (name.chars().count() / 3).clamp(1, 3);
        let mut close: Vec<(usize, &String)> = self
            .names
            .iter()
            .filter(|candidate| candidate.len().abs_diff(name.len()) <= limit)
            .map(|candidate| (strsim::osa_distance(name, candidate), candidate))
            .filter(|(distance, _)| *distance <= limit)
            .collect();
        close.sort();
        close.into_iter().take(3).map(|(_, candidate)| candidate.clone()).collect()
    }
}

/// The non-empty output lines of a command that succeeded with some output.
fn command_lines(program: &str, args: &[&str]) -> Option<BTreeSet<String>> {
    let output = Command::new(program).args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let names: BTreeSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.trim().to_string())
        .filter(|line| !line.is_empty())
        .collect();
    if names.is_empty() {
        None
    } else {
        Some(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_get_suggestions() {
        let database = PackageDatabase::from_names(["nginx", "podman", "openssh-server", "git"]);
        let report = database.check(&["nginx".into(), "ngnix".into(), "opensh-server".into(), "zzz".into()]);
        assert_eq!(
            report.warnings(),
            vec![
                "unknown package 'ngnix'; did you mean 'nginx'?".to_string(),
                "unknown package 'opensh-server'; did you mean 'openssh-server'?".to_string(),
                "unknown package 'zzz'".to_string(),
            ]
        );
    }

    #[test]
    fn no_database_is_said_once() {
        let report = PackageDatabase::unavailable().check(&["a".into(), "b".into()]);
        assert_eq!(report.warnings().len(), 1);
        assert!(report.unknown.is_empty());
    }
}
