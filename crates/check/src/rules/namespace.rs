//! `option-namespace`: a module's options lie under the namespace its file's place gives it.

use rnix::{SyntaxKind::*, SyntaxNode};

use super::{finding, start};
use crate::layout::{Repo, Role, SourceFile};
use crate::nix::{self, Key};
use crate::report::{Finding, RuleId};

pub(super) fn check(repo: &Repo, out: &mut Vec<Finding>) {
    for file in &repo.files {
        let Role::Module { root } = repo.role(&file.rel) else { continue };
        let Some(body) = file.tree.as_ref().and_then(nix::module_body) else { continue };
        let expected = expected_namespace(repo, &root, file);
        for entry in nix::option_entries(&body) {
            visit(file, &expected, entry.keys, &entry.value, out);
        }
    }
}

/// The root namespace, the folders between the modules folder and the file, and the file's
/// stem unless it is an aggregator, in camelCase.
fn expected_namespace(repo: &Repo, root: &str, file: &SourceFile) -> Vec<String> {
    let mut expected = repo.namespace.clone();
    let inside = &file.rel[root.len() + 1..];
    let mut parts: Vec<&str> = inside.split('/').collect();
    let name = parts.pop().unwrap_or_default();
    expected.extend(parts.iter().map(|p| nix::camel_case(p)));
    if !repo.aggregators.iter().any(|a| a == name) {
        expected.push(nix::camel_case(name.trim_end_matches(".nix")));
    }
    expected
}

/// Checks one declaration `keys = value`, descending into attribute sets while the path is
/// still shorter than the namespace.
fn visit(file: &SourceFile, expected: &[String], keys: Vec<Key>, value: &SyntaxNode, out: &mut Vec<Finding>) {
    let namespace = expected.join(".");
    for (index, key) in keys.iter().enumerate().take(expected.len()) {
        match &key.name {
            Some(name) if *name != expected[index] => {
                out.push(finding(
                    file,
                    start(&key.node),
                    RuleId::OptionNamespace,
                    format!(
                        "option `{}` is outside this file's namespace `{namespace}` (from its folder path)",
                        nix::show_path(&keys)
                    ),
                    format!(
                        "declare it as `options.{namespace}.…`, or move the file to the folder matching its options"
                    ),
                ));
                return;
            }
            _ => {}
        }
    }
    if keys.len() >= expected.len() {
        return;
    }
    let value = nix::strip_parens(value);
    if value.kind() == NODE_ATTR_SET {
        for entry in nix::entries(&value) {
            let mut path = keys.clone();
            path.extend(entry.keys);
            visit(file, expected, path, &entry.value, out);
        }
        return;
    }
    let at = keys.last().map_or_else(|| start(&value), |k| start(&k.node));
    out.push(finding(
        file,
        at,
        RuleId::OptionNamespace,
        format!(
            "option `{}` is declared above this file's namespace `{namespace}`",
            if keys.is_empty() { "options".to_string() } else { nix::show_path(&keys) }
        ),
        format!("declare the options under `options.{namespace}`"),
    ));
}
