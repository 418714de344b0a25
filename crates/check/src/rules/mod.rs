//! Running the rules: which are active, collecting their findings, dropping the allowed and
//! excluded ones, and sorting the report.

mod domains;
mod layers;
mod namespace;
mod paths;
mod style;

use std::collections::BTreeSet;

use crate::config::{Config, RuleSettings};
use crate::glob;
use crate::layout::{Repo, SourceFile};
use crate::report::{Edit, Finding, Report, RuleId};

/// Checks `repo` with every active rule.
pub(crate) fn run(repo: &Repo, config: &Config) -> Report {
    let active: Vec<RuleId> = RuleId::RULES.into_iter().filter(|rule| is_active(*rule, repo, config)).collect();
    let mut out = Vec::new();
    for file in &repo.files {
        if let Some((offset, message)) = &file.parse_error {
            out.push(finding(
                file,
                *offset,
                RuleId::Syntax,
                format!("the file does not parse: {message}"),
                "correct the syntax; no other rule checks this file until it parses".to_string(),
            ));
        }
    }
    for rule in &active {
        match rule {
            RuleId::OptionNamespace => namespace::check(repo, &mut out),
            RuleId::LayerImports => layers::imports(repo, &mut out),
            RuleId::ProfileDeclaresOptions => layers::profile_options(repo, &mut out),
            RuleId::ProfileLogic => layers::profile_logic(repo, &mut out),
            RuleId::DomainAggregator => domains::aggregator(repo, &mut out),
            RuleId::BucketCrossRead => domains::cross_reads(repo, &mut out),
            RuleId::HardcodedPath => paths::check(repo, &config.rules.hardcoded_path.prefixes, &mut out),
            RuleId::KebabCase => style::kebab_case(repo, &mut out),
            RuleId::EnableOption => style::enable_option(repo, &mut out),
            RuleId::OneServicePerFile => style::one_service(repo, &mut out),
            RuleId::MachineSize => style::machine_size(repo, config.rules.machine_size.max_lines, &mut out),
            RuleId::Syntax | RuleId::AllowComment | RuleId::Assertion | RuleId::Warning | RuleId::Evaluation => {}
        }
    }
    let mut used = BTreeSet::new();
    out.retain(|finding| {
        let allowed = allowing_comments(repo, finding);
        let any = !allowed.is_empty();
        used.extend(allowed);
        let excluded = exclude_patterns(finding.rule, config).iter().any(|p| glob::matches(p, &finding.file));
        !excluded && !any
    });
    check_allow_comments(repo, &active, &used, &mut out);
    out.sort_by(|a, b| (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule)));
    out.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.column == b.column && a.rule == b.rule);
    Report {
        findings: out,
        files_checked: repo.files.len(),
        active_rules: active,
        namespace: (!repo.namespace.is_empty()).then(|| repo.namespace.join(".")),
        domains: repo.domains.iter().map(|d| d.dir.clone()).collect(),
    }
}

/// A rule runs when configured on, or by default when the repository has the layout it is about.
fn is_active(rule: RuleId, repo: &Repo, config: &Config) -> bool {
    let rules = &config.rules;
    let configured = match rule {
        RuleId::HardcodedPath => rules.hardcoded_path.enabled,
        RuleId::MachineSize => rules.machine_size.enabled,
        _ => settings(rule, config).and_then(|s| s.enabled),
    };
    if let Some(enabled) = configured {
        return enabled;
    }
    let has_modules = !repo.modules.is_empty();
    let has_profiles = !repo.profiles.is_empty();
    let has_machines = !repo.machines.is_empty();
    match rule {
        RuleId::OptionNamespace | RuleId::KebabCase | RuleId::EnableOption | RuleId::OneServicePerFile => has_modules,
        RuleId::LayerImports => [has_modules, has_profiles, has_machines].iter().filter(|b| **b).count() >= 2,
        RuleId::ProfileDeclaresOptions | RuleId::ProfileLogic => has_profiles,
        RuleId::DomainAggregator | RuleId::BucketCrossRead => !repo.domains.is_empty(),
        RuleId::HardcodedPath => !repo.paths.is_empty(),
        RuleId::MachineSize => has_machines,
        RuleId::Syntax | RuleId::AllowComment | RuleId::Assertion | RuleId::Warning | RuleId::Evaluation => false,
    }
}

/// The shared settings of a rule without special settings.
fn settings(rule: RuleId, config: &Config) -> Option<&RuleSettings> {
    let rules = &config.rules;
    Some(match rule {
        RuleId::OptionNamespace => &rules.option_namespace,
        RuleId::LayerImports => &rules.layer_imports,
        RuleId::ProfileDeclaresOptions => &rules.profile_declares_options,
        RuleId::ProfileLogic => &rules.profile_logic,
        RuleId::DomainAggregator => &rules.domain_aggregator,
        RuleId::KebabCase => &rules.kebab_case,
        RuleId::EnableOption => &rules.enable_option,
        RuleId::OneServicePerFile => &rules.one_service_per_file,
        RuleId::BucketCrossRead => &rules.bucket_cross_read,
        _ => return None,
    })
}

fn exclude_patterns(rule: RuleId, config: &Config) -> &[String] {
    match rule {
        RuleId::HardcodedPath => &config.rules.hardcoded_path.exclude,
        RuleId::MachineSize => &config.rules.machine_size.exclude,
        _ => settings(rule, config).map_or(&[], |s| &s.exclude),
    }
}

/// The allow comments (file, offset, id) that silence `finding`: a `# strata: allow ID` comment on
/// the line before it or, for rules about a whole file, in the file's leading comments.
fn allowing_comments(repo: &Repo, finding: &Finding) -> Vec<(String, u32, String)> {
    if finding.line == 0 {
        return Vec::new();
    }
    let Some(file) = repo.file(&finding.file) else { return Vec::new() };
    let id = finding.rule.as_str();
    file.allows
        .iter()
        .filter(|allow| allow.id == id)
        .filter(|allow| allow.line + 1 == finding.line || (allow.in_header && finding.rule.is_file_wide()))
        .map(|allow| (file.rel.clone(), allow.offset, allow.id.clone()))
        .collect()
}

/// `allow-comment`: allow comments naming no rule, or silencing nothing although their rule ran.
fn check_allow_comments(
    repo: &Repo,
    active: &[RuleId],
    used: &BTreeSet<(String, u32, String)>,
    out: &mut Vec<Finding>,
) {
    for file in repo.files.iter().filter(|f| f.parse_error.is_none()) {
        for allow in &file.allows {
            let rule = RuleId::RULES.into_iter().find(|r| r.as_str() == allow.id);
            let (message, fix) = match rule {
                None => (
                    format!("`# strata: allow {}` names no rule", allow.id),
                    format!("use one of: {}", RuleId::RULES.map(RuleId::as_str).join(", ")),
                ),
                Some(rule)
                    if active.contains(&rule)
                        && !used.contains(&(file.rel.clone(), allow.offset, allow.id.clone())) =>
                {
                    (
                        format!("`# strata: allow {}` silences nothing: no such finding on the next line", allow.id),
                        "remove the comment, or move it to the line before the finding".to_string(),
                    )
                }
                Some(_) => continue,
            };
            out.push(finding(file, allow.offset, RuleId::AllowComment, message, fix));
        }
    }
}

/// A finding at a byte offset of a file.
pub(crate) fn finding(file: &SourceFile, offset: u32, rule: RuleId, message: String, fix: String) -> Finding {
    let (line, column) = file.position(offset);
    Finding { file: file.rel.clone(), line, column, rule, message, fix, edit: None, host: None }
}

/// A finding with a safe edit.
pub(crate) fn finding_with_edit(
    file: &SourceFile,
    offset: u32,
    rule: RuleId,
    message: String,
    fix: String,
    edit: Option<Edit>,
) -> Finding {
    Finding { edit, ..finding(file, offset, rule, message, fix) }
}

/// The byte offset where a node starts.
pub(crate) fn start(node: &rnix::SyntaxNode) -> u32 {
    u32::from(node.text_range().start())
}
