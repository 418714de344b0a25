//! `strata generations`: the generations under `--root`, oldest first.

use std::path::Path;

use super::build::fail_text;
use super::json_text;
use crate::cli::GenerationsArgs;
use crate::printer::Printer;

pub fn run(args: &GenerationsArgs, printer: &mut Printer) -> u8 {
    let root = Path::new(&args.root);
    let generations = match generation::list_generations(root) {
        Ok(generations) => generations,
        Err(error) => return fail_text(printer, &error.to_string()),
    };
    match generation::pending_activation(root) {
        Ok(Some(journal)) => printer.err(&format!(
            "warning: an interrupted activation of generation {} is pending; `strata switch` or `strata rollback` finishes it",
            journal.to
        )),
        Ok(None) => {}
        Err(error) => return fail_text(printer, &error.to_string()),
    }
    if args.json {
        printer.out(&json_text(&generations));
        return 0;
    }
    if generations.is_empty() {
        printer.out(&format!("no generations under '{}'\n", root.display()));
        return 0;
    }
    let mut rows = vec![["".to_string(), "GEN".into(), "TIME".into(), "HOST".into(), "REVISION".into(), "HASH".into()]];
    for g in &generations {
        let marker = if g.current {
            "*"
        } else if g.failed.is_some() {
            "!"
        } else {
            ""
        };
        rows.push([
            marker.to_string(),
            g.number.to_string(),
            utc(g.time),
            g.host.clone(),
            g.source_revision.as_deref().map(short_revision).unwrap_or("-").to_string(),
            g.content_hash.chars().take(16).collect(),
        ]);
    }
    let widths: Vec<usize> = (0..6).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    if generations.iter().any(|g| g.failed.is_some()) {
        out.push_str("(! = failed its health checks and was rolled back)\n");
    }
    printer.out(&out);
    0
}

fn short_revision(revision: &str) -> &str {
    match revision.find('+') {
        Some(plus) if plus > 12 => &revision[..12],
        None if revision.len() > 12 => &revision[..12],
        _ => revision,
    }
}

/// `YYYY-MM-DD HH:MM UTC` for seconds since the epoch (civil-from-days).
fn utc(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", rest / 3600, rest % 3600 / 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(1_763_800_000), "2025-11-22 08:26 UTC");
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00 UTC");
    }
}
