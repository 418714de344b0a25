//! `strata eval`: nix-instantiate --eval, byte for byte.

use eval::instantiate::{auto_call, find_along_attr_path};
use eval::io::{EvalIO, StdIO};
use eval::{AttrEntry, Attrs, EvalError, EvalOptions, Evaluator, SearchPathEntry, Value};
use syntax::ast::Pos;
use syntax::Symbol;

use super::{absolute, current_dir};
use crate::cli::{AutoArg, EvalRequest, Input, OutputFormat};
use crate::printer::Printer;

mod workers;
use workers::{Failure, Plan};

pub fn run(request: &EvalRequest, printer: &mut Printer) -> u8 {
    let io = modules::LibIO::new(StdIO);
    let options = EvalOptions {
        search_path: search_path(&request.include, io.env_var("NIX_PATH")),
        // `<strata/lib>` always resolves to the embedded lib, after user entries.
        builtin_search_path: vec![modules::search_path_entry()],
        ..EvalOptions::default()
    };
    let evaluator = Evaluator::new(options, Box::new(io));
    evaluator.set_stack_limit(crate::stack_limit());
    let show_stats = std::env::var_os("STRATA_SHOW_STATS").is_some();
    let code = evaluate_all(&evaluator, request, printer);
    if show_stats {
        printer.err(&format!("{:?}", evaluator.stats));
        let (runs, peaks) = workers::reported_runs();
        printer.err(&format!("runs printed by worker processes: {runs}"));
        printer.err(&format!("peak RSS of the worker processes, summed: {peaks} KiB"));
    }
    for (count, name) in evaluator
        .profile_report()
        .iter()
        .take(std::env::var("STRATA_PROFILE").ok().and_then(|v| v.parse().ok()).unwrap_or(60))
    {
        printer.err(&format!("{count:>9} {name}"));
    }
    // The process is about to exit: tearing down a large heap value by value
    // would only cost time (and deep recursion in destructors).
    std::mem::forget(evaluator);
    code
}

fn evaluate_all(evaluator: &Evaluator, request: &EvalRequest, printer: &mut Printer) -> u8 {
    for input in &request.inputs {
        match evaluate_input(evaluator, request, input) {
            Ok(outputs) => {
                for output in outputs {
                    printer.out(&output);
                }
            }
            Err(failure) => {
                for output in failure.outputs {
                    printer.out(&output);
                }
                match failure.error {
                    Failure::Eval(error) => printer.err(&evaluator.render_error(&error, request.show_trace)),
                    Failure::Rendered(text) => printer.err(&text),
                }
                return 1;
            }
        }
    }
    0
}

/// The search path: `-I` entries first, then `NIX_PATH`.
pub fn search_path(include: &[String], nix_path: Option<String>) -> Vec<SearchPathEntry> {
    let mut entries = Vec::new();
    let from_env = nix_path.unwrap_or_default();
    for item in include.iter().map(String::as_str).chain(from_env.split(':').filter(|s| !s.is_empty())) {
        let entry = match item.split_once('=') {
            Some((prefix, path)) => SearchPathEntry { prefix: prefix.to_string(), path: path.to_string() },
            None => SearchPathEntry { prefix: String::new(), path: item.to_string() },
        };
        entries.push(SearchPathEntry { path: absolute(&entry.path), ..entry });
    }
    entries
}

fn evaluate_input(evaluator: &Evaluator, request: &EvalRequest, input: &Input) -> Result<Vec<String>, PartialFailure> {
    let root = match input {
        Input::Expr(text) => evaluator.eval_source("«string»", text, &current_dir())?,
        Input::Stdin => {
            let mut text = String::new();
            if let Err(error) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
                return Err(
                    EvalError::new(eval::ErrorKind::Io, Pos::NONE, format!("reading standard input: {error}")).into()
                );
            }
            evaluator.eval_source("«stdin»", &text, &current_dir())?
        }
        Input::File(name) => {
            let path = absolute(name);
            let import = Value::PrimOp(eval::builtins::lookup("import").ok_or_else(|| {
                EvalError::new(eval::ErrorKind::Internal, Pos::NONE, "the import builtin is missing")
            })?);
            evaluator.call(&import, Value::path(path), Pos::NONE)?
        }
    };
    // What was evaluated is not dropped: the process exits after printing
    // it, and freeing a large result value by value (every machine of a
    // fleet) cost a tenth of the run (see `run`, which keeps the evaluator
    // the same way).
    let root = std::mem::ManuallyDrop::new(root);
    let auto_args = auto_args(evaluator, &request.auto_args)?;
    let mut outputs = Vec::new();
    for attr_path in &request.attr_paths {
        let selected = find_along_attr_path(evaluator, attr_path, &auto_args, &root)?;
        let value = if auto_args.is_empty() { selected } else { auto_call(evaluator, &selected, &auto_args)? };
        let value = std::mem::ManuallyDrop::new(value);
        let mut output = String::new();
        let result = render(evaluator, request, &value, &mut output);
        outputs.push(output);
        if let Err(error) = result {
            return Err(PartialFailure { outputs, error });
        }
    }
    Ok(outputs)
}

/// An error after part of the output was produced: like Nix, what was
/// printed before the error is still written.
struct PartialFailure {
    outputs: Vec<String>,
    error: Failure,
}

impl From<EvalError> for PartialFailure {
    fn from(error: EvalError) -> PartialFailure {
        PartialFailure { outputs: Vec::new(), error: Failure::Eval(error) }
    }
}

fn auto_args(evaluator: &Evaluator, args: &[(String, AutoArg)]) -> Result<eval::Rc<Attrs>, EvalError> {
    let mut entries = Vec::new();
    for (name, arg) in args {
        let value = match arg {
            AutoArg::Str(text) => Value::string(text.clone()),
            AutoArg::Expr(text) => {
                let expr = evaluator.parse("«string»", text, &current_dir(), false)?;
                Value::lazy(move |ev: &Evaluator| ev.eval_parsed(expr))
            }
        };
        entries.push(AttrEntry { name: Symbol::intern(name), value, pos: Pos::NONE });
    }
    // Later definitions of the same name win, as in Nix.
    entries.reverse();
    Ok(Attrs::from_unsorted(entries))
}

fn render(evaluator: &Evaluator, request: &EvalRequest, value: &Value, out: &mut String) -> Result<(), Failure> {
    match request.format {
        OutputFormat::Json if request.strict => {
            workers::to_json(evaluator, value, Plan::from_env(), request.show_trace, out)
        }
        OutputFormat::Json => Ok(evaluator.to_json_lazy(value, Pos::NONE, out, &mut Default::default())?),
        OutputFormat::Xml => {
            out.push_str(&evaluator.to_xml(value, Pos::NONE, request.location, request.strict)?);
            Ok(())
        }
        OutputFormat::Nix => {
            let value = if request.strict { evaluator.force_deep(value)? } else { evaluator.force(value)? };
            out.push_str(&eval::print::print_value(&value));
            out.push('\n');
            Ok(())
        }
    }
}
