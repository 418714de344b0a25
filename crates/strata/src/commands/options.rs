//! `strata options [QUERY] [--host HOST] [--json] [--markdown]`: option search.

use serde::Serialize;

use super::{cached_output, fail, json_text};
use crate::cli::OptionsArgs;
use crate::printer::Printer;

/// One search result; `value` only with `--host`.
#[derive(Serialize)]
struct Found {
    #[serde(flatten)]
    doc: fleet::OptionDoc,
    /// Declared by the repository itself (not a built-in module).
    own: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<serde_json::Value>,
}

pub fn run(args: &OptionsArgs, printer: &mut Printer) -> u8 {
    let result = cached_output(&args.dir, &format!("options {args:?}"), |repo| render(repo, args));
    match result {
        Ok(text) => {
            printer.out(&text);
            0
        }
        Err(error) => fail(printer, &error),
    }
}

fn render(repo: &fleet::Repo, args: &OptionsArgs) -> Result<String, fleet::Error> {
    let hosts: Vec<String> = args.host.iter().cloned().collect();
    let root = repo.root().to_string_lossy().into_owned();
    let words: Vec<String> = args.query.iter().map(|w| w.to_lowercase()).collect();
    let machine = match &args.host {
        Some(host) => Some(repo.machine(host)?),
        None => None,
    };
    let mut found = Vec::new();
    for doc in repo.option_docs(&hosts)? {
        let own = doc.declarations.iter().any(|d| d.starts_with(&root));
        if args.markdown && !own {
            continue;
        }
        let haystack = format!("{} {}", doc.name, doc.description.clone().unwrap_or_default()).to_lowercase();
        if !words.iter().all(|w| haystack.contains(w.as_str())) {
            continue;
        }
        let value = match &machine {
            Some(machine) if !doc.loc.iter().any(|p| p == "<name>" || p == "*") => Some(match machine.show(&doc.loc) {
                Ok(shown) => shown.to_json(),
                Err(error) => serde_json::json!({ "error": error.message() }),
            }),
            _ => None,
        };
        found.push(Found { doc, own, value });
    }
    if args.json {
        return Ok(json_text(&found));
    }
    if args.markdown {
        return Ok(markdown(&found, &root));
    }
    let mut out = String::new();
    for item in &found {
        out.push_str(&text_entry(item, &root));
    }
    out.push_str(&format!("{} option{} found\n", found.len(), if found.len() == 1 { "" } else { "s" }));
    Ok(out)
}

fn relative(file: &str, root: &str) -> String {
    file.strip_prefix(root).map(|rest| rest.trim_start_matches('/').to_string()).unwrap_or_else(|| file.to_string())
}

fn text_entry(item: &Found, root: &str) -> String {
    let doc = &item.doc;
    let mut out = format!("{}\n", doc.name);
    out.push_str(&format!("  type:        {}\n", doc.type_description));
    if let Some(default) = &doc.default {
        out.push_str(&format!("  default:     {}\n", default.trim()));
    }
    if let Some(example) = &doc.example {
        out.push_str(&format!("  example:     {}\n", example.trim()));
    }
    if let Some(description) = &doc.description {
        let first = description.trim().lines().next().unwrap_or("");
        out.push_str(&format!("  description: {first}\n"));
    }
    let sites = if doc.positions.is_empty() { &doc.declarations } else { &doc.positions };
    for site in sites {
        out.push_str(&format!("  declared in: {}\n", relative(site, root)));
    }
    if let Some(value) = &item.value {
        out.push_str(&format!("  value:       {value}\n"));
    }
    out.push('\n');
    out
}

/// Reference documentation of the repository's own options.
fn markdown(found: &[Found], root: &str) -> String {
    let mut out = String::from("# Options\n\n");
    for item in found {
        let doc = &item.doc;
        out.push_str(&format!("## `{}`\n\n", doc.name));
        if let Some(description) = &doc.description {
            out.push_str(description.trim());
            out.push_str("\n\n");
        }
        out.push_str(&format!("*Type:* {}\n\n", doc.type_description));
        if let Some(default) = &doc.default {
            out.push_str(&format!("*Default:* `{}`\n\n", default.trim()));
        }
        if let Some(example) = &doc.example {
            out.push_str(&format!("*Example:* `{}`\n\n", example.trim()));
        }
        let sites = if doc.positions.is_empty() { &doc.declarations } else { &doc.positions };
        let sites: Vec<String> = sites.iter().map(|s| format!("`{}`", relative(s, root))).collect();
        out.push_str(&format!("*Declared in:* {}\n\n", sites.join(", ")));
    }
    out
}
