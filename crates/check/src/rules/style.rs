//! `kebab-case`, `enable-option`, `one-service-per-file` and `machine-size`.

use rnix::{SyntaxKind::*, SyntaxNode};

use super::{finding, finding_with_edit, start};
use crate::layout::{Repo, Role};
use crate::nix::{self, Key};
use crate::report::{Edit, EditAction, Finding, RuleId};

pub(super) fn kebab_case(repo: &Repo, out: &mut Vec<Finding>) {
    for dir in &repo.dirs {
        let name = dir.rsplit('/').next().unwrap_or(dir);
        if !nix::is_kebab_case(name) {
            out.push(Finding {
                file: dir.clone(),
                line: 0,
                column: 0,
                rule: RuleId::KebabCase,
                message: format!("the folder name `{name}` is not kebab-case"),
                fix: format!("rename the folder to `{}` and update the paths that import it", nix::to_kebab_case(name)),
                edit: None,
                host: None,
            });
        }
    }
    for file in &repo.files {
        let stem = file.name().trim_end_matches(".nix");
        if !nix::is_kebab_case(stem) {
            out.push(finding(
                file,
                0,
                RuleId::KebabCase,
                format!("the file name `{}` is not kebab-case", file.name()),
                format!("rename the file to `{}.nix` and update the paths that import it", nix::to_kebab_case(stem)),
            ));
        }
    }
}

pub(super) fn enable_option(repo: &Repo, out: &mut Vec<Finding>) {
    for file in &repo.files {
        let Some(tree) = &file.tree else { continue };
        for node in tree.descendants().filter(|n| n.kind() == NODE_ATTRPATH_VALUE) {
            let Some(entry) = nix::entry_of(&node) else { continue };
            if entry.keys.last().and_then(|k| k.name.as_deref()) != Some("enable") {
                continue;
            }
            let value = nix::strip_scopes(&entry.value);
            let Some((name, function, args)) = nix::called_name(&value) else { continue };
            if name != "mkOption" {
                continue;
            }
            let mut path = nix::full_path(&node);
            if nix::first_is(&path, "options") {
                path.remove(0);
            }
            let owner = path.iter().rev().nth(1).and_then(|k| k.name.clone()).unwrap_or_else(|| "this".into());
            let edit = enable_edit(&value, &function, &args, &owner);
            let suggested = match &edit {
                Some(Edit { action: EditAction::Replace { text }, .. }) => format!("write `{text}`"),
                _ => format!("write `mkEnableOption \"{owner}\"` (with `// {{ default = …; }}` for another default)"),
            };
            out.push(finding_with_edit(
                file,
                start(&function),
                RuleId::EnableOption,
                format!(
                    "the option `{}` is made with `mkOption`; `enable` options use `mkEnableOption`",
                    nix::show_path(&path)
                ),
                suggested,
                edit,
            ));
        }
    }
}

/// The safe rewrite of `mkOption { type = types.bool; default = false; description = "…"; }`
/// into `mkEnableOption "…"`, when the call has only those attributes (and `example = true`),
/// the default is a literal boolean (`true` becomes `// { default = true; }`), the description a
/// plain `"…"` string, and `mkEnableOption` is reachable the way `mkOption` was (`lib.` or a
/// `with lib;`). A description written as `Whether to enable X.` becomes `"X"`, so the option
/// evaluates exactly as before; another description `D` becomes the name in
/// `Whether to enable D.` (a leading `Enable ` and a final `.` are dropped).
fn enable_edit(call: &SyntaxNode, function: &SyntaxNode, args: &[SyntaxNode], owner: &str) -> Option<Edit> {
    let parent = call.parent()?;
    let in_value_position = match parent.kind() {
        NODE_ATTRPATH_VALUE => true,
        NODE_WITH | NODE_LET_IN => parent.children().last().as_ref() == Some(call),
        _ => false,
    };
    if !in_value_position || args.len() != 1 {
        return None;
    }
    let attrs = nix::strip_parens(&args[0]);
    if attrs.kind() != NODE_ATTR_SET
        || attrs.children_with_tokens().any(|e| e.kind() == TOKEN_REC)
        || attrs.children().any(|c| c.kind() == NODE_INHERIT)
    {
        return None;
    }
    let (mut is_bool, mut default, mut description) = (false, None, None);
    for entry in nix::entries(&attrs) {
        let [key] = entry.keys.as_slice() else { return None };
        let value = nix::strip_parens(&entry.value);
        match key.name.as_deref()? {
            "type" => {
                let (base, keys) = nix::select_path(&value)?;
                let names: Vec<&str> = keys.iter().filter_map(|k| k.name.as_deref()).collect();
                is_bool = matches!((base.as_str(), names.as_slice()), ("types", ["bool"]) | ("lib", ["types", "bool"]));
            }
            "default"
                if value.kind() == NODE_IDENT && matches!(value.text().to_string().as_str(), "true" | "false") =>
            {
                default = Some(value.text() == "true");
            }
            "example" if value.kind() == NODE_IDENT && value.text() == "true" => {}
            "description" if value.kind() == NODE_STRING && value.children().next().is_none() => {
                if value.first_token().is_none_or(|t| t.text() != "\"") {
                    return None;
                }
                let raw: String = value
                    .children_with_tokens()
                    .filter_map(|e| e.into_token())
                    .filter(|t| t.kind() == TOKEN_STRING_CONTENT)
                    .map(|t| t.text().to_string())
                    .collect();
                description = Some(raw);
            }
            _ => return None,
        }
    }
    let default = default?;
    if !is_bool {
        return None;
    }
    let name = match description {
        Some(raw) => {
            let trimmed = raw.trim();
            let without_start = ["Whether to enable ", "whether to enable ", "Enable ", "enable ", "Enables "]
                .iter()
                .find_map(|p| trimmed.strip_prefix(p))
                .unwrap_or(trimmed);
            let name = without_start.strip_suffix('.').filter(|n| !n.ends_with('\\')).unwrap_or(without_start);
            if name.is_empty() {
                return None;
            }
            name.to_string()
        }
        None => owner.to_string(),
    };
    let function_text = function.text().to_string();
    let prefix = function_text.strip_suffix("mkOption")?;
    if function.kind() == NODE_IDENT && !enable_in_scope(call) {
        return None;
    }
    let mut text = format!("{prefix}mkEnableOption \"{name}\"");
    if default {
        text.push_str(" // { default = true; }");
    }
    Some(Edit {
        start: start(call),
        end: u32::from(call.text_range().end()),
        original: call.text().to_string(),
        action: EditAction::Replace { text },
    })
}

/// True when a bare `mkEnableOption` would be found where `node` is: inside `with lib;` (or
/// `with x.lib;`), or below a `let` that inherits `mkEnableOption`.
fn enable_in_scope(node: &SyntaxNode) -> bool {
    node.ancestors().any(|ancestor| match ancestor.kind() {
        NODE_WITH => ancestor.children().next().is_some_and(|scope| {
            scope.kind() == NODE_IDENT && scope.text() == "lib"
                || nix::select_path(&scope)
                    .is_some_and(|(_, keys)| keys.last().and_then(|k| k.name.as_deref()) == Some("lib"))
        }),
        NODE_LET_IN => ancestor
            .children()
            .filter(|c| c.kind() == NODE_INHERIT)
            .any(|inherit| inherit.children().any(|c| c.kind() == NODE_IDENT && c.text() == "mkEnableOption")),
        _ => false,
    })
}

pub(super) fn one_service(repo: &Repo, out: &mut Vec<Finding>) {
    for file in &repo.files {
        if !matches!(repo.role(&file.rel), Role::Module { .. }) {
            continue;
        }
        let Some(body) = file.tree.as_ref().and_then(nix::module_body) else { continue };
        let mut services: Vec<(String, Key)> = Vec::new();
        for binding in nix::config_bindings(&body) {
            let Some((name, key)) = service_name(&binding.keys, &binding.value) else { continue };
            if services.iter().any(|(n, _)| *n == name) {
                continue;
            }
            if let Some((first, _)) = services.first() {
                out.push(finding(
                    file,
                    start(&key.node),
                    RuleId::OneServicePerFile,
                    format!("this module defines a second service `{name}` (the first is `{first}`)"),
                    format!(
                        "one service per file: move `{name}` into its own module, e.g. `{}/{}.nix`",
                        file.dir(),
                        nix::to_kebab_case(&name)
                    ),
                ));
            }
            services.push((name, key));
        }
    }
}

/// The service a configuration path defines, with the key naming it.
fn service_name(keys: &[Key], value: &SyntaxNode) -> Option<(String, Key)> {
    let names: Vec<Option<&str>> = keys.iter().map(|k| k.name.as_deref()).collect();
    match names.as_slice() {
        [Some("systemd"), Some("services"), Some(name), ..] => {
            let name = name.strip_prefix("podman-").or_else(|| name.strip_prefix("docker-")).unwrap_or(name);
            Some((name.to_string(), keys[2].clone()))
        }
        [Some("virtualisation"), Some("oci-containers"), Some("containers"), Some(name), ..] => {
            Some((name.to_string(), keys[3].clone()))
        }
        [Some("services"), Some(name), Some("enable")] if value.kind() == NODE_IDENT && value.text() == "true" => {
            Some((name.to_string(), keys[1].clone()))
        }
        _ => None,
    }
}

pub(super) fn machine_size(repo: &Repo, max_lines: u32, out: &mut Vec<Finding>) {
    for file in &repo.files {
        let Role::Machine { folder, host } = repo.role(&file.rel) else { continue };
        let is_machine_file = match &folder {
            Some(folder) => repo.machine_files.iter().any(|m| file.rel == format!("{folder}/{m}")),
            None => true,
        };
        let lines = file.text.lines().count();
        if !is_machine_file || lines <= max_lines as usize {
            continue;
        }
        out.push(Finding {
            file: file.rel.clone(),
            line: max_lines + 1,
            column: 1,
            rule: RuleId::MachineSize,
            message: format!("the machine file of `{host}` has {lines} lines, more than the {max_lines} allowed"),
            fix: "keep only hardware facts and profile choices here: move the rest into a profile or the machine's hardware file".to_string(),
            edit: None,
            host: None,
        });
    }
}
