//! String-context builtins: inspecting, adding and dropping the store paths
//! a string refers to.
//!
//! Context elements use Nix's encoding (see [`crate::value::Context`]):
//! `/nix/store/…` for a plain path, `=/nix/store/….drv` for a derivation
//! with all its outputs, `!out!/nix/store/….drv` for one output.

use std::collections::BTreeMap;

use syntax::ast::Pos;
use syntax::Symbol;

use super::new_attrs;
use super::strings::force_str_no_context;
use crate::error::{error, ErrorKind, Result};
use crate::eval::{Coercion, Evaluator};
use crate::value::*;

pub(super) const BUILTINS: &[Builtin] = &[
    Builtin { name: "hasContext", arity: 1, func: has_context },
    Builtin { name: "getContext", arity: 1, func: get_context },
    Builtin { name: "appendContext", arity: 2, func: append_context },
    Builtin { name: "unsafeDiscardStringContext", arity: 1, func: unsafe_discard_string_context },
    Builtin { name: "unsafeDiscardOutputDependency", arity: 1, func: unsafe_discard_output_dependency },
    // Newer than Nix 2.8 (2.18); kept per tests/lang/divergences.toml.
    Builtin { name: "addDrvOutputDependencies", arity: 1, func: add_drv_output_dependencies },
];

/// `builtins.hasContext s`.
fn has_context(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let string = ev.force_string(&args[0], pos)?;
    Ok(Value::bool(!string.context.is_empty()))
}

/// What the context says about one store path.
#[derive(Default)]
struct ContextInfo {
    path: bool,
    all_outputs: bool,
    outputs: Vec<String>,
}

/// `builtins.getContext s`: the context as a set keyed by store path, each
/// value `{ path = true; allOutputs = true; outputs = [ … ]; }` with only
/// the attributes that apply.
fn get_context(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let string = ev.force_string(&args[0], pos)?;
    let mut infos: BTreeMap<&str, ContextInfo> = BTreeMap::new();
    for element in &string.context {
        if let Some(drv) = element.strip_prefix('=') {
            infos.entry(drv).or_default().all_outputs = true;
        } else if let Some(rest) = element.strip_prefix('!') {
            let (output, drv) = rest.split_once('!').unwrap_or(("", rest));
            infos.entry(drv).or_default().outputs.push(output.to_string());
        } else {
            infos.entry(element).or_default().path = true;
        }
    }
    let entries = infos
        .into_iter()
        .map(|(path, info)| {
            let mut fields = Vec::new();
            if info.path {
                fields.push(("path", Value::bool(true)));
            }
            if info.all_outputs {
                fields.push(("allOutputs", Value::bool(true)));
            }
            if !info.outputs.is_empty() {
                fields.push(("outputs", Value::list(info.outputs.into_iter().map(Value::string).collect())));
            }
            AttrEntry { name: Symbol::intern(path), value: new_attrs(fields), pos: Pos::NONE }
        })
        .collect();
    Ok(Value::attrs(Attrs::from_sorted(entries)))
}

/// `builtins.appendContext s ctx`: adds context in `getContext`'s shape.
/// Keys must be store paths; `allOutputs` and `outputs` only for `.drv`
/// paths. Nothing is checked for existence (`nix-instantiate --eval` runs
/// in read-only mode).
fn append_context(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let string = ev.force_string(&args[0], pos)?;
    let mut context = string.context.clone();
    let attrs = ev.force_attrs(&args[1], pos)?;
    let store_dir = store::StoreDir::new(ev.options.store_dir.clone());
    for entry in attrs.entries() {
        let name = entry.name.as_str();
        let at = if entry.pos.is_none() { pos } else { entry.pos };
        if store_dir.parse_store_path(name).is_err() {
            return Err(error(ErrorKind::Eval, at, format!("Context key '\"{name}\"' is not a store path")));
        }
        let info = ev.force_attrs(&entry.value, at)?;
        if let Some(path) = info.get_entry(syntax::sym!("path")) {
            if ev.force_bool(&path.value, or_pos(path.pos, at))? {
                context.insert(name.to_string());
            }
        }
        if let Some(all_outputs) = info.get_entry(syntax::sym!("allOutputs")) {
            if ev.force_bool(&all_outputs.value, or_pos(all_outputs.pos, at))? {
                if !name.ends_with(".drv") {
                    return Err(error(
                        ErrorKind::Eval,
                        at,
                        format!(
                            "Tried to add all-outputs context of \"{name}\", which is not a derivation, to a string"
                        ),
                    ));
                }
                context.insert(format!("={name}"));
            }
        }
        if let Some(outputs) = info.get_entry(syntax::sym!("outputs")) {
            let outputs_pos = or_pos(outputs.pos, at);
            let list = ev.force_list(&outputs.value, outputs_pos)?;
            if !list.is_empty() && !name.ends_with(".drv") {
                return Err(error(
                    ErrorKind::Eval,
                    at,
                    format!(
                        "Tried to add derivation output context of \"{name}\", which is not a derivation, to a string"
                    ),
                ));
            }
            for output in list.iter() {
                let output = force_str_no_context(ev, output, outputs_pos)?;
                context.insert(format!("!{output}!{name}"));
            }
        }
    }
    Ok(Value::string_with_context(string.text.clone(), context))
}

fn or_pos(pos: Pos, fallback: Pos) -> Pos {
    if pos.is_none() {
        fallback
    } else {
        pos
    }
}

/// `builtins.unsafeDiscardStringContext s`: the coerced string without
/// context.
fn unsafe_discard_string_context(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let string = ev.coerce_to_string(&args[0], pos, Coercion::INTERPOLATION)?;
    Ok(Value::string(string.text))
}

/// `builtins.unsafeDiscardOutputDependency s`: turns "derivation with all
/// outputs" elements (`=…drv`) into plain references to the `.drv` file.
fn unsafe_discard_output_dependency(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let string = ev.coerce_to_string(&args[0], pos, Coercion::INTERPOLATION)?;
    let context: Context = string
        .context
        .into_iter()
        .map(|element| match element.strip_prefix('=') {
            Some(drv) => drv.to_string(),
            None => element,
        })
        .collect();
    Ok(Value::string_with_context(string.text, context))
}

/// `builtins.addDrvOutputDependencies s` (Nix 2.18 and later): the inverse
/// of `unsafeDiscardOutputDependency` for a string whose context is exactly
/// one `.drv` path.
fn add_drv_output_dependencies(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let string = ev.coerce_to_string(&args[0], pos, Coercion::INTERPOLATION)?;
    if string.context.len() != 1 {
        return Err(error(
            ErrorKind::Eval,
            pos,
            format!(
                "context of string '{}' must have exactly one element, but has {}",
                string.text,
                string.context.len()
            ),
        ));
    }
    let element = string.context.iter().next().cloned().unwrap_or_default();
    let context = if element.starts_with('=') {
        element
    } else if let Some(rest) = element.strip_prefix('!') {
        let (output, drv) = rest.split_once('!').unwrap_or(("", ""));
        return Err(error(
            ErrorKind::Eval,
            pos,
            format!("`addDrvOutputDependencies` can only act on derivations, not on a derivation output such as '{output}' of '{drv}'"),
        ));
    } else if element.ends_with(".drv") {
        format!("={element}")
    } else {
        return Err(error(ErrorKind::Eval, pos, format!("path '{element}' is not a derivation")));
    };
    Ok(Value::string_with_context(string.text, Context::from([context])))
}
