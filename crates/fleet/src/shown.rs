//! Values as people and programs see them in `strata show` and plans.
//!
//! A configuration holds things JSON cannot (functions, packages, values
//! whose evaluation fails). [`Shown`] is a forced, plain copy of a value in
//! which a package is its name, a function is a marker and a failing value
//! is its error, so the whole configuration can always be printed.

use eval::{EvalError, Evaluator, Value};
use serde_json::json;
use syntax::ast::Pos;

/// A forced configuration value.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Path(String),
    List(Vec<Shown>),
    Attrs(Vec<(String, Shown)>),
    /// A package of the target's package set, by attribute name.
    Package(String),
    Function,
    /// The value could not be evaluated; the message says why.
    Error(String),
}

/// Deepest nesting shown; deeper values are cut off (configurations are
/// trees, but a value can refer to itself through `config`).
const MAX_DEPTH: usize = 64;

impl Shown {
    /// Forces `value` completely. Errors in parts of it become
    /// [`Shown::Error`] so the rest is still shown.
    pub fn of(ev: &Evaluator, value: &Value) -> Shown {
        Shown::at_depth(ev, value, 0)
    }

    fn at_depth(ev: &Evaluator, value: &Value, depth: usize) -> Shown {
        match Shown::try_at_depth(ev, value, depth) {
            Ok(shown) => shown,
            Err(error) => Shown::Error(error.message().to_string()),
        }
    }

    fn try_at_depth(ev: &Evaluator, value: &Value, depth: usize) -> Result<Shown, EvalError> {
        if depth > MAX_DEPTH {
            return Ok(Shown::Error("nested too deeply to show".into()));
        }
        let value = ev.force(value)?;
        Ok(match &value {
            Value::Null => Shown::Null,
            Value::Bool(b) => Shown::Bool(b.get()),
            Value::Int(i) => Shown::Int(*i),
            Value::Float(f) => Shown::Float(f.get()),
            Value::String(s) => Shown::String(s.text.clone()),
            Value::Path(path) => Shown::Path(path.to_string()),
            Value::List(list) => {
                Shown::List(list.items().iter().map(|item| Shown::at_depth(ev, item, depth + 1)).collect())
            }
            Value::Attrs(attrs) => {
                if let Some(name) = package_name(ev, &attrs)? {
                    return Ok(Shown::Package(name));
                }
                Shown::Attrs(
                    attrs
                        .entries()
                        .iter()
                        .map(|entry| (entry.name.as_str().to_string(), Shown::at_depth(ev, &entry.value, depth + 1)))
                        .collect(),
                )
            }
            _ if value.is_function() => Shown::Function,
            _ => Shown::Error(format!("a value of type {} cannot be shown", value.type_().type_of())),
        })
    }

    /// As JSON: packages become `"pkgs.NAME"`, functions `"«function»"`,
    /// errors `{"error": MESSAGE}`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Shown::Null => serde_json::Value::Null,
            Shown::Bool(b) => json!(b),
            Shown::Int(i) => json!(i),
            Shown::Float(f) => json!(f),
            Shown::String(s) | Shown::Path(s) => json!(s),
            Shown::List(items) => serde_json::Value::Array(items.iter().map(Shown::to_json).collect()),
            Shown::Attrs(entries) => {
                serde_json::Value::Object(entries.iter().map(|(name, value)| (name.clone(), value.to_json())).collect())
            }
            Shown::Package(name) => json!(format!("pkgs.{name}")),
            Shown::Function => json!("«function»"),
            Shown::Error(message) => json!({ "error": message }),
        }
    }

    /// In Nix syntax, indented, one attribute or list item per line.
    pub fn to_nix(&self) -> String {
        let mut out = String::new();
        self.write_nix(&mut out, 0);
        out
    }

    fn write_nix(&self, out: &mut String, indent: usize) {
        let pad = "  ".repeat(indent + 1);
        match self {
            Shown::Null => out.push_str("null"),
            Shown::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Shown::Int(i) => out.push_str(&i.to_string()),
            Shown::Float(f) => out.push_str(&eval::print::format_float(*f)),
            Shown::String(s) => out.push_str(&nix_string(s)),
            Shown::Path(p) => out.push_str(p),
            Shown::Package(name) => {
                out.push_str("pkgs.");
                out.push_str(&attr_name(name));
            }
            Shown::Function => out.push_str("«function»"),
            Shown::Error(message) => {
                out.push_str("«error: ");
                out.push_str(message.lines().next().unwrap_or(""));
                out.push('»');
            }
            Shown::List(items) if items.is_empty() => out.push_str("[ ]"),
            Shown::List(items) => {
                out.push_str("[\n");
                for item in items {
                    out.push_str(&pad);
                    item.write_nix(out, indent + 1);
                    out.push('\n');
                }
                out.push_str(&"  ".repeat(indent));
                out.push(']');
            }
            Shown::Attrs(entries) if entries.is_empty() => out.push_str("{ }"),
            Shown::Attrs(entries) => {
                out.push_str("{\n");
                for (name, value) in entries {
                    out.push_str(&pad);
                    out.push_str(&attr_name(name));
                    out.push_str(" = ");
                    value.write_nix(out, indent + 1);
                    out.push_str(";\n");
                }
                out.push_str(&"  ".repeat(indent));
                out.push('}');
            }
        }
    }
}

/// The package name of a package reference made by [`crate::pkgs`].
fn package_name(ev: &Evaluator, attrs: &eval::Attrs) -> Result<Option<String>, EvalError> {
    match (attrs.get_str("strataPackage"), attrs.get_str("name")) {
        (Some(_), Some(name)) => Ok(Some(ev.force_str(name, Pos::NONE)?)),
        _ => Ok(None),
    }
}

/// A Nix string literal.
pub fn nix_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    eval::print::quote_string(text, &mut out);
    out
}

/// An attribute name, quoted unless it is a plain identifier.
pub fn attr_name(name: &str) -> String {
    if eval::print::is_plain_name(name) {
        name.to_string()
    } else {
        nix_string(name)
    }
}
