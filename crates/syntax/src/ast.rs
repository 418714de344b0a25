//! The lowered expression tree the evaluator runs.
//!
//! Unlike rnix's lossless tree this one has no trivia, resolved variables,
//! merged nested attribute paths and canonical literal values. Lowered trees
//! are leaked (`&'static`): a file is parsed once per process and its code is
//! referenced by every closure and thunk created from it.

use crate::Symbol;

/// A source position: a file number (assigned by the caller of `lower`) and a
/// byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Pos {
    pub file: u32,
    pub offset: u32,
}

impl Pos {
    /// The position used for values that come from no source text.
    pub const NONE: Pos = Pos { file: u32::MAX, offset: 0 };

    pub fn is_none(self) -> bool {
        self.file == u32::MAX
    }
}

/// An address the evaluator keeps with a name or a literal for the rest of
/// the process (their shared string value, see `eval`'s `kept_string`),
/// null until set. A pointer, not an integer, so that it keeps its
/// provenance. A `Cell`: what holds one belongs to the thread that made
/// it, and this makes it neither `Send` nor `Sync`, so none can leave it.
#[derive(Debug)]
pub struct Kept(std::cell::Cell<*const ()>);

impl Kept {
    pub const fn new() -> Kept {
        Kept(std::cell::Cell::new(std::ptr::null()))
    }

    /// The address kept, null if none.
    #[inline(always)]
    pub fn get(&self) -> *const () {
        self.0.get()
    }

    pub fn set(&self, address: *const ()) {
        self.0.set(address)
    }
}

impl Default for Kept {
    fn default() -> Kept {
        Kept::new()
    }
}

/// A string literal's text, and its string value once the evaluator made
/// one ([`Kept`], as long as the tree: evaluating the literal again reads
/// it there instead of looking it up).
#[derive(Debug)]
pub struct StrLit {
    text: Box<str>,
    pub kept: Kept,
}

impl StrLit {
    pub fn new(text: Box<str>) -> StrLit {
        StrLit { text, kept: Kept::new() }
    }
}

impl std::ops::Deref for StrLit {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

#[derive(Debug)]
pub enum Expr {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A string without interpolation.
    Str(StrLit),
    /// A string with interpolation; parts are concatenated with coercion.
    Interp(Box<[StrPart]>, Pos),
    /// An absolute path literal, already canonical.
    Path(Box<str>),
    /// `~/rest`: resolved against `$HOME` at evaluation time.
    HomePath(Box<str>, Pos),
    /// A path with interpolation; the first part is a literal that is already
    /// made absolute, the concatenation is canonicalized at evaluation time.
    InterpPath(Box<[StrPart]>, Pos),
    /// `<name>`: `__findFile __nixPath "name"`.
    SearchPath(Box<str>, Pos),
    Var(Var, Pos),
    Select(Box<Expr>, Box<[AttrKey]>, Option<Box<Expr>>, Pos),
    HasAttr(Box<Expr>, Box<[AttrKey]>, Pos),
    Apply(Box<Expr>, Box<Expr>, Pos),
    Lambda(Box<LambdaDef>),
    /// A `let`: a new scope whose slots are `bindings`, then `body` in it.
    Let(Box<AttrsDef>, Box<Expr>),
    Attrs(Box<AttrsDef>),
    List(Box<[Expr]>),
    If(Box<Expr>, Box<Expr>, Box<Expr>, Pos),
    Assert(Box<Expr>, Box<Expr>, Pos),
    /// `with ns; body`: `body` runs in a scope with one slot holding `ns`.
    With(Box<Expr>, Box<Expr>, Pos),
    BinOp(BinOp, Box<Expr>, Box<Expr>, Pos),
    Not(Box<Expr>, Pos),
    Negate(Box<Expr>, Pos),
    CurPos(Pos),
    /// `builtins.NAME` where `builtins` is the base environment's set: the
    /// global (by index) holding the same value. A selection, so it is
    /// delayed like one (`<CODE>` when printed unevaluated, as Nix does).
    Builtin(u32, Symbol, Pos),
}

#[derive(Debug)]
pub enum StrPart {
    Lit(Box<str>),
    /// An interpolation, with the position of its `${` (where Nix reports a
    /// value that cannot be coerced to a string).
    Expr(Expr, Pos),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Concat,
    Update,
    Add,
    Sub,
    Mul,
    Div,
    And,
    Or,
    Implication,
    Equal,
    NotEqual,
    Less,
    LessOrEq,
    More,
    MoreOrEq,
}

/// How a variable reference finds its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Var {
    /// `depth` scopes up, slot `slot`.
    Local { depth: u32, slot: u32, name: Symbol },
    /// Not bound lexically: look `name` up in the `with` scope `depth` scopes
    /// up, then in the `with` scopes enclosing that one.
    With { depth: u32, name: Symbol },
    /// A builtin from the base environment (index into its table).
    Global { index: u32, name: Symbol },
    /// In a file read by `scopedImport`, a name not bound lexically: the
    /// scope argument (the `with` scope `root` scopes up, the outermost)
    /// shadows the base environment, as its names are lexical in Nix; then
    /// the builtin `global`, then the file's own `with` scopes from
    /// `inner_with` up.
    Scoped { root: u32, global: Option<u32>, inner_with: Option<u32>, name: Symbol },
}

#[derive(Debug)]
pub enum AttrKey {
    Static(Symbol),
    Dynamic(Expr),
}

#[derive(Debug)]
pub struct LambdaDef {
    /// The name of the binding the lambda was defined in, for traces.
    pub name: Option<Symbol>,
    pub pos: Pos,
    pub param: Param,
    pub body: Expr,
    /// How many of the innermost scopes around the lambda its body never
    /// mentions: the closure keeps the scope that many levels up instead of
    /// the one it is created in (its variables are resolved that way), so a
    /// function stored in a `let` that does not use the `let`'s names does
    /// not form a reference cycle with it.
    pub skip: u32,
    /// Every call that returns forces the argument: a pattern always does,
    /// and `x: body` does when `body` evaluates `x` on every path (see
    /// [`Expr::forces_local`]). Callers may then pass an argument already
    /// computed when computing it cannot fail, with no observable change.
    pub argument_forced: bool,
}

impl LambdaDef {
    /// A lambda definition, with [`LambdaDef::argument_forced`] worked out.
    pub fn new(name: Option<Symbol>, pos: Pos, param: Param, body: Expr) -> LambdaDef {
        let argument_forced = match param {
            Param::Ident(_) => body.forces_local(0, 0),
            Param::Pattern { .. } => true,
        };
        LambdaDef { name, pos, param, body, argument_forced, skip: 0 }
    }
}

impl Expr {
    /// Whether evaluating this expression to weak head normal form always
    /// forces the local variable `depth` scopes up in `slot`, whenever the
    /// evaluation succeeds. Conservative: `false` when unsure.
    pub fn forces_local(&self, depth: u32, slot: u32) -> bool {
        match self {
            Expr::Var(Var::Local { depth: d, slot: s, .. }, _) => *d == depth && *s == slot,
            Expr::If(condition, then, otherwise, _) => {
                condition.forces_local(depth, slot)
                    || (then.forces_local(depth, slot) && otherwise.forces_local(depth, slot))
            }
            Expr::Assert(condition, body, _) => condition.forces_local(depth, slot) || body.forces_local(depth, slot),
            // Both make one scope around their body.
            Expr::Let(_, body) | Expr::With(_, body, _) => body.forces_local(depth + 1, slot),
            Expr::BinOp(op, lhs, rhs, _) => match op {
                BinOp::And | BinOp::Or | BinOp::Implication => lhs.forces_local(depth, slot),
                _ => lhs.forces_local(depth, slot) || rhs.forces_local(depth, slot),
            },
            Expr::Not(operand, _) | Expr::Negate(operand, _) => operand.forces_local(depth, slot),
            Expr::Apply(function, _, _) => function.forces_local(depth, slot),
            Expr::Select(target, _, _, _) | Expr::HasAttr(target, _, _) => target.forces_local(depth, slot),
            _ => false,
        }
    }
}

#[derive(Debug)]
pub enum Param {
    /// `x: body`: slot 0 holds the argument.
    Ident(Symbol),
    /// `{ a, b ? d, ... } @ x: body`: slots 0..n hold the formals in order,
    /// slot n the whole argument (always present, named or not).
    Pattern { formals: Box<[Formal]>, ellipsis: bool, at: Option<Symbol> },
}

#[derive(Debug)]
pub struct Formal {
    pub name: Symbol,
    pub default: Option<Expr>,
    /// The default uses no formal of its own function: it is lowered and
    /// evaluated in the function's enclosing scope.
    pub default_in_parent: bool,
    pub pos: Pos,
}

/// An attribute set literal or the bindings of a `let`.
///
/// For `rec` sets and `let`s the static entries, in order, are also the slots
/// of the new scope; `Inherited` entries are evaluated in the enclosing scope.
#[derive(Debug)]
pub struct AttrsDef {
    pub recursive: bool,
    /// Sorted by name.
    pub entries: Box<[AttrEntry]>,
    pub dynamics: Box<[DynamicEntry]>,
    pub pos: Pos,
    /// Whether an entry's value is a variable bound by a `with` (which the
    /// evaluator may look up when it binds the entry, as Nix does).
    pub with_variables: bool,
}

impl AttrsDef {
    /// The definition of a set or `let` with these parts.
    pub fn new(recursive: bool, entries: Box<[AttrEntry]>, dynamics: Box<[DynamicEntry]>, pos: Pos) -> AttrsDef {
        let with_variables = entries.iter().any(|entry| matches!(entry.value, Expr::Var(Var::With { .. }, _)));
        AttrsDef { recursive, entries, dynamics, pos, with_variables }
    }

    /// `{ }` (or `rec { }`): no entries, static or dynamic.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.dynamics.is_empty()
    }
}

#[derive(Debug)]
pub struct AttrEntry {
    pub name: Symbol,
    pub value: Expr,
    pub kind: EntryKind,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Plain,
    /// `inherit name;` inside a scope-creating set: evaluate in the parent scope.
    Inherited,
    /// A binding of a `let` or `rec` set that uses none of the scope's own
    /// names: lowered and evaluated in the parent scope, so its thunk does not
    /// keep the new scope alive (no reference cycle).
    Outer,
}

#[derive(Debug)]
pub struct DynamicEntry {
    pub key: Expr,
    pub value: Expr,
    pub pos: Pos,
}
