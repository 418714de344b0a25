//! Rendering errors for people: Nix's layout with a source excerpt.

use std::fmt::Write;

use syntax::ast::Pos;

use crate::error::EvalError;
use crate::eval::Evaluator;

impl Evaluator {
    /// Renders an error as Nix does: the message, the position with the
    /// surrounding source lines, and with `show_trace` the trace frames.
    pub fn render_error(&self, error: &EvalError, show_trace: bool) -> String {
        let mut out = format!("error: {}", indent_lines(error.message()));
        self.render_position(error.pos(), &mut out);
        if let Some(hint) = crate::show::did_you_mean(&error.0.suggestions) {
            let _ = write!(out, "\n       {hint}");
        }
        if show_trace {
            for frame in &error.0.trace {
                let _ = write!(out, "\n\n       … {}", indent_lines(&frame.message));
                self.render_position(frame.pos, &mut out);
            }
        }
        out.push('\n');
        out
    }

    fn render_position(&self, pos: Pos, out: &mut String) {
        let Some((name, line, column)) = self.line_col(pos) else {
            return;
        };
        let _ = write!(out, "\n\n       at {name}:{line}:{column}:\n");
        let files = self.files.borrow();
        let Some(file) = files.get(pos.file as usize) else {
            return;
        };
        let source = &file.source;
        let total = source.len() as u32;
        // Very long lines are cut to a window around the error column, so a
        // minified or generated file does not flood the terminal.
        const WINDOW: usize = 160;
        let skip = (column as usize).saturating_sub(WINDOW / 2);
        let show_line = |out: &mut String, number: u32| {
            let (start, end) = file.lines.line_range(number, total);
            let text = source.get(start as usize..end as usize).unwrap_or("");
            if text.len() <= WINDOW {
                let _ = write!(out, "\n        {number:>5}| {text}");
                return;
            }
            let mut from = skip.min(text.len());
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let mut to = (from + WINDOW).min(text.len());
            while !text.is_char_boundary(to) {
                to -= 1;
            }
            let _ = write!(out, "\n        {number:>5}| {}", &text[from..to]);
        };
        if line > 1 {
            show_line(out, line - 1);
        }
        show_line(out, line);
        let (line_start, line_end) = file.lines.line_range(line, total);
        let caret = if (line_end - line_start) as usize > WINDOW { column as usize - skip } else { column as usize };
        let _ = write!(out, "\n             |{}^", " ".repeat(caret));
        let last_line = file.lines.line_col(total).0;
        let (_, next_end) = file.lines.line_range(line + 1, total);
        if line < last_line && !(line + 1 == last_line && next_end as usize >= source.len() && source.ends_with('\n')) {
            show_line(out, line + 1);
        }
    }
}

/// A multi-line message laid out as Nix lays it out after `error: ` or
/// `… `: every further non-empty line indented to the same column, and no
/// trailing line break.
fn indent_lines(message: &str) -> String {
    let mut lines = message.trim_end_matches('\n').split('\n');
    let mut out = lines.next().unwrap_or("").to_string();
    for line in lines {
        out.push('\n');
        if !line.is_empty() {
            out.push_str("       ");
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::indent_lines;

    #[test]
    fn continuation_lines_are_indented_like_nix() {
        assert_eq!(indent_lines("one line"), "one line");
        assert_eq!(indent_lines("a\n\nb\n"), "a\n\n       b");
    }
}
