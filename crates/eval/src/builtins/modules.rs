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

use crate::rc::Rc;

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
    Builtin { name: "strataMergeDefinitions", arity: 4, func: merge_definitions },
    Builtin { name: "strataEvalOption", arity: 4, func: eval_option },
    Builtin { name: "strataLoadModule", arity: 6, func: load_module },
    Builtin { name: "strataModuleNodes", arity: 6, func: module_nodes },
    Builtin { name: "strataCollectModules", arity: 8, func: collect_modules },
    Builtin { name: "strataWalkLevel", arity: 4, func: walk_level },
    Builtin { name: "strataLevelInputs", arity: 1, func: level_inputs },
    Builtin { name: "strataInternalDefaults", arity: 1, func: internal_defaults },
    Builtin { name: "strataUnmatched", arity: 4, func: unmatched },
    Builtin { name: "strataMergeEqualOption", arity: 3, func: merge_equal_option },
    Builtin { name: "strataInvalidDefinitions", arity: 2, func: invalid_definitions },
    Builtin { name: "strataListMerge", arity: 4, func: list_merge },
    Builtin { name: "strataEvalModules", arity: 6, func: eval_modules },
    Builtin { name: "strataCheckedMergeV2", arity: 4, func: checked_merge_v2 },
    Builtin { name: "strataEitherCheck", arity: 3, func: either_check },
    Builtin { name: "strataEitherMergeV2", arity: 4, func: either_merge_v2 },
    Builtin { name: "strataAttrsMerge", arity: 5, func: attrs_merge },
    Builtin { name: "strataSubmoduleCheck", arity: 2, func: submodule_check },
    Builtin { name: "strataSubmoduleMerge", arity: 10, func: submodule_merge },
    Builtin { name: "strataJoinValues", arity: 4, func: join_values },
    Builtin { name: "strataNullOrCheck", arity: 2, func: null_or_check },
    Builtin { name: "strataNullOrMerge", arity: 4, func: null_or_merge },
    Builtin { name: "strataBothChecks", arity: 3, func: both_checks },
];

/// Whether a function made of `builtin` stands where the Nix version of
/// the lib has a lambda, and prints as one (`<LAMBDA>`): a type's `check`
/// and `merge.v2` made natively.
pub(crate) fn shown_as_lambda(builtin: &Builtin) -> bool {
    matches!(
        builtin.name,
        "strataCheckedMergeV2"
            | "strataEitherCheck"
            | "strataEitherMergeV2"
            | "strataAttrsMerge"
            | "strataSubmoduleCheck"
            | "strataSubmoduleMerge"
            | "strataJoinValues"
            | "strataNullOrCheck"
            | "strataNullOrMerge"
            | "strataBothChecks"
            | "strataMergeDefinitions"
            | "strataMergeEqualOption"
    )
}

/// `modules.nix`'s `defaultOverridePriority`: a plain definition.
const DEFAULT_OVERRIDE_PRIORITY: i64 = 100;
/// `modules.nix`'s `defaultOrderPriority`: a definition without `mkOrder`.
const DEFAULT_ORDER_PRIORITY: i64 = 1000;
/// `modules.nix`'s priority of `mkOptionDefault`: an option's default.
const OPTION_DEFAULT_PRIORITY: i64 = 1500;
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
    children: Symbol,
    pos: Symbol,
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
            children: Symbol::intern("children"),
            pos: Symbol::intern("pos"),
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
    record([(names.type_, tag.clone()), (field, shared.clone()), (names.content, value)])
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
        Value::Bool(Flag::TRUE) => {
            let content = lazy_select(attrs, names.content, pos);
            discharge(ev, names, &content, pos, out)
        }
        Value::Bool(Flag::FALSE) => Ok(()),
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
    let (highest, values) = definitions_core(ev, &names, &args[0], pos)?;
    Ok(record([(names.highest_prio, highest), (names.values, values)]))
}

/// [`merge_definitions_core`]'s work: the highest priority and the list of
/// the kept definitions (`{ file, value }`), in order.
fn definitions_core(ev: &Evaluator, names: &Names, defs: &Value, pos: Pos) -> Result<(Value, Value)> {
    definitions_with_default(ev, names, None, &*ev.force_list(defs, pos)?, pos)
}

/// [`definitions_core`] of an option's definitions `defs` after its
/// default, `(file, default)`, as `mkOptionDefault` makes it a definition
/// (at priority 1500, not discharged).
fn definitions_with_default(
    ev: &Evaluator,
    names: &Names,
    default: Option<(Value, Value)>,
    defs: &List,
    pos: Pos,
) -> Result<(Value, Value)> {
    let names = *names;
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
    // filterOverrides': the lowest priority number wins. Each definition
    // as (file, what it contributes, its priority): an `mkOverride`'s
    // content, and the default as it is.
    let mut prioritized: Vec<(Value, Value, Value)> = Vec::with_capacity(discharged.len() + 1);
    let mut highest = Value::Int(NO_PRIORITY);
    if let Some((file, value)) = default {
        highest = Value::Int(OPTION_DEFAULT_PRIORITY);
        prioritized.push((file, value, highest.clone()));
    }
    for (file, value) in discharged {
        // Values from `mkDefinition` are evaluated only now, after every
        // definition was discharged.
        let value = ev.force(&value)?;
        let (value, priority) = match (kind_of(ev, &names, &value)?, &value) {
            (Kind::Override, Value::Attrs(attrs)) => {
                (lazy_select(attrs, names.content, pos), select(ev, attrs, names.priority, pos)?)
            }
            _ => (value, Value::Int(DEFAULT_OVERRIDE_PRIORITY)),
        };
        if ev.less_than(&priority, &highest, pos)? {
            highest = priority.clone();
        }
        prioritized.push((file, value, priority));
    }
    let mut kept = Vec::with_capacity(prioritized.len());
    for (file, value, priority) in prioritized {
        if ev.equal(&priority, &highest, false)? {
            kept.push((file, value));
        }
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
    let make = |file: Value, value: Value| record([(names.file, file), (names.value, value)]);
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
    Ok((highest, Value::list(result)))
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
    let kind = match ev.force_str(&args[0], pos)?.as_str() {
        "declarations" => GroupKind::Declarations,
        "definitions" => GroupKind::Definitions,
        // `attrsOf`'s merge: `{ file, value }` only.
        "values" => GroupKind::Values,
        other => {
            return Err(error(ErrorKind::Eval, pos, format!("strataGroupByName: unknown kind '{other}'")));
        }
    };
    group(ev, kind, &args[1], &args[2], pos)
}

/// What [`group`] groups.
#[derive(Clone, Copy, PartialEq, Eq)]
enum GroupKind {
    Declarations,
    Definitions,
    Values,
}

/// [`group_by_name`]'s work.
fn group(ev: &Evaluator, kind: GroupKind, on_error: &Value, items: &Value, pos: Pos) -> Result<Value> {
    let names = Names::get();
    let (file_name, inner_name) = match kind {
        GroupKind::Declarations => (syntax::sym!("_file"), names.options),
        GroupKind::Definitions | GroupKind::Values => (names.file, names.value),
    };
    let items = ev.force_list(items, pos)?;
    // Each item's file and set of names, in order.
    let mut sources: smallvec::SmallVec<[(Value, Rc<Attrs>); MERGED_GROUPS]> =
        smallvec::SmallVec::with_capacity(items.len());
    for item in items.iter() {
        let item = ev.force_attrs(item, pos)?;
        let inner = select(ev, &item, inner_name, pos)?;
        let Value::Attrs(inner) = inner else {
            return ev.call(on_error, Value::Attrs(item), pos);
        };
        sources.push((lazy_select(&item, file_name, pos), inner));
    }
    if kind == GroupKind::Declarations {
        return Ok(Value::Attrs(declarations_by_name(&sources)));
    }
    Ok(Value::Attrs(group_sources(kind, &sources)))
}

thread_local! {
    /// Declarations grouped by name (see [`declarations_by_name`]), by the
    /// addresses of the option sets, with their files.
    static DECLARATION_GROUPS: std::cell::RefCell<rustc_hash::FxHashMap<Vec<usize>, DeclarationGroups>> =
        Default::default();
}

/// What [`DECLARATION_GROUPS`] keeps: each set's file and the set (alive,
/// so that its address keeps naming it), then the grouping.
type DeclarationGroups = (Vec<(Rc<NixString>, Rc<Attrs>)>, Rc<Attrs>);

/// [`group_sources`] of declarations, shared by the levels that group the
/// same option sets from the same files: each machine of a fleet walks the
/// same shared modules' declarations (see [`shared_module_options`]), and
/// groups them the same way. Only for files that are evaluated strings
/// (what loaded modules have); the grouping is a function of the sets and
/// the files' text and context alone.
fn declarations_by_name(sources: &[(Value, Rc<Attrs>)]) -> Rc<Attrs> {
    if !sources.iter().all(|(file, _)| matches!(file, Value::String(_))) {
        return group_sources(GroupKind::Declarations, sources);
    }
    let key: Vec<usize> = sources.iter().map(|(_, set)| Rc::as_ptr(set) as usize).collect();
    let same_files = |kept: &[(Rc<NixString>, Rc<Attrs>)]| {
        kept.iter().zip(sources).all(|((a, _), (b, _))| match b {
            Value::String(b) => Rc::ptr_eq(a, b) || (a.text == b.text && a.context == b.context),
            _ => false,
        })
    };
    let known = DECLARATION_GROUPS.with(|groups| {
        groups.borrow().get(&key).filter(|(kept, _)| same_files(kept)).map(|(_, grouped)| grouped.clone())
    });
    if let Some(grouped) = known {
        return grouped;
    }
    let grouped = group_sources(GroupKind::Declarations, sources);
    let files = sources
        .iter()
        .filter_map(|(file, set)| match file {
            Value::String(file) => Some((file.clone(), set.clone())),
            _ => None,
        })
        .collect();
    DECLARATION_GROUPS.with(|groups| keep_bounded(&mut groups.borrow_mut(), key, (files, grouped.clone())));
    grouped
}

/// [`group`] of sets given as `(file, set)`, in order: each name mapped to
/// the list of its items (see [`group_by_name`]), the first set that has
/// the name giving its position.
fn group_sources(kind: GroupKind, sources: &[(Value, Rc<Attrs>)]) -> Rc<Attrs> {
    let names = Names::get();
    let (file_name, inner_name) = match kind {
        GroupKind::Declarations => (syntax::sym!("_file"), names.options),
        GroupKind::Definitions | GroupKind::Values => (names.file, names.value),
    };
    let grouped = |file: &Value, parent: &Rc<Attrs>, value: &Value| -> Value {
        // In name order: `_file`, `options`, `parent` for declarations,
        // `file`, `parent`, `value` for definitions.
        let field = |name: Symbol, value: Value| AttrEntry { name, value, pos: Pos::NONE };
        let own = field(inner_name, value.clone());
        let parent = || field(names.parent, Value::Attrs(parent.clone()));
        Value::attrs(match kind {
            GroupKind::Declarations => {
                Attrs::from_sorted_iter([field(file_name, file.clone()), own, parent()].into_iter())
            }
            GroupKind::Definitions => {
                Attrs::from_sorted_iter([field(file_name, file.clone()), parent(), own].into_iter())
            }
            GroupKind::Values => Attrs::from_sorted_iter([field(file_name, file.clone()), own].into_iter()),
        })
    };
    if sources.len() <= MERGED_GROUPS {
        return merged_groups(sources, grouped);
    }
    let most = sources.iter().map(|(_, inner)| inner.len()).max().unwrap_or(0);
    let mut groups: Vec<(Symbol, Pos, Members)> = Vec::with_capacity(most);
    let mut index: rustc_hash::FxHashMap<Symbol, usize> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(most, Default::default());
    for (file, inner) in sources.iter() {
        for entry in inner.entries() {
            let grouped = grouped(file, inner, &entry.value);
            match index.get(&entry.name) {
                Some(&at) => groups[at].2.push(grouped),
                None => {
                    index.insert(entry.name, groups.len());
                    groups.push((entry.name, entry.pos, smallvec::smallvec![grouped]));
                }
            }
        }
    }
    Attrs::from_unsorted(
        groups
            .into_iter()
            .map(|(name, pos, members)| AttrEntry { name, value: Value::list(exact_items(members)), pos })
            .collect(),
    )
}

/// Up to this many sets are grouped by merging their sorted names (a
/// submodule instance's levels, most nested levels) rather than through a
/// hash map and a sort.
const MERGED_GROUPS: usize = 4;

/// One group's members while they are gathered: most groups have one or
/// two, and the list made of them at the end holds exactly as many.
type Members = smallvec::SmallVec<[Value; 2]>;

/// [`group`] of a few sets: their entries merged in name order, those of
/// one name in the sets' order, each made into its group's item by
/// `grouped file set value`; the first entry of a name gives its position.
fn merged_groups(sources: &[(Value, Rc<Attrs>)], grouped: impl Fn(&Value, &Rc<Attrs>, &Value) -> Value) -> Rc<Attrs> {
    let mut cursors: smallvec::SmallVec<[usize; MERGED_GROUPS]> = smallvec::smallvec![0; sources.len()];
    let mut out: Vec<AttrEntry> = Vec::with_capacity(sources.iter().map(|(_, inner)| inner.len()).max().unwrap_or(0));
    let mut members = Members::new();
    loop {
        // The smallest name at the sets' cursors.
        let mut least: Option<Symbol> = None;
        for ((_, inner), &at) in sources.iter().zip(cursors.iter()) {
            if let Some(entry) = inner.entries().get(at) {
                if least.is_none_or(|name| entry.name < name) {
                    least = Some(entry.name);
                }
            }
        }
        let Some(name) = least else { break };
        let mut first_pos = None;
        for ((file, inner), at) in sources.iter().zip(cursors.iter_mut()) {
            if let Some(entry) = inner.entries().get(*at).filter(|entry| entry.name == name) {
                first_pos.get_or_insert(entry.pos);
                members.push(grouped(file, inner, &entry.value));
                *at += 1;
            }
        }
        let list = Value::list(exact_items(members.drain(..)));
        out.push(AttrEntry { name, value: list, pos: first_pos.unwrap_or(Pos::NONE) });
    }
    Attrs::from_sorted(out)
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
    Ok(record([
        (names.config, Value::attrs(Attrs::from_sorted(config))),
        (names.options, Value::attrs(Attrs::from_sorted(options))),
    ]))
}

/// `e: if e.isLeaf then e.option else e.sub.options`
static LEVEL_OPTION: Builtin = Builtin { name: "strataLevelOption", arity: 1, func: level_option };
/// `e: if e.isLeaf then e.option.value else e.sub.config`
static LEVEL_CONFIG: Builtin = Builtin { name: "strataLevelConfig", arity: 1, func: level_config };

fn level_option(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let node = ev.force_attrs(&args[0], pos)?;
    // A leaf made natively has its core instead of an `option`.
    if let Some(core) = node.get(core_name()) {
        return leaf_option(ev, core, pos);
    }
    level_select(ev, node, &[names.option], &[names.sub, names.options], pos)
}

fn level_config(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let node = ev.force_attrs(&args[0], pos)?;
    // A leaf made natively has its core: its value without its record.
    if let Some(core) = node.get(core_name()) {
        return leaf_value(ev, core, pos);
    }
    level_select(ev, node, &[names.option, names.value], &[names.sub, names.config], pos)
}

/// The value at `leaf` (a path of names) in a walk entry `node` for an
/// option, or at `inner` for a nested level.
fn level_select(ev: &Evaluator, node: Rc<Attrs>, leaf: &[Symbol], inner: &[Symbol], pos: Pos) -> Result<Value> {
    let path = if ev.force_bool(&select(ev, &node, Names::get().is_leaf, pos)?, pos)? { leaf } else { inner };
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
    positions_of(ev, &args[0], &decls, pos)
}

/// [`with_positions`]'s work.
fn positions_of(ev: &Evaluator, name: &Value, decls: &List, pos: Pos) -> Result<Value> {
    let position = partial(&DECLARATION_POSITION, [name.clone()]);
    let pos_name = syntax::sym!("pos");
    let mut out = Vec::with_capacity(decls.len());
    for decl in decls.iter() {
        let decl = ev.force_attrs(decl, pos)?;
        let mut entries: Vec<AttrEntry> = Vec::with_capacity(decl.len() + 1);
        entries.extend(decl.entries().iter().filter(|entry| entry.name != pos_name).cloned());
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
    let name = ev.force_symbol(&args[0], pos)?;
    let decl = ev.force_attrs(&args[1], pos)?;
    let parent = ev.force_attrs(&lazy_select(&decl, syntax::sym!("parent"), pos), pos)?;
    if let Some(entry) = parent.get_entry(name) {
        let position = ev.pos_value(entry.pos);
        if !matches!(position, Value::Null) {
            return Ok(position);
        }
    }
    Ok(Value::attrs(Attrs::from_unsorted(vec![
        AttrEntry { name: ev.symbols.file, value: lazy_select(&decl, syntax::sym!("_file"), pos), pos: Pos::NONE },
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
    let decls = ev.force_list(&args[1], pos)?;
    Ok(Value::list(options_among(ev, &|| Ok(args[0].clone()), &decls, pos)?))
}

/// How many of `decls` are options (see [`option_declarations`]).
fn count_options(ev: &Evaluator, on_error: &dyn Fn() -> Result<Value>, decls: &List, pos: Pos) -> Result<usize> {
    Ok(options_among(ev, on_error, decls, pos)?.len())
}

/// [`option_declarations`]'s work; `on_error` gives the error handler
/// (made only when needed).
fn options_among(ev: &Evaluator, on_error: &dyn Fn() -> Result<Value>, decls: &List, pos: Pos) -> Result<Vec<Value>> {
    let names = Names::get();
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
                let verdict = ev.call(&on_error()?, item.clone(), pos)?;
                if ev.force_bool(&verdict, pos)? {
                    kept.push(item.clone());
                }
            }
        }
    }
    Ok(kept)
}

// ---------------------------------------------------------------------------
// Evaluating one option

/// The names [`merge_definitions`] and [`eval_option`] read and write.
#[derive(Clone, Copy)]
struct OptionNames {
    file: Symbol,
    pos: Symbol,
    type_: Symbol,
    get_sub_modules: Symbol,
    subst_sub_modules: Symbol,
    deprecation_message: Symbol,
    default: Symbol,
    apply: Symbol,
    read_only: Symbol,
    declarations: Symbol,
    declaration_positions: Symbol,
    loc: Symbol,
    imports: Symbol,
    merge: Symbol,
    v2: Symbol,
    check: Symbol,
    head_error: Symbol,
    defs: Symbol,
    defs_final: Symbol,
    defs_final_record: Symbol,
    is_defined: Symbol,
    merged_value: Symbol,
    optional_value: Symbol,
    definitions: Symbol,
    files: Symbol,
    definitions_with_locations: Symbol,
    used_default: Symbol,
    to_string: Symbol,
    option_to_string: Symbol,
    definitions_with_positions: Symbol,
    disabled_definitions: Symbol,
    merge_option_decls: Symbol,
    eval_option_value: Symbol,
    merge_definitions: Symbol,
    show_option: Symbol,
    provenance: Symbol,
    unspecified: Symbol,
}

thread_local! {
    static OPTION_NAMES: OptionNames = OptionNames::intern();
}

impl OptionNames {
    fn get() -> OptionNames {
        OPTION_NAMES.with(|names| *names)
    }

    fn intern() -> OptionNames {
        OptionNames {
            file: Symbol::intern("_file"),
            pos: Symbol::intern("pos"),
            type_: Symbol::intern("type"),
            get_sub_modules: Symbol::intern("getSubModules"),
            subst_sub_modules: Symbol::intern("substSubModules"),
            deprecation_message: Symbol::intern("deprecationMessage"),
            default: Symbol::intern("default"),
            apply: Symbol::intern("apply"),
            read_only: Symbol::intern("readOnly"),
            declarations: Symbol::intern("declarations"),
            declaration_positions: Symbol::intern("declarationPositions"),
            loc: Symbol::intern("loc"),
            imports: Symbol::intern("imports"),
            merge: Symbol::intern("merge"),
            v2: Symbol::intern("v2"),
            check: Symbol::intern("check"),
            head_error: Symbol::intern("headError"),
            defs: Symbol::intern("defs"),
            defs_final: Symbol::intern("defsFinal"),
            defs_final_record: Symbol::intern("defsFinal'"),
            is_defined: Symbol::intern("isDefined"),
            merged_value: Symbol::intern("mergedValue"),
            optional_value: Symbol::intern("optionalValue"),
            definitions: Symbol::intern("definitions"),
            files: Symbol::intern("files"),
            definitions_with_locations: Symbol::intern("definitionsWithLocations"),
            used_default: Symbol::intern("usedDefault"),
            to_string: Symbol::intern("__toString"),
            option_to_string: Symbol::intern("optionToString"),
            definitions_with_positions: Symbol::intern("definitionsWithPositions"),
            disabled_definitions: Symbol::intern("disabledDefinitions"),
            merge_option_decls: Symbol::intern("mergeOptionDecls"),
            eval_option_value: Symbol::intern("evalOptionValue"),
            merge_definitions: Symbol::intern("mergeDefinitions"),
            show_option: Symbol::intern("showOption"),
            provenance: Symbol::intern("provenance"),
            unspecified: Symbol::intern("unspecified"),
        }
    }
}

/// A source position as a value, to pass to a builtin applied later.
fn pos_to_value(pos: Pos) -> Value {
    Value::Int(((pos.file as i64) << 32) | pos.offset as i64)
}

/// The position [`pos_to_value`] made a value of (none for anything else).
fn pos_of_value(value: &Value) -> Pos {
    match value {
        Value::Int(packed) => Pos { file: (*packed >> 32) as u32, offset: *packed as u32 },
        _ => Pos::NONE,
    }
}

/// Where the first of an option's declarations `decls` (`{ parent, ... }`)
/// writes its name, for errors that have no position of their own.
fn declaration_pos(decls: &List, name: Option<Symbol>) -> Pos {
    let parent = Names::get().parent;
    let found = || -> Option<Pos> {
        let Value::Attrs(decl) = decls.first()? else { return None };
        let Value::Attrs(parent) = decl.get(parent)? else { return None };
        Some(parent.get_entry(name?)?.pos)
    };
    found().unwrap_or(Pos::NONE)
}

/// A set from `(name, value)` pairs in any order; listing the names in
/// order (by their text, as Nix sorts them) saves the sort.
fn record<const N: usize>(fields: [(Symbol, Value); N]) -> Value {
    if fields.windows(2).all(|pair| pair[0].0 < pair[1].0) {
        // Written straight into the set.
        return Value::attrs(Attrs::from_sorted_iter(fields.into_iter().map(|(name, value)| AttrEntry {
            name,
            value,
            pos: Pos::NONE,
        })));
    }
    Value::attrs(Attrs::from_unsorted(
        fields.into_iter().map(|(name, value)| AttrEntry { name, value, pos: Pos::NONE }).collect(),
    ))
}

/// A builtin applied to some of its arguments, as a value.
fn partial<const N: usize>(builtin: &'static Builtin, args: [Value; N]) -> Value {
    Value::PrimOpApp(PrimOpApp::new(builtin, args))
}

/// `f a b c` for a curried function.
fn call3(ev: &Evaluator, function: &Value, a: Value, b: Value, c: Value, pos: Pos) -> Result<Value> {
    let partial = ev.call2(function, a, b, pos)?;
    ev.call(&partial, c, pos)
}

/// `strataMergeDefinitions fallback loc type defs`: `lib.modules.mergeDefinitions`
/// (`fallback`, the Nix version, gives every error message):
/// `{ defsFinal', defsFinal, isDefined, mergedValue, optionalValue }`, the
/// merged value computed only when it is used. The definitions are
/// discharged, filtered by priority and ordered when the record is made,
/// which is when the Nix version does it too: every field needs them.
fn merge_definitions(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (highest, values) = definitions_core(ev, &Names::get(), &args[3], pos)?;
    Ok(merge_record(ev, &args[0], &args[1], &args[2], &args[3], highest, values))
}

fn merge_record(
    ev: &Evaluator,
    fallback: &Value,
    loc: &Value,
    type_: &Value,
    defs: &Value,
    highest: Value,
    values: Value,
) -> Value {
    let names = OptionNames::get();
    let defined = matches!(&values, Value::List(list) if !list.is_empty());
    let merged = Value::lazy_apply(
        partial(&MERGED_VALUE, [fallback.clone(), loc.clone(), type_.clone(), defs.clone()]),
        values.clone(),
    );
    let optional = if defined { record([(Names::get().value, merged.clone())]) } else { ev.empty_attrs.clone() };
    // Names in order (see `record`).
    record([
        (names.defs_final, values.clone()),
        (names.defs_final_record, record([(Names::get().highest_prio, highest), (Names::get().values, values)])),
        (names.is_defined, Value::bool(defined)),
        (names.merged_value, merged),
        (names.optional_value, optional),
    ])
}

/// `mergedValue` of [`merge_definitions`]: `fallback loc type defs defsFinal`.
static MERGED_VALUE: Builtin = Builtin { name: "strataMergedValue", arity: 5, func: merged_value };

/// The type's `merge.v2` or, after every definition passed the type's
/// `check`, its `merge`; anything else (no definition, a failed check, a
/// `v2` error) is left to the Nix version, whose message it is.
fn merged_value(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = OptionNames::get();
    let (fallback, loc, type_, defs, defs_final) = (&args[0], &args[1], &args[2], &args[3], &args[4]);
    let final_list = ev.force_list(defs_final, pos)?;
    if !final_list.is_empty() {
        if let Some(value) = merge_by_type(ev, &ev.force_attrs(type_, pos)?, loc, defs_final, &final_list, pos)? {
            return Ok(value);
        }
    }
    let record = ev.force_attrs(&call3(ev, fallback, loc.clone(), type_.clone(), defs.clone(), pos)?, pos)?;
    select(ev, &record, names.merged_value, pos)
}

/// The definitions `defs_final` (`final_list`, not empty) merged by the
/// type `type_attrs`: its `merge.v2` or, after every definition passed the
/// type's `check`, its `merge`. `None` for a failed check or a `v2`
/// error, whose message the Nix `mergeDefinitions` gives.
fn merge_by_type(
    ev: &Evaluator,
    type_attrs: &Attrs,
    loc: &Value,
    defs_final: &Value,
    final_list: &List,
    pos: Pos,
) -> Result<Option<Value>> {
    let names = OptionNames::get();
    let merge = select(ev, type_attrs, names.merge, pos)?;
    if let Value::Attrs(merge_attrs) = &merge {
        match native_merge(ev, merge_attrs)? {
            Some(NativeMerge::Checked { check, inner }) => {
                if !all_pass(ev, &check, final_list, pos)? {
                    return Ok(None);
                }
                return ev.call2(&inner, loc.clone(), defs_final.clone(), pos).map(Some);
            }
            Some(NativeMerge::Either { left, right }) => {
                return match either_side(ev, &left, &right, final_list, pos)? {
                    Some(side) => call_merge(ev, &side, loc, defs_final, pos).map(Some),
                    None => Ok(None),
                };
            }
            None => {}
        }
        if let Some(v2) = merge_attrs.get(names.v2) {
            let argument = record([(names.defs, defs_final.clone()), (names.loc, loc.clone())]);
            let result = ev.force_attrs(&ev.call(v2, argument, pos)?, pos)?;
            if !matches!(select(ev, &result, names.head_error, pos)?, Value::Null) {
                return Ok(None);
            }
            return select(ev, &result, Names::get().value, pos).map(Some);
        }
    }
    if !all_pass(ev, &select(ev, type_attrs, names.check, pos)?, final_list, pos)? {
        return Ok(None);
    }
    ev.call2(&merge, loc.clone(), defs_final.clone(), pos).map(Some)
}

/// A type's `merge` that Strata makes natively (its `v2` is one of these
/// builtins), whose work [`merge_by_type`] and [`call_merge`] do directly.
enum NativeMerge {
    /// `checkedMerge check inner`.
    Checked { check: Value, inner: Value },
    /// `either left right`'s merge.
    Either { left: Value, right: Value },
}

/// The native merge behind a type's `merge` set, if its `v2` is one.
fn native_merge(ev: &Evaluator, merge_attrs: &Attrs) -> Result<Option<NativeMerge>> {
    let Some(v2) = merge_attrs.get(OptionNames::get().v2) else { return Ok(None) };
    let Value::PrimOpApp(app) = ev.force(v2)? else { return Ok(None) };
    Ok(match (app.builtin.name, app.args()) {
        ("strataCheckedMergeV2", [check, inner, _]) => {
            Some(NativeMerge::Checked { check: check.clone(), inner: inner.clone() })
        }
        ("strataEitherMergeV2", [left, right, _]) => {
            Some(NativeMerge::Either { left: left.clone(), right: right.clone() })
        }
        _ => None,
    })
}

/// Whether `check` accepts the value of every definition (`{ file,
/// value }`) of `defs`.
fn all_pass(ev: &Evaluator, check: &Value, defs: &List, pos: Pos) -> Result<bool> {
    let value_name = Names::get().value;
    for def in defs.iter() {
        let def = ev.force_attrs(def, pos)?;
        if !accepts(ev, check, lazy_select(&def, value_name, pos), pos)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether the type check `check` accepts `value` (`check value`).
fn accepts(ev: &Evaluator, check: &Value, value: Value, pos: Pos) -> Result<bool> {
    ev.force_bool(&ev.call(check, value, pos)?, pos)
}

/// `either left right`'s choice of the type that merges `defs`: `left`
/// when its check accepts every value, else `right` when its check does;
/// `None` when neither does.
fn either_side(ev: &Evaluator, left: &Value, right: &Value, defs: &List, pos: Pos) -> Result<Option<Rc<Attrs>>> {
    let check_name = OptionNames::get().check;
    for side in [left, right] {
        let side = ev.force_attrs(side, pos)?;
        if all_pass(ev, &select(ev, &side, check_name, pos)?, defs, pos)? {
            return Ok(Some(side));
        }
    }
    Ok(None)
}

/// `type.merge loc defs`, the plain merge (a `v2` merge's `__functor`).
/// For a merge `checkedMerge` made (`{ __functor; v2; }`), its inner
/// merge, which its `__functor` gives.
fn call_merge(ev: &Evaluator, type_attrs: &Attrs, loc: &Value, defs: &Value, pos: Pos) -> Result<Value> {
    let merge = select(ev, type_attrs, OptionNames::get().merge, pos)?;
    // Only a set of `__functor` and `v2` is the one the lib made.
    if let Value::Attrs(merge_attrs) = &merge {
        if merge_attrs.len() == 2 {
            match native_merge(ev, merge_attrs)? {
                Some(NativeMerge::Checked { inner, .. }) => return ev.call2(&inner, loc.clone(), defs.clone(), pos),
                // `either`'s `__functor`: the first side whose check
                // accepts every value merges; neither is its Nix
                // version's case (`mergeOneOption`).
                Some(NativeMerge::Either { left, right }) => {
                    if let Some(side) = either_side(ev, &left, &right, &*ev.force_list(defs, pos)?, pos)? {
                        return call_merge(ev, &side, loc, defs, pos);
                    }
                }
                None => {}
            }
        }
    }
    ev.call2(&merge, loc.clone(), defs.clone(), pos)
}

/// What `(mergeDefinitions loc type defs).optionalValue` holds: the
/// merged value (computed when it is used) when any definition is left
/// after `mkIf`s and priorities. `merge_definitions` is the lib's
/// `mergeDefinitions`; Strata's own (`strataMergeDefinitions`) is done
/// here without its record, any other is called.
fn merged_optional(
    ev: &Evaluator,
    merge_definitions: &Value,
    loc: Value,
    type_: &Value,
    defs: Value,
    pos: Pos,
) -> Result<Option<Value>> {
    if let Value::PrimOpApp(app) = ev.force(merge_definitions)? {
        if let ("strataMergeDefinitions", [fallback]) = (app.builtin.name, app.args()) {
            let (_, values) = definitions_core(ev, &Names::get(), &defs, pos)?;
            if ev.force_list(&values, pos)?.is_empty() {
                return Ok(None);
            }
            let partial = partial(&MERGED_VALUE, [fallback.clone(), loc, type_.clone(), defs]);
            return Ok(Some(Value::lazy_apply(partial, values)));
        }
    }
    let merged = call3(ev, merge_definitions, loc, type_.clone(), defs, pos)?;
    let optional = select(ev, &ev.force_attrs(&merged, pos)?, OptionNames::get().optional_value, pos)?;
    Ok(ev.force_attrs(&optional, pos)?.get(Names::get().value).cloned())
}

/// `strataSubmoduleCheck nix x`: a submodule's check, `isAttrs x ||
/// nix x` (`nix` the rest of the Nix version).
fn submodule_check(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    match ev.force(&args[1])? {
        Value::Attrs(_) => Ok(Value::bool(true)),
        other => ev.call(&args[0], other, Pos::NONE),
    }
}

/// `strataSubmoduleMerge nix evalModules ownEvalModules direct class
/// specialArgs shorthand baseModules loc defs`: the merge of
/// `submoduleWith`, `(evalModules { inherit class specialArgs; prefix =
/// loc; modules = baseModules ++ [ { _module.args.name = last loc; } ] ++
/// asModules defs; }).config`, `asModules` making each definition `{
/// _file; config; }` (a set in shorthand mode) or `{ _file; imports = [
/// value ]; }`. While `evalModules` (`lib.modules.evalModules`) is the
/// lib's own (`ownEvalModules`), the evaluation is `direct` (Strata's
/// native one, given its helpers) without going through its arguments'
/// pattern. An empty `loc` or a definition that fails is `nix`'s (the Nix
/// version).
fn submodule_merge(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let (nix, eval_modules, own_eval_modules, direct) = (&args[0], &args[1], &args[2], &args[3]);
    let (class, special_args, shorthand) = (&args[4], &args[5], &args[6]);
    let (base_modules, loc, defs) = (&args[7], &args[8], &args[9]);
    let fallback = || ev.call2(nix, loc.clone(), defs.clone(), pos);
    let Some(last) = ev.force_list(loc, pos)?.last().cloned() else { return fallback() };
    let shorthand = matches!(ev.force(shorthand)?, Value::Bool(Flag::TRUE));
    let base = ev.force_list(base_modules, pos)?;
    let defs_list = ev.force_list(defs, pos)?;
    let mut modules = Vec::with_capacity(base.len() + 1 + defs_list.len());
    modules.extend(base.iter().cloned());
    let args_name = syntax::sym!("args");
    let name = record([(syntax::sym!("name"), last)]);
    modules.push(record([(syntax::sym!("_module"), record([(args_name, name)]))]));
    for def in defs_list.iter() {
        let Ok(def) = ev.force_attrs(def, pos) else { return fallback() };
        let file = lazy_select(&def, names.file, pos);
        let value = lazy_select(&def, names.value, pos);
        let config = shorthand && matches!(ev.force(&value), Ok(Value::Attrs(_)));
        modules.push(if config {
            record([(syntax::sym!("_file"), file), (names.config, value)])
        } else {
            record([(syntax::sym!("_file"), file), (syntax::sym!("imports"), Value::list(vec![value]))])
        });
    }
    let modules = Value::list(modules);
    let eval_args = record([
        (syntax::sym!("class"), class.clone()),
        (syntax::sym!("modules"), modules.clone()),
        (syntax::sym!("prefix"), loc.clone()),
        (syntax::sym!("specialArgs"), special_args.clone()),
    ]);
    let evaluation = match (ev.force(eval_modules)?, ev.force(own_eval_modules)?, ev.force(direct)?) {
        (Value::Lambda(given), Value::Lambda(own), Value::PrimOpApp(direct))
            if Rc::ptr_eq(&given, &own) && direct.builtin.name == "strataEvalModules" && direct.args().len() == 1 =>
        {
            // The flat `config` at once, without the evaluation's record;
            // anything else (and every error) is the general machinery's.
            let helpers_value = direct.args()[0].clone();
            let [nix, unknown_file, lib] = flat_helpers(ev, &ev.force_attrs(&helpers_value, pos)?, pos)?;
            let flat = Flat { nix: &nix, unknown_file: &unknown_file, lib: &lib, prefix: loc, class };
            if let Ok(Some(config)) = flat_evaluation(ev, &flat, &modules, pos) {
                return Ok(config);
            }
            let args = [helpers_value, eval_args, modules, loc.clone(), special_args.clone(), class.clone()];
            evaluation_record(ev, &args, false, pos)?
        }
        (given, _, _) => ev.call(&given, eval_args, pos)?,
    };
    select(ev, &ev.force_attrs(&evaluation, pos)?, names.config, pos)
}

/// `strataJoinValues nix sep loc defs`: `separatedString`'s merge,
/// `concatStringsSep sep (getValues defs)`; definitions that are not
/// evaluated sets are `nix`'s (the Nix version).
fn join_values(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let value_name = Names::get().value;
    let defs = ev.force_list(&args[3], pos)?;
    let mut values = Vec::with_capacity(defs.len());
    for def in defs.iter() {
        let Value::Attrs(def) = def else { return ev.call2(&args[0], args[2].clone(), args[3].clone(), pos) };
        values.push(lazy_select(def, value_name, pos));
    }
    super::strings::concat_strings_sep(ev, &[args[1].clone(), Value::list(values)], pos)
}

/// `strataNullOrCheck elemType x`: `nullOr`'s check, `x == null ||
/// elemType.check x`.
fn null_or_check(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    if matches!(ev.force(&args[1])?, Value::Null) {
        return Ok(Value::bool(true));
    }
    let check = select(ev, &ev.force_attrs(&args[0], pos)?, OptionNames::get().check, pos)?;
    Ok(Value::bool(accepts(ev, &check, args[1].clone(), pos)?))
}

/// `strataNullOrMerge nix elemType loc defs`: `nullOr`'s merge, `null`
/// when every value is, `elemType`'s merge when none is; both is `nix`'s
/// error (the Nix version).
fn null_or_merge(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let value_name = Names::get().value;
    let (nix, elem_type, loc, defs) = (&args[0], &args[1], &args[2], &args[3]);
    let list = ev.force_list(defs, pos)?;
    let mut nulls = 0;
    for def in list.iter() {
        let def = ev.force_attrs(def, pos)?;
        nulls += usize::from(matches!(select(ev, &def, value_name, pos)?, Value::Null));
    }
    if nulls == list.len() {
        Ok(Value::Null)
    } else if nulls != 0 {
        ev.call2(nix, loc.clone(), defs.clone(), pos)
    } else {
        call_merge(ev, &ev.force_attrs(elem_type, pos)?, loc, defs, pos)
    }
}

/// `strataBothChecks first second x`: `addCheck`'s check, `first x &&
/// second x`.
fn both_checks(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    for check in &args[..2] {
        if !accepts(ev, check, args[2].clone(), pos)? {
            return Ok(Value::bool(false));
        }
    }
    Ok(Value::bool(true))
}

/// `strataAttrsMerge nix mergeDefinitions elemType loc defs`: the merge of
/// `attrsOf elemType`, `presentValues (mapAttrs (name: nameDefs:
/// (mergeDefinitions (loc ++ [ name ]) elemType nameDefs).optionalValue)
/// (byName defs))`: each name's definitions merged, the names left without
/// one dropped. A definition that is not a set is `nix`'s (the Nix
/// version), whose error it gives.
fn attrs_merge(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let (nix, merge_definitions, elem_type, loc, defs) = (&args[0], &args[1], &args[2], &args[3], &args[4]);
    let defs_list = ev.force_list(defs, pos)?;
    let mut sources: smallvec::SmallVec<[(Value, Rc<Attrs>); MERGED_GROUPS]> =
        smallvec::SmallVec::with_capacity(defs_list.len());
    for def in defs_list.iter() {
        let def = ev.force_attrs(def, pos)?;
        let Value::Attrs(value) = select(ev, &def, names.value, pos)? else {
            return ev.call2(nix, loc.clone(), defs.clone(), pos);
        };
        sources.push((lazy_select(&def, names.file, pos), value));
    }
    let by_name = group_sources(GroupKind::Values, &sources);
    let prefix = ev.force_list(loc, pos)?;
    let mut kept = Vec::with_capacity(by_name.len());
    for entry in by_name.entries() {
        let sub_loc = appended(prefix.items(), super::attrs::name_string(entry.name));
        if let Some(value) = merged_optional(ev, merge_definitions, sub_loc, elem_type, entry.value.clone(), pos)? {
            kept.push(AttrEntry { name: entry.name, value, pos: entry.pos });
        }
    }
    Ok(Value::attrs(Attrs::from_sorted(kept)))
}

/// `strataCheckedMergeV2 check merge nix { loc, defs }`: `checkedMerge`'s
/// `v2` (`types.nix`), `{ headError = null; value = merge loc defs; }`
/// when `check` accepts every definition; anything else is `nix`'s (the
/// Nix version), whose message it gives.
fn checked_merge_v2(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = OptionNames::get();
    let (check, merge, nix, argument) = (&args[0], &args[1], &args[2], &args[3]);
    let attrs = ev.force_attrs(argument, pos)?;
    let (loc, defs) = (lazy_select(&attrs, names.loc, pos), lazy_select(&attrs, names.defs, pos));
    if !all_pass(ev, check, &*ev.force_list(&defs, pos)?, pos)? {
        return ev.call(nix, argument.clone(), pos);
    }
    Ok(merged_v2(merge.clone(), loc, defs))
}

/// A `v2` merge's result without error: `{ headError = null; value =
/// merge loc defs; }`, the value computed when it is used.
fn merged_v2(merge: Value, loc: Value, defs: Value) -> Value {
    let value = Value::lazy_apply(partial(&CALL2, [merge, loc]), defs);
    record([(OptionNames::get().head_error, Value::Null), (Names::get().value, value)])
}

/// `strataEitherCheck left right x`: `either`'s check, `left.check x ||
/// right.check x`.
fn either_check(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let check_name = OptionNames::get().check;
    for side in &args[..2] {
        let check = select(ev, &ev.force_attrs(side, pos)?, check_name, pos)?;
        if accepts(ev, &check, args[2].clone(), pos)? {
            return Ok(Value::bool(true));
        }
    }
    Ok(Value::bool(false))
}

/// `strataEitherMergeV2 left right nix { loc, defs }`: `either`'s `v2`
/// merge, `{ headError = null; value = t.merge loc defs; }` for the first
/// type `t` whose check accepts every value; anything else is `nix`'s.
fn either_merge_v2(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = OptionNames::get();
    let (left, right, nix, argument) = (&args[0], &args[1], &args[2], &args[3]);
    let attrs = ev.force_attrs(argument, pos)?;
    let (loc, defs) = (lazy_select(&attrs, names.loc, pos), lazy_select(&attrs, names.defs, pos));
    let Some(side) = either_side(ev, left, right, &*ev.force_list(&defs, pos)?, pos)? else {
        return ev.call(nix, argument.clone(), pos);
    };
    Ok(merged_v2(select(ev, &side, names.merge, pos)?, loc, defs))
}

/// An option's value computed straight from its declaration `opt` (its
/// type final), `loc`, its definitions `defs` and the file of its first
/// declaration, without the records the general path keeps for the
/// option's other fields: the default (at `mkOptionDefault`'s priority)
/// and the definitions discharged and filtered as `mergeDefinitions` does,
/// merged by the type ([`merge_by_type`]). `None` for what the general
/// path must answer, with its message where it is an error: a read-only
/// option, a deprecated type, no definition, a definition the type
/// rejects; and an option with `apply`, which gets the merged value
/// unevaluated there (a function that ignores it never merges).
fn direct_value(
    ev: &Evaluator,
    opt: &Attrs,
    loc: &Value,
    defs: &List,
    first_file: &Value,
    pos: Pos,
) -> Result<Option<Value>> {
    let names = OptionNames::get();
    let base = Names::get();
    if opt.get(names.apply).is_some() {
        return Ok(None);
    }
    if let Some(read_only) = opt.get(names.read_only) {
        if ev.force_bool(read_only, pos)? {
            return Ok(None);
        }
    }
    let Some(type_) = opt.get(names.type_) else { return Ok(None) };
    let Value::Attrs(type_attrs) = ev.force(type_)? else { return Ok(None) };
    if let Some(message) = type_attrs.get(names.deprecation_message) {
        if !matches!(ev.force(message)?, Value::Null) {
            return Ok(None);
        }
    }
    let default = opt.get(names.default).map(|default| (first_file.clone(), default.clone()));
    let (_, values) = definitions_with_default(ev, &base, default, defs, pos)?;
    let final_list = ev.force_list(&values, pos)?;
    if final_list.is_empty() {
        return Ok(None);
    }
    merge_by_type(ev, &type_attrs, loc, &values, &final_list, pos)
}

/// An option's default as its first definition: `{ file; value =
/// mkOptionDefault default; }`.
fn default_definition(file: &Value, default: &Value) -> Value {
    let base = Names::get();
    let wrapped = record([
        (base.type_, super::attrs::name_string(syntax::sym!("override"))),
        (base.content, default.clone()),
        (base.priority, Value::Int(OPTION_DEFAULT_PRIORITY)),
    ]);
    record([(base.file, file.clone()), (base.value, wrapped)])
}

/// `type.getSubModules or null` for a type value (not a set: `null`).
fn sub_modules_of(ev: &Evaluator, names: &OptionNames, type_: &Value) -> Result<Option<Value>> {
    match ev.force(type_)? {
        Value::Attrs(attrs) => match attrs.get(names.get_sub_modules) {
            Some(value) => match ev.force(value)? {
                Value::Null => Ok(None),
                other => Ok(Some(other)),
            },
            None => Ok(None),
        },
        _ => Ok(None),
    }
}

/// `strataEvalOption nix loc decls defs`: one option of the tree, as
///
/// ```nix
/// evalOptionValue loc (fixupOptionType loc (mergeOptionDecls loc decls)) defs
/// ```
///
/// gives it, `nix` holding the Nix versions of those functions (and
/// `showOption`, `provenance`, `unspecified`, `optionToString`). One declaration is merged
/// here, several by the Nix `mergeOptionDecls`; a deprecated type is left
/// to the Nix `evalOptionValue`, which warns. The option's fields are
/// computed when they are used, each by an application of a builtin the
/// cycle collector can see through.
fn eval_option(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    match evaluated_option(ev, args, pos)? {
        Evaluated::Record(record) => Ok(record),
        Evaluated::Core(core) => option_record(ev, &core, pos).map_err(|err| err.at(core.declared)),
    }
}

/// [`option_of`] for `nix loc decls defs`, its errors at the first
/// declaration when they have no position.
fn evaluated_option(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Evaluated> {
    let decls = ev.force_list(&args[2], pos)?;
    let name = match ev.force_list(&args[1], pos)?.last() {
        Some(Value::String(name)) => Symbol::lookup(name.as_str()),
        _ => None,
    };
    let declared = declaration_pos(&decls, name);
    option_of(ev, args, &decls, declared, pos).map_err(|err| err.at(declared))
}

/// An option as [`option_of`] leaves it: its record, made by the Nix
/// `evalOptionValue` (a deprecated type), or what its record is made of.
enum Evaluated {
    Record(Value),
    Core(OptionCore),
}

/// What an option's value and the rest of its record are made from: the
/// option's value comes from `value` alone, so an option whose record
/// nobody reads (most of them: `config` reads only values) never gets the
/// fields of its record (`definitions`, `files`, `highestPrio`, ...), each
/// a thunk.
struct OptionCore {
    nix: Value,
    loc: Value,
    defs: Value,
    /// The merged declaration (`opt` in the Nix version).
    opt: Rc<Attrs>,
    /// The merge record of the definitions (see [`merge_option`]).
    merged: Value,
    /// The option's value (see [`option_value`]).
    value: Value,
    /// Where the option is declared, for errors without a position.
    declared: Pos,
}

/// The name of a leaf's core in the option tree (see [`walk_entry`]).
fn core_name() -> Symbol {
    syntax::sym!("strataCore")
}

impl Evaluated {
    /// As a value for the option tree: a list, `[ record ]` for a record,
    /// or `[ value opt merged nix loc defs declared ]` (internal to these
    /// builtins, which read it by index).
    fn into_value(self) -> Value {
        match self {
            Evaluated::Record(record) => Value::list(vec![record]),
            Evaluated::Core(core) => Value::list(vec![
                core.value,
                Value::Attrs(core.opt),
                core.merged,
                core.nix,
                core.loc,
                core.defs,
                pos_to_value(core.declared),
            ]),
        }
    }

    /// From a value [`Evaluated::into_value`] made.
    fn from_value(ev: &Evaluator, value: &Value, pos: Pos) -> Result<Evaluated> {
        let list = ev.force_list(value, pos)?;
        match list.items() {
            [record] => Ok(Evaluated::Record(record.clone())),
            [value, opt, merged, nix, loc, defs, declared] => Ok(Evaluated::Core(OptionCore {
                value: value.clone(),
                opt: ev.force_attrs(opt, pos)?,
                merged: merged.clone(),
                nix: nix.clone(),
                loc: loc.clone(),
                defs: defs.clone(),
                declared: pos_of_value(declared),
            })),
            _ => Err(error(ErrorKind::Eval, pos, "strataLeafOption: not an option's core")),
        }
    }
}

fn option_of(ev: &Evaluator, args: &[Value], decls: &List, declared: Pos, pos: Pos) -> Result<Evaluated> {
    let names = OptionNames::get();
    let (nix_value, loc, decls_value, defs) = (&args[0], &args[1], &args[2], &args[3]);
    let nix = ev.force_attrs(nix_value, pos)?;
    // mergeOptionDecls: the option's own entries (`base`, in name order)
    // and the ones added to them (`added`, which win).
    let base: Rc<Attrs>;
    let mut added: Vec<AttrEntry> = Vec::with_capacity(5);
    let first_file: Value;
    if decls.len() == 1 {
        let decl = ev.force_attrs(&decls[0], pos)?;
        let options = ev.force_attrs(&select(ev, &decl, Names::get().options, pos)?, pos)?;
        let file = lazy_select(&decl, names.file, pos);
        let sub_modules = match options.get(names.type_) {
            Some(type_) => sub_modules_of(ev, &names, type_)?,
            None => None,
        };
        let located = match &sub_modules {
            Some(list) => ev
                .force_list(list, pos)?
                .iter()
                .map(|module| record([(names.file, file.clone()), (names.imports, Value::list(vec![module.clone()]))]))
                .collect(),
            None => Vec::new(),
        };
        // In name order.
        added.extend([
            AttrEntry {
                name: names.declaration_positions,
                value: Value::list(vec![match (decl.get(names.pos), ev.force_list(loc, pos)?.last()) {
                    // Without its position (see `leaf_core`): made from the
                    // declaration as `withPositions` does.
                    (None, Some(name)) => {
                        Value::lazy_apply(partial(&DECLARATION_POSITION, [name.clone()]), Value::Attrs(decl.clone()))
                    }
                    _ => lazy_select(&decl, names.pos, pos),
                }]),
                pos: Pos::NONE,
            },
            AttrEntry { name: names.declarations, value: Value::list(vec![file.clone()]), pos: Pos::NONE },
            AttrEntry { name: names.loc, value: loc.clone(), pos: Pos::NONE },
            AttrEntry { name: Names::get().options, value: Value::list(located), pos: Pos::NONE },
        ]);
        base = options;
        first_file = file;
    } else {
        let merged = ev.force_attrs(
            &ev.call2(&select(ev, &nix, names.merge_option_decls, pos)?, loc.clone(), decls_value.clone(), pos)?,
            pos,
        )?;
        let declarations = ev.force_list(&select(ev, &merged, names.declarations, pos)?, pos)?;
        first_file = match declarations.first() {
            Some(file) => file.clone(),
            None => return Err(error(ErrorKind::Eval, pos, "strataEvalOption: an option without declarations")),
        };
        base = merged;
    }
    // fixupOptionType
    let type_ = match base.get(names.type_) {
        Some(value) => value.clone(),
        None => select(ev, &nix, names.unspecified, pos)?,
    };
    let final_type = match sub_modules_of(ev, &names, &type_)? {
        Some(_) => {
            let type_attrs = ev.force_attrs(&type_, pos)?;
            let options_name = Names::get().options;
            let modules = match added.iter().find(|entry| entry.name == options_name) {
                Some(entry) => entry.value.clone(),
                None => match base.get(options_name) {
                    Some(value) => value.clone(),
                    None => {
                        let all = Attrs::merged(base.entries(), &added);
                        return Err(ev.missing_attr(&all, options_name, pos));
                    }
                },
            };
            substituted_type(ev, &type_, &type_attrs, modules, pos)?
        }
        None => type_,
    };
    // `type` sorts after the names `added` has.
    added.push(AttrEntry { name: names.type_, value: final_type.clone(), pos: Pos::NONE });
    let opt = Attrs::merged(base.entries(), &added);
    let opt_value = Value::Attrs(opt.clone());
    // evalOptionValue
    let deprecated = match ev.force(&final_type)? {
        Value::Attrs(attrs) => match attrs.get(names.deprecation_message) {
            Some(message) => !matches!(ev.force(message)?, Value::Null),
            None => false,
        },
        _ => false,
    };
    if deprecated {
        let nix_option = select(ev, &nix, names.eval_option_value, pos)?;
        return Ok(Evaluated::Record(call3(ev, &nix_option, loc.clone(), opt_value, defs.clone(), pos)?));
    }
    // The definitions are read only when the value (or what comes from
    // the merge) is used: the option itself (its type, declarations) must
    // not depend on them.
    let merged = Value::lazy_apply(
        partial(
            &OPTION_MERGED,
            [nix_value.clone(), loc.clone(), opt_value.clone(), defs.clone(), pos_to_value(declared)],
        ),
        first_file.clone(),
    );
    let apply = match opt.get(names.apply) {
        Some(apply) => Value::list(vec![apply.clone()]),
        None => Value::Null,
    };
    let show_option = select(ev, &nix, names.show_option, pos)?;
    let value = Value::lazy_apply(
        partial(
            &DIRECT_OPTION_VALUE,
            [show_option, loc.clone(), apply, pos_to_value(declared), merged.clone(), opt_value, defs.clone()],
        ),
        first_file,
    );
    Ok(Evaluated::Core(OptionCore {
        nix: nix_value.clone(),
        loc: loc.clone(),
        defs: defs.clone(),
        opt,
        merged,
        value,
        declared,
    }))
}

thread_local! {
    /// Types with their submodules replaced (`type.substSubModules
    /// modules` in `fixupOptionType`), by the type and the file and
    /// identity of each module (see [`substituted_key`]), with what keeps
    /// those alive: the machines of a fleet that share a declaration
    /// share its final type, rather than making it (and its submodules'
    /// base evaluation) again each. Visible as [`shared_declarations`] is:
    /// a `builtins.trace` inside a type's `substSubModules` shows once.
    static SUBSTITUTED: std::cell::RefCell<rustc_hash::FxHashMap<SubstitutedKey, Substituted>> = Default::default();
}

/// `type.substSubModules modules` (`type_` is `type_attrs` as a value),
/// the one an earlier option made from the same type and modules (see
/// [`SUBSTITUTED`]).
fn substituted_type(ev: &Evaluator, type_: &Value, type_attrs: &Rc<Attrs>, modules: Value, pos: Pos) -> Result<Value> {
    let key = substituted_key(ev, type_attrs, &modules)?;
    if let Some(known) =
        key.as_ref().and_then(|key| SUBSTITUTED.with(|known| known.borrow().get(key).map(|kept| kept.1.clone())))
    {
        return Ok(known);
    }
    let substitute = select(ev, type_attrs, OptionNames::get().subst_sub_modules, pos)?;
    let substituted = ev.call(&substitute, modules.clone(), pos)?;
    if let Some(key) = key {
        let kept = ((type_.clone(), modules), substituted.clone());
        SUBSTITUTED.with(|known| keep_bounded(&mut known.borrow_mut(), key, kept));
    }
    Ok(substituted)
}

/// The type's address, then each module's file and address.
type SubstitutedKey = (usize, Vec<(String, usize)>);

/// What [`SUBSTITUTED`] keeps: the type and the modules (alive, so that
/// their addresses name them), then the substituted type.
type Substituted = ((Value, Value), Value);

/// The key of [`SUBSTITUTED`] for `type_attrs` given `modules` (`{ _file;
/// imports = [ module ]; }` each, as a single declaration makes them), or
/// `None` for modules of another shape.
fn substituted_key(ev: &Evaluator, type_attrs: &Rc<Attrs>, modules: &Value) -> Result<Option<SubstitutedKey>> {
    let names = OptionNames::get();
    let Value::List(modules) = modules else { return Ok(None) };
    let mut parts = Vec::with_capacity(modules.len());
    for module in modules.iter() {
        let Value::Attrs(module) = module else { return Ok(None) };
        let (Some(file), Some(Value::List(imports))) = (module.get(names.file), module.get(names.imports)) else {
            return Ok(None);
        };
        let Value::String(file) = ev.force(file)? else { return Ok(None) };
        let address = match imports.items() {
            [Value::Attrs(set)] => Rc::as_ptr(set) as usize,
            [Value::Lambda(closure)] => Rc::as_ptr(closure) as usize,
            [Value::Thunk(thunk)] => Rc::as_ptr(thunk) as usize,
            _ => return Ok(None),
        };
        parts.push((file.as_str().to_owned(), address));
    }
    Ok(Some((Rc::as_ptr(type_attrs) as usize, parts)))
}

/// The record of an option (`evalOptionValue`'s result): its merged
/// declaration with the fields computed from its definitions, each when it
/// is used.
fn option_record(ev: &Evaluator, core: &OptionCore, pos: Pos) -> Result<Value> {
    let names = OptionNames::get();
    let OptionCore { nix, loc, defs, opt, merged, value, .. } = core;
    let nix = ev.force_attrs(nix, pos)?;
    let has_default = opt.get(names.default).is_some();
    let field = |kind: i64| Value::lazy_apply(Value::PrimOp(&MERGED_FIELDS[kind as usize]), merged.clone());
    let provenance =
        Value::lazy_apply(partial(&CALL2, [select(ev, &nix, names.provenance, pos)?, loc.clone()]), defs.clone());
    let part = |builtin: &'static Builtin| Value::lazy_apply(Value::PrimOp(builtin), provenance.clone());
    // In name order; the option's own entries of the same names lose.
    let result = [
        AttrEntry {
            name: names.to_string,
            value: Value::lazy_apply(select(ev, &nix, names.option_to_string, pos)?, loc.clone()),
            pos: Pos::NONE,
        },
        AttrEntry { name: names.definitions, value: field(FIELD_DEFINITIONS), pos: Pos::NONE },
        AttrEntry { name: names.definitions_with_locations, value: field(FIELD_DEFS_FINAL), pos: Pos::NONE },
        AttrEntry { name: names.definitions_with_positions, value: part(&PROVENANCE_ENABLED), pos: Pos::NONE },
        AttrEntry { name: names.disabled_definitions, value: part(&PROVENANCE_DISABLED), pos: Pos::NONE },
        AttrEntry { name: names.files, value: field(FIELD_FILES), pos: Pos::NONE },
        AttrEntry { name: Names::get().highest_prio, value: field(FIELD_HIGHEST_PRIO), pos: Pos::NONE },
        AttrEntry { name: names.is_defined, value: field(FIELD_IS_DEFINED), pos: Pos::NONE },
        AttrEntry {
            name: names.used_default,
            value: if has_default { field(FIELD_USED_DEFAULT) } else { Value::bool(false) },
            pos: Pos::NONE,
        },
        AttrEntry { name: Names::get().value, value: value.clone(), pos: Pos::NONE },
    ];
    Ok(Value::attrs(Attrs::merged(opt.entries(), &result)))
}

/// The merge record of an option: `nix loc opt defs declaredAt firstFile`
/// (errors without a position get the declaration's), failing as
/// the Nix `evalOptionValue` does for a read-only option set twice.
static OPTION_MERGED: Builtin = Builtin { name: "strataOptionMerged", arity: 6, func: option_merged };

fn option_merged(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    merge_option(ev, args, pos).map_err(|err| err.at(pos_of_value(&args[4])))
}

fn merge_option(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = OptionNames::get();
    let (nix_value, loc, opt_value, defs, first_file) = (&args[0], &args[1], &args[2], &args[3], &args[5]);
    let nix = ev.force_attrs(nix_value, pos)?;
    let opt = ev.force_attrs(opt_value, pos)?;
    // `allDefs`: the default first, as a definition of priority 1500.
    let defs_list = ev.force_list(defs, pos)?;
    let mut all_defs = Vec::with_capacity(defs_list.len() + 1);
    if let Some(default) = opt.get(names.default) {
        all_defs.push(default_definition(first_file, default));
    }
    all_defs.extend(defs_list.iter().cloned());
    let all_defs = &Value::list(all_defs);
    let read_only = match opt.get(names.read_only) {
        Some(value) => ev.force_bool(value, pos)?,
        None => false,
    };
    if read_only && ev.force_list(all_defs, pos)?.len() > 1 {
        // The Nix version throws the message (with every value) here.
        let option = call3(
            ev,
            &select(ev, &nix, names.eval_option_value, pos)?,
            loc.clone(),
            opt_value.clone(),
            defs.clone(),
            pos,
        )?;
        select(ev, &ev.force_attrs(&option, pos)?, Names::get().highest_prio, pos)?;
    }
    let type_ = select(ev, &opt, names.type_, pos)?;
    let fallback = select(ev, &nix, names.merge_definitions, pos)?;
    let (highest, values) = definitions_core(ev, &Names::get(), all_defs, pos)?;
    Ok(merge_record(ev, &fallback, loc, &type_, all_defs, highest, values))
}

const FIELD_HIGHEST_PRIO: i64 = 0;
const FIELD_DEFINITIONS: i64 = 1;
const FIELD_FILES: i64 = 2;
const FIELD_DEFS_FINAL: i64 = 3;
const FIELD_IS_DEFINED: i64 = 4;
const FIELD_USED_DEFAULT: i64 = 5;

/// The fields of an option computed from its merge record, by kind
/// (`FIELD_*`): each applied to the record. (A builtin per field rather
/// than one applied to the kind: one object less per field and option.)
static MERGED_FIELDS: [Builtin; 6] = [
    Builtin { name: "strataOptionHighestPrio", arity: 1, func: field_highest_prio },
    Builtin { name: "strataOptionDefinitions", arity: 1, func: field_definitions },
    Builtin { name: "strataOptionFiles", arity: 1, func: field_files },
    Builtin { name: "strataOptionDefsFinal", arity: 1, func: field_defs_final },
    Builtin { name: "strataOptionIsDefined", arity: 1, func: field_is_defined },
    Builtin { name: "strataOptionUsedDefault", arity: 1, func: field_used_default },
];

fn field_highest_prio(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    merged_field(ev, FIELD_HIGHEST_PRIO, &args[0], pos)
}

fn field_definitions(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    merged_field(ev, FIELD_DEFINITIONS, &args[0], pos)
}

fn field_files(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    merged_field(ev, FIELD_FILES, &args[0], pos)
}

fn field_defs_final(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    merged_field(ev, FIELD_DEFS_FINAL, &args[0], pos)
}

fn field_is_defined(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    merged_field(ev, FIELD_IS_DEFINED, &args[0], pos)
}

fn field_used_default(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    merged_field(ev, FIELD_USED_DEFAULT, &args[0], pos)
}

/// `definitionsWithPositions` and `disabledDefinitions` from the result of
/// `definitionProvenance`.
static PROVENANCE_ENABLED: Builtin = Builtin { name: "strataProvenanceEnabled", arity: 1, func: provenance_enabled };
static PROVENANCE_DISABLED: Builtin = Builtin { name: "strataProvenanceDisabled", arity: 1, func: provenance_disabled };

fn provenance_enabled(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    select(ev, &ev.force_attrs(&args[0], pos)?, syntax::sym!("enabled"), pos)
}

fn provenance_disabled(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    select(ev, &ev.force_attrs(&args[0], pos)?, syntax::sym!("disabled"), pos)
}

fn merged_field(ev: &Evaluator, kind: i64, merged: &Value, pos: Pos) -> Result<Value> {
    let names = OptionNames::get();
    let base = Names::get();
    let record = ev.force_attrs(merged, pos)?;
    let highest = |ev: &Evaluator| -> Result<Value> {
        let final_record = ev.force_attrs(&select(ev, &record, names.defs_final_record, pos)?, pos)?;
        select(ev, &final_record, base.highest_prio, pos)
    };
    let each = |ev: &Evaluator, name: Symbol| -> Result<Value> {
        let defs = ev.force_list(&select(ev, &record, names.defs_final, pos)?, pos)?;
        let mut out = Vec::with_capacity(defs.len());
        for def in defs.iter() {
            out.push(lazy_select(&ev.force_attrs(def, pos)?, name, pos));
        }
        Ok(Value::list(out))
    };
    match kind {
        FIELD_HIGHEST_PRIO => highest(ev),
        FIELD_DEFINITIONS => each(ev, base.value),
        FIELD_FILES => each(ev, base.file),
        FIELD_DEFS_FINAL => select(ev, &record, names.defs_final, pos),
        FIELD_IS_DEFINED => select(ev, &record, names.is_defined, pos),
        FIELD_USED_DEFAULT => Ok(Value::bool(ev.equal(&highest(ev)?, &Value::Int(OPTION_DEFAULT_PRIORITY), false)?)),
        other => Err(error(ErrorKind::Eval, pos, format!("strataMergedField: unknown field {other}"))),
    }
}

/// An option's `value` from its merge record: `showOption loc apply
/// declaredAt record`, `apply` being `[ f ]` or `null`; errors get the
/// frame the Nix version adds with `addErrorContext` (and the
/// declaration's position if they have none).
fn option_value(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = OptionNames::get();
    let (show_option, loc, apply, merged) = (&args[0], &args[1], &args[2], &args[4]);
    let declared = pos_of_value(&args[3]);
    let compute = || -> Result<Value> {
        // `apply` gets the merged value unevaluated, as in Nix: a function
        // that ignores it evaluates no definition.
        if let Some(function) = match apply {
            Value::List(apply) => apply.first(),
            _ => None,
        } {
            let value = Value::lazy_apply(Value::PrimOp(&MERGED_VALUE_OF), merged.clone());
            return ev.force(&ev.call(function, value, pos)?);
        }
        let record = ev.force_attrs(merged, pos)?;
        select(ev, &record, names.merged_value, pos)
    };
    compute().map_err(|err| {
        let shown = ev
            .call(show_option, loc.clone(), pos)
            .and_then(|text| ev.coerce_to_string(&text, pos, Coercion::TO_STRING))
            .map(|text| text.text)
            .unwrap_or_default();
        err.at(declared).with_frame(pos, format!("while evaluating the option `{shown}':"))
    })
}

/// An option's `value` as [`direct_value`] computes it, without the merge
/// record: `showOption loc apply declaredAt record opt defs firstFile`
/// ([`option_value`]'s arguments and what `record` is made from);
/// anything else and every error are [`option_value`]'s, from the record.
static DIRECT_OPTION_VALUE: Builtin = Builtin { name: "strataDirectOptionValue", arity: 8, func: direct_option_value };

fn direct_option_value(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (loc, opt, defs, first_file) = (&args[1], &args[5], &args[6], &args[7]);
    let direct = || -> Result<Option<Value>> {
        let opt = ev.force_attrs(opt, pos)?;
        let defs = ev.force_list(defs, pos)?;
        direct_value(ev, &opt, loc, &defs, first_file, pos)
    };
    match direct() {
        Ok(Some(value)) => Ok(value),
        Ok(None) | Err(_) => option_value(ev, &args[..5], pos),
    }
}

/// `f a b`, as a value to apply lazily.
static CALL2: Builtin = Builtin { name: "strataCall2", arity: 3, func: call_two };

fn call_two(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    ev.call2(&args[0], args[1].clone(), args[2].clone(), pos)
}

/// A loaded module's `key`.
static MODULE_KEY: Builtin = Builtin { name: "strataModuleKey", arity: 1, func: module_key };

fn module_key(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    select(ev, &ev.force_attrs(&args[0], pos)?, syntax::sym!("key"), pos)
}

// ---------------------------------------------------------------------------
// Loading modules

/// The names a module may use beside its definitions (`modules.nix`'s
/// `moduleStructureKeys`).
const MODULE_STRUCTURE_KEYS: [&str; 9] =
    ["_class", "_file", "key", "disabledModules", "imports", "options", "config", "meta", "freeformType"];

/// `strataLoadModule fallback class args file key m`: `modules.nix`'s
/// `loadModule class args file key m`, the module in its explicit form
/// `{ _file, _class, key, disabledModules, imports, options, config }`.
/// Sets, lambdas and paths to files holding either are loaded here; every
/// other kind of module, and every error, is left to `fallback` (the Nix
/// version), whose messages they are.
fn load_module(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    load_module_from(ev, args, &Value::Null, pos)
}

/// [`load_module`], module functions' arguments that `args` lacks read
/// from the definitions in `source` where they can be (see
/// [`argument_from_definitions`]).
fn load_module_from(ev: &Evaluator, args: &[Value], source: &Value, pos: Pos) -> Result<Value> {
    let (class, module_args, file, key, module) = (&args[1], &args[2], &args[3], &args[4], &args[5]);
    let fallback = || -> Result<Value> {
        let partial = call3(ev, &args[0], class.clone(), module_args.clone(), file.clone(), pos)?;
        ev.call2(&partial, key.clone(), module.clone(), pos)
    };
    let loaded = match ev.force(module)? {
        Value::Attrs(attrs) => {
            if attrs.get(ev.symbols.functor).is_some() || !is_module_kind(ev, &attrs)? {
                return fallback();
            }
            unify_module(ev, file, key, &attrs)
        }
        function @ Value::Lambda(_) => {
            let applied = ev.force(&apply_module_args(ev, key, &function, module_args, source, pos)?)?;
            let Value::Attrs(attrs) = applied else { return fallback() };
            let attrs = shared_module_options(ev, &function, attrs, module_args)?;
            unify_module(ev, file, key, &attrs)
        }
        path @ (Value::Path(_) | Value::String(_)) => {
            let shown = ev.coerce_to_string(&path, pos, Coercion::TO_STRING)?;
            let shown = Value::String(Rc::new(shown));
            let imported = super::control::import(ev, &[path], pos)?;
            let applied = match &imported {
                Value::Lambda(_) => ev.force(&apply_module_args(ev, &shown, &imported, module_args, source, pos)?)?,
                Value::Attrs(attrs) if attrs.get(ev.symbols.functor).is_none() => imported.clone(),
                _ => return fallback(),
            };
            let Value::Attrs(attrs) = applied else { return fallback() };
            let attrs = shared_module_options(ev, &imported, attrs, module_args)?;
            unify_module(ev, &shown, &shown, &attrs)
        }
        _ => return fallback(),
    };
    let Some(loaded) = loaded else { return fallback() };
    // A module of another class is an error (the fallback's message).
    if !matches!(ev.force(class)?, Value::Null) {
        let own = ev.force(&select(ev, &loaded, syntax::sym!("_class"), pos)?)?;
        if !matches!(own, Value::Null) && !ev.equal(&own, class, false)? {
            return fallback();
        }
    }
    Ok(Value::Attrs(loaded))
}

/// `elem (m._type or "module") [ "module" "if" "merge" "override" ]`.
fn is_module_kind(ev: &Evaluator, attrs: &Attrs) -> Result<bool> {
    let Some(tag) = attrs.get(Names::get().type_) else { return Ok(true) };
    Ok(match ev.force(tag)? {
        Value::String(text) => matches!(text.as_str(), "module" | "if" | "merge" | "override"),
        _ => false,
    })
}

/// `applyModuleArgs key f args`: calls the module function `f` with `args`
/// and, for each argument it names that `args` lacks,
/// `config._module.args.NAME` (evaluated when used; `source` is what
/// [`argument_from_definitions`] reads it from, or `null`).
fn apply_module_args(
    ev: &Evaluator,
    key: &Value,
    function: &Value,
    args: &Value,
    source: &Value,
    pos: Pos,
) -> Result<Value> {
    let Value::Lambda(closure) = function else {
        return Err(ev.expected(function, "a function", pos));
    };
    let given = ev.force_attrs(args, pos)?;
    let mut added = Vec::new();
    if let syntax::ast::Param::Pattern { formals, .. } = &closure.def.param {
        for formal in formals.iter() {
            if given.get(formal.name).is_none() {
                let value = Value::lazy_apply(
                    partial(
                        &MODULE_ARGUMENT,
                        [key.clone(), super::attrs::name_string(formal.name), pos_to_value(formal.pos), source.clone()],
                    ),
                    args.clone(),
                );
                added.push(AttrEntry { name: formal.name, value, pos: Pos::NONE });
            }
        }
    }
    let argument = if added.is_empty() {
        Value::Attrs(given)
    } else {
        Value::attrs(Attrs::update(&given, &Attrs::from_unsorted(added)))
    };
    ev.call(function, argument, pos)
}

/// `key name formalAt source args`: `args.config._module.args.${name}`,
/// with the context `applyModuleArgs` adds to its errors; an error without
/// a position gets the one of the module function's formal argument.
static MODULE_ARGUMENT: Builtin = Builtin { name: "strataModuleArgument", arity: 5, func: module_argument };

fn module_argument(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let compute = || -> Result<Value> {
        let name = ev.force_symbol(&args[1], pos)?;
        // Errors are the option's: on one, the option gives it.
        if let Ok(Some(value)) = argument_from_definitions(ev, &args[3], name, pos) {
            return Ok(value);
        }
        let given = ev.force_attrs(&args[4], pos)?;
        let config = ev.force_attrs(&select(ev, &given, Names::get().config, pos)?, pos)?;
        let module = ev.force_attrs(&select(ev, &config, syntax::sym!("_module"), pos)?, pos)?;
        let module_args = ev.force_attrs(&select(ev, &module, syntax::sym!("args"), pos)?, pos)?;
        select(ev, &module_args, name, pos)
    };
    compute().map_err(|err| {
        let name = ev.force_str(&args[1], pos).unwrap_or_default();
        let key = ev.coerce_to_string(&args[0], pos, Coercion::TO_STRING).map(|key| key.text).unwrap_or_default();
        err.at(pos_of_value(&args[2]))
            .with_frame(pos, format!("while evaluating the module argument `{name}' in \"{key}\":"))
    })
}

/// `config._module.args.${name}` read from the definitions of an
/// evaluation without evaluating the option `_module.args`, where that
/// gives the same value: `source` is the evaluation's `levelInputs`
/// (`{ decls; defs; }`); only the internal module declares anything under
/// `_module` (so `args` is its `lazyAttrsOf raw`), every definition of
/// `_module` and of `_module.args` is a plain set, and among the
/// definitions of `args.${name}` (plain values or `mkOverride`s of plain
/// values) exactly one has the highest priority: its value is the
/// argument, as `raw`'s merge of that one definition gives it. `None`
/// otherwise, for the option to give the value or the error.
fn argument_from_definitions(ev: &Evaluator, source: &Value, name: Symbol, pos: Pos) -> Result<Option<Value>> {
    // While `source` is being computed (an argument used in `imports`),
    // forcing it fails, and the caller goes through the option, which
    // fails as nixpkgs does.
    if matches!(source, Value::Null) {
        return Ok(None);
    }
    let names = Names::get();
    let inputs = ev.force_attrs(source, pos)?;
    if !only_internal_declares_module(ev, &inputs, pos)? {
        return Ok(None);
    }
    // A definition the option must see (`args` not a plain set, a
    // property other than a priority) gives up.
    let mut highest = HighestDefinition::default();
    let simple = each_plain_module_definition(ev, &inputs, pos, |module| {
        let Some(module_args) = module.get(syntax::sym!("args")) else { return Ok(true) };
        let module_args = ev.force(module_args)?;
        let Some(module_args) = as_attrs(&module_args).filter(|set| set.get(names.type_).is_none()) else {
            return Ok(false);
        };
        match module_args.get(name) {
            Some(argument) => highest.offer(ev, argument, pos),
            None => Ok(true),
        }
    })?;
    Ok(if simple { highest.value() } else { None })
}

/// The one definition of the highest priority among those offered (plain
/// values and `mkOverride`s of plain values), its value as `raw`'s merge of
/// that one definition gives it; none when two have it.
#[derive(Default)]
struct HighestDefinition {
    /// The highest priority seen (lowest number), its value, and whether
    /// another definition has it too.
    best: Option<(i64, Value, bool)>,
}

impl HighestDefinition {
    /// Offers a definition; false for one only the option can merge (a
    /// property other than a priority).
    fn offer(&mut self, ev: &Evaluator, argument: &Value, pos: Pos) -> Result<bool> {
        let names = Names::get();
        let argument = ev.force(argument)?;
        let (priority, content) = match (kind_of(ev, &names, &argument)?, &argument) {
            (Kind::Other, _) => (DEFAULT_OVERRIDE_PRIORITY, argument.clone()),
            (Kind::Override, Value::Attrs(attrs)) => {
                let priority = ev.force_int(&select(ev, attrs, names.priority, pos)?, pos)?;
                let content = ev.force(&select(ev, attrs, names.content, pos)?)?;
                if kind_of(ev, &names, &content)? != Kind::Other {
                    return Ok(false);
                }
                (priority, content)
            }
            _ => return Ok(false),
        };
        self.best = match self.best.take() {
            Some((kept, value, tied)) if kept < priority => Some((kept, value, tied)),
            Some((kept, value, _)) if kept == priority => Some((kept, value, true)),
            _ => Some((priority, content, false)),
        };
        Ok(true)
    }

    fn value(self) -> Option<Value> {
        match self.best {
            Some((_, value, false)) => Some(value),
            _ => None,
        }
    }
}

/// `unifyModuleSyntax file key m` for a set `m`; `None` where the Nix
/// version throws (a top-level `config` or `options` beside other names).
fn unify_module(ev: &Evaluator, file: &Value, key: &Value, module: &Rc<Attrs>) -> Option<Rc<Attrs>> {
    let names = Names::get();
    let structure = MODULE_STRUCTURE.with(|symbols| *symbols);
    let (class, file_name, key_name) = (syntax::sym!("_class"), syntax::sym!("_file"), syntax::sym!("key"));
    let (disabled_modules, imports) = (syntax::sym!("disabledModules"), syntax::sym!("imports"));
    let (meta, freeform_type) = (syntax::sym!("meta"), syntax::sym!("freeformType"));
    let explicit = module.get(names.config).is_some() || module.get(names.options).is_some();
    let is_extra = |entry: &&AttrEntry| !structure.contains(&entry.name);
    let extra = module.entries().iter().filter(is_extra).count();
    if explicit && extra != 0 {
        return None;
    }
    let plain = if explicit {
        module.get(names.config).cloned().unwrap_or_else(|| ev.empty_attrs.clone())
    } else if extra == module.len() {
        Value::Attrs(module.clone())
    } else {
        Value::attrs(Attrs::from_sorted(module.entries().iter().filter(is_extra).cloned().collect()))
    };
    let merge = |items: Vec<Value>| {
        record([(names.type_, super::attrs::name_string(syntax::sym!("merge"))), (names.contents, Value::list(items))])
    };
    let with_meta = match module.get(meta) {
        Some(value) => merge(vec![plain, record([(meta, value.clone())])]),
        None => plain,
    };
    let config = match module.get(freeform_type) {
        Some(freeform) => {
            merge(vec![with_meta, record([(syntax::sym!("_module"), record([(freeform_type, freeform.clone())]))])])
        }
        None => with_meta,
    };
    let or_else = |name: Symbol, otherwise: Value| module.get(name).cloned().unwrap_or(otherwise);
    let options = if explicit { or_else(names.options, ev.empty_attrs.clone()) } else { ev.empty_attrs.clone() };
    let entry = |name: Symbol, value: Value| AttrEntry { name, value, pos: Pos::NONE };
    // In name order.
    Some(Attrs::from_sorted_iter(
        [
            entry(class, or_else(class, Value::Null)),
            entry(file_name, stringified(module, file_name, file)),
            entry(names.config, config),
            entry(disabled_modules, or_else(disabled_modules, ev.empty_list.clone())),
            entry(imports, or_else(imports, ev.empty_list.clone())),
            entry(key_name, stringified(module, key_name, key)),
            entry(names.options, options),
        ]
        .into_iter(),
    ))
}

thread_local! {
    /// The symbols of [`MODULE_STRUCTURE_KEYS`].
    static MODULE_STRUCTURE: [Symbol; 9] = MODULE_STRUCTURE_KEYS.map(Symbol::intern);
}

/// `builtins.toString`, to apply lazily.
static TO_STRING: Builtin = Builtin { name: "toString", arity: 1, func: super::control::to_string };

// ---------------------------------------------------------------------------
// Collecting modules

/// `strataModuleNodes load class args parentFile parentKey modules`: the
/// import-tree nodes of `modules` (imported by a module of file
/// `parentFile` and key `parentKey`), each
/// `{ key, module, children }`, everything in it computed when used:
///
/// ```nix
/// lib.imap1 (index: m: let module = load class args parentFile "${parentKey}:anon-${toString index}" m; in
///   { inherit (module) key; inherit module; children = <the nodes of module.imports>; }) modules
/// ```
fn module_nodes(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let parent_key = ev.coerce_to_string(&args[4], pos, Coercion::INTERPOLATION)?;
    let modules = ev.force_list(&args[5], pos)?;
    Ok(nodes_of(&args[0], &args[1], &args[2], &args[3], &parent_key, modules.items()))
}

fn nodes_of(
    load: &Value,
    class: &Value,
    args: &Value,
    parent_file: &Value,
    parent_key: &NixString,
    modules: &[Value],
) -> Value {
    let names = Names::get();
    let key_name = syntax::sym!("key");
    let mut nodes = Vec::with_capacity(modules.len());
    for (index, module) in modules.iter().enumerate() {
        let mut key = parent_key.clone();
        key.text.push_str(&format!(":anon-{}", index + 1));
        let call = vec![class.clone(), args.clone(), parent_file.clone(), Value::String(Rc::new(key)), module.clone()];
        let loaded = Value::lazy_apply(partial(&CALL_N, [load.clone()]), Value::list(call));
        let children =
            Value::lazy_apply(partial(&NODE_CHILDREN, [load.clone(), class.clone(), args.clone()]), loaded.clone());
        nodes.push(record([
            (key_name, Value::lazy_apply(Value::PrimOp(&MODULE_KEY), loaded.clone())),
            (syntax::sym!("module"), loaded),
            (names.children, children),
        ]));
    }
    Value::list(nodes)
}

/// `f args`: a function applied to the items of the list `args` in turn.
static CALL_N: Builtin = Builtin { name: "strataCallN", arity: 2, func: call_n };

fn call_n(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let result = apply_each(ev, &args[0], ev.force_list(&args[1], pos)?.iter().cloned(), pos)?;
    ev.force(&result)
}

/// `function` applied to `arguments` one after the other.
fn apply_each(ev: &Evaluator, function: &Value, arguments: impl IntoIterator<Item = Value>, pos: Pos) -> Result<Value> {
    let mut result = function.clone();
    for argument in arguments {
        result = ev.call(&result, argument, pos)?;
    }
    Ok(result)
}

/// The children of a node: `load class args module`, the nodes of
/// `module.imports`.
static NODE_CHILDREN: Builtin = Builtin { name: "strataNodeChildren", arity: 4, func: node_children };

fn node_children(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (file, key, imports) = import_parts(ev, &ev.force_attrs(&args[3], pos)?, pos)?;
    Ok(nodes_of(&args[0], &args[1], &args[2], &file, &key, imports.items()))
}

/// What a loaded module's imports are loaded with: its `_file` (not
/// evaluated), its `key` as a string (shared when it is one already), and
/// its `imports`.
fn import_parts(ev: &Evaluator, module: &Rc<Attrs>, pos: Pos) -> Result<(Value, Rc<NixString>, Rc<List>)> {
    let file = lazy_select(module, syntax::sym!("_file"), pos);
    let key = match ev.force(&select(ev, module, syntax::sym!("key"), pos)?)? {
        Value::String(key) => key,
        other => Rc::new(ev.coerce_to_string(&other, pos, Coercion::INTERPOLATION)?),
    };
    let imports = ev.force_list(&select(ev, module, syntax::sym!("imports"), pos)?, pos)?;
    Ok((file, key, imports))
}

/// Appends `number` in decimal.
fn push_decimal(out: &mut String, number: usize) {
    if number >= 10 {
        push_decimal(out, number / 10);
    }
    out.push(char::from(b'0' + (number % 10) as u8));
}

/// A module key as the set of keys seen holds it: the string value,
/// compared by its text.
#[derive(Clone)]
struct KeyText(Rc<NixString>);

impl PartialEq for KeyText {
    fn eq(&self, other: &KeyText) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || self.0.text == other.0.text
    }
}

impl Eq for KeyText {}

impl std::hash::Hash for KeyText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.text.hash(state)
    }
}

/// One place a module appears in the import tree: the module as written,
/// where it was imported, and once looked at, the loaded module, its key
/// and its imports' occurrences.
struct Occurrence {
    parent_file: Value,
    parent_key: Rc<NixString>,
    index: usize,
    module: Value,
    loaded: Option<Rc<Attrs>>,
    key: Option<KeyText>,
    /// The occurrences of its imports, added together (see [`ImportTree::add`]).
    children: Option<std::ops::Range<usize>>,
}

/// The import tree of one `collectModules`, loaded as far as walking it needed.
struct ImportTree<'a> {
    ev: &'a Evaluator,
    load: &'a Value,
    class: &'a Value,
    args: &'a Value,
    /// Where module functions' arguments are read from (see
    /// [`argument_from_definitions`]), or `null`.
    source: &'a Value,
    occurrences: Vec<Occurrence>,
    pos: Pos,
}

impl ImportTree<'_> {
    /// Adds the occurrences of `modules`, next to each other.
    fn add(&mut self, parent_file: Value, parent_key: Rc<NixString>, modules: &[Value]) -> std::ops::Range<usize> {
        let first = self.occurrences.len();
        self.occurrences.reserve(modules.len());
        for (index, module) in modules.iter().enumerate() {
            let occurrence = Occurrence {
                parent_file: parent_file.clone(),
                parent_key: parent_key.clone(),
                index: index + 1,
                module: module.clone(),
                loaded: None,
                key: None,
                children: None,
            };
            self.occurrences.push(occurrence);
        }
        first..self.occurrences.len()
    }

    /// `load class args parentFile "${parentKey}:anon-${index}" m`, and the
    /// loaded module's `key`: what a node's `key` forces.
    fn key(&mut self, at: usize) -> Result<KeyText> {
        if let Some(key) = &self.occurrences[at].key {
            return Ok(key.clone());
        }
        let (ev, pos) = (self.ev, self.pos);
        let occurrence = &self.occurrences[at];
        let mut anonymous = String::with_capacity(occurrence.parent_key.text.len() + 10);
        anonymous.push_str(&occurrence.parent_key.text);
        anonymous.push_str(":anon-");
        push_decimal(&mut anonymous, occurrence.index);
        let call = [
            self.class.clone(),
            self.args.clone(),
            occurrence.parent_file.clone(),
            Value::string(anonymous),
            occurrence.module.clone(),
        ];
        let loaded = match self.load {
            Value::PrimOpApp(app) if app.builtin.name == "strataLoadModule" && app.args().len() == 1 => {
                let mut all = Vec::with_capacity(6);
                all.push(app.args()[0].clone());
                all.extend(call);
                load_module_from(ev, &all, self.source, pos)?
            }
            load => apply_each(ev, load, call, pos)?,
        };
        let loaded = ev.force_attrs(&loaded, pos)?;
        let key = ev.force_string(&select(ev, &loaded, syntax::sym!("key"), pos)?, pos)?;
        let occurrence = &mut self.occurrences[at];
        occurrence.loaded = Some(loaded);
        occurrence.key = Some(KeyText(key.clone()));
        Ok(KeyText(key))
    }

    /// The loaded module of an occurrence whose key was read.
    fn loaded(&self, at: usize) -> Result<Rc<Attrs>> {
        self.occurrences[at].loaded.clone().ok_or_else(|| crate::eval::internal(self.pos, "module not loaded"))
    }

    /// The occurrences of a loaded module's imports: what a node's
    /// `children` forces.
    fn children(&mut self, at: usize) -> Result<std::ops::Range<usize>> {
        if let Some(children) = &self.occurrences[at].children {
            return Ok(children.clone());
        }
        let (file, key, imports) = import_parts(self.ev, &self.loaded(at)?, self.pos)?;
        let children = self.add(file, key, imports.items());
        self.occurrences[at].children = Some(children.clone());
        Ok(children)
    }

    /// The modules to keep, as `genericClosure` walks the nodes in the Nix
    /// version: breadth first from `roots`, the first occurrence of each
    /// key only, disabled keys left out with their imports.
    fn closure(
        &mut self,
        roots: std::ops::Range<usize>,
        disabled: &rustc_hash::FxHashSet<String>,
    ) -> Result<Vec<usize>> {
        let mut seen = KeySet::default();
        let mut queue: std::collections::VecDeque<usize> = roots.collect();
        let mut kept = Vec::new();
        while let Some(at) = queue.pop_front() {
            let key = self.key(at)?;
            if disabled.contains(key.0.text.as_str()) || !seen.insert(key) {
                continue;
            }
            queue.extend(self.children(at)?);
            kept.push(at);
        }
        Ok(kept)
    }
}

/// The keys an import walk has seen: a list while there are few (a
/// submodule instance's half a dozen modules, compared faster than hashed),
/// a hash set beyond [`KeySet::LISTED`].
#[derive(Default)]
struct KeySet {
    listed: Vec<KeyText>,
    hashed: rustc_hash::FxHashSet<KeyText>,
}

impl KeySet {
    const LISTED: usize = 16;

    /// Adds `key`; false if it was there.
    fn insert(&mut self, key: KeyText) -> bool {
        if self.listed.contains(&key) {
            return false;
        }
        if self.listed.len() < KeySet::LISTED {
            self.listed.push(key);
            return true;
        }
        self.hashed.insert(key)
    }
}

/// `strataCollectModules load disabledKey modulesPath class args source parentFile modules`:
/// `collectModules`' modules in one walk, `{ modules, disabledKeys }`,
/// module functions' arguments that `args` lacks read from `source` where
/// they can be (see [`argument_from_definitions`]; `null` for none),
/// loading each module when the Nix version's walk over its lazy nodes
/// would force it, in the same order, but without making those nodes.
fn collect_modules(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let mut tree = ImportTree {
        ev,
        load: &args[0],
        class: &args[3],
        args: &args[4],
        source: &args[5],
        occurrences: Vec::new(),
        pos,
    };
    let modules = ev.force_list(&args[7], pos)?;
    let roots = tree.add(args[6].clone(), Rc::new(NixString::new(String::new())), modules.items());
    let all = tree.closure(roots.clone(), &Default::default())?;
    let mut keys = Vec::new();
    for &at in all.iter() {
        let module = tree.loaded(at)?;
        let disabled = ev.force_list(&select(ev, &module, syntax::sym!("disabledModules"), pos)?, pos)?;
        if disabled.is_empty() {
            continue;
        }
        let file = lazy_select(&module, syntax::sym!("_file"), pos);
        for entry in disabled.iter() {
            keys.push(call3(ev, &args[1], args[2].clone(), file.clone(), entry.clone(), pos)?);
        }
    }
    let kept = if keys.is_empty() {
        all
    } else {
        let mut disabled: rustc_hash::FxHashSet<String> = Default::default();
        for key in keys.iter() {
            disabled.insert(ev.force_str(key, pos)?);
        }
        tree.closure(roots, &disabled)?
    };
    let modules = kept.iter().map(|&at| tree.loaded(at).map(Value::Attrs)).collect::<Result<Vec<_>>>()?;
    Ok(record([(syntax::sym!("modules"), Value::list(modules)), (syntax::sym!("disabledKeys"), Value::list(keys))]))
}

// ---------------------------------------------------------------------------
// The option tree

/// `strataWalkLevel nix loc decls defs`: `modules.nix`'s `walkLevel`, one
/// level of the option tree at `loc`: `{ options, config, unmatched }`.
/// Each name's entry (`walkEntry`) is made when it is used; the
/// definitions are grouped by name only when an entry needs them. `nix`
/// holds the Nix functions for what stays in Nix: every error message,
/// `unmatched`, and entries that mix options with nested declarations.
fn walk_level(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let walk = WalkNames::get();
    let (nix_value, loc, decls, defs) = (&args[0], &args[1], &args[2], &args[3]);
    let nix = ev.force_attrs(nix_value, pos)?;
    let on_decl_error = partial(&CALL2, [select(ev, &nix, walk.declarations_error, pos)?, loc.clone()]);
    let decls_by_name = ev.force_attrs(&group(ev, GroupKind::Declarations, &on_decl_error, decls, pos)?, pos)?;
    let defs_by_name = Value::lazy_apply(partial(&GROUP_DEFINITIONS, [nix_value.clone(), loc.clone()]), defs.clone());
    let mut entries = Vec::with_capacity(decls_by_name.len());
    let mut config = Vec::with_capacity(decls_by_name.len());
    for entry in decls_by_name.entries() {
        let walked = Value::lazy_apply(
            partial(
                &WALK_ENTRY,
                [nix_value.clone(), loc.clone(), defs_by_name.clone(), super::attrs::name_string(entry.name)],
            ),
            entry.value.clone(),
        );
        config.push(AttrEntry {
            name: entry.name,
            value: Value::lazy_apply(Value::PrimOp(&LEVEL_CONFIG), walked.clone()),
            pos: entry.pos,
        });
        entries.push(AttrEntry { name: entry.name, value: walked, pos: entry.pos });
    }
    let entries = Value::attrs(Attrs::from_sorted(entries));
    // The level's `options` are made when they are read: `config` is what
    // evaluations read (most levels' options never are).
    let options = Value::lazy_apply(Value::PrimOp(&LEVEL_OPTIONS), entries.clone());
    let unmatched = Value::lazy_apply(
        partial(&CALL_N, [select(ev, &nix, walk.unmatched, pos)?]),
        Value::list(vec![loc.clone(), entries, defs_by_name, Value::Attrs(decls_by_name.clone())]),
    );
    Ok(record([
        (names.config, Value::attrs(Attrs::from_sorted(config))),
        (names.options, options),
        (walk.unmatched, unmatched),
    ]))
}

/// The `options` of a level from its walked entries (see [`walk_level`]):
/// each entry's option record or nested options, made when it is read.
static LEVEL_OPTIONS: Builtin = Builtin { name: "strataLevelOptions", arity: 1, func: level_options };

fn level_options(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let entries = ev.force_attrs(&args[0], pos)?;
    Ok(Value::attrs(Attrs::from_sorted_iter(entries.entries().iter().map(|entry| AttrEntry {
        name: entry.name,
        value: Value::lazy_apply(Value::PrimOp(&LEVEL_OPTION), entry.value.clone()),
        pos: entry.pos,
    }))))
}

static WALK_LEVEL: Builtin = Builtin { name: "strataWalkLevel", arity: 4, func: walk_level };

/// The names [`walk_level`] reads and writes.
#[derive(Clone, Copy)]
struct WalkNames {
    declarations_error: Symbol,
    definitions_error: Symbol,
    declaration_type_error: Symbol,
    unmatched: Symbol,
    walk_entry: Symbol,
    prefix: Symbol,
    loc: Symbol,
    defs_by_name: Symbol,
    name: Symbol,
    name_decls: Symbol,
}

thread_local! {
    static WALK_NAMES: WalkNames = WalkNames {
        declarations_error: Symbol::intern("declarationsError"),
        definitions_error: Symbol::intern("definitionsError"),
        declaration_type_error: Symbol::intern("declarationTypeError"),
        unmatched: Symbol::intern("unmatched"),
        walk_entry: Symbol::intern("walkEntry"),
        prefix: Symbol::intern("prefix"),
        loc: Symbol::intern("loc"),
        defs_by_name: Symbol::intern("defsByName"),
        name: Symbol::intern("name"),
        name_decls: Symbol::intern("nameDecls"),
    };
}

impl WalkNames {
    fn get() -> WalkNames {
        WALK_NAMES.with(|names| *names)
    }
}

/// The definitions of a level grouped by name: `nix loc defs`.
static GROUP_DEFINITIONS: Builtin = Builtin { name: "strataGroupDefinitions", arity: 3, func: group_definitions };

fn group_definitions(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let nix = ev.force_attrs(&args[0], pos)?;
    let on_error = partial(&CALL2, [select(ev, &nix, WalkNames::get().definitions_error, pos)?, args[1].clone()]);
    group(ev, GroupKind::Definitions, &on_error, &args[2], pos)
}

/// One name of a level: `nix loc defsByName name nameDecls`, as
/// `modules.nix`'s `walkEntry` gives it: `{ isLeaf = true; option;
/// unmatched = [ ]; }` for an option, `{ isLeaf = false; sub; unmatched; }`
/// for a level of nested declarations.
static WALK_ENTRY: Builtin = Builtin { name: "strataWalkEntry", arity: 5, func: walk_entry };

fn walk_entry(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let walk = WalkNames::get();
    let (nix_value, loc, defs_by_name, name, name_decls) = (&args[0], &args[1], &args[2], &args[3], &args[4]);
    let nix = ev.force_attrs(nix_value, pos)?;
    let name_defs = Value::lazy_apply(partial(&SELECT_OR_EMPTY, [name.clone()]), defs_by_name.clone());
    let decls = ev.force_list(name_decls, pos)?;
    let on_error =
        || Ok(partial(&CALL2, [select(ev, &nix, walk.declaration_type_error, pos)?, sub_loc_of(ev, loc, name, pos)?]));
    let option_count = count_options(ev, &on_error, &decls, pos)?;
    if option_count == decls.len() {
        // The option's location and declaration positions are made when
        // it is evaluated: the entries of options nobody reads (most of
        // `_module`'s) never need them.
        let core = Value::lazy_apply(
            partial(&LEAF_CORE, [nix_value.clone(), loc.clone(), name.clone(), name_decls.clone()]),
            name_defs,
        );
        // Natively read (`level_option`, `level_config`): the record's
        // `option` is made from the core when the option tree is read.
        return Ok(record([
            (names.is_leaf, Value::bool(true)),
            (core_name(), core),
            (walk.unmatched, ev.empty_list.clone()),
        ]));
    }
    if option_count > 0 {
        // Options beside nested declarations: submodule trees or an error.
        let argument = record([
            (walk.loc, loc.clone()),
            (walk.defs_by_name, defs_by_name.clone()),
            (walk.name, name.clone()),
            (walk.name_decls, name_decls.clone()),
        ]);
        return ev.call(&select(ev, &nix, walk.walk_entry, pos)?, argument, pos);
    }
    let name_symbol = ev.force_symbol(name, pos)?;
    let sub_loc = sub_loc_of(ev, loc, name, pos)?;
    let file_name = syntax::sym!("_file");
    let mut sub_decls = Vec::with_capacity(decls.len());
    for decl in decls.iter() {
        let decl = ev.force_attrs(decl, pos)?;
        sub_decls.push(record([
            (file_name, lazy_select(&decl, file_name, pos)),
            (names.options, lazy_select(&decl, names.options, pos)),
        ]));
    }
    let sub_decls = Value::list(sub_decls);
    let sub_defs = Value::lazy_apply(Value::PrimOp(&PUSH_DEFINITIONS), name_defs);
    let sub =
        Value::lazy_apply(partial(&WALK_LEVEL, [nix_value.clone(), sub_loc, sub_decls.clone()]), sub_defs.clone());
    let unmatched = Value::lazy_apply(
        partial(&NESTED_UNMATCHED, [super::attrs::name_string(name_symbol), sub.clone(), sub_decls]),
        sub_defs,
    );
    Ok(record([(names.is_leaf, Value::bool(false)), (names.sub, sub), (walk.unmatched, unmatched)]))
}

/// `loc ++ [ name ]`.
fn sub_loc_of(ev: &Evaluator, loc: &Value, name: &Value, pos: Pos) -> Result<Value> {
    Ok(appended(ev.force_list(loc, pos)?.items(), name.clone()))
}

/// The list of `items` and then `last`, allocated at its size.
fn appended(items: &[Value], last: Value) -> Value {
    let mut all = Vec::with_capacity(items.len() + 1);
    all.extend(items.iter().cloned());
    all.push(last);
    Value::list(all)
}

/// A leaf of the option tree, evaluated as far as its value needs:
/// `nix loc name nameDecls defs`, `strataEvalOption nix (loc ++ [ name ])
/// (withPositions name nameDecls) defs` without the fields of the record
/// (see [`OptionCore`]), as [`Evaluated::into_value`] keeps it.
static LEAF_CORE: Builtin = Builtin { name: "strataLeafCore", arity: 5, func: leaf_core };

fn leaf_core(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (nix_value, loc, name, name_decls, defs) = (&args[0], &args[1], &args[2], &args[3], &args[4]);
    let sub_loc = sub_loc_of(ev, loc, name, pos)?;
    let decls = ev.force_list(name_decls, pos)?;
    // One declaration's position is made from it when it is read (see
    // `option_of`); several go to the Nix `mergeOptionDecls` with theirs.
    let with_positions = if decls.len() == 1 { name_decls.clone() } else { positions_of(ev, name, &decls, pos)? };
    Ok(evaluated_option(ev, &[nix_value.clone(), sub_loc, with_positions, defs.clone()], pos)?.into_value())
}

/// A leaf's option record, from what [`LEAF_CORE`] made.
fn leaf_option(ev: &Evaluator, core: &Value, pos: Pos) -> Result<Value> {
    match Evaluated::from_value(ev, core, pos)? {
        Evaluated::Record(record) => Ok(record),
        Evaluated::Core(core) => option_record(ev, &core, pos).map_err(|err| err.at(core.declared)),
    }
}

/// A leaf's value, from what [`LEAF_CORE`] made (its record's `value`).
fn leaf_value(ev: &Evaluator, core: &Value, pos: Pos) -> Result<Value> {
    match ev.force_list(core, pos)?.items() {
        [record] => select(ev, &ev.force_attrs(record, pos)?, Names::get().value, pos),
        [value, ..] => Ok(value.clone()),
        [] => Err(error(ErrorKind::Eval, pos, "strataLeafValue: not an option's core")),
    }
}

/// `name: set: set.${name} or [ ]`.
static SELECT_OR_EMPTY: Builtin = Builtin { name: "strataSelectOrEmpty", arity: 2, func: select_or_empty };

fn select_or_empty(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let name = ev.force_symbol(&args[0], pos)?;
    let attrs = ev.force_attrs(&args[1], pos)?;
    match attrs.get(name) {
        Some(value) => ev.force(value),
        None => Ok(ev.empty_list.clone()),
    }
}

/// The definitions of a nested level: `defs` (`{ file, value, ... }`)
/// with their properties pushed down, each `{ file, value }`.
static PUSH_DEFINITIONS: Builtin = Builtin { name: "strataPushDefinitions", arity: 1, func: push_definitions };

fn push_definitions(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let mut out = Vec::new();
    let mut pushed = Vec::new();
    for def in ev.force_list(&args[0], pos)?.iter() {
        let def = ev.force_attrs(def, pos)?;
        let file = lazy_select(&def, names.file, pos);
        pushed.clear();
        push_down(ev, &names, &lazy_select(&def, names.value, pos), pos, &mut pushed)?;
        for value in pushed.drain(..) {
            out.push(record([(names.file, file.clone()), (names.value, value)]));
        }
    }
    Ok(Value::list(out))
}

/// A nested level's unmatched definitions with the level's name put in
/// front of their prefix: `name sub decls defs`, `sub` being the level
/// walked from its declarations `decls` and definitions `defs`. When every
/// name `decls` declare is declared by options only (`_module`'s level in
/// every evaluation, most levels of option sets), the level's entries are
/// all options, which match every definition of their name, so the level
/// has unmatched definitions only where `defs` define a name nothing
/// declares: with none, the answer is `[ ]` without walking the level.
/// Anything else (and every error) is left to [`prefix_unmatched`] on
/// `sub`, which forces the same declarations and definitions first.
static NESTED_UNMATCHED: Builtin = Builtin { name: "strataNestedUnmatched", arity: 4, func: nested_unmatched };

fn nested_unmatched(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    match all_names_declared(ev, &args[2], &args[3], pos) {
        Ok(true) => Ok(ev.empty_list.clone()),
        _ => prefix_unmatched(ev, &args[..2], pos),
    }
}

/// Whether every name of `decls` (`{ _file, options }`) is declared by
/// options only and every definition in `defs` (`{ file, value }`) is a set
/// of names `decls` declare (see [`nested_unmatched`]).
fn all_names_declared(ev: &Evaluator, decls: &Value, defs: &Value, pos: Pos) -> Result<bool> {
    let names = Names::get();
    let mut declared: Vec<Rc<Attrs>> = Vec::new();
    for decl in ev.force_list(decls, pos)?.iter() {
        let decl = ev.force_attrs(decl, pos)?;
        let Value::Attrs(options) = select(ev, &decl, names.options, pos)? else { return Ok(false) };
        for entry in options.entries() {
            let Value::Attrs(option) = ev.force(&entry.value)? else { return Ok(false) };
            let Some(tag) = option.get(names.type_) else { return Ok(false) };
            if !matches!(ev.force(tag)?, Value::String(text) if text.as_str() == "option") {
                return Ok(false);
            }
        }
        declared.push(options);
    }
    for def in ev.force_list(defs, pos)?.iter() {
        let def = ev.force_attrs(def, pos)?;
        let Value::Attrs(value) = select(ev, &def, names.value, pos)? else { return Ok(false) };
        if !value.entries().iter().all(|entry| declared.iter().any(|options| options.get(entry.name).is_some())) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A nested level's unmatched definitions with the level's name put in
/// front of their prefix: `name sub` (see [`nested_unmatched`]).
fn prefix_unmatched(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let walk = WalkNames::get();
    let sub = ev.force_attrs(&args[1], pos)?;
    let unmatched = ev.force_list(&select(ev, &sub, walk.unmatched, pos)?, pos)?;
    let mut out = Vec::with_capacity(unmatched.len());
    for item in unmatched.iter() {
        let item = ev.force_attrs(item, pos)?;
        let mut prefix = vec![args[0].clone()];
        prefix.extend(ev.force_list(&select(ev, &item, walk.prefix, pos)?, pos)?.iter().cloned());
        let mut fields: Vec<AttrEntry> = item.entries().iter().filter(|e| e.name != walk.prefix).cloned().collect();
        fields.push(AttrEntry { name: walk.prefix, value: Value::list(prefix), pos: Pos::NONE });
        out.push(Value::attrs(Attrs::from_unsorted(fields)));
    }
    Ok(Value::list(out))
}

/// `strataInternalDefaults inputs`: for `_module.check` and
/// `_module.freeformType`, whether their value is their default because
/// only the internal module declares anything under `_module` and no
/// definition sets them, `{ check; freeformType; }` (`modules.nix`'s
/// `internalDefaultsNix`). `inputs` is `levelInputs`' result. A definition
/// of `_module` that is not a plain set (`mkIf`, `mkMerge`, ...) counts as
/// setting both.
fn internal_defaults(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (check_name, freeform_name) = (syntax::sym!("check"), syntax::sym!("freeformType"));
    let inputs = ev.force_attrs(&args[0], pos)?;
    let (mut check, mut freeform) = (false, false);
    if only_internal_declares_module(ev, &inputs, pos)? {
        (check, freeform) = (true, true);
        let plain = each_plain_module_definition(ev, &inputs, pos, |module| {
            check &= module.get(check_name).is_none();
            freeform &= module.get(freeform_name).is_none();
            Ok(true)
        })?;
        if !plain {
            (check, freeform) = (false, false);
        }
    }
    Ok(record([(check_name, Value::bool(check)), (freeform_name, Value::bool(freeform))]))
}

/// Whether exactly one of the top level's declarations (`inputs`, what
/// [`level_inputs`] gives) declares anything under `_module`: then it is
/// the internal module, which always does, and its declarations of
/// `_module.*` are the ones in force. A declaration whose `options` is not
/// a set counts for nothing here; walking the level reports it.
fn only_internal_declares_module(ev: &Evaluator, inputs: &Attrs, pos: Pos) -> Result<bool> {
    let options_name = Names::get().options;
    let mut declaring = 0;
    for decl in ev.force_list(&select(ev, inputs, syntax::sym!("decls"), pos)?, pos)?.iter() {
        let decl = ev.force_attrs(decl, pos)?;
        if let Value::Attrs(options) = select(ev, &decl, options_name, pos)? {
            declaring += usize::from(options.get(syntax::sym!("_module")).is_some());
        }
    }
    Ok(declaring == 1)
}

/// Calls `each` with every `_module` set the top level's definitions
/// (`inputs`, what [`level_inputs`] gives) make, in order. `false` as soon
/// as `each` gives up (returns `false`), or a definition is not a set or
/// sets `_module` to something that is not a plain set (`mkIf`, `mkMerge`,
/// ...), whose meaning only evaluating the `_module` options gives.
fn each_plain_module_definition(
    ev: &Evaluator,
    inputs: &Attrs,
    pos: Pos,
    mut each: impl FnMut(&Rc<Attrs>) -> Result<bool>,
) -> Result<bool> {
    let names = Names::get();
    for def in ev.force_list(&select(ev, inputs, syntax::sym!("defs"), pos)?, pos)?.iter() {
        let def = ev.force_attrs(def, pos)?;
        let Value::Attrs(value) = select(ev, &def, names.value, pos)? else { return Ok(false) };
        let Some(module) = value.get(syntax::sym!("_module")) else { continue };
        match ev.force(module)? {
            Value::Attrs(module) if module.get(names.type_).is_none() => {
                if !each(&module)? {
                    return Ok(false);
                }
            }
            _ => return Ok(false),
        }
    }
    Ok(true)
}

/// `strataLevelInputs modules`: the declarations and definitions of the
/// top level of an evaluation, `{ decls; defs; }`, as
///
/// ```nix
/// { decls = map (m: { inherit (m) _file options; }) modules;
///   defs = concatMap (m: map (value: { file = m._file; inherit value; }) (pushDownProperties m.config)) modules; }
/// ```
///
/// `decls` being the modules themselves (everything that reads a
/// declaration reads only its `_file` and `options`, which a loaded module
/// has), `defs` computed when it is used.
fn level_inputs(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    ev.force_list(&args[0], pos)?;
    Ok(record([
        (syntax::sym!("decls"), args[0].clone()),
        (syntax::sym!("defs"), Value::lazy_apply(Value::PrimOp(&MODULE_DEFINITIONS), args[0].clone())),
    ]))
}

/// The `defs` of [`level_inputs`].
static MODULE_DEFINITIONS: Builtin = Builtin { name: "strataModuleDefinitions", arity: 1, func: module_definitions };

fn module_definitions(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let file_name = syntax::sym!("_file");
    let mut out = Vec::new();
    let mut pushed = Vec::new();
    for module in ev.force_list(&args[0], pos)?.iter() {
        let module = ev.force_attrs(module, pos)?;
        let file = lazy_select(&module, file_name, pos);
        pushed.clear();
        push_down(ev, &names, &lazy_select(&module, names.config, pos), pos, &mut pushed)?;
        for value in pushed.drain(..) {
            out.push(record([(names.file, file.clone()), (names.value, value)]));
        }
    }
    Ok(Value::list(out))
}

/// `strataUnmatched loc entries defsByName declsByName`: `modules.nix`'s
/// `unmatched`, the definitions of a level no option matched: those of its
/// entries, then those of names nothing declares (`{ file, value, prefix,
/// pos }`, `pos` being where the name is set).
fn unmatched(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let walk = WalkNames::get();
    let entries = ev.force_attrs(&args[1], pos)?;
    let defs_by_name = ev.force_attrs(&args[2], pos)?;
    let decls_by_name = ev.force_attrs(&args[3], pos)?;
    let mut out = Vec::new();
    for entry in entries.entries() {
        let entry = ev.force_attrs(&entry.value, pos)?;
        out.extend(ev.force_list(&select(ev, &entry, walk.unmatched, pos)?, pos)?.iter().cloned());
    }
    for group in defs_by_name.entries() {
        if decls_by_name.get(group.name).is_some() {
            continue;
        }
        let prefix = Value::list(vec![super::attrs::name_string(group.name)]);
        for def in ev.force_list(&group.value, pos)?.iter() {
            let def = ev.force_attrs(def, pos)?;
            let parent = ev.force_attrs(&select(ev, &def, names.parent, pos)?, pos)?;
            let position = match parent.get_entry(group.name) {
                Some(entry) => ev.pos_value(entry.pos),
                None => Value::Null,
            };
            out.push(record([
                (names.file, lazy_select(&def, names.file, pos)),
                (names.pos, position),
                (walk.prefix, prefix.clone()),
                (names.value, lazy_select(&def, names.value, pos)),
            ]));
        }
    }
    Ok(Value::list(out))
}

/// `strataMergeEqualOption fallback loc defs`: `lib.options.mergeEqualOption`
/// for one definition, or several equal ones that are not functions; every
/// other case (and its error) is the Nix version's (`fallback`).
fn merge_equal_option(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let value_name = Names::get().value;
    let defs = ev.force_list(&args[2], pos)?;
    let fallback = || ev.call2(&args[0], args[1].clone(), args[2].clone(), pos);
    let Some(first) = defs.first() else { return fallback() };
    let first = ev.force_attrs(first, pos)?;
    let kept = select(ev, &first, value_name, pos)?;
    if defs.len() == 1 {
        return Ok(kept);
    }
    if matches!(kept, Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) | Value::Attrs(_)) {
        return fallback();
    }
    for def in defs.iter().skip(1) {
        let def = ev.force_attrs(def, pos)?;
        let value = select(ev, &def, value_name, pos)?;
        if matches!(value, Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) | Value::Attrs(_))
            || !ev.equal(&value, &kept, false)?
        {
            return fallback();
        }
    }
    Ok(kept)
}

/// `strataInvalidDefinitions check defs`: the definitions (`{ file, value }`)
/// whose value `check` rejects, `filter (def: !check def.value) defs`.
fn invalid_definitions(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let value_name = Names::get().value;
    let mut invalid = Vec::new();
    for def in ev.force_list(&args[1], pos)?.iter() {
        let attrs = ev.force_attrs(def, pos)?;
        let verdict = ev.call(&args[0], lazy_select(&attrs, value_name, pos), pos)?;
        if !ev.force_bool(&verdict, pos)? {
            invalid.push(def.clone());
        }
    }
    Ok(Value::list(invalid))
}

/// `strataListMerge mergeDefinitions elemType loc defs`: `listOf`'s merge
/// (`listMergeNix` in `types.nix`): every item of every definition merged
/// with `mergeDefinitions` at `loc ++ [ "[definition N-entry M]" ]`, the
/// items whose merge gives no value left out, the values unevaluated.
fn list_merge(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let names = Names::get();
    let (merge, elem_type, loc) = (&args[0], &args[1], &args[2]);
    let prefix = ev.force_list(loc, pos)?;
    let mut out = Vec::new();
    for (n, def) in ev.force_list(&args[3], pos)?.iter().enumerate() {
        let def = ev.force_attrs(def, pos)?;
        let file = lazy_select(&def, names.file, pos);
        let items = ev.force_list(&select(ev, &def, names.value, pos)?, pos)?;
        for (m, item) in items.iter().enumerate() {
            let item_loc = appended(prefix.items(), Value::string(format!("[definition {}-entry {}]", n + 1, m + 1)));
            let single = Value::list(vec![record([(names.file, file.clone()), (names.value, item.clone())])]);
            if let Some(value) = merged_optional(ev, merge, item_loc, elem_type, single, pos)? {
                out.push(value);
            }
        }
    }
    Ok(Value::list(out))
}

// ---------------------------------------------------------------------------
// evalModules

/// `strataEvalModules helpers evalArgs modules prefix specialArgs class`:
/// `modules.nix`'s `evalModules` without the deprecated `args` and `check`
/// arguments (`evalModulesNix` has them), with the same values, laziness
/// and errors.
///
/// Its bindings are thunks that each hold only what they read. In the Nix
/// version they are the slots of one `let` scope, and every thunk and
/// closure made in it holds the whole scope: whatever an evaluation made
/// (its loaded modules, its option tree) stayed reachable from a cycle
/// until the collector traced it, in every submodule instance. Here the
/// cycle through `config` (module arguments → `config` → the option tree →
/// the collected modules → module arguments) goes away once the modules
/// are collected, unless module functions keep `config` in what they
/// return, and reference counting frees the rest.
///
/// The record's fields other than `config` come from that machinery
/// ([`eval_machinery`]), made the first time one of them is used;
/// `config` is the flat one where [`flat_evaluation`] applies and the
/// machinery's otherwise.
///
/// `helpers` holds what stays in Nix: `lib`, loading a module
/// (`loadModule`, `disabledKey`, `unknownModule`), the import graph
/// (`moduleGraph`), the option tree's helpers (`nativeHelpers`),
/// `extendModules`, `type` and the internal module (`evalParts`; written in
/// Nix, its definitions have positions), the error context of `config` in
/// module arguments (`configContext`), freeform definitions
/// (`freeformConfig`) and the error for undeclared ones (`unmatchedError`).
fn eval_modules(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    evaluation_record(ev, args, true, pos)
}

/// [`eval_modules`]' record, its `config` tried flat first (see
/// [`flat_evaluation`]) when `flat` is set, else the general machinery's.
fn evaluation_record(ev: &Evaluator, args: &[Value], flat: bool, pos: Pos) -> Result<Value> {
    let helpers = ev.force_attrs(&args[0], pos)?;
    let (modules, prefix, class) = (&args[2], &args[3], &args[5]);
    // The machinery's errors are positioned at this call.
    let machinery = Value::lazy_apply(
        partial(
            &EVAL_MACHINERY,
            [pos_to_value(pos), args[0].clone(), args[1].clone(), args[2].clone(), args[3].clone(), args[4].clone()],
        ),
        args[5].clone(),
    );
    let field = |builtin: &'static Builtin| Value::lazy_apply(Value::PrimOp(builtin), machinery.clone());
    let config = if flat {
        let [nix, unknown_file, lib] = flat_helpers(ev, &helpers, pos)?;
        Value::lazy_apply(
            partial(&FLAT_CONFIG, [nix, unknown_file, lib, prefix.clone(), class.clone(), field(&CONFIG_OF)]),
            modules.clone(),
        )
    } else {
        field(&CONFIG_OF)
    };
    Ok(record([
        (syntax::sym!("_module"), field(&MODULE_OF)),
        (Names::get().type_, super::attrs::name_string(syntax::sym!("configuration"))),
        (syntax::sym!("class"), class.clone()),
        (Names::get().config, config),
        (syntax::sym!("extendModules"), field(&EXTEND_MODULES_OF)),
        (syntax::sym!("graph"), field(&GRAPH_OF)),
        (Names::get().options, field(&OPTIONS_OF)),
        (syntax::sym!("type"), field(&TYPE_OF)),
    ]))
}

/// The evaluation [`eval_modules`] makes when more than a flat `config` is
/// used (see [`flat_evaluation`]): the same arguments, the same record
/// (its `config` the one of the option tree). Made only then, the cycle
/// through `config` it ties is never made for the values of most
/// submodules, and they are freed by reference counting.
static EVAL_MACHINERY: Builtin = Builtin { name: "strataEvalModules", arity: 7, func: eval_machinery };

/// `at helpers evalArgs modules prefix specialArgs class`, `at` where
/// `evalModules` was called (see [`pos_to_value`]).
fn eval_machinery(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    let (at_value, pos) = (&args[0], pos_of_value(&args[0]));
    let args = &args[1..];
    let helpers_value = &args[0];
    let helpers = ev.force_attrs(helpers_value, pos)?;
    let (eval_args, modules, prefix, special_args, class) = (&args[1], &args[2], &args[3], &args[4], &args[5]);
    let helper = |name: Symbol| select(ev, &helpers, name, pos);
    let attr = |field: &'static Builtin, set: Value| Value::lazy_apply(Value::PrimOp(field), set);
    let names = Names::get();
    let module_name = syntax::sym!("_module");

    let parts = Value::lazy_apply(
        partial(&CALL_N, [helper(syntax::sym!("evalParts"))?]),
        Value::list(vec![eval_args.clone(), modules.clone()]),
    );
    let extend_modules = attr(&EXTEND_MODULES_OF, parts.clone());
    let type_ = attr(&TYPE_OF, parts.clone());
    let internal_module = attr(&INTERNAL_MODULE_OF, parts);
    // Errors about the arguments' values are positioned at this call.
    let at = at_value.clone();
    let all_modules = Value::lazy_apply(partial(&APPEND_ONE, [at.clone(), internal_module]), modules.clone());

    // `collected` is set last: what it is computed from needs it.
    let collected = Rc::new(Thunk::new(ThunkState::Blackhole));
    let collected_value = Value::Thunk(collected.clone());
    let inputs = Value::lazy_apply(Value::PrimOp(&EVAL_INPUTS), collected_value.clone());
    let walked = Value::lazy_apply(
        partial(&EVAL_WALKED, [helper(syntax::sym!("nativeHelpers"))?, prefix.clone()]),
        inputs.clone(),
    );
    let options = attr(&OPTIONS_OF, walked.clone());
    let defaults = Value::lazy_apply(Value::PrimOp(&INTERNAL_DEFAULTS), inputs.clone());
    let freeform = Value::lazy_apply(partial(&EVAL_FREEFORM, [defaults.clone()]), walked.clone());
    let config = Value::lazy_apply(
        partial(&EVAL_CONFIG, [helpers_value.clone(), prefix.clone(), freeform.clone()]),
        walked.clone(),
    );
    let check =
        Value::lazy_apply(partial(&EVAL_CHECK, [helpers_value.clone(), prefix.clone(), defaults, freeform]), walked);
    let context = helper(syntax::sym!("configContext"))?;
    let config_in_context = Value::lazy_apply(partial(&ADD_ERROR_CONTEXT, [context]), config.clone());
    let module_args = Value::lazy_apply(
        partial(
            &EVAL_MODULE_ARGS,
            [
                at.clone(),
                helper(syntax::sym!("lib"))?,
                options.clone(),
                class.clone(),
                prefix.clone(),
                config_in_context,
            ],
        ),
        special_args.clone(),
    );
    let modules_path = Value::lazy_apply(partial(&MODULES_PATH, [at]), special_args.clone());
    collected.set(ThunkState::Apply(
        partial(
            &COLLECT_MODULES,
            [
                helper(syntax::sym!("loadModule"))?,
                helper(syntax::sym!("disabledKey"))?,
                modules_path,
                class.clone(),
                module_args.clone(),
                inputs,
                helper(syntax::sym!("unknownModule"))?,
            ],
        ),
        all_modules.clone(),
    ));
    let graph = Value::lazy_apply(
        partial(&EVAL_GRAPH, [helpers_value.clone(), class.clone(), module_args, all_modules]),
        collected_value,
    );
    // One partial application for the three checked fields.
    let checker = partial(&CHECKED, [check]);
    let checked = |value: Value| Value::lazy_apply(checker.clone(), value);
    Ok(record([
        (module_name, checked(attr(&MODULE_OF, config.clone()))),
        (names.type_, super::attrs::name_string(syntax::sym!("configuration"))),
        (syntax::sym!("class"), class.clone()),
        (names.config, checked(Value::lazy_apply(Value::PrimOp(&WITHOUT_MODULE), config))),
        (syntax::sym!("extendModules"), extend_modules),
        (syntax::sym!("graph"), graph),
        (names.options, checked(options)),
        (syntax::sym!("type"), type_),
    ]))
}

/// The `config` of an evaluation: `nix unknownFile lib prefix class general
/// modules`, where `general` is the `config` the walk of the option tree
/// gives. An evaluation of flat modules (what a submodule instance of a
/// type made of option declarations usually is) gets the same `config`
/// without collecting, walking and checking (see [`flat_evaluation`]);
/// any other, and any error, goes to `general`.
static FLAT_CONFIG: Builtin = Builtin { name: "strataFlatConfig", arity: 7, func: flat_config };

fn flat_config(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let flat = Flat { nix: &args[0], unknown_file: &args[1], lib: &args[2], prefix: &args[3], class: &args[4] };
    match flat_evaluation(ev, &flat, &args[6], pos) {
        Ok(Some(config)) => Ok(config),
        // An error is the general evaluation's to give, with its context.
        Ok(None) | Err(_) => ev.force(&args[5]),
    }
}

/// From `evalModules`' helpers, what a flat evaluation needs of them (see
/// [`Flat`]): `nativeHelpers`, `unknownModule` and `lib`.
fn flat_helpers(ev: &Evaluator, helpers: &Attrs, pos: Pos) -> Result<[Value; 3]> {
    let helper = |name: Symbol| select(ev, helpers, name, pos);
    Ok([helper(syntax::sym!("nativeHelpers"))?, helper(syntax::sym!("unknownModule"))?, helper(syntax::sym!("lib"))?])
}

/// What [`flat_evaluation`] is given besides the modules.
struct Flat<'a> {
    /// `modules.nix`'s `nativeHelpers`.
    nix: &'a Value,
    /// The file of a module given without one.
    unknown_file: &'a Value,
    /// The `lib` module functions get.
    lib: &'a Value,
    prefix: &'a Value,
    class: &'a Value,
}

/// A module function that [`flat_evaluation`] can call itself: one whose
/// pattern names only `name` and `lib` and has `...` and no `@` (it sees
/// nothing else of its arguments), and whose body is a set, possibly
/// inside `let` and `with` (calling it evaluates nothing, so calling it
/// again when the general evaluation takes over shows nothing twice),
/// with whether it names each.
fn flat_function(function: &Value) -> Option<(bool, bool)> {
    use syntax::ast::Expr;
    fn builds_a_set(body: &Expr) -> bool {
        match body {
            Expr::Attrs(_) => true,
            Expr::Let(_, body) | Expr::With(_, body, _) => builds_a_set(body),
            _ => false,
        }
    }
    let Value::Lambda(closure) = function else { return None };
    if !builds_a_set(&closure.def.body) {
        return None;
    }
    let syntax::ast::Param::Pattern { formals, ellipsis: true, at: None } = &closure.def.param else { return None };
    let (mut name, mut lib) = (false, false);
    for formal in formals.iter() {
        match formal.name.as_str() {
            "name" => name = true,
            "lib" => lib = true,
            _ => return None,
        }
    }
    Some((name, lib))
}

thread_local! {
    /// Option declarations that calls of one module function share (see
    /// [`shared_declarations`] and [`shared_module_options`]), by
    /// expression, the function's scope and the `lib` it is given (0 where
    /// the declaration cannot read `lib`): the first call's value, with the
    /// scope and `lib` kept alive so that their addresses name them.
    static SHARED_OPTIONS: std::cell::RefCell<rustc_hash::FxHashMap<(usize, usize, usize), SharedOption>> =
        Default::default();
}

/// What [`SHARED_OPTIONS`] keeps: the scope and `lib` (alive, so that
/// their addresses name them) and the shared value.
type SharedOption = (EnvRc, Value, Value);

/// What [`about_code`] is asked.
#[derive(Clone, Copy)]
enum CodeQuestion {
    /// Whether a module's `options` read nothing of its function's call
    /// but `lib` ([`shared_module_options`]).
    ModuleOptionsReadOnlyLib,
    /// Whether an option's expression in a module function's body names
    /// none of the function's arguments ([`shared_declarations`]).
    DeclarationNamesNoArgument,
}

thread_local! {
    /// Answers of [`about_code`], by question and the addresses of the
    /// expression and function (code lives as long as the process).
    static CODE_ANSWERS: std::cell::RefCell<rustc_hash::FxHashMap<(usize, usize, u8), bool>> = Default::default();
}

/// The answer `answer` gives to `question` about `expr` in `function`,
/// computed once: it depends on the code alone.
fn about_code(
    question: CodeQuestion,
    expr: &'static syntax::ast::Expr,
    function: &'static syntax::ast::LambdaDef,
    answer: impl FnOnce() -> bool,
) -> bool {
    let key =
        (expr as *const syntax::ast::Expr as usize, function as *const syntax::ast::LambdaDef as usize, question as u8);
    if let Some(known) = CODE_ANSWERS.with(|answers| answers.borrow().get(&key).copied()) {
        return known;
    }
    let known = answer();
    CODE_ANSWERS.with(|answers| answers.borrow_mut().insert(key, known));
    known
}

/// At most this many entries are kept in each of the caches shared
/// across evaluations ([`SHARED_OPTIONS`], [`SUBSTITUTED`],
/// [`DECLARATION_GROUPS`]); beyond, a cache starts again empty.
const SHARED_OPTIONS_KEPT: usize = 4096;

/// Inserts into one of those caches, emptying it first when full.
fn keep_bounded<K: std::hash::Hash + Eq, V>(cache: &mut rustc_hash::FxHashMap<K, V>, key: K, value: V) {
    if cache.len() >= SHARED_OPTIONS_KEPT {
        cache.clear();
    }
    cache.insert(key, value);
}

/// The value an earlier call kept for `expr` in `closure`'s scope with
/// `lib` (`Value::Null` for none), or keeps `value` for later calls and
/// gives `None`.
fn shared_option(closure: &Closure, expr: &'static syntax::ast::Expr, lib: &Value, value: &Value) -> Option<Value> {
    let lib_address = match lib {
        Value::Attrs(set) => Rc::as_ptr(set) as usize,
        _ => 0,
    };
    let key = (expr as *const syntax::ast::Expr as usize, EnvRc::as_ptr(&closure.env) as usize, lib_address);
    SHARED_OPTIONS.with(|shared| {
        let mut shared = shared.borrow_mut();
        if let Some((_, _, kept)) = shared.get(&key) {
            return Some(kept.clone());
        }
        keep_bounded(&mut shared, key, (closure.env.clone(), lib.clone(), value.clone()));
        None
    })
}

/// `module` with `options` in place of its own.
fn with_options(module: &Attrs, options: Value) -> Rc<Attrs> {
    let options_name = Names::get().options;
    Attrs::from_sorted_iter(module.entries().iter().map(|entry| {
        if entry.name == options_name {
            AttrEntry { name: entry.name, value: options.clone(), pos: entry.pos }
        } else {
            entry.clone()
        }
    }))
}

/// `module`, as the flat module function `function` made it, with each of
/// its options that its function's arguments cannot reach replaced by the
/// value an earlier call made for it: an option written `x = mkOption {
/// ... };` directly in the function's body set, whose expression names no
/// argument of the function, is the same value in every call (the same
/// expression in the same scope), so the types and declarations of a
/// submodule type made of a function of `name` are made once rather than
/// for every value. (Sharing is visible only to `==` on sets or lists
/// holding functions of two such options, which nothing compares, and in
/// side effects: a `builtins.trace` (or `lib.warn`) inside such a
/// declaration shows once, where Nix shows it once per value.)
fn shared_declarations(ev: &Evaluator, function: &Value, module: Rc<Attrs>) -> Result<Rc<Attrs>> {
    let Value::Lambda(closure) = function else { return Ok(module) };
    let syntax::ast::Param::Pattern { formals, .. } = &closure.def.param else { return Ok(module) };
    let arguments: smallvec::SmallVec<[Symbol; 2]> = formals.iter().map(|formal| formal.name).collect();
    let options_name = Names::get().options;
    let Some(options) = module.get(options_name) else { return Ok(module) };
    let Value::Attrs(options) = ev.force(options)? else { return Ok(module) };
    let mut changed = false;
    let entries: Vec<AttrEntry> = options
        .entries()
        .iter()
        .map(|entry| {
            let Value::Thunk(thunk) = &entry.value else { return entry.clone() };
            let Some((expr, env)) = thunk.pending_expression() else { return entry.clone() };
            // Made in the function's own scope (directly in its body's set),
            // from an expression naming none of its arguments.
            let in_body = env.parent.as_ref().is_some_and(|parent| EnvRc::ptr_eq(parent, &closure.env));
            if !in_body
                || !about_code(CodeQuestion::DeclarationNamesNoArgument, expr, closure.def, || {
                    !reads_any(expr, &arguments)
                })
            {
                return entry.clone();
            }
            match shared_option(closure, expr, &Value::Null, &entry.value) {
                Some(value) => {
                    changed = true;
                    AttrEntry { name: entry.name, value, pos: entry.pos }
                }
                None => entry.clone(),
            }
        })
        .collect();
    if !changed {
        return Ok(module);
    }
    Ok(with_options(&module, Value::attrs(Attrs::from_sorted(entries))))
}

/// The module a module function returned (`module`, given `args`), its
/// `options` replaced by the value an earlier call with the same `lib`
/// made, when they cannot depend on anything else of the call: the
/// function's body is its set or a `let` around it, and the expression of
/// `options` names no variable bound by the function's pattern but `lib`
/// and none bound by that `let` but `inherit (lib) ...;` ones. Such are
/// most modules' options (`let inherit (lib) mkOption types; cfg =
/// config.x; in { options.x = ...; config = ...; }`): a fleet's machines
/// then share their modules' declarations and types instead of making
/// them again for every machine. (Visible as [`shared_declarations`] is.)
fn shared_module_options(ev: &Evaluator, function: &Value, module: Rc<Attrs>, args: &Value) -> Result<Rc<Attrs>> {
    use syntax::ast::{EntryKind, Expr, Param, Var};
    let Value::Lambda(closure) = function else { return Ok(module) };
    let Some(Value::Thunk(thunk)) = module.get(Names::get().options) else { return Ok(module) };
    let Some((expr, env)) = thunk.pending_expression() else { return Ok(module) };
    let Param::Pattern { formals, at, .. } = &closure.def.param else { return Ok(module) };
    let lib_name = syntax::sym!("lib");
    let bound_by_pattern = |name: Symbol| formals.iter().any(|formal| formal.name == name) || *at == Some(name);
    // The scope `options` was made in: the call's own, or the `let`'s
    // directly inside it.
    let at_call = |scope: &EnvRc| scope.parent.as_ref().is_some_and(|parent| EnvRc::ptr_eq(parent, &closure.env));
    let bindings = match &closure.def.body {
        Expr::Attrs(_) if at_call(&env) => None,
        Expr::Let(def, body) if matches!(**body, Expr::Attrs(_)) && env.parent.as_ref().is_some_and(at_call) => {
            Some(def)
        }
        _ => return Ok(module),
    };
    // `inherit (lib) name;`: the pattern's `lib`, projected.
    let from_lib = |value: &Expr| {
        matches!(value, Expr::Select(target, path, None, _)
            if path.len() == 1 && matches!(&**target, Expr::Var(Var::Local { name, .. }, _) if *name == lib_name))
    };
    // Whether the expression reads nothing but `lib` and such bindings: a
    // question about the code alone, answered once per expression.
    let reads_only_lib = || {
        let mut names = Vec::new();
        local_names(expr, &mut names);
        names.into_iter().all(|name| {
            if let Some(entry) = bindings.and_then(|def| def.entries.iter().find(|entry| entry.name == name)) {
                entry.kind != EntryKind::Plain && from_lib(&entry.value)
            } else {
                !(bindings.is_some_and(|def| !def.dynamics.is_empty()) || (bound_by_pattern(name) && name != lib_name))
            }
        })
    };
    if !about_code(CodeQuestion::ModuleOptionsReadOnlyLib, expr, closure.def, reads_only_lib) {
        return Ok(module);
    }
    let Some(lib) = ev.force_attrs(args, Pos::NONE)?.get(lib_name).cloned() else { return Ok(module) };
    let lib = ev.force(&lib)?;
    if !matches!(lib, Value::Attrs(_)) {
        return Ok(module);
    }
    Ok(match shared_option(closure, expr, &lib, &Value::Thunk(thunk.clone())) {
        Some(options) => with_options(&module, options),
        None => module,
    })
}

/// Whether `expr` may read a variable named one of `names`: any variable of
/// such a name, whatever binds it (an inner binding of the same name counts
/// too: the answer errs on the side of "yes").
fn reads_any(expr: &syntax::ast::Expr, names: &[Symbol]) -> bool {
    let mut read = Vec::new();
    local_names(expr, &mut read);
    read.iter().any(|name| names.contains(name))
}

/// The names of the lexically bound variables `expr` reads (whatever binds
/// them, inner bindings included).
fn local_names(expr: &syntax::ast::Expr, out: &mut Vec<Symbol>) {
    use syntax::ast::{AttrKey, AttrsDef, Expr, Param, StrPart, Var};
    let key = |key: &AttrKey, out: &mut Vec<Symbol>| {
        if let AttrKey::Dynamic(expr) = key {
            local_names(expr, out)
        }
    };
    let parts = |parts: &[StrPart], out: &mut Vec<Symbol>| {
        for part in parts {
            if let StrPart::Expr(expr, _) = part {
                local_names(expr, out)
            }
        }
    };
    let set = |def: &AttrsDef, out: &mut Vec<Symbol>| {
        for entry in def.entries.iter() {
            local_names(&entry.value, out);
        }
        for entry in def.dynamics.iter() {
            local_names(&entry.key, out);
            local_names(&entry.value, out);
        }
    };
    match expr {
        Expr::Null
        | Expr::Bool(_)
        | Expr::Int(_)
        | Expr::Float(_)
        | Expr::Str(_)
        | Expr::Path(_)
        | Expr::HomePath(..)
        | Expr::SearchPath(..)
        | Expr::CurPos(_)
        | Expr::Builtin(..) => {}
        Expr::Var(Var::Local { name, .. }, _) => {
            if !out.contains(name) {
                out.push(*name)
            }
        }
        Expr::Var(Var::With { .. } | Var::Global { .. } | Var::Scoped { .. }, _) => {}
        Expr::Interp(items, _) | Expr::InterpPath(items, _) => parts(items, out),
        Expr::Select(target, path, default, _) => {
            local_names(target, out);
            path.iter().for_each(|k| key(k, out));
            if let Some(default) = default {
                local_names(default, out);
            }
        }
        Expr::HasAttr(target, path, _) => {
            local_names(target, out);
            path.iter().for_each(|k| key(k, out));
        }
        Expr::Apply(a, b, _) | Expr::Assert(a, b, _) | Expr::With(a, b, _) | Expr::BinOp(_, a, b, _) => {
            local_names(a, out);
            local_names(b, out);
        }
        Expr::Lambda(def) => {
            local_names(&def.body, out);
            if let Param::Pattern { formals, .. } = &def.param {
                for default in formals.iter().filter_map(|formal| formal.default.as_ref()) {
                    local_names(default, out);
                }
            }
        }
        Expr::Let(def, body) => {
            set(def, out);
            local_names(body, out);
        }
        Expr::Attrs(def) => set(def, out),
        Expr::List(items) => items.iter().for_each(|item| local_names(item, out)),
        Expr::If(a, b, c, _) => {
            local_names(a, out);
            local_names(b, out);
            local_names(c, out);
        }
        Expr::Not(a, _) | Expr::Negate(a, _) => local_names(a, out),
    }
}

/// `config._module.args.name` from the `_module.args` sets of an
/// evaluation's definitions, as [`argument_from_definitions`] reads it: the
/// one definition of the highest priority.
fn flat_name_argument(ev: &Evaluator, settings: &[Rc<Attrs>], pos: Pos) -> Result<Option<Value>> {
    let mut highest = HighestDefinition::default();
    for module_args in settings {
        if let Some(argument) = module_args.get(syntax::sym!("name")) {
            if !highest.offer(ev, argument, pos)? {
                return Ok(None);
            }
        }
    }
    Ok(highest.value())
}

/// A module's `_file` or `key` (`name`) as loading it makes it
/// (`unifyModuleSyntax`): the string it is, or its `toString` when used;
/// `otherwise` without one.
fn stringified(module: &Attrs, name: Symbol, otherwise: &Value) -> Value {
    match module.get(name) {
        Some(value @ Value::String(_)) => value.clone(),
        Some(value) => Value::lazy_apply(Value::PrimOp(&TO_STRING), value.clone()),
        None => otherwise.clone(),
    }
}

/// A module's `_file` as loading it makes it (see [`stringified`]).
fn module_file(module: &Attrs, otherwise: &Value) -> Value {
    stringified(module, syntax::sym!("_file"), otherwise)
}

/// A module of a flat evaluation: its file, the options it declares and
/// the plain set it defines.
struct FlatModule {
    file: Value,
    options: Rc<Attrs>,
    config: Option<Rc<Attrs>>,
}

/// A module `{ _file?, options?, config? }` whose options are all options
/// (see [`flat_options`]) and whose `config` is a plain set (no `mkIf`,
/// `mkMerge`, ... around it); `None` for any other.
fn flat_module(ev: &Evaluator, module: &Attrs, file: &Value) -> Result<Option<FlatModule>> {
    let names = Names::get();
    let allowed = [syntax::sym!("_file"), names.options, names.config];
    if !module.entries().iter().all(|entry| allowed.contains(&entry.name)) {
        return Ok(None);
    }
    let Some(options) = flat_options(ev, module)? else { return Ok(None) };
    let config = match module.get(names.config) {
        None => None,
        Some(config) => match ev.force(config)? {
            Value::Attrs(config) if config.get(names.type_).is_none() => Some(config),
            _ => return Ok(None),
        },
    };
    Ok(Some(FlatModule { file: module_file(module, file), options, config }))
}

/// The `options` of a module that only declares options (`None` if it
/// declares anything else: a nested level, a non-option, `_module`).
fn flat_options(ev: &Evaluator, module: &Attrs) -> Result<Option<Rc<Attrs>>> {
    let names = Names::get();
    let Some(options) = module.get(names.options) else { return Ok(Some(Attrs::new())) };
    let Value::Attrs(options) = ev.force(options)? else { return Ok(None) };
    for entry in options.entries() {
        if entry.name == syntax::sym!("_module") {
            return Ok(None);
        }
        let Value::Attrs(option) = ev.force(&entry.value)? else { return Ok(None) };
        let Some(tag) = option.get(names.type_) else { return Ok(None) };
        if !matches!(ev.force(tag)?, Value::String(text) if text.as_str() == "option") {
            return Ok(None);
        }
        // A deprecated type warns when the option is evaluated: once, by
        // the general evaluation.
        if let Some(type_) = option.get(syntax::sym!("type")) {
            if let Value::Attrs(type_) = ev.force(type_)? {
                if let Some(message) = type_.get(syntax::sym!("deprecationMessage")) {
                    if !matches!(ev.force(message)?, Value::Null) {
                        return Ok(None);
                    }
                }
            }
        }
    }
    Ok(Some(options))
}

/// The `config` of `evalModules { modules; prefix; class; }` when every
/// module is one of
///
/// - `{ _file?, options?, config? }` declaring options only (no nested
///   levels) and defining a plain set (no `mkIf`, `mkMerge`, ... around
///   it; how a submodule's definitions come in, as `{ _file; config; }`),
/// - `{ _file?, imports = [ ... ]; }` importing such modules, or module
///   functions of `name` and `lib` that build such a module (how an
///   option's type gets the modules of its `submodule`: see `option_of`'s
///   `located`; see [`flat_function`]),
/// - `{ _module = { args = ...; }; }` (a submodule's `name`),
///
/// `class` is `null`, `prefix` is not empty and no option's type is
/// deprecated; `None` for anything else. Such an evaluation has no nested
/// levels, no undeclared definitions and no module reading `config`, so
/// its `config` is its options' values: each made from the declarations
/// and definitions of its name, grouped as the general walk groups them
/// (in the order of the collected modules reversed), and computed only
/// when used ([`flat_leaf`]: straight from its declaration, or the
/// general walk's leaf). `name`
/// is the one definition of `_module.args.name` with the highest priority,
/// as [`argument_from_definitions`] reads it, and like there, using it
/// while the modules' declared and defined names are being made is an
/// infinite recursion.
fn flat_evaluation(ev: &Evaluator, flat: &Flat, modules: &Value, pos: Pos) -> Result<Option<Value>> {
    let Flat { nix, unknown_file, lib, prefix, class } = *flat;
    // Only under a prefix (a submodule's value), whose `options` nobody
    // reads: an evaluation whose `options` were read too would evaluate
    // each option twice, once here and once in its option tree.
    if !matches!(ev.force(class)?, Value::Null) || ev.force_list(prefix, pos)?.is_empty() {
        return Ok(None);
    }
    let names = Names::get();
    let (file_name, imports_name) = (syntax::sym!("_file"), syntax::sym!("imports"));
    let (module_name, args_name) = (syntax::sym!("_module"), syntax::sym!("args"));
    let modules = ev.force_list(modules, pos)?;
    // Collected modules are the given ones, then their imports (modules
    // given to `imports` import nothing here): each as its file, the
    // options it declares and the plain set it defines.
    let mut roots: Vec<FlatModule> = Vec::new();
    // Imported modules, or a module function and the file it is imported
    // from, called once every module's `_module.args` is known.
    let mut imported_modules: Vec<std::result::Result<FlatModule, (Value, Value)>> = Vec::new();
    let mut all_settings: Vec<Rc<Attrs>> = Vec::new();
    for module in modules.iter() {
        let Value::Attrs(module) = ev.force(module)? else { return Ok(None) };
        if let Some(imports) = module.get(imports_name) {
            if !module.entries().iter().all(|entry| entry.name == file_name || entry.name == imports_name) {
                return Ok(None);
            }
            let file = module_file(&module, unknown_file);
            let Value::List(imports) = ev.force(imports)? else { return Ok(None) };
            for imported in imports.iter() {
                let imported = ev.force(imported)?;
                if flat_function(&imported).is_some() {
                    imported_modules.push(Err((file.clone(), imported)));
                    continue;
                }
                let Value::Attrs(imported) = imported else { return Ok(None) };
                let Some(flat) = flat_module(ev, &imported, &file)? else { return Ok(None) };
                imported_modules.push(Ok(flat));
            }
        } else if let Some(settings) = module.get(module_name) {
            if module.len() != 1 {
                return Ok(None);
            }
            // Only `_module.args`, which no option of `config` reads here.
            let Value::Attrs(settings) = ev.force(settings)? else { return Ok(None) };
            if settings.get(names.type_).is_some() || !settings.entries().iter().all(|entry| entry.name == args_name) {
                return Ok(None);
            }
            if let Some(module_args) = settings.get(args_name) {
                let Value::Attrs(module_args) = ev.force(module_args)? else { return Ok(None) };
                if module_args.get(names.type_).is_some() {
                    return Ok(None);
                }
                all_settings.push(module_args);
            }
        } else {
            let Some(flat) = flat_module(ev, &module, unknown_file)? else { return Ok(None) };
            roots.push(flat);
        }
    }
    // The module functions, called as loading them calls them: they see
    // only `name` and `lib`.
    let mut name_argument = None;
    let mut imported = Vec::with_capacity(imported_modules.len());
    for module in imported_modules {
        let (file, function) = match module {
            Ok(flat) => {
                imported.push(flat);
                continue;
            }
            Err(function) => function,
        };
        let Some((wants_name, wants_lib)) = flat_function(&function) else { return Ok(None) };
        let mut arguments = Vec::with_capacity(2);
        let mut pending_name = None;
        if wants_lib {
            arguments.push(AttrEntry { name: syntax::sym!("lib"), value: lib.clone(), pos: Pos::NONE });
        }
        if wants_name {
            if name_argument.is_none() {
                name_argument = flat_name_argument(ev, &all_settings, pos)?;
            }
            let Some(name) = &name_argument else { return Ok(None) };
            // Used while the function makes its module, `name` is an
            // infinite recursion, as in the general evaluation, where it
            // comes from `config`, which needs every module.
            let pending = Rc::new(Thunk::new(ThunkState::Blackhole));
            arguments.push(AttrEntry {
                name: syntax::sym!("name"),
                value: Value::Thunk(pending.clone()),
                pos: Pos::NONE,
            });
            pending_name = Some((pending, name.clone()));
        }
        // The general evaluation needs the names every module declares
        // and defines before it has `name`: those are made while it is
        // still pending.
        let module = ev.call(&function, Value::attrs(Attrs::from_sorted(arguments)), pos).and_then(|module| {
            let module = ev.force(&module)?;
            if let Value::Attrs(set) = &module {
                for part in [names.options, names.config] {
                    if let Some(part) = set.get(part) {
                        ev.force(part)?;
                    }
                }
            }
            Ok(module)
        });
        if let Some((pending, name)) = pending_name {
            pending.set(ThunkState::Done(name));
        }
        let Value::Attrs(module) = module? else {
            return Ok(None);
        };
        let module = shared_declarations(ev, &function, module)?;
        let Some(flat) = flat_module(ev, &module, &file)? else { return Ok(None) };
        imported.push(flat);
    }
    // The declarations and definitions by name, in the order of the
    // collected modules reversed, as the general walk groups them.
    let reversed = || imported.iter().rev().chain(roots.iter().rev());
    let declared: Vec<(Value, Rc<Attrs>)> =
        reversed().map(|module| (module.file.clone(), module.options.clone())).collect();
    let defined: Vec<(Value, Rc<Attrs>)> =
        reversed().filter_map(|module| Some((module.file.clone(), module.config.clone()?))).collect();
    let declared = group_sources(GroupKind::Declarations, &declared);
    let defined = group_sources(GroupKind::Definitions, &defined);
    // A definition of a name no module declares: the general walk's error.
    if defined.entries().iter().any(|entry| declared.get(entry.name).is_none()) {
        return Ok(None);
    }
    let config = declared.entries().iter().map(|entry| {
        let name_defs = defined.get(entry.name).cloned().unwrap_or_else(|| ev.empty_list.clone());
        let value = Value::lazy_apply(
            partial(
                &FLAT_LEAF,
                [nix.clone(), prefix.clone(), super::attrs::name_string(entry.name), entry.value.clone()],
            ),
            name_defs,
        );
        AttrEntry { name: entry.name, value, pos: entry.pos }
    });
    Ok(Some(Value::attrs(Attrs::from_sorted_iter(config))))
}

/// The value of a leaf of a flat evaluation: `nix loc name nameDecls
/// defs`, [`LEAF_CORE`]'s arguments. An option declared once, whose type
/// has no submodules (which would need the declaration's file), gets its
/// value straight from its declaration ([`direct_value`]); anything else,
/// and every error, is the general leaf's (its value, from its core).
static FLAT_LEAF: Builtin = Builtin { name: "strataFlatLeaf", arity: 5, func: flat_leaf };

fn flat_leaf(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    match flat_leaf_value(ev, args, pos) {
        Ok(Some(value)) => Ok(value),
        Ok(None) | Err(_) => leaf_value(ev, &leaf_core(ev, args, pos)?, pos),
    }
}

fn flat_leaf_value(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Option<Value>> {
    let names = OptionNames::get();
    let (loc, name, name_decls, defs) = (&args[1], &args[2], &args[3], &args[4]);
    let decls = ev.force_list(name_decls, pos)?;
    let [decl] = decls.items() else { return Ok(None) };
    let decl = ev.force_attrs(decl, pos)?;
    let Value::Attrs(opt) = select(ev, &decl, Names::get().options, pos)? else { return Ok(None) };
    match opt.get(names.type_) {
        Some(type_) if sub_modules_of(ev, &names, type_)?.is_none() => {}
        _ => return Ok(None),
    }
    let sub_loc = sub_loc_of(ev, loc, name, pos)?;
    let defs = ev.force_list(defs, pos)?;
    direct_value(ev, &opt, &sub_loc, &defs, &lazy_select(&decl, names.file, pos), pos)
}

static ADD_ERROR_CONTEXT: Builtin =
    Builtin { name: "addErrorContext", arity: 2, func: super::control::add_error_context };
static COLLECT_MODULES: Builtin = Builtin { name: "strataCollectModules", arity: 8, func: collect_modules };
static INTERNAL_DEFAULTS: Builtin = Builtin { name: "strataInternalDefaults", arity: 1, func: internal_defaults };

/// `builtins.getAttr NAME`, to apply lazily: one builtin per name the
/// evaluation reads, so that each field is one object (a thunk) rather
/// than two (a thunk and the partial application holding the name).
macro_rules! attr_of {
    ($($builtin:ident, $function:ident, $name:literal;)*) => {$(
        static $builtin: Builtin = Builtin { name: "getAttr", arity: 1, func: $function };

        fn $function(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
            super::attrs::get_attr(ev, &[super::attrs::name_string(syntax::sym!($name)), args[0].clone()], pos)
        }
    )*};
}

attr_of! {
    EXTEND_MODULES_OF, extend_modules_of, "extendModules";
    TYPE_OF, type_of, "type";
    INTERNAL_MODULE_OF, internal_module_of, "internalModule";
    OPTIONS_OF, options_of, "options";
    MODULE_OF, module_of, "_module";
    CONFIG_OF, config_of, "config";
    GRAPH_OF, graph_of, "graph";
    MERGED_VALUE_OF, merged_value_of, "mergedValue";
}

/// `pos: item: list: list ++ [ item ]` (`pos` made by [`pos_to_value`]).
static APPEND_ONE: Builtin = Builtin { name: "strataAppendOne", arity: 3, func: append_one };

fn append_one(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    Ok(appended(ev.force_list(&args[2], pos_of_value(&args[0]))?.items(), args[1].clone()))
}

/// `pos: specialArgs: specialArgs.modulesPath or ""`.
static MODULES_PATH: Builtin = Builtin { name: "strataModulesPath", arity: 2, func: modules_path };

fn modules_path(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    match ev.force_attrs(&args[1], pos_of_value(&args[0]))?.get(syntax::sym!("modulesPath")) {
        Some(value) => ev.force(value),
        None => Ok(super::attrs::name_string(syntax::sym!(""))),
    }
}

/// The top level's declarations and definitions from the collected
/// modules: `collected: levelInputs (reverseList collected.modules)`.
static EVAL_INPUTS: Builtin = Builtin { name: "strataEvalInputs", arity: 1, func: eval_inputs };

fn eval_inputs(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let collected = ev.force_attrs(&args[0], pos)?;
    let modules = select(ev, &collected, syntax::sym!("modules"), pos)?;
    let reversed = reverse_list(ev, &[modules], pos)?;
    level_inputs(ev, &[reversed], pos)
}

/// The top level of the option tree: `nix: prefix: inputs: walkLevel prefix
/// inputs.decls inputs.defs`.
static EVAL_WALKED: Builtin = Builtin { name: "strataEvalWalked", arity: 3, func: eval_walked };

fn eval_walked(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let inputs = ev.force_attrs(&args[2], pos)?;
    let decls = lazy_select(&inputs, syntax::sym!("decls"), pos);
    let defs = lazy_select(&inputs, syntax::sym!("defs"), pos);
    walk_level(ev, &[args[0].clone(), args[1].clone(), decls, defs], pos)
}

/// The evaluation's `_module.freeformType`: `defaults: walked: if
/// defaults.freeformType then null else walked.config._module.freeformType`.
static EVAL_FREEFORM: Builtin = Builtin { name: "strataEvalFreeform", arity: 2, func: eval_freeform };

fn eval_freeform(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    if default_applies(ev, &args[0], syntax::sym!("freeformType"), pos)? {
        return Ok(Value::Null);
    }
    module_setting(ev, &args[1], syntax::sym!("freeformType"), pos)
}

/// Whether `_module.NAME` keeps its default, from [`internal_defaults`]'
/// record.
fn default_applies(ev: &Evaluator, defaults: &Value, name: Symbol, pos: Pos) -> Result<bool> {
    let defaults = ev.force_attrs(defaults, pos)?;
    ev.force_bool(&select(ev, &defaults, name, pos)?, pos)
}

/// `walked.config._module.NAME`.
fn module_setting(ev: &Evaluator, walked: &Value, name: Symbol, pos: Pos) -> Result<Value> {
    let config = ev.force_attrs(&select(ev, &ev.force_attrs(walked, pos)?, Names::get().config, pos)?, pos)?;
    let module = ev.force_attrs(&select(ev, &config, syntax::sym!("_module"), pos)?, pos)?;
    select(ev, &module, name, pos)
}

/// The evaluation's `config`: `helpers: prefix: freeformType: walked: if
/// freeformType == null then walked.config else helpers.freeformConfig
/// prefix freeformType walked walked.config`.
static EVAL_CONFIG: Builtin = Builtin { name: "strataEvalConfig", arity: 4, func: eval_config };

fn eval_config(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (helpers, prefix, freeform, walked) = (&args[0], &args[1], &args[2], &args[3]);
    let freeform = ev.force(freeform)?;
    let declared = select(ev, &ev.force_attrs(walked, pos)?, Names::get().config, pos)?;
    if matches!(freeform, Value::Null) {
        return ev.force(&declared);
    }
    let merge = select(ev, &ev.force_attrs(helpers, pos)?, syntax::sym!("freeformConfig"), pos)?;
    let partial = call3(ev, &merge, prefix.clone(), freeform, walked.clone(), pos)?;
    let config = ev.call(&partial, declared, pos)?;
    ev.force(&config)
}

/// The check for undeclared definitions, `null` or an error: `helpers:
/// prefix: defaults: freeformType: walked: if (if defaults.check then true
/// else walked.config._module.check) && freeformType == null &&
/// walked.unmatched != [ ] then helpers.unmatchedError prefix
/// walked.options walked else null`.
static EVAL_CHECK: Builtin = Builtin { name: "strataEvalCheck", arity: 5, func: eval_check };

fn eval_check(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (helpers, prefix, defaults, freeform, walked) = (&args[0], &args[1], &args[2], &args[3], &args[4]);
    let checking = default_applies(ev, defaults, syntax::sym!("check"), pos)?
        || ev.force_bool(&module_setting(ev, walked, syntax::sym!("check"), pos)?, pos)?;
    if !checking || !matches!(ev.force(freeform)?, Value::Null) {
        return Ok(Value::Null);
    }
    let walked_attrs = ev.force_attrs(walked, pos)?;
    if ev.force_list(&select(ev, &walked_attrs, WalkNames::get().unmatched, pos)?, pos)?.is_empty() {
        return Ok(Value::Null);
    }
    let error = select(ev, &ev.force_attrs(helpers, pos)?, syntax::sym!("unmatchedError"), pos)?;
    let options = lazy_select(&walked_attrs, Names::get().options, pos);
    call3(ev, &error, prefix.clone(), options, walked.clone(), pos)
}

/// The arguments of module functions: `pos: lib: options: class: prefix:
/// config: specialArgs: { inherit lib options config specialArgs; _class =
/// class; _prefix = prefix; } // specialArgs`.
static EVAL_MODULE_ARGS: Builtin = Builtin { name: "strataEvalModuleArgs", arity: 7, func: eval_module_args };

fn eval_module_args(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    let special = ev.force_attrs(&args[6], pos_of_value(&args[0]))?;
    let own = record([
        (syntax::sym!("_class"), args[3].clone()),
        (syntax::sym!("_prefix"), args[4].clone()),
        (Names::get().config, args[5].clone()),
        (syntax::sym!("lib"), args[1].clone()),
        (Names::get().options, args[2].clone()),
        (syntax::sym!("specialArgs"), args[6].clone()),
    ]);
    let Value::Attrs(own) = own else { unreachable!("a record is a set") };
    Ok(Value::Attrs(Attrs::update(&own, &special)))
}

/// The import graph: `helpers: class: args: modules: collected:
/// helpers.moduleGraph collected.disabledKeys (strataModuleNodes
/// helpers.loadModule class args helpers.unknownModule "" modules)`.
static EVAL_GRAPH: Builtin = Builtin { name: "strataEvalGraph", arity: 5, func: eval_graph };

fn eval_graph(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let helpers = ev.force_attrs(&args[0], pos)?;
    let nodes = module_nodes(
        ev,
        &[
            select(ev, &helpers, syntax::sym!("loadModule"), pos)?,
            args[1].clone(),
            args[2].clone(),
            select(ev, &helpers, syntax::sym!("unknownModule"), pos)?,
            super::attrs::name_string(syntax::sym!("")),
            args[3].clone(),
        ],
        pos,
    )?;
    let disabled = lazy_select(&ev.force_attrs(&args[4], pos)?, syntax::sym!("disabledKeys"), pos);
    let graph = ev.call2(&select(ev, &helpers, syntax::sym!("moduleGraph"), pos)?, disabled, nodes, pos)?;
    ev.force(&graph)
}

/// `builtins.seq checkUnmatched`.
static CHECKED: Builtin = Builtin { name: "strataChecked", arity: 2, func: super::control::seq };

/// `config: removeAttrs config [ "_module" ]`.
static WITHOUT_MODULE: Builtin = Builtin { name: "strataWithoutModule", arity: 1, func: without_module };

fn without_module(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let config = ev.force_attrs(&args[0], pos)?;
    let module_name = syntax::sym!("_module");
    if config.get(module_name).is_none() {
        return Ok(Value::Attrs(config));
    }
    let kept = config.entries().iter().filter(|entry| entry.name != module_name).cloned().collect();
    Ok(Value::attrs(Attrs::from_sorted(kept)))
}
