//! The interpreter: expressions to values, forcing, calls and operators.

use crate::rc::Rc;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use syntax::ast::{AttrKey, AttrsDef, BinOp, EntryKind, Expr, Formal, LambdaDef, Param, Pos, StrPart, Var};
use syntax::{LineIndex, LowerOptions, Symbol};

use crate::error::{error, type_error, ErrorKind, EvalError, Result};
use crate::io::EvalIO;
use crate::value::*;

/// One entry of the search path (`-I`, `NIX_PATH`): `prefix=path` or a bare
/// path (empty prefix).
#[derive(Clone, Debug)]
pub struct SearchPathEntry {
    pub prefix: String,
    pub path: String,
}

/// Settings of one evaluation.
#[derive(Clone, Debug)]
pub struct EvalOptions {
    pub search_path: Vec<SearchPathEntry>,
    /// Search-path entries provided by the embedding (e.g. `<strata/lib>`),
    /// consulted after `search_path` and not listed in `builtins.nixPath`.
    pub builtin_search_path: Vec<SearchPathEntry>,
    pub store_dir: String,
    /// Pure evaluation: no environment, clock or unrestricted file access.
    pub pure: bool,
    /// How deep evaluation may nest before it stops with "stack overflow".
    pub max_depth: usize,
    pub current_system: String,
}

impl Default for EvalOptions {
    fn default() -> EvalOptions {
        EvalOptions {
            search_path: Vec::new(),
            builtin_search_path: Vec::new(),
            store_dir: "/nix/store".to_string(),
            pure: false,
            max_depth: 50_000_000,
            current_system: "x86_64-linux".to_string(),
        }
    }
}

/// A source file the evaluator has seen, kept for error excerpts.
pub struct SourceFile {
    /// The path, or `«string»` / `«stdin»` for text given directly.
    pub name: String,
    pub source: std::rc::Rc<str>,
    pub lines: LineIndex,
}

/// What a parsed file depends on besides its text.
#[derive(PartialEq, Eq, Hash)]
struct ParseKey {
    name: String,
    base_dir: String,
    outer_with: bool,
    /// Under a builtin search-path entry: sees the lib's native helpers.
    internal: bool,
}

thread_local! {
    /// Every evaluator on a thread shares one table of files, so that
    /// positions in the lowered files of [`PARSED`] mean the same to all.
    static THREAD_FILES: Rc<RefCell<Vec<SourceFile>>> = Rc::default();
    /// The files lowered on this thread: for each name and settings, the
    /// texts seen (as indices into [`THREAD_FILES`]) and their lowered form.
    /// Globals are numbered the same in every evaluator (`builtins::install`).
    static PARSED: RefCell<HashMap<ParseKey, Vec<(u32, &'static Expr)>>> = RefCell::default();
}

/// How a value becomes a string.
#[derive(Clone, Copy, Debug)]
pub struct Coercion {
    /// `toString` rules: also null, Booleans, numbers and lists.
    pub more: bool,
    /// Paths are copied to the store and replaced by their store path.
    pub copy_to_store: bool,
}

impl Coercion {
    pub const INTERPOLATION: Coercion = Coercion { more: false, copy_to_store: true };
    pub const TO_STRING: Coercion = Coercion { more: true, copy_to_store: false };
}

/// The evaluator. One per thread; values never cross threads.
pub struct Evaluator {
    pub options: EvalOptions,
    pub io: Box<dyn EvalIO>,
    /// The files seen on this thread (shared by its evaluators, so that
    /// positions in parsed files reused from [`PARSED`] stay valid).
    pub(crate) files: Rc<RefCell<Vec<SourceFile>>>,
    pub(crate) import_cache: RefCell<HashMap<String, Value>>,
    pub(crate) globals: Vec<Value>,
    pub(crate) global_index: HashMap<Symbol, u32>,
    /// For each name in `builtins`, the global holding the same value.
    pub(crate) builtin_globals: HashMap<Symbol, u32>,
    pub(crate) depth: Cell<usize>,
    /// Memoized `hashDerivationModulo` results by `.drv` path.
    pub(crate) drv_hashes: RefCell<HashMap<String, store::Hash>>,
    /// Memoized store paths of source paths copied to the store.
    pub(crate) copied_paths: RefCell<HashMap<String, String>>,
    pub(crate) symbols: Symbols,
    pub(crate) stack_limit: Cell<usize>,
    /// The stack address below which [`Evaluator::check_stack`] looks
    /// further: [`Evaluator::stack_limit`], or above it the next point at
    /// which to tell [`STACK_GROWTH`] how deep the stack has grown.
    stack_watch: Cell<usize>,
    pub(crate) gc: RefCell<crate::gc::Tracker>,
    /// Counters for `STRATA_SHOW_STATS`.
    pub stats: Stats,
    pub(crate) gc_due: Cell<bool>,
    /// The number of function calls at which a collection is due however
    /// few tracked scopes are held (see `gc`).
    pub(crate) gc_next_calls: Cell<u64>,
    /// Calls per lambda (by definition address), for `STRATA_PROFILE`.
    pub profile: Option<RefCell<rustc_hash::FxHashMap<usize, (u64, &'static syntax::ast::LambdaDef)>>>,
    /// The symbols of strings recently used as attribute names, each with
    /// its string, at a place chosen by the string's address (see
    /// [`Evaluator::name_symbol`]).
    name_cache: RefCell<Box<[KeptName; NAME_CACHE_SIZE]>>,
    /// The values of `[ ]` and `{ }`, shared by every such literal: nothing
    /// changes a value others hold, and neither prints as `«repeated»`.
    pub(crate) empty_list: Value,
    pub(crate) empty_attrs: Value,
}

/// An entry of [`Evaluator::name_cache`]: a string and its symbol.
type KeptName = Option<(Rc<NixString>, Symbol)>;

/// Entries of [`Evaluator::name_cache`]: a power of two.
const NAME_CACHE_SIZE: usize = 512;

/// The most arguments of one application `f a b ...` that
/// [`Evaluator::eval_apply`] gathers before calling.
const SPINE: usize = 8;

/// Called, when set, as an evaluation's stack grows past points it
/// chooses: with the stack's address and the evaluator's limit, returning
/// the address at which to call it next (lower). The program sets it to
/// fault in the stack's pages ahead of the recursion, the way it does its
/// heap's (deep recursion touches fresh stack pages, each a page fault).
pub static STACK_GROWTH: std::sync::OnceLock<fn(usize, usize) -> usize> = std::sync::OnceLock::new();

/// How far the stack grows before [`STACK_GROWTH`] is first called (most
/// evaluations never get there).
const STACK_GROWTH_FIRST_BYTES: usize = 256 << 10;

/// The address of the current stack frame (about).
#[inline(always)]
fn stack_address() -> usize {
    let marker = 0u8;
    std::ptr::addr_of!(marker) as usize
}

/// How much work an evaluation did, comparable to `NIX_SHOW_STATS`.
#[derive(Default, Debug)]
pub struct Stats {
    pub function_calls: Cell<u64>,
    pub primop_calls: Cell<u64>,
    pub thunks_forced: Cell<u64>,
    pub scopes: Cell<u64>,
}

/// Symbols the evaluator looks up often.
pub(crate) struct Symbols {
    pub functor: Symbol,
    pub to_string: Symbol,
    pub out_path: Symbol,
    pub type_: Symbol,
    pub file: Symbol,
    pub line: Symbol,
    pub column: Symbol,
}

impl Evaluator {
    pub fn new(options: EvalOptions, io: Box<dyn EvalIO>) -> Evaluator {
        for name in NIX_STARTUP_SYMBOLS {
            Symbol::intern(name);
        }
        let symbols = Symbols {
            functor: Symbol::intern("__functor"),
            to_string: Symbol::intern("__toString"),
            out_path: Symbol::intern("outPath"),
            type_: Symbol::intern("type"),
            file: Symbol::intern("file"),
            line: Symbol::intern("line"),
            column: Symbol::intern("column"),
        };
        let mut evaluator = Evaluator {
            options,
            io,
            files: THREAD_FILES.with(Rc::clone),
            import_cache: RefCell::new(HashMap::new()),
            globals: Vec::new(),
            global_index: HashMap::new(),
            builtin_globals: HashMap::new(),
            depth: Cell::new(0),
            drv_hashes: RefCell::new(HashMap::new()),
            copied_paths: RefCell::new(HashMap::new()),
            symbols,
            stack_limit: Cell::new(0),
            stack_watch: Cell::new(0),
            gc: RefCell::new(crate::gc::Tracker::default()),
            stats: Stats::default(),
            gc_due: Cell::new(false),
            gc_next_calls: Cell::new(crate::gc::CALLS_BETWEEN_COLLECTIONS),
            profile: std::env::var_os("STRATA_PROFILE").map(|_| RefCell::new(Default::default())),
            name_cache: RefCell::new(Box::new([const { None }; NAME_CACHE_SIZE])),
            empty_list: Value::list(Vec::new()),
            empty_attrs: Value::attrs(Attrs::new()),
        };
        crate::builtins::install(&mut evaluator);
        evaluator
    }

    /// Every lambda called while `STRATA_PROFILE` was set, with its number of
    /// calls, most called first (to find what is worth making native).
    pub fn profile_report(&self) -> Vec<(u64, String)> {
        let Some(profile) = &self.profile else { return Vec::new() };
        let mut rows: Vec<(u64, String)> = profile
            .borrow()
            .values()
            .map(|(count, def)| {
                let name = def.name.map(|name| name.to_string()).unwrap_or_else(|| "(anonymous)".to_string());
                (*count, format!("{name} {}", self.describe_pos(def.pos)))
            })
            .collect();
        rows.sort_by(|a, b| b.0.cmp(&a.0));
        rows
    }

    // ---- files and parsing --------------------------------------------------

    pub fn add_file(&self, name: &str, source: &str) -> u32 {
        let mut files = self.files.borrow_mut();
        files.push(SourceFile {
            name: name.to_string(),
            source: std::rc::Rc::from(source),
            lines: LineIndex::new(source),
        });
        (files.len() - 1) as u32
    }

    /// `file:line:column` of a position, as Nix writes positions inline.
    pub fn describe_pos(&self, pos: Pos) -> String {
        match self.line_col(pos) {
            Some((name, line, column)) => {
                let name = if name == "«string»" || name == "«stdin»" { "(string)".to_string() } else { name };
                format!("{name}:{line}:{column}")
            }
            None => "undefined position".to_string(),
        }
    }

    /// The file name, line and column of a position.
    pub fn line_col(&self, pos: Pos) -> Option<(String, u32, u32)> {
        if pos.is_none() {
            return None;
        }
        let files = self.files.borrow();
        let file = files.get(pos.file as usize)?;
        let (line, column) = file.lines.line_col(pos.offset);
        Some((file.name.clone(), line, column))
    }

    /// Parses and lowers source text. `base_dir` anchors relative paths.
    ///
    /// A text already parsed on this thread with the same name and settings
    /// is not parsed again: evaluators that follow one another on a thread
    /// (one per machine in `strata hosts`) share the lowered files, which are
    /// never freed.
    pub fn parse(&self, name: &str, source: &str, base_dir: &str, outer_with: bool) -> Result<&'static Expr> {
        let internal = self
            .options
            .builtin_search_path
            .iter()
            .any(|entry| name.strip_prefix(entry.path.as_str()).is_some_and(|rest| rest.starts_with('/')));
        let key = ParseKey { name: name.to_string(), base_dir: base_dir.to_string(), outer_with, internal };
        let reused = PARSED.with(|parsed| {
            let parsed = parsed.borrow();
            let files = self.files.borrow();
            parsed.get(&key)?.iter().find_map(|&(file, expr)| {
                files.get(file as usize).filter(|known| &*known.source == source).map(|_| expr)
            })
        });
        if let Some(expr) = reused {
            return Ok(expr);
        }
        let file = self.add_file(name, source);
        let expr = self.lower(name, source, base_dir, outer_with, internal, file)?;
        PARSED.with(|parsed| parsed.borrow_mut().entry(key).or_default().push((file, expr)));
        Ok(expr)
    }

    fn lower(
        &self,
        name: &str,
        source: &str,
        base_dir: &str,
        outer_with: bool,
        internal: bool,
        file: u32,
    ) -> Result<&'static Expr> {
        let label = if name.starts_with('«') { "(string)".to_string() } else { name.to_string() };
        // Files of the lib built into Strata (under a builtin search-path
        // entry) see `builtins` with its native helpers; everything else sees
        // Nix's base environment only.
        let internal_builtins = Symbol::intern(crate::builtins::INTERNAL_BUILTINS);
        let builtins_symbol = syntax::sym!("builtins");
        let globals = |symbol: Symbol| {
            if symbol == internal_builtins {
                return None;
            }
            if internal && symbol == builtins_symbol {
                return self.global_index.get(&internal_builtins).copied();
            }
            self.global_index.get(&symbol).copied()
        };
        let builtin = |name: Symbol| self.builtin_globals.get(&name).copied();
        let options = LowerOptions { file, base_dir, label: &label, globals: &globals, builtin: &builtin, outer_with };
        syntax::lower(source, &options).map_err(|errors| {
            let first = &errors[0];
            error(ErrorKind::Syntax, Pos { file, offset: first.offset }, first.message.clone())
        })
    }

    /// Evaluates source text in the base environment.
    pub fn eval_source(&self, name: &str, source: &str, base_dir: &str) -> Result<Value> {
        let expr = self.parse(name, source, base_dir, false)?;
        self.eval(expr, &self.root_env())
    }

    /// The value of a string literal: one shared string per literal in the
    /// source, as literals are immutable and evaluated again and again,
    /// kept with the literal in the tree.
    #[inline]
    fn literal_string(&self, literal: &'static syntax::ast::StrLit) -> Value {
        crate::value::kept_string(&literal.kept, literal)
    }

    /// Evaluates an expression returned by [`Evaluator::parse`].
    pub fn eval_parsed(&self, expr: &'static Expr) -> Result<Value> {
        self.eval(expr, &self.root_env())
    }

    pub(crate) fn root_env(&self) -> EnvRc {
        Env::with_capacity(0, None)
    }

    // ---- forcing --------------------------------------------------------------

    /// Forces a value to weak head normal form.
    #[inline(always)]
    pub fn force(&self, value: &Value) -> Result<Value> {
        match value {
            Value::Thunk(thunk) => self.force_thunk(thunk),
            other => Ok(other.clone()),
        }
    }

    /// A thunk's value: a forced one's at once (inlined into callers, as
    /// most thunks met are forced already), any other computed.
    #[inline(always)]
    pub fn force_thunk(&self, thunk: &Rc<Thunk>) -> Result<Value> {
        if let Some(value) = thunk.value() {
            return Ok(value);
        }
        self.force_pending(thunk)
    }

    /// Computes a thunk that is not forced yet, one nesting level deeper.
    #[inline(never)]
    fn force_pending(&self, thunk: &Rc<Thunk>) -> Result<Value> {
        self.enter(Pos::NONE)?;
        let result = self.force_thunk_slow(thunk);
        self.leave();
        result
    }

    fn force_thunk_slow(&self, thunk: &Rc<Thunk>) -> Result<Value> {
        self.stats.thunks_forced.set(self.stats.thunks_forced.get() + 1);
        let state = thunk.replace(ThunkState::Blackhole);
        // The common cases here (an expression, and an application, which
        // `map` makes for every item), the rest out of line: this frame is
        // on the stack once per level of a deep recursion through thunks.
        let result = match state {
            ThunkState::Pending(expr, env) => match self.eval(expr, &env) {
                Ok(value) => Ok(value),
                Err(err) => {
                    thunk.set(ThunkState::Pending(expr, env));
                    return Err(err);
                }
            },
            // `call` without its nesting level: this thunk's is entered.
            ThunkState::Apply(function, argument) => match self.call_unguarded(&function, argument.clone()) {
                Ok(value) => {
                    function.release();
                    argument.release();
                    Ok(value)
                }
                Err(err) => {
                    thunk.set(ThunkState::Apply(function, argument));
                    return Err(err);
                }
            },
            state => self.compute_other(thunk, state),
        };
        let value = result?;
        // A thunk may evaluate to another thunk (e.g. a native one returning a
        // slot): force through so Done never holds a thunk.
        let value = match value {
            Value::Thunk(inner) => match self.force_thunk(&inner) {
                Ok(value) => value,
                Err(err) => {
                    thunk.set(ThunkState::Done(Value::Thunk(inner)));
                    return Err(err);
                }
            },
            value => value,
        };
        thunk.finish(value.clone());
        Ok(value)
    }

    /// A thunk's state other than an expression to evaluate, computed (see
    /// [`Evaluator::force_thunk_slow`]); on an error the state is put back.
    #[inline(never)]
    fn compute_other(&self, thunk: &Rc<Thunk>, state: ThunkState) -> Result<Value> {
        match state {
            ThunkState::Done(value) => Ok(value),
            ThunkState::Blackhole => {
                Err(error(ErrorKind::InfiniteRecursion, Pos::NONE, "infinite recursion encountered"))
            }
            ThunkState::Pending(..) | ThunkState::Apply(..) => unreachable!("computed by force_thunk_slow"),
            ThunkState::Zip { inputs, name } => crate::builtins::attrs::zipped(self, &inputs, name)
                .inspect_err(|_| thunk.set(ThunkState::Zip { inputs, name })),
            ThunkState::MapAttr { inputs, index } => crate::builtins::attrs::mapped(self, &inputs, index)
                .inspect_err(|_| thunk.set(ThunkState::MapAttr { inputs, index })),
            ThunkState::Native(compute) => match compute(self) {
                Ok(value) => Ok(value),
                Err(err) => {
                    let saved = err.clone();
                    thunk.set(ThunkState::Native(Box::new(move |_| Err(saved))));
                    Err(err)
                }
            },
        }
    }

    /// Forces a value and everything inside it, each set's values in the
    /// order of their names (`--strict`, which prints in that order).
    pub fn force_deep(&self, value: &Value) -> Result<Value> {
        let mut seen = rustc_hash::FxHashSet::default();
        let forced = self.force(value)?;
        self.force_deep_inner(&forced, &mut seen, false)?;
        Ok(forced)
    }

    /// `builtins.deepSeq`'s forcing: as [`Evaluator::force_deep`], but each
    /// set's values in the order Nix keeps names ([`symbol_order`]), so
    /// that when several fail, the failure `tryEval` sees is Nix's. (Not
    /// used for `--strict`: the order changes which layered sets are merged
    /// while others are alive, and `bench/programs/lib-overlays` peaked at
    /// 173 MiB instead of 120 with it.)
    pub fn deep_seq(&self, value: &Value) -> Result<Value> {
        let mut seen = rustc_hash::FxHashSet::default();
        let forced = self.force(value)?;
        self.force_deep_inner(&forced, &mut seen, true)?;
        Ok(forced)
    }

    fn force_deep_inner(&self, value: &Value, seen: &mut rustc_hash::FxHashSet<usize>, nix_order: bool) -> Result<()> {
        self.check_stack(Pos::NONE)?;
        match value {
            Value::Attrs(attrs) => {
                if !seen.insert(Rc::as_ptr(attrs) as usize) {
                    return Ok(());
                }
                let entries = attrs.entries();
                let order = if nix_order { symbol_order(entries) } else { None };
                for index in 0..entries.len() {
                    let entry = nth_in(entries, &order, index);
                    let forced = self.force(&entry.value).map_err(|e| {
                        e.with_frame(entry.pos, format!("while evaluating the attribute '{}'", entry.name))
                    })?;
                    self.force_deep_inner(&forced, seen, nix_order)?;
                }
            }
            Value::List(list) => {
                if !seen.insert(Rc::as_ptr(list) as usize) {
                    return Ok(());
                }
                for item in list.iter() {
                    let forced = self.force(item)?;
                    self.force_deep_inner(&forced, seen, nix_order)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    // ---- typed forcing -------------------------------------------------------

    pub fn expected(&self, value: &Value, expected: &str, pos: Pos) -> EvalError {
        type_error(pos, format!("value is {} while {expected} was expected", value.shown()))
    }

    /// (The value at hand is usually of the type already: that case is
    /// inlined into the caller.)
    #[inline(always)]
    pub fn force_bool(&self, value: &Value, pos: Pos) -> Result<bool> {
        if let Value::Bool(b) = value {
            return Ok(b.get());
        }
        self.force_bool_slow(value, pos)
    }

    /// The truth of an operand (conditions, `!`, `&&`, `||`, `->`), taking
    /// it: a Boolean is read without the call to drop it that a borrowed
    /// one costs at the end of its scope (it holds nothing to release).
    #[inline(always)]
    fn truth(&self, value: Value, pos: Pos) -> Result<bool> {
        if let Value::Bool(b) = &value {
            let truth = b.get();
            std::mem::forget(value);
            return Ok(truth);
        }
        self.force_bool_slow(&value, pos)
    }

    #[inline(never)]
    fn force_bool_slow(&self, value: &Value, pos: Pos) -> Result<bool> {
        match self.force(value)? {
            Value::Bool(b) => Ok(b.get()),
            other => Err(self.expected(&other, "a Boolean", pos)),
        }
    }

    /// (The value at hand is usually of the type already: that case is
    /// inlined into the caller.)
    #[inline(always)]
    pub fn force_int(&self, value: &Value, pos: Pos) -> Result<i64> {
        if let Value::Int(i) = value {
            return Ok(*i);
        }
        self.force_int_slow(value, pos)
    }

    #[inline(never)]
    fn force_int_slow(&self, value: &Value, pos: Pos) -> Result<i64> {
        match self.force(value)? {
            Value::Int(i) => Ok(i),
            other => Err(self.expected(&other, "an integer", pos)),
        }
    }

    pub fn force_float(&self, value: &Value, pos: Pos) -> Result<f64> {
        match self.force(value)? {
            Value::Int(i) => Ok(i as f64),
            Value::Float(f) => Ok(f.get()),
            other => Err(self.expected(&other, "a float", pos)),
        }
    }

    /// (The value at hand is usually of the type already: that case is
    /// inlined into the caller.)
    #[inline(always)]
    pub fn force_attrs(&self, value: &Value, pos: Pos) -> Result<Rc<Attrs>> {
        if let Value::Attrs(attrs) = value {
            return Ok(attrs.clone());
        }
        self.force_attrs_slow(value, pos)
    }

    #[inline(never)]
    fn force_attrs_slow(&self, value: &Value, pos: Pos) -> Result<Rc<Attrs>> {
        match self.force(value)? {
            Value::Attrs(attrs) => Ok(attrs),
            other => Err(self.expected(&other, "a set", pos)),
        }
    }

    /// (The value at hand is usually of the type already: that case is
    /// inlined into the caller.)
    #[inline(always)]
    pub fn force_list(&self, value: &Value, pos: Pos) -> Result<Rc<List>> {
        if let Value::List(list) = value {
            return Ok(list.clone());
        }
        self.force_list_slow(value, pos)
    }

    #[inline(never)]
    fn force_list_slow(&self, value: &Value, pos: Pos) -> Result<Rc<List>> {
        match self.force(value)? {
            Value::List(list) => Ok(list),
            other => Err(self.expected(&other, "a list", pos)),
        }
    }

    /// Forces a string, without coercion; keeps its context.
    pub fn force_string(&self, value: &Value, pos: Pos) -> Result<Rc<NixString>> {
        match self.force(value)? {
            Value::String(s) => Ok(s),
            other => Err(self.expected(&other, "a string", pos)),
        }
    }

    /// A string value as an attribute name (its text interned, not copied).
    pub fn force_symbol(&self, value: &Value, pos: Pos) -> Result<Symbol> {
        Ok(Symbol::intern(&self.force_string(value, pos)?.text))
    }

    /// Forces a string and drops its context (for names, keys and patterns).
    pub fn force_str(&self, value: &Value, pos: Pos) -> Result<String> {
        Ok(self.force_string(value, pos)?.text.clone())
    }

    pub fn force_function(&self, value: &Value, pos: Pos) -> Result<Value> {
        let forced = self.force(value)?;
        match &forced {
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => Ok(forced),
            Value::Attrs(attrs) if attrs.contains(self.symbols.functor) => Ok(forced),
            other => Err(self.expected(other, "a function", pos)),
        }
    }

    // ---- evaluation -----------------------------------------------------------

    /// Sets the lowest stack address evaluation may reach; deeper recursion
    /// stops with Nix's "stack overflow" error instead of a crash.
    pub fn set_stack_limit(&self, lowest_address: usize) {
        self.stack_limit.set(lowest_address);
        let watch = match STACK_GROWTH.get() {
            Some(_) => stack_address().saturating_sub(STACK_GROWTH_FIRST_BYTES).max(lowest_address),
            None => lowest_address,
        };
        self.stack_watch.set(watch);
    }

    /// Fails with Nix's "stack overflow" error when the native stack is
    /// nearly used up; for recursive walks over values (JSON, XML, deep
    /// forcing, equality) that do not go through [`Evaluator::call`].
    #[inline]
    pub fn check_stack(&self, pos: Pos) -> Result<()> {
        let here = stack_address();
        if here < self.stack_watch.get() {
            return self.stack_grown(here, pos);
        }
        Ok(())
    }

    /// The stack went below the address watched: past the limit, an error;
    /// above it, [`STACK_GROWTH`] is told and says where to look next.
    #[cold]
    #[inline(never)]
    fn stack_grown(&self, here: usize, pos: Pos) -> Result<()> {
        let limit = self.stack_limit.get();
        if here < limit {
            return Err(error(ErrorKind::StackOverflow, pos, "stack overflow (possible infinite recursion)"));
        }
        let next = STACK_GROWTH.get().map_or(limit, |grown| grown(here, limit));
        self.stack_watch.set(next.clamp(limit, here));
        Ok(())
    }

    fn enter(&self, pos: Pos) -> Result<()> {
        let depth = self.depth.get() + 1;
        if depth > self.options.max_depth {
            return Err(error(ErrorKind::StackOverflow, pos, "stack overflow (possible infinite recursion)"));
        }
        self.check_stack(pos)?;
        self.depth.set(depth);
        Ok(())
    }

    fn leave(&self) {
        self.depth.set(self.depth.get() - 1);
    }

    /// Evaluates an expression in an environment to weak head normal form.
    #[inline]
    pub fn eval(&self, expr: &'static Expr, env: &EnvRc) -> Result<Value> {
        // Calls in tail position enter a nesting level that `eval_inner`
        // does not leave (it loops instead of returning): restore it here.
        let depth = self.depth.get();
        let result = self.eval_inner(expr, env);
        self.depth.set(depth);
        result
    }

    /// The value for `expr` without evaluating it, as Nix's `maybeThunk`:
    /// constants (also `[ ]` and `{ }`) directly, variables share their
    /// slot, everything else becomes a thunk. A variable of a `with` whose
    /// namespace was already searched is looked up now, as Nix does: its
    /// value is shared, and a name in none of the searched namespaces is an
    /// error here (see [`Evaluator::with_variable_now`]).
    #[inline(always)]
    pub(crate) fn delay(&self, expr: &'static Expr, env: &EnvRc) -> Result<Value> {
        if let Expr::Var(Var::With { depth, name }, pos) = expr {
            if let Some(value) = self.with_variable_now(*depth, *name, env, *pos)? {
                return Ok(value);
            }
        }
        Ok(self.delay_lazily(expr, env))
    }

    /// [`Evaluator::delay`] without looking `with` variables up: for what
    /// Nix keeps as an expression (the namespace of a `with`).
    pub(crate) fn delay_lazily(&self, expr: &'static Expr, env: &EnvRc) -> Value {
        match expr {
            Expr::Null => Value::Null,
            Expr::Bool(b) => Value::bool(*b),
            Expr::Int(i) => Value::Int(*i),
            Expr::Float(f) => Value::float(*f),
            Expr::Str(s) => self.literal_string(s),
            Expr::Path(p) => Value::path(&**p),
            Expr::Var(Var::Local { depth, slot, .. }, _) => match env.up(*depth) {
                // A forced thunk is shared as its value.
                Some(target) => match target.lookup(*slot) {
                    Slot::Ready(value) => value,
                    Slot::Thunk(thunk) => Value::Thunk(thunk),
                    Slot::Empty => Thunk::pending(expr, env.clone()),
                },
                None => Thunk::pending(expr, env.clone()),
            },
            Expr::Var(Var::Global { index, .. }, _) => {
                self.globals.get(*index as usize).cloned().unwrap_or(Value::Null)
            }
            Expr::List(items) if items.is_empty() => self.empty_list.clone(),
            Expr::Attrs(def) if def.is_empty() => self.empty_attrs.clone(),
            _ => Thunk::pending(expr, env.clone()),
        }
    }

    /// A `with` variable looked up without evaluating anything (Nix's
    /// `lookupVar` with `noEval`): through the `with` scopes from the
    /// innermost out, `None` at the first whose namespace no lookup has
    /// evaluated yet (the variable then stays a thunk), the value where a
    /// searched namespace has the name, and Nix's "undefined variable" when
    /// every enclosing namespace was searched and none has it.
    #[cold]
    #[inline(never)]
    fn with_variable_now(&self, depth: u32, name: Symbol, env: &EnvRc, pos: Pos) -> Result<Option<Value>> {
        let mut scope = env.up(depth);
        while let Some(current) = scope {
            if current.is_with() {
                if !current.with_searched() {
                    return Ok(None);
                }
                // A searched namespace is a forced set.
                let namespace = match current.slot(0) {
                    Value::Thunk(thunk) => thunk.value(),
                    value => Some(value),
                };
                let Some(Value::Attrs(attrs)) = namespace else { return Ok(None) };
                if let Some(value) = attrs.get(name) {
                    return Ok(Some(value.clone()));
                }
            }
            scope = current.parent.as_ref();
        }
        Err(error(ErrorKind::Missing, pos, format!("undefined variable '{name}'")))
    }

    /// The body of [`Evaluator::eval`]. Expressions in tail position (the
    /// branches of `if`, the bodies of `let`, `with` and `assert`, and the
    /// body of a lambda applied last) are evaluated by looping here rather
    /// than recursing, so deep Nix recursion uses less native stack.
    fn eval_inner(&self, expr: &'static Expr, env: &EnvRc) -> Result<Value> {
        let mut expr = expr;
        let mut env = env;
        // Owns the scope `env` points to once the loop has made one.
        let mut tail_scope: Option<EnvRc> = None;
        loop {
            return match expr {
                Expr::Null => Ok(Value::Null),
                Expr::Bool(b) => Ok(Value::bool(*b)),
                Expr::Int(i) => Ok(Value::Int(*i)),
                Expr::Float(f) => Ok(Value::float(*f)),
                Expr::Str(s) => Ok(self.literal_string(s)),
                Expr::Path(p) => Ok(Value::path(&**p)),
                Expr::Interp(parts, _) => self.interpolate(parts, env),
                Expr::HomePath(rest, pos) => self.home_path(rest, *pos),
                Expr::InterpPath(parts, pos) => self.interpolate_path(parts, env, *pos),
                Expr::SearchPath(name, pos) => crate::builtins::find_file_in_search_path(self, name, *pos),
                Expr::Var(var, pos) => self.lookup(var, env, *pos),
                Expr::Select(target, path, default, pos) => self.select(target, path, default.as_deref(), env, *pos),
                Expr::HasAttr(target, path, _) => self.has_attr(target, path, env),
                Expr::Apply(function, argument, pos) => match self.eval_apply(function, argument, *pos, env)? {
                    Applied::Value(value) => Ok(value),
                    Applied::Tail(body, scope) => {
                        expr = body;
                        env = tail_scope.insert(scope);
                        continue;
                    }
                },
                Expr::Lambda(def) => Ok(self.closure(def, env)),
                Expr::Let(def, body) => {
                    let scope = self.bind_scope(def, env)?;
                    expr = body;
                    env = tail_scope.insert(scope);
                    continue;
                }
                Expr::Attrs(def) if def.is_empty() => Ok(self.empty_attrs.clone()),
                Expr::Attrs(def) => self.build_attrs(def, env),
                Expr::List(items) if items.is_empty() => Ok(self.empty_list.clone()),
                Expr::List(items) => {
                    let values = items.iter().map(|item| self.delay(item, env)).collect::<Result<_>>()?;
                    Ok(Value::list(values))
                }
                Expr::If(condition, then, otherwise, pos) => {
                    // A comparison of integers at hand (`n < 2`) is decided
                    // without making a value.
                    let truth = match eager_int_op(condition, env, EAGER_DEPTH) {
                        Some(Value::Bool(truth)) => truth.get(),
                        _ => self.truth(self.operand(condition, env)?, *pos)?,
                    };
                    expr = if truth { then } else { otherwise };
                    continue;
                }
                Expr::Assert(condition, body, pos) => {
                    if !self.truth(self.operand(condition, env)?, *pos)? {
                        return Err(assertion_failed(condition, *pos));
                    }
                    expr = body;
                    continue;
                }
                Expr::With(namespace, body, _) => {
                    let namespace = self.delay_lazily(namespace, env);
                    // A `with` scope's only slot was made before the scope, so it
                    // cannot point back at it: no cycle to track.
                    let scope = Env::with_scope(namespace, Some(env.clone()));
                    expr = body;
                    env = tail_scope.insert(scope);
                    continue;
                }
                Expr::BinOp(op, lhs, rhs, pos) => self.binop(*op, lhs, rhs, env, *pos),
                Expr::Not(operand, pos) => Ok(Value::bool(!self.truth(self.operand(operand, env)?, *pos)?)),
                Expr::Negate(operand, pos) => {
                    let value = self.eval(operand, env)?;
                    self.arithmetic(BinOp::Sub, &Value::Int(0), &value, *pos)
                }
                Expr::CurPos(pos) => Ok(self.pos_value(*pos)),
                Expr::Builtin(index, _, pos) => self.builtin(*index, *pos),
            };
        }
    }

    #[inline(never)]
    fn home_path(&self, rest: &str, pos: Pos) -> Result<Value> {
        let home = self.io.env_var("HOME").ok_or_else(|| {
            error(ErrorKind::Eval, pos, "cannot resolve '~/': the HOME environment variable is not set")
        })?;
        // Nix does not normalise `~/` paths.
        Ok(Value::path(format!("{home}/{rest}")))
    }

    /// `f a b ...`: a builtin given at least as many arguments as it takes
    /// (e.g. `foldl' f z xs`) is called directly, without building the
    /// partial applications in between; anything else is applied one
    /// argument at a time.
    #[inline(never)]
    fn eval_apply(&self, function: &'static Expr, argument: &'static Expr, pos: Pos, env: &EnvRc) -> Result<Applied> {
        if let Expr::Var(Var::Local { depth, slot, .. }, _) = function {
            if let Some(target) = env.up(*depth) {
                // `f x` where `f` is a variable holding a function of one
                // named argument: called with the closure borrowed from its
                // scope (no count taken and released).
                // SAFETY: nothing evaluates while the closure is borrowed:
                // the argument is delayed (or integer arithmetic on values at
                // hand), the collector only empties and frees garbage (the
                // scope holding the closure is reachable from `env`, which
                // our caller holds), and a named parameter's scope is only
                // allocated. The body the call returns is `'static`.
                if let Some(closure) = unsafe { target.closure_at(*slot) } {
                    if let Param::Ident(_) = closure.def.param {
                        let argument = self.argument_for(closure.def.argument_forced, argument, env)?;
                        return self.tail_call(closure, argument, pos);
                    }
                }
            }
        }
        if let Expr::Apply(head, first, first_pos) = function {
            if !matches!(**head, Expr::Apply(..)) {
                return self.apply_two(head, first, *first_pos, argument, pos, env);
            }
        }
        if !matches!(function, Expr::Apply(..)) {
            // `f x`, the most common call: no spine to collect.
            let callee = self.operand(function, env)?;
            let argument = self.argument(&callee, argument, env)?;
            if let Value::Lambda(closure) = &callee {
                return self.tail_call(closure, argument, pos);
            }
            return Ok(Applied::Value(self.call(&callee, argument, pos)?));
        }
        self.apply_spine(function, argument, pos, env)
    }

    /// `f a b c ...`: the arguments collected from the application's spine
    /// and applied in order. Out of line, with its arrays of arguments,
    /// so that the frame of [`Evaluator::eval_apply`], on the stack at
    /// every level of a deep recursion, stays small.
    #[inline(never)]
    fn apply_spine(&self, function: &'static Expr, argument: &'static Expr, pos: Pos, env: &EnvRc) -> Result<Applied> {
        let mut spine: smallvec::SmallVec<[(&'static Expr, Pos); SPINE]> = smallvec::smallvec![(argument, pos)];
        let mut head = function;
        while let Expr::Apply(inner, argument, pos) = head {
            if spine.len() == SPINE {
                break;
            }
            spine.push((argument, *pos));
            head = inner;
        }
        // Innermost argument first.
        spine.reverse();
        let callee = self.operand(head, env)?;
        let mut applied = 0;
        let mut result = callee;
        // A builtin (or a builtin applied to some arguments already) that
        // the spine gives all its arguments is called once with all of
        // them, without a partial application for each argument but the
        // last (the module system's natives take up to seven).
        let (builtin, given): (Option<&'static Builtin>, &[Value]) = match &result {
            Value::PrimOp(builtin) => (Some(builtin), &[]),
            Value::PrimOpApp(app) => (Some(app.builtin), app.args()),
            _ => (None, &[]),
        };
        let wanted = builtin.map_or(0, |builtin| builtin.arity.saturating_sub(given.len()));
        if let Some(builtin) = builtin.filter(|builtin| builtin.arity >= 2 && wanted >= 1 && wanted <= spine.len()) {
            let mut args: smallvec::SmallVec<[Value; SPINE]> = smallvec::SmallVec::with_capacity(builtin.arity);
            args.extend(given.iter().cloned());
            for (argument, _) in &spine[..wanted] {
                args.push(self.delay(argument, env)?);
            }
            let pos = spine[wanted - 1].1;
            result = self.guarded(pos, |ev| (builtin.func)(ev, &args, pos))?;
            applied = wanted;
        }
        let last = spine.len() - 1;
        for (index, &(argument, pos)) in spine.iter().enumerate().skip(applied) {
            let argument = self.argument(&result, argument, env)?;
            if index == last {
                if let Value::Lambda(closure) = &result {
                    return self.tail_call(closure, argument, pos);
                }
            }
            result = self.call(&result, argument, pos)?;
        }
        Ok(Applied::Value(result))
    }

    /// `f a b`, the most common call of two arguments: no spine to collect.
    /// `builtins.seq a b` (strict folds are written this way) forces `a`
    /// and leaves `b` to the caller's loop, without a thunk for it; a
    /// builtin of two arguments is called at once, without the partial
    /// application in between.
    #[inline(always)]
    fn apply_two(
        &self,
        head: &'static Expr,
        first: &'static Expr,
        first_pos: Pos,
        second: &'static Expr,
        pos: Pos,
        env: &EnvRc,
    ) -> Result<Applied> {
        let callee = self.operand(head, env)?;
        if let Value::PrimOp(builtin) = callee {
            if let Some(applied) = self.apply_builtin_two(builtin, first, second, pos, env)? {
                return Ok(applied);
            }
        }
        let first = self.argument(&callee, first, env)?;
        let partial = self.call(&callee, first, first_pos)?;
        let second = self.argument(&partial, second, env)?;
        if let Value::Lambda(closure) = &partial {
            return self.tail_call(closure, second, pos);
        }
        Ok(Applied::Value(self.call(&partial, second, pos)?))
    }

    /// [`Evaluator::apply_two`] of a builtin: `seq` and the builtins of two
    /// arguments; `None` for the others (applied one argument at a time).
    #[inline(always)]
    fn apply_builtin_two(
        &self,
        builtin: &'static Builtin,
        first: &'static Expr,
        second: &'static Expr,
        pos: Pos,
        env: &EnvRc,
    ) -> Result<Option<Applied>> {
        if let Some(deep) = crate::builtins::is_seq(builtin) {
            let first = self.delay(first, env)?;
            self.guarded(pos, |ev| if deep { ev.deep_seq(&first) } else { ev.force(&first) })?;
            return Ok(Some(Applied::Tail(second, env.clone())));
        }
        if builtin.arity == 2 {
            let args = [self.delay(first, env)?, self.delay(second, env)?];
            return Ok(Some(Applied::Value(self.guarded(pos, |ev| (builtin.func)(ev, &args, pos))?)));
        }
        Ok(None)
    }

    /// The argument `expr` for a call of `callee`. When the callee forces
    /// its argument anyway, integer arithmetic on integers at hand is done
    /// now, without a thunk (`f (n - 1)`).
    #[inline(always)]
    fn argument(&self, callee: &Value, expr: &'static Expr, env: &EnvRc) -> Result<Value> {
        let forced = matches!(callee, Value::Lambda(closure) if closure.def.argument_forced);
        self.argument_for(forced, expr, env)
    }

    /// [`Evaluator::argument`] for a callee that does (`forced`) or may not
    /// force its argument.
    #[inline(always)]
    fn argument_for(&self, forced: bool, expr: &'static Expr, env: &EnvRc) -> Result<Value> {
        if forced {
            if let Some(value) = eager_int_op(expr, env, EAGER_DEPTH) {
                return Ok(value);
            }
        }
        self.delay(expr, env)
    }

    /// A call whose body the caller's loop evaluates (see `eval_inner`):
    /// its nesting level is entered here, and `eval` leaves it.
    #[inline(always)]
    fn tail_call(&self, closure: &Closure, argument: Value, pos: Pos) -> Result<Applied> {
        self.maybe_collect();
        self.enter(pos)?;
        let scope = self.lambda_scope(closure.def, &closure.env, argument, pos)?;
        Ok(Applied::Tail(&closure.def.body, scope))
    }

    /// `{ file, line, column }` for a position, or null without one.
    pub fn pos_value(&self, pos: Pos) -> Value {
        match self.line_col(pos) {
            Some((file, line, column)) => Value::attrs(Attrs::from_unsorted(vec![
                AttrEntry { name: self.symbols.column, value: Value::Int(column as i64), pos: Pos::NONE },
                AttrEntry { name: self.symbols.file, value: Value::string(file), pos: Pos::NONE },
                AttrEntry { name: self.symbols.line, value: Value::Int(line as i64), pos: Pos::NONE },
            ])),
            None => Value::Null,
        }
    }

    /// The function value of a lambda: it keeps the scope its body's
    /// variables are resolved against (see `LambdaDef::skip`).
    fn closure(&self, def: &'static syntax::ast::LambdaDef, env: &EnvRc) -> Value {
        let captured = env.up(def.skip).unwrap_or(env);
        Value::Lambda(Rc::new(Closure::new(def, captured.clone())))
    }

    #[inline(never)]
    fn lookup(&self, var: &Var, env: &EnvRc, pos: Pos) -> Result<Value> {
        match *var {
            Var::Local { depth, slot, .. } => {
                let target = env.up(depth).ok_or_else(|| internal(pos, "variable scope out of range"))?;
                let thunk = match target.lookup(slot) {
                    Slot::Ready(value) => return Ok(value),
                    Slot::Thunk(thunk) => thunk,
                    Slot::Empty => return Ok(Value::Null),
                };
                let value = self.force_thunk(&thunk).map_err(|e| e.at(pos))?;
                // Later lookups (and values delayed from this variable) find
                // the value itself; the thunk is freed once nothing else
                // holds it.
                target.settle(slot, &thunk, &value);
                Ok(value)
            }
            Var::Global { index, .. } => {
                let value = self.globals.get(index as usize).cloned().unwrap_or(Value::Null);
                self.force(&value).map_err(|e| e.at(pos))
            }
            Var::Scoped { root, global, inner_with, name } => {
                let scope = env.up(root).ok_or_else(|| internal(pos, "variable scope out of range"))?;
                let attrs = self.force_attrs(&scope.slot(0), pos)?;
                if let Some(value) = attrs.get(name) {
                    return self.force(value);
                }
                if let Some(index) = global {
                    return self.lookup(&Var::Global { index, name }, env, pos);
                }
                match inner_with {
                    Some(depth) => self.lookup(&Var::With { depth, name }, env, pos),
                    None => Err(error(ErrorKind::Missing, pos, format!("undefined variable '{name}'"))),
                }
            }
            Var::With { depth, name } => {
                let mut scope = env.up(depth).cloned();
                while let Some(current) = scope {
                    if current.is_with() {
                        let namespace = current.slot(0);
                        let attrs = self.force_attrs(&namespace, pos)?;
                        current.mark_with_searched();
                        if let Some(value) = attrs.get(name) {
                            return self.force(value);
                        }
                    }
                    scope = current.parent.clone();
                }
                Err(error(ErrorKind::Missing, pos, format!("undefined variable '{name}'")))
            }
        }
    }

    /// An attribute name to look up. A computed name that was never
    /// interned stays text (no set can have it), so failed lookups of
    /// generated names (`set ? "x${i}"`) do not grow the interner.
    #[inline]
    fn lookup_name(&self, key: &'static AttrKey, env: &EnvRc, pos: Pos) -> Result<LookupName> {
        match key {
            AttrKey::Static(name) => Ok(LookupName::Known(*name)),
            AttrKey::Dynamic(expr) => self.dynamic_lookup_name(expr, env, pos),
        }
    }

    /// The symbol of an attribute name for `?`, `None` when no set can
    /// have it: [`Evaluator::lookup_name`] without keeping the text of an
    /// unknown name (`?` only needs to know it is absent), and with a
    /// string at hand read in place (`defs ? ${name}`, where `name` is a
    /// function's argument, is the module system's most frequent test).
    #[inline(always)]
    fn key_symbol(&self, key: &'static AttrKey, env: &EnvRc) -> Result<Option<Symbol>> {
        match key {
            AttrKey::Static(name) => Ok(Some(*name)),
            AttrKey::Dynamic(expr) => Ok(self.name_symbol(&self.name_text(expr, env, Pos::NONE)?)),
        }
    }

    /// The text of a computed attribute name (`${expr}`), a string at hand
    /// read in place.
    #[inline(always)]
    fn name_text(&self, expr: &'static Expr, env: &EnvRc, pos: Pos) -> Result<Rc<NixString>> {
        match self.operand(expr, env)? {
            Value::String(text) => Ok(text),
            other => self.force_string(&other, pos),
        }
    }

    #[inline(never)]
    fn dynamic_lookup_name(&self, expr: &'static Expr, env: &EnvRc, pos: Pos) -> Result<LookupName> {
        let text = self.name_text(expr, env, pos)?;
        Ok(match self.name_symbol(&text) {
            Some(name) => LookupName::Known(name),
            None => LookupName::Unknown(text.text.clone()),
        })
    }

    /// The symbol of a string used as an attribute name, if that name was
    /// ever interned (a name nobody interned is in no set; see
    /// [`Symbol::lookup`]).
    ///
    /// The same string value is often used as a name many times (the `name`
    /// a `mapAttrs` function receives, looked up in every module's
    /// definitions), so the symbols of recent strings are kept, with the
    /// strings: a kept string cannot be freed, so a string at its address
    /// is that string, and a hit needs no comparison of the text.
    #[inline(always)]
    pub fn name_symbol(&self, string: &Rc<NixString>) -> Option<Symbol> {
        let index = (Rc::as_ptr(string) as usize >> 4) & (NAME_CACHE_SIZE - 1);
        if let Some((kept, symbol)) = &self.name_cache.borrow()[index] {
            if Rc::ptr_eq(kept, string) {
                return Some(*symbol);
            }
        }
        self.name_symbol_missed(string, index)
    }

    /// [`Evaluator::name_symbol`] for a string not in the cache at `index`.
    #[inline(never)]
    fn name_symbol_missed(&self, string: &Rc<NixString>, index: usize) -> Option<Symbol> {
        let symbol = Symbol::lookup(&string.text)?;
        // The string replaced is dropped after the borrow ends (dropping a
        // string frees only its text).
        let replaced = self.name_cache.borrow_mut()[index].replace((string.clone(), symbol));
        drop(replaced);
        Some(symbol)
    }

    #[inline(never)]
    fn select(
        &self,
        target: &'static Expr,
        path: &'static [AttrKey],
        default: Option<&'static Expr>,
        env: &EnvRc,
        pos: Pos,
    ) -> Result<Value> {
        if let [key] = path {
            // `e.name`, `e.${n}` and `e.name or d` on a set and a name at
            // hand: read in place (no count changes), the value forced after.
            // SAFETY: nothing is evaluated while the borrows live.
            if let Some(found) = unsafe { self.entry_at_hand(target, key, env) } {
                return match (found, default) {
                    (Ok(entry), _) => self.attribute_value(&entry),
                    (Err(_), Some(default)) => self.eval(default, env),
                    (Err((attrs, name)), None) => Err(self.missing_attr(&attrs, name, pos)),
                };
            }
        }
        if let ([AttrKey::Static(name)], None) = (path, default) {
            // `e.name`, the common selection: no path to walk, no default.
            let current = self.operand(target, env)?;
            let Value::Attrs(attrs) = &current else {
                return Err(self.expected(&current, "a set", pos));
            };
            return match attrs.get_entry(*name) {
                Some(entry) => self.attribute_value(entry),
                None => Err(self.missing_attr(attrs, *name, pos)),
            };
        }
        let mut current = self.operand(target, env)?;
        for key in path.iter() {
            let name = self.lookup_name(key, env, pos)?;
            let attrs = match current {
                Value::Attrs(attrs) => attrs,
                other => {
                    if let Some(default) = default {
                        return self.eval(default, env);
                    }
                    return Err(self.expected(&other, "a set", pos));
                }
            };
            let found = match &name {
                LookupName::Known(name) => attrs.get_entry(*name),
                LookupName::Unknown(_) => None,
            };
            match found {
                Some(entry) => current = self.attribute_value(entry)?,
                None => {
                    if let Some(default) = default {
                        return self.eval(default, env);
                    }
                    return Err(self.missing_attr(&attrs, name.intern(), pos));
                }
            }
        }
        Ok(current)
    }

    /// A selected attribute's value, forced; its errors name the attribute.
    #[inline(always)]
    fn attribute_value(&self, entry: &AttrEntry) -> Result<Value> {
        self.force(&entry.value)
            .map_err(|e| e.with_frame(entry.pos, format!("while evaluating the attribute '{}'", entry.name)))
    }

    /// "attribute 'x' missing", with a suggestion when a similar name exists.
    pub fn missing_attr(&self, attrs: &Attrs, name: Symbol, pos: Pos) -> EvalError {
        let suggestions = crate::show::suggestions(name.as_str(), attrs.entries().iter().map(|e| e.name.as_str()));
        error(ErrorKind::Missing, pos, format!("attribute '{name}' missing")).with_suggestions(suggestions)
    }

    /// The set `target` and the name `key` when both are at hand: `target`
    /// a local variable holding a set (or a forced thunk of one) and `key` a
    /// literal name or a local variable holding a string; the name as a
    /// symbol, or its text when no symbol has it (then no set has it).
    /// `None` when something would need evaluating, for the general path,
    /// which keeps Nix's order (the set before the name).
    ///
    /// # Safety
    /// The caller evaluates nothing while the borrows live, so nothing can
    /// change the scopes they point into (see [`EnvRc::ready_ref`]).
    #[inline(always)]
    unsafe fn set_and_name_at_hand<'a>(
        &self,
        target: &'static Expr,
        key: &'static AttrKey,
        env: &'a EnvRc,
    ) -> Option<(&'a Rc<Attrs>, std::result::Result<Symbol, &'a str>)> {
        let Expr::Var(Var::Local { depth, slot, .. }, _) = target else {
            return None;
        };
        // SAFETY: per this function's contract.
        let Value::Attrs(attrs) = (unsafe { env.up(*depth)?.ready_ref(*slot)? }) else {
            return None;
        };
        let name = match key {
            AttrKey::Static(name) => Ok(*name),
            AttrKey::Dynamic(Expr::Var(Var::Local { depth, slot, .. }, _)) => {
                // SAFETY: as above.
                let Value::String(text) = (unsafe { env.up(*depth)?.ready_ref(*slot)? }) else {
                    return None;
                };
                self.name_symbol(text).ok_or(text.as_str())
            }
            AttrKey::Dynamic(_) => return None,
        };
        Some((attrs, name))
    }

    /// The entry `key` names in the set `target` when both are at hand (see
    /// [`Evaluator::set_and_name_at_hand`], whose contract this has): a
    /// clone of the entry, or the set and the name when it is missing (for
    /// the error).
    #[inline(always)]
    unsafe fn entry_at_hand(
        &self,
        target: &'static Expr,
        key: &'static AttrKey,
        env: &EnvRc,
    ) -> Option<std::result::Result<AttrEntry, (Rc<Attrs>, Symbol)>> {
        // SAFETY: per this function's contract.
        let (attrs, name) = unsafe { self.set_and_name_at_hand(target, key, env)? };
        Some(match name {
            Ok(name) => match attrs.get_entry(name) {
                Some(entry) => Ok(entry.clone()),
                None => Err((attrs.clone(), name)),
            },
            Err(text) => Err((attrs.clone(), Symbol::intern(text))),
        })
    }

    #[inline(never)]
    fn has_attr(&self, target: &'static Expr, path: &'static [AttrKey], env: &EnvRc) -> Result<Value> {
        if let [key] = path {
            // `e ? name` and `e ? ${n}` on a set and a name at hand.
            // SAFETY: nothing is evaluated while the borrows live.
            if let Some(found) = unsafe { self.has_at_hand(target, key, env) } {
                return Ok(Value::bool(found));
            }
        }
        let mut current = self.operand(target, env)?;
        for (index, key) in path.iter().enumerate() {
            let Value::Attrs(attrs) = current else {
                return Ok(Value::bool(false));
            };
            let Some(name) = self.key_symbol(key, env)? else {
                return Ok(Value::bool(false));
            };
            match attrs.get(name) {
                Some(value) => {
                    if index + 1 == path.len() {
                        return Ok(Value::bool(true));
                    }
                    current = self.force(value)?;
                }
                None => return Ok(Value::bool(false)),
            }
        }
        Ok(Value::bool(true))
    }

    /// Whether the set `target` has the name `key` when both are at hand
    /// (see [`Evaluator::set_and_name_at_hand`], whose contract this has).
    #[inline(always)]
    unsafe fn has_at_hand(&self, target: &'static Expr, key: &'static AttrKey, env: &EnvRc) -> Option<bool> {
        // SAFETY: per this function's contract.
        let (attrs, name) = unsafe { self.set_and_name_at_hand(target, key, env)? };
        Some(name.is_ok_and(|name| attrs.contains(name)))
    }

    /// Creates the scope of a `let` or `rec` set and fills its slots.
    #[inline(never)]
    fn bind_scope(&self, def: &'static AttrsDef, env: &EnvRc) -> Result<EnvRc> {
        // Only a `with` variable can fail to be delayed (see `delay`).
        if def.with_variables {
            self.fill_scope::<true>(def, env)
        } else {
            self.fill_scope::<false>(def, env)
        }
    }

    /// [`Evaluator::bind_scope`], looking `with` variables up (`LOOK_UP`)
    /// or knowing there are none.
    #[inline(always)]
    fn fill_scope<const LOOK_UP: bool>(&self, def: &'static AttrsDef, env: &EnvRc) -> Result<EnvRc> {
        let scope = Env::with_capacity(def.entries.len(), Some(env.clone()));
        // Bindings that use none of the scope's names (`Inherited`, `Outer`)
        // are evaluated in the enclosing scope: a scope with only such
        // bindings holds nothing that refers back to it, so it is never
        // part of a cycle (the `let` of most modules: `cfg = config.x;`,
        // `inherit (lib) mkIf;`).
        if def.entries.iter().any(|entry| entry.kind == EntryKind::Plain) {
            self.track(&scope);
        }
        let delay = |expr: &'static Expr, env: &EnvRc| {
            if LOOK_UP {
                self.delay(expr, env)
            } else {
                Ok(self.delay_lazily(expr, env))
            }
        };
        for entry in def.entries.iter() {
            let value = match entry.kind {
                EntryKind::Inherited | EntryKind::Outer => delay(&entry.value, env)?,
                // `a = b;` where Nix fills `b`'s slot after `a`'s shares
                // nothing in Nix: `a` gets a thunk of its own (see
                // `fills_later`).
                EntryKind::Plain if fills_later(def, entry) => Thunk::pending(&entry.value, scope.clone()),
                // Slots of this scope may not be filled yet, so variables of
                // depth 0 become thunks (delay handles missing slots).
                EntryKind::Plain => delay(&entry.value, &scope)?,
            };
            scope.push(value);
        }
        Ok(scope)
    }

    #[inline(never)]
    fn build_attrs(&self, def: &'static AttrsDef, env: &EnvRc) -> Result<Value> {
        let delayed = |entry: &'static syntax::ast::AttrEntry| {
            Ok(AttrEntry { name: entry.name, value: self.delay(&entry.value, env)?, pos: entry.pos })
        };
        if !def.recursive && def.dynamics.is_empty() {
            // The common set: its entries written straight into it.
            if !def.with_variables {
                let lazily = |entry: &'static syntax::ast::AttrEntry| AttrEntry {
                    name: entry.name,
                    value: self.delay_lazily(&entry.value, env),
                    pos: entry.pos,
                };
                return Ok(Value::attrs(Attrs::from_sorted_iter(def.entries.iter().map(lazily))));
            }
            let entries = def.entries.iter().map(delayed).collect::<Result<Vec<_>>>()?;
            return Ok(Value::attrs(Attrs::from_sorted(entries)));
        }
        let (mut entries, scope): (Vec<AttrEntry>, EnvRc) = if def.recursive {
            let scope = self.bind_scope(def, env)?;
            let mut entries = def
                .entries
                .iter()
                .enumerate()
                .map(|(slot, entry)| AttrEntry { name: entry.name, value: scope.slot(slot as u32), pos: entry.pos })
                .collect();
            self.apply_overrides(&mut entries, def, &scope)?;
            (entries, scope)
        } else {
            (def.entries.iter().map(delayed).collect::<Result<_>>()?, env.clone())
        };
        for dynamic in def.dynamics.iter() {
            let key = self.eval(&dynamic.key, &scope)?;
            let key = match self.force(&key)? {
                Value::Null => continue,
                other => crate::builtins::force_str_no_context(self, &other, dynamic.pos)?,
            };
            let name = Symbol::intern(&key);
            match Attrs::index_of(&entries, name) {
                Ok(index) => {
                    return Err(error(
                        ErrorKind::Eval,
                        dynamic.pos,
                        format!(
                            "dynamic attribute '{key}' already defined at {}",
                            self.describe_pos(entries[index].pos)
                        ),
                    ));
                }
                Err(index) => entries
                    .insert(index, AttrEntry { name, value: self.delay(&dynamic.value, &scope)?, pos: dynamic.pos }),
            }
        }
        Ok(Value::attrs(Attrs::from_sorted(entries)))
    }

    /// The old `rec { __overrides = { ... }; }` feature: entries of
    /// `__overrides` replace the set's own (`entries`, sorted), also inside
    /// the recursive scope.
    #[inline(never)]
    fn apply_overrides(&self, entries: &mut Vec<AttrEntry>, def: &'static AttrsDef, scope: &EnvRc) -> Result<()> {
        let overrides_symbol = syntax::sym!("__overrides");
        let Ok(at) = Attrs::index_of(entries, overrides_symbol) else {
            return Ok(());
        };
        let overrides = self.force_attrs(&entries[at].value, Pos::NONE)?;
        for entry in overrides.entries() {
            if let Some(slot) = def.entries.iter().position(|e| e.name == entry.name) {
                scope.set(slot, entry.value.clone());
            }
            let replacement = entry.clone();
            match Attrs::index_of(entries, entry.name) {
                Ok(index) => entries[index] = replacement,
                Err(index) => entries.insert(index, replacement),
            }
        }
        Ok(())
    }

    // ---- calls ------------------------------------------------------------------

    /// Applies a function value to an argument.
    pub fn call(&self, function: &Value, argument: Value, pos: Pos) -> Result<Value> {
        self.guarded(pos, |ev| ev.call_inner(function, argument, pos))
    }

    /// [`Evaluator::call`] at a nesting level the caller entered (forcing
    /// an applied thunk): a safe point for the collector, without a level
    /// of its own.
    #[inline(always)]
    fn call_unguarded(&self, function: &Value, argument: Value) -> Result<Value> {
        self.maybe_collect();
        self.call_inner(function, argument, Pos::NONE)
    }

    /// Runs one call: a safe point for the cycle collector, and one level of
    /// the depth and stack limits.
    #[inline(always)]
    fn guarded(&self, pos: Pos, run: impl FnOnce(&Evaluator) -> Result<Value>) -> Result<Value> {
        self.maybe_collect();
        self.enter(pos)?;
        let result = run(self);
        self.leave();
        result
    }

    /// Runs the builtin of an application on the arguments it holds and
    /// its last one, all side by side on the stack. The held arguments are
    /// bitwise copies that own no count (the application owns them, and the
    /// caller's reference keeps it alive for the call; a builtin only reads
    /// its arguments, cloning what it keeps), so none is counted up for the
    /// call and down after it; only the last argument is owned here.
    fn call_applied(&self, app: &PrimOpApp, argument: Value, pos: Pos) -> Result<Value> {
        const ROOM: usize = 8;
        let held = app.args().len();
        if held >= ROOM {
            let mut args = app.args().to_vec();
            args.push(argument);
            return (app.builtin.func)(self, &args, pos);
        }
        let mut buffer: [std::mem::MaybeUninit<Value>; ROOM] = [const { std::mem::MaybeUninit::uninit() }; ROOM];
        let start = buffer.as_mut_ptr() as *mut Value;
        // SAFETY: the buffer has room for `held + 1` values. The first
        // `held` are copies of the application's arguments, which stay alive
        // and unchanged for the call (`app` is borrowed for it) and are only
        // read through the shared slice, never dropped from the buffer; the
        // last is `argument`, moved in and dropped here once.
        unsafe {
            std::ptr::copy_nonoverlapping(app.args().as_ptr(), start, held);
            start.add(held).write(argument);
            let result = (app.builtin.func)(self, std::slice::from_raw_parts(start, held + 1), pos);
            std::ptr::drop_in_place(start.add(held));
            result
        }
    }

    /// `value` itself, or the value of the thunk it is, kept in `slot`:
    /// forced without a count round trip on a value that is no thunk.
    #[inline(always)]
    fn forced_ref<'a>(&self, value: &'a Value, slot: &'a mut Option<Value>) -> Result<&'a Value> {
        match value {
            Value::Thunk(thunk) => Ok(slot.insert(self.force_thunk(thunk)?)),
            other => Ok(other),
        }
    }

    /// Applies a function to two arguments.
    pub fn call2(&self, function: &Value, first: Value, second: Value, pos: Pos) -> Result<Value> {
        // `a: b: body` (the usual shape): bind `a`, then `b` directly in a
        // scope below it, without making the closure of the inner lambda.
        // (The first call would force the function anyway.)
        let mut forced = None;
        let function = self.forced_ref(function, &mut forced)?;
        if let Value::Lambda(closure) = function {
            if let Expr::Lambda(inner) = &closure.def.body {
                let outer = self.guarded_scope(closure.def, &closure.env, first, pos)?;
                return self.guarded(pos, |ev| {
                    // The inner lambda's closure would keep only the scopes
                    // it mentions (see `LambdaDef::skip`).
                    let parent = outer.up(inner.skip).unwrap_or(&outer);
                    let scope = ev.lambda_scope(inner, parent, second, pos)?;
                    ev.eval(&inner.body, &scope)
                });
            }
        }
        let partial = self.call(function, first, pos)?;
        self.call(&partial, second, pos)
    }

    fn call_inner(&self, function: &Value, argument: Value, pos: Pos) -> Result<Value> {
        // The common case, without a reference-count round trip on the callee.
        if let Value::Lambda(closure) = function {
            return self.call_lambda(closure, argument, pos);
        }
        // A lambda in a forced thunk (`map f`'s items apply `f` as it was
        // passed, a variable's thunk), likewise.
        if let Value::Thunk(thunk) = function {
            // SAFETY: a forced thunk's state changes only when the collector
            // empties it as garbage, and this one is not: `function` keeps
            // it alive, held by our caller for the whole call.
            if let Some(Value::Lambda(closure)) = unsafe { thunk.value_ref() } {
                return self.call_lambda(closure, argument, pos);
            }
        }
        // A thunk is forced; any other callee is used as it is (no count
        // round trip either).
        let mut forced = None;
        let function = self.forced_ref(function, &mut forced)?;
        match function {
            Value::Lambda(closure) => self.call_lambda(closure, argument, pos),
            Value::PrimOp(builtin) => {
                if builtin.arity <= 1 {
                    (builtin.func)(self, &[argument], pos)
                } else {
                    Ok(Value::PrimOpApp(PrimOpApp::new(builtin, [argument])))
                }
            }
            Value::PrimOpApp(app) => {
                if app.args().len() + 1 >= app.builtin.arity {
                    self.call_applied(app, argument, pos)
                } else {
                    Ok(Value::PrimOpApp(PrimOpApp::applied(app, argument)))
                }
            }
            Value::Attrs(attrs) => match attrs.get(self.symbols.functor) {
                Some(functor) => {
                    let partial = self.call(functor, function.clone(), pos)?;
                    self.call(&partial, argument, pos)
                }
                None => Err(type_error(pos, "attempt to call something which is not a function but a set")),
            },
            other => {
                Err(type_error(pos, format!("attempt to call something which is not a function but {}", other.shown())))
            }
        }
    }

    fn describe_lambda(&self, def: &LambdaDef) -> String {
        match def.name {
            Some(name) => format!("'{name}' at {}", self.describe_pos(def.pos)),
            None => format!("anonymous function at {}", self.describe_pos(def.pos)),
        }
    }

    /// The scope of a call of `def` in `env`, made as one level of the call
    /// limits (see [`Evaluator::guarded`]).
    fn guarded_scope(&self, def: &'static LambdaDef, env: &EnvRc, argument: Value, pos: Pos) -> Result<EnvRc> {
        self.maybe_collect();
        self.enter(pos)?;
        let scope = self.lambda_scope(def, env, argument, pos);
        self.leave();
        scope
    }

    #[inline(never)]
    fn call_lambda(&self, closure: &Closure, argument: Value, pos: Pos) -> Result<Value> {
        let scope = self.lambda_scope(closure.def, &closure.env, argument, pos)?;
        self.eval(&closure.def.body, &scope)
    }

    /// The scope a lambda's body runs in, with its parameters bound. (A
    /// named parameter's, the common case, is made inline; a pattern's by
    /// [`Evaluator::pattern_scope`].)
    #[inline(always)]
    fn lambda_scope(&self, def: &'static LambdaDef, env: &EnvRc, argument: Value, pos: Pos) -> Result<EnvRc> {
        let calls = self.stats.function_calls.get() + 1;
        self.stats.function_calls.set(calls);
        if calls >= self.gc_next_calls.get() {
            self.gc_due.set(true);
        }
        if let Some(profile) = &self.profile {
            profile.borrow_mut().entry(def as *const _ as usize).or_insert((0, def)).0 += 1;
        }
        match &def.param {
            Param::Ident(_) => Ok(Env::one(argument, Some(env.clone()))),
            Param::Pattern { formals, ellipsis, at } => {
                self.pattern_scope(def, formals, *ellipsis, at.is_some(), env, argument, pos)
            }
        }
    }

    /// [`Evaluator::lambda_scope`] for a pattern `{ a, b ? d, ... } @ x`.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn pattern_scope(
        &self,
        def: &'static LambdaDef,
        formals: &'static [Formal],
        ellipsis: bool,
        at: bool,
        env: &EnvRc,
        argument: Value,
        pos: Pos,
    ) -> Result<EnvRc> {
        let attrs = self
            .force_attrs(&argument, pos)
            .map_err(|e| e.with_frame(pos, format!("while calling {}", self.describe_lambda(def))))?;
        let scope = Env::with_capacity(formals.len() + at as usize, Some(env.clone()));
        let mut used = 0;
        {
            for formal in formals.iter() {
                match attrs.get(formal.name) {
                    Some(value) => {
                        used += 1;
                        scope.push(value.clone());
                    }
                    None => match &formal.default {
                        Some(default) if formal.default_in_parent => scope.push(self.delay(default, env)?),
                        Some(default) => scope.push(Thunk::pending(default, scope.clone())),
                        None => {
                            return Err(type_error(
                                pos,
                                format!(
                                    "{} called without required argument '{}'",
                                    self.describe_lambda(def),
                                    formal.name
                                ),
                            ));
                        }
                    },
                }
            }
            // Only an `@` name refers to the whole argument's slot.
            if at {
                scope.push(argument);
            }
        }
        if !ellipsis && used < attrs.len() {
            for entry in attrs.entries() {
                if !formals.iter().any(|formal| formal.name == entry.name) {
                    let message =
                        format!("{} called with unexpected argument '{}'", self.describe_lambda(def), entry.name);
                    let suggestions =
                        crate::show::suggestions(entry.name.as_str(), formals.iter().map(|f| f.name.as_str()));
                    return Err(type_error(pos, message).with_suggestions(suggestions));
                }
            }
        }
        if formals.iter().any(|f| f.default.is_some() && !f.default_in_parent) {
            // Default thunks point back at the scope.
            self.track(&scope);
        }
        Ok(scope)
    }

    // ---- operators -----------------------------------------------------------------

    #[inline(never)]
    fn binop(&self, op: BinOp, lhs: &'static Expr, rhs: &'static Expr, env: &EnvRc, pos: Pos) -> Result<Value> {
        match op {
            BinOp::And => {
                if !self.truth(self.operand(lhs, env)?, pos)? {
                    return Ok(Value::bool(false));
                }
                Ok(Value::bool(self.truth(self.operand(rhs, env)?, pos)?))
            }
            BinOp::Or => {
                if self.truth(self.operand(lhs, env)?, pos)? {
                    return Ok(Value::bool(true));
                }
                Ok(Value::bool(self.truth(self.operand(rhs, env)?, pos)?))
            }
            BinOp::Implication => {
                if !self.truth(self.operand(lhs, env)?, pos)? {
                    return Ok(Value::bool(true));
                }
                Ok(Value::bool(self.truth(self.operand(rhs, env)?, pos)?))
            }
            BinOp::Concat => {
                let left = self.eval(lhs, env)?;
                let right = self.eval(rhs, env)?;
                self.concat(left, right, pos)
            }
            _ => {
                let left = self.operand(lhs, env)?;
                let right = self.operand(rhs, env)?;
                if let (&Value::Int(a), &Value::Int(b)) = (&left, &right) {
                    if let Some(value) = int_binop(op, a, b) {
                        // Integers own nothing: skip the calls to their
                        // (empty) destructors on this hot path.
                        std::mem::forget(left);
                        std::mem::forget(right);
                        return Ok(value);
                    }
                }
                self.apply_binop(op, &left, &right, pos)
            }
        }
    }

    /// The value of `builtins.NAME` (see `Expr::Builtin`).
    #[inline]
    fn builtin(&self, index: u32, pos: Pos) -> Result<Value> {
        match self.globals.get(index as usize) {
            Some(Value::Thunk(thunk)) => self.force_thunk(thunk).map_err(|e| e.at(pos)),
            Some(value) => Ok(value.clone()),
            None => Err(internal(pos, "builtin out of range")),
        }
    }

    /// [`Evaluator::eval`] for an operand: literals and variables whose value
    /// is known already are read in place, without entering the interpreter.
    #[inline(always)]
    fn operand(&self, expr: &'static Expr, env: &EnvRc) -> Result<Value> {
        match expr {
            Expr::Int(i) => Ok(Value::Int(*i)),
            Expr::Var(Var::Local { depth, slot, .. }, _) => {
                // Written out (no closure) so that everything is inlined and
                // the value stays in registers: a value returned through
                // memory in two stores and read back as one 16-byte load
                // stalls the load (store forwarding fails).
                if let Some(target) = env.up(*depth) {
                    if let Some(value) = target.ready(*slot) {
                        return Ok(value);
                    }
                }
                self.eval(expr, env)
            }
            // Comparisons and arithmetic (conditions, nested operators)
            // without a round through the interpreter's dispatch.
            Expr::BinOp(op, lhs, rhs, pos) => self.binop(*op, lhs, rhs, env, *pos),
            // `e ? name` (conditions) likewise.
            Expr::HasAttr(target, path, _) => self.has_attr(target, path, env),
            // A builtin function is read in place (`builtins.seq a b`);
            // one that is a value may still need evaluating.
            Expr::Builtin(index, _, pos) => match self.globals.get(*index as usize) {
                Some(&Value::PrimOp(builtin)) => Ok(Value::PrimOp(builtin)),
                _ => self.builtin(*index, *pos),
            },
            _ => self.eval(expr, env),
        }
    }

    /// `left ++ right`, reusing a list nothing else holds (the result of a
    /// call, as in `[ x ] ++ go rest` or `acc ++ [ x ]`) instead of copying it
    /// into a new one: nothing can observe the change.
    fn concat(&self, left: Value, right: Value, pos: Pos) -> Result<Value> {
        let a = match left {
            Value::List(list) => list,
            other => self.force_list(&other, pos)?,
        };
        let mut b = match right {
            Value::List(list) => list,
            other => self.force_list(&other, pos)?,
        };
        if b.is_empty() {
            return Ok(Value::List(a));
        }
        if a.is_empty() {
            return Ok(Value::List(b));
        }
        // Growing the longer list copies the fewest items.
        let mut a = a;
        if a.len() >= b.len() {
            if let Some(list) = Rc::get_mut(&mut a) {
                extend_cloned(list.items_mut(), &b);
                return Ok(Value::List(a));
            }
        }
        if let Some(list) = Rc::get_mut(&mut b) {
            list.items_mut().splice(0..0, a.iter().cloned());
            return Ok(Value::List(b));
        }
        if let Some(list) = Rc::get_mut(&mut a) {
            extend_cloned(list.items_mut(), &b);
            return Ok(Value::List(a));
        }
        let mut items = Vec::with_capacity(a.len() + b.len());
        extend_cloned(&mut items, &a);
        extend_cloned(&mut items, &b);
        Ok(Value::list(items))
    }

    /// Applies a strict binary operator to two values.
    pub fn apply_binop(&self, op: BinOp, left: &Value, right: &Value, pos: Pos) -> Result<Value> {
        match op {
            BinOp::Equal => Ok(Value::bool(self.equal(left, right, false)?)),
            BinOp::NotEqual => Ok(Value::bool(!self.equal(left, right, false)?)),
            BinOp::Less => Ok(Value::bool(self.less_than(left, right, pos)?)),
            BinOp::More => Ok(Value::bool(self.less_than(right, left, pos)?)),
            BinOp::LessOrEq => Ok(Value::bool(!self.less_than(right, left, pos)?)),
            BinOp::MoreOrEq => Ok(Value::bool(!self.less_than(left, right, pos)?)),
            // Shared operands: `concat` copies them into a new list.
            BinOp::Concat => self.concat(left.clone(), right.clone(), pos),
            BinOp::Update => {
                let a = self.force_attrs(left, pos)?;
                let b = self.force_attrs(right, pos)?;
                if b.is_empty() {
                    return Ok(Value::Attrs(a));
                }
                if a.is_empty() {
                    return Ok(Value::Attrs(b));
                }
                Ok(Value::attrs(Attrs::update_shared(&a, &b)))
            }
            BinOp::Add => self.add(left, right, pos),
            BinOp::Sub | BinOp::Mul | BinOp::Div => self.arithmetic(op, left, right, pos),
            BinOp::And | BinOp::Or | BinOp::Implication => {
                let a = self.force_bool(left, pos)?;
                let b = self.force_bool(right, pos)?;
                Ok(Value::bool(match op {
                    BinOp::And => a && b,
                    BinOp::Or => a || b,
                    _ => !a || b,
                }))
            }
        }
    }

    /// `-`, `*` and `/` on integers and floats.
    pub fn arithmetic(&self, op: BinOp, left: &Value, right: &Value, pos: Pos) -> Result<Value> {
        let left = self.force(left)?;
        let right = self.force(right)?;
        match (&left, &right) {
            (Value::Int(a), Value::Int(b)) => {
                let result = match op {
                    BinOp::Sub => a.checked_sub(*b),
                    BinOp::Mul => a.checked_mul(*b),
                    BinOp::Div => {
                        if *b == 0 {
                            return Err(error(ErrorKind::Eval, pos, "division by zero"));
                        }
                        a.checked_div(*b)
                    }
                    _ => a.checked_add(*b),
                };
                result.map(Value::Int).ok_or_else(|| overflow(op, *a, *b, pos))
            }
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                let a = as_float(&left);
                let b = as_float(&right);
                Ok(Value::float(match op {
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => {
                        if b == 0.0 {
                            return Err(error(ErrorKind::Eval, pos, "division by zero"));
                        }
                        a / b
                    }
                    _ => a + b,
                }))
            }
            (Value::Int(_) | Value::Float(_), other) => Err(self.expected(other, "an integer", pos)),
            (other, _) => Err(self.expected(other, "an integer", pos)),
        }
    }

    fn add(&self, left: &Value, right: &Value, pos: Pos) -> Result<Value> {
        let left = self.force(left)?;
        let right = self.force(right)?;
        match (&left, &right) {
            (Value::Int(a), Value::Int(b)) => {
                a.checked_add(*b).map(Value::Int).ok_or_else(|| overflow(BinOp::Add, *a, *b, pos))
            }
            // Nix's `+` sums numbers into an accumulator that starts at
            // `0.0`, so `-0.0 + -0.0` is `0.0` (`builtins.add` keeps `-0.0`).
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                Ok(Value::float(0.0 + as_float(&left) + as_float(&right)))
            }
            (Value::Int(_), other) | (Value::Float(_), other) => {
                Err(type_error(pos, format!("cannot add {} to {}", other.shown(), left.shown())))
            }
            (Value::Path(path), _) => {
                let suffix = self.coerce_to_string(&right, pos, Coercion { more: false, copy_to_store: false })?;
                if !suffix.context.is_empty() {
                    return Err(error(
                        ErrorKind::Eval,
                        pos,
                        "a string that refers to a store path cannot be appended to a path",
                    ));
                }
                Ok(Value::path(syntax::canonicalize_path(&format!("{path}{}", suffix.text))))
            }
            _ => {
                let mut result = self.coerce_to_string(&left, pos, Coercion::INTERPOLATION)?;
                let suffix = self.coerce_to_string_shared(&right, pos, Coercion::INTERPOLATION)?;
                result.text.push_str(&suffix.text);
                result.context.extend(suffix.context.iter().cloned());
                Ok(Value::String(Rc::new(result)))
            }
        }
    }

    #[inline(never)]
    fn interpolate(&self, parts: &'static [StrPart], env: &EnvRc) -> Result<Value> {
        // Room for the literal parts and a short piece per interpolation, so
        // that `"key${toString i}"` allocates its text once.
        let capacity = parts
            .iter()
            .map(|part| match part {
                StrPart::Lit(text) => text.len(),
                StrPart::Expr(..) => 16,
            })
            .sum();
        let mut result = NixString::new(String::with_capacity(capacity));
        for part in parts.iter() {
            match part {
                StrPart::Lit(text) => result.text.push_str(text),
                StrPart::Expr(expr, part_pos) => {
                    let value = self.eval(expr, env)?;
                    let piece = self.coerce_to_string_shared(&value, *part_pos, Coercion::INTERPOLATION)?;
                    result.text.push_str(&piece.text);
                    result.context.extend(piece.context.iter().cloned());
                }
            }
        }
        Ok(Value::String(Rc::new(result)))
    }

    #[inline(never)]
    fn interpolate_path(&self, parts: &'static [StrPart], env: &EnvRc, pos: Pos) -> Result<Value> {
        let mut text = String::new();
        for part in parts.iter() {
            match part {
                StrPart::Lit(literal) => text.push_str(literal),
                StrPart::Expr(expr, part_pos) => {
                    let value = self.eval(expr, env)?;
                    let piece =
                        self.coerce_to_string(&value, *part_pos, Coercion { more: false, copy_to_store: false })?;
                    if !piece.context.is_empty() {
                        return Err(error(
                            ErrorKind::Eval,
                            pos,
                            "a string that refers to a store path cannot be appended to a path",
                        ));
                    }
                    text.push_str(&piece.text);
                }
            }
        }
        Ok(Value::path(syntax::canonicalize_path(&text)))
    }

    /// Coerces a value to a string the way Nix's `coerceToString` does.
    pub fn coerce_to_string(&self, value: &Value, pos: Pos, coercion: Coercion) -> Result<NixString> {
        let value = self.force(value)?;
        self.coerce_to_string_owned(&value, pos, coercion)
    }

    /// [`Evaluator::coerce_to_string`] for callers that only read the result:
    /// a string is shared rather than copied.
    pub fn coerce_to_string_shared(&self, value: &Value, pos: Pos, coercion: Coercion) -> Result<Rc<NixString>> {
        if let Value::String(s) = value {
            return Ok(s.clone());
        }
        let value = self.force(value)?;
        match &value {
            Value::String(s) => Ok(s.clone()),
            _ => self.coerce_to_string_owned(&value, pos, coercion).map(Rc::new),
        }
    }

    fn coerce_to_string_owned(&self, value: &Value, pos: Pos, coercion: Coercion) -> Result<NixString> {
        match value {
            Value::String(s) => Ok((**s).clone()),
            Value::Path(path) => {
                if coercion.copy_to_store {
                    let store_path = crate::builtins::copy_path_to_store(self, path, pos)?;
                    let mut context = Context::new();
                    context.insert(store_path.clone());
                    Ok(NixString { text: store_path, context: context.into() })
                } else {
                    Ok(NixString::new((**path).clone()))
                }
            }
            Value::Attrs(attrs) => {
                if let Some(function) = attrs.get(self.symbols.to_string) {
                    let result = self.call(function, value.clone(), pos)?;
                    return self.coerce_to_string(&result, pos, coercion);
                }
                if let Some(out_path) = attrs.get(self.symbols.out_path) {
                    return self.coerce_to_string(out_path, pos, coercion);
                }
                Err(type_error(pos, "cannot coerce a set to a string"))
            }
            Value::Int(i) if coercion.more => Ok(NixString::new(i.to_string())),
            Value::Float(f) if coercion.more => Ok(NixString::new(format!("{:.6}", f.get()))),
            Value::Bool(Flag::TRUE) if coercion.more => Ok(NixString::new("1".to_string())),
            Value::Bool(Flag::FALSE) | Value::Null if coercion.more => Ok(NixString::default()),
            Value::List(items) if coercion.more => {
                let mut result = NixString::default();
                for (index, item) in items.iter().enumerate() {
                    let piece = self.coerce_to_string(item, pos, coercion)?;
                    if index > 0 {
                        // Nix puts no separator after an empty list element.
                        let previous_is_empty_list =
                            matches!(self.force(&items[index - 1])?, Value::List(ref l) if l.is_empty());
                        if !previous_is_empty_list {
                            result.text.push(' ');
                        }
                    }
                    result.text.push_str(&piece.text);
                    result.context.extend(piece.context);
                }
                Ok(result)
            }
            other => Err(type_error(pos, format!("cannot coerce {} to a string", other.shown()))),
        }
    }

    /// Nix's `==`. `nested` enables the pointer-identity shortcut Nix applies
    /// to list elements and attribute values.
    pub fn equal(&self, left: &Value, right: &Value, nested: bool) -> Result<bool> {
        self.check_stack(Pos::NONE)?;
        if nested && same_identity(left, right) {
            return Ok(true);
        }
        let left = self.force(left)?;
        let right = self.force(right)?;
        Ok(match (&left, &right) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => as_float(&left) == as_float(&right),
            (Value::String(a), Value::String(b)) => a.text == b.text,
            (Value::Path(a), Value::Path(b)) => a == b,
            (Value::List(a), Value::List(b)) => {
                if Rc::ptr_eq(a, b) {
                    return Ok(true);
                }
                if a.len() != b.len() {
                    return Ok(false);
                }
                for (x, y) in a.iter().zip(b.iter()) {
                    if !self.equal(x, y, true)? {
                        return Ok(false);
                    }
                }
                true
            }
            (Value::Attrs(a), Value::Attrs(b)) => {
                if Rc::ptr_eq(a, b) {
                    return Ok(true);
                }
                if self.is_derivation(a)? && self.is_derivation(b)? {
                    if let (Some(x), Some(y)) = (a.get(self.symbols.out_path), b.get(self.symbols.out_path)) {
                        return self.equal(x, y, true);
                    }
                }
                if a.len() != b.len() {
                    return Ok(false);
                }
                let (left, right) = (a.entries(), b.entries());
                // Sets with the same names (the usual case) share one order;
                // otherwise Nix pairs the two orders up until a name differs.
                let same_names = left.iter().zip(right).all(|(x, y)| x.name == y.name);
                let left_order = symbol_order(left);
                let right_order = if same_names { left_order.clone() } else { symbol_order(right) };
                for index in 0..left.len() {
                    let (x, y) = (nth_in(left, &left_order, index), nth_in(right, &right_order, index));
                    if x.name != y.name || !self.equal(&x.value, &y.value, true)? {
                        return Ok(false);
                    }
                }
                true
            }
            _ => false,
        })
    }

    /// Whether a set has `type = "derivation"`.
    pub fn is_derivation(&self, attrs: &Attrs) -> Result<bool> {
        match attrs.get(self.symbols.type_) {
            Some(value) => match self.force(value)? {
                Value::String(s) => Ok(s.text == "derivation"),
                _ => Ok(false),
            },
            None => Ok(false),
        }
    }

    /// Nix's `<`: numbers, strings, paths and lists (lexicographically).
    pub fn less_than(&self, left: &Value, right: &Value, pos: Pos) -> Result<bool> {
        let left = self.force(left)?;
        let right = self.force(right)?;
        match (&left, &right) {
            (Value::Int(a), Value::Int(b)) => Ok(a < b),
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                Ok(as_float(&left) < as_float(&right))
            }
            (Value::String(a), Value::String(b)) => Ok(a.text < b.text),
            (Value::Path(a), Value::Path(b)) => Ok(a < b),
            (Value::List(a), Value::List(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    if !self.equal(x, y, false)? {
                        return self.less_than(x, y, pos);
                    }
                }
                Ok(a.len() < b.len())
            }
            _ => Err(type_error(pos, format!("cannot compare {} with {}", left.shown(), right.shown()))),
        }
    }
}

/// Whether `entry` of a `let` or `rec` scope is a variable naming another
/// entry of the same scope that Nix fills after it. Nix fills a scope's
/// slots in the order it keeps names (see [`symbol_order`]), and an entry
/// `a = b;` shares `b`'s value cell only when `b` is filled already;
/// otherwise `a` gets a thunk of its own, and a one- or two-item list `b`
/// evaluates to is then a copy that does not print as `«repeated»` after `b`
/// (found by tests/gen seed 114). Strata fills slots in name order, so this
/// says when to make the thunk Nix would.
fn fills_later(def: &AttrsDef, entry: &syntax::ast::AttrEntry) -> bool {
    match &entry.value {
        Expr::Var(Var::Local { depth: 0, slot, .. }, _) => {
            def.entries.get(*slot as usize).is_some_and(|target| target.name.index() > entry.name.index())
        }
        _ => false,
    }
}

/// Positions into a set's entries, in [`symbol_order`].
type SymbolOrder = smallvec::SmallVec<[u32; 8]>;

/// The `index`-th of `entries` in `order` (their own order for `None`).
fn nth_in<'a>(entries: &'a [AttrEntry], order: &Option<SymbolOrder>, index: usize) -> &'a AttrEntry {
    &entries[order.as_ref().map_or(index, |order| order[index] as usize)]
}

/// The order Nix keeps a set's entries in: by when each name was first
/// interned, not by name; `None` when that is the entries' own order.
/// Comparing and `deepSeq` go in this order, as Nix's do, so that when
/// several values fail, the same failure wins (which matters to `tryEval`: a
/// `throw` is caught, a type error is not). The names Nix creates at
/// start-up are interned first, in Nix's order (`NIX_STARTUP_SYMBOLS`); the
/// others follow in order of appearance, as both parsers meet them.
fn symbol_order(entries: &[AttrEntry]) -> Option<SymbolOrder> {
    if entries.is_sorted_by_key(|entry| entry.name.index()) {
        return None;
    }
    let mut order: SymbolOrder = (0..entries.len() as u32).collect();
    order.sort_unstable_by_key(|&index| entries[index as usize].name.index());
    Some(order)
}

/// The names Nix 2.8's evaluator creates before it reads any file, in its
/// order (its `EvalState` constructor), interned first by
/// [`Evaluator::new`] so that [`symbol_order`] agrees with Nix.
const NIX_STARTUP_SYMBOLS: &[&str] = &[
    "<with>",
    "outPath",
    "drvPath",
    "type",
    "meta",
    "name",
    "value",
    "system",
    "__overrides",
    "outputs",
    "outputName",
    "__ignoreNulls",
    "file",
    "line",
    "column",
    "__functor",
    "__toString",
    "right",
    "wrong",
    "__structuredAttrs",
    "builder",
    "args",
    "__contentAddressed",
    "__impure",
    "outputHash",
    "outputHashAlgo",
    "outputHashMode",
    "recurseForDerivations",
    "description",
    "self",
    "",
    "startSet",
    "operator",
    "key",
    "path",
    "prefix",
];

/// A forced thunk's value, or the value itself.
fn forced_or_itself(value: &Value) -> std::borrow::Cow<'_, Value> {
    match value {
        Value::Thunk(thunk) => match thunk.value() {
            Some(forced) => std::borrow::Cow::Owned(forced),
            None => std::borrow::Cow::Borrowed(value),
        },
        _ => std::borrow::Cow::Borrowed(value),
    }
}

fn same_identity(left: &Value, right: &Value) -> bool {
    // A forced thunk and its value are the same value (slots replace forced
    // thunks by their values).
    let left = forced_or_itself(left);
    let right = forced_or_itself(right);
    match (&*left, &*right) {
        (Value::Thunk(a), Value::Thunk(b)) => Rc::ptr_eq(a, b),
        (Value::Attrs(a), Value::Attrs(b)) => Rc::ptr_eq(a, b),
        (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b),
        (Value::Lambda(a), Value::Lambda(b)) => Rc::ptr_eq(a, b),
        (Value::PrimOp(a), Value::PrimOp(b)) => std::ptr::eq(*a, *b),
        (Value::PrimOpApp(a), Value::PrimOpApp(b)) => Rc::ptr_eq(a, b),
        _ => false,
    }
}

fn as_float(value: &Value) -> f64 {
    match value {
        Value::Int(i) => *i as f64,
        Value::Float(f) => f.get(),
        _ => 0.0,
    }
}

fn overflow(op: BinOp, a: i64, b: i64, pos: Pos) -> EvalError {
    // Current Nix's wording (Nix 2.8 wraps around instead).
    let (verb, symbol) = match op {
        BinOp::Add => ("adding", "+"),
        BinOp::Sub => ("subtracting", "-"),
        BinOp::Mul => ("multiplying", "*"),
        _ => ("dividing", "/"),
    };
    error(ErrorKind::Eval, pos, format!("integer overflow in {verb} {a} {symbol} {b}"))
}

/// How deeply nested an operation `delay` computes right away may be.
const EAGER_DEPTH: u32 = 4;

/// The value of integer arithmetic or an integer comparison whose operands
/// are literals or variables already holding integers, when computing it
/// cannot fail: an argument the callee forces anyway then needs no thunk.
/// (Elsewhere a thunk is observable: unforced values print as `<CODE>`, and
/// `__overrides` changes a `rec` set's slots after they are bound.) Anything else
/// (a thunk not forced yet, another type, an overflow, a division by zero)
/// gives `None` and stays lazy, so errors still happen only when forced.
#[inline(always)]
fn eager_int_op(expr: &Expr, env: &EnvRc, budget: u32) -> Option<Value> {
    let Expr::BinOp(op, lhs, rhs, _) = expr else {
        return None;
    };
    let (a, b) = eager_operands(lhs, rhs, env, budget)?;
    int_binop(*op, a, b)
}

/// The two operands of an operator, when both are integers at hand (see
/// [`eager_int`]) within `budget` levels of nesting.
#[inline(always)]
fn eager_operands(lhs: &Expr, rhs: &Expr, env: &EnvRc, budget: u32) -> Option<(i64, i64)> {
    if budget == 0 {
        return None;
    }
    Some((eager_int(lhs, env, budget - 1)?, eager_int(rhs, env, budget - 1)?))
}

/// `a op b` on two integers, for the operators whose integer case cannot
/// fail; `None` for the others, on overflow and on division by zero (the
/// general path reports those).
#[inline(always)]
fn int_binop(op: BinOp, a: i64, b: i64) -> Option<Value> {
    Some(match op {
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => Value::Int(int_arithmetic(op, a, b)?),
        BinOp::Equal => Value::bool(a == b),
        BinOp::NotEqual => Value::bool(a != b),
        BinOp::Less => Value::bool(a < b),
        BinOp::LessOrEq => Value::bool(a <= b),
        BinOp::More => Value::bool(a > b),
        BinOp::MoreOrEq => Value::bool(a >= b),
        _ => return None,
    })
}

/// `a op b` for the arithmetic operators (see [`int_binop`]).
#[inline(always)]
fn int_arithmetic(op: BinOp, a: i64, b: i64) -> Option<i64> {
    match op {
        BinOp::Add => a.checked_add(b),
        BinOp::Sub => a.checked_sub(b),
        BinOp::Mul => a.checked_mul(b),
        BinOp::Div if b != 0 => a.checked_div(b),
        _ => None,
    }
}

/// An integer operand of [`eager_int_op`], if available without evaluating.
/// (Inlined with `eager_int_op` into the caller, so that the common `n - 1`
/// keeps its values in registers; nested operators go through
/// [`eager_int_nested`].)
#[inline(always)]
fn eager_int(expr: &Expr, env: &EnvRc, budget: u32) -> Option<i64> {
    match expr {
        Expr::Int(i) => Some(*i),
        Expr::Var(Var::Local { depth, slot, .. }, _) => match env.up(*depth)?.ready(*slot)? {
            Value::Int(i) => Some(i),
            _ => None,
        },
        Expr::BinOp(..) => eager_int_nested(expr, env, budget),
        _ => None,
    }
}

/// [`eager_int`] of an operator inside an operator (`a * (b + 1)`),
/// computed as integers.
#[inline(never)]
fn eager_int_nested(expr: &Expr, env: &EnvRc, budget: u32) -> Option<i64> {
    let Expr::BinOp(op, lhs, rhs, _) = expr else {
        return None;
    };
    let (a, b) = eager_operands(lhs, rhs, env, budget)?;
    int_arithmetic(*op, a, b)
}

/// A computed attribute name (see [`Evaluator::lookup_name`]).
enum LookupName {
    /// An interned name.
    Known(Symbol),
    /// Text no symbol has: no attribute set contains it.
    Unknown(String),
}

impl LookupName {
    /// The name as a symbol, interning it if needed (for error messages).
    fn intern(self) -> Symbol {
        match self {
            LookupName::Known(name) => name,
            LookupName::Unknown(text) => Symbol::intern(&text),
        }
    }
}

/// What applying a function in tail position gave: a value, or the body of
/// a lambda and its scope, which the caller evaluates in its own loop.
enum Applied {
    Value(Value),
    Tail(&'static Expr, EnvRc),
}

#[cold]
#[inline(never)]
fn assertion_failed(condition: &Expr, pos: Pos) -> EvalError {
    error(ErrorKind::Assertion, pos, format!("assertion '{}' failed", crate::show::show_expr(condition)))
}

pub(crate) fn internal(pos: Pos, message: &str) -> EvalError {
    error(ErrorKind::Internal, pos, format!("internal error (a bug in Strata): {message}"))
}
