//! `strata flake lock` and `strata flake update [INPUT]`: write or refresh
//! `flake.lock` and report, per input, what changed.

use std::path::Path;

use ::eval::io::StdIO;
use ::eval::{EvalOptions, Evaluator};
use ::flake::{Change, ChangeKind, InputState, LockMode, LockOutcome};

use super::json_text;
use crate::cli::FlakeCommand;
use crate::printer::Printer;

pub fn run(command: &FlakeCommand, printer: &mut Printer) -> u8 {
    let (dir, json, mode) = match command {
        FlakeCommand::Lock(args) => (&args.dir, args.json, LockMode::Missing),
        FlakeCommand::Update(args) => (&args.dir, args.json, LockMode::Update(args.input.iter().cloned().collect())),
    };
    let options = EvalOptions { builtin_search_path: vec![modules::search_path_entry()], ..EvalOptions::default() };
    let evaluator = Evaluator::new(options, Box::new(modules::LibIO::new(StdIO)));
    evaluator.set_stack_limit(crate::stack_limit());
    let result =
        ::flake::lock(&evaluator, Path::new(dir), &[::flake::BUILTIN_STRATA], &mode, &::flake::Options::default());
    // The process is about to exit: no need to tear the heap down.
    std::mem::forget(evaluator);
    match result {
        Ok(outcome) if json => {
            printer.out(&json_text(&report_json(&outcome)));
            0
        }
        Ok(outcome) => {
            printer.out(&report_text(&outcome));
            0
        }
        Err(error) => {
            printer.err(&format!("error: {error}"));
            1
        }
    }
}

fn report_text(outcome: &LockOutcome) -> String {
    let path = outcome.path.display();
    let mut out = String::new();
    if outcome.changes.is_empty() {
        if outcome.written {
            out.push_str(&format!("wrote {path} (no input changed)\n"));
        } else {
            out.push_str(&format!("{path} is up to date\n"));
        }
        return out;
    }
    out.push_str(&format!("updated {path}:\n"));
    for change in &outcome.changes {
        out.push_str(&change.to_string());
        out.push('\n');
    }
    out
}

fn state_json(state: &InputState) -> serde_json::Value {
    match state {
        InputState::Follows(path) => serde_json::json!({ "follows": path.join("/") }),
        InputState::Locked(attrs) => {
            let text = |name: &str| attrs.get(name).and_then(::flake::Attr::as_str).map(str::to_string);
            serde_json::json!({
                "url": ::flake::fetch::describe(attrs),
                "type": text("type"),
                "rev": text("rev"),
                "narHash": text("narHash"),
                "lastModified": attrs.get("lastModified").and_then(::flake::Attr::as_int),
            })
        }
    }
}

fn change_json(change: &Change) -> serde_json::Value {
    match &change.kind {
        ChangeKind::Added(state) => {
            serde_json::json!({ "input": change.input, "change": "added", "new": state_json(state) })
        }
        ChangeKind::Removed(state) => {
            serde_json::json!({ "input": change.input, "change": "removed", "old": state_json(state) })
        }
        ChangeKind::Updated { old, new, commits } => serde_json::json!({
            "input": change.input,
            "change": "updated",
            "old": state_json(old),
            "new": state_json(new),
            "commits": commits,
        }),
    }
}

fn report_json(outcome: &LockOutcome) -> serde_json::Value {
    serde_json::json!({
        "lockFile": outcome.path.display().to_string(),
        "written": outcome.written,
        "changes": outcome.changes.iter().map(change_json).collect::<Vec<_>>(),
    })
}
