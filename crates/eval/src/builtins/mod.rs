//! The builtins: one function per builtin, registered in tables per area.
//!
//! Each area module exports `BUILTINS: &[Builtin]`. [`install`] puts every
//! builtin into `builtins` and into the base environment: under its own name
//! for the few Nix exposes at the top level, as `__name` for the rest.

use syntax::ast::Pos;
use syntax::Symbol;

use crate::error::Result;
use crate::eval::Evaluator;
use crate::value::*;

pub(crate) mod attrs;
mod context;
mod control;
mod data;
mod derivations;
mod fs;
mod lists;
pub(crate) mod modules;
mod strings;

pub(crate) use control::is_seq;
pub(crate) use strings::force_str_no_context;

/// Builtins Nix puts in the base environment under their own name.
const TOP_LEVEL: &[&str] = &[
    "abort",
    "baseNameOf",
    "break",
    "derivation",
    "derivationStrict",
    "dirOf",
    "fetchGit",
    "fetchMercurial",
    "fetchTarball",
    "fetchTree",
    "fromTOML",
    "import",
    "isNull",
    "map",
    "placeholder",
    "removeAttrs",
    "scopedImport",
    "throw",
    "toString",
];

fn tables() -> Vec<&'static [Builtin]> {
    vec![
        attrs::BUILTINS,
        context::BUILTINS,
        control::BUILTINS,
        data::BUILTINS,
        derivations::BUILTINS,
        fs::BUILTINS,
        lists::BUILTINS,
        strings::BUILTINS,
    ]
}

/// The global that files of the built-in lib see as `builtins`.
pub(crate) const INTERNAL_BUILTINS: &str = "__strataBuiltins";

/// The builtin called `name` (without `__`), if there is one.
pub fn lookup(name: &str) -> Option<&'static Builtin> {
    tables().into_iter().flat_map(|table| table.iter()).find(|builtin| builtin.name == name)
}

/// Fills the evaluator's base environment and `builtins` set.
pub(crate) fn install(evaluator: &mut Evaluator) {
    let mut entries: Vec<(Symbol, Value)> = Vec::new();
    for table in tables() {
        for builtin in table.iter() {
            entries.push((Symbol::intern(builtin.name), Value::PrimOp(builtin)));
        }
    }
    for (name, value) in constants(evaluator) {
        entries.push((Symbol::intern(name), value));
    }
    // `builtins.builtins` refers to the set itself, found through the globals.
    let builtins_symbol = Symbol::intern("builtins");
    entries.push((
        builtins_symbol,
        Value::lazy(move |evaluator: &Evaluator| {
            let index = evaluator.global_index.get(&builtins_symbol).copied().unwrap_or(0);
            Ok(evaluator.globals.get(index as usize).cloned().unwrap_or(Value::Null))
        }),
    ));
    let attrs = Attrs::from_unsorted(
        entries.iter().map(|(name, value)| AttrEntry { name: *name, value: value.clone(), pos: Pos::NONE }).collect(),
    );
    let add_global = |evaluator: &mut Evaluator, name: &str, value: Value| {
        let symbol = Symbol::intern(name);
        let index = evaluator.globals.len() as u32;
        evaluator.global_index.insert(symbol, index);
        evaluator.globals.push(value);
        index
    };
    for (name, value) in entries {
        if name == builtins_symbol {
            continue;
        }
        let text = name.as_str();
        let index = if TOP_LEVEL.contains(&text) || matches!(text, "true" | "false" | "null") {
            add_global(evaluator, text, value)
        } else {
            add_global(evaluator, &format!("__{text}"), value)
        };
        evaluator.builtin_globals.insert(name, index);
    }
    // Files of the lib built into Strata see `builtins` with its native
    // helpers added (see `Evaluator::parse`); the lib falls back to Nix code
    // where they are missing, so it also runs on Nix.
    let helpers = modules::BUILTINS
        .iter()
        .map(|builtin| AttrEntry { name: Symbol::intern(builtin.name), value: Value::PrimOp(builtin), pos: Pos::NONE })
        .collect();
    let internal = Attrs::update(&attrs, &Attrs::from_unsorted(helpers));
    add_global(evaluator, "builtins", Value::attrs(attrs));
    add_global(evaluator, INTERNAL_BUILTINS, Value::attrs(internal));
    // `derivation` is Nix code over the base environment: evaluate it now
    // that the environment is complete, so it prints as `<LAMBDA>` like any
    // other builtin function.
    if let Some(&index) = evaluator.global_index.get(&Symbol::intern("derivation")) {
        let derivation = evaluator.globals[index as usize].clone();
        if let Err(err) = evaluator.force(&derivation) {
            debug_assert!(false, "the derivation wrapper does not evaluate: {}", err.message());
        }
    }
}

fn constants(evaluator: &Evaluator) -> Vec<(&'static str, Value)> {
    let options = &evaluator.options;
    let nix_path = options
        .search_path
        .iter()
        .map(|entry| {
            Value::attrs(Attrs::from_unsorted(vec![
                AttrEntry { name: Symbol::intern("path"), value: Value::string(&entry.path), pos: Pos::NONE },
                AttrEntry { name: Symbol::intern("prefix"), value: Value::string(&entry.prefix), pos: Pos::NONE },
            ]))
        })
        .collect();
    vec![
        ("true", Value::bool(true)),
        ("false", Value::bool(false)),
        ("null", Value::Null),
        ("currentSystem", Value::string(&options.current_system)),
        // Read when first used, so an evaluation that never looks at the
        // clock does not depend on it (the evaluation cache relies on this).
        ("currentTime", Value::lazy(|ev: &Evaluator| Ok(Value::Int(ev.io.current_time())))),
        ("langVersion", Value::Int(6)),
        ("nixVersion", Value::string("2.8.0")),
        ("storeDir", Value::string(&options.store_dir)),
        ("nixPath", Value::list(nix_path)),
        ("derivation", derivations::derivation_wrapper()),
    ]
}

/// Resolves `<name>` against the search path, then against the entries
/// built into Strata (which `builtins.nixPath` does not show).
pub(crate) fn find_file_in_search_path(evaluator: &Evaluator, name: &str, pos: Pos) -> Result<Value> {
    let options = &evaluator.options;
    let entries: Vec<_> = options.search_path.iter().chain(options.builtin_search_path.iter()).cloned().collect();
    Ok(Value::path(fs::find_in_search_path(evaluator, &entries, name, pos)?))
}

/// Copies a source path "to the store": computes the store path Nix would
/// give it, without writing anything.
pub(crate) fn copy_path_to_store(evaluator: &Evaluator, path: &str, pos: Pos) -> Result<String> {
    if let Some(known) = evaluator.copied_paths.borrow().get(path) {
        return Ok(known.clone());
    }
    let store_path = fs::copy_to_store(evaluator, path, pos)?;
    evaluator.copied_paths.borrow_mut().insert(path.to_string(), store_path.clone());
    Ok(store_path)
}

/// The base name of a path or string, as `baseNameOf` computes it: the part
/// after the last `/`, ignoring one trailing `/`.
pub fn base_name(path: &str) -> &str {
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    match trimmed.rfind('/') {
        Some(index) => &trimmed[index + 1..],
        None => trimmed,
    }
}

/// The directory of a path or string, as `dirOf` computes it: everything
/// before the last `/`, `/` for a top-level entry, `.` without any `/`.
pub fn dir_name(path: &str) -> &str {
    match path.rfind('/') {
        None => ".",
        Some(0) => "/",
        Some(index) => &path[..index],
    }
}

pub(crate) fn new_attrs(entries: Vec<(&str, Value)>) -> Value {
    Value::attrs(Attrs::from_unsorted(
        entries
            .into_iter()
            .map(|(name, value)| AttrEntry { name: Symbol::intern(name), value, pos: Pos::NONE })
            .collect(),
    ))
}
