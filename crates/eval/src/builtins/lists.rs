//! List builtins.

use crate::rc::Rc;
use std::collections::HashSet;

use syntax::ast::{BinOp, Expr, LambdaDef, Param, Pos, Var};
use syntax::Symbol;

use super::new_attrs;
use crate::error::{error, ErrorKind, Result};
use crate::eval::Evaluator;
use crate::value::*;

pub(super) const BUILTINS: &[Builtin] = &[
    Builtin { name: "length", arity: 1, func: length },
    Builtin { name: "head", arity: 1, func: head },
    Builtin { name: "tail", arity: 1, func: tail },
    Builtin { name: "elemAt", arity: 2, func: elem_at },
    Builtin { name: "elem", arity: 2, func: elem },
    Builtin { name: "map", arity: 2, func: map },
    Builtin { name: "filter", arity: 2, func: filter },
    Builtin { name: "foldl'", arity: 3, func: foldl },
    Builtin { name: "genList", arity: 2, func: gen_list },
    Builtin { name: "concatLists", arity: 1, func: concat_lists },
    Builtin { name: "concatMap", arity: 2, func: concat_map },
    Builtin { name: "all", arity: 2, func: all },
    Builtin { name: "any", arity: 2, func: any },
    Builtin { name: "sort", arity: 2, func: sort },
    Builtin { name: "partition", arity: 2, func: partition },
    Builtin { name: "groupBy", arity: 2, func: group_by },
    Builtin { name: "genericClosure", arity: 1, func: generic_closure },
];

fn length(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    Ok(Value::Int(ev.force_list(&args[0], pos)?.len() as i64))
}

fn head(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let list = ev.force_list(&args[0], pos)?;
    match list.first() {
        Some(first) => ev.force(first),
        None => Err(error(ErrorKind::Eval, pos, "list index 0 is out of bounds")),
    }
}

fn tail(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let list = ev.force_list(&args[0], pos)?;
    if list.is_empty() {
        return Err(error(ErrorKind::Eval, pos, "'tail' called on an empty list"));
    }
    let mut items = Vec::with_capacity(list.len() - 1);
    extend_cloned(&mut items, &list[1..]);
    Ok(Value::list(items))
}

/// The function and the list of `builtins.NAME f list`, forced in Nix's
/// order: the function first (which error wins matters to `tryEval`).
pub(super) fn function_and_list(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<(Value, Rc<List>)> {
    let function = ev.force_function(&args[0], pos)?;
    Ok((function, ev.force_list(&args[1], pos)?))
}

fn elem_at(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    // The index first, as Nix does.
    let index = ev.force_int(&args[1], pos)?;
    let list = ev.force_list(&args[0], pos)?;
    if index < 0 || index as usize >= list.len() {
        return Err(error(ErrorKind::Eval, pos, format!("list index {index} is out of bounds")));
    }
    ev.force(&list[index as usize])
}

fn elem(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let list = ev.force_list(&args[1], pos)?;
    for item in list.iter() {
        if ev.equal(&args[0], item, true)? {
            return Ok(Value::bool(true));
        }
    }
    Ok(Value::bool(false))
}

fn map(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let list = ev.force_list(&args[1], pos)?;
    // A function in a forced thunk (a variable's) is applied as its value:
    // the items' calls then find the function at once.
    let function = match &args[0] {
        Value::Thunk(thunk) => thunk.value().unwrap_or_else(|| args[0].clone()),
        other => other.clone(),
    };
    Ok(Value::list(list.iter().map(|item| Value::lazy_apply(function.clone(), item.clone())).collect()))
}

fn filter(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (function, list) = function_and_list(ev, args, pos)?;
    let mut kept = Vec::new();
    let mut all_kept = true;
    for item in list.iter() {
        let keep = ev.call(&function, item.clone(), pos)?;
        if ev.force_bool(&keep, pos)? {
            kept.push(item.clone());
        } else {
            all_kept = false;
        }
    }
    if all_kept {
        return Ok(Value::List(list));
    }
    Ok(Value::list(kept))
}

fn foldl(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    // As Nix does: the function first (also for an empty list), then the
    // list; forced once here, not at every item.
    let function = &ev.force_function(&args[0], pos)?;
    let list = ev.force_list(&args[2], pos)?;
    let mut accumulator = args[1].clone();
    if list.is_empty() {
        return ev.force(&accumulator);
    }
    for item in list.iter() {
        accumulator = ev.call2(function, accumulator, item.clone(), pos)?;
    }
    ev.force(&accumulator)
}

fn gen_list(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let length = ev.force_int(&args[1], pos)?;
    if length < 0 {
        return Err(error(ErrorKind::Eval, pos, format!("cannot create list of size {length}")));
    }
    let function = &args[0];
    Ok(Value::list((0..length).map(|i| Value::lazy_apply(function.clone(), Value::Int(i))).collect()))
}

/// `builtins.concatLists`. When only one of the lists has items, the result
/// is that list itself, as in Nix (it prints as `«repeated»` after it).
fn concat_lists(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let lists = ev.force_list(&args[0], pos)?;
    // Only the non-empty lists are kept: `concatLists (map f xs)` where `f`
    // mostly gives `[ ]` (filtering, the module system's definitions of
    // one option among all modules') keeps a few.
    let mut non_empty: smallvec::SmallVec<[Rc<List>; 8]> = smallvec::SmallVec::new();
    let mut total = 0;
    for list in lists.iter() {
        let list = ev.force_list(list, pos)?;
        if !list.is_empty() {
            total += list.len();
            non_empty.push(list);
        }
    }
    match non_empty.len() {
        0 => Ok(ev.empty_list.clone()),
        1 => Ok(Value::List(non_empty.swap_remove(0))),
        _ => {
            let mut items = Vec::with_capacity(total);
            for list in &non_empty {
                extend_cloned(&mut items, list);
            }
            Ok(Value::list(items))
        }
    }
}

fn concat_map(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (function, list) = function_and_list(ev, args, pos)?;
    let mut items = Vec::new();
    for item in list.iter() {
        let result = ev.call(&function, item.clone(), pos)?;
        extend_cloned(&mut items, &ev.force_list(&result, pos)?);
    }
    Ok(Value::list(items))
}

fn all(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (function, list) = function_and_list(ev, args, pos)?;
    for item in list.iter() {
        let result = ev.call(&function, item.clone(), pos)?;
        if !ev.force_bool(&result, pos)? {
            return Ok(Value::bool(false));
        }
    }
    Ok(Value::bool(true))
}

fn any(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (function, list) = function_and_list(ev, args, pos)?;
    for item in list.iter() {
        let result = ev.call(&function, item.clone(), pos)?;
        if ev.force_bool(&result, pos)? {
            return Ok(Value::bool(true));
        }
    }
    Ok(Value::bool(false))
}

/// A stable merge sort whose comparator may fail.
pub(super) fn merge_sort(items: &mut Vec<Value>, less: &mut dyn FnMut(&Value, &Value) -> Result<bool>) -> Result<()> {
    let length = items.len();
    if length < 2 {
        return Ok(());
    }
    // Insertion sort for short runs, then bottom-up merges.
    const RUN: usize = 16;
    for start in (0..length).step_by(RUN) {
        let end = (start + RUN).min(length);
        for i in start + 1..end {
            let mut j = i;
            while j > start && less(&items[j], &items[j - 1])? {
                items.swap(j, j - 1);
                j -= 1;
            }
        }
    }
    let mut width = RUN;
    let mut buffer: Vec<Value> = Vec::with_capacity(length);
    while width < length {
        buffer.clear();
        let mut start = 0;
        while start < length {
            let middle = (start + width).min(length);
            let end = (start + 2 * width).min(length);
            let (mut i, mut j) = (start, middle);
            while i < middle && j < end {
                // Take from the right only when strictly less: stability.
                if less(&items[j], &items[i])? {
                    buffer.push(items[j].clone());
                    j += 1;
                } else {
                    buffer.push(items[i].clone());
                    i += 1;
                }
            }
            buffer.extend_from_slice(&items[i..middle]);
            buffer.extend_from_slice(&items[j..end]);
            start = end;
        }
        std::mem::swap(items, &mut buffer);
        width *= 2;
    }
    Ok(())
}

fn sort(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (function, list) = function_and_list(ev, args, pos)?;
    let mut items: Vec<Value> = Vec::with_capacity(list.len());
    for item in list.iter() {
        items.push(ev.force(item)?);
    }
    // The common comparators `builtins.lessThan` and `a: b: a < b` (any of
    // `<`, `>`, `<=`, `>=` on the two parameters) are applied natively: the
    // items are forced already, so the result is what the lambda would give.
    let native = match &function {
        Value::PrimOp(b) if b.name == "lessThan" => Some((BinOp::Less, false, pos)),
        Value::Lambda(closure) => comparison_of_parameters(closure.def),
        _ => None,
    };
    let mut less = |a: &Value, b: &Value| -> Result<bool> {
        if let Some((op, swapped, op_pos)) = native {
            let (left, right) = if swapped { (b, a) } else { (a, b) };
            return match op {
                BinOp::Less => ev.less_than(left, right, op_pos),
                BinOp::More => ev.less_than(right, left, op_pos),
                BinOp::LessOrEq => Ok(!ev.less_than(right, left, op_pos)?),
                _ => Ok(!ev.less_than(left, right, op_pos)?),
            };
        }
        let result = ev.call2(&function, a.clone(), b.clone(), pos)?;
        ev.force_bool(&result, pos)
    };
    merge_sort(&mut items, &mut less)?;
    Ok(Value::list(items))
}

/// For `a: b: a OP b` or `a: b: b OP a` with OP one of `<`, `>`, `<=`, `>=`:
/// the operator, whether the operands are swapped, and its position.
fn comparison_of_parameters(def: &LambdaDef) -> Option<(BinOp, bool, Pos)> {
    let (Param::Ident(_), Expr::Lambda(inner)) = (&def.param, &def.body) else {
        return None;
    };
    let (Param::Ident(_), Expr::BinOp(op, lhs, rhs, op_pos)) = (&inner.param, &inner.body) else {
        return None;
    };
    if !matches!(op, BinOp::Less | BinOp::More | BinOp::LessOrEq | BinOp::MoreOrEq) {
        return None;
    }
    // The outer parameter is one scope up, the inner one in the body's scope.
    let depth_of = |expr: &Expr| match expr {
        Expr::Var(Var::Local { depth, slot: 0, .. }, _) if *depth <= 1 => Some(*depth),
        _ => None,
    };
    match (depth_of(lhs)?, depth_of(rhs)?) {
        (1, 0) => Some((*op, false, *op_pos)),
        (0, 1) => Some((*op, true, *op_pos)),
        _ => None,
    }
}

fn partition(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (function, list) = function_and_list(ev, args, pos)?;
    let (mut right, mut wrong) = (Vec::new(), Vec::new());
    for item in list.iter() {
        let result = ev.call(&function, item.clone(), pos)?;
        if ev.force_bool(&result, pos)? {
            right.push(item.clone());
        } else {
            wrong.push(item.clone());
        }
    }
    Ok(new_attrs(vec![("right", Value::list(right)), ("wrong", Value::list(wrong))]))
}

fn group_by(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let (function, list) = function_and_list(ev, args, pos)?;
    let mut groups: Vec<(Symbol, Vec<Value>)> = Vec::new();
    let mut index: std::collections::HashMap<Symbol, usize> = std::collections::HashMap::new();
    for item in list.iter() {
        let key = ev.call(&function, item.clone(), pos)?;
        let key = ev.force_symbol(&key, pos)?;
        match index.get(&key) {
            Some(&i) => groups[i].1.push(item.clone()),
            None => {
                index.insert(key, groups.len());
                groups.push((key, vec![item.clone()]));
            }
        }
    }
    let entries =
        groups.into_iter().map(|(name, items)| AttrEntry { name, value: Value::list(items), pos: Pos::NONE }).collect();
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

/// A hashable form of scalar closure keys; other keys are compared one by one.
#[derive(Hash, PartialEq, Eq)]
enum Key {
    Int(i64),
    Float(u64),
    Str(String),
    Path(String),
}

fn generic_closure(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let attrs = ev.force_attrs(&args[0], pos)?;
    let start =
        attrs.get_str("startSet").ok_or_else(|| error(ErrorKind::Missing, pos, "attribute 'startSet' required"))?;
    let operator = attrs
        .get_str("operator")
        .ok_or_else(|| error(ErrorKind::Missing, pos, "attribute 'operator' required"))?
        .clone();
    let key_symbol = syntax::sym!("key");
    let mut queue: std::collections::VecDeque<Value> = ev.force_list(start, pos)?.iter().cloned().collect();
    let mut seen: HashSet<Key> = HashSet::new();
    let mut other_keys: Vec<Value> = Vec::new();
    let mut result = Vec::new();
    while let Some(item) = queue.pop_front() {
        let element = ev.force_attrs(&item, pos)?;
        let key = element.get(key_symbol).ok_or_else(|| error(ErrorKind::Missing, pos, "attribute 'key' required"))?;
        let key = ev.force(key)?;
        let fresh = match &key {
            Value::Int(i) => seen.insert(Key::Int(*i)),
            Value::Float(f) => seen.insert(Key::Float(f.get().to_bits())),
            Value::String(s) => seen.insert(Key::Str(s.text.clone())),
            Value::Path(p) => seen.insert(Key::Path((**p).clone())),
            _ => {
                let mut found = false;
                for other in &other_keys {
                    if ev.equal(other, &key, false)? {
                        found = true;
                        break;
                    }
                }
                if !found {
                    other_keys.push(key.clone());
                }
                !found
            }
        };
        if !fresh {
            continue;
        }
        result.push(Value::Attrs(Rc::clone(&element)));
        let next = ev.call(&operator, item, pos)?;
        queue.extend(ev.force_list(&next, pos)?.iter().cloned());
    }
    Ok(Value::list(result))
}
