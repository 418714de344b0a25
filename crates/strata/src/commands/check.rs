//! `strata check`: the repository's architecture rules (crate `check`, configured in
//! `strata.toml`) and every machine's failed assertions and warnings (crate `fleet`).
//! Exit 0 when nothing is reported, 1 otherwise (also when the check itself cannot run).

use std::collections::BTreeMap;
use std::path::Path;

use check::{AppliedFix, Finding, Report, RuleId};

use super::{json_text, open_repo};
use crate::cli::CheckArgs;
use crate::printer::Printer;

pub fn run(args: &CheckArgs, printer: &mut Printer) -> u8 {
    let root = Path::new(&args.dir);
    let outcome = architecture(root, args.fix);
    let (mut report, applied) = match outcome {
        Ok(result) => result,
        Err(error) => {
            printer.err(&format!("error: {error}"));
            return 1;
        }
    };
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

/// Checks the rules; with `fix`, applies the safe fixes and checks again.
fn architecture(root: &Path, fix: bool) -> Result<(Report, Vec<AppliedFix>), check::Error> {
    let config = check::Config::load(root)?;
    let report = check::check(root, &config)?;
    if !fix {
        return Ok((report, Vec::new()));
    }
    let applied = check::fix(root, &config, &report)?;
    if applied.is_empty() {
        return Ok((report, applied));
    }
    Ok((check::check(root, &config)?, applied))
}

/// Every machine's failed assertions and warnings, and the machines that do not evaluate.
/// A folder without `flake.nix` or `default.nix` has no machines to evaluate.
fn evaluation_findings(dir: &str) -> Result<Vec<Finding>, fleet::Error> {
    let root = Path::new(dir);
    if !root.join("flake.nix").is_file() && !root.join("default.nix").is_file() {
        return Ok(Vec::new());
    }
    let repo = open_repo(dir)?;
    let mut findings = Vec::new();
    for host in repo.host_names()? {
        let machine = match repo.machine(&host) {
            Ok(machine) => machine,
            Err(error) => {
                findings.push(machine_finding(Some(&host), RuleId::Evaluation, error.message()));
                continue;
            }
        };
        match machine.failed_assertions() {
            Ok(messages) => {
                findings.extend(messages.iter().map(|message| machine_finding(Some(&host), RuleId::Assertion, message)))
            }
            Err(error) => findings.push(machine_finding(Some(&host), RuleId::Evaluation, error.message())),
        }
        match machine.warnings() {
            Ok(messages) => {
                findings.extend(messages.iter().map(|message| machine_finding(Some(&host), RuleId::Warning, message)))
            }
            Err(error) => findings.push(machine_finding(Some(&host), RuleId::Evaluation, error.message())),
        }
    }
    // The process is about to exit: tearing down the heap value by value would only cost time.
    std::mem::forget(repo);
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
