//! Rejecting absurdly long runs of identifier and path characters.
//!
//! rnix's tokenizer looks ahead over every following identifier/path
//! character at each token to decide whether a path starts, which is
//! quadratic on a long run written without spaces (a 10 MB line `1+1+1…`
//! would take hours). No real Nix code has a run of thousands of such
//! characters outside strings and comments, so such input is rejected with a
//! positioned error before the tokenizer sees it. The scan understands
//! strings (with `${…}` nesting) and comments, so long string contents are
//! fine.

use crate::SyntaxError;

/// The longest run accepted.
pub(crate) const MAX_RUN: usize = 4096;

fn is_run_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'+' | b'-' | b'/' | b'\'' | b'*')
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Code,
    String,
    IndentedString,
}

/// The first run of more than [`MAX_RUN`] identifier/path characters in
/// code, if any.
pub(crate) fn check(source: &str) -> Option<SyntaxError> {
    if source.len() <= MAX_RUN {
        return None;
    }
    let bytes = source.as_bytes();
    // Each `${` pushes the state to return to at its matching `}`.
    let mut stack: Vec<State> = Vec::new();
    let mut braces: Vec<usize> = vec![0];
    let mut state = State::Code;
    let mut run_start = None::<usize>;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        match state {
            State::Code => {
                if is_run_char(byte) && !(byte == b'/' && bytes.get(index + 1) == Some(&b'*')) {
                    let start = *run_start.get_or_insert(index);
                    if index - start >= MAX_RUN {
                        return Some(SyntaxError {
                            message: format!(
                                "syntax error, a run of more than {MAX_RUN} characters without a space or operator \
                                 break; split the expression"
                            ),
                            offset: start as u32,
                        });
                    }
                    if byte == b'\'' && bytes.get(index + 1) == Some(&b'\'') && run_start == Some(index) {
                        state = State::IndentedString;
                        run_start = None;
                        index += 2;
                        continue;
                    }
                    index += 1;
                    continue;
                }
                run_start = None;
                match byte {
                    b'#' => {
                        while index < bytes.len() && bytes[index] != b'\n' {
                            index += 1;
                        }
                        continue;
                    }
                    b'/' if bytes.get(index + 1) == Some(&b'*') => {
                        index += 2;
                        while index + 1 < bytes.len() && !(bytes[index] == b'*' && bytes[index + 1] == b'/') {
                            index += 1;
                        }
                        index += 2;
                        continue;
                    }
                    b'"' => state = State::String,
                    b'{' => {
                        if let Some(depth) = braces.last_mut() {
                            *depth += 1;
                        }
                    }
                    b'}' => match braces.last_mut() {
                        Some(depth) if *depth > 0 => *depth -= 1,
                        _ => {
                            // The end of an interpolation.
                            braces.pop();
                            if braces.is_empty() {
                                braces.push(0);
                            }
                            state = stack.pop().unwrap_or(State::Code);
                        }
                    },
                    _ => {}
                }
                index += 1;
            }
            State::String => {
                match byte {
                    b'\\' => index += 1,
                    b'"' => state = State::Code,
                    b'$' if bytes.get(index + 1) == Some(&b'{') => {
                        stack.push(State::String);
                        braces.push(0);
                        state = State::Code;
                        index += 1;
                    }
                    _ => {}
                }
                index += 1;
            }
            State::IndentedString => {
                if byte == b'\'' && bytes.get(index + 1) == Some(&b'\'') {
                    match bytes.get(index + 2) {
                        // `''$`, `'''` and `''\x` are escapes.
                        Some(b'$') | Some(b'\'') => index += 3,
                        Some(b'\\') => index += 4,
                        _ => {
                            state = State::Code;
                            index += 2;
                        }
                    }
                    continue;
                }
                if byte == b'$' && bytes.get(index + 1) == Some(&b'{') {
                    stack.push(State::IndentedString);
                    braces.push(0);
                    state = State::Code;
                    index += 2;
                    continue;
                }
                index += 1;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_long_runs_in_code_only() {
        let run = "1+".repeat(5000);
        assert!(check(&run).is_some());
        let spaced = "1 + ".repeat(5000);
        assert!(check(&spaced).is_none());
        let in_string = format!("\"{}\"", "a".repeat(10_000));
        assert!(check(&in_string).is_none());
        let in_indented = format!("''\n{}\n''", "b".repeat(10_000));
        assert!(check(&in_indented).is_none());
        let in_comment = format!("# {}\n1", "c".repeat(10_000));
        assert!(check(&in_comment).is_none());
        let after_interpolation = format!("\"${{1}}{}\" + {}", "d".repeat(10_000), "1+".repeat(3000));
        assert!(check(&after_interpolation).is_some());
    }
}
