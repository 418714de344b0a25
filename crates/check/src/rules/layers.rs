//! `layer-imports`, `profile-declares-options` and `profile-logic`: what each layer may import
//! and what a profile may contain (the exact definitions are on [`RuleId`]).

use rnix::{SyntaxKind::*, SyntaxNode};

use super::{finding, start};
use crate::layout::{under, Repo, Role, SourceFile};
use crate::nix::{self, Key};
use crate::report::{Finding, RuleId};

pub(super) fn imports(repo: &Repo, out: &mut Vec<Finding>) {
    for file in &repo.files {
        let role = repo.role(&file.rel);
        for import in &file.imports {
            let target = repo.role(&import.target);
            let problem = match (&role, &target) {
                (Role::Module { .. }, Role::Profile) => Some((
                    "a module imports the profile",
                    "modules never import profiles: import the module from the profile instead",
                )),
                (Role::Module { .. }, Role::Machine { .. }) => Some((
                    "a module imports the machine file",
                    "modules never import machines: move what the module needs into an option the machine sets",
                )),
                (Role::Profile, Role::Machine { .. }) => Some((
                    "a profile imports the machine file",
                    "profiles never import machines: move the shared part into a profile or module",
                )),
                (Role::Machine { folder, .. }, _) if !import.path.call => {
                    let own = folder.as_ref().is_some_and(|f| under(&import.target, f));
                    (target != Role::Profile && !own).then_some((
                        "a machine imports",
                        "machines import profiles and their own hardware files: import a profile that imports it",
                    ))
                }
                _ => None,
            };
            if let Some((what, fix)) = problem {
                out.push(finding(
                    file,
                    start(&import.path.node),
                    RuleId::LayerImports,
                    format!("{what} `{}` directly", import.raw_target),
                    fix.to_string(),
                ));
            }
        }
    }
}

pub(super) fn profile_options(repo: &Repo, out: &mut Vec<Finding>) {
    for file in &repo.files {
        if repo.role(&file.rel) != Role::Profile {
            continue;
        }
        let Some(body) = file.tree.as_ref().and_then(nix::module_body) else { continue };
        if body.kind() != NODE_ATTR_SET {
            continue;
        }
        for entry in nix::entries(&body) {
            if nix::first_is(&entry.keys, "options") {
                out.push(finding(
                    file,
                    start(&entry.keys[0].node),
                    RuleId::ProfileDeclaresOptions,
                    format!("a profile declares options (`{}`)", nix::show_path(&entry.keys)),
                    "profiles only import modules and set options: move the declaration into the module that implements it"
                        .to_string(),
                ));
            }
        }
    }
}

pub(super) fn profile_logic(repo: &Repo, out: &mut Vec<Finding>) {
    for file in &repo.files {
        if repo.role(&file.rel) != Role::Profile {
            continue;
        }
        let Some(root) = &file.tree else { continue };
        let Some(expr) = root.children().next() else { continue };
        let mut logic = Logic { file, namespace: &repo.namespace, out: &mut *out };
        logic.top(&expr);
    }
}

/// The walk over one profile, reporting the outermost piece of logic in each place.
struct Logic<'a> {
    file: &'a SourceFile,
    namespace: &'a [String],
    out: &'a mut Vec<Finding>,
}

impl Logic<'_> {
    fn report(&mut self, node: &SyntaxNode, what: String) {
        self.out.push(finding(
            self.file,
            start(&nix::strip_parens(node)),
            RuleId::ProfileLogic,
            format!("a profile contains implementation logic: {what}"),
            "profiles only import modules and set options: move this into a module and give it an option the profile sets"
                .to_string(),
        ));
    }

    /// The file's expression: the module function, `let`, `with`, then the attribute set.
    fn top(&mut self, node: &SyntaxNode) {
        let node = nix::strip_parens(node);
        match node.kind() {
            NODE_LAMBDA => {
                if let Some(body) = node.children().last() {
                    self.top(&body);
                }
            }
            NODE_LET_IN => {
                self.let_bindings(&node);
                if let Some(body) = node.children().last() {
                    self.top(&body);
                }
            }
            NODE_WITH => {
                let mut children = node.children();
                if let Some(scope) = children.next() {
                    if !is_reference(&scope) {
                        self.report(&scope, describe(&scope));
                    }
                }
                if let Some(body) = children.next() {
                    self.top(&body);
                }
            }
            NODE_ATTR_SET => {
                for entry in nix::entries(&node) {
                    if nix::first_is(&entry.keys, "imports") || nix::first_is(&entry.keys, "options") {
                        continue;
                    }
                    self.value(&entry.value, &entry.keys);
                }
            }
            _ => self.value(&node, &[]),
        }
    }

    fn let_bindings(&mut self, node: &SyntaxNode) {
        for entry in nix::entries(node) {
            self.value(&entry.value, &[]);
        }
    }

    /// A value set at `path`.
    fn value(&mut self, node: &SyntaxNode, path: &[Key]) {
        let node = nix::strip_parens(node);
        match node.kind() {
            NODE_LITERAL | NODE_IDENT | NODE_PATH_SEARCH => {}
            NODE_PATH_ABS | NODE_PATH_REL | NODE_PATH_HOME | NODE_STRING => {
                for interpolation in node.children().filter(|c| c.kind() == NODE_INTERPOL) {
                    if let Some(inner) = interpolation.children().next() {
                        if !is_reference(&inner) {
                            self.report(&inner, describe(&inner));
                        }
                    }
                }
            }
            NODE_SELECT => {
                if !is_reference(&node) {
                    self.report(&node, describe(&node));
                }
            }
            NODE_LIST => {
                for item in node.children() {
                    self.value(&item, path);
                }
            }
            NODE_ATTR_SET => {
                for entry in nix::entries(&node) {
                    let mut inner = path.to_vec();
                    inner.extend(entry.keys);
                    self.value(&entry.value, &inner);
                }
            }
            NODE_WITH => {
                let mut children = node.children();
                if let Some(scope) = children.next() {
                    if !is_reference(&scope) {
                        self.report(&scope, describe(&scope));
                    }
                }
                if let Some(body) = children.next() {
                    self.value(&body, path);
                }
            }
            NODE_LET_IN => {
                self.let_bindings(&node);
                if let Some(body) = node.children().last() {
                    self.value(&body, path);
                }
            }
            NODE_APPLY => self.call(&node, path),
            _ => self.report(&node, describe(&node)),
        }
    }

    /// Calls: only the module system's priority wrappers, `mkMerge`, and `mkIf` on toggles.
    fn call(&mut self, node: &SyntaxNode, path: &[Key]) {
        let Some((name, _, args)) = nix::called_name(node) else {
            self.report(node, describe(node));
            return;
        };
        match (name.as_str(), args.as_slice()) {
            ("mkDefault" | "mkForce" | "mkBefore" | "mkAfter" | "mkMerge", [value]) => self.value(value, path),
            ("mkOverride" | "mkOrder", [priority, value]) => {
                if !is_condition(priority) {
                    self.report(priority, describe(priority));
                }
                self.value(value, path);
            }
            ("mkIf", [condition, value]) => {
                let names: Vec<Option<&str>> = path.iter().map(|k| k.name.as_deref()).collect();
                let toggle = !self.namespace.is_empty()
                    && names.len() >= self.namespace.len()
                    && self.namespace.iter().zip(&names).all(|(ns, name)| Some(ns.as_str()) == *name);
                if !toggle {
                    let target = if path.is_empty() {
                        "the whole configuration".to_string()
                    } else {
                        format!("`{}`", nix::show_path(path))
                    };
                    self.report(
                        node,
                        format!(
                            "`mkIf` on {target}, outside the `{}` namespace (service internals)",
                            self.namespace.join(".")
                        ),
                    );
                    return;
                }
                if !is_condition(condition) {
                    self.report(condition, describe(condition));
                }
                self.value(value, path);
            }
            _ => self.report(node, format!("a call of `{name}`")),
        }
    }
}

/// A plain reference: an identifier or a static selection from one (`pkgs.git`,
/// `config.hwc.paths.media`), with at most a plain `or` default.
fn is_reference(node: &SyntaxNode) -> bool {
    let node = nix::strip_parens(node);
    match node.kind() {
        NODE_IDENT => true,
        NODE_SELECT => {
            let mut children = node.children();
            let base = children.next();
            let attrpath = children.next();
            let default = children.next();
            base.is_some_and(|b| is_reference(&b))
                && attrpath.is_some_and(|a| nix::attrpath_keys(&a).iter().all(|k| k.name.is_some()))
                && default.is_none_or(|d| is_constant(&d))
        }
        _ => false,
    }
}

/// A literal: number, string without interpolation, path, `true`/`false`/`null`.
fn is_constant(node: &SyntaxNode) -> bool {
    let node = nix::strip_parens(node);
    match node.kind() {
        NODE_LITERAL | NODE_IDENT => true,
        NODE_STRING | NODE_PATH_ABS | NODE_PATH_REL => node.children().next().is_none(),
        _ => false,
    }
}

/// A toggle's condition: references, literals, `!`, `==`, `!=`, `&&`, `||`, `?`.
fn is_condition(node: &SyntaxNode) -> bool {
    let node = nix::strip_parens(node);
    match node.kind() {
        NODE_UNARY_OP | NODE_BIN_OP => {
            let operator_ok = node.children_with_tokens().filter_map(|e| e.into_token()).all(|t| {
                matches!(
                    t.kind(),
                    TOKEN_WHITESPACE
                        | TOKEN_COMMENT
                        | TOKEN_INVERT
                        | TOKEN_EQUAL
                        | TOKEN_NOT_EQUAL
                        | TOKEN_AND_AND
                        | TOKEN_OR_OR
                )
            });
            operator_ok && node.children().all(|c| is_condition(&c))
        }
        NODE_HAS_ATTR => node.children().next().is_some_and(|c| is_reference(&c)),
        _ => is_reference(&node) || is_constant(&node),
    }
}

/// A short description of a piece of logic for the message.
fn describe(node: &SyntaxNode) -> String {
    let node = &nix::strip_parens(node);
    match node.kind() {
        NODE_LAMBDA => "a function".to_string(),
        NODE_IF_ELSE => "`if … then … else`".to_string(),
        NODE_ASSERT => "an assertion".to_string(),
        NODE_BIN_OP | NODE_UNARY_OP => {
            let operator = node
                .children_with_tokens()
                .filter_map(|e| e.into_token())
                .find(|t| !matches!(t.kind(), TOKEN_WHITESPACE | TOKEN_COMMENT))
                .map(|t| t.text().to_string())
                .unwrap_or_default();
            format!("a computation with `{operator}`")
        }
        NODE_APPLY => match nix::called_name(node) {
            Some((name, _, _)) => format!("a call of `{name}`"),
            None => "a function call".to_string(),
        },
        NODE_SELECT => "a selection with a computed name or default".to_string(),
        NODE_HAS_ATTR => "a `?` test".to_string(),
        _ => "a computed value".to_string(),
    }
}
