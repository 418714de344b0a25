//! Printing values the way `nix-instantiate --eval` does: the Nix syntax
//! form (with `<CODE>`, `<LAMBDA>`, `«repeated»`), JSON and XML.

use rustc_hash::FxHashSet as HashSet;
use std::fmt::Write;

use crate::error::{type_error, Result};
use crate::eval::{Coercion, Evaluator};
use crate::value::*;
use syntax::ast::{Param, Pos};

/// What an XML rendering tracks and how it was asked for.
struct XmlState {
    /// Sets and lists printed already (`<repeated />`).
    seen: HashSet<usize>,
    /// Source positions on attributes and functions (`--no-location` off).
    location: bool,
    /// Force values; without it unevaluated ones print `<unevaluated />`.
    strict: bool,
}

/// Formats a float like C++'s default stream output (`%g`, 6 digits).
pub fn format_float(value: f64) -> String {
    if value.is_nan() {
        return if value.is_sign_negative() { "-nan".into() } else { "nan".into() };
    }
    if value.is_infinite() {
        return if value < 0.0 { "-inf".into() } else { "inf".into() };
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let precision = 6usize;
    if let Some(short) = short_float(value, precision) {
        return short;
    }
    // Round to 6 significant digits first to learn the decimal exponent.
    let scientific = format!("{:.*e}", precision - 1, value);
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if exponent < -4 || exponent >= precision as i32 {
        let mantissa = trim_fraction(mantissa);
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    } else {
        let decimals = (precision as i32 - 1 - exponent).max(0) as usize;
        trim_fraction(&format!("{:.*}", decimals, value)).to_string()
    }
}

/// `format_float` for a value whose shortest round-trip form has at most
/// `precision` significant digits (most floats in configurations: `0.5`,
/// `1.25`, `1e-07`). Rounding such a value to `precision` digits gives
/// exactly those digits (a normal double is within half an ulp of them), so the
/// shortest form is the answer, written in `%g`'s notation; this avoids
/// two exact (and slow) decimal expansions. `None` for the other values.
fn short_float(value: f64, precision: usize) -> Option<String> {
    // A subnormal's ulp is not small next to its sixth digit.
    if !value.is_normal() {
        return None;
    }
    let (sign, digits, exponent) = shortest_digits(value)?;
    let digits = digits.as_str();
    if digits.len() > precision {
        return None;
    }
    let mut out = String::with_capacity(16);
    out.push_str(sign);
    if exponent < -4 || exponent >= precision as i32 {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let sign = if exponent < 0 { '-' } else { '+' };
        let _ = write!(out, "e{sign}{:02}", exponent.abs());
    } else if exponent < 0 {
        // `0.000ddd`: what `{value}` prints for it.
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-exponent - 1) as usize));
        out.push_str(digits);
    } else {
        let whole = exponent as usize + 1;
        if digits.len() <= whole {
            out.push_str(digits);
            out.extend(std::iter::repeat_n('0', whole - digits.len()));
        } else {
            out.push_str(&digits[..whole]);
            out.push('.');
            out.push_str(&digits[whole..]);
        }
    }
    Some(out)
}

/// The shortest digits that read back as `value` (a finite, non-zero
/// float), without leading or trailing zeros, and the decimal exponent of
/// the first: `14999.5` is `("", "149995", 4)`, `-0.00125` is
/// `("-", "125", -3)`. Read from Rust's shortest scientific form
/// (`1.49995e4`), written into a buffer on the stack.
fn shortest_digits(value: f64) -> Option<(&'static str, StackText<24>, i32)> {
    let mut scientific = StackText::<32>::default();
    write!(scientific, "{value:e}").ok()?;
    let (mantissa, exponent) = scientific.as_str().split_once('e')?;
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let mut digits = StackText::<24>::default();
    for c in mantissa.chars().filter(char::is_ascii_digit) {
        digits.push(c)?;
    }
    Some((sign, digits, exponent.parse().ok()?))
}

/// Text of at most `N` bytes on the stack, for formatting a number without
/// allocating; writing more fails.
struct StackText<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Default for StackText<N> {
    fn default() -> Self {
        StackText { bytes: [0; N], len: 0 }
    }
}

impl<const N: usize> StackText<N> {
    fn as_str(&self) -> &str {
        // Only whole `str`s are ever written (`write_str`, `push`).
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }

    fn push(&mut self, c: char) -> Option<()> {
        self.write_char(c).ok()
    }
}

impl<const N: usize> std::fmt::Write for StackText<N> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        let end = self.len + text.len();
        self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?.copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn trim_fraction(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

/// Quotes a string with Nix's escapes.
pub fn quote_string(text: &str, out: &mut String) {
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Whether an attribute name prints without quotes.
pub fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_') {
        return false;
    }
    if name == "if" {
        return false;
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '\'')
}

/// Prints a value in Nix syntax. Unforced thunks print as `<CODE>`; sets and
/// lists met before print as `«repeated»`, as Nix 2.8 does.
pub fn print_value(value: &Value) -> String {
    let mut out = String::new();
    let mut seen = HashSet::default();
    print_into(value, &mut out, &mut seen);
    out
}

fn print_into(value: &Value, out: &mut String, seen: &mut HashSet<usize>) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if b.get() { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&format_float(f.get())),
        Value::String(s) => quote_string(&s.text, out),
        Value::Path(p) => out.push_str(p),
        Value::Attrs(attrs) => {
            if !attrs.is_empty() && !seen.insert(crate::rc::Rc::as_ptr(attrs) as usize) {
                out.push_str("«repeated»");
                return;
            }
            out.push_str("{ ");
            for entry in attrs.entries() {
                let name = entry.name.as_str();
                if is_plain_name(name) {
                    out.push_str(name);
                } else {
                    quote_string(name, out);
                }
                out.push_str(" = ");
                print_into(&entry.value, out, seen);
                out.push_str("; ");
            }
            out.push('}');
        }
        Value::List(items) => {
            // Nix stores lists of up to two items inside the value itself, so
            // a copy of such a value is a different list to its printer; only
            // the same thunk (see below) or a longer list repeats.
            if items.len() > 2 && !seen.insert(crate::rc::Rc::as_ptr(items) as usize) {
                out.push_str("«repeated»");
                return;
            }
            print_list_items(items, out, seen);
        }
        Value::Lambda(_) => out.push_str("<LAMBDA>"),
        Value::PrimOp(_) => out.push_str("<PRIMOP>"),
        Value::PrimOpApp(app) if crate::builtins::modules::shown_as_lambda(app.builtin) => out.push_str("<LAMBDA>"),
        Value::PrimOpApp(_) => out.push_str("<PRIMOP-APP>"),
        Value::Thunk(thunk) => match thunk.value() {
            Some(Value::List(items)) if !items.is_empty() && items.len() <= 2 => {
                if !seen.insert(crate::rc::Rc::as_ptr(thunk) as usize) {
                    out.push_str("«repeated»");
                    return;
                }
                print_list_items(&items, out, seen);
            }
            Some(value) => print_into(&value, out, seen),
            None => out.push_str("<CODE>"),
        },
    }
}

fn print_list_items(items: &[Value], out: &mut String, seen: &mut HashSet<usize>) {
    out.push_str("[ ");
    for item in items.iter() {
        print_into(item, out, seen);
        out.push(' ');
    }
    out.push(']');
}

/// Whether a JSON string writes this byte as an escape (a control
/// character, a quote, a backslash): what reading one looks for too.
#[inline]
pub(crate) fn json_escaped(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Escapes a string for JSON the way Nix does.
pub fn json_string(text: &str, out: &mut String) {
    out.reserve(text.len() + 2);
    out.push('"');
    // Only ASCII characters are escaped, so the text is copied in runs
    // between them (a run ends at an ASCII byte: a character boundary).
    let mut rest = text;
    while let Some(index) = rest.bytes().position(json_escaped) {
        out.push_str(&rest[..index]);
        match rest.as_bytes()[index] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c => {
                let _ = write!(out, "\\u{:04x}", c);
            }
        }
        rest = &rest[index + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

impl Evaluator {
    /// `builtins.toJSON` / `--json`: forces as it goes; collects the string
    /// context of every string written.
    pub fn to_json(&self, value: &Value, pos: Pos, out: &mut String, context: &mut Context) -> Result<()> {
        self.enter_json(value, pos, out, context, 0, true)
    }

    /// `--json` without `--strict`: like Nix 2.8, values not evaluated yet
    /// are an error rather than forced.
    pub fn to_json_lazy(&self, value: &Value, pos: Pos, out: &mut String, context: &mut Context) -> Result<()> {
        self.enter_json(value, pos, out, context, 0, false)
    }

    /// The set `--json` prints as an object member by member: `value`
    /// forced, if it is a set without `__toString` and `outPath` (which
    /// print as strings). Lets a caller print the members itself, with
    /// [`Evaluator::to_json_member`] (as `strata eval` does to split a large
    /// object among worker processes).
    pub fn json_object(&self, value: &Value) -> Result<Option<crate::Rc<Attrs>>> {
        Ok(match self.force(value)? {
            Value::Attrs(attrs)
                if !attrs.contains(self.symbols.to_string) && attrs.get(self.symbols.out_path).is_none() =>
            {
                Some(attrs)
            }
            _ => None,
        })
    }

    /// `"name":value` for a member of a top-level object (see
    /// [`Evaluator::json_object`]), strict, exactly as [`Evaluator::to_json`]
    /// writes it; a failure carries the member's trace frame.
    pub fn to_json_member(&self, entry: &AttrEntry, pos: Pos, out: &mut String, context: &mut Context) -> Result<()> {
        self.json_member(entry, pos, out, context, 1, true)
    }

    fn json_member(
        &self,
        entry: &AttrEntry,
        pos: Pos,
        out: &mut String,
        context: &mut Context,
        depth: usize,
        strict: bool,
    ) -> Result<()> {
        json_string(entry.name.as_str(), out);
        out.push(':');
        // Errors inside name the attribute, as Nix's JSON writer does.
        let inner = if entry.pos.is_none() { pos } else { entry.pos };
        self.enter_json(&entry.value, inner, out, context, depth, strict)
            .map_err(|e| e.with_frame(entry.pos, format!("while evaluating attribute '{}'", entry.name)))
    }

    fn enter_json(
        &self,
        value: &Value,
        pos: Pos,
        out: &mut String,
        context: &mut Context,
        depth: usize,
        strict: bool,
    ) -> Result<()> {
        self.check_stack(pos)?;
        if !strict && depth > 0 {
            if let Value::Thunk(thunk) = value {
                if thunk.value().is_none() {
                    return Err(type_error(pos, "cannot convert a thunk to JSON"));
                }
            }
        }
        if depth > self.options.max_depth {
            return Err(crate::error::error(
                crate::error::ErrorKind::StackOverflow,
                pos,
                "stack overflow (possible infinite recursion)",
            ));
        }
        let value = self.force(value)?;
        match &value {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if b.get() { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(f) => out.push_str(&format_float(f.get())),
            Value::String(s) => {
                json_string(&s.text, out);
                context.extend(s.context.iter().cloned());
            }
            Value::Path(_) => {
                let s = self.coerce_to_string(&value, pos, Coercion::INTERPOLATION)?;
                json_string(&s.text, out);
                context.extend(s.context);
            }
            Value::Attrs(attrs) => {
                if attrs.contains(self.symbols.to_string) {
                    let s = self.coerce_to_string(&value, pos, Coercion::INTERPOLATION)?;
                    json_string(&s.text, out);
                    context.extend(s.context);
                    return Ok(());
                }
                if let Some(out_path) = attrs.get(self.symbols.out_path) {
                    return self.enter_json(out_path, pos, out, context, depth + 1, strict);
                }
                out.push('{');
                for (index, entry) in attrs.entries().iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    // Like Nix's JSON writer, close the object even when a
                    // value fails: the partial output stays well nested.
                    if let Err(e) = self.json_member(entry, pos, out, context, depth + 1, strict) {
                        out.push('}');
                        return Err(e);
                    }
                }
                out.push('}');
            }
            Value::List(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    if let Err(e) = self.enter_json(item, pos, out, context, depth + 1, strict) {
                        out.push(']');
                        return Err(e);
                    }
                }
                out.push(']');
            }
            other => {
                // Nix names a function's own position (its `determinePos`).
                let pos = match other {
                    Value::Lambda(closure) => closure.def.pos,
                    _ => pos,
                };
                return Err(type_error(pos, format!("cannot convert {} to JSON", other.shown())));
            }
        }
        Ok(())
    }

    /// `builtins.toXML` / `--xml`: Nix's XML form, strict.
    pub fn to_xml(&self, value: &Value, pos: Pos, location: bool, strict: bool) -> Result<String> {
        let mut out = String::from("<?xml version='1.0' encoding='utf-8'?>\n<expr>\n");
        let mut state = XmlState { seen: HashSet::default(), location, strict };
        self.xml_value(value, pos, &mut out, 1, &mut state)?;
        out.push_str("</expr>\n");
        Ok(out)
    }

    fn xml_pos_attrs(&self, pos: Pos, state: &XmlState) -> String {
        if !state.location {
            return String::new();
        }
        match self.line_col(pos) {
            Some((file, line, column)) => {
                let file = if file == "«string»" || file == "«stdin»" {
                    self.files.borrow().get(pos.file as usize).map(|f| f.source.to_string()).unwrap_or(file)
                } else {
                    file
                };
                format!(" column=\"{column}\" line=\"{line}\" path=\"{}\"", xml_escape(&file))
            }
            None => String::new(),
        }
    }

    fn xml_value(&self, value: &Value, pos: Pos, out: &mut String, indent: usize, state: &mut XmlState) -> Result<()> {
        self.check_stack(pos)?;
        let pad = "  ".repeat(indent);
        if !state.strict && indent > 1 {
            if let Value::Thunk(thunk) = value {
                if thunk.value().is_none() {
                    let _ = writeln!(out, "{pad}<unevaluated />");
                    return Ok(());
                }
            }
        }
        let value = self.force(value)?;
        match &value {
            Value::Null => {
                let _ = writeln!(out, "{pad}<null />");
            }
            Value::Bool(b) => {
                let _ = writeln!(out, "{pad}<bool value=\"{}\" />", b.get());
            }
            Value::Int(i) => {
                let _ = writeln!(out, "{pad}<int value=\"{i}\" />");
            }
            Value::Float(f) => {
                let _ = writeln!(out, "{pad}<float value=\"{}\" />", format_float(f.get()));
            }
            Value::String(s) => {
                let _ = writeln!(out, "{pad}<string value=\"{}\" />", xml_escape(&s.text));
            }
            Value::Path(p) => {
                let _ = writeln!(out, "{pad}<path value=\"{}\" />", xml_escape(p));
            }
            Value::List(items) => {
                let _ = writeln!(out, "{pad}<list>");
                for item in items.iter() {
                    self.xml_value(item, pos, out, indent + 1, state)?;
                }
                let _ = writeln!(out, "{pad}</list>");
            }
            Value::Attrs(attrs) => {
                if self.is_derivation(attrs)? {
                    let mut header = String::new();
                    if let Some(drv) = attrs.get_str("drvPath") {
                        let drv = self.force_str(drv, pos)?;
                        header.push_str(&format!(" drvPath=\"{}\"", xml_escape(&drv)));
                    }
                    if let Some(out_path) = attrs.get(self.symbols.out_path) {
                        let out_path = self.force_str(out_path, pos)?;
                        header.push_str(&format!(" outPath=\"{}\"", xml_escape(&out_path)));
                    }
                    let _ = writeln!(out, "{pad}<derivation{header}>");
                    if state.seen.insert(crate::rc::Rc::as_ptr(attrs) as usize) {
                        self.xml_attrs(attrs, pos, out, indent + 1, state)?;
                    } else {
                        let _ = writeln!(out, "{pad}  <repeated />");
                    }
                    let _ = writeln!(out, "{pad}</derivation>");
                } else {
                    let _ = writeln!(out, "{pad}<attrs>");
                    self.xml_attrs(attrs, pos, out, indent + 1, state)?;
                    let _ = writeln!(out, "{pad}</attrs>");
                }
            }
            Value::Lambda(closure) => {
                let def = closure.def;
                let _ = writeln!(out, "{pad}<function{}>", self.xml_pos_attrs(def.pos, state));
                match &def.param {
                    Param::Ident(name) => {
                        let _ = writeln!(out, "{pad}  <varpat name=\"{}\" />", xml_escape(name.as_str()));
                    }
                    Param::Pattern { formals, ellipsis, at } => {
                        let mut header = String::new();
                        if *ellipsis {
                            header.push_str(" ellipsis=\"1\"");
                        }
                        if let Some(at) = at {
                            header.push_str(&format!(" name=\"{}\"", xml_escape(at.as_str())));
                        }
                        let _ = writeln!(out, "{pad}  <attrspat{header}>");
                        let mut names: Vec<&str> = formals.iter().map(|f| f.name.as_str()).collect();
                        names.sort();
                        for name in names {
                            let _ = writeln!(out, "{pad}    <attr name=\"{}\" />", xml_escape(name));
                        }
                        let _ = writeln!(out, "{pad}  </attrspat>");
                    }
                }
                let _ = writeln!(out, "{pad}</function>");
            }
            _ => {
                let _ = writeln!(out, "{pad}<unevaluated />");
            }
        }
        Ok(())
    }

    fn xml_attrs(&self, attrs: &Attrs, pos: Pos, out: &mut String, indent: usize, state: &mut XmlState) -> Result<()> {
        let pad = "  ".repeat(indent);
        for entry in attrs.entries() {
            // Nix writes the XML attributes in alphabetical order:
            // column, line, name, path.
            let position = self.xml_pos_attrs(entry.pos, state);
            let name = format!(" name=\"{}\"", xml_escape(entry.name.as_str()));
            let header = match position.find(" path=") {
                Some(split) => format!("{}{name}{}", &position[..split], &position[split..]),
                None => format!("{position}{name}"),
            };
            let _ = writeln!(out, "{pad}<attr{header}>");
            self.xml_value(&entry.value, pos, out, indent + 1, state)?;
            let _ = writeln!(out, "{pad}</attr>");
        }
        Ok(())
    }
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#xA;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_float;

    #[test]
    fn floats_print_like_cpp_streams() {
        let cases = [
            (1.0, "1"),
            (0.1, "0.1"),
            (1e20, "1e+20"),
            (1e-5, "1e-05"),
            (123456789.0, "1.23457e+08"),
            (2.5e6, "2.5e+06"),
            (-0.5, "-0.5"),
            (100000.0, "100000"),
            (1000000.0, "1e+06"),
            (0.000123456789, "0.000123457"),
            (123456.7, "123457"),
            (3e300, "3e+300"),
            (1.5, "1.5"),
            (-2.25e-7, "-2.25e-07"),
            (0.0001, "0.0001"),
            (0.00001234, "1.234e-05"),
            (999999.0, "999999"),
            (9999995.0, "1e+07"),
            (0.3, "0.3"),
            (1.0 / 3.0, "0.333333"),
            (123456.5, "123456"),
            (1e100, "1e+100"),
            (5e-324, "4.94066e-324"),
        ];
        for (value, expected) in cases {
            assert_eq!(format_float(value), expected, "{value}");
        }
    }

    /// `%g` by way of Rust's own shortest forms, as `format_float` wrote it
    /// before it built the decimal form from the digits itself.
    fn reference(value: f64) -> String {
        let scientific = format!("{value:e}");
        let (mantissa, exponent) = scientific.split_once('e').unwrap();
        let exponent: i32 = exponent.parse().unwrap();
        if !value.is_normal() || mantissa.bytes().filter(u8::is_ascii_digit).count() > 6 {
            return format_float(value);
        }
        if exponent < -4 || exponent >= 6 {
            format!("{mantissa}e{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.abs())
        } else {
            format!("{value}")
        }
    }

    #[test]
    fn short_floats_print_as_their_shortest_digits() {
        let mut values = vec![14999.5, 0.001234, 123.456, -0.0001, 1e5, 12345.6, 99999.9, 0.5, -7.0, 1e-4, 9.99999e-5];
        for i in -2000..2000 {
            values.extend([i as f64 * 0.5, i as f64 / 8.0, i as f64 * 1.25e-3, (i as f64).powi(3) / 64.0]);
        }
        for exponent in -12..12 {
            values.extend([10f64.powi(exponent), 1.5 * 10f64.powi(exponent), -2.25 * 10f64.powi(exponent)]);
        }
        for value in values {
            assert_eq!(format_float(value), reference(value), "{value:e}");
        }
    }
}
