//! Showing expressions and suggesting names in messages.

use syntax::ast::{AttrKey, BinOp, EntryKind, Expr, Param, StrPart, Var};

use crate::print::{format_float, is_plain_name, quote_string};

/// Shows an expression the way Nix shows it in "assertion '…' failed":
/// fully parenthesized.
pub fn show_expr(expr: &Expr) -> String {
    let mut out = String::new();
    show(expr, &mut out);
    out
}

fn show_name(name: &str, out: &mut String) {
    if is_plain_name(name) {
        out.push_str(name);
    } else {
        quote_string(name, out);
    }
}

fn show_path(path: &[AttrKey], out: &mut String) {
    for (index, key) in path.iter().enumerate() {
        if index > 0 {
            out.push('.');
        }
        match key {
            AttrKey::Static(name) => show_name(name.as_str(), out),
            AttrKey::Dynamic(expr) => {
                out.push_str("\"${");
                show(expr, out);
                out.push_str("}\"");
            }
        }
    }
}

fn show(expr: &Expr, out: &mut String) {
    match expr {
        Expr::Null => out.push_str("null"),
        Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Expr::Int(i) => out.push_str(&i.to_string()),
        Expr::Float(f) => out.push_str(&format_float(*f)),
        Expr::Str(s) => quote_string(s, out),
        Expr::Path(p) => out.push_str(p),
        Expr::HomePath(p, _) => {
            out.push_str("~/");
            out.push_str(p);
        }
        Expr::SearchPath(name, _) => {
            out.push('<');
            out.push_str(name);
            out.push('>');
        }
        Expr::Interp(parts, _) | Expr::InterpPath(parts, _) => {
            out.push('(');
            for (index, part) in parts.iter().enumerate() {
                if index > 0 {
                    out.push_str(" + ");
                }
                match part {
                    StrPart::Lit(text) => quote_string(text, out),
                    StrPart::Expr(expr, _) => show(expr, out),
                }
            }
            out.push(')');
        }
        Expr::Var(Var::Local { name, .. }, _) => out.push_str(name.as_str()),
        Expr::Var(Var::With { name, .. }, _)
        | Expr::Var(Var::Global { name, .. }, _)
        | Expr::Var(Var::Scoped { name, .. }, _) => out.push_str(name.as_str()),
        Expr::Select(target, path, default, _) => {
            out.push('(');
            show(target, out);
            out.push_str(").");
            show_path(path, out);
            if let Some(default) = default {
                out.push_str(" or (");
                show(default, out);
                out.push(')');
            }
        }
        Expr::HasAttr(target, path, _) => {
            out.push_str("((");
            show(target, out);
            out.push_str(") ? ");
            show_path(path, out);
            out.push(')');
        }
        Expr::Apply(function, argument, _) => {
            out.push('(');
            show(function, out);
            out.push(' ');
            show(argument, out);
            out.push(')');
        }
        Expr::Lambda(def) => {
            out.push('(');
            match &def.param {
                Param::Ident(name) => out.push_str(name.as_str()),
                Param::Pattern { formals, ellipsis, at } => {
                    out.push_str("{ ");
                    let mut first = true;
                    for formal in formals.iter() {
                        if !first {
                            out.push_str(", ");
                        }
                        first = false;
                        out.push_str(formal.name.as_str());
                        if let Some(default) = &formal.default {
                            out.push_str(" ? ");
                            show(default, out);
                        }
                    }
                    if *ellipsis {
                        out.push_str(if first { "..." } else { ", ..." });
                    }
                    out.push_str(" }");
                    if let Some(at) = at {
                        out.push_str(" @ ");
                        out.push_str(at.as_str());
                    }
                }
            }
            out.push_str(": ");
            show(&def.body, out);
            out.push(')');
        }
        Expr::Let(def, body) => {
            out.push_str("(let ");
            for entry in def.entries.iter() {
                if entry.kind == EntryKind::Inherited {
                    out.push_str(&format!("inherit {}; ", entry.name));
                } else {
                    show_name(entry.name.as_str(), out);
                    out.push_str(" = ");
                    show(&entry.value, out);
                    out.push_str("; ");
                }
            }
            out.push_str("in ");
            show(body, out);
            out.push(')');
        }
        Expr::Attrs(def) => {
            if def.recursive {
                out.push_str("rec ");
            }
            out.push_str("{ ");
            for entry in def.entries.iter() {
                if entry.kind == EntryKind::Inherited {
                    out.push_str(&format!("inherit {}; ", entry.name));
                } else {
                    show_name(entry.name.as_str(), out);
                    out.push_str(" = ");
                    show(&entry.value, out);
                    out.push_str("; ");
                }
            }
            for dynamic in def.dynamics.iter() {
                out.push_str("\"${");
                show(&dynamic.key, out);
                out.push_str("}\" = ");
                show(&dynamic.value, out);
                out.push_str("; ");
            }
            out.push('}');
        }
        Expr::List(items) => {
            out.push_str("[ ");
            for item in items.iter() {
                out.push('(');
                show(item, out);
                out.push_str(") ");
            }
            out.push(']');
        }
        Expr::If(condition, then, otherwise, _) => {
            out.push_str("(if ");
            show(condition, out);
            out.push_str(" then ");
            show(then, out);
            out.push_str(" else ");
            show(otherwise, out);
            out.push(')');
        }
        Expr::Assert(condition, body, _) => {
            out.push_str("assert ");
            show(condition, out);
            out.push_str("; ");
            show(body, out);
        }
        Expr::With(namespace, body, _) => {
            out.push_str("(with ");
            show(namespace, out);
            out.push_str("; ");
            show(body, out);
            out.push(')');
        }
        Expr::BinOp(op, lhs, rhs, _) => {
            let (call, symbol) = match op {
                BinOp::Sub => (Some("__sub"), ""),
                BinOp::Mul => (Some("__mul"), ""),
                BinOp::Div => (Some("__div"), ""),
                BinOp::Less => (Some("__lessThan"), ""),
                BinOp::Concat => (None, "++"),
                BinOp::Update => (None, "//"),
                BinOp::Add => (None, "+"),
                BinOp::And => (None, "&&"),
                BinOp::Or => (None, "||"),
                BinOp::Implication => (None, "->"),
                BinOp::Equal => (None, "=="),
                BinOp::NotEqual => (None, "!="),
                BinOp::LessOrEq => (None, "<="),
                BinOp::More => (None, ">"),
                BinOp::MoreOrEq => (None, ">="),
            };
            out.push('(');
            match call {
                Some(name) => {
                    out.push_str(name);
                    out.push(' ');
                    show(lhs, out);
                    out.push(' ');
                    show(rhs, out);
                }
                None => {
                    show(lhs, out);
                    out.push(' ');
                    out.push_str(symbol);
                    out.push(' ');
                    show(rhs, out);
                }
            }
            out.push(')');
        }
        Expr::Not(operand, _) => {
            out.push_str("(! ");
            show(operand, out);
            out.push(')');
        }
        Expr::Negate(operand, _) => {
            out.push_str("(__sub 0 ");
            show(operand, out);
            out.push(')');
        }
        Expr::CurPos(_) => out.push_str("__curPos"),
        // Shown as the selection it was written as.
        Expr::Builtin(_, name, _) => {
            out.push_str("(builtins).");
            out.push_str(name.as_str());
        }
    }
}

/// The candidates close enough to `name` to be likely typos, best first:
/// at most two edits away, as Nix suggests them.
pub fn suggestions<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut close: Vec<(usize, &str)> = candidates
        .filter(|candidate| *candidate != name)
        .map(|candidate| (levenshtein(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= 2)
        .collect();
    close.sort();
    close.into_iter().take(10).map(|(_, candidate)| candidate.to_string()).collect()
}

/// "Did you mean …?" for a list of suggestions, or nothing.
pub fn did_you_mean(suggestions: &[String]) -> Option<String> {
    match suggestions {
        [] => None,
        [only] => Some(format!("Did you mean {only}?")),
        [init @ .., last] => Some(format!("Did you mean one of {} or {last}?", init.join(", "))),
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current[j + 1] = (previous[j] + cost).min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}
