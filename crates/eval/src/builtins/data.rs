//! Data-format builtins: JSON, TOML and XML.
//!
//! `fromJSON` has its own parser because Nix 2.8's error messages are those
//! of the nlohmann JSON library (with its line/column and "last read"
//! conventions) and its number rules differ from serde's.

use crate::rc::Rc;

use syntax::ast::Pos;
use syntax::Symbol;

use super::strings::force_string_no_context;
use crate::error::{error, ErrorKind, Result};
use crate::eval::Evaluator;
use crate::print::json_escaped;
use crate::value::*;

pub(super) const BUILTINS: &[Builtin] = &[
    Builtin { name: "fromJSON", arity: 1, func: from_json },
    Builtin { name: "toJSON", arity: 1, func: to_json },
    Builtin { name: "fromTOML", arity: 1, func: from_toml },
    Builtin { name: "toXML", arity: 1, func: to_xml },
];

/// `builtins.fromJSON s`.
fn from_json(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let text = force_string_no_context(ev, &args[0], pos)?;
    parse_json(&text.text)
        .map_err(|message| error(ErrorKind::Eval, pos, message).with_frame(pos, "while decoding a JSON string"))
}

/// `builtins.toJSON v`: the result carries the context of every string
/// written.
fn to_json(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let mut out = String::new();
    let mut context = Context::new();
    ev.to_json(&args[0], pos, &mut out, &mut context)?;
    // The text grew by doubling: keep an exact copy, not up to twice its
    // size (the allocator does not shrink a block in place by less than
    // half, so `shrink_to_fit` would keep it all).
    if out.capacity() > out.len() {
        out = String::from(out.as_str());
    }
    Ok(Value::string_with_context(out, context))
}

/// `builtins.toXML v`: Nix's XML form without source locations; the result
/// carries the context of every string in the value.
fn to_xml(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let xml = ev.to_xml(&args[0], pos, false, true)?;
    let mut context = Context::new();
    let mut seen = rustc_hash::FxHashSet::default();
    collect_context(&args[0], &mut context, &mut seen);
    Ok(Value::string_with_context(xml, context))
}

/// Gathers the context of the strings inside a value that has been forced
/// already (as `toXML` forces everything it prints).
fn collect_context(value: &Value, context: &mut Context, seen: &mut rustc_hash::FxHashSet<usize>) {
    match value {
        Value::String(s) => context.extend(s.context.iter().cloned()),
        Value::Thunk(thunk) => {
            if let Some(forced) = thunk.value() {
                collect_context(&forced, context, seen);
            }
        }
        Value::List(items) if seen.insert(Rc::as_ptr(items) as usize) => {
            for item in items.iter() {
                collect_context(item, context, seen);
            }
        }
        Value::Attrs(attrs) if seen.insert(Rc::as_ptr(attrs) as usize) => {
            for entry in attrs.entries() {
                collect_context(&entry.value, context, seen);
            }
        }
        _ => {}
    }
}

/// `builtins.fromTOML s`. Dates and times are rejected as in Nix 2.8.
/// Parse errors carry the `toml` crate's wording, not toml11's.
fn from_toml(ev: &Evaluator, args: &[Value], pos: Pos) -> Result<Value> {
    let text = force_string_no_context(ev, &args[0], pos)?;
    let table: toml::Table = text.text.parse().map_err(|e: toml::de::Error| {
        let lines: Vec<&str> = e.message().lines().map(str::trim).filter(|line| !line.is_empty()).collect();
        // The parser says nothing when the input ends early.
        let message = if lines.is_empty() { "expected a value".to_string() } else { lines.join("; ") };
        // Where in the string, as line and column (toml11's messages, which
        // Nix prints, show the line).
        let at = e
            .span()
            .map(|span| {
                let (line, column) = syntax::LineIndex::new(&text.text).line_col(span.start as u32);
                format!(" (line {line}, column {column})")
            })
            .unwrap_or_default();
        error(ErrorKind::Eval, pos, format!("while parsing a TOML string: {message}{at}"))
    })?;
    toml_value(&toml::Value::Table(table))
        .map_err(|message| error(ErrorKind::Eval, pos, format!("while parsing a TOML string: {message}")))
}

fn toml_value(value: &toml::Value) -> std::result::Result<Value, String> {
    Ok(match value {
        toml::Value::String(s) => Value::string(s.as_str()),
        toml::Value::Integer(i) => Value::Int(*i),
        toml::Value::Float(f) => Value::float(*f),
        toml::Value::Boolean(b) => Value::bool(*b),
        toml::Value::Datetime(_) => return Err("Dates and times are not supported".to_string()),
        toml::Value::Array(items) => Value::list(items.iter().map(toml_value).collect::<std::result::Result<_, _>>()?),
        toml::Value::Table(table) => {
            let mut entries = Vec::with_capacity(table.len());
            for (key, item) in table {
                entries.push(AttrEntry { name: Symbol::intern(key), value: toml_value(item)?, pos: Pos::NONE });
            }
            Value::attrs(Attrs::from_unsorted(entries))
        }
    })
}

// ---- JSON ---------------------------------------------------------------------

/// nlohmann's token types, named as its messages name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Uninitialized,
    True,
    False,
    Null,
    String,
    Unsigned,
    Integer,
    Float,
    BeginArray,
    BeginObject,
    EndArray,
    EndObject,
    NameSeparator,
    ValueSeparator,
    ParseError,
    EndOfInput,
    LiteralOrValue,
}

impl Token {
    fn name(self) -> &'static str {
        match self {
            Token::Uninitialized => "<uninitialized>",
            Token::True => "true literal",
            Token::False => "false literal",
            Token::Null => "null literal",
            Token::String => "string literal",
            Token::Unsigned | Token::Integer | Token::Float => "number literal",
            Token::BeginArray => "'['",
            Token::BeginObject => "'{'",
            Token::EndArray => "']'",
            Token::EndObject => "'}'",
            Token::NameSeparator => "':'",
            Token::ValueSeparator => "','",
            Token::ParseError => "<parse error>",
            Token::EndOfInput => "end of input",
            Token::LiteralOrValue => "'[', '{', or a literal",
        }
    }
}

/// A byte-for-byte model of nlohmann's lexer, including how it counts
/// lines and columns and what it remembers as "last read".
struct Lexer<'a> {
    input: &'a [u8],
    next_index: usize,
    current: Option<u8>,
    next_unget: bool,
    chars_read_total: usize,
    chars_read_current_line: usize,
    lines_read: usize,
    token_string: Vec<u8>,
    token_buffer: Vec<u8>,
    error_message: &'static str,
}

impl Lexer<'_> {
    fn get(&mut self) -> Option<u8> {
        self.chars_read_total += 1;
        self.chars_read_current_line += 1;
        if self.next_unget {
            self.next_unget = false;
        } else {
            self.current = self.input.get(self.next_index).copied();
            if self.current.is_some() {
                self.next_index += 1;
            }
        }
        if let Some(c) = self.current {
            self.token_string.push(c);
            if c == b'\n' {
                self.lines_read += 1;
                self.chars_read_current_line = 0;
            }
        }
        self.current
    }

    /// Reads at once the bytes of a string that need no attention (not a
    /// quote, a backslash or a control character), as `get` would one by
    /// one: most of a JSON document's bytes are in such runs.
    fn take_plain_run(&mut self) {
        if self.next_unget {
            return;
        }
        let rest = &self.input[self.next_index.min(self.input.len())..];
        let run = rest.iter().position(|&c| json_escaped(c)).unwrap_or(rest.len());
        if run == 0 {
            return;
        }
        let plain = &rest[..run];
        self.token_buffer.extend_from_slice(plain);
        self.token_string.extend_from_slice(plain);
        self.current = plain.last().copied();
        self.next_index += run;
        // No newline in the run (it is a control character).
        self.chars_read_total += run;
        self.chars_read_current_line += run;
    }

    fn unget(&mut self) {
        self.next_unget = true;
        self.chars_read_total -= 1;
        if self.chars_read_current_line == 0 {
            self.lines_read = self.lines_read.saturating_sub(1);
        } else {
            self.chars_read_current_line -= 1;
        }
        if self.current.is_some() {
            self.token_string.pop();
        }
    }

    fn reset(&mut self) {
        self.token_buffer.clear();
        self.token_string.clear();
        if let Some(c) = self.current {
            self.token_string.push(c);
        }
    }

    fn fail(&mut self, message: &'static str) -> Token {
        self.error_message = message;
        Token::ParseError
    }

    fn scan(&mut self) -> Token {
        if self.chars_read_total == 0 && !self.skip_bom() {
            return self.fail("invalid BOM; must be 0xEF 0xBB 0xBF if given");
        }
        loop {
            self.get();
            if !matches!(self.current, Some(b' ' | b'\t' | b'\n' | b'\r')) {
                break;
            }
        }
        match self.current {
            Some(b'[') => Token::BeginArray,
            Some(b']') => Token::EndArray,
            Some(b'{') => Token::BeginObject,
            Some(b'}') => Token::EndObject,
            Some(b':') => Token::NameSeparator,
            Some(b',') => Token::ValueSeparator,
            Some(b't') => self.scan_literal(b"true", Token::True),
            Some(b'f') => self.scan_literal(b"false", Token::False),
            Some(b'n') => self.scan_literal(b"null", Token::Null),
            Some(b'"') => self.scan_string(),
            Some(b'-' | b'0'..=b'9') => self.scan_number(),
            Some(0) | None => Token::EndOfInput,
            Some(_) => self.fail("invalid literal"),
        }
    }

    fn skip_bom(&mut self) -> bool {
        if self.get() == Some(0xEF) {
            return self.get() == Some(0xBB) && self.get() == Some(0xBF);
        }
        self.unget();
        true
    }

    fn scan_literal(&mut self, literal: &[u8], token: Token) -> Token {
        for &expected in &literal[1..] {
            if self.get() != Some(expected) {
                return self.fail("invalid literal");
            }
        }
        token
    }

    fn hex_codepoint(&mut self) -> Option<u32> {
        let mut codepoint = 0;
        for _ in 0..4 {
            let digit = (self.get()? as char).to_digit(16)?;
            codepoint = codepoint * 16 + digit;
        }
        Some(codepoint)
    }

    fn push_codepoint(&mut self, codepoint: u32) {
        let c = char::from_u32(codepoint).unwrap_or(char::REPLACEMENT_CHARACTER);
        let mut buffer = [0; 4];
        self.token_buffer.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
    }

    fn scan_string(&mut self) -> Token {
        self.reset();
        loop {
            self.take_plain_run();
            let Some(c) = self.get() else {
                return self.fail("invalid string: missing closing quote");
            };
            match c {
                b'"' => return Token::String,
                b'\\' => {
                    let escaped = match self.get() {
                        Some(b'u') => {
                            let Some(first) = self.hex_codepoint() else {
                                return self.fail("invalid string: '\\u' must be followed by 4 hex digits");
                            };
                            let codepoint = if (0xD800..=0xDBFF).contains(&first) {
                                if self.get() == Some(b'\\') && self.get() == Some(b'u') {
                                    let Some(second) = self.hex_codepoint() else {
                                        return self.fail("invalid string: '\\u' must be followed by 4 hex digits");
                                    };
                                    if !(0xDC00..=0xDFFF).contains(&second) {
                                        return self.fail(
                                            "invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF",
                                        );
                                    }
                                    0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                                } else {
                                    return self.fail(
                                        "invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF",
                                    );
                                }
                            } else if (0xDC00..=0xDFFF).contains(&first) {
                                return self
                                    .fail("invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF");
                            } else {
                                first
                            };
                            self.push_codepoint(codepoint);
                            continue;
                        }
                        next => match next.and_then(simple_escape) {
                            Some(escaped) => escaped,
                            None => return self.fail("invalid string: forbidden character after backslash"),
                        },
                    };
                    self.token_buffer.push(escaped);
                }
                0x00..=0x1F => return self.fail(CONTROL_CHARACTER_ERRORS[c as usize]),
                other => self.token_buffer.push(other),
            }
        }
    }

    fn scan_number(&mut self) -> Token {
        self.reset();
        let push = |lexer: &mut Lexer| {
            if let Some(c) = lexer.current {
                lexer.token_buffer.push(c);
            }
        };
        push(self);
        let mut token = if self.current == Some(b'-') { Token::Integer } else { Token::Unsigned };
        // The integer part.
        let first = if self.current == Some(b'-') {
            match self.get() {
                Some(c @ b'0'..=b'9') => {
                    push(self);
                    c
                }
                _ => return self.fail("invalid number; expected digit after '-'"),
            }
        } else {
            self.current.unwrap_or(b'0')
        };
        let mut next = self.get();
        if first != b'0' {
            while let Some(b'0'..=b'9') = next {
                push(self);
                next = self.get();
            }
        }
        if next == Some(b'.') {
            push(self);
            token = Token::Float;
            match self.get() {
                Some(b'0'..=b'9') => push(self),
                _ => return self.fail("invalid number; expected digit after '.'"),
            }
            next = self.get();
            while let Some(b'0'..=b'9') = next {
                push(self);
                next = self.get();
            }
        }
        if matches!(next, Some(b'e' | b'E')) {
            push(self);
            token = Token::Float;
            match self.get() {
                Some(b'+' | b'-') => {
                    push(self);
                    match self.get() {
                        Some(b'0'..=b'9') => push(self),
                        _ => return self.fail("invalid number; expected digit after exponent sign"),
                    }
                }
                Some(b'0'..=b'9') => push(self),
                _ => return self.fail("invalid number; expected '+', '-', or digit after exponent"),
            }
            next = self.get();
            while let Some(b'0'..=b'9') = next {
                push(self);
                next = self.get();
            }
        }
        self.unget();
        token
    }

    /// The "last read" text, control characters shown as `<U+XXXX>`.
    fn token_string(&self) -> String {
        let mut out = Vec::new();
        for &c in &self.token_string {
            if c <= 0x1F {
                out.extend_from_slice(format!("<U+{:04X}>", c).as_bytes());
            } else {
                out.push(c);
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    fn syntax_error(&self, token: Token, context: &str, expected: Token) -> String {
        let mut message = format!(
            "[json.exception.parse_error.101] parse error at line {}, column {}: syntax error while parsing {context} - ",
            self.lines_read + 1,
            self.chars_read_current_line
        );
        if token == Token::ParseError {
            message.push_str(&format!("{}; last read: '{}'", self.error_message, self.token_string()));
        } else {
            message.push_str(&format!("unexpected {}", token.name()));
        }
        if expected != Token::Uninitialized {
            message.push_str(&format!("; expected {}", expected.name()));
        }
        message
    }

    /// The string just scanned; Nix keeps only the part before a NUL.
    fn string_value(&self) -> String {
        String::from_utf8_lossy(self.string_bytes()).into_owned()
    }

    /// The string just scanned as an attribute name (without copying it
    /// when it is valid UTF-8, as it nearly always is).
    fn string_symbol(&self) -> Symbol {
        match std::str::from_utf8(self.string_bytes()) {
            Ok(text) => Symbol::intern(text),
            Err(_) => Symbol::intern(&self.string_value()),
        }
    }

    fn string_bytes(&self) -> &[u8] {
        let end = self.token_buffer.iter().position(|&b| b == 0).unwrap_or(self.token_buffer.len());
        &self.token_buffer[..end]
    }

    fn number_value(&self, token: Token) -> std::result::Result<Value, String> {
        let text = std::str::from_utf8(&self.token_buffer).unwrap_or("");
        number_value(text, token).ok_or_else(|| {
            format!("[json.exception.out_of_range.406] number overflow parsing '{}'", self.token_string())
        })
    }
}

/// The byte a one-character escape (`\n`, `\"`, ...) of a JSON string stands
/// for.
fn simple_escape(escape: u8) -> Option<u8> {
    Some(match escape {
        b'"' | b'\\' | b'/' => escape,
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        _ => return None,
    })
}

/// A number token's value as Nix makes it: an integer when it fits (an
/// unsigned one is stored in the signed integer as is), a float otherwise;
/// `None` when it is not finite.
fn number_value(text: &str, token: Token) -> Option<Value> {
    match token {
        Token::Integer => {
            if let Ok(i) = text.parse::<i64>() {
                return Some(Value::Int(i));
            }
        }
        Token::Unsigned => {
            if let Ok(u) = text.parse::<u64>() {
                return Some(Value::Int(u as i64));
            }
        }
        _ => {}
    }
    let float: f64 = text.parse().unwrap_or(f64::NAN);
    float.is_finite().then(|| Value::float(float))
}

const CONTROL_CHARACTER_ERRORS: [&str; 32] = [
    "invalid string: control character U+0000 (NUL) must be escaped to \\u0000",
    "invalid string: control character U+0001 (SOH) must be escaped to \\u0001",
    "invalid string: control character U+0002 (STX) must be escaped to \\u0002",
    "invalid string: control character U+0003 (ETX) must be escaped to \\u0003",
    "invalid string: control character U+0004 (EOT) must be escaped to \\u0004",
    "invalid string: control character U+0005 (ENQ) must be escaped to \\u0005",
    "invalid string: control character U+0006 (ACK) must be escaped to \\u0006",
    "invalid string: control character U+0007 (BEL) must be escaped to \\u0007",
    "invalid string: control character U+0008 (BS) must be escaped to \\u0008 or \\b",
    "invalid string: control character U+0009 (HT) must be escaped to \\u0009 or \\t",
    "invalid string: control character U+000A (LF) must be escaped to \\u000A or \\n",
    "invalid string: control character U+000B (VT) must be escaped to \\u000B",
    "invalid string: control character U+000C (FF) must be escaped to \\u000C or \\f",
    "invalid string: control character U+000D (CR) must be escaped to \\u000D or \\r",
    "invalid string: control character U+000E (SO) must be escaped to \\u000E",
    "invalid string: control character U+000F (SI) must be escaped to \\u000F",
    "invalid string: control character U+0010 (DLE) must be escaped to \\u0010",
    "invalid string: control character U+0011 (DC1) must be escaped to \\u0011",
    "invalid string: control character U+0012 (DC2) must be escaped to \\u0012",
    "invalid string: control character U+0013 (DC3) must be escaped to \\u0013",
    "invalid string: control character U+0014 (DC4) must be escaped to \\u0014",
    "invalid string: control character U+0015 (NAK) must be escaped to \\u0015",
    "invalid string: control character U+0016 (SYN) must be escaped to \\u0016",
    "invalid string: control character U+0017 (ETB) must be escaped to \\u0017",
    "invalid string: control character U+0018 (CAN) must be escaped to \\u0018",
    "invalid string: control character U+0019 (EM) must be escaped to \\u0019",
    "invalid string: control character U+001A (SUB) must be escaped to \\u001A",
    "invalid string: control character U+001B (ESC) must be escaped to \\u001B",
    "invalid string: control character U+001C (FS) must be escaped to \\u001C",
    "invalid string: control character U+001D (GS) must be escaped to \\u001D",
    "invalid string: control character U+001E (RS) must be escaped to \\u001E",
    "invalid string: control character U+001F (US) must be escaped to \\u001F",
];

/// A container being filled while parsing.
enum Frame {
    Array(Vec<Value>),
    Object(Vec<AttrEntry>, Symbol),
}

fn object_value(mut entries: Vec<AttrEntry>) -> Value {
    // Later duplicates win; `from_unsorted` keeps the first of equal names.
    entries.reverse();
    Value::attrs(Attrs::from_unsorted(entries))
}

/// Parses JSON text as Nix 2.8 does; the error is the exception text Nix
/// prints. Valid documents go through [`FastJson`]; anything it does not
/// take (an error, or a rare form) is parsed again by [`parse_json_exactly`],
/// which models nlohmann's lexer byte by byte for its messages.
fn parse_json(input: &str) -> std::result::Result<Value, String> {
    match FastJson::new(input).document() {
        Some(value) => Ok(value),
        None => parse_json_exactly(input.as_bytes()),
    }
}

/// A parser for valid JSON that keeps none of the lexer's bookkeeping for
/// error messages (line, column, "last read"): `None` as soon as the input
/// is invalid or holds a form it leaves to [`parse_json_exactly`] (a byte
/// order mark, a `\u` escape of a surrogate or of NUL, a number that is not
/// finite, nesting deeper than [`FastJson::MAX_DEPTH`]). What it accepts, it
/// turns into the same value.
struct FastJson<'a> {
    text: &'a str,
    /// `text`'s bytes.
    input: &'a [u8],
    at: usize,
    /// Symbols of recent keys (see [`FastJson::key`]).
    keys: [Option<Symbol>; KEY_CACHE],
}

/// Slots of [`FastJson`]'s cache of key symbols.
const KEY_CACHE: usize = 64;

impl<'a> FastJson<'a> {
    /// Deeper documents are left to the exact parser (whose stack is explicit).
    const MAX_DEPTH: usize = 512;

    fn new(text: &'a str) -> FastJson<'a> {
        FastJson { text, input: text.as_bytes(), at: 0, keys: [None; KEY_CACHE] }
    }

    fn document(&mut self) -> Option<Value> {
        if self.input.first() == Some(&0xEF) {
            return None;
        }
        let value = self.value(0)?;
        self.skip_whitespace();
        // A NUL ends the input for nlohmann.
        matches!(self.input.get(self.at), None | Some(0)).then_some(value)
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.input.get(self.at) {
            self.at += 1;
        }
    }

    /// The next non-blank byte, consumed.
    #[inline]
    fn next(&mut self) -> Option<u8> {
        self.skip_whitespace();
        let c = *self.input.get(self.at)?;
        self.at += 1;
        Some(c)
    }

    fn literal(&mut self, rest: &[u8], value: Value) -> Option<Value> {
        let end = self.at + rest.len();
        (self.input.get(self.at..end)? == rest).then(|| {
            self.at = end;
            value
        })
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > Self::MAX_DEPTH {
            return None;
        }
        Some(match self.next()? {
            b'{' => {
                let mut entries = Vec::new();
                if self.next_is(b'}') {
                    return Some(Value::attrs(Attrs::new()));
                }
                loop {
                    if self.next()? != b'"' {
                        return None;
                    }
                    let name = self.key()?;
                    if self.next()? != b':' {
                        return None;
                    }
                    let value = self.value(depth + 1)?;
                    entries.push(AttrEntry { name, value, pos: Pos::NONE });
                    match self.next()? {
                        b',' => continue,
                        b'}' => break,
                        _ => return None,
                    }
                }
                object_value(entries)
            }
            b'[' => {
                let mut items = Vec::new();
                if self.next_is(b']') {
                    return Some(Value::list(Vec::new()));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    match self.next()? {
                        b',' => continue,
                        b']' => break,
                        _ => return None,
                    }
                }
                // A parsed array lives as long as the value: no spare room.
                Value::list(if items.capacity() == items.len() { items } else { exact_items(items) })
            }
            b'"' => Value::string(self.string()?.into_owned()),
            b't' => self.literal(b"rue", Value::bool(true))?,
            b'f' => self.literal(b"alse", Value::bool(false))?,
            b'n' => self.literal(b"ull", Value::Null)?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return None,
        })
    }

    /// An object's key (its opening quote read) as a symbol. Documents
    /// repeat their keys (every record of an array has the same ones), so
    /// the symbols of recent keys are kept by length and end bytes and
    /// compared before the interner is asked.
    fn key(&mut self) -> Option<Symbol> {
        let key = self.string()?;
        let bytes = key.as_bytes();
        let slot = match bytes {
            [] => 0,
            [first, .., last] => (bytes.len() * 7 + *first as usize * 3 + *last as usize) % KEY_CACHE,
            [only] => (7 + *only as usize * 4) % KEY_CACHE,
        };
        if let Some(symbol) = self.keys[slot] {
            if symbol.as_str() == key {
                return Some(symbol);
            }
        }
        let symbol = Symbol::intern(&key);
        self.keys[slot] = Some(symbol);
        Some(symbol)
    }

    /// Whether the next non-blank byte is `c` (consumed if so).
    #[inline]
    fn next_is(&mut self, c: u8) -> bool {
        self.skip_whitespace();
        let found = self.input.get(self.at) == Some(&c);
        self.at += usize::from(found);
        found
    }

    /// The rest of a string whose opening quote was read: borrowed from the
    /// input when it has no escapes. (Runs between ASCII bytes of the text
    /// are whole characters.)
    fn string(&mut self) -> Option<std::borrow::Cow<'a, str>> {
        let start = self.at;
        let rest = &self.input[start..];
        let run = rest.iter().position(|&c| json_escaped(c))?;
        if rest[run] == b'"' {
            self.at = start + run + 1;
            return Some(std::borrow::Cow::Borrowed(&self.text[start..start + run]));
        }
        let mut bytes = rest[..run].to_vec();
        self.at = start + run;
        loop {
            match *self.input.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return String::from_utf8(bytes).ok().map(std::borrow::Cow::Owned);
                }
                b'\\' => {
                    let escaped = *self.input.get(self.at + 1)?;
                    self.at += 2;
                    match escaped {
                        b'u' => {
                            let hex = self.input.get(self.at..self.at + 4)?;
                            let codepoint = hex
                                .iter()
                                .try_fold(0, |codepoint, &b| Some(codepoint * 16 + (b as char).to_digit(16)?))?;
                            self.at += 4;
                            // NUL cuts the string in Nix; surrogates pair up.
                            let c = char::from_u32(codepoint).filter(|&c| c != '\0')?;
                            bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        }
                        other => bytes.push(simple_escape(other)?),
                    }
                }
                0x00..=0x1F => return None,
                _ => {
                    let rest = &self.input[self.at..];
                    let run = rest.iter().position(|&c| json_escaped(c))?;
                    bytes.extend_from_slice(&rest[..run]);
                    self.at += run;
                }
            }
        }
    }

    /// A number whose first byte was read, with nlohmann's grammar and
    /// the same conversion as the exact parser's ([`number_value`]).
    fn number(&mut self) -> Option<Value> {
        let start = self.at - 1;
        let digits = |parser: &mut Self| {
            let from = parser.at;
            while let Some(b'0'..=b'9') = parser.input.get(parser.at) {
                parser.at += 1;
            }
            parser.at > from
        };
        let negative = self.input[start] == b'-';
        let first = if negative {
            let c = *self.input.get(self.at)?;
            self.at += 1;
            c
        } else {
            self.input[start]
        };
        if !first.is_ascii_digit() {
            return None;
        }
        if first != b'0' {
            digits(self);
        }
        let mut float = false;
        if self.input.get(self.at) == Some(&b'.') {
            self.at += 1;
            float = true;
            if !digits(self) {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.input.get(self.at) {
            self.at += 1;
            float = true;
            if let Some(b'+' | b'-') = self.input.get(self.at) {
                self.at += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        let token = match (float, negative) {
            (true, _) => Token::Float,
            (false, true) => Token::Integer,
            (false, false) => Token::Unsigned,
        };
        number_value(&self.text[start..self.at], token)
    }
}

/// Parses JSON text exactly as Nix 2.8's nlohmann does, errors included.
/// Nesting is handled with an explicit stack, so depth is no limit.
fn parse_json_exactly(input: &[u8]) -> std::result::Result<Value, String> {
    let mut lexer = Lexer {
        input,
        next_index: 0,
        current: None,
        next_unget: false,
        chars_read_total: 0,
        chars_read_current_line: 0,
        lines_read: 0,
        token_string: Vec::new(),
        token_buffer: Vec::new(),
        error_message: "",
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut token = lexer.scan();
    'value: loop {
        let mut value = match token {
            Token::BeginObject => {
                token = lexer.scan();
                if token == Token::EndObject {
                    Value::attrs(Attrs::new())
                } else {
                    if token != Token::String {
                        return Err(lexer.syntax_error(token, "object key", Token::String));
                    }
                    let key = lexer.string_symbol();
                    token = lexer.scan();
                    if token != Token::NameSeparator {
                        return Err(lexer.syntax_error(token, "object separator", Token::NameSeparator));
                    }
                    stack.push(Frame::Object(Vec::new(), key));
                    token = lexer.scan();
                    continue 'value;
                }
            }
            Token::BeginArray => {
                token = lexer.scan();
                if token == Token::EndArray {
                    Value::list(Vec::new())
                } else {
                    stack.push(Frame::Array(Vec::new()));
                    continue 'value;
                }
            }
            Token::True => Value::bool(true),
            Token::False => Value::bool(false),
            Token::Null => Value::Null,
            Token::String => Value::string(lexer.string_value()),
            Token::Integer | Token::Unsigned | Token::Float => lexer.number_value(token)?,
            Token::ParseError => return Err(lexer.syntax_error(token, "value", Token::Uninitialized)),
            _ => return Err(lexer.syntax_error(token, "value", Token::LiteralOrValue)),
        };
        // Attach the finished value to its container, closing containers
        // as their end tokens arrive.
        loop {
            match stack.last_mut() {
                None => {
                    token = lexer.scan();
                    if token != Token::EndOfInput {
                        return Err(lexer.syntax_error(token, "value", Token::EndOfInput));
                    }
                    return Ok(value);
                }
                Some(Frame::Array(items)) => {
                    items.push(value);
                    token = lexer.scan();
                    if token == Token::ValueSeparator {
                        token = lexer.scan();
                        continue 'value;
                    }
                    if token != Token::EndArray {
                        return Err(lexer.syntax_error(token, "array", Token::EndArray));
                    }
                    let Some(Frame::Array(items)) = stack.pop() else { unreachable!() };
                    // A parsed array lives as long as the value: no spare room.
                    let items = if items.capacity() == items.len() { items } else { exact_items(items) };
                    value = Value::list(items);
                }
                Some(Frame::Object(entries, key)) => {
                    entries.push(AttrEntry { name: *key, value, pos: Pos::NONE });
                    token = lexer.scan();
                    if token == Token::ValueSeparator {
                        token = lexer.scan();
                        if token != Token::String {
                            return Err(lexer.syntax_error(token, "object key", Token::String));
                        }
                        *key = lexer.string_symbol();
                        token = lexer.scan();
                        if token != Token::NameSeparator {
                            return Err(lexer.syntax_error(token, "object separator", Token::NameSeparator));
                        }
                        token = lexer.scan();
                        continue 'value;
                    }
                    if token != Token::EndObject {
                        return Err(lexer.syntax_error(token, "object", Token::EndObject));
                    }
                    let Some(Frame::Object(entries, _)) = stack.pop() else { unreachable!() };
                    value = object_value(entries);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_json, parse_json_exactly, FastJson};
    use crate::value::Value;

    fn fast(input: &str) -> Option<Value> {
        FastJson::new(input).document()
    }

    /// The same value, compared structurally (floats by their bits).
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x.get() == y.get(),
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Float(x), Value::Float(y)) => x.get().to_bits() == y.get().to_bits(),
            (Value::String(x), Value::String(y)) => x.text == y.text,
            (Value::List(x), Value::List(y)) => x.len() == y.len() && x.iter().zip(y.iter()).all(|(x, y)| same(x, y)),
            (Value::Attrs(x), Value::Attrs(y)) => {
                let (x, y) = (x.entries(), y.entries());
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| x.name == y.name && same(&x.value, &y.value))
            }
            _ => false,
        }
    }

    #[test]
    fn the_fast_parser_gives_the_exact_parsers_values() {
        let documents = [
            "0",
            "-0",
            "-0.0",
            "1",
            "-1",
            "12345678901234567890",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1.5",
            "1e3",
            "1E+3",
            "2.5e-3",
            "-1.25E-7",
            "true",
            "false",
            "null",
            " \t\r\n 7 \n",
            "\"\"",
            "\"abc\"",
            "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
            "\"\\u00e9\\u4e2d\\u0041\"",
            "\"caf\u{e9} \u{4e2d}\"",
            "[]",
            "{}",
            "[1, [2, [3, []]], {}]",
            "{\"b\": 1, \"a\": [true, null], \"c\": {\"d\": \"e\"}}",
            "{\"a\": 1, \"a\": 2}",
            "{\"x\":1,\"y\":{\"x\":2,\"x\":3}}",
            "[1,2,3]\u{0}trailing",
            // Keys sharing length and end bytes (one slot of the key cache).
            "[{\"abc\": 1, \"axc\": 2}, {\"axc\": 3, \"abc\": 4}, {\"a\": 5, \"\": 6, \"a\\u0062c\": 7}]",
        ];
        for document in documents {
            let fast = fast(document).unwrap_or_else(|| panic!("fast parser gave up on {document:?}"));
            let exact = parse_json_exactly(document.as_bytes()).unwrap_or_else(|e| panic!("{document:?}: {e}"));
            assert!(same(&fast, &exact), "{document:?}");
        }
    }

    #[test]
    fn the_fast_parser_leaves_errors_and_rare_forms_to_the_exact_parser() {
        let documents = [
            "",
            " ",
            "[1,",
            "[1,]",
            "{\"a\" 1}",
            "{1:2}",
            "01",
            "-",
            "1.",
            "1.e",
            "1e",
            "1e400",
            "-1e400",
            "tru",
            "nul",
            "[1 2]",
            "{\"a\":1,}",
            "\"\\ud800\"",
            "\"\\ud83d\\ude00\"",
            "\"\\u0000\"",
            "\"\\x\"",
            "\"a\nb\"",
            "\u{feff}1",
            "1 2",
            "\"unterminated",
            "\"\\u12\"",
            "\"\\u+123\"",
        ];
        for document in documents {
            assert!(fast(document).is_none(), "{document:?}");
        }
        let deep = format!("{}{}", "[".repeat(2000), "]".repeat(2000));
        assert!(fast(&deep).is_none());
        assert!(parse_json(&deep).is_ok());
    }

    fn error_of(input: &str) -> String {
        parse_json(input).err().unwrap_or_default()
    }

    #[test]
    fn json_errors_match_nlohmann() {
        let prefix = "[json.exception.parse_error.101] parse error at ";
        let cases = [
            ("[1,2", "line 1, column 5: syntax error while parsing array - unexpected end of input; expected ']'"),
            ("1 2", "line 1, column 3: syntax error while parsing value - unexpected number literal; expected end of input"),
            ("", "line 1, column 1: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal"),
            ("tru", "line 1, column 4: syntax error while parsing value - invalid literal; last read: 'tru'"),
            ("[1,]", "line 1, column 4: syntax error while parsing value - unexpected ']'; expected '[', '{', or a literal"),
            ("{\"a\" 1}", "line 1, column 6: syntax error while parsing object separator - unexpected number literal; expected ':'"),
            ("{1:2}", "line 1, column 2: syntax error while parsing object key - unexpected number literal; expected string literal"),
            ("\"a\nb\"", "line 2, column 0: syntax error while parsing value - invalid string: control character U+000A (LF) must be escaped to \\u000A or \\n; last read: '\"a<U+000A>'"),
            ("01", "line 1, column 2: syntax error while parsing value - unexpected number literal; expected end of input"),
            ("-", "line 1, column 2: syntax error while parsing value - invalid number; expected digit after '-'; last read: '-'"),
            ("1.e", "line 1, column 3: syntax error while parsing value - invalid number; expected digit after '.'; last read: '1.e'"),
            ("[1\n,\n2x]", "line 3, column 2: syntax error while parsing array - invalid literal; last read: '2x'; expected ']'"),
            ("\"\\ud800\"", "line 1, column 8: syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '\"\\ud800\"'"),
            ("\"\\x\"", "line 1, column 3: syntax error while parsing value - invalid string: forbidden character after backslash; last read: '\"\\x'"),
            ("{\"a\":1,}", "line 1, column 8: syntax error while parsing object key - unexpected '}'; expected string literal"),
            ("{\"a\":1", "line 1, column 7: syntax error while parsing object - unexpected end of input; expected '}'"),
            ("  \n  ", "line 2, column 3: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal"),
        ];
        for (input, expected) in cases {
            assert_eq!(error_of(input), format!("{prefix}{expected}"), "{input:?}");
        }
        assert_eq!(error_of("1e400"), "[json.exception.out_of_range.406] number overflow parsing '1e400'");
    }
}
