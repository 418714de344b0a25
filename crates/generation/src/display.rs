//! Plans and reports as text for people, in the manner of `terraform plan`:
//! grouped, with `+` (added), `-` (removed), `~` (changed) and `!` (kept,
//! locked or backed up) markers.

use std::fmt::Write;

use crate::activate::{ActivationKind, ActivationReport, StepOutcome};
use crate::health::HealthStatus;
use crate::plan::{AccountAction, ChangeKind, FileAction, Plan, UnitAction};

/// The plan as text.
pub fn plan_text(plan: &Plan) -> String {
    let mut out = String::new();
    let from = match &plan.from {
        Some(from) => format!(
            "generation {} ({})",
            from.number.map_or("?".to_string(), |n| n.to_string()),
            short(&from.content_hash)
        ),
        None => "nothing (first activation)".to_string(),
    };
    let to = match plan.to.number {
        Some(number) => format!("generation {number} ({})", short(&plan.to.content_hash)),
        None => format!("the new generation ({})", short(&plan.to.content_hash)),
    };
    let _ = writeln!(out, "Plan for {}: {from} → {to}", plan.to.host);
    if plan.is_empty() {
        let _ = writeln!(out, "\nNo changes.");
    }
    if !plan.options.is_empty() {
        let _ = writeln!(out, "\nOptions:");
        for change in &plan.options {
            let site = |side: &Option<crate::plan::OptionSide>| {
                let definitions = side.as_ref().map(|s| s.definitions.as_slice()).unwrap_or_default();
                match definitions {
                    [] => String::new(),
                    [d] => format!(" ({}:{}:{})", d.file, d.line, d.column),
                    [d, rest @ ..] => format!(" ({}:{}:{} and {} more)", d.file, d.line, d.column, rest.len()),
                }
            };
            let value =
                |side: &Option<crate::plan::OptionSide>| side.as_ref().map(|s| compact(&s.value)).unwrap_or_default();
            match change.kind {
                ChangeKind::Added => {
                    let _ = writeln!(out, "  + {} = {}{}", change.path, value(&change.new), site(&change.new));
                }
                ChangeKind::Removed => {
                    let _ = writeln!(out, "  - {} = {}{}", change.path, value(&change.old), site(&change.old));
                }
                ChangeKind::Changed => {
                    let _ = writeln!(out, "  ~ {}", change.path);
                    let _ = writeln!(out, "      - {}{}", value(&change.old), site(&change.old));
                    let _ = writeln!(out, "      + {}{}", value(&change.new), site(&change.new));
                }
            }
        }
    }
    if !plan.files.is_empty() {
        let _ = writeln!(out, "\nFiles:");
        for change in &plan.files {
            let marker = match change.action {
                FileAction::Add => "+",
                FileAction::Remove => "-",
                FileAction::Change => "~",
                FileAction::Adopt => "!",
            };
            let mut notes = change.details.clone();
            if change.action == FileAction::Adopt {
                notes.push("taken over as is".to_string());
            }
            if change.backup.is_some() {
                notes.push("backed up first".to_string());
            }
            let notes = if notes.is_empty() { String::new() } else { format!("  ({})", notes.join(", ")) };
            let _ = writeln!(out, "  {marker} {}{notes}", change.path);
        }
    }
    let units: Vec<_> = plan.units.iter().collect();
    if !units.is_empty() || plan.daemon_reload {
        let _ = writeln!(out, "\nUnits:");
        if plan.daemon_reload {
            let _ = writeln!(out, "  ~ systemctl daemon-reload");
        }
        for unit in units {
            let (marker, verb) = match unit.action {
                UnitAction::Start => ("+", "start"),
                UnitAction::Stop => ("-", "stop"),
                UnitAction::StopStart => ("~", "stop, then start"),
                UnitAction::Restart => ("~", "restart"),
                UnitAction::Reload => ("~", "reload"),
                UnitAction::Skip => ("!", "not restarted"),
            };
            let _ = writeln!(out, "  {marker} {} {verb} ({})", unit.unit, unit.reason);
        }
    }
    for (title, changes) in [("Users", &plan.users), ("Groups", &plan.groups)] {
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}:");
        for change in changes {
            let marker = match change.action {
                AccountAction::Add => "+",
                AccountAction::Change => "~",
                AccountAction::Lock | AccountAction::Keep => "!",
            };
            let details =
                if change.details.is_empty() { String::new() } else { format!("  ({})", change.details.join("; ")) };
            let _ = writeln!(out, "  {marker} {}{details}", change.name);
        }
    }
    if !plan.packages.install.is_empty() || !plan.packages.remove.is_empty() {
        let _ = writeln!(out, "\nPackages:");
        for name in &plan.packages.install {
            let _ = writeln!(out, "  + {name}");
        }
        for name in &plan.packages.remove {
            let _ = writeln!(out, "  - {name}");
        }
    }
    if !plan.health_checks.is_empty() && !plan.is_empty() {
        let _ = writeln!(out, "\nHealth checks after the switch: {}", plan.health_checks.join(", "));
    }
    let count = |action: FileAction| plan.files.iter().filter(|f| f.action == action).count();
    let _ = writeln!(
        out,
        "\n{} options, {} files to add, {} to change, {} to remove, {} unit actions, {} account changes.",
        plan.options.len(),
        count(FileAction::Add),
        count(FileAction::Change) + count(FileAction::Adopt),
        count(FileAction::Remove),
        plan.units.iter().filter(|u| u.action != UnitAction::Skip).count(),
        plan.users.len() + plan.groups.len()
    );
    out
}

/// What an activation did, as text (the plan is printed separately).
pub fn report_text(report: &ActivationReport) -> String {
    let mut out = String::new();
    if let Some(recovered) = &report.recovered {
        out.push_str(&report_text(recovered));
    }
    for note in &report.notes {
        let _ = writeln!(out, "{note}");
    }
    if report.unchanged {
        return out;
    }
    let what = match report.kind {
        ActivationKind::Switch => "switch",
        ActivationKind::Rollback => "rollback",
        ActivationKind::AutomaticRollback => "automatic rollback",
    };
    if let Some(reason) = &report.reason {
        let _ = writeln!(out, "Rolling back: {reason}");
    }
    let _ = writeln!(out, "Activating generation {} ({what}):", report.to);
    for step in &report.steps {
        let (marker, detail) = match &step.outcome {
            StepOutcome::Done(detail) => ("ok", detail),
            StepOutcome::Warning(detail) => ("warning", detail),
            StepOutcome::Skipped(detail) => ("skipped", detail),
        };
        let detail = if detail.is_empty() { String::new() } else { format!(": {detail}") };
        let _ = writeln!(out, "  [{:>2}] {marker:<7} {}{detail}", step.index, step.description);
    }
    for result in &report.health {
        let status = match result.status {
            HealthStatus::Passed => "passed",
            HealthStatus::Failed => "FAILED",
            HealthStatus::Skipped => "skipped",
        };
        let _ = writeln!(out, "  health {}: {status} ({})", result.name, result.detail);
    }
    if let Some(rollback) = &report.rolled_back {
        out.push_str(&report_text(rollback));
        let _ = writeln!(
            out,
            "Generation {} failed its health checks; generation {} is active again.",
            report.to, rollback.to
        );
    } else {
        let _ = writeln!(out, "Generation {} is active.", report.to);
    }
    out
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

fn compact(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 100 {
        format!("{}…", text.chars().take(100).collect::<String>())
    } else {
        text
    }
}
