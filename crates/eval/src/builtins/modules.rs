//! Native pieces of the module system.
//!
//! `<strata/lib>`'s `modules.nix` spends most of its calls on a few small
//! functions applied to every definition of every option: moving `mkIf`,
//! `mkMerge` and `mkOverride` onto attributes, removing `mkIf` and `mkMerge`,
//! keeping the definitions of the highest priority and ordering them. Each is
//! a handful of attribute tests, but interpreted they cost a dozen calls per
//! definition. These builtins do the same work natively, with the same
//! results, the same laziness (values the Nix version leaves unevaluated stay
//! unevaluated) and the same errors.
//!
//! They are not part of `builtins` and exist only for files of the lib built
//! into Strata (under a builtin search-path entry), as `__strata*` variables:
//! other code sees exactly Nix's base environment.

use std::rc::Rc;

use syntax::ast::Pos;
use syntax::Symbol;

use crate::error::{error, ErrorKind, Result};
use crate::eval::{Coercion, Evaluator};
use crate::value::*;

pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin { name: "strataPushDownProperties", arity: 1, func: push_down_properties },
    Builtin { name: "strataDischargeProperties", arity: 1, func: discharge_properties },
    Builtin { name: "strataMergeDefinitionsCore", arity: 1, func: merge_definitions_core },
];

/// `modules.nix`'s `defaultOverridePriority`: a plain definition.
const DEFAULT_OVERRIDE_PRIORITY: i64 = 100;
/// `modules.nix`'s `defaultOrderPriority`: a definition without `mkOrder`.
const DEFAULT_ORDER_PRIORITY: i64 = 1000;
/// Where `filterOverrides'` starts looking for the highest priority.
const NO_PRIORITY: i64 = 9999;

/// The attribute names these builtins read and write.
struct Names {
    type_: Symbol,
    contents: Symbol,
    condition: Symbol,
    content: Symbol,
    priority: Symbol,
    file: Symbol,
    value: Symbol,
    values: Symbol,
    highest_prio: Symbol,
}

impl Names {
    fn get() -> Names {
        Names {
            type_: Symbol::intern("_type"),
            contents: Symbol::intern("contents"),
            condition: Symbol::intern("condition"),
            content: Symbol::intern("content"),
            priority: Symbol::intern("priority"),
            file: Symbol::intern("file"),
            value: Symbol::intern("value"),
            values: Symbol::intern("values"),
            highest_prio: Symbol::intern("highestPrio"),
        }
    }
}

/// The property a value is (`value._type or ""` compared with the names
/// the module system knows); forces the value and its `_type`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Merge,
    If,
    Override,
    Order,
    Definition,
    Other,
}

fn kind_of(ev: &Evaluator, names: &Names, value: &Value) -> Result<Kind> {
    let Value::Attrs(attrs) = value else {
        return Ok(Kind::Other);
    };
    let Some(tag) = attrs.get(names.type_) else {
        return Ok(Kind::Other);
    };
    // `==` with a string: anything that is not a string is simply unequal.
    Ok(match ev.force(tag)? {
        Value::String(text) => match text.as_str() {
            "merge" => Kind::Merge,
            "if" => Kind::If,
            "override" => Kind::Override,
            "order" => Kind::Order,
            "definition" => Kind::Definition,
            _ => Kind::Other,
        },
        _ => Kind::Other,
    })
}

/// `set.name` without evaluating it: the attribute's value as it is, or a
/// value that fails as the selection would when it is used.
fn lazy_select(attrs: &Rc<Attrs>, name: Symbol, pos: Pos) -> Value {
    match attrs.get(name) {
        Some(value) => value.clone(),
        None => {
            let attrs = attrs.clone();
            Value::lazy(move |ev: &Evaluator| Err(ev.missing_attr(&attrs, name, pos)))
        }
    }
}

/// `set.name`, evaluated.
fn select(ev: &Evaluator, attrs: &Attrs, name: Symbol, pos: Pos) -> Result<Value> {
    match attrs.get(name) {
        Some(value) => ev.force(value),
        None => Err(ev.missing_attr(attrs, name, pos)),
    }
}

fn as_attrs(value: &Value) -> Option<&Rc<Attrs>> {
    match value {
        Value::Attrs(attrs) => Some(attrs),
        _ => None,
    }
}

/// `pushDownProperties cfg`: the list of attribute sets `cfg` stands for,
/// with `mkMerge` flattened and `mkIf` / `mkOverride` moved onto each
/// attribute, so the names are known without evaluating any condition.
fn push_down_properties(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let mut out = Vec::new();
    push_down(ev, &names, &args[0], pos, &mut out)?;
    Ok(Value::list(out))
}

fn push_down(ev: &Evaluator, names: &Names, cfg: &Value, pos: Pos, out: &mut Vec<Value>) -> Result<()> {
    ev.check_stack(pos)?;
    let cfg = ev.force(cfg)?;
    let kind = kind_of(ev, names, &cfg)?;
    let Some(attrs) = as_attrs(&cfg).filter(|_| matches!(kind, Kind::Merge | Kind::If | Kind::Override)) else {
        out.push(cfg);
        return Ok(());
    };
    if kind == Kind::Merge {
        let contents = select(ev, attrs, names.contents, pos)?;
        let Value::List(contents) = contents else {
            return Err(ev.expected(&contents, "a list", pos));
        };
        for item in contents.iter() {
            push_down(ev, names, item, pos, out)?;
        }
        return Ok(());
    }
    // `map (mapAttrs (_: mkIf cfg.condition)) (pushDownProperties cfg.content)`,
    // and the same with `mkOverride cfg.priority`.
    let (tag, field) = if kind == Kind::If { ("if", names.condition) } else { ("override", names.priority) };
    let shared = lazy_select(attrs, field, pos);
    let tag = Value::string(tag);
    let content = lazy_select(attrs, names.content, pos);
    let mut inner = Vec::new();
    push_down(ev, names, &content, pos, &mut inner)?;
    for item in inner {
        let Value::Attrs(set) = item else {
            // `mapAttrs` fails on it only when the element is used.
            out.push(Value::lazy(move |ev: &Evaluator| Err(ev.expected(&item, "a set", pos))));
            continue;
        };
        let entries = set
            .entries()
            .iter()
            .map(|entry| AttrEntry {
                name: entry.name,
                value: wrap(names, &tag, field, &shared, entry.value.clone()),
                pos: entry.pos,
            })
            .collect();
        out.push(Value::attrs(Attrs::from_sorted(entries)));
    }
    Ok(())
}

/// `{ _type = tag; <field> = shared; content = value; }`, as `mkIf` and
/// `mkOverride` build it.
fn wrap(names: &Names, tag: &Value, field: Symbol, shared: &Value, value: Value) -> Value {
    Value::attrs(Attrs::from_unsorted(vec![
        AttrEntry { name: names.type_, value: tag.clone(), pos: Pos::NONE },
        AttrEntry { name: field, value: shared.clone(), pos: Pos::NONE },
        AttrEntry { name: names.content, value, pos: Pos::NONE },
    ]))
}

/// `dischargeProperties def`: the values a definition contributes, with
/// `mkMerge` flattened and `mkIf` decided.
fn discharge_properties(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let mut out = Vec::new();
    discharge(ev, &names, &args[0], pos, &mut out)?;
    Ok(Value::list(out))
}

fn discharge(ev: &Evaluator, names: &Names, def: &Value, pos: Pos, out: &mut Vec<Value>) -> Result<()> {
    ev.check_stack(pos)?;
    let def = ev.force(def)?;
    let kind = kind_of(ev, names, &def)?;
    let Some(attrs) = as_attrs(&def).filter(|_| matches!(kind, Kind::Merge | Kind::If)) else {
        out.push(def);
        return Ok(());
    };
    if kind == Kind::Merge {
        let contents = select(ev, attrs, names.contents, pos)?;
        let Value::List(contents) = contents else {
            return Err(ev.expected(&contents, "a list", pos));
        };
        for item in contents.iter() {
            discharge(ev, names, item, pos, out)?;
        }
        return Ok(());
    }
    match select(ev, attrs, names.condition, pos)? {
        Value::Bool(true) => {
            let content = lazy_select(attrs, names.content, pos);
            discharge(ev, names, &content, pos, out)
        }
        Value::Bool(false) => Ok(()),
        _ => Err(error(ErrorKind::Throw, Pos::NONE, "‘mkIf’ called with a non-Boolean condition")),
    }
}

/// The first steps of `mergeDefinitions`: given the definitions
/// (`{ file, value }`) of one option, removes `mkMerge` and `mkIf`, keeps the
/// definitions of the highest priority without their `mkOverride`, and sorts
/// them by `mkOrder` without it. Returns `{ highestPrio; values; }`, `values`
/// being `{ file, value }` sets, as `filterOverrides'` and `sortProperties`
/// give them.
fn merge_definitions_core(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let defs = ev.force_list(&args[0], pos)?;
    // Discharged: (file, value).
    let mut discharged: Vec<(Value, Value)> = Vec::with_capacity(defs.len());
    let mut values = Vec::new();
    for def in defs.iter() {
        let def = ev.force_attrs(def, pos)?;
        let value = lazy_select(&def, names.value, pos);
        values.clear();
        if let Err(err) = discharge(ev, &names, &value, pos, &mut values) {
            let context = match def.get(names.file) {
                Some(file) => ev.coerce_to_string(file, pos, Coercion::INTERPOLATION)?.text,
                None => return Err(ev.missing_attr(&def, names.file, pos)),
            };
            return Err(err.with_frame(pos, format!("while evaluating definitions from `{context}':")));
        }
        for value in values.drain(..) {
            if kind_of(ev, &names, &value)? == Kind::Definition {
                let Value::Attrs(inner) = &value else { continue };
                discharged.push((lazy_select(inner, names.file, pos), lazy_select(inner, names.value, pos)));
            } else {
                discharged.push((lazy_select(&def, names.file, pos), value));
            }
        }
    }
    // filterOverrides': the lowest priority number wins.
    let priority_of = |value: &Value| -> Result<Value> {
        match (kind_of(ev, &names, value)?, value) {
            (Kind::Override, Value::Attrs(attrs)) => select(ev, attrs, names.priority, pos),
            _ => Ok(Value::Int(DEFAULT_OVERRIDE_PRIORITY)),
        }
    };
    let mut highest = Value::Int(NO_PRIORITY);
    for (_, value) in discharged.iter_mut() {
        // Values from `mkDefinition` are evaluated only now, after every
        // definition was discharged.
        *value = ev.force(value)?;
        let priority = priority_of(value)?;
        if ev.less_than(&priority, &highest, pos)? {
            highest = priority;
        }
    }
    let mut kept = Vec::with_capacity(discharged.len());
    for (file, value) in discharged {
        let priority = priority_of(&value)?;
        if !ev.equal(&priority, &highest, false)? {
            continue;
        }
        let value = match (kind_of(ev, &names, &value)?, &value) {
            (Kind::Override, Value::Attrs(attrs)) => lazy_select(attrs, names.content, pos),
            _ => value,
        };
        kept.push((file, value));
    }
    // sortProperties: a stable sort by `mkOrder` priority when any
    // definition has one. Every value is evaluated either way (to look for
    // `mkOrder`), as the Nix version does.
    let mut ordered = false;
    let mut forced = Vec::with_capacity(kept.len());
    for (file, value) in kept {
        let value = ev.force(&value)?;
        ordered |= kind_of(ev, &names, &value)? == Kind::Order;
        forced.push((file, value));
    }
    let make = |file: Value, value: Value| {
        Value::attrs(Attrs::from_unsorted(vec![
            AttrEntry { name: names.file, value: file, pos: Pos::NONE },
            AttrEntry { name: names.value, value, pos: Pos::NONE },
        ]))
    };
    let result: Vec<Value> = if ordered {
        let mut entries = Vec::with_capacity(forced.len());
        for (file, value) in forced {
            let (order, value) = match (kind_of(ev, &names, &value)?, &value) {
                (Kind::Order, Value::Attrs(attrs)) => {
                    (lazy_select(attrs, names.priority, pos), lazy_select(attrs, names.content, pos))
                }
                _ => (Value::Int(DEFAULT_ORDER_PRIORITY), value),
            };
            entries.push(Value::list(vec![order, make(file, value)]));
        }
        super::lists::merge_sort(&mut entries, &mut |a: &Value, b: &Value| {
            let (Value::List(a), Value::List(b)) = (a, b) else {
                return Ok(false);
            };
            ev.less_than(&a[0], &b[0], pos)
        })?;
        entries
            .into_iter()
            .filter_map(|entry| match entry {
                Value::List(pair) => pair.get(1).cloned(),
                _ => None,
            })
            .collect()
    } else {
        forced.into_iter().map(|(file, value)| make(file, value)).collect()
    };
    Ok(Value::attrs(Attrs::from_unsorted(vec![
        AttrEntry { name: names.highest_prio, value: highest, pos: Pos::NONE },
        AttrEntry { name: names.values, value: Value::list(result), pos: Pos::NONE },
    ])))
}
