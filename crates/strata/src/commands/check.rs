//! `strata check`: the repository's architecture rules (crate `check`, configured in
//! `strata.toml`) and every machine's failed assertions and warnings (crate `fleet`).
//! Exit 0 when nothing is reported, 1 otherwise (also when the check itself cannot run).

use std::collections::BTreeMap;
use std::path::Path;

use check::{AppliedFix, Finding, Report, RuleId};

use super::json_text;
use crate::cli::CheckArgs;
use crate::printer::Printer;

pub fn run(args: &CheckArgs, printer: &mut Printer) -> u8 {
    let root = Path::new(&args.dir);
    let checked = check::Config::load(root).and_then(|config| Ok((check::check(root, &config)?, config)));
    let (mut report, config) = match checked {
        Ok(result) => result,
        Err(error) => {
            printer.err(&format!("error: {error}"));
            return 1;
        }
    };
    let mut applied = Vec::new();
    if args.fix {
        // A refused fix changes no file; the findings are still reported.
        match check::fix(root, &config, &report).and_then(|fixed| Ok((check::check(root, &config)?, fixed))) {
            Ok((after, fixed)) => (report, applied) = (after, fixed),
            Err(error) => printer.err(&format!("error: {error}")),
        }
    }
    match evaluation_findings(&args.dir) {
        Ok(findings) => report.findings.extend(findings),
        Err(error) => report.findings.push(machine_finding(None, RuleId::Evaluation, error.message())),
    }
    if args.json {
        printer.out(&json_text(&JsonOutput { report: &report, fixed: &applied }));
    } else {
        printer.out(&human(&report, &applied));
    }
    u8::from(!report.findings.is_empty())
}

/// Every machine's failed assertions and warnings, and the machines that do not evaluate.
/// A folder without `flake.nix` or `default.nix` has no machines to evaluate.
fn evaluation_findings(dir: &str) -> Result<Vec<Finding>, fleet::Error> {
    let root = Path::new(dir);
    if !root.join("flake.nix").is_file() && !root.join("default.nix").is_file() {
        return Ok(Vec::new());
    }
    // Each machine is evaluated by an evaluator of its own (in parallel) and
    // its results are cached with what it read: after a change only the
    // machines that read the changed file are evaluated again.
    let results = fleet::incremental::per_machine(root, "check", false, |machine| {
        Ok((machine.failed_assertions()?, machine.warnings()?))
    })?;
    let mut findings = Vec::new();
    for (host, result) in results {
        match result {
            Ok((assertions, warnings)) => {
                findings.extend(assertions.iter().map(|m| machine_finding(Some(&host), RuleId::Assertion, m)));
                findings.extend(warnings.iter().map(|m| machine_finding(Some(&host), RuleId::Warning, m)));
            }
            Err(error) => findings.push(machine_finding(Some(&host), RuleId::Evaluation, error.message())),
        }
    }
    Ok(findings)
}

/// A finding about a machine (or the repository's evaluation when `host` is `None`).
fn machine_finding(host: Option<&str>, rule: RuleId, message: &str) -> Finding {
    let message = message.trim().strip_prefix("error: ").unwrap_or(message.trim()).to_string();
    let fix = match rule {
        RuleId::Assertion => "change the machine's configuration so the assertion holds",
        RuleId::Warning => "change the machine's configuration so the warning no longer applies",
        _ => "correct the error; `strata show HOST` evaluates one machine",
    };
    Finding {
        file: String::new(),
        line: 0,
        column: 0,
        rule,
        message,
        fix: fix.to_string(),
        edit: None,
        host: host.map(str::to_string),
    }
}

#[derive(serde::Serialize)]
struct JsonOutput<'a> {
    #[serde(flatten)]
    report: &'a Report,
    fixed: &'a [AppliedFix],
}

/// Findings grouped by file (machines after files), one `file:line:col  rule  message` line
/// each with its fix below, then a summary line.
fn human(report: &Report, applied: &[AppliedFix]) -> String {
    let mut out = String::new();
    for fix in applied {
        out.push_str(&format!("fixed {}:{}:{}  {}  {}\n", fix.file, fix.line, fix.column, fix.rule, fix.description));
    }
    if !applied.is_empty() {
        out.push('\n');
    }
    let mut groups: BTreeMap<(bool, String), Vec<&Finding>> = BTreeMap::new();
    for finding in &report.findings {
        let key = match &finding.host {
            Some(host) => (true, format!("machine {host}")),
            None if finding.file.is_empty() => (true, "evaluation".to_string()),
            None => (false, finding.file.clone()),
        };
        groups.entry(key).or_default().push(finding);
    }
    for ((_, title), findings) in &groups {
        out.push_str(title);
        out.push('\n');
        for finding in findings {
            let place = match (&finding.host, finding.line) {
                (Some(host), _) => host.clone(),
                (None, 0) => finding.file.clone(),
                (None, line) => format!("{}:{line}:{}", finding.file, finding.column),
            };
            let message = finding.message.lines().next().unwrap_or_default();
            out.push_str(&format!("{place}  {}  {message}\n", finding.rule));
            for extra in finding.message.lines().skip(1) {
                out.push_str(&format!("    {extra}\n"));
            }
            let safe = if finding.edit.is_some() { " (safe: strata check --fix)" } else { "" };
            out.push_str(&format!("  fix: {}{safe}\n", finding.fix));
        }
        out.push('\n');
    }
    let count = report.findings.len();
    let files = report.files_checked;
    out.push_str(&match count {
        0 => format!("clean: {files} files, {} rules\n", report.active_rules.len()),
        1 => format!("1 problem in {files} files\n"),
        _ => format!("{count} problems in {files} files\n"),
    });
    out
}
