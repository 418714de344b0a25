//! `strata switch HOST`: build, print the plan, activate it under `--root`
//! (default `/`), run the health checks and roll back when they fail.

use std::path::Path;

use serde::Serialize;

use super::build::{build_host, fail_text, print_warnings};
use super::json_text;
use crate::cli::SwitchArgs;
use crate::printer::Printer;

/// What `strata switch --json` prints.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SwitchOutput<'a> {
    plan: &'a generation::Plan,
    report: Option<&'a generation::ActivationReport>,
    warnings: &'a [String],
}

pub fn run(args: &SwitchArgs, printer: &mut Printer) -> u8 {
    let built = match build_host(&args.dir, &args.host, None) {
        Ok(built) => built,
        Err(message) => return fail_text(printer, &message),
    };
    let root = Path::new(&args.root);
    let next = &built.output.generation;
    let plan = match generation::activate::preview(next, root) {
        Ok(plan) => plan,
        Err(error) => return fail_text(printer, &error.to_string()),
    };
    if !args.json {
        print_warnings(printer, &built.warnings);
        printer.out(&generation::display::plan_text(&plan));
    }
    if args.dry_run {
        if args.json {
            printer.out(&json_text(&SwitchOutput { plan: &plan, report: None, warnings: &built.warnings }));
        }
        return 0;
    }
    // Only the host's own `/` is activated live, with systemctl and apt.
    let mut options = generation::ActivationOptions::new(root);
    if generation::is_host_root(root) {
        options = options.live();
    }
    options.run_health_checks |= args.health_checks;
    match generation::switch(next, &options) {
        Ok(report) => {
            if args.json {
                printer.out(&json_text(&SwitchOutput {
                    plan: &plan,
                    report: Some(&report),
                    warnings: &built.warnings,
                }));
            } else {
                printer.out("\n");
                printer.out(&generation::display::report_text(&report));
            }
            if report.succeeded() {
                0
            } else {
                1
            }
        }
        Err(error) => fail_text(printer, &format!("activating under '{}': {error}", root.display())),
    }
}
