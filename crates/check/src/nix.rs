//! Helpers over rnix's syntax tree: module bodies, attribute paths, calls, strings and imports.
//!
//! Everything here reads `SyntaxNode`s by kind; nothing looks at the source text except through
//! the tokens of the tree.

use rnix::{SyntaxKind::*, SyntaxNode};

/// One attribute name in an attribute path; `name` is `None` for a dynamic `${…}` name.
#[derive(Debug, Clone)]
pub(crate) struct Key {
    pub name: Option<String>,
    pub node: SyntaxNode,
}

/// An attribute set entry `a.b.c = value;`.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub keys: Vec<Key>,
    pub value: SyntaxNode,
}

/// A leaf of a flattened attribute set: the full path and the value found there.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub keys: Vec<Key>,
    pub value: SyntaxNode,
}

/// Names of the module system's wrappers around definitions, and how many arguments come
/// before the wrapped value.
pub(crate) fn wrapper_arity(name: &str) -> Option<usize> {
    match name {
        "mkDefault" | "mkForce" | "mkBefore" | "mkAfter" | "mkMerge" => Some(0),
        "mkIf" | "mkOverride" | "mkOrder" => Some(1),
        _ => None,
    }
}

/// The first child node of `node`.
fn first_child(node: &SyntaxNode) -> Option<SyntaxNode> {
    node.children().next()
}

/// `node` without surrounding parentheses.
pub(crate) fn strip_parens(node: &SyntaxNode) -> SyntaxNode {
    let mut node = node.clone();
    while node.kind() == NODE_PAREN {
        match first_child(&node) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// `node` without parentheses and the `with …;` and `let … in` scopes around it.
pub(crate) fn strip_scopes(node: &SyntaxNode) -> SyntaxNode {
    let mut node = strip_parens(node);
    while matches!(node.kind(), NODE_WITH | NODE_LET_IN) {
        match node.children().last() {
            Some(body) => node = strip_parens(&body),
            None => break,
        }
    }
    node
}

/// The expression a file evaluates to, after the module function's parameters, `let … in`,
/// `with …;` and `assert …;`: for a module, usually its attribute set.
pub(crate) fn module_body(root: &SyntaxNode) -> Option<SyntaxNode> {
    let mut node = if root.kind() == NODE_ROOT { first_child(root)? } else { root.clone() };
    loop {
        node = strip_parens(&node);
        node = match node.kind() {
            NODE_LAMBDA | NODE_LET_IN | NODE_WITH | NODE_ASSERT => node.children().last()?,
            _ => return Some(node),
        };
    }
}

/// The text of an attribute name or identifier-like node, if static.
fn key_name(node: &SyntaxNode) -> Option<String> {
    match node.kind() {
        NODE_IDENT => Some(node.text().to_string()),
        NODE_STRING => string_value(node),
        NODE_DYNAMIC => first_child(node).filter(|n| n.kind() == NODE_STRING).and_then(|s| string_value(&s)),
        _ => None,
    }
}

/// The names of an attribute path node.
pub(crate) fn attrpath_keys(attrpath: &SyntaxNode) -> Vec<Key> {
    attrpath.children().map(|node| Key { name: key_name(&node), node }).collect()
}

/// The `a.b = v;` entries of an attribute set (not `inherit`s).
pub(crate) fn entries(attrset: &SyntaxNode) -> Vec<Entry> {
    attrset.children().filter(|n| n.kind() == NODE_ATTRPATH_VALUE).filter_map(|entry| entry_of(&entry)).collect()
}

/// The keys and value of one `NODE_ATTRPATH_VALUE`.
pub(crate) fn entry_of(entry: &SyntaxNode) -> Option<Entry> {
    let attrpath = entry.children().find(|n| n.kind() == NODE_ATTRPATH)?;
    let value = entry.children().filter(|n| n.kind() != NODE_ATTRPATH).last()?;
    Some(Entry { keys: attrpath_keys(&attrpath), value })
}

/// The full attribute path an entry defines, with the keys of the entries around it
/// (`options.a = { b.enable = …; }` gives `options.a.b.enable` for the inner entry).
pub(crate) fn full_path(entry: &SyntaxNode) -> Vec<Key> {
    let mut keys = Vec::new();
    for ancestor in entry.ancestors().filter(|n| n.kind() == NODE_ATTRPATH_VALUE) {
        if let Some(entry) = entry_of(&ancestor) {
            let mut outer = entry.keys;
            outer.extend(keys);
            keys = outer;
        }
    }
    keys
}

/// True when `keys` starts with the static name `name`.
pub(crate) fn first_is(keys: &[Key], name: &str) -> bool {
    keys.first().and_then(|k| k.name.as_deref()) == Some(name)
}

/// A function call `f a b`: the function expression and the arguments in order.
pub(crate) fn call(node: &SyntaxNode) -> Option<(SyntaxNode, Vec<SyntaxNode>)> {
    let mut node = strip_parens(node);
    if node.kind() != NODE_APPLY {
        return None;
    }
    let mut args = Vec::new();
    while node.kind() == NODE_APPLY {
        let mut children = node.children();
        let function = children.next()?;
        args.push(children.next()?);
        node = strip_parens(&function);
    }
    args.reverse();
    Some((node, args))
}

/// The name a function expression is known by: `f` for `f` and `lib.f`.
pub(crate) fn function_name(function: &SyntaxNode) -> Option<String> {
    match function.kind() {
        NODE_IDENT => Some(function.text().to_string()),
        NODE_SELECT => {
            let attrpath = function.children().find(|n| n.kind() == NODE_ATTRPATH)?;
            attrpath_keys(&attrpath).last()?.name.clone()
        }
        _ => None,
    }
}

/// The name of the function called by `node`, if it is a call.
pub(crate) fn called_name(node: &SyntaxNode) -> Option<(String, SyntaxNode, Vec<SyntaxNode>)> {
    let (function, args) = call(node)?;
    Some((function_name(&function)?, function, args))
}

/// The values a definition contributes once the module system's wrappers are looked through:
/// `mkIf c v`, `mkMerge [ a b ]`, `mkDefault v`, `mkForce v`, `mkOverride n v`, … and
/// `let … in v`, `with x; v`.
pub(crate) fn definition_values(node: &SyntaxNode) -> Vec<SyntaxNode> {
    let node = strip_parens(node);
    match node.kind() {
        NODE_LET_IN | NODE_WITH => return node.children().last().map(|b| definition_values(&b)).unwrap_or_default(),
        NODE_APPLY => {
            if let Some((name, _, args)) = called_name(&node) {
                if let Some(arity) = wrapper_arity(&name) {
                    if args.len() == arity + 1 {
                        let value = strip_parens(&args[arity]);
                        if name == "mkMerge" && value.kind() == NODE_LIST {
                            return value.children().flat_map(|item| definition_values(&item)).collect();
                        }
                        return definition_values(&value);
                    }
                }
            }
        }
        _ => {}
    }
    vec![node]
}

/// Every leaf of the definitions under `prefix = value`, following nested attribute sets and
/// wrappers. Empty attribute sets are leaves too.
pub(crate) fn flatten(prefix: Vec<Key>, value: &SyntaxNode, out: &mut Vec<Binding>) {
    for value in definition_values(value) {
        if value.kind() == NODE_ATTR_SET {
            let entries = entries(&value);
            if entries.is_empty() {
                out.push(Binding { keys: prefix.clone(), value: value.clone() });
            }
            for entry in entries {
                let mut keys = prefix.clone();
                keys.extend(entry.keys);
                flatten(keys, &entry.value, out);
            }
        } else {
            out.push(Binding { keys: prefix.clone(), value });
        }
    }
}

/// Top-level keys of a module that are not configuration in the shorthand form.
const MODULE_META_KEYS: [&str; 7] = ["imports", "_file", "key", "disabledModules", "meta", "_class", "freeformType"];

/// The configuration a module body defines, flattened: `config = …` and `config.x = …` when the
/// module has `config` or `options`, otherwise every entry but the module's own keys.
pub(crate) fn config_bindings(body: &SyntaxNode) -> Vec<Binding> {
    let mut out = Vec::new();
    if body.kind() != NODE_ATTR_SET {
        return out;
    }
    let entries = entries(body);
    let explicit = entries.iter().any(|e| first_is(&e.keys, "config") || first_is(&e.keys, "options"));
    for entry in entries {
        if explicit {
            if first_is(&entry.keys, "config") {
                flatten(entry.keys[1..].to_vec(), &entry.value, &mut out);
            }
        } else if !MODULE_META_KEYS.iter().any(|k| first_is(&entry.keys, k)) {
            flatten(entry.keys, &entry.value, &mut out);
        }
    }
    out
}

/// The option declarations at the top of a module, as written: `options.a.b = v` gives
/// `([a, b], v)`; `options = { a.b = v; c = w; }` gives `([a, b], v)` and `([c], w)`.
pub(crate) fn option_entries(body: &SyntaxNode) -> Vec<Entry> {
    let mut out = Vec::new();
    if body.kind() != NODE_ATTR_SET {
        return out;
    }
    for entry in entries(body) {
        if !first_is(&entry.keys, "options") {
            continue;
        }
        if entry.keys.len() > 1 {
            out.push(Entry { keys: entry.keys[1..].to_vec(), value: entry.value });
        } else {
            let value = strip_parens(&entry.value);
            if value.kind() == NODE_ATTR_SET {
                out.extend(entries(&value));
            }
        }
    }
    out
}

/// The value of a string literal without interpolations (escapes of `"…"` strings resolved).
pub(crate) fn string_value(node: &SyntaxNode) -> Option<String> {
    if node.kind() != NODE_STRING || node.children().next().is_some() {
        return None;
    }
    let indented = node.first_token().is_some_and(|t| t.text() == "''");
    let mut raw = String::new();
    for token in node.children_with_tokens().filter_map(|e| e.into_token()) {
        if token.kind() == TOKEN_STRING_CONTENT {
            raw.push_str(token.text());
        }
    }
    if indented {
        return Some(raw);
    }
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => value.push('\n'),
            Some('t') => value.push('\t'),
            Some('r') => value.push('\r'),
            Some(other) => value.push(other),
            None => {}
        }
    }
    Some(value)
}

/// The static path of a selection `base.a.b` whose base is an identifier: `(base, [a, b])`.
pub(crate) fn select_path(node: &SyntaxNode) -> Option<(String, Vec<Key>)> {
    if node.kind() != NODE_SELECT {
        return None;
    }
    let base = first_child(node)?;
    if base.kind() != NODE_IDENT {
        return None;
    }
    let attrpath = node.children().find(|n| n.kind() == NODE_ATTRPATH)?;
    Some((base.text().to_string(), attrpath_keys(&attrpath)))
}

/// A path literal that names a file: relative or absolute, without interpolation.
pub(crate) fn plain_path(node: &SyntaxNode) -> Option<String> {
    if !matches!(node.kind(), NODE_PATH_ABS | NODE_PATH_REL) || node.children().next().is_some() {
        return None;
    }
    Some(node.text().to_string())
}

/// A path a file refers to as a module or a Nix file.
#[derive(Debug, Clone)]
pub(crate) struct PathRef {
    /// The path literal node.
    pub node: SyntaxNode,
    /// Its text, such as `../profiles/base.nix`.
    pub text: String,
    /// The `imports` list it is a direct item of, if it is one.
    pub list: Option<SyntaxNode>,
    /// True when it is the argument of an `import` call rather than in an `imports` value.
    pub call: bool,
}

/// Every file a Nix file imports: path literals anywhere in the value of an `imports`
/// attribute (also nested ones such as `home-manager.users.x.imports`), and `import PATH` calls.
pub(crate) fn path_refs(root: &SyntaxNode) -> Vec<PathRef> {
    let mut out: Vec<PathRef> = Vec::new();
    for node in root.descendants() {
        match node.kind() {
            NODE_ATTRPATH_VALUE => {
                let Some(entry) = entry_of(&node) else { continue };
                if entry.keys.last().and_then(|k| k.name.as_deref()) != Some("imports") {
                    continue;
                }
                let list = strip_parens(&entry.value);
                for path in entry.value.descendants_with_tokens().filter_map(|e| e.into_node()) {
                    let Some(text) = plain_path(&path) else { continue };
                    let in_list = path.parent().is_some_and(|p| p == list) && list.kind() == NODE_LIST;
                    out.push(PathRef { node: path, text, list: in_list.then(|| list.clone()), call: false });
                }
            }
            NODE_APPLY => {
                let Some((function, args)) = call(&node) else { continue };
                let is_import = match function.kind() {
                    NODE_IDENT => function.text() == "import",
                    NODE_SELECT => select_path(&function).is_some_and(|(base, keys)| {
                        base == "builtins" && keys.len() == 1 && keys[0].name.as_deref() == Some("import")
                    }),
                    _ => false,
                };
                let direct = node.children().next().is_some_and(|f| strip_parens(&f) == function);
                if !is_import || !direct {
                    continue;
                }
                let argument = strip_parens(&args[0]);
                if let Some(text) = plain_path(&argument) {
                    if !out.iter().any(|r| r.node == argument) {
                        out.push(PathRef { node: argument, text, list: None, call: true });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `media-stack` → `mediaStack`: how file and folder names become option names.
pub(crate) fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// True for kebab-case names: lowercase letters and digits in groups joined by single hyphens.
pub(crate) fn is_kebab_case(name: &str) -> bool {
    !name.is_empty()
        && name
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// `media_stack`, `MediaStack` → `media-stack`: a suggested kebab-case name.
pub(crate) fn to_kebab_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == ' ' || c == '.' || c == '-' {
            if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            previous_lower = false;
        } else if c.is_ascii_uppercase() {
            if previous_lower && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out.trim_matches('-').to_string()
}

/// A dotted option path for messages; dynamic names show as `<name>`.
pub(crate) fn show_path(keys: &[Key]) -> String {
    keys.iter().map(|k| k.name.clone().unwrap_or_else(|| "<name>".to_string())).collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> SyntaxNode {
        let parse = syntax::parse(text);
        assert!(parse.errors().is_empty(), "{:?}", parse.errors());
        module_body(&parse.syntax()).expect("has a body")
    }

    #[test]
    fn names() {
        assert_eq!(camel_case("media-stack"), "mediaStack");
        assert_eq!(camel_case("ai-v2"), "aiV2");
        assert!(is_kebab_case("media-stack2"));
        assert!(!is_kebab_case("media_stack"));
        assert!(!is_kebab_case("Media"));
        assert!(!is_kebab_case("a--b"));
        assert_eq!(to_kebab_case("MediaStack"), "media-stack");
        assert_eq!(to_kebab_case("media_stack"), "media-stack");
    }

    #[test]
    fn config_of_both_forms() {
        let explicit = body("{ config, lib, ... }: let cfg = 1; in { options.x = 1; config = lib.mkIf true (lib.mkMerge [ { a.b = 1; } { c = { d = 2; }; } ]); }");
        let paths: Vec<String> = config_bindings(&explicit).iter().map(|b| show_path(&b.keys)).collect();
        assert_eq!(paths, ["a.b", "c.d"]);
        let short = body("{ ... }: { imports = [ ]; services.x.enable = true; }");
        let paths: Vec<String> = config_bindings(&short).iter().map(|b| show_path(&b.keys)).collect();
        assert_eq!(paths, ["services.x.enable"]);
    }

    #[test]
    fn imports_and_import_calls() {
        let parse = syntax::parse(
            "{ imports = [ ./a.nix (import ../b) ] ++ lib.optionals x [ ./c ]; y = import ./d.nix { }; z = ./e; }",
        );
        let refs: Vec<(String, bool, bool)> =
            path_refs(&parse.syntax()).into_iter().map(|r| (r.text, r.list.is_some(), r.call)).collect();
        assert_eq!(
            refs,
            [
                ("./a.nix".to_string(), false, false),
                ("../b".to_string(), false, false),
                ("./c".to_string(), false, false),
                ("./d.nix".to_string(), false, true)
            ]
        );
    }
}
