//! `strata show HOST [OPTION] [--explain]`: a value and where it comes from.

use super::{cached_output, fail, json_text};
use crate::cli::ShowArgs;
use crate::printer::Printer;

pub fn run(args: &ShowArgs, printer: &mut Printer) -> u8 {
    let result = cached_output(&args.dir, &format!("show {args:?}"), |repo| render(repo, args));
    match result {
        Ok(text) => {
            printer.out(&text);
            0
        }
        Err(error) => fail(printer, &error),
    }
}

fn render(repo: &fleet::Repo, args: &ShowArgs) -> Result<String, fleet::Error> {
    let machine = repo.machine(&args.host)?;
    let path = match &args.option {
        Some(text) => fleet::parse_path(text)?,
        None => Vec::new(),
    };
    if args.explain {
        let explanation = machine.explain(&path)?;
        return Ok(if args.json { json_text(&explanation) } else { explain_text(&explanation) });
    }
    let shown = machine.show(&path)?;
    Ok(if args.json { json_text(&shown.to_json()) } else { shown.to_nix() + "\n" })
}

/// Like `git blame` for one option.
fn explain_text(e: &fleet::Explanation) -> String {
    let mut out = String::new();
    out.push_str(&e.path);
    if e.option != e.path {
        out.push_str(&format!("  (inside the value of option {})", e.option));
    }
    out.push('\n');
    if !e.type_description.is_empty() {
        out.push_str(&format!("  type:     {}\n", e.type_description));
    }
    match &e.value {
        Some(value) => out.push_str(&format!("  value:    {}\n", one_line(value))),
        None => out.push_str("  value:    (not defined)\n"),
    }
    for declaration in &e.declarations {
        out.push_str(&format!("  declared: {declaration}\n"));
    }
    out.push_str("  definitions:\n");
    if e.definitions.is_empty() {
        out.push_str("    (none)\n");
    }
    for d in &e.definitions {
        let location = match (d.line, d.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", d.file),
            _ => d.file.clone(),
        };
        let marker = if d.disabled {
            "off"
        } else if d.used {
            "used"
        } else {
            "lost"
        };
        let value = match &d.value {
            Some(value) => one_line(value),
            None => "(mkIf condition is false)".to_string(),
        };
        out.push_str(&format!("    {marker:<4} {:<5} {location}\n", priority_name(d.priority)));
        out.push_str(&format!("         = {value}\n"));
    }
    match &e.default {
        Some(default) => out.push_str(&format!(
            "  default:  {}{}\n",
            one_line(default),
            if e.default_used { "  (used)" } else { "" }
        )),
        None => out.push_str("  default:  (none)\n"),
    }
    out
}

/// A priority with its usual name.
fn priority_name(priority: i64) -> String {
    match priority {
        50 => "force".into(),
        100 => "100".into(),
        1000 => "mkDefault".into(),
        1500 => "optionDefault".into(),
        other => other.to_string(),
    }
}

/// Long values shortened to one line.
fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 160 {
        flat.chars().take(157).collect::<String>() + "..."
    } else {
        flat
    }
}
