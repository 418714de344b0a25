//! Command implementations: each takes a validated request and returns an
//! exit code, writing through the printer.

mod eval;
mod parse;

use crate::cli::Command;
use crate::printer::Printer;

pub fn run(command: Command, printer: &mut Printer) -> u8 {
    match command {
        Command::Eval(request) => eval::run(&request, printer),
        Command::Parse(request) => parse::run(&request, printer),
    }
}
