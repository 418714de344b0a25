//! `strata rollback [--to N]`: activate an earlier generation (by default
//! the one before the current one) with the same journaled machinery.

use std::path::Path;

use super::build::fail_text;
use super::json_text;
use crate::cli::RollbackArgs;
use crate::printer::Printer;

pub fn run(args: &RollbackArgs, printer: &mut Printer) -> u8 {
    let root = Path::new(&args.root);
    // Only the host's own `/` is activated live, with systemctl and apt.
    let mut options = generation::ActivationOptions::new(root);
    if generation::is_host_root(root) {
        options = options.live();
    }
    options.run_health_checks |= args.health_checks;
    match generation::rollback(args.to, &options) {
        Ok(report) => {
            if args.json {
                printer.out(&json_text(&report));
            } else {
                if let Some(plan) = &report.plan {
                    printer.out(&generation::display::plan_text(plan));
                    printer.out("\n");
                }
                printer.out(&generation::display::report_text(&report));
            }
            if report.succeeded() {
                0
            } else {
                1
            }
        }
        Err(error) => fail_text(printer, &format!("rolling back under '{}': {error}", root.display())),
    }
}
