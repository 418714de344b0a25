//! Applying safe fixes: each edit replaces or removes one node of the lossless rowan tree, the
//! result is parsed again, and files are written atomically (temporary file, then rename).
//!
//! Safe fixes (findings carry an [`crate::Edit`] only when these conditions hold):
//! - `enable-option`: `mkOption { type = types.bool; default = false; description = "…"; }` →
//!   `mkEnableOption "…"` (see `rules::style::enable_edit` for the exact conditions);
//! - `domain-aggregator`: an `imports` list item naming a file inside a domain, from outside it,
//!   becomes the domain (its aggregator) when the aggregator already reaches that file through
//!   its imports and everything else the domain brings in defines its configuration under
//!   `mkIf` (or none); when the list already names the domain, the item is removed instead.
//!
//! All edits are computed and checked before any file is written: if one is refused (the file
//! changed since it was checked, or would no longer parse), nothing is written.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use rnix::{SyntaxKind::*, SyntaxNode, TextRange, TextSize};

use crate::config::Config;
use crate::report::{AppliedFix, EditAction, Finding, Report};
use crate::Error;

/// Applies every safe fix of `report` to the files under `root`.
///
/// Findings of rules switched off in `config` are left alone. Returns what was applied, in
/// file order; on an error no file has been changed.
pub fn fix(root: &Path, config: &Config, report: &Report) -> Result<Vec<AppliedFix>, Error> {
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in &report.findings {
        if finding.edit.is_some() && rule_enabled(config, finding) {
            by_file.entry(finding.file.as_str()).or_default().push(finding);
        }
    }
    let mut results = Vec::new();
    for (file, findings) in by_file {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Read { path: path.clone(), source })?;
        let (fixed, applied) = fix_text(&path, &text, findings)?;
        results.push((path, fixed, applied));
    }
    let mut applied_all = Vec::new();
    for (path, fixed, applied) in results {
        write_atomically(&path, &fixed)?;
        applied_all.extend(applied);
    }
    Ok(applied_all)
}

fn rule_enabled(config: &Config, finding: &Finding) -> bool {
    let rules = &config.rules;
    let enabled = match finding.rule {
        crate::RuleId::EnableOption => rules.enable_option.enabled,
        crate::RuleId::DomainAggregator => rules.domain_aggregator.enabled,
        _ => None,
    };
    enabled != Some(false)
}

/// Applies the edits of one file's findings to its text, last edit first, through the tree.
fn fix_text(path: &Path, text: &str, mut findings: Vec<&Finding>) -> Result<(String, Vec<AppliedFix>), Error> {
    let refuse = |finding: &Finding, message: String| Error::FixRefused {
        path: path.to_path_buf(),
        line: finding.line,
        column: finding.column,
        message,
    };
    let parse = syntax::parse(text);
    if let Some(finding) = findings.first() {
        if !parse.errors().is_empty() {
            return Err(refuse(finding, "the file no longer parses; correct it and run `strata check` again".into()));
        }
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.edit.as_ref().map_or(0, |e| e.start)));
    let mut tree = parse.syntax();
    let mut applied = Vec::new();
    let mut limit = u32::MAX;
    for finding in findings {
        let Some(edit) = &finding.edit else { continue };
        let stale = || refuse(finding, "the file changed since it was checked; run `strata check` again".into());
        if edit.end > limit || edit.start > edit.end {
            return Err(refuse(finding, "this fix overlaps another fix of the same file".into()));
        }
        if text.get(edit.start as usize..edit.end as usize) != Some(edit.original.as_str()) {
            return Err(stale());
        }
        let range = TextRange::new(TextSize::from(edit.start), TextSize::from(edit.end));
        let node = node_at(&tree, range).ok_or_else(stale)?;
        let description = match &edit.action {
            EditAction::Replace { text: replacement } => {
                let parsed = syntax::parse(replacement);
                let expression = parsed.syntax().children().next();
                let Some(expression) = expression.filter(|_| parsed.errors().is_empty()) else {
                    return Err(refuse(finding, format!("the replacement `{replacement}` does not parse")));
                };
                // The replacement may be another kind of node (`f x` → `f x // { … }`), so the
                // parent, whose kind stays, is the node rebuilt.
                let parent = node.parent().ok_or_else(stale)?;
                let child = rowan::NodeOrToken::Node(expression.green().to_owned());
                let green = parent.green().replace_child(node.index(), child);
                tree = SyntaxNode::new_root(parent.replace_with(green));
                format!("replaced `{}` with `{replacement}`", edit.original)
            }
            EditAction::RemoveListItem => {
                let parent = node.parent().filter(|p| p.kind() == NODE_LIST).ok_or_else(stale)?;
                let index = node.index();
                let mut green = parent.green().remove_child(index);
                let before = index.checked_sub(1).and_then(|i| parent.children_with_tokens().nth(i));
                if let Some(space) = before.filter(|e| e.kind() == TOKEN_WHITESPACE) {
                    green = green.remove_child(space.index());
                }
                tree = SyntaxNode::new_root(parent.replace_with(green));
                format!("removed `{}` (the list already imports its domain)", edit.original)
            }
        };
        limit = edit.start;
        applied.push(AppliedFix {
            file: finding.file.clone(),
            line: finding.line,
            column: finding.column,
            rule: finding.rule,
            description,
        });
    }
    let fixed = tree.to_string();
    let reparsed = syntax::parse(&fixed);
    if let Some(error) = reparsed.errors().first() {
        let (line, column) = applied.first().map_or((0, 0), |a| (a.line, a.column));
        return Err(Error::FixRefused {
            path: path.to_path_buf(),
            line,
            column,
            message: format!("the fixed file would not parse ({error}); nothing was written"),
        });
    }
    applied.reverse();
    Ok((fixed, applied))
}

/// The innermost node covering exactly `range`.
fn node_at(tree: &SyntaxNode, range: TextRange) -> Option<SyntaxNode> {
    if !tree.text_range().contains_range(range) {
        return None;
    }
    let element = tree.covering_element(range);
    let start = match element {
        rowan::NodeOrToken::Node(node) => Some(node),
        rowan::NodeOrToken::Token(token) => token.parent(),
    };
    start?.ancestors().find(|n| n.text_range() == range)
}

/// Writes `text` to `path` through a temporary file in the same folder and a rename, keeping
/// the file's permissions.
fn write_atomically(path: &Path, text: &str) -> Result<(), Error> {
    let write_error = |source| Error::Write { path: path.to_path_buf(), source };
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = dir.join(format!(".{name}.strata-fix-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Ok(metadata) = std::fs::metadata(path) {
            std::fs::set_permissions(&temporary, metadata.permissions())?;
        }
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.map_err(write_error)
}
