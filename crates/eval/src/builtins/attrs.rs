//! Attribute-set builtins.

use syntax::ast::Pos;
use syntax::Symbol;

use crate::error::{error, ErrorKind, Result};
use crate::eval::Evaluator;
use crate::rc::Rc;
use crate::value::*;

pub(super) const BUILTINS: &[Builtin] = &[
    Builtin { name: "attrNames", arity: 1, func: attr_names },
    Builtin { name: "attrValues", arity: 1, func: attr_values },
    Builtin { name: "getAttr", arity: 2, func: get_attr },
    Builtin { name: "hasAttr", arity: 2, func: has_attr },
    Builtin { name: "removeAttrs", arity: 2, func: remove_attrs },
    Builtin { name: "listToAttrs", arity: 1, func: list_to_attrs },
    Builtin { name: "intersectAttrs", arity: 2, func: intersect_attrs },
    Builtin { name: "catAttrs", arity: 2, func: cat_attrs },
    Builtin { name: "mapAttrs", arity: 2, func: map_attrs },
    Builtin { name: "zipAttrsWith", arity: 2, func: zip_attrs_with },
];

fn attr_names(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let attrs = ev.force_attrs(&args[0], pos)?;
    Ok(Value::list(attrs.entries().iter().map(|e| name_string(e.name)).collect()))
}

fn attr_values(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let attrs = ev.force_attrs(&args[0], pos)?;
    Ok(Value::list(attrs.entries().iter().map(|e| e.value.clone()).collect()))
}

pub(crate) fn get_attr(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let text = ev.force_string(&args[0], pos)?;
    let attrs = ev.force_attrs(&args[1], pos)?;
    // A name nobody interned is in no set; it is interned only for the error.
    match ev.name_symbol(&text).and_then(|name| attrs.get(name)) {
        Some(value) => ev.force(value),
        None => {
            let name = Symbol::intern(&text.text);
            // Nix names the builtin in this message.
            let mut error = ev.missing_attr(&attrs, name, pos);
            error.0.message.push_str(" for call to 'getAttr'");
            Err(error)
        }
    }
}

fn has_attr(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let text = ev.force_string(&args[0], pos)?;
    let attrs = ev.force_attrs(&args[1], pos)?;
    Ok(Value::bool(ev.name_symbol(&text).is_some_and(|name| attrs.contains(name))))
}

fn remove_attrs(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let attrs = ev.force_attrs(&args[0], pos)?;
    let names = ev.force_list(&args[1], pos)?;
    let mut remove = Vec::with_capacity(names.len());
    for name in names.iter() {
        remove.push(ev.force_symbol(name, pos)?);
    }
    if !remove.iter().any(|name| attrs.contains(*name)) {
        return Ok(Value::Attrs(attrs));
    }
    let entries = attrs.entries().iter().filter(|e| !remove.contains(&e.name)).cloned().collect();
    Ok(Value::attrs(Attrs::from_sorted(entries)))
}

fn list_to_attrs(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let list = ev.force_list(&args[0], pos)?;
    let name_symbol = syntax::sym!("name");
    let value_symbol = syntax::sym!("value");
    let mut entries = Vec::with_capacity(list.len());
    for item in list.iter() {
        let pair = ev.force_attrs(item, pos)?;
        let name = pair
            .get(name_symbol)
            .ok_or_else(|| error(ErrorKind::Missing, pos, "attribute 'name' missing for call to 'listToAttrs'"))?;
        let name = ev.force_symbol(name, pos)?;
        let entry = pair
            .get_entry(value_symbol)
            .ok_or_else(|| error(ErrorKind::Missing, pos, "attribute 'value' missing for call to 'listToAttrs'"))?;
        entries.push(AttrEntry { name, value: entry.value.clone(), pos: entry.pos });
    }
    // The first definition of a name wins; a stable sort keeps it first.
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

fn intersect_attrs(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let left = ev.force_attrs(&args[0], pos)?;
    let right = ev.force_attrs(&args[1], pos)?;
    let entries = right.entries().iter().filter(|e| left.contains(e.name)).cloned().collect();
    Ok(Value::attrs(Attrs::from_sorted(entries)))
}

fn cat_attrs(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let name = ev.force_symbol(&args[0], pos)?;
    let list = ev.force_list(&args[1], pos)?;
    let mut values = Vec::new();
    for item in list.iter() {
        let attrs = ev.force_attrs(item, pos)?;
        if let Some(value) = attrs.get(name) {
            values.push(value.clone());
        }
    }
    Ok(Value::list(values))
}

fn map_attrs(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let attrs = ev.force_attrs(&args[1], pos)?;
    // One thunk per name, holding its index and the call's inputs (the
    // function and the set, shared by all names), as `zipAttrsWith` does:
    // a thunk for `f name` and one for its application to the value were
    // two allocations per name. The set stays alive while any name of the
    // result is not forced.
    let inputs = Rc::new(crate::value::List::new(vec![args[0].clone(), Value::Attrs(attrs.clone())]));
    let entries = attrs
        .entries()
        .iter()
        .enumerate()
        .map(|(index, entry)| AttrEntry {
            name: entry.name,
            value: Value::Thunk(Rc::new(Thunk::new(ThunkState::MapAttr { inputs: inputs.clone(), index }))),
            pos: entry.pos,
        })
        .collect();
    Ok(Value::attrs(Attrs::from_sorted(entries)))
}

/// The value of one name of a `mapAttrs` (see [`ThunkState::MapAttr`]):
/// the function (the first of `inputs`) applied to the name and the value
/// of the set's (the second's) entry at `index`.
pub(crate) fn mapped(ev: &Evaluator, inputs: &crate::value::List, index: usize) -> Result<Value> {
    let [function, Value::Attrs(set)] = inputs.items() else {
        unreachable!("a mapAttrs' inputs are its function and its set")
    };
    let entry = &set.entries()[index];
    ev.call2(function, name_string(entry.name), entry.value.clone(), Pos::NONE)
}

fn zip_attrs_with(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    // The function first, as Nix does, also for an empty list.
    let (function, list) = super::lists::function_and_list(ev, args, pos)?;
    // Each name's value is one thunk that holds the name and the call's
    // inputs (the function and the sets, one list shared by all names),
    // and gathers the name's values only when forced: `recursiveUpdate`
    // zips `[ rhs lhs ]` at every level of every fold step, and most of
    // the values it makes are never forced (a thunk for `f name`, one for
    // its application to the list, and the list, per name, were four
    // allocations; this is one). The inputs stay alive as long as any of
    // their names is not forced.
    let mut inputs = Vec::with_capacity(list.len() + 1);
    inputs.push(function.clone());
    for item in list.iter() {
        inputs.push(ev.force_attrs(item, pos).map(Value::Attrs)?);
    }
    let inputs = Rc::new(crate::value::List::new(inputs));
    let zipped = |name: Symbol| AttrEntry {
        name,
        value: Value::Thunk(Rc::new(Thunk::new(ThunkState::Zip { inputs: inputs.clone(), name }))),
        pos: Pos::NONE,
    };
    let sets = || inputs.items()[1..].iter().map(zip_input);
    if let [first, second] = &inputs.items()[1..] {
        // Two sets: their names are sorted already, so they are merged in
        // order.
        let (first, second) = (zip_input(first).entries(), zip_input(second).entries());
        let mut entries = Vec::with_capacity(first.len().max(second.len()));
        let (first, second) = join_by_name(first, second, |a, b| {
            if let Some(one) = a.or(b) {
                entries.push(zipped(one.name))
            }
        });
        for rest in first.iter().chain(second) {
            entries.push(zipped(rest.name));
        }
        return Ok(Value::attrs(Attrs::from_sorted(entries)));
    }
    let most = sets().map(|attrs| attrs.len()).max().unwrap_or(0);
    let mut names: rustc_hash::FxHashSet<Symbol> =
        rustc_hash::FxHashSet::with_capacity_and_hasher(most, Default::default());
    for attrs in sets() {
        names.extend(attrs.entries().iter().map(|entry| entry.name));
    }
    let mut names: Vec<Symbol> = names.into_iter().collect();
    names.sort_unstable();
    Ok(Value::attrs(Attrs::from_sorted(names.into_iter().map(zipped).collect())))
}

/// One of the sets of a `zipAttrsWith`'s inputs (forced to sets when the
/// inputs were made).
fn zip_input(set: &Value) -> &Attrs {
    match set {
        Value::Attrs(attrs) => attrs,
        _ => unreachable!("a zip's inputs after its function are sets"),
    }
}

/// The value of one name of a `zipAttrsWith` (see [`ThunkState::Zip`]):
/// the function (the first of `inputs`) applied to the name and to the
/// list of the values the sets (the rest) have for it, in their order.
pub(crate) fn zipped(ev: &Evaluator, inputs: &crate::value::List, name: Symbol) -> Result<Value> {
    let (function, sets) = inputs.items().split_first().expect("a zip's inputs start with its function");
    let values: smallvec::SmallVec<[Value; 4]> =
        sets.iter().filter_map(|set| zip_input(set).get(name).cloned()).collect();
    ev.call2(function, name_string(name), Value::list(exact_items(values)), Pos::NONE)
}

/// The string value of an attribute name: one shared value per name, kept
/// with its symbol ([`kept_string`]), for `attrNames`, `mapAttrs`,
/// `zipAttrsWith` and the module system's option tree.
pub(crate) fn name_string(name: Symbol) -> Value {
    kept_string(name.kept(), name.as_str())
}
