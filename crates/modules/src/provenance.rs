//! Provenance of option values: the definitions an option's value came from,
//! where each was written, and whether the default was used.
//!
//! This reads the Strata extensions that `lib/modules.nix` puts on every
//! option of an `evalModules` result (`definitionsWithPositions`,
//! `disabledDefinitions`, `usedDefault`; see `definitionProvenance` there).
//! They are lazy attributes, so an evaluation pays for provenance only for
//! the options asked about. Everything returned is plain data, so the CLI
//! (`strata show --explain`, `strata diff`) and the option search can use it
//! without holding on to the evaluator.
//!
//! Limits: [`explain`] walks the `options` tree itself, so it reaches every
//! declared option, nested plain options included, but not options inside the
//! values of a submodule-typed option (`users.users.<name>.home`): those live
//! in a separate evaluation per value, which the `options` tree does not
//! expose. Asking for such a path is an error naming the enclosing option,
//! whose own provenance (the definitions of the whole attribute set) is
//! available.

use eval::print::print_value;
use eval::Rc;
use eval::{Attrs, ErrorKind, EvalError, Evaluator, Value};
use syntax::ast::Pos;

/// The priority of a definition without `mkOverride` (`defaultOverridePriority`).
pub const PLAIN_PRIORITY: i64 = 100;
/// The priority of an option's `default` (`mkOptionDefault`).
pub const DEFAULT_PRIORITY: i64 = 1500;

/// One definition of an option that a false `mkIf` did not switch off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The file the definition is written in, or the module's file when its
    /// position is not known (definitions not written as an attribute, such
    /// as those made by `mkMerge` of computed sets, still have one).
    pub file: String,
    /// 1-based line of the defining attribute in `file`, when known.
    pub line: Option<u32>,
    /// 1-based column of the defining attribute in `file`, when known.
    pub column: Option<u32>,
    /// The `_file` of the module holding the definition, as in the option's
    /// `files`; usually equal to `file`.
    pub module: String,
    /// The `mkOverride` priority: lower wins. Plain definitions have
    /// [`PLAIN_PRIORITY`], `mkDefault` 1000, `mkForce` 50.
    pub priority: i64,
    /// The value without its `mkOverride`/`mkOrder` wrappers, forced
    /// completely and printed in Nix syntax; `«error: …»` if forcing fails.
    pub value: String,
}

impl Definition {
    /// Whether this definition takes part in the option's value, i.e. no
    /// definition (nor the default) has a higher priority.
    pub fn is_used(&self, provenance: &OptionProvenance) -> bool {
        self.priority == provenance.highest_priority
    }
}

/// A definition that `mkIf false` switched off. Its value is never
/// evaluated: a disabled branch commonly refers to things that only exist
/// when the condition holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisabledDefinition {
    /// As [`Definition::file`].
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// As [`Definition::module`].
    pub module: String,
}

/// Where an option's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionProvenance {
    /// The option's path relative to the evaluation's `options`.
    pub path: Vec<String>,
    /// The definitions that survived `mkIf`, in the module system's
    /// definition order, overridden ones included; the default is not one of
    /// them (see [`OptionProvenance::default`]).
    pub definitions: Vec<Definition>,
    /// The definitions a false `mkIf` switched off, in definition order.
    pub disabled: Vec<DisabledDefinition>,
    /// Whether the option's `default` is part of its value: it has one and
    /// no definition has a higher priority than [`DEFAULT_PRIORITY`].
    pub default_used: bool,
    /// The option's `default`, printed like [`Definition::value`].
    pub default: Option<String>,
    /// The priority that won (`highestPrio`); 9999 when nothing defines the
    /// option and it has no default.
    pub highest_priority: i64,
    /// The files declaring the option.
    pub declarations: Vec<String>,
    /// The type's description, e.g. `list of string`.
    pub type_description: String,
    /// The option's value printed like [`Definition::value`], or `None`
    /// when neither a definition nor a default gives it one.
    pub value: Option<String>,
}

/// Explains the option at `path` in `options`, the `options` attribute of
/// an `evalModules` result evaluated with Strata's lib.
///
/// Errors: the evaluation's own errors while walking the tree or reading
/// the option's structure (conditions of `mkIf`, module loading), and an
/// error of kind [`ErrorKind::Missing`] when `path` names no option. Errors
/// in values are not errors here; they are printed into the values.
pub fn explain(ev: &Evaluator, options: &Value, path: &[&str]) -> Result<OptionProvenance, EvalError> {
    let option = find_option(ev, options, path)?;
    explain_option(ev, &option, path, &[])
}

/// Explains the value at `path`, which may lead into the value of an
/// option (`users.users.alice.home` is inside `users.users`): the
/// definitions are those of the enclosing option that define something at
/// the rest of the path (`{ alice.home = ...; }`, looking through `mkIf`,
/// `mkMerge`, `mkOverride` and `mkOrder`), each with its value there, and
/// the value and default are the enclosing ones' at the rest of the path.
/// Returns the explanation and how many names of `path` the enclosing
/// option's own path has.
pub fn explain_path(ev: &Evaluator, options: &Value, path: &[&str]) -> Result<(OptionProvenance, usize), EvalError> {
    let mut current = ev.force_attrs(options, Pos::NONE)?;
    for depth in 0..=path.len() {
        if is_option(ev, &current)? {
            if depth == 0 {
                break;
            }
            let provenance = explain_option(ev, &current, &path[..depth], &path[depth..])?;
            return Ok((provenance, depth));
        }
        let Some(name) = path.get(depth) else { break };
        let Some(next) = current.get_str(name) else {
            return Err(missing(format!("The option `{}' does not exist.", path[..=depth].join("."))));
        };
        current = ev.force_attrs(next, Pos::NONE)?;
    }
    Err(missing(format!("`{}' is a set of options, not an option", path.join("."))))
}

/// What a definition's raw value holds at a path.
enum Found {
    Value(Value, Option<i64>),
    Disabled,
    Absent,
}

/// Follows `rest` into a definition's raw value, looking through the
/// module system's wrappers; the priority is that of an `mkOverride` met
/// on the way.
fn descend(ev: &Evaluator, value: &Value, rest: &[&str], priority: Option<i64>) -> Result<Found, EvalError> {
    let forced = ev.force(value)?;
    if let Value::Attrs(attrs) = &forced {
        if let Some(kind) = attrs.get_str("_type") {
            match ev.force_str(kind, Pos::NONE)?.as_str() {
                "override" | "order" => {
                    let priority = match attrs.get_str("priority") {
                        Some(p) => Some(ev.force_int(p, Pos::NONE)?),
                        None => priority,
                    };
                    return descend(ev, &field(attrs, "content")?, rest, priority);
                }
                "if" => {
                    if !ev.force_bool(&field(attrs, "condition")?, Pos::NONE)? {
                        return Ok(Found::Disabled);
                    }
                    return descend(ev, &field(attrs, "content")?, rest, priority);
                }
                "merge" => {
                    let mut result = Found::Absent;
                    for item in ev.force_list(&field(attrs, "contents")?, Pos::NONE)?.items() {
                        match descend(ev, item, rest, priority)? {
                            Found::Value(value, priority) => return Ok(Found::Value(value, priority)),
                            Found::Disabled => result = Found::Disabled,
                            Found::Absent => {}
                        }
                    }
                    return Ok(result);
                }
                _ => {}
            }
        }
    }
    let Some((first, rest)) = rest.split_first() else {
        return Ok(Found::Value(forced, priority));
    };
    match &forced {
        Value::Attrs(attrs) => match attrs.get_str(first) {
            Some(next) => descend(ev, next, rest, priority),
            None => Ok(Found::Absent),
        },
        _ => Ok(Found::Absent),
    }
}

/// A plain value at `rest` inside `value` (merged values have no wrappers).
fn select(ev: &Evaluator, value: &Value, rest: &[&str]) -> Result<Option<Value>, EvalError> {
    let mut current = value.clone();
    for name in rest {
        let Value::Attrs(attrs) = ev.force(&current)? else { return Ok(None) };
        match attrs.get_str(name) {
            Some(next) => current = next.clone(),
            None => return Ok(None),
        }
    }
    Ok(Some(current))
}

fn explain_option(
    ev: &Evaluator,
    option: &Rc<Attrs>,
    path: &[&str],
    rest: &[&str],
) -> Result<OptionProvenance, EvalError> {
    let option = option.clone();
    let shown = path.join(".");
    let provenance_field = |name: &str| {
        option.get_str(name).cloned().ok_or_else(|| {
            missing(format!(
                "the option `{shown}' has no attribute `{name}'; was it evaluated with Strata's lib (<strata/lib>)?"
            ))
        })
    };

    let mut definitions = Vec::new();
    let mut disabled_inside = Vec::new();
    for item in ev.force_list(&provenance_field("definitionsWithPositions")?, Pos::NONE)?.iter() {
        let def = ev.force_attrs(item, Pos::NONE)?;
        let (file, line, column, module) = location(ev, &def)?;
        let mut priority = ev.force_int(&field(&def, "priority")?, Pos::NONE)?;
        let raw = field(&def, "value")?;
        let value = if rest.is_empty() {
            render(ev, &raw)
        } else {
            match descend(ev, &raw, rest, None)? {
                Found::Value(value, inner) => {
                    priority = inner.unwrap_or(priority);
                    render(ev, &value)
                }
                Found::Disabled => {
                    disabled_inside.push(DisabledDefinition { file, line, column, module });
                    continue;
                }
                Found::Absent => continue,
            }
        };
        definitions.push(Definition { file, line, column, module, priority, value });
    }
    let mut disabled = Vec::new();
    for item in ev.force_list(&provenance_field("disabledDefinitions")?, Pos::NONE)?.iter() {
        let def = ev.force_attrs(item, Pos::NONE)?;
        let (file, line, column, module) = location(ev, &def)?;
        disabled.push(DisabledDefinition { file, line, column, module });
    }
    disabled.extend(disabled_inside);
    let default_used = ev.force_bool(&provenance_field("usedDefault")?, Pos::NONE)?;
    let default = match option.get_str("default") {
        Some(value) if rest.is_empty() => Some(render(ev, value)),
        Some(value) => select(ev, value, rest)?.map(|v| render(ev, &v)),
        None => None,
    };
    let highest_priority = ev.force_int(&field(&option, "highestPrio")?, Pos::NONE)?;
    let declarations = ev
        .force_list(&field(&option, "declarations")?, Pos::NONE)?
        .iter()
        .map(|file| ev.force_str(file, Pos::NONE))
        .collect::<Result<Vec<_>, _>>()?;
    let type_description = match option.get_str("type") {
        Some(ty) => match ev.force_attrs(ty, Pos::NONE)?.get_str("description") {
            Some(description) => ev.force_str(description, Pos::NONE)?,
            None => String::new(),
        },
        None => String::new(),
    };
    let is_defined = ev.force_bool(&field(&option, "isDefined")?, Pos::NONE)?;
    let value = match is_defined {
        true if rest.is_empty() => Some(render(ev, &field(&option, "value")?)),
        true => select(ev, &field(&option, "value")?, rest)?.map(|v| render(ev, &v)),
        false => None,
    };

    Ok(OptionProvenance {
        path: path.iter().chain(rest).map(|name| name.to_string()).collect(),
        definitions,
        disabled,
        default_used,
        default,
        highest_priority,
        declarations,
        type_description,
        value,
    })
}

/// The path of every option declared in `options` (an `evalModules`
/// result's `options`), sorted, `_module.*` included. Options inside the
/// values of submodule-typed options are not listed (see the module docs).
/// Walking the tree evaluates the merged declarations, not the values.
pub fn list_options(ev: &Evaluator, options: &Value) -> Result<Vec<Vec<String>>, EvalError> {
    let mut found = Vec::new();
    let mut prefix = Vec::new();
    collect_options(ev, options, &mut prefix, &mut found)?;
    Ok(found)
}

fn collect_options(
    ev: &Evaluator,
    tree: &Value,
    prefix: &mut Vec<String>,
    found: &mut Vec<Vec<String>>,
) -> Result<(), EvalError> {
    let Value::Attrs(attrs) = ev.force(tree)? else {
        return Ok(());
    };
    if is_option(ev, &attrs)? {
        found.push(prefix.clone());
        return Ok(());
    }
    for entry in attrs.entries() {
        prefix.push(entry.name.as_str().to_string());
        collect_options(ev, &entry.value, prefix, found)?;
        prefix.pop();
    }
    Ok(())
}

/// The option set at `path`, or an error saying why there is none.
fn find_option(ev: &Evaluator, options: &Value, path: &[&str]) -> Result<Rc<Attrs>, EvalError> {
    let mut current = ev.force_attrs(options, Pos::NONE)?;
    for (depth, name) in path.iter().enumerate() {
        if is_option(ev, &current)? {
            let enclosing = path[..depth].join(".");
            return Err(missing(format!(
                "`{}' is inside the option `{enclosing}', whose values are not explained option by option; explain `{enclosing}' instead",
                path.join(".")
            )));
        }
        let Some(next) = current.get_str(name) else {
            return Err(missing(format!("The option `{}' does not exist.", path[..=depth].join("."))));
        };
        current = ev.force_attrs(next, Pos::NONE)?;
    }
    if !is_option(ev, &current)? {
        return Err(missing(format!("`{}' is a set of options, not an option", path.join("."))));
    }
    Ok(current)
}

fn is_option(ev: &Evaluator, attrs: &Attrs) -> Result<bool, EvalError> {
    match attrs.get_str("_type") {
        Some(kind) => Ok(ev.force_str(kind, Pos::NONE)? == "option"),
        None => Ok(false),
    }
}

fn field(attrs: &Attrs, name: &str) -> Result<Value, EvalError> {
    attrs
        .get_str(name)
        .cloned()
        .ok_or_else(|| EvalError::new(ErrorKind::Internal, Pos::NONE, format!("provenance record without `{name}'")))
}

/// `file`, `line`, `column` and `module` of a record made by
/// `definitionProvenance`.
fn location(ev: &Evaluator, def: &Attrs) -> Result<(String, Option<u32>, Option<u32>, String), EvalError> {
    let file = ev.force_str(&field(def, "file")?, Pos::NONE)?;
    let line = optional_number(ev, &field(def, "line")?)?;
    let column = optional_number(ev, &field(def, "column")?)?;
    let module = ev.force_str(&field(def, "module")?, Pos::NONE)?;
    Ok((file, line, column, module))
}

fn optional_number(ev: &Evaluator, value: &Value) -> Result<Option<u32>, EvalError> {
    match ev.force(value)? {
        Value::Null => Ok(None),
        other => Ok(u32::try_from(ev.force_int(&other, Pos::NONE)?).ok()),
    }
}

/// Forces `value` completely and prints it; a failure becomes part of the
/// text, so one broken definition does not hide the others.
fn render(ev: &Evaluator, value: &Value) -> String {
    match ev.force_deep(value) {
        Ok(forced) => print_value(&forced),
        Err(error) => format!("«error: {}»", error.message()),
    }
}

fn missing(message: String) -> EvalError {
    EvalError::new(ErrorKind::Missing, Pos::NONE, message)
}
