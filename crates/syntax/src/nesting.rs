//! A token-level bound on how deep rnix's parser will recurse.
//!
//! rnix limits the nesting of `parse_expr` to 512 levels, but several of its
//! rules recurse without counting: list items, prefix `-` and `!`, the
//! right-associative operators (`++`, `//`, `->`, `<|`) and `or` defaults.
//! rowan then hashes the tree it builds recursively, and for chains written
//! without spaces (`1+1+1…`, `f x x x…`, `[[[…]]]`) it rehashes them once per
//! table growth, which is quadratic. A 10 MB file of `[` or `1++1++…` would
//! therefore run for hours or overflow the stack before any error is
//! reported. Nix itself stops such input at about 5,000 levels ("memory
//! exhausted" from its Bison parser).
//!
//! [`check`] looks only at tokens and over-approximates the depth of the tree
//! the parser would build: every open bracket, string or interpolation is one
//! level, and within each of them every token since the last `;` or `,` may
//! add one more (inside a list only `or`, `-` and `!` do, since items are
//! separate). Input whose estimate exceeds [`MAX_ESTIMATED_DEPTH`] is
//! rejected with a positioned error before rnix sees it.

use rnix::SyntaxKind::{self, *};

use crate::SyntaxError;

/// The largest estimated depth accepted. Well below what the 4 GiB evaluation
/// stack of `strata` survives, and small enough that rowan's quadratic
/// hashing stays under a second; above Nix's own limit for lists and
/// right-associative chains, so no file Nix parses is rejected for that.
pub const MAX_ESTIMATED_DEPTH: usize = 10_000;

/// rnix's own limit on nested `parse_expr` calls (see rnix `parser.rs`).
const RNIX_RECURSION_LIMIT: usize = 512;

/// One open bracket, string or interpolation.
struct Frame {
    kind: SyntaxKind,
    /// Tokens since the frame opened or since its last `;` or `,`.
    chain: usize,
}

/// Returns an error at the first token where the estimated parse depth of
/// `source` exceeds [`MAX_ESTIMATED_DEPTH`].
pub fn check(source: &str) -> Option<SyntaxError> {
    // The estimate never exceeds the number of tokens, hence of bytes.
    if source.len() <= MAX_ESTIMATED_DEPTH {
        return None;
    }
    let mut frames = vec![Frame { kind: TOKEN_L_PAREN, chain: 0 }];
    // The sum of `chain + 1` over all frames, kept up to date.
    let mut estimate = 1usize;
    let mut offset = 0usize;
    for (kind, text) in rnix::tokenize(source) {
        let start = offset;
        offset += text.len();
        match kind {
            TOKEN_WHITESPACE | TOKEN_COMMENT | TOKEN_STRING_CONTENT => {}
            TOKEN_L_BRACK | TOKEN_L_PAREN | TOKEN_L_BRACE | TOKEN_INTERPOL_START | TOKEN_STRING_START => {
                frames.push(Frame { kind, chain: 0 });
                estimate += 1;
            }
            TOKEN_R_BRACK | TOKEN_R_PAREN | TOKEN_R_BRACE | TOKEN_INTERPOL_END | TOKEN_STRING_END => {
                // Unbalanced closers are the parser's business; the outermost
                // frame is never popped.
                if frames.len() > 1 {
                    if let Some(frame) = frames.pop() {
                        estimate -= frame.chain + 1;
                    }
                }
            }
            TOKEN_SEMICOLON | TOKEN_COMMA => {
                if let Some(frame) = frames.last_mut() {
                    estimate -= frame.chain;
                    frame.chain = 0;
                }
            }
            _ => {
                if let Some(frame) = frames.last_mut() {
                    let counts = frame.kind != TOKEN_L_BRACK || matches!(kind, TOKEN_OR | TOKEN_SUB | TOKEN_INVERT);
                    if counts {
                        frame.chain += 1;
                        estimate += 1;
                    }
                }
            }
        }
        if estimate > MAX_ESTIMATED_DEPTH {
            return Some(SyntaxError {
                message: format!("expression nested too deeply (more than {MAX_ESTIMATED_DEPTH} levels)"),
                offset: start as u32,
            });
        }
    }
    None
}

/// Where rnix most likely gave up with its recursion limit, which it reports
/// without a position: the first token nested [`RNIX_RECURSION_LIMIT`] deep,
/// counting open brackets, strings and interpolations and, inside each, the
/// `let`, `if`, `with`, `assert` and `:` whose bodies nest further; or else
/// the most deeply nested such token.
pub fn deepest_opening(source: &str) -> u32 {
    // Per open bracket: the keywords seen in it so far.
    let mut frames: Vec<usize> = vec![0];
    let mut depth = 1usize;
    let mut deepest = (0usize, 0usize);
    let mut offset = 0usize;
    for (kind, text) in rnix::tokenize(source) {
        let start = offset;
        offset += text.len();
        match kind {
            TOKEN_L_BRACK | TOKEN_L_PAREN | TOKEN_L_BRACE | TOKEN_INTERPOL_START | TOKEN_STRING_START => {
                frames.push(0);
                depth += 1;
            }
            TOKEN_LET | TOKEN_IF | TOKEN_WITH | TOKEN_ASSERT | TOKEN_COLON => {
                if let Some(keywords) = frames.last_mut() {
                    *keywords += 1;
                    depth += 1;
                }
            }
            TOKEN_R_BRACK | TOKEN_R_PAREN | TOKEN_R_BRACE | TOKEN_INTERPOL_END | TOKEN_STRING_END => {
                if frames.len() > 1 {
                    if let Some(keywords) = frames.pop() {
                        depth -= keywords + 1;
                    }
                }
                continue;
            }
            _ => continue,
        }
        if depth >= RNIX_RECURSION_LIMIT {
            return start as u32;
        }
        if depth > deepest.0 {
            deepest = (depth, start);
        }
    }
    deepest.1 as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_lists_are_rejected_with_a_position() {
        let source = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
        let error = check(&source).expect("an error");
        assert_eq!(error.offset as usize, MAX_ESTIMATED_DEPTH - 1);
    }

    #[test]
    fn long_chains_are_rejected() {
        let source = format!("1{}", "++1".repeat(20_000));
        assert!(check(&source).is_some());
        let source = format!("f{}", " x".repeat(20_000));
        assert!(check(&source).is_some());
    }

    #[test]
    fn long_flat_code_is_accepted() {
        let bindings: String = (0..20_000).map(|i| format!("a{i} = x + y - z;\n")).collect();
        assert_eq!(check(&format!("{{ {bindings} }}")), None);
        let items = "1 ".repeat(20_000);
        assert_eq!(check(&format!("[ {items}]")), None);
        let text = "x".repeat(100_000);
        assert_eq!(check(&format!("\"{text} ${{a}}\"")), None);
    }
}
