//! Byte offsets to line and column numbers.

/// Line starts of one source text, for turning offsets into 1-based lines and
/// columns the way Nix reports them (columns count bytes).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let mut starts = vec![0];
        for (index, byte) in source.bytes().enumerate() {
            if byte == b'\n' {
                starts.push(index as u32 + 1);
            }
        }
        LineIndex { starts }
    }

    /// The 1-based line and column of `offset`.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        };
        (line as u32 + 1, offset - self.starts[line] + 1)
    }

    /// The byte range of 1-based `line`, without its newline.
    pub fn line_range(&self, line: u32, source_len: u32) -> (u32, u32) {
        let index = (line as usize).saturating_sub(1).min(self.starts.len() - 1);
        let start = self.starts[index];
        let end = self.starts.get(index + 1).map_or(source_len, |next| next - 1);
        (start, end.max(start))
    }
}
