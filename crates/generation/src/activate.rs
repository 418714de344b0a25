//! Activation: journaled, crash-safe execution of plans on a root directory.
//!
//! A switch copies the next generation into `ROOT/var/lib/strata/generations/N`,
//! turns the plan into steps (stop units; update accounts; back up, write or
//! remove each file; tmpfiles; daemon-reload; packages; reload, restart and start
//! units; commit `current`; health checks) and writes them to
//! `journal/plan.json`, synced, before anything changes. Every step is
//! idempotent given the journal: after each one a line is appended (and
//! synced) to the journal's progress file. A run that finds a journal
//! finishes it from the first step without a progress line, so an
//! interrupted switch always ends where an uninterrupted one would have.
//!
//! Unit actions and unit health checks go to `ActivationOptions::service_manager`
//! (a `systemctl` program, or skipped), packages to `package_manager`
//! (`apt-get` and `apt-mark`, or skipped); the CLI chooses the real programs
//! only for root `/`. Packages are installed after the files are written and
//! before units are reloaded, restarted or started; only active units are
//! reloaded. A failed `systemctl` call or `apt-get install` fails its step,
//! naming the units that failed, and leaves the journal for the next run; a
//! failed stop is only a warning once none of its units is active.
//!
//! `STRATA_CRASH_AFTER_STEP=N` (tests) exits the process with status 75 right
//! after the N-th step's effects and before its progress line, the worst
//! moment for a crash.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::build::{FileEntry, Generation};
use crate::fsutil::{self, io, under_root};
use crate::health::{self, HealthResult, HealthStatus};
use crate::plan::{self, BackupReason, FileAction, GenerationSummary, Plan, UnitAction};
use crate::{users, Error, Result};

/// Exit status of a process stopped by `STRATA_CRASH_AFTER_STEP`.
pub const CRASH_EXIT_STATUS: i32 = 75;

/// Where Strata keeps its state under `root`.
pub fn state_dir(root: &Path) -> PathBuf {
    under_root(root, "/var/lib/strata")
}

/// How to activate.
#[derive(Debug, Clone)]
pub struct ActivationOptions {
    /// The tree to activate into (`/` on a live host).
    pub root: PathBuf,
    /// Exit abruptly after this many steps (fault-injection tests).
    pub crash_after_step: Option<usize>,
    /// Run health checks after the switch (the CLI turns them on for `/`;
    /// a root directory runs nothing the generation declares).
    pub run_health_checks: bool,
    /// What stops, starts and reloads units and answers unit health checks.
    pub service_manager: ServiceManager,
    /// What installs and releases packages.
    pub package_manager: PackageManager,
}

/// The program that carries out unit actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum ServiceManager {
    /// Record unit actions as skipped (activating into a root directory, or
    /// a host without systemd), and why.
    Skip {
        /// Shown as the skipped steps' detail.
        reason: String,
    },
    /// Run this `systemctl` (`stop`, `daemon-reload`, `reload`, `restart`,
    /// `start`, `is-active`, `is-failed`).
    Systemctl {
        /// The program, found on `PATH` when it is a bare name.
        program: PathBuf,
    },
}

impl ServiceManager {
    /// `systemctl` when systemd runs on this host (`/run/systemd/system`
    /// exists), otherwise `Skip` saying so. For activating into `/`.
    pub fn systemd_if_running() -> ServiceManager {
        if Path::new("/run/systemd/system").is_dir() {
            ServiceManager::Systemctl { program: PathBuf::from("systemctl") }
        } else {
            ServiceManager::Skip { reason: "systemd is not running on this host".to_string() }
        }
    }

    /// `Skip` for activating into a root directory.
    pub fn root_directory() -> ServiceManager {
        ServiceManager::Skip {
            reason: "activating into a root directory: service-manager actions are not run".to_string(),
        }
    }

    /// The `systemctl` program, if unit actions run.
    pub fn systemctl(&self) -> Option<&Path> {
        match self {
            ServiceManager::Skip { .. } => None,
            ServiceManager::Systemctl { program } => Some(program),
        }
    }
}

/// The programs that install and release packages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum PackageManager {
    /// Record package actions as skipped, and why.
    Skip {
        /// Shown as the skipped step's detail.
        reason: String,
    },
    /// `apt-get install` new packages; `apt-mark auto` released ones.
    Apt {
        /// The `apt-get` program.
        apt_get: PathBuf,
        /// The `apt-mark` program.
        apt_mark: PathBuf,
    },
}

impl PackageManager {
    /// `apt-get` and `apt-mark` from `PATH`. For activating into `/`.
    pub fn apt() -> PackageManager {
        PackageManager::Apt { apt_get: PathBuf::from("apt-get"), apt_mark: PathBuf::from("apt-mark") }
    }

    /// `Skip` for activating into a root directory.
    pub fn root_directory() -> PackageManager {
        PackageManager::Skip { reason: "activating into a root directory: packages are not installed".to_string() }
    }
}

impl ActivationOptions {
    /// Options for activating into the directory `root`: unit and package
    /// actions skipped, no health checks, `STRATA_CRASH_AFTER_STEP` read from
    /// the environment. See `live` for the running system.
    pub fn new(root: &Path) -> ActivationOptions {
        let crash_after_step =
            std::env::var("STRATA_CRASH_AFTER_STEP").ok().and_then(|text| text.trim().parse::<usize>().ok());
        ActivationOptions {
            root: root.to_path_buf(),
            crash_after_step,
            run_health_checks: false,
            service_manager: ServiceManager::root_directory(),
            package_manager: PackageManager::root_directory(),
        }
    }

    /// These options for the running system: `systemctl` (when systemd
    /// runs), `apt-get`/`apt-mark`, health checks on.
    pub fn live(self) -> ActivationOptions {
        ActivationOptions {
            run_health_checks: true,
            service_manager: ServiceManager::systemd_if_running(),
            package_manager: PackageManager::apt(),
            ..self
        }
    }
}

/// Whether `root` is this host's `/` (after resolving symbolic links): the
/// one root the CLI activates live.
pub fn is_host_root(root: &Path) -> bool {
    fs::canonicalize(root).map(|path| path == Path::new("/")).unwrap_or(false)
}

/// One journaled step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "step")]
pub enum Step {
    /// Stop units before anything changes (`stopIfChanged`, removed, disabled).
    StopUnits {
        /// Units to stop.
        units: Vec<String>,
    },
    /// Bring `/etc/passwd`, `/etc/group`, `/etc/shadow`, `/etc/gshadow` in line.
    Accounts,
    /// Copy the current file at `path` to `to` (relative to the state directory).
    Backup {
        /// Target path.
        path: String,
        /// Backup location relative to the state directory.
        to: String,
        /// Whether it is an original to restore when Strata stops managing `path`.
        original: bool,
    },
    /// Install the generation's file (or link) at `path`.
    WriteFile {
        /// Target path.
        path: String,
    },
    /// Remove `path`, or put back the original saved at `restore`.
    RemoveFile {
        /// Target path.
        path: String,
        /// An original's backup location relative to the state directory.
        restore: Option<String>,
    },
    /// Apply tmpfiles configuration.
    Tmpfiles {
        /// Target paths of the configuration files.
        configs: Vec<String>,
    },
    /// `systemctl daemon-reload`.
    DaemonReload,
    /// Reload, restart or start units after the files changed.
    Units {
        /// Reload, Restart or Start.
        action: UnitAction,
        /// The units.
        units: Vec<String>,
    },
    /// Install and release packages.
    Packages {
        /// To install.
        install: Vec<String>,
        /// No longer needed.
        remove: Vec<String>,
    },
    /// Record the generation as current.
    Commit,
    /// Run the generation's health checks.
    HealthChecks,
}

impl Step {
    /// A one-line description.
    pub fn describe(&self) -> String {
        match self {
            Step::StopUnits { units } => format!("stop {}", units.join(" ")),
            Step::Accounts => "update users and groups".to_string(),
            Step::Backup { path, to, .. } => format!("back up {path} to {to}"),
            Step::WriteFile { path } => format!("write {path}"),
            Step::RemoveFile { path, restore: Some(_) } => format!("restore the original {path}"),
            Step::RemoveFile { path, restore: None } => format!("remove {path}"),
            Step::Tmpfiles { configs } => format!("systemd-tmpfiles --create {}", configs.join(" ")),
            Step::DaemonReload => "systemctl daemon-reload".to_string(),
            Step::Units { action, units } => format!("{} {}", unit_verb(*action), units.join(" ")),
            Step::Packages { install, remove } => {
                format!("packages: install {} / release {}", install.join(" "), remove.join(" "))
            }
            Step::Commit => "record the generation as current".to_string(),
            Step::HealthChecks => "run health checks".to_string(),
        }
    }
}

fn unit_verb(action: UnitAction) -> &'static str {
    match action {
        UnitAction::Reload => "reload",
        UnitAction::Restart => "restart",
        UnitAction::Stop => "stop",
        UnitAction::Start | UnitAction::StopStart => "start",
        UnitAction::Skip => "leave",
    }
}

/// Why an activation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ActivationKind {
    /// A new generation.
    Switch,
    /// An earlier generation, on request.
    Rollback,
    /// The previous generation, because health checks failed.
    AutomaticRollback,
}

/// The journal of the activation in flight (`journal/plan.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Journal {
    /// A number unique to this activation on this target.
    pub activation: u64,
    /// Why it runs.
    pub kind: ActivationKind,
    /// The generation active before.
    pub from: Option<u64>,
    /// The generation being activated.
    pub to: u64,
    /// For automatic rollbacks: why.
    pub reason: Option<String>,
    /// The plan the steps come from.
    pub plan: Plan,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "status", content = "detail")]
pub enum StepOutcome {
    /// Done.
    Done(String),
    /// Done, with something to look at.
    Warning(String),
    /// Not done here, and why.
    Skipped(String),
}

/// A step and its outcome (one line of the progress file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepRecord {
    /// 1-based position in the journal.
    pub index: usize,
    /// What the step does.
    pub description: String,
    /// How it ended.
    pub outcome: StepOutcome,
}

/// What an activation did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationReport {
    /// Why it ran.
    pub kind: ActivationKind,
    /// The generation active before.
    pub from: Option<u64>,
    /// The generation activated.
    pub to: u64,
    /// True when the generation was already active and nothing ran.
    pub unchanged: bool,
    /// The plan that was executed.
    pub plan: Option<Plan>,
    /// Steps run by this process (an interrupted activation's earlier steps are not repeated).
    pub steps: Vec<StepRecord>,
    /// Health-check results.
    pub health: Vec<HealthResult>,
    /// For automatic rollbacks: why.
    pub reason: Option<String>,
    /// The automatic rollback that followed failed health checks.
    pub rolled_back: Option<Box<ActivationReport>>,
    /// An interrupted activation that was finished first.
    pub recovered: Option<Box<ActivationReport>>,
    /// Things to tell the operator.
    pub notes: Vec<String>,
}

impl ActivationReport {
    /// Whether the requested generation is active and healthy at the end.
    pub fn succeeded(&self) -> bool {
        self.rolled_back.is_none() && self.health.iter().all(|result| result.status != HealthStatus::Failed)
    }
}

/// One generation on a target, for listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerationInfo {
    /// Its number.
    pub number: u64,
    /// Build time (seconds since the epoch).
    pub time: i64,
    /// The machine's name.
    pub host: String,
    /// The source revision.
    pub source_revision: Option<String>,
    /// The content hash.
    pub content_hash: String,
    /// Whether it is active.
    pub current: bool,
    /// Why it was rolled back automatically, if it was.
    pub failed: Option<String>,
}

/// The generations on the target at `root`, oldest first.
pub fn list_generations(root: &Path) -> Result<Vec<GenerationInfo>> {
    let current = current_number(root)?;
    let mut infos = Vec::new();
    for number in generation_numbers(root)? {
        let dir = generations_dir(root).join(number.to_string());
        let manifest: crate::build::Manifest = fsutil::read_json(&dir.join("manifest.json"))?;
        let failed = fsutil::read_optional(&failed_marker(root, number))?
            .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_string());
        infos.push(GenerationInfo {
            number,
            time: manifest.time,
            host: manifest.host,
            source_revision: manifest.source_revision,
            content_hash: manifest.content_hash,
            current: current == Some(number),
            failed,
        });
    }
    Ok(infos)
}

/// The active generation and its number, if any.
pub fn current_generation(root: &Path) -> Result<Option<(u64, Generation)>> {
    match current_number(root)? {
        Some(number) => Ok(Some((number, Generation::load(&generations_dir(root).join(number.to_string()))?))),
        None => Ok(None),
    }
}

/// The journal of an interrupted activation, if one is pending.
pub fn pending_activation(root: &Path) -> Result<Option<Journal>> {
    let path = journal_dir(root).join("plan.json");
    if path.exists() {
        Ok(Some(fsutil::read_json(&path)?))
    } else {
        Ok(None)
    }
}

/// The plan from the active generation to `next` (for `diff` and `--dry-run`).
pub fn preview(next: &Generation, root: &Path) -> Result<Plan> {
    let current = current_generation(root)?;
    let mut plan = plan::plan(current.as_ref().map(|(_, g)| g), next, root)?;
    plan.from = current.as_ref().map(|(number, g)| GenerationSummary::of(g, Some(*number)));
    Ok(plan)
}

/// Finishes an interrupted activation, if there is one.
pub fn recover(options: &ActivationOptions) -> Result<Option<ActivationReport>> {
    let _lock = StateLock::take(&options.root)?;
    let mut executor = Executor { options, steps_run: 0, finishing_for_rollback: false };
    executor.recover()
}

/// Activates `next`: finishes any interrupted activation, plans, journals,
/// executes, runs health checks and rolls back when they fail.
pub fn switch(next: &Generation, options: &ActivationOptions) -> Result<ActivationReport> {
    let _lock = StateLock::take(&options.root)?;
    let mut executor = Executor { options, steps_run: 0, finishing_for_rollback: false };
    let recovered = executor.recover()?.map(Box::new);
    let root = &options.root;
    let current = current_generation(root)?;
    if let Some((number, generation)) = &current {
        if generation.manifest.content_hash == next.manifest.content_hash {
            return Ok(ActivationReport {
                kind: ActivationKind::Switch,
                from: Some(*number),
                to: *number,
                unchanged: true,
                plan: None,
                steps: Vec::new(),
                health: Vec::new(),
                reason: None,
                rolled_back: None,
                recovered,
                notes: vec![format!("generation {number} has the same content; nothing to do")],
            });
        }
    }
    preflight(next, current.as_ref().map(|(_, g)| g), root)?;
    let number = generation_numbers(root)?.last().copied().unwrap_or(0) + 1;
    let target = generations_dir(root).join(number.to_string());
    let staging = generations_dir(root).join(format!(".{number}.tmp"));
    fsutil::remove_any(&staging)?;
    fsutil::copy_tree(&next.dir, &staging)?;
    io(fs::rename(&staging, &target), "renaming into place", &target)?;
    fsutil::sync_dir(&generations_dir(root))?;
    let installed = Generation::load(&target)?;
    let from = current.as_ref().map(|(number, _)| *number);
    let mut report = executor.activate(ActivationKind::Switch, current.as_ref(), (number, &installed), None)?;
    report.recovered = recovered;
    report.from = from;
    Ok(report)
}

/// Activates generation `to` (default: the one before the current one).
pub fn rollback(to: Option<u64>, options: &ActivationOptions) -> Result<ActivationReport> {
    let _lock = StateLock::take(&options.root)?;
    // A switch left journaled because a unit or package command kept
    // failing is finished tolerating those failures, so a rollback is always
    // possible: the rollback's own plan replaces that generation right after.
    let mut executor = Executor { options, steps_run: 0, finishing_for_rollback: true };
    let recovered = executor.recover()?.map(Box::new);
    executor.finishing_for_rollback = false;
    let root = &options.root;
    let current = current_generation(root)?.ok_or_else(|| {
        Error::Invalid(format!("no generation is active under '{}'; nothing to roll back", root.display()))
    })?;
    let numbers = generation_numbers(root)?;
    let target = match to {
        Some(number) if numbers.contains(&number) => number,
        Some(number) => {
            return Err(Error::Invalid(format!(
                "there is no generation {number} under '{}' (generations: {})",
                root.display(),
                numbers.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
            )))
        }
        None => numbers.iter().rev().copied().find(|number| *number < current.0).ok_or_else(|| {
            Error::Invalid(format!("generation {} is the oldest; there is nothing before it", current.0))
        })?,
    };
    let generation = Generation::load(&generations_dir(root).join(target.to_string()))?;
    let mut report = if target == current.0 {
        ActivationReport {
            kind: ActivationKind::Rollback,
            from: Some(target),
            to: target,
            unchanged: true,
            plan: None,
            steps: Vec::new(),
            health: Vec::new(),
            reason: None,
            rolled_back: None,
            recovered: None,
            notes: vec![format!("generation {target} is already active")],
        }
    } else {
        preflight(&generation, Some(&current.1), root)?;
        executor.activate(ActivationKind::Rollback, Some(&current), (target, &generation), None)?
    };
    report.recovered = recovered;
    Ok(report)
}

fn generations_dir(root: &Path) -> PathBuf {
    state_dir(root).join("generations")
}

fn journal_dir(root: &Path) -> PathBuf {
    state_dir(root).join("journal")
}

fn failed_marker(root: &Path, number: u64) -> PathBuf {
    generations_dir(root).join(format!("{number}.failed"))
}

fn current_number(root: &Path) -> Result<Option<u64>> {
    let path = state_dir(root).join("current");
    match fsutil::read_optional(&path)? {
        None => Ok(None),
        Some(bytes) => String::from_utf8_lossy(&bytes)
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| Error::State(format!("'{}' does not hold a generation number", path.display()))),
    }
}

fn generation_numbers(root: &Path) -> Result<Vec<u64>> {
    let dir = generations_dir(root);
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut numbers = Vec::new();
    for entry in io(fs::read_dir(&dir), "listing", &dir)? {
        let entry = io(entry, "listing", &dir)?;
        if let Some(number) = entry.file_name().to_str().and_then(|name| name.parse::<u64>().ok()) {
            if entry.path().is_dir() {
                numbers.push(number);
            }
        }
    }
    numbers.sort();
    Ok(numbers)
}

/// What is checked before anything is journaled: the generation is intact,
/// its accounts can be applied, its file owners exist, and no file it writes
/// or removes lies outside the root.
fn preflight(next: &Generation, current: Option<&Generation>, root: &Path) -> Result<()> {
    next.verify()?;
    users::check(root, &next.accounts)?;
    check_owners(next, root)?;
    for path in next.files.keys().chain(current.into_iter().flat_map(|g| g.files.keys())) {
        fsutil::ensure_inside(root, &under_root(root, path))?;
    }
    Ok(())
}

/// Every file owner must be a declared account or exist under the root already.
fn check_owners(next: &Generation, root: &Path) -> Result<()> {
    let (users, groups) = users::lookup_ids(root)?;
    for (path, entry) in &next.files {
        if let FileEntry::File { user, group, .. } = entry {
            if !users.contains_key(user) && !next.accounts.users.contains_key(user) && user.parse::<u32>().is_err() {
                return Err(Error::Invalid(format!(
                    "{path} is owned by user '{user}', which is neither declared in users.users nor present in {}",
                    under_root(root, "/etc/passwd").display()
                )));
            }
            if !groups.contains_key(group) && !next.accounts.groups.contains_key(group) && group.parse::<u32>().is_err()
            {
                return Err(Error::Invalid(format!(
                    "{path} is owned by group '{group}', which is neither declared in users.groups nor present in {}",
                    under_root(root, "/etc/group").display()
                )));
            }
        }
    }
    Ok(())
}

/// The steps that carry out `plan`; `activation` names this run's backup directory.
fn steps_for(plan: &Plan, activation: u64) -> Vec<Step> {
    let mut steps = Vec::new();
    let units_with = |actions: &[UnitAction]| -> Vec<String> {
        plan.units.iter().filter(|u| actions.contains(&u.action)).map(|u| u.unit.clone()).collect()
    };
    let stop = units_with(&[UnitAction::StopStart, UnitAction::Stop]);
    if !stop.is_empty() {
        steps.push(Step::StopUnits { units: stop });
    }
    steps.push(Step::Accounts);
    for change in &plan.files {
        if let Some(reason) = change.backup {
            let original = reason == BackupReason::NotCreatedByStrata;
            let to = format!("backups/{activation}{}", change.path);
            steps.push(Step::Backup { path: change.path.clone(), to, original });
        }
        match change.action {
            FileAction::Add | FileAction::Change | FileAction::Adopt => {
                steps.push(Step::WriteFile { path: change.path.clone() })
            }
            FileAction::Remove => {
                steps.push(Step::RemoveFile { path: change.path.clone(), restore: change.restore.clone() })
            }
        }
    }
    if !plan.tmpfiles.is_empty() {
        steps.push(Step::Tmpfiles { configs: plan.tmpfiles.clone() });
    }
    if plan.daemon_reload {
        steps.push(Step::DaemonReload);
    }
    // Before units start: a unit may run a program its package brings, and
    // the package finds the generation's configuration files in place.
    if !plan.packages.install.is_empty() || !plan.packages.remove.is_empty() {
        steps.push(Step::Packages { install: plan.packages.install.clone(), remove: plan.packages.remove.clone() });
    }
    for action in [UnitAction::Reload, UnitAction::Restart] {
        let units = units_with(&[action]);
        if !units.is_empty() {
            steps.push(Step::Units { action, units });
        }
    }
    let start = units_with(&[UnitAction::StopStart, UnitAction::Start]);
    if !start.is_empty() {
        steps.push(Step::Units { action: UnitAction::Start, units: start });
    }
    steps.push(Step::Commit);
    if !plan.health_checks.is_empty() {
        steps.push(Step::HealthChecks);
    }
    steps
}

/// A lock file with the holder's pid; a lock whose holder is gone is taken over.
struct StateLock {
    path: PathBuf,
}

impl StateLock {
    fn take(root: &Path) -> Result<StateLock> {
        let dir = state_dir(root);
        fsutil::create_dirs(&dir)?;
        let path = dir.join("lock");
        for _ in 0..2 {
            match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    io(write!(file, "{}", std::process::id()), "writing", &path)?;
                    return Ok(StateLock { path });
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = fs::read_to_string(&path).unwrap_or_default();
                    let alive = holder.trim().parse::<u32>().map(|pid| Path::new(&format!("/proc/{pid}")).exists());
                    if alive == Ok(true) {
                        return Err(Error::Invalid(format!(
                            "another strata process (pid {}) is activating under '{}'; wait for it to finish",
                            holder.trim(),
                            root.display()
                        )));
                    }
                    fsutil::remove_any(&path)?;
                }
                Err(error) => return Err(Error::Io { action: "creating", path, source: error }),
            }
        }
        Err(Error::Invalid(format!("cannot take the lock '{}'", path.display())))
    }
}

impl Drop for StateLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Runs journals; counts steps for `STRATA_CRASH_AFTER_STEP`.
struct Executor<'a> {
    options: &'a ActivationOptions,
    steps_run: usize,
    /// Finishing a pending switch only to roll it back: failed external
    /// commands become warnings and its health checks are not run.
    finishing_for_rollback: bool,
}

/// What the health-check step found.
enum StepResult {
    Outcome(StepOutcome),
    Health(Vec<HealthResult>),
}

impl Executor<'_> {
    fn root(&self) -> &Path {
        &self.options.root
    }

    fn recover(&mut self) -> Result<Option<ActivationReport>> {
        let root = self.root().to_path_buf();
        let journal_dir = journal_dir(&root);
        match pending_activation(&root)? {
            Some(journal) => {
                let mut report = self.execute(&journal)?;
                report.notes.insert(
                    0,
                    format!(
                        "finished an interrupted {} to generation {}",
                        match journal.kind {
                            ActivationKind::Switch => "switch",
                            _ => "rollback",
                        },
                        journal.to
                    ),
                );
                Ok(Some(report))
            }
            None => {
                // A crash after the journal was removed can leave progress files behind.
                if journal_dir.exists() {
                    fsutil::remove_any(&journal_dir)?;
                }
                Ok(None)
            }
        }
    }

    /// Plans from `current` to `target`, journals and executes.
    fn activate(
        &mut self,
        kind: ActivationKind,
        current: Option<&(u64, Generation)>,
        target: (u64, &Generation),
        reason: Option<String>,
    ) -> Result<ActivationReport> {
        let root = self.root().to_path_buf();
        let mut plan = plan::plan(current.map(|(_, g)| g), target.1, &root)?;
        plan.from = current.map(|(number, g)| GenerationSummary::of(g, Some(*number)));
        plan.to.number = Some(target.0);
        let activation = next_activation(&root)?;
        let journal = Journal {
            activation,
            kind,
            from: current.map(|(number, _)| *number),
            to: target.0,
            reason,
            steps: steps_for(&plan, activation),
            plan,
        };
        let dir = journal_dir(&root);
        fsutil::create_dirs(&dir)?;
        fsutil::sync_dir(&state_dir(&root))?;
        fsutil::write_json(&dir.join("plan.json"), &journal)?;
        self.execute(&journal)
    }

    fn execute(&mut self, journal: &Journal) -> Result<ActivationReport> {
        let root = self.root().to_path_buf();
        let progress_path = journal_dir(&root).join(format!("progress-{}", journal.activation));
        let done = read_progress(&progress_path)?;
        let generation = Generation::load(&generations_dir(&root).join(journal.to.to_string()))?;
        let mut report = ActivationReport {
            kind: journal.kind,
            from: journal.from,
            to: journal.to,
            unchanged: false,
            plan: Some(journal.plan.clone()),
            steps: Vec::new(),
            health: Vec::new(),
            reason: journal.reason.clone(),
            rolled_back: None,
            recovered: None,
            notes: Vec::new(),
        };
        let mut failed_health: Option<String> = None;
        for (offset, step) in journal.steps.iter().enumerate() {
            let index = offset + 1;
            if index <= done {
                continue;
            }
            let tolerant = self.finishing_for_rollback && journal.kind == ActivationKind::Switch;
            let result = match step {
                Step::HealthChecks if tolerant => Ok(StepResult::Outcome(StepOutcome::Skipped(
                    "a rollback was asked for; this generation is replaced next".to_string(),
                ))),
                _ => self.run_step(step, &generation, journal),
            };
            let result = match result {
                Err(Error::Command(message)) if tolerant => Ok(StepResult::Outcome(StepOutcome::Warning(format!(
                    "{message}\nignored: a rollback was asked for and replaces this generation next"
                )))),
                other => other,
            };
            let result = result.map_err(|error| {
                Error::Invalid(format!(
                    "step {index} ({}) failed: {error}\nThe activation is journaled in '{}': fix the cause and run \
                     `strata switch` or `strata rollback` to finish it from this step.",
                    step.describe(),
                    journal_dir(&root).join("plan.json").display()
                ))
            })?;
            let outcome = match result {
                StepResult::Outcome(outcome) => outcome,
                StepResult::Health(results) => {
                    let failures: Vec<String> = results
                        .iter()
                        .filter(|r| r.status == HealthStatus::Failed)
                        .map(|r| format!("{}: {}", r.name, r.detail))
                        .collect();
                    report.health = results;
                    if failures.is_empty() {
                        StepOutcome::Done("all health checks passed".to_string())
                    } else {
                        let summary = failures.join("; ");
                        failed_health = Some(summary.clone());
                        StepOutcome::Warning(format!("failed: {summary}"))
                    }
                }
            };
            self.steps_run += 1;
            if self.options.crash_after_step == Some(self.steps_run) {
                std::process::exit(CRASH_EXIT_STATUS);
            }
            let record = StepRecord { index, description: step.describe(), outcome };
            append_progress(&progress_path, &record)?;
            report.steps.push(record);
        }
        match failed_health {
            Some(reason) if journal.kind == ActivationKind::Switch => {
                fsutil::write_atomic(&failed_marker(&root, journal.to), format!("{reason}\n").as_bytes(), 0o644, None)?;
                match journal.from {
                    Some(previous) => {
                        let previous_generation = Generation::load(&generations_dir(&root).join(previous.to_string()))?;
                        let failed = (journal.to, generation);
                        let rollback = self.activate(
                            ActivationKind::AutomaticRollback,
                            Some(&failed),
                            (previous, &previous_generation),
                            Some(format!("health checks of generation {} failed: {reason}", journal.to)),
                        )?;
                        report.rolled_back = Some(Box::new(rollback));
                    }
                    None => {
                        report.notes.push(format!(
                            "health checks failed ({reason}) and there is no earlier generation to roll back to"
                        ));
                        self.finish(journal)?;
                    }
                }
            }
            _ => self.finish(journal)?,
        }
        Ok(report)
    }

    /// Removes the journal once its steps are all done (or a rollback replaced it).
    fn finish(&self, journal: &Journal) -> Result<()> {
        let dir = journal_dir(self.root());
        let plan = dir.join("plan.json");
        if let Some(current) = pending_activation(self.root())? {
            if current.activation == journal.activation {
                fsutil::remove_any(&plan)?;
                fsutil::sync_dir(&dir)?;
            }
        }
        fsutil::remove_any(&dir)
    }

    fn run_step(&mut self, step: &Step, generation: &Generation, journal: &Journal) -> Result<StepResult> {
        let root = self.root().to_path_buf();
        let state = state_dir(&root);
        let done = |detail: String| Ok(StepResult::Outcome(StepOutcome::Done(detail)));
        match step {
            Step::StopUnits { units } => self.systemctl("stop", units),
            Step::Accounts => {
                let outcome = users::apply(&root, &generation.accounts)?;
                let mut detail = format!("{} users, {} groups", outcome.uids.len(), outcome.gids.len());
                if !outcome.locked.is_empty() {
                    detail.push_str(&format!("; locked {}", outcome.locked.join(", ")));
                }
                if outcome.notes.is_empty() {
                    done(detail)
                } else {
                    Ok(StepResult::Outcome(StepOutcome::Warning(format!("{detail}; {}", outcome.notes.join("; ")))))
                }
            }
            Step::Backup { path, to, original } => {
                let source = under_root(&root, path);
                fsutil::ensure_inside(&root, &source)?;
                let destination = state.join(to);
                match fs::symlink_metadata(&source) {
                    Ok(meta) if meta.file_type().is_symlink() => {
                        let target = io(fs::read_link(&source), "reading link", &source)?;
                        fsutil::symlink_atomic(&destination, &target.to_string_lossy())?;
                    }
                    Ok(meta) => {
                        use std::os::unix::fs::{MetadataExt, PermissionsExt};
                        let bytes = io(fs::read(&source), "reading", &source)?;
                        let mode = meta.permissions().mode() & 0o7777;
                        fsutil::write_atomic(&destination, &bytes, mode, Some((meta.uid(), meta.gid())))?;
                    }
                    // Already moved on by an earlier run of this journal.
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                    Err(error) => return Err(Error::Io { action: "inspecting", path: source, source: error }),
                }
                if *original {
                    let mut index = plan::read_backup_index(&root)?;
                    if !index.contains_key(path) {
                        index.insert(path.clone(), to.clone());
                        fsutil::write_json(&state.join("backups.json"), &index)?;
                    }
                }
                done(format!("saved as {}", destination.display()))
            }
            Step::WriteFile { path } => {
                let target = under_root(&root, path);
                fsutil::ensure_inside(&root, &target)?;
                let entry = generation
                    .files
                    .get(path)
                    .ok_or_else(|| Error::State(format!("generation {} has no file {path}", journal.to)))?;
                match entry {
                    FileEntry::Symlink { target: link } => fsutil::symlink_atomic(&target, link)?,
                    FileEntry::File { user, group, .. } => {
                        let bytes = generation.content(path)?;
                        let (users, groups) = users::lookup_ids(&root)?;
                        let uid = users.get(user).copied().or_else(|| user.parse().ok()).unwrap_or(0);
                        let gid = groups.get(group).copied().or_else(|| group.parse().ok()).unwrap_or(0);
                        let mode = entry.mode_bits().unwrap_or(0o644);
                        fsutil::write_atomic(&target, &bytes, mode, Some((uid, gid)))?;
                    }
                }
                done(String::new())
            }
            Step::RemoveFile { path, restore } => {
                let target = under_root(&root, path);
                fsutil::ensure_inside(&root, &target)?;
                if fs::symlink_metadata(&target).is_ok_and(|meta| meta.is_dir()) {
                    return Ok(StepResult::Outcome(StepOutcome::Warning(format!(
                        "{} is now a directory, made outside Strata; left alone",
                        target.display()
                    ))));
                }
                match restore {
                    Some(backup) => {
                        let saved = state.join(backup);
                        if fs::symlink_metadata(&saved).is_ok() {
                            if let Some(parent) = target.parent() {
                                fsutil::create_dirs(parent)?;
                            }
                            io(fs::rename(&saved, &target), "restoring", &target)?;
                            if let Some(parent) = target.parent() {
                                fsutil::sync_dir(parent)?;
                            }
                        }
                        let mut index = plan::read_backup_index(&root)?;
                        if index.remove(path).is_some() {
                            fsutil::write_json(&state.join("backups.json"), &index)?;
                        }
                        done(format!("restored from {}", saved.display()))
                    }
                    None => {
                        fsutil::remove_any(&target)?;
                        done(String::new())
                    }
                }
            }
            Step::Tmpfiles { configs } => {
                let mut command = Command::new("systemd-tmpfiles");
                command.arg("--create");
                if !is_host_root(&root) {
                    command.arg(format!("--root={}", root.display()));
                }
                command.args(configs.iter().map(|config| under_root(&root, config)));
                match command.output() {
                    Err(error) => Ok(StepResult::Outcome(StepOutcome::Skipped(format!(
                        "systemd-tmpfiles cannot run ({error}); install systemd"
                    )))),
                    Ok(output) if output.status.success() => done(String::new()),
                    Ok(output) => Ok(StepResult::Outcome(StepOutcome::Warning(format!(
                        "systemd-tmpfiles exited with {}: {}",
                        output.status,
                        String::from_utf8_lossy(&output.stderr).trim()
                    )))),
                }
            }
            Step::DaemonReload => self.systemctl("daemon-reload", &[]),
            Step::Units { action: UnitAction::Reload, units } => self.reload(units),
            Step::Units { action, units } => self.systemctl(unit_verb(*action), units),
            Step::Packages { install, remove } => self.packages(install, remove),
            Step::Commit => {
                fsutil::write_atomic(&state.join("current"), format!("{}\n", journal.to).as_bytes(), 0o644, None)?;
                done(format!("generation {} is current", journal.to))
            }
            Step::HealthChecks if !self.options.run_health_checks => Ok(StepResult::Outcome(StepOutcome::Skipped(
                "activating into a root directory, where nothing is running (ask for health checks to run them anyway)"
                    .to_string(),
            ))),
            Step::HealthChecks => Ok(StepResult::Health(health::run_checks(
                &generation.health_checks,
                &root,
                &self.options.service_manager,
            ))),
        }
    }

    /// Reloads the units that are active; `systemctl reload` fails on an
    /// inactive unit, and, as on NixOS, a changed unit that is not running
    /// is left for its next start (which reads the new files).
    fn reload(&self, units: &[String]) -> Result<StepResult> {
        let Some(program) = self.options.service_manager.systemctl() else {
            return self.systemctl("reload", units);
        };
        let (active, inactive): (Vec<String>, Vec<String>) =
            units.iter().cloned().partition(|unit| is_active(program, unit));
        let result = if active.is_empty() {
            StepResult::Outcome(StepOutcome::Done(String::new()))
        } else {
            self.systemctl("reload", &active)?
        };
        if inactive.is_empty() {
            return Ok(result);
        }
        Ok(StepResult::Outcome(StepOutcome::Done(format!(
            "not active, left for their next start: {}",
            inactive.join(", ")
        ))))
    }

    /// Runs `systemctl VERB UNITS...` in one call, so systemd orders the
    /// jobs by the units' dependencies. A failure fails the step (the journal
    /// stays for the next run to finish) and names the units that failed.
    fn systemctl(&self, verb: &str, units: &[String]) -> Result<StepResult> {
        let program = match &self.options.service_manager {
            ServiceManager::Skip { reason } => return Ok(StepResult::Outcome(StepOutcome::Skipped(reason.clone()))),
            ServiceManager::Systemctl { program } => program,
        };
        let output = Command::new(program)
            .arg(verb)
            .args(units)
            .output()
            .map_err(|error| Error::Command(format!("cannot run {} {verb}: {error}", program.display())))?;
        if output.status.success() {
            return Ok(StepResult::Outcome(StepOutcome::Done(String::new())));
        }
        let mut message = format!("`{} {verb}", program.display());
        for unit in units {
            message.push(' ');
            message.push_str(unit);
        }
        message.push_str(&format!("` exited with {}", output.status));
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !stderr.trim().is_empty() {
            message.push_str(&format!(": {}", stderr.trim()));
        }
        // A stop wants the units not running: when none is active any more
        // (a unit that is not loaded, or one that failed while stopping), the
        // goal is reached and the switch goes on, with the message as a warning.
        if verb == "stop" && !units.iter().any(|unit| is_active(program, unit)) {
            return Ok(StepResult::Outcome(StepOutcome::Warning(format!("{message}; no unit is active any more"))));
        }
        // One call covers several units: ask which of them failed.
        if units.len() > 1 {
            let failed: Vec<&str> = units
                .iter()
                .filter(|unit| {
                    Command::new(program)
                        .args(["is-failed", "--quiet"])
                        .arg(unit.as_str())
                        .status()
                        .is_ok_and(|status| status.success())
                })
                .map(String::as_str)
                .collect();
            if !failed.is_empty() {
                message.push_str(&format!("\nfailed units: {} (see `systemctl status UNIT`)", failed.join(", ")));
            }
        }
        Err(Error::Command(message))
    }

    /// Installs with apt-get; released packages are marked automatically
    /// installed (so `apt-get autoremove` may remove them) rather than removed.
    /// A failed install fails the step (units about to start may need the
    /// packages); a failed `apt-mark` is a warning.
    fn packages(&self, install: &[String], remove: &[String]) -> Result<StepResult> {
        let (apt_get, apt_mark) = match &self.options.package_manager {
            PackageManager::Skip { reason } => return Ok(StepResult::Outcome(StepOutcome::Skipped(reason.clone()))),
            PackageManager::Apt { apt_get, apt_mark } => (apt_get, apt_mark),
        };
        let mut details = Vec::new();
        if !install.is_empty() {
            // Strata wrote the packages' configuration files already: dpkg keeps them.
            let output = Command::new(apt_get)
                .args([
                    "install",
                    "-y",
                    "--no-install-recommends",
                    "-o",
                    "Dpkg::Options::=--force-confdef",
                    "-o",
                    "Dpkg::Options::=--force-confold",
                ])
                .args(install)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .output()
                .map_err(|error| Error::Command(format!("cannot run {}: {error}", apt_get.display())))?;
            if !output.status.success() {
                return Err(Error::Command(format!(
                    "`{} install {}` exited with {}: {}",
                    apt_get.display(),
                    install.join(" "),
                    output.status,
                    String::from_utf8_lossy(&output.stderr).trim()
                )));
            }
            details.push(format!("installed {}", install.join(" ")));
        }
        let mut problems = Vec::new();
        if !remove.is_empty() {
            let output = Command::new(apt_mark)
                .arg("auto")
                .args(remove)
                .output()
                .map_err(|error| Error::Command(format!("cannot run {}: {error}", apt_mark.display())))?;
            if output.status.success() {
                details.push(format!("marked {} automatically installed", remove.join(" ")));
            } else {
                problems.push(format!(
                    "`{} auto {}` exited with {}: {}",
                    apt_mark.display(),
                    remove.join(" "),
                    output.status,
                    String::from_utf8_lossy(&output.stderr).trim()
                ));
            }
        }
        Ok(StepResult::Outcome(if problems.is_empty() {
            StepOutcome::Done(details.join("; "))
        } else {
            StepOutcome::Warning(problems.join("; "))
        }))
    }
}

/// Whether `systemctl is-active --quiet UNIT` says the unit is active.
fn is_active(systemctl: &Path, unit: &str) -> bool {
    Command::new(systemctl).args(["is-active", "--quiet", unit]).status().is_ok_and(|status| status.success())
}

/// The next activation number, recorded before use so it is never reused.
fn next_activation(root: &Path) -> Result<u64> {
    let path = state_dir(root).join("activations");
    let last: u64 = fsutil::read_optional(&path)?
        .and_then(|bytes| String::from_utf8_lossy(&bytes).trim().parse().ok())
        .unwrap_or(0);
    let next = last + 1;
    fsutil::write_atomic(&path, format!("{next}\n").as_bytes(), 0o644, None)?;
    Ok(next)
}

fn read_progress(path: &Path) -> Result<usize> {
    let Some(bytes) = fsutil::read_optional(path)? else { return Ok(0) };
    // A torn last line (crash while appending) does not count.
    let text = String::from_utf8_lossy(&bytes);
    Ok(text.split_inclusive('\n').filter(|line| line.ends_with('\n')).count())
}

fn append_progress(path: &Path, record: &StepRecord) -> Result<()> {
    let mut line =
        serde_json::to_string(record).map_err(|error| Error::State(format!("serialising progress: {error}")))?;
    line.push('\n');
    let mut file = io(fs::OpenOptions::new().create(true).append(true).open(path), "opening", path)?;
    io(file.write_all(line.as_bytes()), "writing", path)?;
    io(file.sync_all(), "syncing", path)
}
