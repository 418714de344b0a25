//! Native pieces of the module system (and `lib.reverseList`, which it
//! calls for every evaluation).
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
    Builtin { name: "strataGroupByName", arity: 3, func: group_by_name },
    Builtin { name: "strataSplitLevel", arity: 1, func: split_level },
    Builtin { name: "strataReverseList", arity: 1, func: reverse_list },
    Builtin { name: "strataPresentValues", arity: 1, func: present_values },
    Builtin { name: "strataWithPositions", arity: 2, func: with_positions },
    Builtin { name: "strataOptionDeclarations", arity: 2, func: option_declarations },
];

/// `modules.nix`'s `defaultOverridePriority`: a plain definition.
const DEFAULT_OVERRIDE_PRIORITY: i64 = 100;
/// `modules.nix`'s `defaultOrderPriority`: a definition without `mkOrder`.
const DEFAULT_ORDER_PRIORITY: i64 = 1000;
/// Where `filterOverrides'` starts looking for the highest priority.
const NO_PRIORITY: i64 = 9999;

/// The attribute names these builtins read and write.
#[derive(Clone, Copy)]
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
    options: Symbol,
    config: Symbol,
    parent: Symbol,
    is_leaf: Symbol,
    option: Symbol,
    sub: Symbol,
}

thread_local! {
    /// Symbols are interned per thread, so the names are too.
    static NAMES: Names = Names::intern();
}

impl Names {
    fn get() -> Names {
        NAMES.with(|names| *names)
    }

    fn intern() -> Names {
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
            options: Symbol::intern("options"),
            config: Symbol::intern("config"),
            parent: Symbol::intern("parent"),
            is_leaf: Symbol::intern("isLeaf"),
            option: Symbol::intern("option"),
            sub: Symbol::intern("sub"),
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
        for item in merge_contents(ev, names, attrs, pos)?.iter() {
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

/// The `contents` of a `mkMerge`, which must be a list.
fn merge_contents(ev: &Evaluator, names: &Names, attrs: &Attrs, pos: Pos) -> Result<Rc<List>> {
    match select(ev, attrs, names.contents, pos)? {
        Value::List(contents) => Ok(contents),
        other => Err(ev.expected(&other, "a list", pos)),
    }
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
        for item in merge_contents(ev, names, attrs, pos)?.iter() {
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

/// `strataGroupByName kind onError items`: one level of the option tree,
/// grouped by attribute name. `kind` is `"declarations"` (items are
/// `{ _file, options }`) or `"definitions"` (items are `{ file, value }`).
/// The result maps each name found in the items' `options` (or `value`) sets
/// to the list, in item order, of `{ _file, options, parent }` (or
/// `{ file, value, parent }`), `parent` being the set the name is in. Kind
/// `"values"` is `"definitions"` without `parent`. An item whose set is not
/// an attribute set is passed to `onError`, which throws.
///
/// This is `zipAttrsWith` over `mapAttrs` of every item, as `walkLevel`
/// writes it in Nix, without a call per attribute.
fn group_by_name(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let kind = ev.force_str(&args[0], pos)?;
    let (file_name, inner_name, with_parent) = match kind.as_str() {
        "declarations" => (Symbol::intern("_file"), names.options, true),
        "definitions" => (names.file, names.value, true),
        // `attrsOf`'s merge: `{ file, value }` only.
        "values" => (names.file, names.value, false),
        other => {
            return Err(error(ErrorKind::Eval, pos, format!("strataGroupByName: unknown kind '{other}'")));
        }
    };
    let items = ev.force_list(&args[2], pos)?;
    let mut groups: Vec<(Symbol, Pos, Vec<Value>)> = Vec::new();
    let mut index: rustc_hash::FxHashMap<Symbol, usize> = Default::default();
    for item in items.iter() {
        let item = ev.force_attrs(item, pos)?;
        let inner = select(ev, &item, inner_name, pos)?;
        let Value::Attrs(inner) = inner else {
            return ev.call(&args[1], Value::Attrs(item), pos);
        };
        let file = lazy_select(&item, file_name, pos);
        let parent = Value::Attrs(inner.clone());
        for entry in inner.entries() {
            let mut fields = vec![
                AttrEntry { name: file_name, value: file.clone(), pos: Pos::NONE },
                AttrEntry { name: inner_name, value: entry.value.clone(), pos: Pos::NONE },
            ];
            if with_parent {
                fields.push(AttrEntry { name: names.parent, value: parent.clone(), pos: Pos::NONE });
            }
            let grouped = Value::attrs(Attrs::from_unsorted(fields));
            match index.get(&entry.name) {
                Some(&at) => groups[at].2.push(grouped),
                None => {
                    index.insert(entry.name, groups.len());
                    groups.push((entry.name, entry.pos, vec![grouped]));
                }
            }
        }
    }
    Ok(Value::attrs(Attrs::from_unsorted(
        groups.into_iter().map(|(name, pos, list)| AttrEntry { name, value: Value::list(list), pos }).collect(),
    )))
}

/// `strataSplitLevel entries`: `walkLevel`'s `options` and `config` from its
/// entries (`{ isLeaf, option }` or `{ isLeaf, sub }`), each attribute
/// evaluated only when it is used:
///
/// ```nix
/// { options = mapAttrs (_: e: if e.isLeaf then e.option else e.sub.options) entries;
///   config = mapAttrs (_: e: if e.isLeaf then e.option.value else e.sub.config) entries; }
/// ```
fn split_level(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let entries = ev.force_attrs(&args[0], pos)?;
    let mut options = Vec::with_capacity(entries.len());
    let mut config = Vec::with_capacity(entries.len());
    // Applications of builtins rather than native closures: the cycle
    // collector sees what they hold.
    for entry in entries.entries() {
        let option = Value::lazy_apply(Value::PrimOp(&LEVEL_OPTION), entry.value.clone());
        options.push(AttrEntry { name: entry.name, value: option, pos: entry.pos });
        let value = Value::lazy_apply(Value::PrimOp(&LEVEL_CONFIG), entry.value.clone());
        config.push(AttrEntry { name: entry.name, value, pos: entry.pos });
    }
    Ok(Value::attrs(Attrs::from_unsorted(vec![
        AttrEntry { name: names.options, value: Value::attrs(Attrs::from_sorted(options)), pos: Pos::NONE },
        AttrEntry { name: names.config, value: Value::attrs(Attrs::from_sorted(config)), pos: Pos::NONE },
    ])))
}

/// `e: if e.isLeaf then e.option else e.sub.options`
static LEVEL_OPTION: Builtin = Builtin { name: "strataLevelOption", arity: 1, func: level_option };
/// `e: if e.isLeaf then e.option.value else e.sub.config`
static LEVEL_CONFIG: Builtin = Builtin { name: "strataLevelConfig", arity: 1, func: level_config };

fn level_option(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    level_select(ev, &args[0], &[names.option], &[names.sub, names.options], pos)
}

fn level_config(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    level_select(ev, &args[0], &[names.option, names.value], &[names.sub, names.config], pos)
}

fn level_select(ev: &Evaluator, entry: &Value, leaf: &[Symbol], inner: &[Symbol], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let node = ev.force_attrs(entry, pos)?;
    let path = if ev.force_bool(&select(ev, &node, names.is_leaf, pos)?, pos)? { leaf } else { inner };
    let mut current = Value::Attrs(node);
    for &name in path {
        let attrs = ev.force_attrs(&current, pos)?;
        current = select(ev, &attrs, name, pos)?;
    }
    Ok(current)
}

/// `strataReverseList list`: `lib.reverseList`, the elements as they are
/// (not evaluated), in reverse order.
fn reverse_list(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let list = ev.force_list(&args[0], pos)?;
    Ok(Value::list(list.iter().rev().cloned().collect()))
}

/// `strataPresentValues set`: the `value` of each attribute that has one,
/// unevaluated, as `attrsOf` keeps the names whose merge gave a value:
///
/// ```nix
/// mapAttrs (_: v: v.value) (filterAttrs (_: v: v ? value) set)
/// ```
fn present_values(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let attrs = ev.force_attrs(&args[0], pos)?;
    let mut kept = Vec::with_capacity(attrs.len());
    for entry in attrs.entries() {
        // `v ? value` is false for anything that is not a set.
        if let Value::Attrs(inner) = ev.force(&entry.value)? {
            if let Some(value) = inner.get(names.value) {
                kept.push(AttrEntry { name: entry.name, value: value.clone(), pos: entry.pos });
            }
        }
    }
    Ok(Value::attrs(Attrs::from_sorted(kept)))
}

/// `strataWithPositions name decls`: each declaration `{ _file, options,
/// parent }` of the option `name` with `pos` added, unevaluated:
/// `builtins.unsafeGetAttrPos name decl.parent`, or
/// `{ file = decl._file; line = null; column = null; }` without one.
fn with_positions(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let decls = ev.force_list(&args[1], pos)?;
    let position = Value::PrimOpApp(Rc::new(PrimOpApp::new(&DECLARATION_POSITION, vec![args[0].clone()])));
    let pos_name = Symbol::intern("pos");
    let mut out = Vec::with_capacity(decls.len());
    for decl in decls.iter() {
        let decl = ev.force_attrs(decl, pos)?;
        let mut entries: Vec<AttrEntry> =
            decl.entries().iter().filter(|entry| entry.name != pos_name).cloned().collect();
        entries.push(AttrEntry {
            name: pos_name,
            value: Value::lazy_apply(position.clone(), Value::Attrs(decl.clone())),
            pos: Pos::NONE,
        });
        out.push(Value::attrs(Attrs::from_unsorted(entries)));
    }
    Ok(Value::list(out))
}

/// `modules.nix`'s `declarationPosition name decl`.
static DECLARATION_POSITION: Builtin =
    Builtin { name: "strataDeclarationPosition", arity: 2, func: declaration_position };

fn declaration_position(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let name = Symbol::intern(&ev.force_str(&args[0], pos)?);
    let decl = ev.force_attrs(&args[1], pos)?;
    let parent = ev.force_attrs(&lazy_select(&decl, Symbol::intern("parent"), pos), pos)?;
    if let Some(entry) = parent.get_entry(name) {
        let position = ev.pos_value(entry.pos);
        if !matches!(position, Value::Null) {
            return Ok(position);
        }
    }
    Ok(Value::attrs(Attrs::from_unsorted(vec![
        AttrEntry { name: ev.symbols.file, value: lazy_select(&decl, Symbol::intern("_file"), pos), pos: Pos::NONE },
        AttrEntry { name: ev.symbols.line, value: Value::Null, pos: Pos::NONE },
        AttrEntry { name: ev.symbols.column, value: Value::Null, pos: Pos::NONE },
    ])))
}

/// `strataOptionDeclarations onError decls`: the declarations whose
/// `options` is an option (`_type = "option"`); one with another `_type` is
/// passed to `onError`, which throws. As `walkLevel` filters them:
///
/// ```nix
/// filter (d: d.options ? _type && (d.options._type == "option" || onError d)) decls
/// ```
fn option_declarations(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let decls = ev.force_list(&args[1], pos)?;
    let mut kept = Vec::with_capacity(decls.len());
    for item in decls.iter() {
        let decl = ev.force_attrs(item, pos)?;
        let Value::Attrs(options) = select(ev, &decl, names.options, pos)? else {
            continue;
        };
        let Some(tag) = options.get(names.type_) else {
            continue;
        };
        match ev.force(tag)? {
            Value::String(text) if text.as_str() == "option" => kept.push(item.clone()),
            _ => {
                // `||` needs a Boolean from the error handler; it throws.
                let verdict = ev.call(&args[0], item.clone(), pos)?;
                if ev.force_bool(&verdict, pos)? {
                    kept.push(item.clone());
                }
            }
        }
    }
    Ok(Value::list(kept))
}
