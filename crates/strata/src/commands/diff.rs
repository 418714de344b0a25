//! `strata diff HOST`: the plan from what is active under `--root` to the
//! machine's configuration, like `terraform plan`.

use std::path::Path;

use super::build::{build_host, fail_text, print_warnings};
use super::json_text;
use crate::cli::DiffArgs;
use crate::printer::Printer;

pub fn run(args: &DiffArgs, printer: &mut Printer) -> u8 {
    let built = match build_host(&args.dir, &args.host, None) {
        Ok(built) => built,
        Err(message) => return fail_text(printer, &message),
    };
    let root = Path::new(&args.root);
    match generation::pending_activation(root) {
        Ok(Some(journal)) => printer.err(&format!(
            "warning: an interrupted activation of generation {} is pending under '{}'; \
             `strata switch` or `strata rollback` finishes it first",
            journal.to,
            root.display()
        )),
        Ok(None) => {}
        Err(error) => return fail_text(printer, &error.to_string()),
    }
    let plan = match generation::activate::preview(&built.output.generation, root) {
        Ok(plan) => plan,
        Err(error) => return fail_text(printer, &error.to_string()),
    };
    if args.json {
        printer.out(&json_text(&plan));
    } else {
        print_warnings(printer, &built.warnings);
        printer.out(&generation::display::plan_text(&plan));
    }
    0
}
