//! Lowering of rnix's lossless tree into [`crate::ast::Expr`].
//!
//! The pass works in two steps per attribute set or `let`: first the bindings
//! are collected into a tree (merging `a.b = 1; a.c = 2;` and literal sets
//! written twice, and reporting duplicates with both positions), then the tree
//! is lowered with a scope stack that resolves every variable to a slot.

/// Fx hashing: keys are interned symbols and short names.
type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;

use rnix::ast::{self as rast, AstToken, HasEntry, InterpolPart};
use rnix::SyntaxKind;
use rowan::ast::AstNode;

use crate::ast::*;
use crate::{LineIndex, Symbol};

/// A positioned error found before evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// Byte offset into the source where the error is reported.
    pub offset: u32,
}

/// What `lower` needs to know about the file and its surroundings.
pub struct LowerOptions<'a> {
    /// The file number recorded in every [`Pos`].
    pub file: u32,
    /// The directory relative path literals are resolved against.
    pub base_dir: &'a str,
    /// How the file is named in messages, e.g. `/x/default.nix` or `(string)`.
    pub label: &'a str,
    /// Looks a name up in the base environment (builtins and constants).
    pub globals: &'a dyn Fn(Symbol) -> Option<u32>,
    /// The global holding `builtins.NAME` (every builtin is also a global,
    /// `__NAME` or a top-level name): `builtins.elemAt` in a file where
    /// `builtins` is the base environment's set is lowered to that global,
    /// without a lookup in the set at run time.
    pub builtin: &'a dyn Fn(Symbol) -> Option<u32>,
    /// True when the whole file is evaluated inside a dynamic scope
    /// (`scopedImport`), so unknown names are looked up at run time.
    pub outer_with: bool,
}

/// Maximum nesting of the lowered tree; deeper input is rejected with an error
/// instead of exhausting the stack.
const MAX_DEPTH: u32 = 20_000;

/// Parses and lowers `source`. The returned tree is leaked on purpose: see the
/// module docs of [`crate::ast`].
pub fn lower(source: &str, options: &LowerOptions) -> Result<&'static Expr, Vec<SyntaxError>> {
    if let Some(error) = crate::precheck(source) {
        return Err(vec![error]);
    }
    let parse = rnix::Root::parse(source);
    let mut lowerer =
        Lowerer { options, lines: None, source, scopes: Vec::new(), errors: Vec::new(), depth: 0, idents: Vec::new() };
    if let Some(error) = parse.errors().first() {
        return Err(vec![lowerer.parse_error(error)]);
    }
    lowerer.idents = identifiers(parse.syntax().green());
    if options.outer_with {
        lowerer.scopes.push(Scope::With);
    }
    let root = parse.tree();
    let expr = match root.expr() {
        Some(expr) => lowerer.expr(expr),
        None => {
            lowerer.error(source.len() as u32, "syntax error, unexpected end of file".into());
            Expr::Null
        }
    };
    if !lowerer.errors.is_empty() {
        return Err(lowerer.errors);
    }
    Ok(Box::leak(Box::new(expr)))
}

enum Scope {
    Slots(HashMap<Symbol, u32>),
    With,
}

struct Lowerer<'a> {
    options: &'a LowerOptions<'a>,
    lines: Option<LineIndex>,
    source: &'a str,
    scopes: Vec<Scope>,
    errors: Vec<SyntaxError>,
    depth: u32,
    /// Every identifier token of the file, in order, with its offset: the
    /// identifiers a node mentions are the slice within its text range.
    idents: Vec<(u32, Symbol)>,
}

/// One binding collected from an attribute set or `let`, before lowering.
enum Collected {
    Value(rast::Expr),
    Nested(Collection),
    Inherit(Option<rast::Expr>),
}

#[derive(Default)]
struct Collection {
    recursive: bool,
    entries: Vec<(Symbol, Collected, u32)>,
    index: HashMap<Symbol, usize>,
    dynamics: Vec<(KeyExpr, Collected, u32)>,
}

enum KeyExpr {
    Node(rast::Expr),
    Str(rast::Str),
}

enum AttrName {
    Static(Symbol),
    Dynamic(KeyExpr),
}

impl<'a> Lowerer<'a> {
    fn pos(&self, offset: u32) -> Pos {
        Pos { file: self.options.file, offset }
    }

    fn node_pos(&self, node: &impl AstNode) -> Pos {
        self.pos(node.syntax().text_range().start().into())
    }

    fn error(&mut self, offset: u32, message: String) {
        self.errors.push(SyntaxError { message, offset });
    }

    fn line_col(&mut self, offset: u32) -> (u32, u32) {
        let source = self.source;
        self.lines.get_or_insert_with(|| LineIndex::new(source)).line_col(offset)
    }

    fn parse_error(&mut self, error: &rnix::ParseError) -> SyntaxError {
        use rnix::ParseError as E;
        if let Some(trailing) = self.trailing_slash() {
            return trailing;
        }
        let end = self.source.len() as u32;
        // rnix makes the rest of an unterminated string one error token;
        // Nix's lexer reads it as string content and then meets the end of
        // the file. What closes the string, if that is the error.
        let unterminated = match error {
            E::UnexpectedWanted(SyntaxKind::TOKEN_ERROR, range, _) if u32::from(range.end()) == end => {
                self.open_string(range.start().into())
            }
            _ => None,
        };
        let (offset, what) = match error {
            E::Unexpected(range) => (u32::from(range.start()), self.describe_text(*range)),
            // Text after a complete expression.
            E::UnexpectedExtra(range) => self.after_expression(*range),
            E::UnexpectedWanted(_, range, _) if unterminated.is_some() => {
                let closing = unterminated.unwrap_or_default();
                (u32::from(range.start()), format!("end of file, expecting {closing}"))
            }
            // `./a//b`: Nix's lexer ends the path at the empty segment.
            E::UnexpectedWanted(SyntaxKind::TOKEN_ERROR, range, _)
                if is_path_with_empty_segment(&self.source[*range]) =>
            {
                (u32::from(range.start()), "PATH_END, expecting DOLLAR_CURLY".to_string())
            }
            E::UnexpectedWanted(kind, range, wanted) => {
                let mut what = describe_kind(*kind, &self.source[*range]);
                if let Some(expected) = expecting(wanted, self.previous_token(range.start().into())) {
                    what.push_str(&format!(", expecting {expected}"));
                }
                (u32::from(range.start()), what)
            }
            // `a@{ x }@b: x`: a second binding where the body's ':' belongs.
            E::UnexpectedDoubleBind(range) => (u32::from(range.start()), "'@', expecting ':'".to_string()),
            // Nix places an unexpected end of file where the last lexeme
            // (token, comment or run of whitespace) starts.
            E::UnexpectedEOF | E::UnexpectedEOFWanted(_) => {
                let wanted = match error {
                    E::UnexpectedEOFWanted(wanted) => &wanted[..],
                    _ => &[],
                };
                let mut what = "end of file".to_string();
                let expected = self
                    .open_string(end)
                    .map(String::from)
                    .or_else(|| expecting(wanted, self.previous_token(end)))
                    .or_else(|| self.expected_at_end().map(String::from));
                if let Some(expected) = expected {
                    what.push_str(&format!(", expecting {expected}"));
                }
                (self.last_lexeme_start(), what)
            }
            E::DuplicatedArgs(range, name) => {
                return SyntaxError {
                    message: format!("duplicate formal function argument '{name}'"),
                    offset: range.start().into(),
                }
            }
            E::RecursionLimitExceeded => {
                return SyntaxError {
                    message: "expression nested too deeply (parser recursion limit exceeded)".into(),
                    offset: crate::nesting::deepest_opening(self.source),
                }
            }
            _ => (0, "input".to_string()),
        };
        SyntaxError { message: format!("syntax error, unexpected {what}"), offset }
    }

    /// Nix rejects `/a/b/` with its own message; rnix's tokenizer marks the
    /// whole path as an error token.
    fn trailing_slash(&self) -> Option<SyntaxError> {
        let mut offset = 0u32;
        for (kind, text) in rnix::tokenize(self.source) {
            if kind == SyntaxKind::TOKEN_ERROR && looks_like_path(text) && text.len() > 1 && text.ends_with('/') {
                return Some(SyntaxError { message: "path has a trailing slash".to_string(), offset });
            }
            offset += text.len() as u32;
        }
        None
    }

    /// An error at `range`, after a complete expression. Nix's parser
    /// expects the end of the file there, except after a comparison, whose
    /// operators do not chain (it names nothing then); an unterminated
    /// comment is a `/` and a `*` to Nix's lexer, and a division needs an
    /// operand, not `*`.
    fn after_expression(&self, range: rnix::TextRange) -> (u32, String) {
        use SyntaxKind::*;
        let start = u32::from(range.start());
        if self.source[range].starts_with("/*") {
            return (start + 1, "'*'".to_string());
        }
        let what = self.describe_text(range);
        let first = rnix::tokenize(&self.source[range]).map(|(kind, _)| kind).find(|kind| *kind != TOKEN_WHITESPACE);
        let chains = !matches!(
            first,
            Some(TOKEN_LESS | TOKEN_MORE | TOKEN_LESS_OR_EQ | TOKEN_MORE_OR_EQ | TOKEN_EQUAL | TOKEN_NOT_EQUAL)
        );
        (start, if chains { format!("{what}, expecting end of file") } else { what })
    }

    /// The tokens of the source that start before `offset`.
    fn tokens_before(&self, offset: u32) -> impl Iterator<Item = (SyntaxKind, &'a str)> {
        let mut at = 0u32;
        rnix::tokenize(self.source).take_while(move |(_, text)| {
            let starts = at;
            at += text.len() as u32;
            starts < offset
        })
    }

    /// The last token before `offset` that is not whitespace or a comment.
    fn previous_token(&self, offset: u32) -> Option<SyntaxKind> {
        self.tokens_before(offset)
            .map(|(kind, _)| kind)
            .filter(|kind| !matches!(kind, SyntaxKind::TOKEN_WHITESPACE | SyntaxKind::TOKEN_COMMENT))
            .last()
    }

    /// Where the last lexeme of the source starts (0 for an empty source).
    fn last_lexeme_start(&self) -> u32 {
        let mut offset = 0u32;
        let mut last = 0u32;
        for (_, text) in rnix::tokenize(self.source) {
            last = offset;
            offset += text.len() as u32;
        }
        last
    }

    /// If the text at `offset` is inside a string literal (and not in one
    /// of its `${ }`), what Nix expects to close it: `'"'`, or for an
    /// indented string Bison's list of its tokens.
    fn open_string(&self, offset: u32) -> Option<&'static str> {
        use SyntaxKind::*;
        // Innermost last: a string (true for `''`) or an interpolation.
        let mut open: Vec<Option<bool>> = Vec::new();
        for (kind, text) in self.tokens_before(offset) {
            match kind {
                TOKEN_STRING_START => open.push(Some(text.starts_with("''"))),
                TOKEN_INTERPOL_START => open.push(None),
                TOKEN_STRING_END | TOKEN_INTERPOL_END => {
                    open.pop();
                }
                _ => {}
            }
        }
        match open.last()? {
            Some(true) => Some("IND_STR or DOLLAR_CURLY or IND_STRING_CLOSE"),
            Some(false) => Some("'\"'"),
            None => None,
        }
    }

    /// What the innermost unfinished construct needs at the end of input,
    /// where rnix names nothing and Nix (Bison) names one token: only an
    /// open parenthesis (a `let` or a list could go on in many ways, so
    /// Nix lists nothing for them).
    fn expected_at_end(&self) -> Option<&'static str> {
        use SyntaxKind::*;
        let mut open: Vec<SyntaxKind> = Vec::new();
        for (kind, _) in rnix::tokenize(self.source) {
            match kind {
                TOKEN_L_BRACK | TOKEN_L_PAREN | TOKEN_L_BRACE | TOKEN_INTERPOL_START | TOKEN_LET | TOKEN_IF => {
                    open.push(kind)
                }
                TOKEN_THEN if open.last() == Some(&TOKEN_IF) => {
                    open.pop();
                    open.push(TOKEN_THEN);
                }
                TOKEN_ELSE if open.last() == Some(&TOKEN_THEN) => {
                    open.pop();
                }
                TOKEN_IN if open.last() == Some(&TOKEN_LET) => {
                    open.pop();
                }
                TOKEN_R_BRACK | TOKEN_R_PAREN | TOKEN_R_BRACE | TOKEN_INTERPOL_END => {
                    open.pop();
                }
                _ => {}
            }
        }
        match open.last()? {
            TOKEN_L_PAREN => Some("')'"),
            _ => None,
        }
    }

    fn describe_text(&self, range: rnix::TextRange) -> String {
        let text = &self.source[range];
        let first = rnix::tokenize(text)
            .find(|(kind, _)| !matches!(kind, SyntaxKind::TOKEN_WHITESPACE | SyntaxKind::TOKEN_COMMENT));
        match first {
            Some((kind, token)) => describe_kind(kind, token),
            None => "end of file".to_string(),
        }
    }

    // ---- scopes -------------------------------------------------------------

    fn resolve(&mut self, name: Symbol, offset: u32) -> Var {
        let mut first_with = None;
        for (depth, scope) in self.scopes.iter().rev().enumerate() {
            match scope {
                Scope::Slots(slots) => {
                    if let Some(&slot) = slots.get(&name) {
                        return Var::Local { depth: depth as u32, slot, name };
                    }
                }
                Scope::With => {
                    if first_with.is_none() {
                        first_with = Some(depth as u32);
                    }
                }
            }
        }
        if self.options.outer_with {
            // The outermost scope is the `scopedImport` argument's.
            let root = self.scopes.len() as u32 - 1;
            let global = (self.options.globals)(name);
            let inner_with = first_with.filter(|&depth| depth != root);
            return Var::Scoped { root, global, inner_with, name };
        }
        if let Some(index) = (self.options.globals)(name) {
            return Var::Global { index, name };
        }
        if let Some(depth) = first_with {
            return Var::With { depth, name };
        }
        self.error(offset, format!("undefined variable '{name}'"));
        Var::Global { index: 0, name }
    }

    // ---- expressions --------------------------------------------------------

    fn expr(&mut self, node: rast::Expr) -> Expr {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let offset = node.syntax().text_range().start().into();
            if self.errors.is_empty() {
                self.error(offset, "expression nested too deeply".into());
            }
            self.depth -= 1;
            return Expr::Null;
        }
        let result = self.expr_inner(node);
        self.depth -= 1;
        result
    }

    fn opt_expr(&mut self, node: Option<rast::Expr>, parent_offset: u32) -> Expr {
        match node {
            Some(node) => self.expr(node),
            None => {
                self.error(parent_offset, "syntax error, unexpected end of input".into());
                Expr::Null
            }
        }
    }

    fn expr_inner(&mut self, node: rast::Expr) -> Expr {
        let offset: u32 = node.syntax().text_range().start().into();
        let pos = self.pos(offset);
        match node {
            rast::Expr::Literal(literal) => self.literal(literal),
            rast::Expr::Str(string) => self.string(&string),
            rast::Expr::PathAbs(path) => self.path(path.parts(), false, pos),
            rast::Expr::PathRel(path) => self.path(path.parts(), true, pos),
            rast::Expr::PathHome(path) => {
                let parts = path.parts();
                if parts.len() == 1 {
                    if let InterpolPart::Literal(text) = &parts[0] {
                        let rest = text.syntax().text().trim_start_matches('~');
                        let rest = rest.trim_start_matches('/');
                        return Expr::HomePath(rest.into(), pos);
                    }
                }
                self.error(offset, "interpolation in home paths is not supported".into());
                Expr::Null
            }
            rast::Expr::PathSearch(path) => {
                let text = path.content().map(|c| c.syntax().text().to_string()).unwrap_or_default();
                let name = text.trim_start_matches('<').trim_end_matches('>');
                Expr::SearchPath(name.into(), pos)
            }
            rast::Expr::Ident(ident) => {
                let Some(token) = ident.ident_token() else {
                    let text = ident.syntax().text().to_string();
                    return self.variable(Symbol::intern(&text), offset);
                };
                self.variable(Symbol::intern(token.text()), offset)
            }
            rast::Expr::CurPos(_) => Expr::CurPos(pos),
            rast::Expr::Paren(paren) => self.opt_expr(paren.expr(), offset),
            rast::Expr::Root(root) => self.opt_expr(root.expr(), offset),
            rast::Expr::Apply(apply) => {
                let function = self.opt_expr(apply.lambda(), offset);
                let argument = self.opt_expr(apply.argument(), offset);
                Expr::Apply(Box::new(function), Box::new(argument), pos)
            }
            rast::Expr::Select(select) => {
                let target = self.opt_expr(select.expr(), offset);
                let path = self.attrpath_keys(select.attrpath(), offset);
                let default = select.default_expr().map(|d| Box::new(self.expr(d)));
                // (With an `or` default the selection is kept as written, so
                // that assertion messages show it as Nix does.)
                let builtin = match default {
                    None => self.base_builtin(&target, &path),
                    Some(_) => None,
                };
                match builtin {
                    Some((index, name)) if path.len() == 1 => Expr::Builtin(index, name, pos),
                    Some((index, name)) => {
                        let rest: Box<[AttrKey]> = path.into_vec().into_iter().skip(1).collect();
                        Expr::Select(Box::new(Expr::Builtin(index, name, pos)), rest, default, pos)
                    }
                    None => Expr::Select(Box::new(target), path, default, pos),
                }
            }
            rast::Expr::HasAttr(has) => {
                let target = self.opt_expr(has.expr(), offset);
                let path = self.attrpath_keys(has.attrpath(), offset);
                Expr::HasAttr(Box::new(target), path, pos)
            }
            rast::Expr::Lambda(lambda) => self.lambda(lambda, None),
            rast::Expr::LetIn(let_in) => {
                let collection = self.collect(&let_in, false, true);
                let (def, scope) = self.lower_scope_bindings(collection, pos);
                self.scopes.push(scope);
                let body = self.opt_expr(let_in.body(), offset);
                self.scopes.pop();
                Expr::Let(Box::new(def), Box::new(body))
            }
            rast::Expr::LegacyLet(legacy) => {
                // `let { a = 1; body = a; }` is `rec { ... }.body`.
                let collection = self.collect(&legacy, true, false);
                let def = self.lower_attrs(collection, pos);
                let body = Symbol::intern("body");
                Expr::Select(Box::new(def), Box::new([AttrKey::Static(body)]), None, pos)
            }
            rast::Expr::AttrSet(set) => {
                let recursive = set.rec_token().is_some();
                let collection = self.collect(&set, recursive, false);
                self.lower_attrs(collection, pos)
            }
            rast::Expr::List(list) => {
                let items: Vec<Expr> = list.items().map(|item| self.expr(item)).collect();
                Expr::List(items.into_boxed_slice())
            }
            rast::Expr::BinOp(binop) => {
                let lhs = self.opt_expr(binop.lhs(), offset);
                let rhs = self.opt_expr(binop.rhs(), offset);
                // Nix reports `+` errors at the operand that failed to add
                // (its right-hand side) and all others at the whole expression.
                let op_offset = match (binop.operator(), binop.rhs()) {
                    (Some(rast::BinOpKind::Add), Some(rhs)) => u32::from(rhs.syntax().text_range().start()),
                    _ => offset,
                };
                let op_pos = self.pos(op_offset);
                use rast::BinOpKind as K;
                let op = match binop.operator() {
                    Some(K::Concat) => BinOp::Concat,
                    Some(K::Update) => BinOp::Update,
                    Some(K::Add) => BinOp::Add,
                    Some(K::Sub) => BinOp::Sub,
                    Some(K::Mul) => BinOp::Mul,
                    Some(K::Div) => BinOp::Div,
                    Some(K::And) => BinOp::And,
                    Some(K::Or) => BinOp::Or,
                    Some(K::Implication) => BinOp::Implication,
                    Some(K::Equal) => BinOp::Equal,
                    Some(K::NotEqual) => BinOp::NotEqual,
                    Some(K::Less) => BinOp::Less,
                    Some(K::LessOrEq) => BinOp::LessOrEq,
                    Some(K::More) => BinOp::More,
                    Some(K::MoreOrEq) => BinOp::MoreOrEq,
                    Some(K::PipeRight) => return Expr::Apply(Box::new(rhs), Box::new(lhs), op_pos),
                    Some(K::PipeLeft) => return Expr::Apply(Box::new(lhs), Box::new(rhs), op_pos),
                    None => {
                        self.error(offset, "syntax error, unexpected operator".into());
                        return Expr::Null;
                    }
                };
                Expr::BinOp(op, Box::new(lhs), Box::new(rhs), op_pos)
            }
            rast::Expr::UnaryOp(unary) => {
                let operand = self.opt_expr(unary.expr(), offset);
                match unary.operator() {
                    Some(rast::UnaryOpKind::Invert) => Expr::Not(Box::new(operand), pos),
                    _ => Expr::Negate(Box::new(operand), pos),
                }
            }
            rast::Expr::IfElse(if_else) => {
                let condition = self.opt_expr(if_else.condition(), offset);
                let then = self.opt_expr(if_else.body(), offset);
                let otherwise = self.opt_expr(if_else.else_body(), offset);
                Expr::If(Box::new(condition), Box::new(then), Box::new(otherwise), pos)
            }
            rast::Expr::Assert(assert) => {
                let condition = self.opt_expr(assert.condition(), offset);
                let body = self.opt_expr(assert.body(), offset);
                Expr::Assert(Box::new(condition), Box::new(body), pos)
            }
            rast::Expr::With(with) => {
                let namespace = self.opt_expr(with.namespace(), offset);
                self.scopes.push(Scope::With);
                let body = self.opt_expr(with.body(), offset);
                self.scopes.pop();
                Expr::With(Box::new(namespace), Box::new(body), pos)
            }
            rast::Expr::Error(_) => {
                self.error(offset, "syntax error".into());
                Expr::Null
            }
        }
    }

    fn variable(&mut self, name: Symbol, offset: u32) -> Expr {
        let var = self.resolve(name, offset);
        if let Var::Global { .. } = var {
            // The constants cannot be redefined once resolved to the base
            // environment, so they are folded here.
            match name.as_str() {
                "true" => return Expr::Bool(true),
                "false" => return Expr::Bool(false),
                "null" => return Expr::Null,
                _ => {}
            }
        }
        Expr::Var(var, self.pos(offset))
    }

    fn literal(&mut self, literal: rast::Literal) -> Expr {
        let offset = literal.syntax().text_range().start().into();
        let Some(token) = literal.syntax().first_token() else {
            return Expr::Null;
        };
        let text = token.text();
        match token.kind() {
            SyntaxKind::TOKEN_INTEGER => match text.parse::<i64>() {
                Ok(value) => Expr::Int(value),
                Err(_) => {
                    self.error(offset, format!("invalid integer '{text}'"));
                    Expr::Null
                }
            },
            SyntaxKind::TOKEN_FLOAT => match text.parse::<f64>() {
                Ok(value) => Expr::Float(value),
                Err(_) => {
                    self.error(offset, format!("invalid float '{text}'"));
                    Expr::Null
                }
            },
            SyntaxKind::TOKEN_URI => Expr::Str(StrLit::new(text.into())),
            _ => {
                self.error(offset, "syntax error, unexpected literal".into());
                Expr::Null
            }
        }
    }

    fn string(&mut self, string: &rast::Str) -> Expr {
        let offset: u32 = string.syntax().text_range().start().into();
        let mut parts = Vec::new();
        for part in string.normalized_parts() {
            match part {
                InterpolPart::Literal(text) => {
                    if !text.is_empty() {
                        parts.push(StrPart::Lit(text.into()));
                    }
                }
                InterpolPart::Interpolation(interpolation) => {
                    let start: u32 = interpolation.syntax().text_range().start().into();
                    let expr = self.opt_expr(interpolation.expr(), offset);
                    parts.push(StrPart::Expr(expr, self.pos(start)));
                }
            }
        }
        match parts.len() {
            0 => Expr::Str(StrLit::new("".into())),
            1 if matches!(parts[0], StrPart::Lit(_)) => match parts.pop() {
                Some(StrPart::Lit(text)) => Expr::Str(StrLit::new(text)),
                _ => Expr::Null,
            },
            _ => Expr::Interp(parts.into_boxed_slice(), self.pos(offset)),
        }
    }

    fn path(&mut self, parts: Vec<InterpolPart<rast::PathContent>>, relative: bool, pos: Pos) -> Expr {
        let mut lowered = Vec::new();
        for (index, part) in parts.into_iter().enumerate() {
            match part {
                InterpolPart::Literal(content) => {
                    let text = content.syntax().text();
                    if index == 0 && relative {
                        lowered.push(StrPart::Lit(format!("{}/{}", self.options.base_dir, text).into()));
                    } else {
                        lowered.push(StrPart::Lit(text.into()));
                    }
                }
                InterpolPart::Interpolation(interpolation) => {
                    let start: u32 = interpolation.syntax().text_range().start().into();
                    let expr = self.opt_expr(interpolation.expr(), pos.offset);
                    lowered.push(StrPart::Expr(expr, self.pos(start)));
                }
            }
        }
        if lowered.len() == 1 {
            if let Some(StrPart::Lit(text)) = lowered.first() {
                return Expr::Path(canonicalize_path(text).into());
            }
        }
        Expr::InterpPath(lowered.into_boxed_slice(), pos)
    }

    /// For a selection `builtins.NAME...` where `builtins` is the base
    /// environment's set and NAME a builtin: the global holding it, and NAME.
    fn base_builtin(&self, target: &Expr, path: &[AttrKey]) -> Option<(u32, Symbol)> {
        let (Expr::Var(Var::Global { name, .. }, _), Some(AttrKey::Static(first))) = (target, path.first()) else {
            return None;
        };
        if name.as_str() != "builtins" {
            return None;
        }
        (self.options.builtin)(*first).map(|index| (index, *first))
    }

    /// The identifiers written inside a node, in order (see `idents`).
    fn idents_in(&self, node: &rnix::SyntaxNode) -> impl Iterator<Item = Symbol> + '_ {
        let range = node.text_range();
        let (start, end) = (u32::from(range.start()), u32::from(range.end()));
        let first = self.idents.partition_point(|&(offset, _)| offset < start);
        self.idents[first..].iter().take_while(move |&&(offset, _)| offset < end).map(|&(_, name)| name)
    }

    /// Whether a node's text names any of `names` (conservatively: any
    /// identifier token counts, also attribute names).
    fn mentions_any(&self, node: &rnix::SyntaxNode, names: &HashMap<Symbol, u32>) -> bool {
        self.idents_in(node).any(|name| names.contains_key(&name))
    }

    fn lambda(&mut self, lambda: rast::Lambda, name: Option<Symbol>) -> Expr {
        // Leave out the innermost scopes the lambda never mentions (up to the
        // first `with`, whose names cannot be known): it is lowered, and its
        // closure created, in the scope above them.
        let candidates: Vec<&HashMap<Symbol, u32>> = self
            .scopes
            .iter()
            .rev()
            .map_while(|scope| match scope {
                Scope::Slots(slots) => Some(slots),
                Scope::With => None,
            })
            .collect();
        // The innermost candidate scope the lambda's text names anything of;
        // the scopes inside it are skipped.
        let mut skip = candidates.len();
        if skip > 0 {
            for name in self.idents_in(lambda.syntax()) {
                if let Some(index) = candidates[..skip].iter().position(|slots| slots.contains_key(&name)) {
                    skip = index;
                    if skip == 0 {
                        break;
                    }
                }
            }
        }
        let skipped = self.scopes.split_off(self.scopes.len() - skip);
        let mut lowered = self.lambda_in_scope(lambda, name);
        self.scopes.extend(skipped);
        if let Expr::Lambda(def) = &mut lowered {
            def.skip = skip as u32;
        }
        lowered
    }

    fn lambda_in_scope(&mut self, lambda: rast::Lambda, name: Option<Symbol>) -> Expr {
        let offset: u32 = lambda.syntax().text_range().start().into();
        let pos = self.pos(offset);
        let mut slots = HashMap::default();
        let param = match lambda.param() {
            Some(rast::Param::IdentParam(ident)) => {
                let name = ident_symbol(ident.ident());
                slots.insert(name, 0);
                Param::Ident(name)
            }
            Some(rast::Param::Pattern(pattern)) => {
                let entries: Vec<rast::PatEntry> = pattern.pat_entries().collect();
                let at = pattern.pat_bind().map(|bind| ident_symbol(bind.ident()));
                for (slot, entry) in entries.iter().enumerate() {
                    let name = ident_symbol(entry.ident());
                    if slots.insert(name, slot as u32).is_some() {
                        let offset = entry.syntax().text_range().start().into();
                        self.error(offset, format!("duplicate formal function argument '{name}'"));
                    }
                }
                if let Some(at) = at {
                    if slots.contains_key(&at) {
                        let offset = pattern.syntax().text_range().start().into();
                        self.error(offset, format!("duplicate formal function argument '{at}'"));
                    }
                    slots.insert(at, entries.len() as u32);
                }
                let formals: Vec<Formal> = entries
                    .into_iter()
                    .map(|entry| {
                        let default_node = entry.default();
                        let in_parent = default_node.as_ref().is_some_and(|d| !self.mentions_any(d.syntax(), &slots));
                        let default = match default_node {
                            Some(d) if in_parent => Some(self.expr(d)),
                            Some(d) => {
                                self.scopes.push(Scope::Slots(slots.clone()));
                                let lowered = self.expr(d);
                                self.scopes.pop();
                                Some(lowered)
                            }
                            None => None,
                        };
                        Formal {
                            name: ident_symbol(entry.ident()),
                            pos: self.node_pos(&entry),
                            default,
                            default_in_parent: in_parent,
                        }
                    })
                    .collect();
                self.scopes.push(Scope::Slots(slots));
                let body = self.opt_expr(lambda.body(), offset);
                self.scopes.pop();
                let param = Param::Pattern {
                    formals: formals.into_boxed_slice(),
                    ellipsis: pattern.ellipsis_token().is_some(),
                    at,
                };
                return Expr::Lambda(Box::new(LambdaDef::new(name, pos, param, body)));
            }
            None => {
                self.error(offset, "syntax error, unexpected ':'".into());
                return Expr::Null;
            }
        };
        self.scopes.push(Scope::Slots(slots));
        let body = self.opt_expr(lambda.body(), offset);
        self.scopes.pop();
        Expr::Lambda(Box::new(LambdaDef::new(name, pos, param, body)))
    }

    // ---- attribute sets -----------------------------------------------------

    fn attr_name(&mut self, attr: rast::Attr) -> AttrName {
        match attr {
            rast::Attr::Ident(ident) => AttrName::Static(ident_symbol(Some(ident))),
            rast::Attr::Str(string) => match static_string(&string) {
                Some(text) => AttrName::Static(Symbol::intern(&text)),
                None => AttrName::Dynamic(KeyExpr::Str(string)),
            },
            rast::Attr::Dynamic(dynamic) => match dynamic.expr() {
                Some(rast::Expr::Str(string)) => match static_string(&string) {
                    Some(text) => AttrName::Static(Symbol::intern(&text)),
                    None => AttrName::Dynamic(KeyExpr::Str(string)),
                },
                Some(expr) => AttrName::Dynamic(KeyExpr::Node(expr)),
                None => AttrName::Static(Symbol::intern("")),
            },
        }
    }

    fn attrpath_keys(&mut self, path: Option<rast::Attrpath>, offset: u32) -> Box<[AttrKey]> {
        let Some(path) = path else {
            self.error(offset, "syntax error, missing attribute path".into());
            return Box::new([]);
        };
        let attrs: Vec<rast::Attr> = path.attrs().collect();
        attrs
            .into_iter()
            .map(|attr| match self.attr_name(attr) {
                AttrName::Static(name) => AttrKey::Static(name),
                AttrName::Dynamic(key) => AttrKey::Dynamic(self.key_expr(key)),
            })
            .collect()
    }

    fn key_expr(&mut self, key: KeyExpr) -> Expr {
        match key {
            KeyExpr::Node(node) => self.expr(node),
            KeyExpr::Str(string) => self.string(&string),
        }
    }

    fn describe_path(path: &[Symbol]) -> String {
        path.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(".")
    }

    fn duplicate(&mut self, path: &[Symbol], offset: u32, previous: u32) {
        let (line, column) = self.line_col(previous);
        let label = self.options.label.to_string();
        self.error(
            offset,
            format!("attribute '{}' already defined at {label}:{line}:{column}", Self::describe_path(path)),
        );
    }

    /// Collects the bindings of a set or `let` into a tree.
    fn collect(&mut self, node: &impl HasEntry, recursive: bool, is_let: bool) -> Collection {
        let mut collection = Collection { recursive, ..Collection::default() };
        for entry in node.entries() {
            match entry {
                rast::Entry::Inherit(inherit) => {
                    let from = inherit.from().and_then(|f| f.expr());
                    // Nix places inherited attributes just after `inherit`.
                    let inherit_end: Option<u32> = inherit.inherit_token().map(|t| t.text_range().end().into());
                    for attr in inherit.attrs() {
                        let offset: u32 = inherit_end.unwrap_or_else(|| attr.syntax().text_range().start().into());
                        match self.attr_name(attr) {
                            AttrName::Static(name) => {
                                let value = Collected::Inherit(from.clone());
                                if let Some(&index) = collection.index.get(&name) {
                                    let previous = collection.entries[index].2;
                                    self.duplicate(&[name], offset, previous);
                                } else {
                                    collection.index.insert(name, collection.entries.len());
                                    collection.entries.push((name, value, offset));
                                }
                            }
                            AttrName::Dynamic(_) => {
                                self.error(offset, "dynamic attributes not allowed in inherit".into());
                            }
                        }
                    }
                }
                rast::Entry::AttrpathValue(binding) => {
                    let offset: u32 = binding.syntax().text_range().start().into();
                    let Some(path) = binding.attrpath() else {
                        self.error(offset, "syntax error, missing attribute path".into());
                        continue;
                    };
                    // Every attribute an attribute path defines is at the
                    // start of the path, as Nix places them
                    // (`unsafeGetAttrPos`, "already defined at").
                    let names: Vec<(AttrName, u32)> = path.attrs().map(|attr| (self.attr_name(attr), offset)).collect();
                    let Some(value) = binding.value() else {
                        self.error(offset, "syntax error, missing value".into());
                        continue;
                    };
                    if is_let && names.iter().any(|(name, _)| matches!(name, AttrName::Dynamic(_))) {
                        // Nix places this error at the `let`.
                        self.error(
                            node.syntax().text_range().start().into(),
                            "dynamic attributes not allowed in let".into(),
                        );
                        continue;
                    }
                    let mut path_so_far = Vec::new();
                    self.insert(&mut collection, names, value, &mut path_so_far);
                }
            }
        }
        collection
    }

    fn insert(
        &mut self,
        collection: &mut Collection,
        mut names: Vec<(AttrName, u32)>,
        value: rast::Expr,
        path_so_far: &mut Vec<Symbol>,
    ) {
        if names.is_empty() {
            return;
        }
        let (first, offset) = names.remove(0);
        match first {
            AttrName::Dynamic(key) => {
                let collected = if names.is_empty() {
                    Collected::Value(value)
                } else {
                    let mut nested = Collection::default();
                    self.insert(&mut nested, names, value, &mut Vec::new());
                    Collected::Nested(nested)
                };
                collection.dynamics.push((key, collected, offset));
            }
            AttrName::Static(name) => {
                path_so_far.push(name);
                match collection.index.get(&name).copied() {
                    None => {
                        let collected = if names.is_empty() {
                            Collected::Value(value)
                        } else {
                            let mut nested = Collection::default();
                            self.insert(&mut nested, names, value, path_so_far);
                            Collected::Nested(nested)
                        };
                        collection.index.insert(name, collection.entries.len());
                        collection.entries.push((name, collected, offset));
                    }
                    Some(index) => {
                        let previous = collection.entries[index].2;
                        // An existing literal set becomes a nested collection
                        // so that both definitions merge.
                        if let Collected::Value(rast::Expr::AttrSet(set)) = &collection.entries[index].1 {
                            let set = set.clone();
                            let nested = self.collect(&set, set.rec_token().is_some(), false);
                            collection.entries[index].1 = Collected::Nested(nested);
                        }
                        if names.is_empty() {
                            // `a = { ... }` after `a.b = ...`: merge the literal's entries.
                            let mergeable = matches!(collection.entries[index].1, Collected::Nested(_));
                            if let (true, rast::Expr::AttrSet(set)) = (mergeable, &value) {
                                let incoming = self.collect(set, set.rec_token().is_some(), false);
                                let mut taken =
                                    std::mem::replace(&mut collection.entries[index].1, Collected::Inherit(None));
                                if let Collected::Nested(existing) = &mut taken {
                                    self.merge(existing, incoming, path_so_far);
                                }
                                collection.entries[index].1 = taken;
                            } else {
                                self.duplicate(path_so_far, offset, previous);
                            }
                        } else if let Collected::Nested(_) = collection.entries[index].1 {
                            let mut taken =
                                std::mem::replace(&mut collection.entries[index].1, Collected::Inherit(None));
                            if let Collected::Nested(existing) = &mut taken {
                                self.insert(existing, names, value, path_so_far);
                            }
                            collection.entries[index].1 = taken;
                        } else {
                            self.duplicate(path_so_far, offset, previous);
                        }
                    }
                }
                path_so_far.pop();
            }
        }
    }

    fn merge(&mut self, existing: &mut Collection, incoming: Collection, path: &mut Vec<Symbol>) {
        for (name, collected, offset) in incoming.entries {
            if let Some(&index) = existing.index.get(&name) {
                let previous = existing.entries[index].2;
                path.push(name);
                self.duplicate(path, offset, previous);
                path.pop();
            } else {
                existing.index.insert(name, existing.entries.len());
                existing.entries.push((name, collected, offset));
            }
        }
        existing.dynamics.extend(incoming.dynamics);
    }

    /// Lowers a set; `rec` sets open a scope for their own values.
    fn lower_attrs(&mut self, collection: Collection, pos: Pos) -> Expr {
        if collection.recursive {
            let (def, _scope) = self.lower_scope_bindings(collection, pos);
            Expr::Attrs(Box::new(def))
        } else {
            let def = self.lower_plain_bindings(collection, pos);
            Expr::Attrs(Box::new(def))
        }
    }

    fn lower_plain_bindings(&mut self, collection: Collection, pos: Pos) -> AttrsDef {
        let mut entries: Vec<AttrEntry> = Vec::with_capacity(collection.entries.len());
        for (name, collected, offset) in collection.entries {
            let value = self.lower_collected(collected, name, offset);
            entries.push(AttrEntry { name, value, kind: EntryKind::Plain, pos: self.pos(offset) });
        }
        entries.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
        let dynamics = self.lower_dynamics(collection.dynamics);
        AttrsDef::new(false, entries.into_boxed_slice(), dynamics, pos)
    }

    /// Lowers the bindings of a `let` or `rec` set: the returned scope must be
    /// pushed by the caller for the body (`let`); for `rec` the values are
    /// already lowered inside it.
    fn lower_scope_bindings(&mut self, collection: Collection, pos: Pos) -> (AttrsDef, Scope) {
        let mut order: Vec<usize> = (0..collection.entries.len()).collect();
        order.sort_by(|&a, &b| collection.entries[a].0.as_str().cmp(collection.entries[b].0.as_str()));
        let mut slots = HashMap::default();
        for (slot, &index) in order.iter().enumerate() {
            slots.insert(collection.entries[index].0, slot as u32);
        }
        // Plain `inherit x;` is resolved in the enclosing scope.
        let mut entries: Vec<Option<AttrEntry>> = Vec::new();
        let mut pending = Vec::new();
        for (name, collected, offset) in collection.entries {
            if let Collected::Inherit(None) = collected {
                let value = self.variable(name, offset);
                entries.push(Some(AttrEntry { name, value, kind: EntryKind::Inherited, pos: self.pos(offset) }));
                pending.push(None);
            } else {
                entries.push(None);
                pending.push(Some((name, collected, offset)));
            }
        }
        // Bindings that mention none of the scope's names are lowered in the
        // enclosing scope (see `EntryKind::Outer`).
        for (index, item) in pending.iter_mut().enumerate() {
            let outer = match item {
                Some((_, Collected::Value(expr), _)) => !self.mentions_any(expr.syntax(), &slots),
                Some((_, Collected::Inherit(Some(from)), _)) => !self.mentions_any(from.syntax(), &slots),
                _ => false,
            };
            if outer {
                if let Some((name, collected, offset)) = item.take() {
                    let value = self.lower_collected(collected, name, offset);
                    entries[index] = Some(AttrEntry { name, value, kind: EntryKind::Outer, pos: self.pos(offset) });
                }
            }
        }
        self.scopes.push(Scope::Slots(slots));
        for (index, item) in pending.into_iter().enumerate() {
            if let Some((name, collected, offset)) = item {
                let value = self.lower_collected(collected, name, offset);
                entries[index] = Some(AttrEntry { name, value, kind: EntryKind::Plain, pos: self.pos(offset) });
            }
        }
        let dynamics = self.lower_dynamics(collection.dynamics);
        let scope = self.scopes.pop().unwrap_or(Scope::With);
        let mut entries: Vec<AttrEntry> = entries.into_iter().flatten().collect();
        entries.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
        (AttrsDef::new(true, entries.into_boxed_slice(), dynamics, pos), scope)
    }

    fn lower_dynamics(&mut self, dynamics: Vec<(KeyExpr, Collected, u32)>) -> Box<[DynamicEntry]> {
        dynamics
            .into_iter()
            .map(|(key, collected, offset)| {
                let key = self.key_expr(key);
                let value = self.lower_collected(collected, Symbol::intern(""), offset);
                DynamicEntry { key, value, pos: self.pos(offset) }
            })
            .collect()
    }

    fn lower_collected(&mut self, collected: Collected, name: Symbol, offset: u32) -> Expr {
        match collected {
            Collected::Value(rast::Expr::Lambda(lambda)) => self.lambda(lambda, Some(name)),
            Collected::Value(expr) => self.expr(expr),
            Collected::Nested(nested) => {
                let pos = self.pos(offset);
                self.lower_attrs(nested, pos)
            }
            Collected::Inherit(Some(from)) => {
                let source = self.expr(from);
                Expr::Select(Box::new(source), Box::new([AttrKey::Static(name)]), None, self.pos(offset))
            }
            Collected::Inherit(None) => self.variable(name, offset),
        }
    }
}

/// Every identifier token under a tree, in order, with its offset. Walks the
/// immutable (green) tree, which costs a fraction of walking syntax nodes.
fn identifiers(root: &rowan::GreenNodeData) -> Vec<(u32, Symbol)> {
    let ident = <rnix::NixLanguage as rowan::Language>::kind_to_raw(SyntaxKind::TOKEN_IDENT);
    let mut found = Vec::new();
    let mut offset = 0u32;
    let mut stack = vec![root.children()];
    while let Some(children) = stack.last_mut() {
        match children.next() {
            Some(rowan::NodeOrToken::Node(node)) => stack.push(node.children()),
            Some(rowan::NodeOrToken::Token(token)) => {
                if token.kind() == ident {
                    found.push((offset, Symbol::intern(token.text())));
                }
                offset += u32::from(token.text_len());
            }
            None => {
                stack.pop();
            }
        }
    }
    found
}

fn ident_symbol(ident: Option<rast::Ident>) -> Symbol {
    match ident {
        Some(ident) => match ident.ident_token() {
            Some(token) => Symbol::intern(token.text()),
            // `or` used as a name is a keyword token.
            None => Symbol::intern(&ident.syntax().text().to_string()),
        },
        None => Symbol::intern(""),
    }
}

fn static_string(string: &rast::Str) -> Option<String> {
    let mut text = String::new();
    for part in string.normalized_parts() {
        match part {
            InterpolPart::Literal(literal) => text.push_str(&literal),
            InterpolPart::Interpolation(_) => return None,
        }
    }
    Some(text)
}

fn describe_kind(kind: SyntaxKind, text: &str) -> String {
    use SyntaxKind::*;
    match kind {
        TOKEN_IDENT => "ID".into(),
        TOKEN_INTEGER => "INT".into(),
        TOKEN_FLOAT => "FLOAT".into(),
        TOKEN_PATH_ABS | TOKEN_PATH_REL | TOKEN_PATH_HOME => "PATH".into(),
        TOKEN_PATH_SEARCH => "SPATH".into(),
        TOKEN_URI => "URI".into(),
        TOKEN_STRING_START | TOKEN_STRING_END | TOKEN_STRING_CONTENT => "'\"'".into(),
        TOKEN_INTERPOL_START => "DOLLAR_CURLY".into(),
        TOKEN_IF => "IF".into(),
        TOKEN_THEN => "THEN".into(),
        TOKEN_ELSE => "ELSE".into(),
        TOKEN_ASSERT => "ASSERT".into(),
        TOKEN_WITH => "WITH".into(),
        TOKEN_LET => "LET".into(),
        TOKEN_IN => "IN".into(),
        TOKEN_REC => "REC".into(),
        TOKEN_INHERIT => "INHERIT".into(),
        TOKEN_OR => "OR_KW".into(),
        TOKEN_ELLIPSIS => "ELLIPSIS".into(),
        TOKEN_EQUAL => "EQ".into(),
        TOKEN_NOT_EQUAL => "NEQ".into(),
        TOKEN_LESS_OR_EQ => "LEQ".into(),
        TOKEN_MORE_OR_EQ => "GEQ".into(),
        TOKEN_AND_AND => "AND".into(),
        TOKEN_OR_OR => "OR".into(),
        TOKEN_IMPLICATION => "IMPL".into(),
        TOKEN_UPDATE => "UPDATE".into(),
        TOKEN_CONCAT => "CONCAT".into(),
        TOKEN_R_BRACK => "']'".into(),
        TOKEN_L_BRACK => "'['".into(),
        TOKEN_R_PAREN => "')'".into(),
        TOKEN_L_PAREN => "'('".into(),
        TOKEN_R_BRACE => "'}'".into(),
        TOKEN_L_BRACE => "'{'".into(),
        TOKEN_SEMICOLON => "';'".into(),
        TOKEN_COLON => "':'".into(),
        TOKEN_ASSIGN => "'='".into(),
        TOKEN_COMMA => "','".into(),
        TOKEN_DOT => "'.'".into(),
        TOKEN_INTERPOL_END => "'}'".into(),
        TOKEN_AT => "'@'".into(),
        TOKEN_QUESTION => "'?'".into(),
        _ if text.is_empty() => "end of file".into(),
        // Characters no rule of Nix's grammar uses.
        _ if text.starts_with(['~', '`', '$', '%', '^', '&', '|', '\\']) => "invalid token".into(),
        _ => format!("'{}'", text.chars().next().unwrap_or(' ')),
    }
}

/// What Nix's parser names as expected, from what rnix wanted (after the
/// `previous` token): one token, or an attribute name after `.` or `?` (at
/// the start of a binding Nix could also take `inherit` or `}`, too many to
/// name).
fn expecting(wanted: &[SyntaxKind], previous: Option<SyntaxKind>) -> Option<String> {
    use SyntaxKind::*;
    match wanted {
        [only] => Some(describe_kind(*only, "")),
        _ if wanted.contains(&TOKEN_IDENT)
            && wanted.contains(&TOKEN_OR)
            && wanted.len() == 3
            && matches!(previous, Some(TOKEN_DOT | TOKEN_QUESTION)) =>
        {
            Some("ID or OR_KW or DOLLAR_CURLY or '\"'".to_string())
        }
        _ => None,
    }
}

/// Whether `text` (an error token) starts the way a path literal does.
fn looks_like_path(text: &str) -> bool {
    text.starts_with('/') || text.starts_with("./") || text.starts_with("~/") || text.starts_with("../")
}

/// Whether `text` is a path literal with an empty segment (`./a//b`).
fn is_path_with_empty_segment(text: &str) -> bool {
    looks_like_path(text) && text.contains("//") && !text.contains(char::is_whitespace)
}

/// Canonicalizes an absolute path the way Nix does for path literals: removes
/// `.` and empty components and resolves `..` textually (no symlinks).
pub fn canonicalize_path(path: &str) -> String {
    let mut components: Vec<&str> = Vec::new();
    for component in path.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                components.pop();
            }
            other => components.push(other),
        }
    }
    if components.is_empty() {
        return "/".to_string();
    }
    let mut result = String::with_capacity(path.len());
    for component in components {
        result.push('/');
        result.push_str(component);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lowers `source` with no base environment.
    fn lower_plain(source: &str) -> Result<&'static Expr, Vec<SyntaxError>> {
        let no_globals = |_: Symbol| None;
        let options = LowerOptions {
            file: 0,
            base_dir: "/base",
            label: "(string)",
            globals: &no_globals,
            builtin: &no_globals,
            outer_with: false,
        };
        lower(source, &options)
    }

    fn check_error(source: &str, expected: &str) {
        let errors = lower_plain(source).err().unwrap_or_default();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains(expected)), "{source}: {messages:?}");
    }

    #[test]
    fn rejects_what_nix_rejects() {
        check_error("[ /foo/bar/ ]", "path has a trailing slash");
        check_error("{ a = 1; a = 2; }", "attribute 'a' already defined at (string):1:3");
        check_error("{ a.b = 1; a.b = 2; }", "attribute 'a.b' already defined");
        check_error("{ a = { b = 1; }; a.b = 2; }", "attribute 'a.b' already defined");
        check_error("{ x, x }: x", "duplicate formal function argument 'x'");
        check_error("undefinedThing", "undefined variable 'undefinedThing'");
        check_error("99999999999999999999", "invalid integer '99999999999999999999'");
        check_error("let ${\"a\"} = 1; ${x} = 2; in 1", "dynamic attributes not allowed in let");
        check_error("1 +", "syntax error");
    }

    #[test]
    fn merges_nested_definitions() {
        assert!(lower_plain("{ a.b = 1; a.c = 2; a = { d = 3; }; }").is_ok());
        assert!(lower_plain("{ a = { b = 1; }; a.c = 2; }").is_ok());
    }

    #[test]
    fn canonicalizes_paths() {
        assert_eq!(canonicalize_path("/a/./b/../c//d"), "/a/c/d");
        assert_eq!(canonicalize_path("/.."), "/");
    }
}
