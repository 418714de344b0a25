//! The one place output is written.

use std::io::Write;

/// Writes command output to stdout and diagnostics to stderr.
pub struct Printer {
    stdout: Box<dyn Write>,
    stderr: Box<dyn Write>,
}

impl Printer {
    pub fn stdio() -> Printer {
        Printer { stdout: Box::new(std::io::BufWriter::new(std::io::stdout())), stderr: Box::new(std::io::stderr()) }
    }

    /// Writes text to stdout exactly as given.
    pub fn out(&mut self, text: &str) {
        let _ = self.stdout.write_all(text.as_bytes());
        let _ = self.stdout.flush();
    }

    /// Writes a diagnostic to stderr; a newline is added when missing.
    pub fn err(&mut self, text: &str) {
        let _ = self.stdout.flush();
        let _ = self.stderr.write_all(text.as_bytes());
        if !text.ends_with('\n') {
            let _ = self.stderr.write_all(b"\n");
        }
        let _ = self.stderr.flush();
    }
}
