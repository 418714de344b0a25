//! Runtime values.
//!
//! A [`Value`] is 16 bytes: small scalars inline, everything else behind an
//! `Rc`. Laziness is a [`Value::Thunk`] that is forced on demand and then
//! remembers its result, so every holder of the same thunk sees the value once
//! it is computed (this is also what makes Nix's `<CODE>` and `«repeated»`
//! printing reproducible).

use std::collections::BTreeSet;
use std::fmt;
use std::rc::Rc;

use syntax::ast::{Expr, LambdaDef, Pos};
use syntax::Symbol;

use crate::error::EvalError;
use crate::Evaluator;

/// The variants without a reference count come first, so that cloning and
/// dropping a value can tell them from the counted ones with one comparison.
/// The tag is a whole word so that every payload starts at byte 8: a value
/// is then copied as two words (with a one-byte tag, `Bool`'s payload sits in
/// the tag's word and copies go byte by byte through the stack).
#[repr(u64)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    PrimOp(&'static Builtin),
    String(Rc<NixString>),
    Path(Rc<String>),
    Attrs(Rc<Attrs>),
    List(Rc<List>),
    Lambda(Rc<Closure>),
    PrimOpApp(Rc<PrimOpApp>),
    Thunk(Rc<Thunk>),
}

const _: () = assert!(std::mem::size_of::<Value>() == 16 && std::mem::align_of::<Value>() == 8);
const _: () = assert!(std::mem::size_of::<Option<Value>>() == 16);
const _: () = assert!(std::mem::size_of::<Result<Value, EvalError>>() == 16);

impl Clone for Value {
    /// Plain data is copied as is; only the counted variants touch memory
    /// elsewhere. (The derived version goes through a jump table and copies
    /// each variant's payload separately, which shows up in list copies.)
    #[inline]
    fn clone(&self) -> Value {
        match self {
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::PrimOp(_) => {
                // SAFETY: these variants hold only `Copy` data (a bool, an
                // integer, a float, a `&'static` reference), so a bitwise
                // copy of the whole value is a valid, independent clone and
                // nothing is counted or freed twice. The copy goes through
                // `MaybeUninit` words (padding may be uninitialized), which
                // have the size and alignment of `Value` (asserted below),
                // and compiles to two plain moves instead of a byte-wise
                // copy of each variant's payload.
                unsafe {
                    let bits = std::ptr::read(self as *const Value as *const std::mem::MaybeUninit<[u64; 2]>);
                    std::mem::transmute::<std::mem::MaybeUninit<[u64; 2]>, Value>(bits)
                }
            }
            Value::String(rc) => Value::String(Rc::clone(rc)),
            Value::Path(rc) => Value::Path(Rc::clone(rc)),
            Value::Attrs(rc) => Value::Attrs(Rc::clone(rc)),
            Value::List(rc) => Value::List(Rc::clone(rc)),
            Value::Lambda(rc) => Value::Lambda(Rc::clone(rc)),
            Value::PrimOpApp(rc) => Value::PrimOpApp(Rc::clone(rc)),
            Value::Thunk(rc) => Value::Thunk(Rc::clone(rc)),
        }
    }
}

/// The kinds of values, as `builtins.typeOf` and error messages name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Null,
    Bool,
    Int,
    Float,
    String,
    Path,
    Attrs,
    List,
    Lambda,
    PrimOp,
    PrimOpApp,
    Thunk,
}

impl Type {
    /// The phrase Nix uses in "value is X while Y was expected".
    pub fn described(self) -> &'static str {
        match self {
            Type::Null => "null",
            Type::Bool => "a Boolean",
            Type::Int => "an integer",
            Type::Float => "a float",
            Type::String => "a string",
            Type::Path => "a path",
            Type::Attrs => "a set",
            Type::List => "a list",
            Type::Lambda => "a function",
            Type::PrimOp => "a built-in function",
            Type::PrimOpApp => "a partially applied built-in function",
            Type::Thunk => "a thunk",
        }
    }

    /// The name `builtins.typeOf` returns.
    pub fn type_of(self) -> &'static str {
        match self {
            Type::Null => "null",
            Type::Bool => "bool",
            Type::Int => "int",
            Type::Float => "float",
            Type::String => "string",
            Type::Path => "path",
            Type::Attrs => "set",
            Type::List => "list",
            Type::Lambda | Type::PrimOp | Type::PrimOpApp => "lambda",
            Type::Thunk => "thunk",
        }
    }
}

impl Value {
    pub fn type_(&self) -> Type {
        match self {
            Value::Null => Type::Null,
            Value::Bool(_) => Type::Bool,
            Value::Int(_) => Type::Int,
            Value::Float(_) => Type::Float,
            Value::String(_) => Type::String,
            Value::Path(_) => Type::Path,
            Value::Attrs(_) => Type::Attrs,
            Value::List(_) => Type::List,
            Value::Lambda(_) => Type::Lambda,
            Value::PrimOp(_) => Type::PrimOp,
            Value::PrimOpApp(_) => Type::PrimOpApp,
            Value::Thunk(_) => Type::Thunk,
        }
    }

    pub fn string(text: impl Into<String>) -> Value {
        Value::String(Rc::new(NixString::new(text.into())))
    }

    pub fn string_with_context(text: impl Into<String>, context: Context) -> Value {
        Value::String(Rc::new(NixString { text: text.into(), context }))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(List { items, gc: GcHeader::default() }))
    }

    pub fn attrs(attrs: Attrs) -> Value {
        Value::Attrs(Rc::new(attrs))
    }

    pub fn path(path: impl Into<String>) -> Value {
        Value::Path(Rc::new(path.into()))
    }

    /// A thunk that applies `function` to `argument` when forced.
    pub fn lazy_apply(function: Value, argument: Value) -> Value {
        Value::Thunk(Rc::new(Thunk::new(ThunkState::Apply(function, argument))))
    }

    /// A thunk computed by native code when forced.
    pub fn lazy(compute: impl FnOnce(&Evaluator) -> Result<Value, EvalError> + 'static) -> Value {
        Value::Thunk(Rc::new(Thunk::new(ThunkState::Native(Box::new(compute)))))
    }

    /// Whether the value holds a reference count (and so needs a drop).
    #[inline]
    pub fn is_counted(&self) -> bool {
        !matches!(self, Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::PrimOp(_))
    }

    pub fn is_function(&self) -> bool {
        matches!(self, Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_))
    }

    /// True for values whose identity Nix's printer tracks for `«repeated»`.
    pub fn identity(&self) -> Option<usize> {
        match self {
            Value::Attrs(attrs) => Some(Rc::as_ptr(attrs) as usize),
            Value::List(list) => Some(Rc::as_ptr(list) as usize),
            _ => None,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => write!(f, "null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::String(s) => write!(f, "{:?}", s.text),
            Value::Path(p) => write!(f, "{p}"),
            Value::Attrs(a) => write!(f, "{{ {} attrs }}", a.len()),
            Value::List(l) => write!(f, "[ {} items ]", l.len()),
            Value::Lambda(_) => write!(f, "<LAMBDA>"),
            Value::PrimOp(p) => write!(f, "<PRIMOP {}>", p.name),
            Value::PrimOpApp(_) => write!(f, "<PRIMOP-APP>"),
            Value::Thunk(_) => write!(f, "<THUNK>"),
        }
    }
}

/// The string context: which store paths a string refers to. Elements use
/// Nix's encoding: `/nix/store/…` (a path), `=/nix/store/….drv` (a derivation
/// and its whole closure), `!out!/nix/store/….drv` (one output).
pub type Context = BTreeSet<String>;

#[derive(Clone, Debug, Default)]
pub struct NixString {
    pub text: String,
    pub context: Context,
}

impl NixString {
    pub fn new(text: String) -> NixString {
        NixString { text, context: Context::new() }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// An attribute set: entries sorted by name, each with the position of its
/// definition (for `unsafeGetAttrPos` and provenance).
#[derive(Default)]
#[repr(C)]
pub struct Attrs {
    pub(crate) gc: GcHeader,
    entries: Vec<AttrEntry>,
}

impl Clone for Attrs {
    fn clone(&self) -> Attrs {
        Attrs { entries: self.entries.clone(), gc: GcHeader::default() }
    }
}

/// Bookkeeping of the cycle collector inside each heap object (see `gc`).
/// It is the first field of every object the collector visits
/// (`#[repr(C)]`), so the collector finds it without knowing the type.
#[derive(Default)]
pub struct GcHeader(pub(crate) std::cell::Cell<u64>);

/// A list's items.
#[repr(C)]
pub struct List {
    pub(crate) gc: GcHeader,
    items: Vec<Value>,
}

impl List {
    pub fn items(&self) -> &[Value] {
        &self.items
    }

    /// The items, to change a list nothing else holds.
    pub(crate) fn items_mut(&mut self) -> &mut Vec<Value> {
        &mut self.items
    }
}

impl Drop for List {
    /// Drops only the counted items: long lists of numbers are common (and
    /// copied often by `++`), and the generic drop looks at every item's
    /// variant through a jump table.
    fn drop(&mut self) {
        let len = self.items.len();
        let base = self.items.as_mut_ptr();
        // SAFETY: the length is set to zero before any item is dropped, so
        // the `Vec` never drops an item again, even if a drop below unwinds
        // (the remaining items would then leak, which is safe). Every index
        // below `len` is an initialized item that nothing else owns (we
        // have `&mut self`); uncounted items need no drop at all.
        unsafe {
            self.items.set_len(0);
            for index in 0..len {
                let item = base.add(index);
                if (*item).is_counted() {
                    std::ptr::drop_in_place(item);
                }
            }
        }
    }
}

/// Appends clones of `from` to `items`: one copy of the memory, then one
/// count increment per counted value (see [`List`]'s drop for why).
pub fn extend_cloned(items: &mut Vec<Value>, from: &[Value]) {
    items.reserve(from.len());
    for value in from {
        if value.is_counted() {
            std::mem::forget(value.clone());
        }
    }
    // SAFETY: `reserve` made room for `from.len()` more items after the
    // current length, and the two buffers cannot overlap (`items` is
    // borrowed mutably, `from` shared). Each copied counted value owns the
    // increment made for it just above, and uncounted values are plain
    // `Copy` data, so the copies are valid, independent clones.
    unsafe {
        std::ptr::copy_nonoverlapping(from.as_ptr(), items.as_mut_ptr().add(items.len()), from.len());
        items.set_len(items.len() + from.len());
    }
}

impl std::ops::Deref for List {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.items
    }
}

#[derive(Clone)]
pub struct AttrEntry {
    pub name: Symbol,
    pub value: Value,
    pub pos: Pos,
}

impl Attrs {
    pub fn new() -> Attrs {
        Attrs { entries: Vec::new(), gc: GcHeader::default() }
    }

    /// Builds a set from entries in any order; for duplicate names the first
    /// one wins (as in `listToAttrs`, where the first occurrence is kept).
    pub fn from_unsorted(mut entries: Vec<AttrEntry>) -> Attrs {
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        entries.dedup_by(|later, earlier| later.name == earlier.name);
        Attrs { entries, gc: GcHeader::default() }
    }

    /// Builds a set from entries already sorted by name without duplicates.
    pub fn from_sorted(entries: Vec<AttrEntry>) -> Attrs {
        debug_assert!(entries.windows(2).all(|w| w[0].name.as_str() < w[1].name.as_str()));
        Attrs { entries, gc: GcHeader::default() }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> &[AttrEntry] {
        &self.entries
    }

    pub fn into_entries(self) -> Vec<AttrEntry> {
        self.entries
    }

    fn index_of(&self, name: Symbol) -> Result<usize, usize> {
        self.entries.binary_search_by(|entry| entry.name.cmp(&name))
    }

    /// The position of `name`, without computing where it would be inserted.
    #[inline]
    fn find(&self, name: Symbol) -> Option<usize> {
        if self.entries.len() <= 8 {
            return self.entries.iter().position(|entry| entry.name == name);
        }
        self.entries.binary_search_by(|entry| entry.name.cmp(&name)).ok()
    }

    #[inline]
    pub fn get(&self, name: Symbol) -> Option<&Value> {
        self.find(name).map(|index| &self.entries[index].value)
    }

    pub fn get_entry(&self, name: Symbol) -> Option<&AttrEntry> {
        self.find(name).map(|index| &self.entries[index])
    }

    pub fn get_str(&self, name: &str) -> Option<&Value> {
        self.get(Symbol::intern(name))
    }

    pub fn contains(&self, name: Symbol) -> bool {
        self.find(name).is_some()
    }

    /// Inserts or replaces an entry, keeping the order.
    pub fn insert(&mut self, name: Symbol, value: Value, pos: Pos) {
        match self.index_of(name) {
            Ok(index) => self.entries[index] = AttrEntry { name, value, pos },
            Err(index) => self.entries.insert(index, AttrEntry { name, value, pos }),
        }
    }

    /// `self // other`: a linear merge of two sorted sets.
    pub fn update(&self, other: &Attrs) -> Attrs {
        if other.entries.is_empty() {
            return self.clone();
        }
        if self.entries.is_empty() {
            return other.clone();
        }
        let (left, right) = (&self.entries, &other.entries);
        if right.len() * 16 < left.len() {
            return Attrs { entries: insert_few(left, right), gc: GcHeader::default() };
        }
        let mut entries = Vec::with_capacity(left.len() + right.len());
        let (mut i, mut j) = (0, 0);
        while i < left.len() && j < right.len() {
            match left[i].name.cmp(&right[j].name) {
                std::cmp::Ordering::Less => {
                    entries.push(left[i].clone());
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    entries.push(right[j].clone());
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    entries.push(right[j].clone());
                    i += 1;
                    j += 1;
                }
            }
        }
        entries.extend_from_slice(&left[i..]);
        entries.extend_from_slice(&right[j..]);
        Attrs { entries, gc: GcHeader::default() }
    }
}

/// `left // right` for a `right` much smaller than `left` (`super // { x =
/// ...; }` in overlays): each of `right`'s entries is placed by binary search
/// and the runs of `left` between them are copied whole, instead of
/// comparing every name of `left`.
fn insert_few(left: &[AttrEntry], right: &[AttrEntry]) -> Vec<AttrEntry> {
    let mut entries = Vec::with_capacity(left.len() + right.len());
    let mut rest = left;
    for entry in right {
        let (before, replaced) = match rest.binary_search_by(|probe| probe.name.cmp(&entry.name)) {
            Ok(index) => (index, true),
            Err(index) => (index, false),
        };
        entries.extend_from_slice(&rest[..before]);
        entries.push(entry.clone());
        rest = &rest[before + replaced as usize..];
    }
    entries.extend_from_slice(rest);
    entries
}

/// A lambda together with the scope it was created in.
#[repr(C)]
pub struct Closure {
    pub(crate) gc: GcHeader,
    pub def: &'static LambdaDef,
    pub env: Rc<Env>,
}

impl Closure {
    pub fn new(def: &'static LambdaDef, env: Rc<Env>) -> Closure {
        Closure { def, env, gc: GcHeader::default() }
    }
}

/// A builtin function.
pub struct Builtin {
    pub name: &'static str,
    pub arity: usize,
    pub func: fn(&Evaluator, &[Value], Pos) -> Result<Value, EvalError>,
}

/// A builtin applied to fewer arguments than it takes.
#[repr(C)]
pub struct PrimOpApp {
    pub(crate) gc: GcHeader,
    pub builtin: &'static Builtin,
    pub args: Vec<Value>,
}

impl PrimOpApp {
    pub fn new(builtin: &'static Builtin, args: Vec<Value>) -> PrimOpApp {
        PrimOpApp { builtin, args, gc: GcHeader::default() }
    }
}

/// One scope at run time: the slots of a `let`, `rec` set or lambda, or the
/// namespace of a `with` (slot 0).
/// The slots of one scope; most scopes have three or fewer.
pub type Slots = smallvec::SmallVec<[Value; 3]>;

/// A scope's slots and a thunk's state change while other code holds the
/// object (a slot is filled, a thunk is forced), so they sit in an
/// `UnsafeCell` rather than a `RefCell`, which would cost a flag per object
/// and a check per access on the interpreter's hottest paths.
///
/// Soundness rests on one rule, kept by every method below: no reference
/// into the cell outlives the method that made it, and nothing that could
/// reach the same cell runs while such a reference exists. Methods only
/// clone values (which touches reference counts and nothing else) or move
/// them; values that are replaced are dropped after the reference has ended,
/// because dropping a value may free other scopes and thunks, and through
/// them reach this object again. The collector's read-only views
/// (`unsafe fn slots`, `unsafe fn state`) are the one exception, and their
/// callers promise the same.
#[repr(C)]
pub struct Env {
    pub(crate) gc: GcHeader,
    slots: std::cell::UnsafeCell<Slots>,
    pub parent: Option<Rc<Env>>,
    pub is_with: bool,
}

/// What a scope's slot holds, seen through forced thunks.
pub(crate) enum Slot {
    /// A value, or the value of a forced thunk.
    Ready(Value),
    /// A thunk not forced yet.
    Thunk(Rc<Thunk>),
    /// Not filled yet (a `let` being built).
    Empty,
}

impl Env {
    pub fn new(slots: Slots, parent: Option<Rc<Env>>) -> Rc<Env> {
        Rc::new(Env { slots: std::cell::UnsafeCell::new(slots), parent, is_with: false, gc: GcHeader::default() })
    }

    pub fn with_scope(namespace: Value, parent: Option<Rc<Env>>) -> Rc<Env> {
        Rc::new(Env {
            slots: std::cell::UnsafeCell::new(smallvec::smallvec![namespace]),
            parent,
            is_with: true,
            gc: GcHeader::default(),
        })
    }

    /// A slot's value, or null when the slot is not filled yet.
    #[inline]
    pub fn slot(&self, slot: u32) -> Value {
        // SAFETY: the reference ends within this expression and cloning a
        // value cannot reach this scope (see `Env`).
        unsafe { (&*self.slots.get()).get(slot as usize).cloned().unwrap_or(Value::Null) }
    }

    /// A slot, with a forced thunk read as its value.
    #[inline]
    pub(crate) fn lookup(&self, slot: u32) -> Slot {
        // SAFETY: both references end within this block and only clones
        // are made (see `Env`); the thunk's state is read the same way.
        unsafe {
            match (&*self.slots.get()).get(slot as usize) {
                Some(Value::Thunk(thunk)) => match &*thunk.state.get() {
                    ThunkState::Done(value) => Slot::Ready(value.clone()),
                    _ => Slot::Thunk(thunk.clone()),
                },
                Some(value) => Slot::Ready(value.clone()),
                None => Slot::Empty,
            }
        }
    }

    /// A slot's value if it is known without forcing anything.
    #[inline]
    pub(crate) fn ready(&self, slot: u32) -> Option<Value> {
        // SAFETY: as in `lookup`.
        unsafe {
            match (&*self.slots.get()).get(slot as usize)? {
                Value::Thunk(thunk) => match &*thunk.state.get() {
                    ThunkState::Done(value) => Some(value.clone()),
                    _ => None,
                },
                value => Some(value.clone()),
            }
        }
    }

    /// The number of slots filled.
    #[inline]
    pub fn len(&self) -> usize {
        // SAFETY: see `Env`.
        unsafe { (&*self.slots.get()).len() }
    }

    /// Whether no slot is filled.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Fills the next slot.
    #[inline]
    pub fn push(&self, value: Value) {
        // SAFETY: no other reference into the cell exists (see `Env`), and
        // pushing drops nothing.
        unsafe { (&mut *self.slots.get()).push(value) }
    }

    /// Replaces a filled slot's value.
    pub fn set(&self, slot: usize, value: Value) {
        // SAFETY: see `Env`; the old value is dropped after the reference
        // has ended.
        let old = unsafe { (&mut *self.slots.get()).get_mut(slot).map(|held| std::mem::replace(held, value)) };
        drop(old);
    }

    /// Replaces the thunk in `slot` by its value, if the slot still holds
    /// that thunk: later lookups find the value without the thunk.
    #[inline]
    pub(crate) fn settle(&self, slot: u32, thunk: &Rc<Thunk>, value: &Value) {
        // SAFETY: see `Env`; the replaced thunk is dropped after the
        // reference has ended.
        let old = unsafe {
            match (&mut *self.slots.get()).get_mut(slot as usize) {
                Some(held) if matches!(&*held, Value::Thunk(held) if Rc::ptr_eq(held, thunk)) => {
                    Some(std::mem::replace(held, value.clone()))
                }
                _ => None,
            }
        };
        drop(old);
    }

    /// Empties the scope and returns what it held (for the collector, which
    /// breaks cycles this way).
    pub(crate) fn take_slots(&self) -> Slots {
        // SAFETY: see `Env`; the caller drops the slots after this returns.
        unsafe { std::mem::take(&mut *self.slots.get()) }
    }

    /// The slots, for the collector's walk.
    ///
    /// # Safety
    /// Nothing may change or drop this scope's slots while the reference
    /// lives: the caller must not evaluate, drop values or call the other
    /// methods of this scope meanwhile.
    #[inline]
    pub(crate) unsafe fn slots(&self) -> &Slots {
        &*self.slots.get()
    }

    pub fn up(self: &Rc<Env>, depth: u32) -> Option<&Rc<Env>> {
        let mut env = self;
        for _ in 0..depth {
            env = env.parent.as_ref()?;
        }
        Some(env)
    }
}

#[repr(C)]
pub struct Thunk {
    pub(crate) gc: GcHeader,
    /// See [`Env`] for how this cell is used soundly.
    state: std::cell::UnsafeCell<ThunkState>,
}

pub enum ThunkState {
    Pending(&'static Expr, Rc<Env>),
    Apply(Value, Value),
    Native(Box<dyn FnOnce(&Evaluator) -> Result<Value, EvalError>>),
    /// Being forced right now: forcing it again is infinite recursion.
    Blackhole,
    Done(Value),
}

impl Thunk {
    pub fn new(state: ThunkState) -> Thunk {
        Thunk { state: std::cell::UnsafeCell::new(state), gc: GcHeader::default() }
    }

    pub fn pending(expr: &'static Expr, env: Rc<Env>) -> Value {
        Value::Thunk(Rc::new(Thunk::new(ThunkState::Pending(expr, env))))
    }

    /// The value if the thunk was forced already.
    #[inline]
    pub fn value(&self) -> Option<Value> {
        // SAFETY: the reference ends within this block and only a clone is
        // made (see `Env`).
        unsafe {
            match &*self.state.get() {
                ThunkState::Done(value) => Some(value.clone()),
                _ => None,
            }
        }
    }

    /// Sets a new state and returns the old one, which the caller drops.
    #[inline]
    pub(crate) fn replace(&self, state: ThunkState) -> ThunkState {
        // SAFETY: no other reference into the cell exists (see `Env`); the
        // old state is moved out, not dropped here.
        unsafe { std::mem::replace(&mut *self.state.get(), state) }
    }

    /// Sets a new state, dropping the old one after the cell is updated.
    #[inline]
    pub(crate) fn set(&self, state: ThunkState) {
        drop(self.replace(state));
    }

    /// Stores the value of a thunk that was being forced. The black hole it
    /// replaces holds nothing, so the common case drops nothing (and calls no
    /// destructor).
    #[inline]
    pub(crate) fn finish(&self, value: Value) {
        match self.replace(ThunkState::Done(value)) {
            ThunkState::Blackhole => {}
            other => drop(other),
        }
    }

    /// The state, for the collector's walk.
    ///
    /// # Safety
    /// As for [`Env::slots`]: nothing may change or drop this thunk's state
    /// while the reference lives.
    #[inline]
    pub(crate) unsafe fn state(&self) -> &ThunkState {
        &*self.state.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(value: Value) -> Rc<Thunk> {
        Rc::new(Thunk::new(ThunkState::Done(value)))
    }

    #[test]
    fn a_scope_reads_forced_thunks_as_their_values() {
        let pending = Rc::new(Thunk::new(ThunkState::Blackhole));
        let scope = Env::new(smallvec::smallvec![Value::Int(1), Value::Thunk(done(Value::Int(2)))], None);
        scope.push(Value::Thunk(pending.clone()));
        assert!(matches!(scope.lookup(0), Slot::Ready(Value::Int(1))));
        assert!(matches!(scope.lookup(1), Slot::Ready(Value::Int(2))));
        assert!(matches!(scope.lookup(2), Slot::Thunk(ref thunk) if Rc::ptr_eq(thunk, &pending)));
        assert!(matches!(scope.lookup(3), Slot::Empty));
        assert!(matches!(scope.ready(1), Some(Value::Int(2))));
        assert!(scope.ready(2).is_none());
        assert_eq!(scope.len(), 3);
    }

    #[test]
    fn settling_replaces_only_the_thunk_that_was_forced() {
        let first = Rc::new(Thunk::new(ThunkState::Blackhole));
        let other = Rc::new(Thunk::new(ThunkState::Blackhole));
        let scope = Env::new(smallvec::smallvec![Value::Thunk(first.clone())], None);
        scope.settle(0, &other, &Value::Int(7));
        assert!(matches!(scope.lookup(0), Slot::Thunk(_)));
        scope.settle(0, &first, &Value::Int(7));
        assert!(matches!(scope.lookup(0), Slot::Ready(Value::Int(7))));
        // The slot's reference to the thunk was released.
        assert_eq!(Rc::strong_count(&first), 1);
    }

    #[test]
    fn replaced_values_are_dropped_after_the_change() {
        // A scope whose only slot holds the last reference to a thunk that
        // holds the scope's parent: replacing the slot frees that chain.
        let parent = Env::new(smallvec::smallvec![Value::Int(1)], None);
        let weak = Rc::downgrade(&parent);
        let thunk = Rc::new(Thunk::new(ThunkState::Pending(&Expr::Null, parent)));
        let scope = Env::new(smallvec::smallvec![Value::Thunk(thunk)], None);
        scope.set(0, Value::Null);
        assert!(weak.upgrade().is_none());
        assert!(matches!(scope.slot(0), Value::Null));
        let taken = scope.take_slots();
        assert_eq!(taken.len(), 1);
        assert!(scope.is_empty());
        assert!(matches!(scope.slot(0), Value::Null));
    }

    fn set_of(entries: &[(&str, i64)]) -> Attrs {
        Attrs::from_unsorted(
            entries
                .iter()
                .map(|&(name, value)| AttrEntry {
                    name: Symbol::intern(name),
                    value: Value::Int(value),
                    pos: Pos::NONE,
                })
                .collect(),
        )
    }

    fn contents(attrs: &Attrs) -> Vec<(String, i64)> {
        attrs
            .entries()
            .iter()
            .map(|entry| (entry.name.to_string(), if let Value::Int(i) = entry.value { i } else { -1 }))
            .collect()
    }

    #[test]
    fn updating_a_large_set_with_a_few_names_matches_the_merge() {
        let names: Vec<String> = (0..100).map(|i| format!("name{i:03}")).collect();
        let left: Vec<(&str, i64)> = names.iter().map(|name| (name.as_str(), 0)).collect();
        let left = set_of(&left);
        // Before every name, after every name, in between, and replacing.
        for right in [
            vec![("a", 1), ("name050", 2), ("name0505", 3), ("zzz", 4)],
            vec![("name000", 5)],
            vec![("name099", 6), ("name100", 7)],
        ] {
            let updated = left.update(&set_of(&right));
            let mut expected: std::collections::BTreeMap<String, i64> =
                names.iter().map(|name| (name.clone(), 0)).collect();
            expected.extend(right.iter().map(|&(name, value)| (name.to_string(), value)));
            assert_eq!(contents(&updated), expected.into_iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_thunk_state_is_replaced_and_read_back() {
        let thunk = Thunk::new(ThunkState::Blackhole);
        assert!(thunk.value().is_none());
        let old = thunk.replace(ThunkState::Done(Value::Int(3)));
        assert!(matches!(old, ThunkState::Blackhole));
        assert!(matches!(thunk.value(), Some(Value::Int(3))));
        thunk.set(ThunkState::Blackhole);
        assert!(thunk.value().is_none());
    }
}
