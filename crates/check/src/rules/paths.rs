//! `hardcoded-path`: paths under the configured prefixes come from the paths module.

use rnix::{SyntaxKind::*, SyntaxNode};

use super::finding;
use crate::layout::Repo;
use crate::nix::{self, Key};
use crate::report::{Finding, RuleId};

pub(super) fn check(repo: &Repo, prefixes: &[String], out: &mut Vec<Finding>) {
    let known = known_paths(repo);
    for file in &repo.files {
        if repo.in_paths_module(&file.rel) {
            continue;
        }
        let Some(tree) = &file.tree else { continue };
        for node in tree.descendants() {
            let tokens: Vec<_> = match node.kind() {
                NODE_STRING => node
                    .children_with_tokens()
                    .filter_map(|e| e.into_token())
                    .filter(|t| t.kind() == TOKEN_STRING_CONTENT)
                    .collect(),
                NODE_PATH_ABS => node.children_with_tokens().filter_map(|e| e.into_token()).take(1).collect(),
                _ => continue,
            };
            for token in tokens {
                let text = token.text();
                let Some(index) = find_prefix(text, prefixes) else { continue };
                let path: String = text[index..].chars().take_while(|c| is_path_char(*c) || *c == '/').collect();
                out.push(finding(
                    file,
                    u32::from(token.text_range().start()) + index as u32,
                    RuleId::HardcodedPath,
                    format!("the path `{path}` is hard-coded outside the paths module"),
                    suggestion(repo, &known, &path),
                ));
                break;
            }
        }
    }
}

/// Where the first path under a prefix starts in `text`: the prefix must start the text or
/// follow a separator, and be followed by `/` or the end of the path.
fn find_prefix(text: &str, prefixes: &[String]) -> Option<usize> {
    let bytes = text.as_bytes();
    text.char_indices().map(|(index, _)| index).find(|&index| {
        let boundary_before = index == 0 || !(is_path_char(bytes[index - 1] as char) || bytes[index - 1] == b'/');
        boundary_before
            && prefixes.iter().any(|prefix| {
                text[index..].starts_with(prefix.as_str())
                    && text[index + prefix.len()..].chars().next().is_none_or(|c| c == '/' || !is_path_char(c))
            })
    })
}

fn is_path_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '~' | '+' | '@')
}

/// Options of the paths module whose default is an absolute path: `(option path, default)`.
fn known_paths(repo: &Repo) -> Vec<(String, String)> {
    let mut known = Vec::new();
    for file in repo.files.iter().filter(|f| repo.in_paths_module(&f.rel)) {
        let Some(body) = file.tree.as_ref().and_then(nix::module_body) else { continue };
        for entry in nix::option_entries(&body) {
            collect_defaults(entry.keys, &entry.value, &mut known);
        }
    }
    known.sort_by_key(|(_, default)| std::cmp::Reverse(default.len()));
    known
}

fn collect_defaults(keys: Vec<Key>, value: &SyntaxNode, known: &mut Vec<(String, String)>) {
    let value = nix::strip_parens(value);
    if value.kind() == NODE_ATTR_SET {
        for entry in nix::entries(&value) {
            let mut path = keys.clone();
            path.extend(entry.keys);
            collect_defaults(path, &entry.value, known);
        }
        return;
    }
    let Some((name, _, args)) = nix::called_name(&value) else { return };
    if name != "mkOption" {
        return;
    }
    let Some(attrs) = args.first().map(nix::strip_parens).filter(|a| a.kind() == NODE_ATTR_SET) else { return };
    for entry in nix::entries(&attrs) {
        if entry.keys.len() == 1 && nix::first_is(&entry.keys, "default") {
            if let Some(default) = nix::string_value(&nix::strip_parens(&entry.value)).filter(|d| d.starts_with('/')) {
                known.push((nix::show_path(&keys), default.trim_end_matches('/').to_string()));
            }
        }
    }
}

/// The fix: the paths-module option whose default is the longest prefix of `path`, if any.
fn suggestion(repo: &Repo, known: &[(String, String)], path: &str) -> String {
    for (option, default) in known {
        if let Some(rest) = path.strip_prefix(default.as_str()) {
            if rest.is_empty() || rest.starts_with('/') {
                return format!("write \"${{config.{option}}}{rest}\" (the paths module's `{option}`) instead");
            }
        }
    }
    match repo.paths.first() {
        Some(module) => {
            format!("declare this location in the paths module ({module}) and refer to it through `config`")
        }
        None => "declare this location in a paths module and refer to it through `config`".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::find_prefix;

    #[test]
    fn prefixes_at_boundaries() {
        let prefixes = vec!["/mnt".to_string(), "/home".to_string()];
        assert_eq!(find_prefix("/mnt/media", &prefixes), Some(0));
        assert_eq!(find_prefix("/mnt", &prefixes), Some(0));
        assert_eq!(find_prefix("mkdir -p /home/eric", &prefixes), Some(9));
        assert_eq!(find_prefix("PATH=/home/x", &prefixes), Some(5));
        assert_eq!(find_prefix("/homer", &prefixes), None);
        assert_eq!(find_prefix("/var/mnt/x", &prefixes), None);
        assert_eq!(find_prefix("http://x/home/y", &prefixes), None);
    }
}
