//! Derivations and the store: `derivationStrict` (and the Nix-language
//! `derivation` wrapper around it), `toFile`, `placeholder`, `storePath`,
//! `path` and `filterSource`.
//!
//! Nothing is written anywhere: like `nix-instantiate --eval` (read-only
//! mode), every store path is computed, never created. So a string whose
//! context names a derivation's `.drv` path as a whole (`=…`) cannot be used
//! as a derivation input, and files made by `toFile` cannot be read back,
//! exactly as in Nix 2.8's read-only mode.

use std::collections::{BTreeMap, BTreeSet};

use syntax::ast::Pos;
use syntax::Symbol;

use super::force_str_no_context;
use super::fs::{coerce_to_path, nar_hash_path, PathFilter};
use crate::error::{error, type_error, ErrorKind, EvalError, Result};
use crate::eval::{Coercion, Evaluator};
use crate::value::*;

pub(super) const BUILTINS: &[Builtin] = &[
    Builtin { name: "derivationStrict", arity: 1, func: derivation_strict },
    Builtin { name: "toFile", arity: 2, func: to_file },
    Builtin { name: "placeholder", arity: 1, func: placeholder },
    Builtin { name: "storePath", arity: 1, func: store_path },
    Builtin { name: "path", arity: 1, func: path },
    Builtin { name: "filterSource", arity: 2, func: filter_source },
];

/// The Nix source of `builtins.derivation`.
const DERIVATION_NIX: &str = include_str!("derivation.nix");

/// The name Nix 2.8 gives the wrapper's source in positions.
const DERIVATION_NIX_NAME: &str = "//builtin/derivation.nix";

/// The `derivation` builtin: a thunk that evaluates [`DERIVATION_NIX`] (a
/// lambda) in the base environment. It is a Nix lambda, not a primop, so it
/// prints as `<LAMBDA>` and `functionArgs derivation` is `{ outputs = true; }`
/// as in Nix.
pub(super) fn derivation_wrapper() -> Value {
    Value::lazy(|ev: &Evaluator| {
        let expr = ev.parse(DERIVATION_NIX_NAME, DERIVATION_NIX, "/", false)?;
        ev.eval_parsed(expr)
    })
}

pub(super) fn store_dir(ev: &Evaluator) -> store::StoreDir {
    store::StoreDir::new(ev.options.store_dir.clone())
}

/// The store path a context element names (without `=` or `!output!`).
pub(super) fn context_path(element: &str) -> &str {
    if let Some(rest) = element.strip_prefix('=') {
        rest
    } else if let Some(rest) = element.strip_prefix('!') {
        rest.split_once('!').map_or(rest, |(_, path)| path)
    } else {
        element
    }
}

/// A positioned evaluation error from anything displayable (store errors).
pub(super) fn eval_error(pos: Pos, message: impl std::fmt::Display) -> EvalError {
    error(ErrorKind::Eval, pos, message.to_string())
}

/// Everything `derivationStrict` gathers from the attributes before the
/// store-side computation.
#[derive(Default)]
struct Gathered {
    env: BTreeMap<String, String>,
    args: Vec<String>,
    json: Option<String>,
    context: Context,
    builder: String,
    system: String,
    outputs: Option<Vec<String>>,
    output_hash: Option<String>,
    output_hash_algo: String,
    output_hash_mode: Option<String>,
}

/// `builtins.derivationStrict attrs`: computes the derivation and returns
/// `{ drvPath; <output> = path; … }`, each string carrying the context that
/// makes it a dependency later (`=drv` for `drvPath`, `!output!drv` for an
/// output). The modulo hash is remembered so that derivations using this one
/// can be hashed.
fn derivation_strict(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let attrs = ev.force_attrs(&args[0], pos)?;
    let Some(name_entry) = attrs.get_entry(syntax::sym!("name")) else {
        return Err(type_error(pos, "attribute 'name' missing for call to 'derivationStrict'")
            .with_frame(pos, "while invoking 'derivationStrict'"));
    };
    let name_pos = name_entry.pos;
    let drv_name = force_str_no_context(ev, &name_entry.value, pos)
        .map_err(|e| e.with_frame(name_pos, "while evaluating the derivation attribute 'name'"))?;

    let structured = match attrs.get_str("__structuredAttrs") {
        Some(value) => ev.force_bool(value, pos)?,
        None => false,
    };
    let ignore_nulls = match attrs.get_str("__ignoreNulls") {
        Some(value) => ev.force_bool(value, pos)?,
        None => false,
    };

    let mut gathered = Gathered::default();
    let mut json = structured.then(|| String::from("{"));
    for entry in attrs.entries() {
        let key = entry.name.as_str();
        if key == "__ignoreNulls" {
            continue;
        }
        gather_attribute(ev, entry, ignore_nulls, &mut json, &mut gathered, name_pos, pos).map_err(|e| {
            e.with_frame(name_pos, format!("while evaluating the attribute '{key}' of the derivation '{drv_name}'"))
        })?;
    }
    if let Some(mut json) = json {
        json.push('}');
        gathered.env.insert("__json".to_string(), json.clone());
        gathered.json = Some(json);
    }

    let mut input_drvs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut input_srcs = BTreeSet::new();
    let dir = store_dir(ev);
    for element in &gathered.context {
        if let Some(drv_path) = element.strip_prefix('=') {
            // Nix adds the whole closure of the `.drv` file, read from the
            // store; in read-only mode the file was never written.
            return Err(eval_error(Pos::NONE, format!("path '{drv_path}' is not valid")));
        } else if let Some(rest) = element.strip_prefix('!') {
            let (output, drv_path) = rest.split_once('!').unwrap_or(("", rest));
            dir.parse_store_path(drv_path).map_err(|e| eval_error(pos, e))?;
            input_drvs.entry(drv_path.to_string()).or_default().insert(output.to_string());
        } else {
            dir.parse_store_path(element).map_err(|e| eval_error(pos, e))?;
            input_srcs.insert(element.clone());
        }
    }

    if gathered.builder.is_empty() {
        return Err(eval_error(name_pos, "required attribute 'builder' missing"));
    }
    if gathered.system.is_empty() {
        return Err(eval_error(name_pos, "required attribute 'system' missing"));
    }
    if drv_name.ends_with(".drv") {
        return Err(eval_error(name_pos, "derivation names are not allowed to end in '.drv'"));
    }

    let drv_args = store::DerivationArgs {
        name: drv_name.clone(),
        builder: gathered.builder,
        system: gathered.system,
        args: gathered.args,
        env: gathered.env,
        outputs: gathered.outputs.unwrap_or_else(|| vec!["out".to_string()]),
        output_hash: gathered.output_hash,
        output_hash_algo: gathered.output_hash_algo,
        output_hash_mode: gathered.output_hash_mode,
        input_drvs,
        input_srcs,
    };
    let result = {
        let hashes = ev.drv_hashes.borrow();
        let resolve = |drv_path: &str| hashes.get(drv_path).cloned();
        store::derivation_strict(&dir, &drv_args, &resolve)
    };
    let result = result.map_err(|e| match e {
        // An input derivation this evaluation did not create (a context
        // made up with `appendContext`): Nix would read it from the store.
        store::DerivationError::UnknownInputDerivation(drv_path) => {
            eval_error(Pos::NONE, format!("path '{drv_path}' is not valid"))
        }
        // Bad hashes and names are reported without a position, as in Nix.
        error @ (store::DerivationError::Hash(_) | store::DerivationError::StorePath(_)) => {
            eval_error(Pos::NONE, error)
        }
        other => eval_error(name_pos, other),
    })?;
    for warning in &result.warnings {
        ev.io.trace(&format!("warning: {warning}"));
    }
    ev.drv_hashes.borrow_mut().insert(result.drv_path.clone(), result.hash_modulo.clone());

    let drv_path = result.drv_path;
    let mut entries = vec![(
        "drvPath".to_string(),
        Value::string_with_context(drv_path.clone(), Context::from([format!("={drv_path}")])),
    )];
    for (output, output_path) in result.output_paths {
        let context = Context::from([format!("!{output}!{drv_path}")]);
        entries.push((output, Value::string_with_context(output_path, context)));
    }
    Ok(Value::attrs(Attrs::from_unsorted(
        entries
            .into_iter()
            .map(|(name, value)| AttrEntry { name: Symbol::intern(&name), value, pos: Pos::NONE })
            .collect(),
    )))
}

/// Processes one attribute of a derivation: `args` become the builder's
/// arguments, everything else an environment variable (or a `__json` field).
fn gather_attribute(
    ev: &Evaluator,
    entry: &AttrEntry,
    ignore_nulls: bool,
    json: &mut Option<String>,
    gathered: &mut Gathered,
    name_pos: Pos,
    pos: Pos,
) -> Result<()> {
    let key = entry.name.as_str();
    if ignore_nulls && matches!(ev.force(&entry.value)?, Value::Null) {
        return Ok(());
    }
    match key {
        "__contentAddressed" | "__impure" => {
            if ev.force_bool(&entry.value, pos)? {
                let feature = if key == "__impure" { "impure-derivations" } else { "ca-derivations" };
                return Err(eval_error(
                    Pos::NONE,
                    format!(
                        "experimental Nix feature '{feature}' is disabled; use '--extra-experimental-features {feature}' to override"
                    ),
                ));
            }
            return Ok(());
        }
        "args" => {
            let items = ev.force_list(&entry.value, pos)?;
            for item in items.iter() {
                let string = ev.coerce_to_string(item, name_pos, Coercion { more: true, copy_to_store: true })?;
                gathered.context.extend(string.context);
                gathered.args.push(string.text);
            }
            return Ok(());
        }
        _ => {}
    }
    if let Some(json) = json {
        if key == "__structuredAttrs" {
            return Ok(());
        }
        if json.len() > 1 {
            json.push(',');
        }
        crate::print::json_string(key, json);
        json.push(':');
        ev.to_json(&entry.value, entry.pos, json, &mut gathered.context)?;
        match key {
            "builder" => {
                let builder = ev.force_string(&entry.value, name_pos)?;
                gathered.context.extend(builder.context.iter().cloned());
                gathered.builder = builder.text.clone();
            }
            "system" => gathered.system = force_str_no_context(ev, &entry.value, name_pos)?,
            "outputHash" => gathered.output_hash = Some(force_str_no_context(ev, &entry.value, name_pos)?),
            "outputHashAlgo" => gathered.output_hash_algo = force_str_no_context(ev, &entry.value, name_pos)?,
            "outputHashMode" => {
                let mode = force_str_no_context(ev, &entry.value, name_pos)?;
                gathered.output_hash_mode = Some(check_hash_mode(mode, name_pos)?);
            }
            "outputs" => {
                let items = ev.force_list(&entry.value, name_pos)?;
                let mut names = Vec::with_capacity(items.len());
                for item in items.iter() {
                    names.push(force_str_no_context(ev, item, name_pos)?);
                }
                gathered.outputs = Some(check_outputs(names, name_pos)?);
            }
            _ => {}
        }
        return Ok(());
    }
    let string = ev.coerce_to_string(&entry.value, entry.pos, Coercion { more: true, copy_to_store: true })?;
    gathered.context.extend(string.context);
    let text = string.text;
    match key {
        "builder" => gathered.builder = text.clone(),
        "system" => gathered.system = text.clone(),
        "outputHash" => gathered.output_hash = Some(text.clone()),
        "outputHashAlgo" => gathered.output_hash_algo = text.clone(),
        "outputHashMode" => gathered.output_hash_mode = Some(check_hash_mode(text.clone(), name_pos)?),
        "outputs" => {
            let names = text.split([' ', '\t', '\n', '\r']).filter(|s| !s.is_empty()).map(str::to_string).collect();
            gathered.outputs = Some(check_outputs(names, name_pos)?);
        }
        _ => {}
    }
    gathered.env.insert(key.to_string(), text);
    Ok(())
}

fn check_hash_mode(mode: String, pos: Pos) -> Result<String> {
    match mode.as_str() {
        "flat" | "recursive" => Ok(mode),
        _ => Err(eval_error(pos, format!("invalid value '{mode}' for 'outputHashMode' attribute"))),
    }
}

/// Output names are unique, not `drv` (which would clash with `drvPath`),
/// and there is at least one.
fn check_outputs(names: Vec<String>, pos: Pos) -> Result<Vec<String>> {
    let mut seen = BTreeSet::new();
    for name in &names {
        if !seen.insert(name.as_str()) {
            return Err(eval_error(pos, format!("duplicate derivation output '{name}'")));
        }
        if name == "drv" {
            return Err(eval_error(pos, "invalid derivation output name 'drv'"));
        }
    }
    if names.is_empty() {
        return Err(eval_error(pos, "derivation cannot have an empty set of outputs"));
    }
    Ok(names)
}

/// `builtins.toFile name contents`: the store path a text file with these
/// contents would get. Its references are the store paths in the context of
/// `contents`; derivations cannot be referenced (they are not built yet).
fn to_file(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let name = force_str_no_context(ev, &args[0], pos)?;
    let contents = ev.force_string(&args[1], pos)?;
    let mut references = BTreeSet::new();
    for element in &contents.context {
        if !element.starts_with('/') {
            return Err(eval_error(
                pos,
                format!(
                    "in 'toFile': the file named '{name}' must not contain a reference to a derivation but contains ({element})"
                ),
            ));
        }
        store_dir(ev).parse_store_path(element).map_err(|e| eval_error(pos, e))?;
        references.insert(element.clone());
    }
    let path = store::make_text_path(&store_dir(ev), &name, contents.text.as_bytes(), &references)
        .map_err(|e| eval_error(Pos::NONE, e))?;
    Ok(store_path_string(path))
}

/// A store path as a string whose context is the path itself.
pub(super) fn store_path_string(path: String) -> Value {
    let context = Context::from([path.clone()]);
    Value::string_with_context(path, context)
}

/// `builtins.placeholder output`: the string the builder finds replaced by
/// the output's path.
fn placeholder(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let output = force_str_no_context(ev, &args[0], pos)?;
    Ok(Value::string(store::hash_placeholder(&output)))
}

/// `builtins.storePath path`: declares that `path` is in the store, giving
/// it the context of its store path. In read-only evaluation the path need
/// not exist.
fn store_path(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    if ev.options.pure {
        return Err(eval_error(pos, "'builtins.storePath' is not allowed in pure evaluation mode"));
    }
    let (mut path, mut context) = coerce_to_path(ev, &args[0], pos)?;
    let prefix = format!("{}/", ev.options.store_dir);
    if store_dir(ev).parse_store_path(&path).is_err() {
        path = super::fs::resolve_symlinks(ev, &path, pos)?;
    }
    let Some(rest) = path.strip_prefix(&prefix).filter(|rest| !rest.is_empty()) else {
        return Err(eval_error(pos, format!("path '{path}' is not in the Nix store")));
    };
    let base = rest.split('/').next().unwrap_or(rest);
    let store_path = format!("{prefix}{base}");
    store_dir(ev).parse_store_path(&store_path).map_err(|e| eval_error(Pos::NONE, e))?;
    context.insert(store_path);
    Ok(Value::string_with_context(path, context))
}

/// `builtins.path { path; name ? baseNameOf path; filter ? null;
/// recursive ? true; sha256 ? null; }`: adds a path to the store.
fn path(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let attrs = ev.force_attrs(&args[0], pos)?;
    let mut path = None;
    let mut name = String::new();
    let mut filter = None;
    let mut recursive = true;
    let mut expected = None;
    for entry in attrs.entries() {
        match entry.name.as_str() {
            "path" => path = Some(coerce_to_path(ev, &entry.value, entry.pos)?.0),
            "name" => name = force_str_no_context(ev, &entry.value, entry.pos)?,
            "filter" => filter = Some(ev.force(&entry.value)?),
            "recursive" => recursive = ev.force_bool(&entry.value, entry.pos)?,
            "sha256" => {
                let text = force_str_no_context(ev, &entry.value, entry.pos)?;
                let hash = store::Hash::parse_allow_empty(&text, Some(store::HashAlgo::Sha256))
                    .map_err(|e| eval_error(entry.pos, e))?;
                expected = Some(hash);
            }
            other => {
                return Err(eval_error(entry.pos, format!("unsupported argument '{other}' to 'addPath'")));
            }
        }
    }
    let Some(path) = path else {
        return Err(eval_error(pos, "'path' required"));
    };
    if name.is_empty() {
        name = super::base_name(&path).to_string();
    }
    let method = if recursive { store::FileIngestionMethod::Recursive } else { store::FileIngestionMethod::Flat };
    add_path(ev, &path, &name, filter.as_ref(), method, expected, pos)
}

/// `builtins.filterSource filter path`: `builtins.path` with a filter and
/// the path's own base name.
fn filter_source(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (path, _) = coerce_to_path(ev, &args[1], pos)?;
    let filter = ev.force(&args[0])?;
    if !filter.is_function() {
        return Err(type_error(
            pos,
            format!("first argument in call to 'filterSource' is not a function but {}", filter.shown()),
        ));
    }
    let name = super::base_name(&path).to_string();
    add_path(ev, &path, &name, Some(&filter), store::FileIngestionMethod::Recursive, None, pos)
}

/// Nix's `addPath` in read-only mode: the store path `path` would get,
/// checked against the expected hash if there is one.
fn add_path(
    ev: &Evaluator,
    path: &str,
    name: &str,
    filter: Option<&Value>,
    method: store::FileIngestionMethod,
    expected: Option<store::Hash>,
    pos: Pos,
) -> Result<Value> {
    let compute = || -> Result<String> {
        let dir = store_dir(ev);
        let hash = match method {
            store::FileIngestionMethod::Recursive => {
                let filter = filter.map(|function| PathFilter { function, pos });
                nar_hash_path(ev, path, filter.as_ref(), pos)?
            }
            store::FileIngestionMethod::Flat => {
                let bytes = ev
                    .io
                    .read_file(path)
                    .map_err(|e| eval_error(pos, format!("reading from file: {}", super::fs::os_message(&e))))?;
                store::Hash::compute(store::HashAlgo::Sha256, &bytes)
            }
        };
        let store_path = store::make_fixed_output_path(&dir, method, &hash, name, &BTreeSet::new())
            .map_err(|e| eval_error(pos, e))?;
        if let Some(expected) = &expected {
            let expected_path = store::make_fixed_output_path(&dir, method, expected, name, &BTreeSet::new())
                .map_err(|e| eval_error(pos, e))?;
            if expected_path != store_path {
                return Err(eval_error(
                    Pos::NONE,
                    format!("store path mismatch in (possibly filtered) path added from '{path}'"),
                ));
            }
        }
        Ok(store_path)
    };
    let store_path = compute().map_err(|e| e.with_frame(pos, format!("while adding path '{path}'")))?;
    Ok(store_path_string(store_path))
}
