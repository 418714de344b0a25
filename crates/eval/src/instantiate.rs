//! What `nix-instantiate --eval` does around evaluation: automatic arguments
//! for top-level functions and `-A` attribute paths.

use syntax::ast::{Param, Pos};
use syntax::Symbol;

use crate::error::{error, ErrorKind, Result};
use crate::eval::Evaluator;
use crate::value::*;

/// Calls a top-level function with the automatic arguments (`--arg`,
/// `--argstr`), as Nix does: only functions with a formal-argument pattern
/// are called; other values are returned unchanged.
pub fn auto_call(ev: &Evaluator, value: &Value, args: &Attrs) -> Result<Value> {
    let value = ev.force(value)?;
    match &value {
        Value::Attrs(attrs) => {
            if let Some(functor) = attrs.get_str("__functor") {
                let function = ev.call(functor, value.clone(), Pos::NONE)?;
                return auto_call(ev, &function, args);
            }
            Ok(value)
        }
        Value::Lambda(closure) => {
            let Param::Pattern { formals, ellipsis, .. } = &closure.def.param else {
                return Ok(value);
            };
            let mut entries = Vec::new();
            if *ellipsis {
                entries.extend(args.entries().iter().cloned());
            } else {
                for formal in formals.iter() {
                    if let Some(entry) = args.get_entry(formal.name) {
                        entries.push(entry.clone());
                    }
                }
            }
            for formal in formals.iter() {
                if formal.default.is_none() && !args.contains(formal.name) {
                    return Err(error(
                        ErrorKind::Missing,
                        formal.pos,
                        format!(
                            "cannot evaluate a function that has an argument without a value ('{}')\n\n\
                             Nix attempted to evaluate a function as a top level expression; in\n\
                             this case it must have its arguments supplied either by default\n\
                             values, or passed explicitly with '--arg' or '--argstr'. See\n\
                             https://nixos.org/manual/nix/stable/#ss-functions.",
                            formal.name
                        ),
                    ));
                }
            }
            let argument = Value::attrs(Attrs::from_sorted(entries));
            ev.call(&value, argument, Pos::NONE)
        }
        _ => Ok(value),
    }
}

/// Splits an attribute path like `a."b.c".0` into its components.
pub fn split_attr_path(path: &str) -> Result<Vec<String>> {
    let mut components = Vec::new();
    let mut current = String::new();
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => components.push(std::mem::take(&mut current)),
            '"' => loop {
                match chars.next() {
                    Some('"') => break,
                    Some(c) => current.push(c),
                    None => {
                        return Err(error(
                            ErrorKind::Eval,
                            Pos::NONE,
                            format!("missing closing quote in selection path '{path}'"),
                        ))
                    }
                }
            },
            c => current.push(c),
        }
    }
    components.push(current);
    Ok(components)
}

/// Follows an `-A` attribute path, auto-calling functions on the way.
pub fn find_along_attr_path(ev: &Evaluator, path: &str, args: &Attrs, root: &Value) -> Result<Value> {
    let mut value = root.clone();
    if path.is_empty() {
        return ev.force(&value);
    }
    for component in split_attr_path(path)? {
        let called = auto_call(ev, &value, args)?;
        let index = component.parse::<usize>().ok();
        match (&called, index) {
            (Value::List(list), Some(index)) => match list.get(index) {
                Some(item) => value = item.clone(),
                None => {
                    return Err(error(
                        ErrorKind::Missing,
                        Pos::NONE,
                        format!("list index {index} in selection path '{path}' is out of range"),
                    ))
                }
            },
            (Value::Attrs(attrs), _) => {
                if component.is_empty() {
                    return Err(error(
                        ErrorKind::Eval,
                        Pos::NONE,
                        format!("empty attribute name in selection path '{path}'"),
                    ));
                }
                match attrs.get(Symbol::intern(&component)) {
                    Some(item) => value = item.clone(),
                    None => {
                        let message = format!("attribute '{component}' in selection path '{path}' not found");
                        let suggestions =
                            crate::show::suggestions(&component, attrs.entries().iter().map(|e| e.name.as_str()));
                        return Err(error(ErrorKind::Missing, Pos::NONE, message).with_suggestions(suggestions));
                    }
                }
            }
            (other, _) => {
                let expected = if index.is_some() { "a list" } else { "a set" };
                return Err(error(
                    ErrorKind::Type,
                    Pos::NONE,
                    format!(
                        "the expression selected by the selection path '{path}' should be {expected} but is {}",
                        other.shown()
                    ),
                ));
            }
        }
        value = ev.force(&value)?;
    }
    Ok(value)
}
