//! Types, arithmetic, errors, forcing, tracing and importing.

use crate::rc::Rc;

use syntax::ast::{Param, Pos};
use syntax::Symbol;

use super::new_attrs;
use crate::error::{error, type_error, ErrorKind, Result};
use crate::eval::{Coercion, Evaluator};
use crate::value::*;
use syntax::ast::BinOp;

pub(super) const BUILTINS: &[Builtin] = &[
    Builtin { name: "typeOf", arity: 1, func: type_of },
    Builtin { name: "isNull", arity: 1, func: is_null },
    Builtin { name: "isBool", arity: 1, func: is_bool },
    Builtin { name: "isInt", arity: 1, func: is_int },
    Builtin { name: "isFloat", arity: 1, func: is_float },
    Builtin { name: "isString", arity: 1, func: is_string },
    Builtin { name: "isPath", arity: 1, func: is_path },
    Builtin { name: "isAttrs", arity: 1, func: is_attrs },
    Builtin { name: "isList", arity: 1, func: is_list },
    Builtin { name: "isFunction", arity: 1, func: is_function },
    Builtin { name: "add", arity: 2, func: add },
    Builtin { name: "sub", arity: 2, func: sub },
    Builtin { name: "mul", arity: 2, func: mul },
    Builtin { name: "div", arity: 2, func: div },
    Builtin { name: "lessThan", arity: 2, func: less_than },
    Builtin { name: "bitAnd", arity: 2, func: bit_and },
    Builtin { name: "bitOr", arity: 2, func: bit_or },
    Builtin { name: "bitXor", arity: 2, func: bit_xor },
    Builtin { name: "ceil", arity: 1, func: ceil },
    Builtin { name: "floor", arity: 1, func: floor },
    Builtin { name: "throw", arity: 1, func: throw },
    Builtin { name: "abort", arity: 1, func: abort },
    Builtin { name: "addErrorContext", arity: 2, func: add_error_context },
    Builtin { name: "seq", arity: 2, func: seq },
    Builtin { name: "deepSeq", arity: 2, func: deep_seq },
    Builtin { name: "tryEval", arity: 1, func: try_eval },
    Builtin { name: "trace", arity: 2, func: trace },
    Builtin { name: "warn", arity: 2, func: warn },
    Builtin { name: "break", arity: 1, func: break_ },
    Builtin { name: "toString", arity: 1, func: to_string },
    Builtin { name: "import", arity: 1, func: import },
    Builtin { name: "scopedImport", arity: 2, func: scoped_import },
    Builtin { name: "functionArgs", arity: 1, func: function_args },
    Builtin { name: "unsafeGetAttrPos", arity: 2, func: unsafe_get_attr_pos },
    Builtin { name: "getEnv", arity: 1, func: get_env },
];

fn type_of(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    Ok(Value::string(ev.force(&args[0])?.type_().type_of()))
}

fn is_null(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    Ok(Value::bool(matches!(ev.force(&args[0])?, Value::Null)))
}

fn is_bool(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    Ok(Value::bool(matches!(ev.force(&args[0])?, Value::Bool(_))))
}

fn is_int(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    Ok(Value::bool(matches!(ev.force(&args[0])?, Value::Int(_))))
}

fn is_float(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    Ok(Value::bool(matches!(ev.force(&args[0])?, Value::Float(_))))
}

fn is_string(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    Ok(Value::bool(matches!(ev.force(&args[0])?, Value::String(_))))
}

fn is_path(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    Ok(Value::bool(matches!(ev.force(&args[0])?, Value::Path(_))))
}

fn is_attrs(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    Ok(Value::bool(matches!(ev.force(&args[0])?, Value::Attrs(_))))
}

fn is_list(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    Ok(Value::bool(matches!(ev.force(&args[0])?, Value::List(_))))
}

fn is_function(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    Ok(Value::bool(ev.force(&args[0])?.is_function()))
}

fn add(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (a, b) = (ev.force(&args[0])?, ev.force(&args[1])?);
    match (&a, &b) {
        // A plain IEEE sum, unlike the `+` operator (which starts from 0.0).
        (Value::Float(x), Value::Float(y)) => Ok(Value::float(x.get() + y.get())),
        (Value::Float(x), Value::Int(y)) => Ok(Value::float(x.get() + *y as f64)),
        (Value::Int(x), Value::Float(y)) => Ok(Value::float(*x as f64 + y.get())),
        (Value::Float(_), other) => Err(ev.expected(other, "a float", pos)),
        (Value::Int(_), Value::Int(_)) => ev.apply_binop(BinOp::Add, &a, &b, pos),
        (Value::Int(_), other) => Err(ev.expected(other, "an integer", pos)),
        _ => Err(ev.expected(&a, "an integer", pos)),
    }
}

fn sub(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    ev.arithmetic(BinOp::Sub, &args[0], &args[1], pos)
}

fn mul(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    ev.arithmetic(BinOp::Mul, &args[0], &args[1], pos)
}

fn div(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    ev.arithmetic(BinOp::Div, &args[0], &args[1], pos)
}

fn less_than(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    Ok(Value::bool(ev.less_than(&args[0], &args[1], pos)?))
}

fn bit_and(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    Ok(Value::Int(ev.force_int(&args[0], pos)? & ev.force_int(&args[1], pos)?))
}

fn bit_or(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    Ok(Value::Int(ev.force_int(&args[0], pos)? | ev.force_int(&args[1], pos)?))
}

fn bit_xor(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    Ok(Value::Int(ev.force_int(&args[0], pos)? ^ ev.force_int(&args[1], pos)?))
}

fn ceil(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let value = ev.force_float(&args[0], pos)?;
    Ok(Value::Int(value.ceil() as i64))
}

fn floor(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let value = ev.force_float(&args[0], pos)?;
    Ok(Value::Int(value.floor() as i64))
}

fn throw(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let message = ev.coerce_to_string(&args[0], pos, Coercion::TO_STRING)?;
    Err(error(ErrorKind::Throw, Pos::NONE, message.text))
}

fn abort(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let message = ev.coerce_to_string(&args[0], pos, Coercion::TO_STRING)?;
    Err(error(
        ErrorKind::Abort,
        Pos::NONE,
        format!("evaluation aborted with the following error message: '{}'", message.text),
    ))
}

pub(crate) fn add_error_context(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    match ev.force(&args[1]) {
        Ok(value) => Ok(value),
        Err(err) => {
            let context = ev.coerce_to_string(&args[0], pos, Coercion::TO_STRING)?;
            Err(err.with_frame(pos, context.text))
        }
    }
}

/// `builtins.seq`. (A call `seq a b` written out in full is run by the
/// interpreter instead, which evaluates `b` in place: see [`is_seq`].)
pub(crate) fn seq(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    ev.force(&args[0])?;
    ev.force(&args[1])
}

/// `builtins.deepSeq` (see [`seq`]).
pub(crate) fn deep_seq(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    ev.deep_seq(&args[0])?;
    ev.force(&args[1])
}

fn try_eval(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    match ev.force(&args[0]) {
        Ok(value) => Ok(new_attrs(vec![("success", Value::bool(true)), ("value", value)])),
        Err(err) if err.is_catchable() => {
            Ok(new_attrs(vec![("success", Value::bool(false)), ("value", Value::bool(false))]))
        }
        Err(err) => Err(err),
    }
}

fn trace_text(ev: &Evaluator, value: &Value) -> Result<String> {
    let value = ev.force(value)?;
    Ok(match &value {
        Value::String(s) => s.text.clone(),
        other => crate::print::print_value(other),
    })
}

fn trace(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    let text = trace_text(ev, &args[0])?;
    ev.io.trace(&format!("trace: {text}"));
    ev.force(&args[1])
}

fn warn(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let message = ev.force_string(&args[0], pos)?;
    ev.io.trace(&format!("evaluation warning: {}", message.text));
    ev.force(&args[1])
}

fn break_(ev: &Evaluator, args: &[Value], _: Pos) -> Result<Value> {
    ev.force(&args[0])
}

pub(super) fn to_string(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let result = ev.coerce_to_string(&args[0], pos, Coercion::TO_STRING)?;
    Ok(Value::String(Rc::new(result)))
}

/// The file an `import` argument (forced) names; directories mean their
/// `default.nix`.
fn import_target(ev: &Evaluator, value: &Value, pos: Pos) -> Result<String> {
    let path = match value {
        Value::Path(path) => (**path).clone(),
        Value::String(_) | Value::Attrs(_) => {
            let text = ev.coerce_to_string(value, pos, Coercion { more: false, copy_to_store: false })?.text;
            if !text.starts_with('/') {
                return Err(error(ErrorKind::Eval, pos, format!("string '{text}' doesn't represent an absolute path")));
            }
            text
        }
        other => return Err(type_error(pos, format!("cannot coerce {} to a string", other.shown()))),
    };
    if ev.io.is_dir(&path) {
        Ok(format!("{}/default.nix", path.trim_end_matches('/')))
    } else {
        Ok(path)
    }
}

/// Reads and lowers a Nix file.
pub(crate) fn parse_file(ev: &Evaluator, path: &str, pos: Pos, outer_with: bool) -> Result<&'static syntax::ast::Expr> {
    let bytes = ev
        .io
        .read_file(path)
        .map_err(|e| error(ErrorKind::Io, pos, format!("getting status of '{path}': {}", io_message(&e))))?;
    let source = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        error(ErrorKind::Syntax, pos, format!("file '{path}' is not valid UTF-8 (at byte {offset})"))
    })?;
    ev.parse(path, &source, super::dir_name(path), outer_with)
}

pub(crate) fn io_message(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".to_string(),
        _ => error.to_string(),
    }
}

/// `import`. The cache is also keyed by the path as written, so a file
/// imported again (each machine of a fleet imports the same modules) is
/// found without asking the filesystem whether it is a directory; a
/// directory's entry is its `default.nix`'s value.
pub(super) fn import(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let argument = ev.force(&args[0])?;
    let written = match &argument {
        Value::Path(path) => Some(path.as_str()),
        _ => None,
    };
    let cached = |path: &str| ev.import_cache.borrow().get(path).cloned();
    if let Some(value) = written.and_then(cached) {
        return ev.force(&value);
    }
    let path = import_target(ev, &argument, pos)?;
    let value = match cached(&path) {
        Some(value) => value,
        None => {
            let value = crate::value::Thunk::pending(parse_file(ev, &path, pos, false)?, ev.root_env());
            ev.import_cache.borrow_mut().insert(path.clone(), value.clone());
            value
        }
    };
    // A directory, or a path the cache knew only canonically written.
    if let Some(written) = written.filter(|written| *written != path) {
        ev.import_cache.borrow_mut().insert(written.to_string(), value.clone());
    }
    ev.force(&value)
}

fn scoped_import(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let scope = ev.force_attrs(&args[0], pos)?;
    let path = import_target(ev, &ev.force(&args[1])?, pos)?;
    let expr = parse_file(ev, &path, pos, true)?;
    let env = Env::with_scope(Value::Attrs(scope), None);
    ev.eval(expr, &env)
}

fn function_args(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    match ev.force(&args[0])? {
        Value::Lambda(closure) => match &closure.def.param {
            Param::Ident(_) => Ok(Value::attrs(Attrs::new())),
            Param::Pattern { formals, .. } => {
                let entries = formals
                    .iter()
                    .map(|formal| AttrEntry {
                        name: formal.name,
                        value: Value::bool(formal.default.is_some()),
                        pos: formal.pos,
                    })
                    .collect();
                Ok(Value::attrs(Attrs::from_unsorted(entries)))
            }
        },
        Value::PrimOp(_) | Value::PrimOpApp(_) => Ok(Value::attrs(Attrs::new())),
        other => Err(ev.expected(&other, "a function", pos)),
    }
}

fn unsafe_get_attr_pos(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let name = ev.force_str(&args[0], pos)?;
    let attrs = ev.force_attrs(&args[1], pos)?;
    match attrs.get_entry(Symbol::intern(&name)) {
        Some(entry) => Ok(ev.pos_value(entry.pos)),
        None => Ok(Value::Null),
    }
}

fn get_env(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let name = ev.force_str(&args[0], pos)?;
    if ev.options.pure {
        return Ok(Value::string(""));
    }
    Ok(Value::string(ev.io.env_var(&name).unwrap_or_default()))
}

/// Whether a builtin is `seq` (`Some(false)`) or `deepSeq` (`Some(true)`).
pub(crate) fn is_seq(builtin: &Builtin) -> Option<bool> {
    if std::ptr::fn_addr_eq(builtin.func, seq as fn(&Evaluator, &[Value], Pos) -> Result<Value>) {
        Some(false)
    } else if std::ptr::fn_addr_eq(builtin.func, deep_seq as fn(&Evaluator, &[Value], Pos) -> Result<Value>) {
        Some(true)
    } else {
        None
    }
}
