//! String builtins: lengths and slices, replacing, regular expressions,
//! versions and derivation names, path-like string operations and hashing.
//!
//! Nix strings are byte strings and every length and offset here counts
//! bytes; our strings are Rust `String`s, so a slice that cuts a character
//! in half is converted lossily (Nix would keep the raw bytes).

use crate::rc::Rc;

use syntax::ast::Pos;

use super::new_attrs;
use crate::error::{error, ErrorKind, Result};
use crate::eval::{Coercion, Evaluator};
use crate::value::*;

pub(super) const BUILTINS: &[Builtin] = &[
    Builtin { name: "stringLength", arity: 1, func: string_length },
    Builtin { name: "substring", arity: 3, func: substring },
    Builtin { name: "concatStringsSep", arity: 2, func: concat_strings_sep },
    Builtin { name: "replaceStrings", arity: 3, func: replace_strings },
    Builtin { name: "match", arity: 2, func: regex_match },
    Builtin { name: "split", arity: 2, func: regex_split },
    Builtin { name: "splitVersion", arity: 1, func: split_version },
    Builtin { name: "compareVersions", arity: 2, func: compare_versions },
    Builtin { name: "parseDrvName", arity: 1, func: parse_drv_name },
    Builtin { name: "baseNameOf", arity: 1, func: base_name_of },
    Builtin { name: "dirOf", arity: 1, func: dir_of },
    Builtin { name: "hashString", arity: 2, func: hash_string },
    // Newer than Nix 2.8 (2.19); kept per tests/lang/divergences.toml.
    Builtin { name: "convertHash", arity: 1, func: convert_hash },
];

/// Forces a string that must not carry context (Nix's `forceStringNoCtx`),
/// as for regular expressions, version strings and hash algorithm names.
pub(crate) fn force_str_no_context(ev: &Evaluator, value: &Value, pos: Pos) -> Result<String> {
    Ok(force_string_no_context(ev, value, pos)?.text.clone())
}

/// Like [`force_str_no_context`], without copying the text (for builtins
/// that only read a possibly large string, such as `fromJSON`).
pub(crate) fn force_string_no_context(ev: &Evaluator, value: &Value, pos: Pos) -> Result<Rc<NixString>> {
    let string = ev.force_string(value, pos)?;
    if let Some(element) = string.context.iter().next() {
        return Err(error(
            ErrorKind::Eval,
            pos,
            format!("the string '{}' is not allowed to refer to a store path (such as '{}')", string.text, element),
        ));
    }
    Ok(string)
}

/// A string made from bytes that may not be valid UTF-8 (a slice that cut a
/// character), converted lossily.
fn string_from_bytes(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `builtins.stringLength s`: the length in bytes, after coercion.
fn string_length(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let string = ev.coerce_to_string_shared(&args[0], pos, Coercion::INTERPOLATION)?;
    Ok(Value::Int(string.text.len() as i64))
}

/// `builtins.substring start len s`: bytes `start .. start + len`, clipped to
/// the string. Nix reads both numbers into a C `int` (so they wrap), and a
/// negative length means "to the end". The context is kept even when the
/// result is empty.
fn substring(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let start = ev.force_int(&args[0], pos)? as i32;
    let length = ev.force_int(&args[1], pos)? as i32;
    let string = ev.coerce_to_string_shared(&args[2], pos, Coercion::INTERPOLATION)?;
    if start < 0 {
        return Err(error(ErrorKind::Eval, pos, "negative start position in 'substring'"));
    }
    let bytes = string.text.as_bytes();
    let start = start as usize;
    let text = if start >= bytes.len() {
        String::new()
    } else {
        let end = if length < 0 { bytes.len() } else { bytes.len().min(start + length as usize) };
        string_from_bytes(&bytes[start..end])
    };
    Ok(Value::string_with_context(text, string.context.clone()))
}

/// `builtins.concatStringsSep sep list`: the coerced elements joined by
/// `sep`, with the context of the separator and of every element.
pub(crate) fn concat_strings_sep(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let separator = ev.force_string(&args[0], pos)?;
    let list = ev.force_list(&args[1], pos)?;
    let mut result = NixString { text: String::new(), context: separator.context.clone() };
    for (index, item) in list.iter().enumerate() {
        if index > 0 {
            result.text.push_str(&separator.text);
        }
        let piece = ev.coerce_to_string_shared(item, pos, Coercion::INTERPOLATION)?;
        result.text.push_str(&piece.text);
        result.context.extend(piece.context.iter().cloned());
    }
    Ok(Value::String(Rc::new(result)))
}

/// `builtins.replaceStrings from to s`: scans `s` once from the left; at each
/// position the first pattern of `from` that matches is replaced. An empty
/// pattern matches at every position (before each character and at the
/// end), and the character it stands before is copied. A replacement's
/// context is added only when it is used.
fn replace_strings(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let from_list = ev.force_list(&args[0], pos)?;
    let to_list = ev.force_list(&args[1], pos)?;
    if from_list.len() != to_list.len() {
        return Err(error(
            ErrorKind::Eval,
            pos,
            "'from' and 'to' arguments to 'replaceStrings' have different lengths",
        ));
    }
    let mut from = Vec::with_capacity(from_list.len());
    for item in from_list.iter() {
        from.push(ev.force_str(item, pos)?);
    }
    let mut to = Vec::with_capacity(to_list.len());
    for item in to_list.iter() {
        to.push(ev.force_string(item, pos)?);
    }
    let subject = ev.force_string(&args[2], pos)?;
    let input = subject.text.as_str();
    let mut context = subject.context.clone();
    let mut output = String::with_capacity(input.len());
    let mut position = 0;
    while position <= input.len() {
        let rest = &input[position..];
        if let Some(index) = from.iter().position(|pattern| rest.starts_with(pattern.as_str())) {
            let replacement = &to[index];
            output.push_str(&replacement.text);
            context.extend(replacement.context.iter().cloned());
            if !from[index].is_empty() {
                position += from[index].len();
                continue;
            }
        }
        // No pattern, or the empty one, matched: the next character follows
        // whole. (After an empty pattern Nix moves on by one byte, putting
        // the replacement inside a multi-byte character; Strata's strings are
        // UTF-8, see tests/lang/newer/eval-okay-replacestrings-empty-utf8.)
        match rest.chars().next() {
            Some(c) => {
                output.push(c);
                position += c.len_utf8();
            }
            None => break,
        }
    }
    Ok(Value::string_with_context(output, context))
}

/// The error for a pattern that does not compile, in Nix's words.
fn regex_error(pattern: &str, error_kind: posix_regex::CompileError, pos: Pos) -> crate::error::EvalError {
    let message = match error_kind {
        posix_regex::CompileError::Invalid => format!("invalid regular expression '{pattern}'"),
        posix_regex::CompileError::TooBig => format!("memory limit exceeded by regular expression '{pattern}'"),
    };
    error(ErrorKind::Eval, pos, message)
}

fn capture_value(subject: &[u8], capture: Option<(usize, usize)>) -> Value {
    match capture {
        Some((start, end)) => Value::string(string_from_bytes(&subject[start..end])),
        None => Value::Null,
    }
}

/// `builtins.match regex s`: `null` unless the POSIX extended regular
/// expression matches the whole of `s`; otherwise the list of its capture
/// groups (`null` for groups that took no part). The results carry no
/// context.
fn regex_match(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let pattern = force_str_no_context(ev, &args[0], pos)?;
    let regex = posix_regex::cached(&pattern).map_err(|kind| regex_error(&pattern, kind, pos))?;
    let subject = ev.force_string(&args[1], pos)?;
    let bytes = subject.text.as_bytes();
    match regex.match_whole(bytes) {
        None => Ok(Value::Null),
        Some(groups) => Ok(Value::list(groups[1..].iter().map(|group| capture_value(bytes, *group)).collect())),
    }
}

/// `builtins.split regex s`: the pieces of `s` between matches, alternating
/// with lists of each match's capture groups. Matches are found the way
/// C++'s `std::sregex_iterator` finds them, empty matches included. Without
/// any match the result is `[ s ]`, with `s`'s context.
fn regex_split(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let pattern = force_str_no_context(ev, &args[0], pos)?;
    let regex = posix_regex::cached(&pattern).map_err(|kind| regex_error(&pattern, kind, pos))?;
    let subject = ev.force_string(&args[1], pos)?;
    let bytes = subject.text.as_bytes();
    let matches = regex.find_all(bytes);
    if matches.is_empty() {
        return Ok(Value::list(vec![Value::String(subject)]));
    }
    let mut items = Vec::with_capacity(matches.len() * 2 + 1);
    let mut previous_end = 0;
    for groups in &matches {
        let Some((start, end)) = groups[0] else { continue };
        items.push(Value::string(string_from_bytes(&bytes[previous_end..start])));
        items.push(Value::list(groups[1..].iter().map(|group| capture_value(bytes, *group)).collect()));
        previous_end = end;
    }
    items.push(Value::string(string_from_bytes(&bytes[previous_end..])));
    Ok(Value::list(items))
}

/// The next component of a version string (Nix's `nextComponent`): skips
/// `.` and `-` separators, then takes a run of digits or a run of anything
/// else that is not a separator. Empty at the end.
fn next_component<'a>(version: &'a [u8], position: &mut usize) -> &'a [u8] {
    while *position < version.len() && matches!(version[*position], b'.' | b'-') {
        *position += 1;
    }
    let start = *position;
    if start == version.len() {
        return &version[start..];
    }
    if version[start].is_ascii_digit() {
        while *position < version.len() && version[*position].is_ascii_digit() {
            *position += 1;
        }
    } else {
        while *position < version.len()
            && !version[*position].is_ascii_digit()
            && !matches!(version[*position], b'.' | b'-')
        {
            *position += 1;
        }
    }
    &version[start..*position]
}

/// A component's value as Nix's `string2Int<int>` reads it: only digit runs
/// that fit a 32-bit `int` count as numbers.
fn component_number(component: &[u8]) -> Option<i32> {
    if component.is_empty() || !component.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(component).ok()?.parse().ok()
}

/// Nix's `componentsLT`: numbers compare as numbers and come after words;
/// `pre` comes before everything else; a missing component comes before a
/// number.
fn component_less(left: &[u8], right: &[u8]) -> bool {
    let left_number = component_number(left);
    let right_number = component_number(right);
    match (left_number, right_number) {
        (Some(a), Some(b)) => a < b,
        _ if left.is_empty() && right_number.is_some() => true,
        _ if left == b"pre" && right != b"pre" => true,
        _ if right == b"pre" => false,
        (_, Some(_)) => true,
        (Some(_), _) => false,
        _ => left < right,
    }
}

/// Nix's `compareVersions`: -1, 0 or 1.
pub fn compare_version_strings(left: &str, right: &str) -> i64 {
    let (left, right) = (left.as_bytes(), right.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < left.len() || j < right.len() {
        let a = next_component(left, &mut i);
        let b = next_component(right, &mut j);
        if component_less(a, b) {
            return -1;
        }
        if component_less(b, a) {
            return 1;
        }
    }
    0
}

/// `builtins.splitVersion v`: the components `compareVersions` compares.
fn split_version(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let version = force_str_no_context(ev, &args[0], pos)?;
    let bytes = version.as_bytes();
    let mut position = 0;
    let mut components = Vec::new();
    loop {
        let component = next_component(bytes, &mut position);
        if component.is_empty() {
            break;
        }
        components.push(Value::string(string_from_bytes(component)));
    }
    Ok(Value::list(components))
}

/// `builtins.compareVersions a b`.
fn compare_versions(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let left = force_str_no_context(ev, &args[0], pos)?;
    let right = force_str_no_context(ev, &args[1], pos)?;
    Ok(Value::Int(compare_version_strings(&left, &right)))
}

/// `builtins.parseDrvName s`: splits at the first `-` that is followed by
/// something other than a letter; `version` is empty without one.
fn parse_drv_name(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let full = force_str_no_context(ev, &args[0], pos)?;
    let bytes = full.as_bytes();
    let split =
        (0..bytes.len()).find(|&i| bytes[i] == b'-' && i + 1 < bytes.len() && !bytes[i + 1].is_ascii_alphabetic());
    let (name, version) = match split {
        Some(i) => (string_from_bytes(&bytes[..i]), string_from_bytes(&bytes[i + 1..])),
        None => (full.clone(), String::new()),
    };
    Ok(new_attrs(vec![("name", Value::string(name)), ("version", Value::string(version))]))
}

/// `builtins.baseNameOf x`: works on strings and paths (without copying a
/// path to the store) and keeps the string's context.
fn base_name_of(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let string = ev.coerce_to_string(&args[0], pos, Coercion { more: false, copy_to_store: false })?;
    let base = super::base_name(&string.text).to_string();
    Ok(Value::string_with_context(base, string.context))
}

/// `builtins.dirOf x`: a path for a path, otherwise a string with the
/// argument's context.
fn dir_of(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let value = ev.force(&args[0])?;
    let string = ev.coerce_to_string(&value, pos, Coercion { more: false, copy_to_store: false })?;
    let dir = super::dir_name(&string.text).to_string();
    match value {
        Value::Path(_) => Ok(Value::path(dir)),
        _ => Ok(Value::string_with_context(dir, string.context)),
    }
}

/// `builtins.hashString algo s`: the base-16 digest of `s`; the string's
/// context is discarded.
fn hash_string(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let algo_name = force_str_no_context(ev, &args[0], pos)?;
    let Some(algo) = store::HashAlgo::parse_opt(&algo_name) else {
        return Err(error(ErrorKind::Eval, pos, format!("unknown hash algorithm '{algo_name}'")));
    };
    let data = ev.force_string(&args[1], pos)?;
    Ok(Value::string(store::Hash::compute(algo, data.text.as_bytes()).to_base16()))
}

/// `builtins.convertHash { hash; hashAlgo ? null; toHashFormat; }` (Nix
/// 2.19 and later): re-encodes a hash.
fn convert_hash(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let attrs = ev.force_attrs(&args[0], pos)?;
    let required = |name: &str| -> Result<&Value> {
        attrs.get_str(name).ok_or_else(|| error(ErrorKind::Missing, pos, format!("attribute '{name}' missing")))
    };
    let hash = force_str_no_context(ev, required("hash")?, pos)?;
    let algo = match attrs.get_str("hashAlgo") {
        Some(value) => match ev.force(value)? {
            Value::Null => None,
            other => Some(force_str_no_context(ev, &other, pos)?),
        },
        None => None,
    };
    let format = force_str_no_context(ev, required("toHashFormat")?, pos)?;
    store::convert_hash(&hash, algo.as_deref(), &format)
        .map(Value::string)
        .map_err(|e| error(ErrorKind::Eval, pos, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_like_nix() {
        let cases = [
            ("1.0", "2.3", -1),
            ("2.1", "2.3", -1),
            ("2.3", "2.3", 0),
            ("2.5", "2.3", 1),
            ("3.1", "2.3", 1),
            ("2.3.1", "2.3", 1),
            ("2.3.1", "2.3a", 1),
            ("2.3pre1", "2.3", -1),
            ("2.3pre3", "2.3pre12", -1),
            ("2.3a", "2.3c", -1),
            ("2.3pre1", "2.3c", -1),
            ("2.3pre1", "2.3q", -1),
            ("1.0", "1.0pre1", 1),
            ("2.3", "2.3-rc1", -1),
            ("99999999999", "1", -1),
            ("", "1", -1),
        ];
        for (left, right, expected) in cases {
            assert_eq!(compare_version_strings(left, right), expected, "{left} vs {right}");
        }
    }

    #[test]
    fn path_names_like_nix() {
        assert_eq!(super::super::base_name("/a/b/"), "b");
        assert_eq!(super::super::base_name("/"), "");
        assert_eq!(super::super::base_name("a//"), "");
        assert_eq!(super::super::base_name("abc"), "abc");
        assert_eq!(super::super::dir_name("/a/b"), "/a");
        assert_eq!(super::super::dir_name("/a"), "/");
        assert_eq!(super::super::dir_name("a"), ".");
        assert_eq!(super::super::dir_name("a/b/"), "a/b");
    }
}

/// POSIX extended regular expressions with the semantics of libstdc++'s
/// `std::regex` in `extended` mode, which is what Nix 2.8 runs: the same
/// grammar (escaping an ordinary character is an error, a quantifier may
/// follow a quantifier, `.` matches newlines), the same depth-first search
/// (every alternative is tried and the longest match wins; a greedy repeat
/// skips its "match less" branch once "match more" succeeded), and the same
/// captures. General-purpose engines pick different matches (`a|ab` on
/// `ab` finds `ab` here, `a` in Perl-style engines), so Strata carries its
/// own. Matching works on bytes, as C++ does.
///
/// The search runs on an explicit stack, so long subjects cannot overflow
/// the native stack; like the original it can take exponential time on
/// pathological patterns.
mod posix_regex {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;

    /// Why a pattern does not compile.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum CompileError {
        /// Nix: "invalid regular expression".
        Invalid,
        /// The automaton would exceed libstdc++'s state limit; Nix: "memory
        /// limit exceeded by regular expression".
        TooBig,
    }

    /// libstdc++'s `_GLIBCXX_REGEX_STATE_LIMIT`.
    const STATE_LIMIT: usize = 100_000;

    /// The capture groups of one match, group 0 being the whole match;
    /// `None` for groups that did not take part.
    pub type Captures = Vec<Option<(usize, usize)>>;

    thread_local! {
        static CACHE: RefCell<HashMap<String, std::result::Result<Rc<Regex>, CompileError>>> =
            RefCell::new(HashMap::new());
    }

    /// The compiled form of `pattern`, compiled once per thread.
    pub fn cached(pattern: &str) -> std::result::Result<Rc<Regex>, CompileError> {
        if let Some(found) = CACHE.with(|cache| cache.borrow().get(pattern).cloned()) {
            return found;
        }
        let compiled = Regex::new(pattern.as_bytes()).map(Rc::new);
        CACHE.with(|cache| cache.borrow_mut().insert(pattern.to_string(), compiled.clone()));
        compiled
    }

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    struct ByteSet([u64; 4]);

    impl ByteSet {
        const EMPTY: ByteSet = ByteSet([0; 4]);

        fn insert(&mut self, byte: u8) {
            self.0[usize::from(byte >> 6)] |= 1 << (byte & 63);
        }

        fn contains(&self, byte: u8) -> bool {
            self.0[usize::from(byte >> 6)] & (1 << (byte & 63)) != 0
        }

        fn single(byte: u8) -> ByteSet {
            let mut set = ByteSet::EMPTY;
            set.insert(byte);
            set
        }

        fn complement(self) -> ByteSet {
            ByteSet([!self.0[0], !self.0[1], !self.0[2], !self.0[3]])
        }
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Quantifier {
        Star,
        Plus,
        Optional,
        Interval { min: u32, max: Option<u32> },
    }

    #[derive(Debug)]
    enum Node {
        Set(ByteSet),
        Group(usize, Box<Node>),
        Concat(Vec<Node>),
        Alternation(Vec<Node>),
        Repeat(Box<Node>, Quantifier),
        LineBegin,
        LineEnd,
    }

    /// The characters with a meaning in extended syntax; only these may be
    /// escaped.
    const SPECIAL: &[u8] = b"^$\\.*+?()[]{}|";

    /// Names of collating elements (`[[.hyphen.]]`), indexed by character,
    /// as libstdc++'s `regex_traits::lookup_collatename` knows them.
    const COLLATE_NAMES: [&str; 128] = [
        "NUL",
        "SOH",
        "STX",
        "ETX",
        "EOT",
        "ENQ",
        "ACK",
        "alert",
        "backspace",
        "tab",
        "newline",
        "vertical-tab",
        "form-feed",
        "carriage-return",
        "SO",
        "SI",
        "DLE",
        "DC1",
        "DC2",
        "DC3",
        "DC4",
        "NAK",
        "SYN",
        "ETB",
        "CAN",
        "EM",
        "SUB",
        "ESC",
        "IS4",
        "IS3",
        "IS2",
        "IS1",
        "space",
        "exclamation-mark",
        "quotation-mark",
        "number-sign",
        "dollar-sign",
        "percent-sign",
        "ampersand",
        "apostrophe",
        "left-parenthesis",
        "right-parenthesis",
        "asterisk",
        "plus-sign",
        "comma",
        "hyphen",
        "period",
        "slash",
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "colon",
        "semicolon",
        "less-than-sign",
        "equals-sign",
        "greater-than-sign",
        "question-mark",
        "commercial-at",
        "A",
        "B",
        "C",
        "D",
        "E",
        "F",
        "G",
        "H",
        "I",
        "J",
        "K",
        "L",
        "M",
        "N",
        "O",
        "P",
        "Q",
        "R",
        "S",
        "T",
        "U",
        "V",
        "W",
        "X",
        "Y",
        "Z",
        "left-square-bracket",
        "backslash",
        "right-square-bracket",
        "circumflex",
        "underscore",
        "grave-accent",
        "a",
        "b",
        "c",
        "d",
        "e",
        "f",
        "g",
        "h",
        "i",
        "j",
        "k",
        "l",
        "m",
        "n",
        "o",
        "p",
        "q",
        "r",
        "s",
        "t",
        "u",
        "v",
        "w",
        "x",
        "y",
        "z",
        "left-curly-bracket",
        "vertical-line",
        "right-curly-bracket",
        "tilde",
        "DEL",
    ];

    type ParseResult<T> = std::result::Result<T, CompileError>;

    struct Parser<'a> {
        pattern: &'a [u8],
        position: usize,
        groups: usize,
    }

    /// A token inside a bracket expression.
    #[derive(Debug, PartialEq, Eq)]
    enum BracketToken {
        Char(u8),
        Dash,
        End,
        Collating(Vec<u8>),
        Equivalence(Vec<u8>),
        Class(Vec<u8>),
    }

    impl Parser<'_> {
        fn peek(&self) -> Option<u8> {
            self.pattern.get(self.position).copied()
        }

        fn next_byte(&mut self) -> ParseResult<u8> {
            let byte = self.peek().ok_or(CompileError::Invalid)?;
            self.position += 1;
            Ok(byte)
        }

        fn disjunction(&mut self) -> ParseResult<Node> {
            let mut alternatives = vec![self.alternative()?];
            while self.peek() == Some(b'|') {
                self.position += 1;
                alternatives.push(self.alternative()?);
            }
            Ok(if alternatives.len() == 1 {
                alternatives.pop().unwrap_or(Node::Concat(Vec::new()))
            } else {
                Node::Alternation(alternatives)
            })
        }

        fn alternative(&mut self) -> ParseResult<Node> {
            let mut terms = Vec::new();
            while let Some(term) = self.term()? {
                terms.push(term);
            }
            Ok(Node::Concat(terms))
        }

        /// An assertion, or an atom with its quantifiers; `None` where the
        /// alternative ends (which is an error unless the caller expects
        /// `|`, `)` or the end there).
        fn term(&mut self) -> ParseResult<Option<Node>> {
            let Some(byte) = self.peek() else { return Ok(None) };
            match byte {
                b'^' => {
                    self.position += 1;
                    Ok(Some(Node::LineBegin))
                }
                b'$' => {
                    self.position += 1;
                    Ok(Some(Node::LineEnd))
                }
                b'|' | b')' | b'*' | b'+' | b'?' | b'{' => Ok(None),
                _ => {
                    let mut atom = self.atom()?;
                    while let Some(quantifier) = self.quantifier()? {
                        atom = Node::Repeat(Box::new(atom), quantifier);
                    }
                    Ok(Some(atom))
                }
            }
        }

        fn atom(&mut self) -> ParseResult<Node> {
            let byte = self.next_byte()?;
            match byte {
                b'.' => Ok(Node::Set(ByteSet::single(0).complement())),
                b'\\' => {
                    let escaped = self.next_byte()?;
                    if SPECIAL.contains(&escaped) {
                        Ok(Node::Set(ByteSet::single(escaped)))
                    } else {
                        Err(CompileError::Invalid)
                    }
                }
                b'(' => {
                    self.groups += 1;
                    let index = self.groups;
                    let inner = self.disjunction()?;
                    if self.next_byte()? != b')' {
                        return Err(CompileError::Invalid);
                    }
                    Ok(Node::Group(index, Box::new(inner)))
                }
                b'[' => self.bracket(),
                other => Ok(Node::Set(ByteSet::single(other))),
            }
        }

        fn count(&mut self) -> ParseResult<Option<u32>> {
            let start = self.position;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.position += 1;
            }
            if start == self.position {
                return Ok(None);
            }
            let digits = std::str::from_utf8(&self.pattern[start..self.position]).map_err(|_| CompileError::Invalid)?;
            digits.parse().map(Some).map_err(|_| CompileError::Invalid)
        }

        fn quantifier(&mut self) -> ParseResult<Option<Quantifier>> {
            let quantifier = match self.peek() {
                Some(b'*') => Quantifier::Star,
                Some(b'+') => Quantifier::Plus,
                Some(b'?') => Quantifier::Optional,
                Some(b'{') => {
                    self.position += 1;
                    let min = self.count()?.ok_or(CompileError::Invalid)?;
                    let max = if self.peek() == Some(b',') {
                        self.position += 1;
                        self.count()?
                    } else {
                        Some(min)
                    };
                    if self.next_byte()? != b'}' {
                        return Err(CompileError::Invalid);
                    }
                    if max.is_some_and(|max| max < min) {
                        return Err(CompileError::Invalid);
                    }
                    return Ok(Some(Quantifier::Interval { min, max }));
                }
                _ => return Ok(None),
            };
            self.position += 1;
            Ok(Some(quantifier))
        }

        fn bracket_token(&mut self, at_start: bool) -> ParseResult<BracketToken> {
            let byte = self.next_byte()?;
            match byte {
                b'-' => Ok(BracketToken::Dash),
                b'[' => {
                    let kind = self.peek().ok_or(CompileError::Invalid)?;
                    if !matches!(kind, b'.' | b':' | b'=') {
                        return Ok(BracketToken::Char(b'['));
                    }
                    self.position += 1;
                    let start = self.position;
                    loop {
                        if self.position + 1 >= self.pattern.len() {
                            return Err(CompileError::Invalid);
                        }
                        if self.pattern[self.position] == kind && self.pattern[self.position + 1] == b']' {
                            break;
                        }
                        self.position += 1;
                    }
                    let name = self.pattern[start..self.position].to_vec();
                    self.position += 2;
                    Ok(match kind {
                        b'.' => BracketToken::Collating(name),
                        b':' => BracketToken::Class(name),
                        _ => BracketToken::Equivalence(name),
                    })
                }
                b']' if !at_start => Ok(BracketToken::End),
                other => Ok(BracketToken::Char(other)),
            }
        }

        /// A bracket expression, after its `[`, with libstdc++'s rules for
        /// `]` first and for dashes.
        fn bracket(&mut self) -> ParseResult<Node> {
            let negated = self.peek() == Some(b'^');
            if negated {
                self.position += 1;
            }
            let mut set = ByteSet::EMPTY;
            let mut pending: Option<u8> = None;
            let mut token = self.bracket_token(true)?;
            match token {
                BracketToken::Char(c) => {
                    pending = Some(c);
                    token = self.bracket_token(false)?;
                }
                BracketToken::Dash => {
                    pending = Some(b'-');
                    token = self.bracket_token(false)?;
                }
                _ => {}
            }
            let push_char = |set: &mut ByteSet, pending: &mut Option<u8>, c: u8| {
                if let Some(previous) = pending.replace(c) {
                    set.insert(previous);
                }
            };
            let flush = |set: &mut ByteSet, pending: &mut Option<u8>| {
                if let Some(previous) = pending.take() {
                    set.insert(previous);
                }
            };
            loop {
                match token {
                    BracketToken::End => break,
                    BracketToken::Collating(name) => {
                        let c = collating_element(&name)?;
                        push_char(&mut set, &mut pending, c);
                    }
                    BracketToken::Equivalence(name) => {
                        flush(&mut set, &mut pending);
                        set.insert(collating_element(&name)?);
                    }
                    BracketToken::Class(name) => {
                        flush(&mut set, &mut pending);
                        add_class(&mut set, &name)?;
                    }
                    BracketToken::Char(c) => push_char(&mut set, &mut pending, c),
                    BracketToken::Dash => match pending {
                        None => {
                            if self.bracket_token(false)? != BracketToken::End {
                                return Err(CompileError::Invalid);
                            }
                            push_char(&mut set, &mut pending, b'-');
                            break;
                        }
                        Some(first) => match self.bracket_token(false)? {
                            BracketToken::Char(last) => {
                                add_range(&mut set, first, last)?;
                                pending = None;
                            }
                            BracketToken::Dash => {
                                add_range(&mut set, first, b'-')?;
                                pending = None;
                            }
                            BracketToken::End => {
                                push_char(&mut set, &mut pending, b'-');
                                break;
                            }
                            _ => return Err(CompileError::Invalid),
                        },
                    },
                }
                token = self.bracket_token(false)?;
            }
            flush(&mut set, &mut pending);
            Ok(Node::Set(if negated { set.complement() } else { set }))
        }
    }

    fn collating_element(name: &[u8]) -> ParseResult<u8> {
        if let [single] = name {
            return Ok(*single);
        }
        COLLATE_NAMES
            .iter()
            .position(|known| known.as_bytes() == name)
            .map(|index| index as u8)
            .ok_or(CompileError::Invalid)
    }

    /// A range compares `char`s, which are signed: `[a-\xc3]` is an error
    /// and `[\xc3-a]` covers the bytes from 0xc3 up and from 0 to `a`.
    fn add_range(set: &mut ByteSet, first: u8, last: u8) -> ParseResult<()> {
        let (low, high) = (first as i8, last as i8);
        if low > high {
            return Err(CompileError::Invalid);
        }
        for byte in 0..=255u8 {
            if (low..=high).contains(&(byte as i8)) {
                set.insert(byte);
            }
        }
        Ok(())
    }

    /// `[:name:]` in the C locale.
    fn add_class(set: &mut ByteSet, name: &[u8]) -> ParseResult<()> {
        let name = name.to_ascii_lowercase();
        let test: fn(u8) -> bool = match name.as_slice() {
            b"alnum" => |b| b.is_ascii_alphanumeric(),
            b"alpha" => |b| b.is_ascii_alphabetic(),
            b"blank" => |b| b == b' ' || b == b'\t',
            b"cntrl" => |b| b.is_ascii_control(),
            b"digit" | b"d" => |b| b.is_ascii_digit(),
            b"graph" => |b| b.is_ascii_graphic(),
            b"lower" => |b| b.is_ascii_lowercase(),
            b"print" => |b| b.is_ascii_graphic() || b == b' ',
            b"punct" => |b| b.is_ascii_punctuation(),
            b"space" | b"s" => |b| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'),
            b"upper" => |b| b.is_ascii_uppercase(),
            b"xdigit" => |b| b.is_ascii_hexdigit(),
            b"w" => |b| b.is_ascii_alphanumeric() || b == b'_',
            _ => return Err(CompileError::Invalid),
        };
        for byte in 0..=255u8 {
            if test(byte) {
                set.insert(byte);
            }
        }
        Ok(())
    }

    type StateId = u32;

    #[derive(Debug)]
    enum State {
        Match(ByteSet, StateId),
        /// Try `alt`, then `next`, and keep the longer result.
        Alternative {
            alt: StateId,
            next: StateId,
        },
        /// A greedy repeat: `alt` matches once more, `next` stops.
        Repeat {
            alt: StateId,
            next: StateId,
        },
        SubBegin(usize, StateId),
        SubEnd(usize, StateId),
        LineBegin(StateId),
        LineEnd(StateId),
        Accept,
    }

    /// A compiled pattern: an automaton shaped like libstdc++'s.
    pub struct Regex {
        states: Vec<State>,
        start: StateId,
        groups: usize,
    }

    struct Compiler {
        states: Vec<State>,
    }

    impl Compiler {
        fn add(&mut self, state: State) -> ParseResult<StateId> {
            if self.states.len() >= STATE_LIMIT {
                return Err(CompileError::TooBig);
            }
            self.states.push(state);
            Ok((self.states.len() - 1) as StateId)
        }

        /// Compiles `node` so that it continues at `next`; returns its start.
        fn compile(&mut self, node: &Node, next: StateId) -> ParseResult<StateId> {
            match node {
                Node::Set(set) => self.add(State::Match(*set, next)),
                Node::LineBegin => self.add(State::LineBegin(next)),
                Node::LineEnd => self.add(State::LineEnd(next)),
                Node::Group(index, inner) => {
                    let end = self.add(State::SubEnd(*index, next))?;
                    let body = self.compile(inner, end)?;
                    self.add(State::SubBegin(*index, body))
                }
                Node::Concat(nodes) => {
                    let mut current = next;
                    for node in nodes.iter().rev() {
                        current = self.compile(node, current)?;
                    }
                    Ok(current)
                }
                Node::Alternation(alternatives) => {
                    // `a|b|c` nests as `(a|b)|c`, the left side tried first.
                    let mut current = self.compile(&alternatives[0], next)?;
                    for alternative in &alternatives[1..] {
                        let right = self.compile(alternative, next)?;
                        current = self.add(State::Alternative { alt: current, next: right })?;
                    }
                    Ok(current)
                }
                Node::Repeat(body, quantifier) => match *quantifier {
                    Quantifier::Star => self.star(body, next),
                    Quantifier::Plus => {
                        // The body once, then a loop back into the same body.
                        let repeat = self.add(State::Accept)?;
                        let start = self.compile(body, repeat)?;
                        self.states[repeat as usize] = State::Repeat { alt: start, next };
                        Ok(start)
                    }
                    Quantifier::Optional => {
                        let once = self.compile(body, next)?;
                        self.add(State::Repeat { alt: once, next })
                    }
                    Quantifier::Interval { min, max } => {
                        // `min` copies, then a loop, or `max - min` nested optional copies.
                        let mut current = match max {
                            None => self.star(body, next)?,
                            Some(max) => {
                                let mut current = next;
                                for _ in min..max {
                                    let once = self.compile(body, current)?;
                                    current = self.add(State::Repeat { alt: once, next })?;
                                }
                                current
                            }
                        };
                        for _ in 0..min {
                            current = self.compile(body, current)?;
                        }
                        Ok(current)
                    }
                },
            }
        }

        fn star(&mut self, body: &Node, next: StateId) -> ParseResult<StateId> {
            let repeat = self.add(State::Accept)?;
            let start = self.compile(body, repeat)?;
            self.states[repeat as usize] = State::Repeat { alt: start, next };
            Ok(repeat)
        }
    }

    #[derive(Clone, Copy, Default)]
    struct SubMatch {
        first: usize,
        second: usize,
        matched: bool,
    }

    /// What is left to do in the depth-first search; restoring entries undo
    /// what a state did once its subtree is explored.
    enum Task {
        Visit(StateId),
        SetPosition(usize),
        AlternativeNext(StateId),
        AlternativeMerge(bool),
        RepeatSkip(StateId),
        RestoreRepeat(StateId, (usize, u32)),
        DecrementRepeat(StateId),
        RestoreFirst(usize, usize),
        RestoreSub(usize, SubMatch),
    }

    /// Per-search scratch space, reused across the start positions of a search.
    struct Scratch {
        current: Vec<SubMatch>,
        repeats: Vec<(usize, u32)>,
        stack: Vec<Task>,
    }

    #[derive(Clone, Copy)]
    struct RunOptions {
        begin: usize,
        /// The whole rest of the subject must match (`regex_match`).
        exact: bool,
        /// An empty match does not count (`match_not_null`).
        not_null: bool,
        /// The subject continues before `begin`, so `^` cannot match
        /// (`match_prev_avail`).
        previous_available: bool,
    }

    impl Regex {
        pub fn new(pattern: &[u8]) -> std::result::Result<Regex, CompileError> {
            let mut parser = Parser { pattern, position: 0, groups: 0 };
            let node = parser.disjunction()?;
            if parser.position != pattern.len() {
                return Err(CompileError::Invalid);
            }
            let mut compiler = Compiler { states: Vec::new() };
            let accept = compiler.add(State::Accept)?;
            let start = compiler.compile(&Node::Group(0, Box::new(node)), accept)?;
            Ok(Regex { states: compiler.states, start, groups: parser.groups + 1 })
        }

        fn scratch(&self) -> Scratch {
            Scratch {
                current: vec![SubMatch::default(); self.groups],
                repeats: vec![(0, 0); self.states.len()],
                stack: Vec::new(),
            }
        }

        /// `std::regex_match`: the captures if the whole subject matches.
        pub fn match_whole(&self, subject: &[u8]) -> Option<Captures> {
            let options = RunOptions { begin: 0, exact: true, not_null: false, previous_available: false };
            self.run(subject, options, &mut self.scratch())
        }

        /// Every match `std::sregex_iterator` visits, in order.
        pub fn find_all(&self, subject: &[u8]) -> Vec<Captures> {
            let mut scratch = self.scratch();
            let mut matches = Vec::new();
            let mut found = self.search(subject, 0, false, &mut scratch);
            while let Some(captures) = found {
                let (start, end) = captures[0].unwrap_or((0, 0));
                matches.push(captures);
                found = if start == end {
                    if end == subject.len() {
                        break;
                    }
                    // After an empty match, first look for a non-empty one at
                    // the same place, then search on from the next byte.
                    let options = RunOptions { begin: end, exact: false, not_null: true, previous_available: true };
                    match self.run(subject, options, &mut scratch) {
                        Some(captures) => Some(captures),
                        None => self.search(subject, end + 1, true, &mut scratch),
                    }
                } else {
                    self.search(subject, end, true, &mut scratch)
                };
            }
            matches
        }

        /// `std::regex_search` from `from`: the leftmost start with a match.
        fn search(
            &self,
            subject: &[u8],
            from: usize,
            previous_available: bool,
            scratch: &mut Scratch,
        ) -> Option<Captures> {
            let mut options = RunOptions { begin: from, exact: false, not_null: false, previous_available };
            loop {
                if let Some(captures) = self.run(subject, options, scratch) {
                    return Some(captures);
                }
                if options.begin >= subject.len() {
                    return None;
                }
                options.begin += 1;
                options.previous_available = true;
            }
        }

        /// One depth-first search from `options.begin` (libstdc++'s
        /// `_Executor::_M_dfs` in POSIX mode).
        fn run(&self, subject: &[u8], options: RunOptions, scratch: &mut Scratch) -> Option<Captures> {
            let Scratch { current, repeats, stack } = scratch;
            let mut position = options.begin;
            let mut has_solution = false;
            let mut solution_end: Option<usize> = None;
            let mut results: Option<Vec<SubMatch>> = None;
            stack.clear();
            stack.push(Task::Visit(self.start));
            while let Some(task) = stack.pop() {
                match task {
                    Task::Visit(id) => match &self.states[id as usize] {
                        State::Match(set, next) => {
                            if position < subject.len() && set.contains(subject[position]) {
                                stack.push(Task::SetPosition(position));
                                position += 1;
                                stack.push(Task::Visit(*next));
                            }
                        }
                        State::Alternative { alt, next } => {
                            stack.push(Task::AlternativeNext(*next));
                            stack.push(Task::Visit(*alt));
                        }
                        State::Repeat { alt, next } => {
                            stack.push(Task::RepeatSkip(*next));
                            let count = repeats[id as usize];
                            if count.1 == 0 || count.0 != position {
                                stack.push(Task::RestoreRepeat(id, count));
                                repeats[id as usize] = (position, 1);
                                stack.push(Task::Visit(*alt));
                            } else if count.1 < 2 {
                                repeats[id as usize].1 += 1;
                                stack.push(Task::DecrementRepeat(id));
                                stack.push(Task::Visit(*alt));
                            }
                        }
                        State::SubBegin(group, next) => {
                            stack.push(Task::RestoreFirst(*group, current[*group].first));
                            current[*group].first = position;
                            stack.push(Task::Visit(*next));
                        }
                        State::SubEnd(group, next) => {
                            stack.push(Task::RestoreSub(*group, current[*group]));
                            current[*group].second = position;
                            current[*group].matched = true;
                            stack.push(Task::Visit(*next));
                        }
                        State::LineBegin(next) => {
                            if position == options.begin && !options.previous_available {
                                stack.push(Task::Visit(*next));
                            }
                        }
                        State::LineEnd(next) => {
                            if position == subject.len() {
                                stack.push(Task::Visit(*next));
                            }
                        }
                        State::Accept => {
                            has_solution = !options.exact || position == subject.len();
                            if position == options.begin && options.not_null {
                                has_solution = false;
                            }
                            // POSIX: the longest match wins; among equally long
                            // ones the first found.
                            if has_solution && solution_end.is_none_or(|end| end < position) {
                                solution_end = Some(position);
                                results = Some(current.clone());
                            }
                        }
                    },
                    Task::SetPosition(saved) => position = saved,
                    Task::AlternativeNext(next) => {
                        let saved = has_solution;
                        has_solution = false;
                        stack.push(Task::AlternativeMerge(saved));
                        stack.push(Task::Visit(next));
                    }
                    Task::AlternativeMerge(saved) => has_solution |= saved,
                    Task::RepeatSkip(next) => {
                        if !has_solution {
                            stack.push(Task::Visit(next));
                        }
                    }
                    Task::RestoreRepeat(id, count) => repeats[id as usize] = count,
                    Task::DecrementRepeat(id) => repeats[id as usize].1 -= 1,
                    Task::RestoreFirst(group, first) => current[group].first = first,
                    Task::RestoreSub(group, saved) => current[group] = saved,
                }
            }
            let results = results?;
            Some(results.iter().map(|sub| sub.matched.then_some((sub.first, sub.second))).collect())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn matches(pattern: &str, subject: &str) -> Option<Vec<Option<String>>> {
            let regex = Regex::new(pattern.as_bytes()).expect("pattern compiles");
            regex
                .match_whole(subject.as_bytes())
                .map(|captures| captures[1..].iter().map(|c| c.map(|(s, e)| subject[s..e].to_string())).collect())
        }

        fn split(pattern: &str, subject: &str) -> Vec<(usize, usize)> {
            let regex = Regex::new(pattern.as_bytes()).expect("pattern compiles");
            regex.find_all(subject.as_bytes()).iter().filter_map(|c| c[0]).collect()
        }

        #[test]
        fn grammar_follows_libstdcxx_extended() {
            for invalid in ["\\d", "^*", "a{2,1}", "[a-z-0]", "a{,2}", "(", ")", "*a", "(?:a)", "[]", "a{", "\\"] {
                assert_eq!(Regex::new(invalid.as_bytes()).err(), Some(CompileError::Invalid), "{invalid}");
            }
            for valid in ["a**", "[a-]", "a}", "[]a]", "()", "a|", "[[.hyphen.]]", "[[:ALPHA:]]", "[[=a=]]", ""] {
                assert!(Regex::new(valid.as_bytes()).is_ok(), "{valid}");
            }
        }

        #[test]
        fn matches_like_nix() {
            assert_eq!(matches("a|ab", "ab"), Some(vec![]));
            assert_eq!(matches(".*", "a\nb"), Some(vec![]));
            assert_eq!(matches("(a*)*", "b"), None);
            assert_eq!(
                matches("(a|ab)(c|bcd)(d*)", "abcd"),
                Some(vec![Some("a".into()), Some("bcd".into()), Some("".into())])
            );
            assert_eq!(matches("(a|(b))*", "ba"), Some(vec![Some("a".into()), Some("b".into())]));
            assert_eq!(matches("(a)|b", "b"), Some(vec![None]));
        }

        #[test]
        fn iterates_like_sregex_iterator() {
            assert_eq!(split("a*", "baaac"), vec![(0, 0), (1, 4), (4, 4), (5, 5)]);
            assert_eq!(split("", "ab"), vec![(0, 0), (1, 1), (2, 2)]);
            assert_eq!(split("a|ab", "xabx"), vec![(1, 3)]);
        }
    }
}
