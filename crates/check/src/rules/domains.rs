//! `domain-aggregator` and `bucket-cross-read`: domains are entered through their aggregator,
//! and their buckets do not read each other's options.

use rnix::{SyntaxKind::*, SyntaxNode};

use super::{finding, finding_with_edit, start};
use crate::layout::{under, Domain, Repo};
use crate::nix;
use crate::report::{Edit, EditAction, Finding, RuleId};

pub(super) fn aggregator(repo: &Repo, out: &mut Vec<Finding>) {
    for file in &repo.files {
        // Lists in which an import of a domain was already turned into its aggregator: further
        // bucket imports of the same domain in that list are removed instead.
        let mut replaced: Vec<(SyntaxNode, String)> = Vec::new();
        for import in &file.imports {
            let Some(domain) = repo.domains.iter().find(|d| {
                under(&import.target, &d.dir)
                    && import.target != d.aggregator
                    && import.raw_target != d.dir
                    && !under(&file.rel, &d.dir)
            }) else {
                continue;
            };
            let entry = entry_path(file.dir(), domain);
            let safe =
                domain.reachable.contains(&import.target) && only_guarded_additions(repo, domain, &import.target);
            let edit = import.path.list.as_ref().filter(|_| safe).map(|list| {
                let already = file.imports.iter().any(|other| {
                    other.path.list.as_ref() == Some(list)
                        && (other.target == domain.aggregator || other.raw_target == domain.dir)
                }) || replaced.iter().any(|(l, dir)| l == list && *dir == domain.dir);
                let action = if already {
                    EditAction::RemoveListItem
                } else {
                    replaced.push((list.clone(), domain.dir.clone()));
                    EditAction::Replace { text: entry.clone() }
                };
                Edit {
                    start: start(&import.path.node),
                    end: u32::from(import.path.node.text_range().end()),
                    original: import.path.text.clone(),
                    action,
                }
            });
            out.push(finding_with_edit(
                file,
                start(&import.path.node),
                RuleId::DomainAggregator,
                format!(
                    "imports `{}` from inside the domain `{}`, bypassing its aggregator `{}`",
                    import.raw_target, domain.dir, domain.aggregator
                ),
                format!("import the domain through its aggregator: `{entry}`"),
                edit,
            ));
        }
    }
}

/// True when every file the aggregator brings in besides what `target` already brings defines
/// configuration only under `mkIf` (or none): importing the whole domain then adds option
/// declarations and switched-off configuration, nothing that is on by itself.
fn only_guarded_additions(repo: &Repo, domain: &Domain, target: &str) -> bool {
    let already = repo.reachable(target, &domain.dir);
    domain.reachable.iter().filter(|f| !already.contains(*f)).all(|rel| {
        let Some(body) = repo.file(rel).and_then(|f| f.tree.as_ref()).and_then(nix::module_body) else {
            return false;
        };
        if body.kind() != NODE_ATTR_SET {
            return false;
        }
        let entries = nix::entries(&body);
        let explicit = entries.iter().any(|e| nix::first_is(&e.keys, "config") || nix::first_is(&e.keys, "options"));
        entries.iter().all(|entry| {
            if explicit {
                !nix::first_is(&entry.keys, "config")
                    || (entry.keys.len() == 1
                        && nix::called_name(&entry.value).is_some_and(|(name, _, _)| name == "mkIf"))
            } else {
                nix::first_is(&entry.keys, "imports")
            }
        })
    })
}

/// How a file in `from_dir` names a domain: its folder when the aggregator is `default.nix`,
/// the aggregator file otherwise.
fn entry_path(from_dir: &str, domain: &Domain) -> String {
    let target = if domain.aggregator.ends_with("/default.nix") { &domain.dir } else { &domain.aggregator };
    relative_path(from_dir, target)
}

/// A relative path literal from the folder `from` to `to` (both relative to the root).
pub(crate) fn relative_path(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = from.len() - common;
    let rest = to[common..].join("/");
    if ups == 0 {
        format!("./{rest}")
    } else {
        format!("{}{rest}", "../".repeat(ups))
    }
}

pub(super) fn cross_reads(repo: &Repo, out: &mut Vec<Finding>) {
    for domain in &repo.domains {
        let prefix: Vec<&str> = repo.namespace.iter().chain(domain.option_path.iter()).map(String::as_str).collect();
        for bucket in &domain.buckets {
            for file in repo.files.iter().filter(|f| bucket.contains(&f.rel)) {
                let Some(tree) = &file.tree else { continue };
                for node in tree.descendants().filter(|n| n.kind() == NODE_SELECT) {
                    let Some((base, keys)) = nix::select_path(&node) else { continue };
                    if base != "config" || keys.len() <= prefix.len() {
                        continue;
                    }
                    if !keys.iter().zip(&prefix).all(|(k, p)| k.name.as_deref() == Some(*p)) {
                        continue;
                    }
                    let Some(read) = keys[prefix.len()].name.as_deref() else { continue };
                    if read == bucket.option_name || !domain.buckets.iter().any(|b| b.option_name == read) {
                        continue;
                    }
                    out.push(finding(
                        file,
                        start(&node),
                        RuleId::BucketCrossRead,
                        format!(
                            "the bucket `{}` reads `config.{}` of the bucket `{read}` of the domain `{}`",
                            bucket.option_name,
                            nix::show_path(&keys),
                            domain.dir
                        ),
                        format!(
                            "buckets are independent: move the shared value to an option of the domain (`{}.…`) that the profile or machine sets",
                            prefix.join(".")
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::relative_path;

    #[test]
    fn relative_paths() {
        assert_eq!(relative_path("profiles", "domains/infrastructure"), "../domains/infrastructure");
        assert_eq!(relative_path("", "domains/infrastructure"), "./domains/infrastructure");
        assert_eq!(relative_path("machines/a", "modules/x"), "../../modules/x");
        assert_eq!(relative_path("modules/y", "modules/x"), "../x");
    }
}
