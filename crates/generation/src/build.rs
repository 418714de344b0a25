//! Building a generation directory from a rendered machine.
//!
//! Layout of a generation (all JSON pretty-printed with sorted keys):
//!
//! - `manifest.json`: host, time, source revision, Strata version, content hash;
//! - `files.json` and `files/<target path>`: every installed file's metadata
//!   (kind, mode, owner, SHA-256 or link target) and content;
//! - `units.json`: units with their switch flags and a hash of their definition;
//! - `accounts.json`, `tmpfiles.json`, `packages.json`, `options.json`,
//!   `health-checks.json`, `firewall.json`, `warnings.json`.
//!
//! The content hash is SHA-256 over every other file of the directory (sorted
//! relative path, length, bytes) followed by the manifest without the hash.
//! The manifest's time is never the wall clock: it is `SOURCE_DATE_EPOCH` when
//! set, else the source commit's time, else 0 (see `source_time`). So the same
//! inputs give a byte-identical directory.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fsutil::{self, io, sha256_hex};
use crate::model::{
    canonical_json, FileSpec, Firewall, GroupSpec, HealthCheck, OptionSnapshot, RenderedMachine, UnitSpec, UserSpec,
};
use crate::packages::{PackageDatabase, PackageReport};
use crate::{Error, Result, STRATA_VERSION};

/// Version of the generation directory layout.
pub const FORMAT_VERSION: u32 = 1;

/// Where a generation's time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TimeSource {
    /// The `SOURCE_DATE_EPOCH` environment variable.
    SourceDateEpoch,
    /// The commit time of the source revision.
    Commit,
    /// Neither was available; the time is 0.
    Unknown,
}

/// The build time: `SOURCE_DATE_EPOCH` when set and valid, else `commit_time`, else 0.
pub fn source_time(commit_time: Option<i64>) -> (i64, TimeSource) {
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|text| text.trim().parse::<i64>().ok()) {
        return (epoch, TimeSource::SourceDateEpoch);
    }
    match commit_time {
        Some(time) => (time, TimeSource::Commit),
        None => (0, TimeSource::Unknown),
    }
}

/// Facts about a build that do not come from the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildMetadata {
    /// The machine's name in the fleet.
    pub host: String,
    /// The source revision (git commit, `+dirty` when changed), if known.
    pub source_revision: Option<String>,
    /// Seconds since the epoch; see `source_time`.
    pub time: i64,
    /// Where `time` came from.
    pub time_source: TimeSource,
}

/// What `build` needs.
pub struct BuildInput<'a> {
    /// `config.system.build.strata` as JSON.
    pub rendered: &'a serde_json::Value,
    /// Every option with a definition.
    pub options: &'a [OptionSnapshot],
    /// Host, revision and time.
    pub metadata: BuildMetadata,
    /// The distribution's package names, to check `packages` against.
    pub package_database: &'a PackageDatabase,
}

/// A generation's manifest (`manifest.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Layout version (`FORMAT_VERSION`).
    pub format_version: u32,
    /// The machine's name in the fleet.
    pub host: String,
    /// `networking.hostName`.
    pub host_name: String,
    /// `system.stateVersion`.
    pub state_version: String,
    /// Seconds since the epoch (never the wall clock).
    pub time: i64,
    /// Where `time` came from.
    pub time_source: TimeSource,
    /// The source revision, if known.
    pub source_revision: Option<String>,
    /// The Strata version that built it.
    pub strata_version: String,
    /// SHA-256 over everything else (see the module documentation).
    #[serde(default)]
    pub content_hash: String,
}

/// How one installed file looks (`files.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum FileEntry {
    /// A regular file whose content is `files/<path>` in the generation.
    File {
        /// Octal permission bits.
        mode: String,
        /// Owner name.
        user: String,
        /// Group name.
        group: String,
        /// SHA-256 of the content.
        sha256: String,
        /// Content length in bytes.
        size: u64,
    },
    /// A symbolic link.
    Symlink {
        /// Where it points.
        target: String,
    },
}

impl FileEntry {
    /// The permission bits of a regular file.
    pub fn mode_bits(&self) -> Option<u32> {
        match self {
            FileEntry::File { mode, .. } => u32::from_str_radix(mode, 8).ok(),
            FileEntry::Symlink { .. } => None,
        }
    }
}

/// A unit with its switch flags and a hash of its definition (`units.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitEntry {
    /// The flags from the rendered machine.
    #[serde(flatten)]
    pub spec: UnitSpec,
    /// The unit's files (unit file, drop-ins) as installed.
    pub files: Vec<String>,
    /// SHA-256 over the unit's files and the managed files they mention (scripts).
    pub definition_hash: String,
}

/// Users and groups (`accounts.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Accounts {
    /// `users.users`.
    pub users: BTreeMap<String, UserSpec>,
    /// `users.groups`.
    pub groups: BTreeMap<String, GroupSpec>,
}

/// tmpfiles configuration the generation installs (`tmpfiles.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tmpfiles {
    /// Installed files under `/etc/tmpfiles.d/`.
    pub config_files: Vec<String>,
    /// Their rules, comments and blank lines left out.
    pub rules: Vec<String>,
}

/// A generation directory, loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Generation {
    /// Where it lives.
    pub dir: PathBuf,
    /// `manifest.json`.
    pub manifest: Manifest,
    /// `files.json`.
    pub files: BTreeMap<String, FileEntry>,
    /// `units.json`.
    pub units: BTreeMap<String, UnitEntry>,
    /// `accounts.json`.
    pub accounts: Accounts,
    /// `tmpfiles.json`.
    pub tmpfiles: Tmpfiles,
    /// `packages.json`.
    pub packages: Vec<String>,
    /// `options.json`.
    pub options: Vec<OptionSnapshot>,
    /// `health-checks.json`.
    pub health_checks: Vec<HealthCheck>,
    /// `firewall.json`.
    pub firewall: Firewall,
    /// `warnings.json`.
    pub warnings: Vec<String>,
}

/// The result of `build`.
#[derive(Debug, Clone)]
pub struct BuildOutput {
    /// The generation, loaded from where it was written.
    pub generation: Generation,
    /// Packages the distribution does not know, with suggestions.
    pub packages: PackageReport,
}

impl Generation {
    /// Loads the generation in `dir`.
    pub fn load(dir: &Path) -> Result<Generation> {
        Ok(Generation {
            dir: dir.to_path_buf(),
            manifest: fsutil::read_json(&dir.join("manifest.json"))?,
            files: fsutil::read_json(&dir.join("files.json"))?,
            units: fsutil::read_json(&dir.join("units.json"))?,
            accounts: fsutil::read_json(&dir.join("accounts.json"))?,
            tmpfiles: fsutil::read_json(&dir.join("tmpfiles.json"))?,
            packages: fsutil::read_json(&dir.join("packages.json"))?,
            options: fsutil::read_json(&dir.join("options.json"))?,
            health_checks: fsutil::read_json(&dir.join("health-checks.json"))?,
            firewall: fsutil::read_json(&dir.join("firewall.json"))?,
            warnings: fsutil::read_json(&dir.join("warnings.json"))?,
        })
    }

    /// The stored content of the installed regular file `target`.
    pub fn content(&self, target: &str) -> Result<Vec<u8>> {
        let path = content_path(&self.dir, target);
        io(fs::read(&path), "reading generation file", &path)
    }

    /// Recomputes the content hash of the directory and compares it with the manifest's.
    pub fn verify(&self) -> Result<()> {
        let actual = content_hash(&self.dir, &self.manifest)?;
        if actual != self.manifest.content_hash {
            return Err(Error::State(format!(
                "generation '{}' is damaged: content hash {actual} differs from the manifest's {}",
                self.dir.display(),
                self.manifest.content_hash
            )));
        }
        Ok(())
    }
}

fn content_path(dir: &Path, target: &str) -> PathBuf {
    dir.join("files").join(target.trim_start_matches('/'))
}

/// Builds the generation into a new directory under `parent`, named
/// `HOST-HASH` (the first 16 hex digits of the content hash), and loads it.
/// An existing directory of that name has the same content and is kept.
pub fn build(input: &BuildInput<'_>, parent: &Path) -> Result<BuildOutput> {
    let machine = RenderedMachine::from_json(input.rendered)?;
    let packages = input.package_database.check(&machine.packages);
    fsutil::create_dirs(parent)?;
    let staging = parent.join(format!(".building-{}-{}", input.metadata.host, std::process::id()));
    fsutil::remove_any(&staging)?;
    let manifest = write_generation(&machine, input, &staging)?;
    let final_dir = parent.join(format!("{}-{}", input.metadata.host, &manifest.content_hash[..16]));
    if final_dir.exists() {
        fsutil::remove_any(&staging)?;
    } else {
        io(fs::rename(&staging, &final_dir), "renaming into place", &final_dir)?;
        fsutil::sync_dir(parent)?;
    }
    let generation = Generation::load(&final_dir)?;
    generation.verify()?;
    Ok(BuildOutput { generation, packages })
}

fn write_generation(machine: &RenderedMachine, input: &BuildInput<'_>, dir: &Path) -> Result<Manifest> {
    fsutil::create_dirs(dir)?;
    let mut entries = BTreeMap::new();
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (target, spec) in &machine.files {
        let entry = file_entry(target, spec, &mut contents)?;
        entries.insert(target.clone(), entry);
    }
    for (link, target) in install_links(machine) {
        entries.entry(link).or_insert(FileEntry::Symlink { target });
    }
    for (target, bytes) in &contents {
        fsutil::write_atomic(&content_path(dir, target), bytes, 0o644, None)?;
    }
    let units: BTreeMap<String, UnitEntry> =
        machine.units.iter().map(|(name, spec)| (name.clone(), unit_entry(name, spec, &contents))).collect();
    let tmpfiles = tmpfiles_of(&contents);
    let options: Vec<OptionSnapshot> = {
        // `system.build` holds the rendered machine itself, which the generation records anyway.
        let mut options: Vec<OptionSnapshot> = input
            .options
            .iter()
            .filter(|option| option.path != "system.build" && !option.path.starts_with("system.build."))
            .map(|option| OptionSnapshot { value: canonical_json(&option.value), ..option.clone() })
            .collect();
        options.sort_by(|a, b| a.path.cmp(&b.path));
        options
    };
    let accounts = Accounts { users: machine.users.clone(), groups: machine.groups.clone() };
    fsutil::write_json(&dir.join("files.json"), &entries)?;
    fsutil::write_json(&dir.join("units.json"), &units)?;
    fsutil::write_json(&dir.join("accounts.json"), &accounts)?;
    fsutil::write_json(&dir.join("tmpfiles.json"), &tmpfiles)?;
    fsutil::write_json(&dir.join("packages.json"), &machine.packages)?;
    fsutil::write_json(&dir.join("options.json"), &options)?;
    fsutil::write_json(&dir.join("health-checks.json"), &machine.health_checks)?;
    fsutil::write_json(&dir.join("firewall.json"), &machine.firewall)?;
    fsutil::write_json(&dir.join("warnings.json"), &machine.warnings)?;
    let mut manifest = Manifest {
        format_version: FORMAT_VERSION,
        host: input.metadata.host.clone(),
        host_name: machine.host_name.clone(),
        state_version: machine.state_version.clone(),
        time: input.metadata.time,
        time_source: input.metadata.time_source,
        source_revision: input.metadata.source_revision.clone(),
        strata_version: STRATA_VERSION.to_string(),
        content_hash: String::new(),
    };
    manifest.content_hash = content_hash(dir, &manifest)?;
    fsutil::write_json(&dir.join("manifest.json"), &manifest)?;
    Ok(manifest)
}

fn file_entry(target: &str, spec: &FileSpec, contents: &mut BTreeMap<String, Vec<u8>>) -> Result<FileEntry> {
    if let Some(link) = &spec.symlink {
        return Ok(FileEntry::Symlink { target: link.clone() });
    }
    if spec.mode == "symlink" {
        if let Some(source) = &spec.source {
            return Ok(FileEntry::Symlink { target: source.clone() });
        }
    }
    let bytes = match (&spec.text, &spec.source) {
        (Some(text), _) => text.clone().into_bytes(),
        (None, Some(source)) => fs::read(source).map_err(|error| {
            Error::Rendered(format!(
                "files.\"{target}\".source: cannot read '{source}': {error}; the source must exist on the building machine"
            ))
        })?,
        (None, None) => {
            return Err(Error::Rendered(format!("files.\"{target}\": exactly one of text, source and symlink must be set")))
        }
    };
    let entry = FileEntry::File {
        mode: format!("{:04o}", u32::from_str_radix(&spec.mode, 8).unwrap_or(0o644)),
        user: spec.user.clone(),
        group: spec.group.clone(),
        sha256: sha256_hex(&bytes),
        size: bytes.len() as u64,
    };
    contents.insert(target.to_string(), bytes);
    Ok(entry)
}

/// The `TARGET.wants/UNIT` and `TARGET.requires/UNIT` links that enable
/// units, as `systemctl enable` (or NixOS's etc tree) would make them. A unit
/// without a rendered file is a distribution unit, linked in `/lib/systemd/system`.
fn install_links(machine: &RenderedMachine) -> Vec<(String, String)> {
    const UNIT_DIR: &str = "/etc/systemd/system";
    let mut links = Vec::new();
    for (name, unit) in &machine.units {
        if !unit.enable {
            continue;
        }
        let own = format!("{UNIT_DIR}/{name}");
        let target = if machine.files.get(&own).is_some_and(|spec| spec.symlink.is_none()) {
            own
        } else if machine.files.keys().any(|path| path.starts_with(&format!("{own}.d/")))
            || !machine.files.contains_key(&own)
        {
            format!("/lib/systemd/system/{name}")
        } else {
            continue;
        };
        for (by, kind) in
            unit.wanted_by.iter().map(|by| (by, "wants")).chain(unit.required_by.iter().map(|by| (by, "requires")))
        {
            links.push((format!("{UNIT_DIR}/{by}.{kind}/{name}"), target.clone()));
        }
    }
    links
}

/// The unit's files and a hash over them and the managed files they mention.
fn unit_entry(name: &str, spec: &UnitSpec, contents: &BTreeMap<String, Vec<u8>>) -> UnitEntry {
    let drop_in_dir = format!("/{name}.d/");
    let own: Vec<&String> = contents
        .keys()
        .filter(|path| {
            path.starts_with("/etc/systemd/") && (path.rsplit('/').next() == Some(name) || path.contains(&drop_in_dir))
        })
        .collect();
    let mut hashed: BTreeMap<&String, String> = BTreeMap::new();
    for path in &own {
        let text = String::from_utf8_lossy(&contents[*path]).into_owned();
        hashed.insert(path, sha256_hex(&contents[*path]));
        // Scripts and configuration files the unit names are part of its definition,
        // as they would be through store paths on NixOS.
        for (other, bytes) in contents {
            if !own.contains(&other) && mentions(&text, other) {
                hashed.insert(other, sha256_hex(bytes));
            }
        }
    }
    let mut material = String::new();
    for (path, hash) in &hashed {
        material.push_str(&format!("{path}\0{hash}\n"));
    }
    UnitEntry {
        spec: spec.clone(),
        files: own.into_iter().cloned().collect(),
        definition_hash: sha256_hex(material.as_bytes()),
    }
}

/// Whether `text` names `path` as a whole path (not as a prefix of a longer one).
fn mentions(text: &str, path: &str) -> bool {
    text.match_indices(path).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + path.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || "/._-".contains(c)));
        boundary(before) && boundary(after)
    })
}

fn tmpfiles_of(contents: &BTreeMap<String, Vec<u8>>) -> Tmpfiles {
    let mut tmpfiles = Tmpfiles::default();
    for (path, bytes) in contents {
        if path.starts_with("/etc/tmpfiles.d/") && path.ends_with(".conf") {
            tmpfiles.config_files.push(path.clone());
            for line in String::from_utf8_lossy(bytes).lines() {
                let line = line.trim();
                if !line.is_empty() && !line.starts_with('#') {
                    tmpfiles.rules.push(line.to_string());
                }
            }
        }
    }
    tmpfiles
}

/// SHA-256 over every file of `dir` but the manifest, then the manifest without its hash.
fn content_hash(dir: &Path, manifest: &Manifest) -> Result<String> {
    let mut material = Vec::new();
    for relative in fsutil::list_tree(dir)? {
        if relative == "manifest.json" {
            continue;
        }
        let path = dir.join(&relative);
        let bytes = io(fs::read(&path), "reading", &path)?;
        material.extend_from_slice(format!("{relative}\0{}\0", bytes.len()).as_bytes());
        material.extend_from_slice(&bytes);
    }
    let unhashed = Manifest { content_hash: String::new(), ..manifest.clone() };
    material.extend_from_slice(&fsutil::to_json_bytes(&unhashed)?);
    Ok(sha256_hex(&material))
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn mentions_whole_paths_only() {
        assert!(mentions("ExecStart=/etc/strata/run.sh --x", "/etc/strata/run.sh"));
        assert!(mentions("ExecStart=@/etc/a b", "/etc/a"));
        assert!(!mentions("ExecStart=/etc/strata/run.sh2", "/etc/strata/run.sh"));
        assert!(!mentions("ExecStart=/x/etc/a", "/etc/a"));
    }
}
