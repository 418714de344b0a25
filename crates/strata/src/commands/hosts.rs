//! `strata hosts`: the repository's machines.

use super::{fail, json_text};
use crate::cli::HostsArgs;
use crate::printer::Printer;

pub fn run(args: &HostsArgs, printer: &mut Printer) -> u8 {
    // Each machine's summary is cached on its own, so after a change only
    // the machines that read the changed file are evaluated again.
    let result = fleet::incremental::host_summaries(std::path::Path::new(&args.dir)).map(|hosts| {
        if args.json {
            json_text(&hosts)
        } else {
            table(&hosts)
        }
    });
    match result {
        Ok(text) => {
            printer.out(&text);
            0
        }
        Err(error) => fail(printer, &error),
    }
}

/// One line per machine under a header, columns aligned.
fn table(hosts: &[fleet::HostSummary]) -> String {
    let mut rows = vec![["NAME".to_string(), "SYSTEM".into(), "MODULES".into(), "OPTIONS".into(), "TAGS".into()]];
    for host in hosts {
        rows.push([
            host.name.clone(),
            host.system.clone(),
            host.modules.to_string(),
            host.options.to_string(),
            host.tags.join(","),
        ]);
    }
    let widths: Vec<usize> = (0..5).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if hosts.is_empty() {
        out.push_str("(no machines: the repository defines no nixosConfigurations)\n");
    }
    out
}
