//! `flake.lock` in Nix's format (version 7), read and written byte for byte
//! as Nix writes it.
//!
//! The file is a graph of nodes keyed by name: `root` names the node of the
//! flake itself, each node's `inputs` maps an input name either to another
//! node's key or to a follows path (a list of input names walked from the
//! root), and every node but the root has `locked` (what was fetched),
//! `original` (what `flake.nix` asked for) and, for `flake = false` inputs,
//! `"flake": false`. In memory the graph is a tree of [`LockNode`]s (Nix
//! never shares a node between two parents); keys are assigned again when
//! writing, depth first in input-name order, `name`, `name_2`, `name_3`, …
//! as Nix does.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value as Json;

/// The lock-file version Strata writes.
pub const VERSION: u64 = 7;

/// One fetcher attribute (`type`, `url`, `rev`, `narHash`, `lastModified`, …).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attr {
    /// A string (`type`, `url`, `path`, `ref`, `rev`, `narHash`).
    String(String),
    /// A natural number (`lastModified`, `revCount`).
    Int(u64),
    /// A Boolean (`shallow`, `submodules`).
    Bool(bool),
}

impl Attr {
    /// The string, when the attribute is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Attr::String(text) => Some(text),
            _ => None,
        }
    }

    /// The integer, when the attribute is one.
    pub fn as_int(&self) -> Option<u64> {
        match self {
            Attr::Int(value) => Some(*value),
            _ => None,
        }
    }
}

impl std::fmt::Display for Attr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Attr::String(text) => f.write_str(text),
            Attr::Int(value) => write!(f, "{value}"),
            Attr::Bool(value) => write!(f, "{}", if *value { 1 } else { 0 }),
        }
    }
}

/// A flake reference as attributes, sorted by name (Nix's `fetchers::Attrs`).
pub type FetchAttrs = BTreeMap<String, Attr>;

/// A whole lock file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LockFile {
    /// The node of the flake itself: only `inputs`.
    pub root: LockNode,
}

/// One node of the lock graph.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LockNode {
    /// The node's inputs by name.
    pub inputs: BTreeMap<String, LockEdge>,
    /// What was fetched (absent only on the root).
    pub locked: Option<FetchAttrs>,
    /// What the declaring flake asked for (absent only on the root).
    pub original: Option<FetchAttrs>,
    /// False for `flake = false` inputs.
    pub flake: bool,
    /// For relative `path:` inputs: the input path of the flake whose
    /// directory the path is relative to (`[]` is the root flake).
    pub parent: Option<Vec<String>>,
}

/// An input of a node: a node of its own, or the node reached by a follows path.
#[derive(Clone, Debug, PartialEq)]
pub enum LockEdge {
    /// The input's own node.
    Node(Box<LockNode>),
    /// The node at this input path (from the root).
    Follows(Vec<String>),
}

/// How deep follows chains and nodes may nest before the file is rejected.
const MAX_DEPTH: usize = 256;

impl LockFile {
    /// Parses the text of a lock file. The error is a phrase without the file name.
    pub fn parse(text: &str) -> Result<LockFile, String> {
        let json: Json = serde_json::from_str(text).map_err(|error| format!("invalid JSON: {error}"))?;
        let object = json.as_object().ok_or("the lock file is not a JSON object")?;
        let version = object.get("version").and_then(Json::as_u64).ok_or("the lock file has no 'version'")?;
        if !(5..=VERSION).contains(&version) {
            return Err(format!("lock file version {version} is not supported (Strata reads versions 5 to {VERSION})"));
        }
        let root_key = object.get("root").and_then(Json::as_str).ok_or("the lock file has no 'root' node name")?;
        let nodes = object.get("nodes").and_then(Json::as_object).ok_or("the lock file has no 'nodes'")?;
        let mut visiting = BTreeSet::new();
        let root = read_node(nodes, root_key, &mut visiting)?;
        Ok(LockFile { root })
    }

    /// The text Nix writes for this lock file: sorted keys, two-space
    /// indentation and a final newline.
    pub fn to_json_string(&self) -> String {
        let mut nodes = serde_json::Map::new();
        let mut used = BTreeSet::new();
        dump_node("root", &self.root, &mut used, &mut nodes);
        let mut top = serde_json::Map::new();
        top.insert("nodes".into(), Json::Object(nodes));
        top.insert("root".into(), Json::String("root".into()));
        top.insert("version".into(), Json::from(VERSION));
        let mut out = String::new();
        write_json(&Json::Object(top), 0, &mut out);
        out.push('\n');
        out
    }

    /// The node an input path leads to, following `follows` edges.
    pub fn node(&self, path: &[String]) -> Result<&LockNode, String> {
        self.node_at(path, 0)
    }

    fn node_at(&self, path: &[String], depth: usize) -> Result<&LockNode, String> {
        if depth > MAX_DEPTH {
            return Err(format!("the follows of input '{}' form a cycle", path.join("/")));
        }
        let mut node = &self.root;
        for (index, name) in path.iter().enumerate() {
            node = match node.inputs.get(name) {
                Some(LockEdge::Node(child)) => child,
                Some(LockEdge::Follows(target)) => self.node_at(target, depth + 1)?,
                None => return Err(format!("input '{}' does not exist", path[..=index].join("/"))),
            };
        }
        Ok(node)
    }

    /// The input path a path finally designates after following `follows`
    /// edges (the path of the node itself).
    pub fn canonical_path(&self, path: &[String]) -> Result<Vec<String>, String> {
        self.canonical_at(path, 0)
    }

    fn canonical_at(&self, path: &[String], depth: usize) -> Result<Vec<String>, String> {
        if depth > MAX_DEPTH {
            return Err(format!("the follows of input '{}' form a cycle", path.join("/")));
        }
        let mut node = &self.root;
        let mut current: Vec<String> = Vec::new();
        for (index, name) in path.iter().enumerate() {
            match node.inputs.get(name) {
                Some(LockEdge::Node(child)) => {
                    current.push(name.clone());
                    node = child;
                }
                Some(LockEdge::Follows(target)) => {
                    current = self.canonical_at(target, depth + 1)?;
                    node = self.node_at(&current, depth + 1)?;
                }
                None => return Err(format!("input '{}' does not exist", path[..=index].join("/"))),
            }
        }
        Ok(current)
    }
}

fn read_node(
    nodes: &serde_json::Map<String, Json>,
    key: &str,
    visiting: &mut BTreeSet<String>,
) -> Result<LockNode, String> {
    if visiting.len() > MAX_DEPTH || !visiting.insert(key.to_string()) {
        return Err(format!("node '{key}' is its own input"));
    }
    let json = nodes.get(key).ok_or_else(|| format!("node '{key}' is referred to but missing"))?;
    let object = json.as_object().ok_or_else(|| format!("node '{key}' is not an object"))?;
    let mut node = LockNode { flake: true, ..LockNode::default() };
    if let Some(inputs) = object.get("inputs") {
        let inputs = inputs.as_object().ok_or_else(|| format!("the inputs of node '{key}' are not an object"))?;
        for (name, target) in inputs {
            let edge = match target {
                Json::String(child) => LockEdge::Node(Box::new(read_node(nodes, child, visiting)?)),
                Json::Array(items) => LockEdge::Follows(string_list(items, key, name)?),
                _ => return Err(format!("input '{name}' of node '{key}' is neither a node name nor a follows path")),
            };
            node.inputs.insert(name.clone(), edge);
        }
    }
    node.locked = object.get("locked").map(|attrs| read_attrs(attrs, key, "locked")).transpose()?;
    node.original = object.get("original").map(|attrs| read_attrs(attrs, key, "original")).transpose()?;
    match object.get("flake") {
        None => {}
        Some(Json::Bool(flake)) => node.flake = *flake,
        Some(_) => return Err(format!("'flake' of node '{key}' is not a Boolean")),
    }
    if let Some(parent) = object.get("parent") {
        let items = parent.as_array().ok_or_else(|| format!("'parent' of node '{key}' is not a list"))?;
        node.parent = Some(string_list(items, key, "parent")?);
    }
    if key != "root" && (node.locked.is_none() || node.original.is_none()) {
        return Err(format!("node '{key}' lacks 'locked' or 'original'"));
    }
    visiting.remove(key);
    Ok(node)
}

fn string_list(items: &[Json], key: &str, what: &str) -> Result<Vec<String>, String> {
    items
        .iter()
        .map(|item| {
            item.as_str().map(str::to_string).ok_or_else(|| format!("'{what}' of node '{key}' has a non-string"))
        })
        .collect()
}

fn read_attrs(json: &Json, key: &str, what: &str) -> Result<FetchAttrs, String> {
    let object = json.as_object().ok_or_else(|| format!("'{what}' of node '{key}' is not an object"))?;
    let mut attrs = FetchAttrs::new();
    for (name, value) in object {
        let attr = match value {
            Json::String(text) => Attr::String(text.clone()),
            Json::Bool(flag) => Attr::Bool(*flag),
            Json::Number(number) => Attr::Int(
                number.as_u64().ok_or_else(|| format!("'{what}.{name}' of node '{key}' is not a natural number"))?,
            ),
            _ => return Err(format!("'{what}.{name}' of node '{key}' is not a string, number or Boolean")),
        };
        attrs.insert(name.clone(), attr);
    }
    Ok(attrs)
}

fn attrs_json(attrs: &FetchAttrs) -> Json {
    let mut object = serde_json::Map::new();
    for (name, attr) in attrs {
        let value = match attr {
            Attr::String(text) => Json::String(text.clone()),
            Attr::Int(value) => Json::from(*value),
            Attr::Bool(flag) => Json::Bool(*flag),
        };
        object.insert(name.clone(), value);
    }
    Json::Object(object)
}

/// Writes `node` under a fresh key derived from `name` and returns the key.
fn dump_node(
    name: &str,
    node: &LockNode,
    used: &mut BTreeSet<String>,
    nodes: &mut serde_json::Map<String, Json>,
) -> String {
    let mut key = name.to_string();
    let mut suffix = 2;
    while !used.insert(key.clone()) {
        key = format!("{name}_{suffix}");
        suffix += 1;
    }
    let mut object = serde_json::Map::new();
    if !node.inputs.is_empty() {
        let mut inputs = serde_json::Map::new();
        for (input, edge) in &node.inputs {
            let value = match edge {
                LockEdge::Node(child) => Json::String(dump_node(input, child, used, nodes)),
                LockEdge::Follows(path) => Json::Array(path.iter().cloned().map(Json::String).collect()),
            };
            inputs.insert(input.clone(), value);
        }
        object.insert("inputs".into(), Json::Object(inputs));
    }
    if let (Some(locked), Some(original)) = (&node.locked, &node.original) {
        object.insert("locked".into(), attrs_json(locked));
        object.insert("original".into(), attrs_json(original));
        if !node.flake {
            object.insert("flake".into(), Json::Bool(false));
        }
        if let Some(parent) = &node.parent {
            object.insert("parent".into(), Json::Array(parent.iter().cloned().map(Json::String).collect()));
        }
    }
    nodes.insert(key.clone(), Json::Object(object));
    key
}

/// nlohmann::json's `dump(2)`: keys sorted, `": "` after keys, empty
/// containers as `{}` and `[]`, one item per line otherwise.
fn write_json(json: &Json, indent: usize, out: &mut String) {
    match json {
        Json::Object(object) if object.is_empty() => out.push_str("{}"),
        Json::Object(object) => {
            let mut entries: Vec<_> = object.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push_str("{\n");
            for (index, (key, value)) in entries.iter().enumerate() {
                push_indent(indent + 2, out);
                write_json(&Json::String((*key).clone()), 0, out);
                out.push_str(": ");
                write_json(value, indent + 2, out);
                if index + 1 < entries.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            push_indent(indent, out);
            out.push('}');
        }
        Json::Array(items) if items.is_empty() => out.push_str("[]"),
        Json::Array(items) => {
            out.push_str("[\n");
            for (index, item) in items.iter().enumerate() {
                push_indent(indent + 2, out);
                write_json(item, indent + 2, out);
                if index + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            push_indent(indent, out);
            out.push(']');
        }
        Json::String(text) => write_string(text, out),
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

fn push_indent(width: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', width));
}

/// A JSON string as nlohmann writes it: only `"`, `\` and control
/// characters escaped, everything else as UTF-8.
fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ch if (ch as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", ch as u32);
            }
            ch => out.push(ch),
        }
    }
    out.push('"');
}
