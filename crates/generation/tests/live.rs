//! The live path (service manager and package manager) against a temporary
//! root: `systemctl`, `apt-get` and `apt-mark` are shell scripts written by
//! the test that append their arguments to a log, so the exact calls and
//! their order can be checked. The fake `systemctl` answers `is-active` from
//! a list of running units and fails (exit 1) any call naming a unit in a
//! list of failing units (`is-failed` says which); each of its log lines also records what the
//! target's files looked like at that moment.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::*;
use generation::{ActivationOptions, Generation, HealthStatus, PackageManager, ServiceManager, StepOutcome};

/// A target root plus fake programs and their shared call log, in a
/// directory that lives as long as the host.
struct Host {
    root: PathBuf,
    builds: PathBuf,
    bin: PathBuf,
    log: PathBuf,
    _work: TempDir,
}

impl Host {
    fn new(label: &str) -> Host {
        let work = temp_dir(label);
        let root = work.join("root");
        seed_root(&root);
        let bin = work.join("bin");
        fs::create_dir_all(&bin).unwrap();
        let (builds, log) = (work.join("builds"), work.join("calls.log"));
        let host = Host { root, builds, log, bin, _work: work };
        let log = host.log.display().to_string();
        let root = host.root.display().to_string();
        let running = host.bin.join("running").display().to_string();
        let failing = host.bin.join("failing").display().to_string();
        // The state suffix: app.conf's text and whether backup.timer's unit
        // file and app.service's unit file exist, read when the call is made.
        host.script(
            "systemctl",
            &format!(
                r#"#!/bin/sh
conf=$(cat '{root}/etc/app/app.conf' 2>/dev/null || echo none)
timer=absent; [ -e '{root}/etc/systemd/system/backup.timer' ] && timer=present
app=absent; [ -e '{root}/etc/systemd/system/app.service' ] && app=present
echo "systemctl $* # conf=$conf timer=$timer app=$app" >> '{log}'
case "$1" in
  is-active)
    quiet=no; [ "$2" = --quiet ] && quiet=yes && shift
    if grep -qxF "$2" '{running}' 2>/dev/null; then [ $quiet = yes ] || echo active; exit 0; fi
    [ $quiet = yes ] || echo inactive; exit 3 ;;
  is-failed)
    [ "$2" = --quiet ] && shift
    if grep -qxF "$2" '{failing}' 2>/dev/null; then exit 0; fi
    exit 1 ;;
esac
for unit in "$@"; do
  if grep -qxF "$unit" '{failing}' 2>/dev/null; then
    echo "Job for $unit failed because the control process exited with error code." >&2
    exit 1
  fi
done
exit 0
"#
            ),
        );
        host.script(
            "apt-get",
            &format!("#!/bin/sh\necho \"apt-get $* # DEBIAN_FRONTEND=$DEBIAN_FRONTEND\" >> '{log}'\n"),
        );
        host.script("apt-mark", &format!("#!/bin/sh\necho \"apt-mark $*\" >> '{log}'\n"));
        host.set_running(&[]);
        host.set_failing(&[]);
        host
    }

    fn script(&self, name: &str, text: &str) {
        let path = self.bin.join(name);
        fs::write(&path, text).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn set_running(&self, units: &[&str]) {
        fs::write(self.bin.join("running"), units.iter().map(|u| format!("{u}\n")).collect::<String>()).unwrap();
    }

    fn set_failing(&self, units: &[&str]) {
        fs::write(self.bin.join("failing"), units.iter().map(|u| format!("{u}\n")).collect::<String>()).unwrap();
    }

    fn options(&self) -> ActivationOptions {
        ActivationOptions {
            crash_after_step: None,
            run_health_checks: true,
            service_manager: ServiceManager::Systemctl { program: self.bin.join("systemctl") },
            package_manager: PackageManager::Apt {
                apt_get: self.bin.join("apt-get"),
                apt_mark: self.bin.join("apt-mark"),
            },
            ..ActivationOptions::new(&self.root)
        }
    }

    /// The log lines since the last call, with the state suffix; the log is emptied.
    fn take_calls_with_state(&self) -> Vec<String> {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        fs::write(&self.log, "").unwrap();
        text.lines().map(str::to_string).collect()
    }

    /// The log lines since the last call without the state suffix, repeated
    /// `is-active` polls collapsed into one; the log is emptied.
    fn take_calls(&self) -> Vec<String> {
        let mut calls: Vec<String> = Vec::new();
        for line in self.take_calls_with_state() {
            let call = line.split(" # ").next().unwrap_or_default().to_string();
            if call.starts_with("systemctl is-active") && calls.last() == Some(&call) {
                continue;
            }
            calls.push(call);
        }
        calls
    }

    fn build(&self, machine: &serde_json::Value, options: &[generation::OptionSnapshot], revision: &str) -> Generation {
        build_value(machine, options, revision, &self.builds)
    }
}

/// A plain service unit and its unit file, added to `machine`.
fn add_service(machine: &mut serde_json::Value, name: &str, restart_triggers: &[&str], stop_if_changed: bool) {
    machine["units"][name] = serde_json::json!({
        "enable": true,
        "reloadIfChanged": false,
        "reloadTriggers": [],
        "requiredBy": [],
        "restartIfChanged": true,
        "restartTriggers": restart_triggers,
        "stopIfChanged": stop_if_changed,
        "wantedBy": ["multi-user.target"],
    });
    machine["files"][format!("/etc/systemd/system/{name}")] = serde_json::json!({
        "group": "root",
        "mode": "0644",
        "text": format!("[Unit]\nDescription={name}\n\n[Service]\nExecStart=/bin/sleep infinity\n\n[Install]\nWantedBy=multi-user.target\n"),
        "user": "root",
    });
}

fn strings(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|line| line.to_string()).collect()
}

/// The first and second generation: gen0 plus `old.service` (removed next)
/// and `api.service` (restartTriggers change next, stopIfChanged = false);
/// then gen1 (app's trigger changes with stopIfChanged, worker is
/// reloadIfChanged, backup.timer is new, nginx is installed) plus a unit
/// health check on worker.service.
fn first_and_second(host: &Host) -> (Generation, Generation) {
    let (mut first, first_options) = fixture("gen0");
    add_service(&mut first, "old.service", &[], true);
    add_service(&mut first, "api.service", &["v1"], false);
    let (mut second, second_options) = fixture("gen1");
    add_service(&mut second, "api.service", &["v2"], false);
    second["packages"] = serde_json::json!(["git", "nftables", "nginx", "sudo", "tzdata"]);
    second["healthChecks"] =
        serde_json::json!([{ "name": "worker", "type": "unit", "unit": "worker.service", "timeout": 1 }]);
    (host.build(&first, &first_options, "rev-1"), host.build(&second, &second_options, "rev-2"))
}

const APT_INSTALL: &str =
    "apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold";

#[test]
fn a_switch_calls_systemctl_and_apt_in_order() {
    let host = Host::new("live-order");
    let (first, second) = first_and_second(&host);
    host.set_running(&["strata-firewall.service", "worker.service"]);

    let report = generation::switch(&first, &host.options()).unwrap();
    assert!(report.succeeded(), "{report:#?}");
    assert_eq!(
        host.take_calls(),
        strings(&[
            "systemctl daemon-reload",
            &format!("{APT_INSTALL} git locales nftables sudo tzdata"),
            // Every unit wanted by an active target, and the distribution unit
            // the generation starts managing (declared, without a file of its own).
            "systemctl start api.service app.service old.service strata-firewall.service \
             systemd-tmpfiles-setup.service worker.service",
        ])
    );

    let report = generation::switch(&second, &host.options()).unwrap();
    assert!(report.succeeded(), "{report:#?}");
    let calls = host.take_calls_with_state();
    let before = "conf=port = 8080 timer=absent app=present";
    let after = "conf=port = 9090 timer=present app=present";
    assert_eq!(
        calls,
        strings(&[
            // stopIfChanged (app) and removed (old) units stop before any file changes.
            &format!("systemctl stop app.service old.service # {before}"),
            // After the unit files changed, once.
            &format!("systemctl daemon-reload # {after}"),
            &format!("{APT_INSTALL} nginx # DEBIAN_FRONTEND=noninteractive"),
            "apt-mark auto locales",
            // reloadIfChanged: reloaded, not restarted (worker's definition,
            // the firewall's reload trigger), when active.
            &format!("systemctl is-active --quiet strata-firewall.service # {after}"),
            &format!("systemctl is-active --quiet worker.service # {after}"),
            &format!("systemctl reload strata-firewall.service worker.service # {after}"),
            // restartTriggers changed with stopIfChanged = false: a restart.
            &format!("systemctl restart api.service # {after}"),
            // The stopped app starts again; the new timer starts.
            &format!("systemctl start app.service backup.timer # {after}"),
            &format!("systemctl is-active worker.service # {after}"),
        ])
    );
    assert_eq!(report.health.len(), 1);
    assert_eq!(report.health[0].status, HealthStatus::Passed, "{:?}", report.health);
    assert_eq!(report.health[0].detail, "unit worker.service is active");
    let packages = report.steps.iter().find(|s| s.description.starts_with("packages")).unwrap();
    assert_eq!(
        packages.outcome,
        StepOutcome::Done("installed nginx; marked locales automatically installed".to_string())
    );
    // The removed unit's file is gone, and stopping it happened while it was still there.
    assert!(!host.root.join("etc/systemd/system/old.service").exists());
}

#[test]
fn no_daemon_reload_when_no_unit_file_changed() {
    let host = Host::new("live-no-reload");
    let (machine, options) = fixture("gen0");
    let first = host.build(&machine, &options, "rev-1");
    generation::switch(&first, &host.options()).unwrap();
    host.take_calls();
    let mut changed = machine.clone();
    changed["files"]["/etc/motd"]["text"] = "Hello again\n".into();
    let second = host.build(&changed, &options, "rev-2");
    let report = generation::switch(&second, &host.options()).unwrap();
    assert!(report.succeeded(), "{report:#?}");
    assert_eq!(host.take_calls(), Vec::<String>::new(), "a file no unit mentions changes nothing in systemd");
}

#[test]
fn an_inactive_unit_rolls_back_with_the_rollbacks_own_calls() {
    let host = Host::new("live-rollback");
    let (first, second) = first_and_second(&host);
    // worker.service is not running: its health check fails.
    host.set_running(&["strata-firewall.service"]);
    generation::switch(&first, &host.options()).unwrap();
    host.take_calls();

    let report = generation::switch(&second, &host.options()).unwrap();
    assert!(!report.succeeded());
    assert_eq!(report.health[0].status, HealthStatus::Failed);
    assert!(report.health[0].detail.starts_with("unit worker.service is inactive"), "{:?}", report.health);
    let rollback = report.rolled_back.as_ref().expect("an automatic rollback");
    assert_eq!(rollback.to, 1);
    assert!(rollback.reason.as_deref().unwrap().contains("worker: unit worker.service is inactive"));
    assert_eq!(
        host.take_calls(),
        strings(&[
            "systemctl stop app.service old.service",
            "systemctl daemon-reload",
            &format!("{APT_INSTALL} nginx"),
            "apt-mark auto locales",
            "systemctl is-active --quiet strata-firewall.service",
            "systemctl is-active --quiet worker.service",
            "systemctl reload strata-firewall.service",
            "systemctl restart api.service",
            "systemctl start app.service backup.timer",
            "systemctl is-active worker.service",
            // The rollback: app's trigger changes back, backup.timer and its
            // service are no longer declared, old.service comes back.
            "systemctl stop app.service backup.service backup.timer",
            "systemctl daemon-reload",
            &format!("{APT_INSTALL} locales"),
            "apt-mark auto nginx",
            "systemctl is-active --quiet strata-firewall.service",
            "systemctl is-active --quiet worker.service",
            "systemctl reload strata-firewall.service",
            "systemctl restart api.service",
            "systemctl start app.service old.service",
        ])
    );
    let reload = report.steps.iter().find(|s| s.description.starts_with("reload")).unwrap();
    assert_eq!(reload.outcome, StepOutcome::Done("not active, left for their next start: worker.service".to_string()));
    assert_eq!(generation::current_generation(&host.root).unwrap().map(|(n, _)| n), Some(1));
    assert!(generation::pending_activation(&host.root).unwrap().is_none());
}

#[test]
fn a_failing_unit_is_named_and_the_next_switch_finishes_the_activation() {
    let host = Host::new("live-failure");
    let (first, second) = first_and_second(&host);
    host.set_running(&["strata-firewall.service", "worker.service"]);
    generation::switch(&first, &host.options()).unwrap();
    host.take_calls();

    host.set_failing(&["worker.service"]);
    let error = generation::switch(&second, &host.options()).unwrap_err().to_string();
    assert!(error.contains("(reload strata-firewall.service worker.service) failed"), "{error}");
    assert!(error.contains("Job for worker.service failed"), "{error}");
    assert!(error.contains("failed units: worker.service"), "{error}");
    assert!(error.contains("run `strata switch` or `strata rollback` to finish it"), "{error}");
    assert_eq!(
        host.take_calls(),
        strings(&[
            "systemctl stop app.service old.service",
            "systemctl daemon-reload",
            &format!("{APT_INSTALL} nginx"),
            "apt-mark auto locales",
            "systemctl is-active --quiet strata-firewall.service",
            "systemctl is-active --quiet worker.service",
            "systemctl reload strata-firewall.service worker.service",
            "systemctl is-failed --quiet strata-firewall.service",
            "systemctl is-failed --quiet worker.service",
        ])
    );
    let pending = generation::pending_activation(&host.root).unwrap().expect("the activation stays journaled");
    assert_eq!(pending.to, 2);
    assert_eq!(generation::current_generation(&host.root).unwrap().map(|(n, _)| n), Some(1));

    // The cause is fixed; the next switch finishes from the failed step, repeating nothing before it.
    host.set_failing(&[]);
    let report = generation::switch(&second, &host.options()).unwrap();
    assert!(report.unchanged, "{report:#?}");
    let recovered = report.recovered.as_ref().expect("the journaled activation was finished");
    assert_eq!(recovered.to, 2);
    assert!(recovered.notes[0].contains("finished an interrupted switch to generation 2"), "{:?}", recovered.notes);
    assert_eq!(
        host.take_calls(),
        strings(&[
            "systemctl is-active --quiet strata-firewall.service",
            "systemctl is-active --quiet worker.service",
            "systemctl reload strata-firewall.service worker.service",
            "systemctl restart api.service",
            "systemctl start app.service backup.timer",
            "systemctl is-active worker.service",
        ])
    );
    assert!(generation::pending_activation(&host.root).unwrap().is_none());
    assert_eq!(generation::current_generation(&host.root).unwrap().map(|(n, _)| n), Some(2));
}

#[test]
fn a_single_failing_unit_and_a_failing_install_are_named() {
    let host = Host::new("live-single");
    let (first, second) = first_and_second(&host);
    generation::switch(&first, &host.options()).unwrap();
    host.set_failing(&["api.service"]);
    let error = generation::switch(&second, &host.options()).unwrap_err().to_string();
    assert!(error.contains("(restart api.service) failed"), "{error}");
    assert!(error.contains("systemctl restart api.service` exited with exit status: 1"), "{error}");
    assert!(error.contains("Job for api.service failed"), "{error}");

    // apt-get fails: the step fails before any unit starts, and says which packages.
    let host = Host::new("live-apt");
    let (first, _) = first_and_second(&host);
    host.script("apt-get", "#!/bin/sh\necho 'E: Unable to locate package nginx' >&2\nexit 100\n");
    let error = generation::switch(&first, &host.options()).unwrap_err().to_string();
    assert!(error.contains("install git locales nftables sudo tzdata` exited with exit status: 100"), "{error}");
    assert!(error.contains("E: Unable to locate package nginx"), "{error}");
    assert_eq!(host.take_calls(), strings(&["systemctl daemon-reload"]), "no unit started without its packages");
}

#[test]
fn unit_checks_and_actions_are_skipped_without_a_service_manager() {
    let host = Host::new("live-skip");
    let (first, _) = first_and_second(&host);
    let options = ActivationOptions { run_health_checks: true, ..ActivationOptions::new(&host.root) };
    let report = generation::switch(&first, &options).unwrap();
    assert!(report.succeeded());
    assert_eq!(host.take_calls(), Vec::<String>::new());
    for step in &report.steps {
        if step.description.starts_with("systemctl") || step.description.starts_with("start") {
            assert!(matches!(&step.outcome, StepOutcome::Skipped(why) if why.contains("root directory")), "{step:?}");
        }
        if step.description.starts_with("packages") {
            assert!(matches!(&step.outcome, StepOutcome::Skipped(why) if why.contains("packages are not installed")));
        }
    }
    // The CLI's choice: only the host's own `/` is live.
    assert!(generation::is_host_root(Path::new("/")));
    assert!(!generation::is_host_root(&host.root));
}

#[test]
fn a_failed_stop_is_a_warning_once_no_unit_runs_and_an_error_while_one_does() {
    let host = Host::new("live-stop");
    let (first, second) = first_and_second(&host);
    generation::switch(&first, &host.options()).unwrap();
    // old.service fails to stop but ends up inactive (not loaded, or failed).
    host.set_failing(&["old.service"]);
    host.set_running(&["strata-firewall.service", "worker.service"]);
    host.take_calls();
    let report = generation::switch(&second, &host.options()).unwrap();
    assert!(report.succeeded(), "{report:#?}");
    let stop = &report.steps[0];
    assert_eq!(stop.description, "stop app.service old.service");
    let StepOutcome::Warning(detail) = &stop.outcome else { panic!("{stop:?}") };
    assert!(detail.contains("Job for old.service failed"), "{detail}");
    assert!(detail.ends_with("no unit is active any more"), "{detail}");
    assert_eq!(
        host.take_calls()[..3],
        strings(&[
            "systemctl stop app.service old.service",
            "systemctl is-active --quiet app.service",
            "systemctl is-active --quiet old.service",
        ])
    );

    // The same, with old.service still running: the switch stops before any file changes.
    let host = Host::new("live-stop-running");
    let (first, second) = first_and_second(&host);
    generation::switch(&first, &host.options()).unwrap();
    host.set_failing(&["old.service"]);
    host.set_running(&["old.service"]);
    let error = generation::switch(&second, &host.options()).unwrap_err().to_string();
    assert!(error.contains("step 1 (stop app.service old.service) failed"), "{error}");
    assert!(error.contains("failed units: old.service"), "{error}");
    assert!(host.root.join("etc/systemd/system/old.service").exists());
    assert_eq!(fs::read_to_string(host.root.join("etc/app/app.conf")).unwrap(), "port = 8080\n");
}

#[test]
fn a_rollback_gets_past_a_unit_that_keeps_failing() {
    let host = Host::new("live-stuck");
    let (first, second) = first_and_second(&host);
    host.set_running(&["strata-firewall.service", "worker.service"]);
    generation::switch(&first, &host.options()).unwrap();
    host.set_failing(&["backup.timer"]);
    let error = generation::switch(&second, &host.options()).unwrap_err().to_string();
    assert!(error.contains("(start app.service backup.timer) failed"), "{error}");
    // Still failing: another switch stops at the same step.
    host.take_calls();
    let error = generation::switch(&second, &host.options()).unwrap_err().to_string();
    assert!(error.contains("failed units: backup.timer"), "{error}");
    assert_eq!(
        host.take_calls(),
        strings(&[
            "systemctl start app.service backup.timer",
            "systemctl is-failed --quiet app.service",
            "systemctl is-failed --quiet backup.timer",
        ])
    );

    // A rollback finishes the switch with the failure as a warning (no health
    // checks: the generation is replaced at once), then returns to generation 1.
    let report = generation::rollback(None, &host.options()).unwrap();
    assert_eq!(report.to, 1);
    let recovered = report.recovered.as_ref().expect("the pending switch was finished first");
    assert_eq!(recovered.to, 2);
    assert!(recovered.rolled_back.is_none());
    let start = &recovered.steps[0];
    let StepOutcome::Warning(detail) = &start.outcome else { panic!("{start:?}") };
    assert!(detail.contains("Job for backup.timer failed"), "{detail}");
    assert!(detail.contains("ignored: a rollback was asked for"), "{detail}");
    let health = recovered.steps.iter().find(|s| s.description == "run health checks").unwrap();
    assert!(matches!(health.outcome, StepOutcome::Skipped(_)), "{health:?}");
    let calls = host.take_calls();
    assert_eq!(calls[0], "systemctl start app.service backup.timer");
    assert!(!calls.iter().any(|c| c.starts_with("systemctl is-active worker.service")), "{calls:?}");
    assert!(calls.contains(&"systemctl stop app.service backup.service backup.timer".to_string()), "{calls:?}");
    assert_eq!(calls.last().map(String::as_str), Some("systemctl start app.service old.service"));
    assert_eq!(generation::current_generation(&host.root).unwrap().map(|(n, _)| n), Some(1));
    assert!(generation::pending_activation(&host.root).unwrap().is_none());
}
