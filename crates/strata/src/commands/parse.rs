//! `strata parse`: syntax checking without evaluation.

use eval::io::StdIO;
use eval::{EvalOptions, Evaluator};

use super::{absolute, current_dir};
use crate::cli::{Input, ParseRequest};
use crate::printer::Printer;

pub fn run(request: &ParseRequest, printer: &mut Printer) -> u8 {
    let evaluator = Evaluator::new(EvalOptions::default(), Box::new(StdIO));
    let cwd = current_dir();
    let (name, text, base) = match &request.input {
        Input::Stdin => {
            let mut text = String::new();
            if let Err(error) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
                printer.err(&format!("error: reading standard input: {error}"));
                return 1;
            }
            ("«stdin»".to_string(), text, cwd)
        }
        Input::File(path) | Input::Expr(path) => {
            let absolute = absolute(path);
            let bytes = match std::fs::read(&absolute) {
                Ok(bytes) => bytes,
                Err(error) => {
                    printer.err(&format!("error: reading '{absolute}': {error}"));
                    return 1;
                }
            };
            let text = match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(error) => {
                    let offset = error.utf8_error().valid_up_to();
                    let prefix = String::from_utf8_lossy(&error.as_bytes()[..offset]).into_owned();
                    let line = prefix.matches('\n').count() + 1;
                    let column = offset - prefix.rfind('\n').map_or(0, |i| i + 1) + 1;
                    printer.err(&format!(
                        "error: file '{absolute}' is not valid UTF-8\n\n       at {absolute}:{line}:{column}: convert it to UTF-8"
                    ));
                    return 1;
                }
            };
            let base = absolute
                .rsplit_once('/')
                .map(|(dir, _)| if dir.is_empty() { "/".to_string() } else { dir.to_string() })
                .unwrap_or(cwd);
            (absolute, text, base)
        }
    };
    match evaluator.parse(&name, &text, &base, false) {
        Ok(expr) => {
            printer.out(&eval::show::show_expr(expr));
            printer.out("\n");
            0
        }
        Err(error) => {
            printer.err(&evaluator.render_error(&error, false));
            1
        }
    }
}
