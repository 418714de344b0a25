//! Runtime values.
//!
//! A [`Value`] is 16 bytes: small scalars inline, everything else behind an
//! `Rc`. Laziness is a [`Value::Thunk`] that is forced on demand and then
//! remembers its result, so every holder of the same thunk sees the value once
//! it is computed (this is also what makes Nix's `<CODE>` and `«repeated»`
//! printing reproducible).

use crate::rc::Rc;
use std::collections::BTreeSet;
use std::fmt;

use syntax::ast::{Expr, LambdaDef, Pos};
use syntax::Symbol;

use crate::error::EvalError;
use crate::Evaluator;

/// The variants without a reference count come first, so that cloning and
/// dropping a value can tell them from the counted ones with one comparison.
/// The tag is a whole word and every payload is one word at byte 8 (an
/// integer or a pointer; booleans and floats are kept as words too, see
/// [`Flag`] and [`FloatBits`]): the compiler then passes and returns a value
/// in two registers instead of through memory, where a value written as a
/// tag and a payload and read back as one 16-byte copy stalls the read.
#[repr(u64)]
pub enum Value {
    Null,
    Bool(Flag),
    Int(i64),
    Float(FloatBits),
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

/// A boolean as a whole word, the payload of [`Value::Bool`] (see [`Value`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[repr(transparent)]
pub struct Flag(u64);

impl Flag {
    pub const TRUE: Flag = Flag(1);
    pub const FALSE: Flag = Flag(0);

    #[inline(always)]
    pub const fn new(value: bool) -> Flag {
        Flag(value as u64)
    }

    #[inline(always)]
    pub const fn get(self) -> bool {
        self.0 != 0
    }
}

/// A float as its bits, the payload of [`Value::Float`] (see [`Value`]).
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct FloatBits(u64);

impl FloatBits {
    #[inline(always)]
    pub const fn new(value: f64) -> FloatBits {
        FloatBits(value.to_bits())
    }

    #[inline(always)]
    pub const fn get(self) -> f64 {
        f64::from_bits(self.0)
    }
}

impl Clone for Value {
    /// A bitwise copy of the value, plus one count increment for the
    /// counted variants. (The derived version goes through a jump table and
    /// builds each variant anew, storing its tag and payload separately;
    /// copying all 16 bytes at once lets a caller that reads the value
    /// whole get it from the store, which split stores defeat. The counted
    /// variants come last and every one's payload is an `Rc`, whose word is
    /// the address of its count, so the increment is one comparison of the
    /// tag and one add, without a jump through a table.)
    #[inline(always)]
    fn clone(&self) -> Value {
        // SAFETY: `Value` is `#[repr(u64)]`: the tag is the first word and
        // the payload the second (asserted above). The variants from
        // `String` on hold an `Rc` (transparent over its box's address),
        // so for them the second word is a live `Rc`'s word, and the copy
        // below owns the reference added, exactly as a new `Rc` from
        // `Rc::clone` would. For the plain variants the payload is `Copy`
        // data (a bool, an integer, a float, a `&'static` reference), so a
        // bitwise copy is a valid, independent clone. The copy goes through
        // `MaybeUninit` words (padding may be uninitialized), which have the
        // size and alignment of `Value`.
        unsafe {
            let words = self as *const Value as *const u64;
            if *words >= FIRST_COUNTED_TAG {
                // Read as a pointer, which keeps its provenance.
                crate::rc::increment_count_at(*(words.add(1) as *const *const u8));
            }
            let bits = std::ptr::read(self as *const Value as *const std::mem::MaybeUninit<[u64; 2]>);
            std::mem::transmute::<std::mem::MaybeUninit<[u64; 2]>, Value>(bits)
        }
    }
}

/// Sets of up to this many entries are searched by comparing each entry's
/// symbol (one pointer comparison each) instead of by halves (where each
/// step compares names by their text's prefix, two loads away).
const LINEAR_LOOKUP: usize = 16;

/// Items an object releases itself (`ManuallyDrop`), read as they are.
#[inline(always)]
fn unwrapped<T>(items: &[std::mem::ManuallyDrop<T>]) -> &[T] {
    // SAFETY: `ManuallyDrop<T>` is `#[repr(transparent)]` over `T`.
    unsafe { &*(items as *const [std::mem::ManuallyDrop<T>] as *const [T]) }
}

/// The tag of the first counted variant: every variant from it on holds an
/// `Rc`, every one before it plain data.
const FIRST_COUNTED_TAG: u64 = 5;

/// Drops the value at `value` as `drop_in_place` does, with the common
/// cases first: a plain value needs nothing and a shared one only loses a
/// count, both without the jump over the variants that the generic drop
/// takes (which only the last reference, which frees, still goes through).
///
/// # Safety
/// As for `std::ptr::drop_in_place`: `value` is a valid value that is
/// dropped exactly once, here.
#[inline(always)]
pub(crate) unsafe fn release_in_place(value: *mut Value) {
    // SAFETY: per the caller, and as in `Value::clone`: the tag is the first
    // word, and a counted variant's second word is a live `Rc`'s word (read
    // as a pointer, which keeps its provenance). A reference that is not
    // the last is dropped through it; the last is left to the variant's
    // own drop.
    unsafe {
        let words = value as *const u64;
        if *words < FIRST_COUNTED_TAG || crate::rc::release_unless_last(*(words.add(1) as *const *const u8)) {
            return;
        }
        std::ptr::drop_in_place(value);
    }
}

/// The string value kept with a name or a literal (`kept`): made from
/// `text` the first time and kept for the rest of the process, with a
/// reference of its own, so every use shares one value (strings are
/// immutable, so sharing them changes nothing but the allocations).
#[inline]
pub(crate) fn kept_string(kept: &syntax::ast::Kept, text: &str) -> Value {
    let address = kept.get();
    if !address.is_null() {
        // SAFETY: the address of a string value that keeps a reference of
        // its own and is never freed (below).
        return Value::String(unsafe { Rc::clone_at(address as *const u8) });
    }
    let string = Rc::new(NixString::new(text.to_owned()));
    kept.set(Rc::as_ptr(&string) as *const ());
    // The reference kept.
    std::mem::forget(string.clone());
    Value::String(string)
}

impl Value {
    /// Drops the value with the common cases first (see
    /// [`release_in_place`]): for hot paths that drop values of any kind.
    #[inline(always)]
    pub(crate) fn release(self) {
        let mut value = std::mem::ManuallyDrop::new(self);
        // SAFETY: the value is dropped once, here (`ManuallyDrop` keeps
        // the usual drop from running).
        unsafe { release_in_place(&mut *value) }
    }
}

const _: () = {
    // The tags `Value::clone` relies on.
    let string = Value::String(unsafe { std::mem::transmute::<usize, Rc<NixString>>(8) });
    let tag = unsafe { *(&string as *const Value as *const u64) };
    std::mem::forget(string);
    assert!(tag == FIRST_COUNTED_TAG);
};

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

    /// How Nix names the value in a type error (its `showType` of a
    /// value): the type's phrase, with a built-in function's name and
    /// whether a string has context.
    pub fn shown(&self) -> std::borrow::Cow<'static, str> {
        match self {
            Value::String(s) if !s.context.is_empty() => "a string with context".into(),
            Value::PrimOp(builtin) => format!("the built-in function '{}'", builtin.name).into(),
            Value::PrimOpApp(app) => format!("the partially applied built-in function '{}'", app.builtin.name).into(),
            other => other.type_().described().into(),
        }
    }

    #[inline(always)]
    pub const fn bool(value: bool) -> Value {
        Value::Bool(Flag::new(value))
    }

    #[inline(always)]
    pub const fn float(value: f64) -> Value {
        Value::Float(FloatBits::new(value))
    }

    pub fn string(text: impl Into<String>) -> Value {
        Value::String(Rc::new(NixString::new(text.into())))
    }

    pub fn string_with_context(text: impl Into<String>, context: impl Into<StringContext>) -> Value {
        Value::String(Rc::new(NixString { text: text.into(), context: context.into() }))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(List::new(items)))
    }

    pub fn attrs(attrs: Rc<Attrs>) -> Value {
        Value::Attrs(attrs)
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
            Value::Bool(b) => write!(f, "{}", b.get()),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{}", x.get()),
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

/// The context inside a [`NixString`]: nothing allocated when it is empty
/// (almost every string), and one word instead of a whole set in the
/// string, which keeps a string value (with its reference counts) at 48
/// bytes instead of 64. It reads as a [`Context`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StringContext(Option<Box<Context>>);

/// What an empty [`StringContext`] reads as.
static EMPTY_CONTEXT: Context = Context::new();

impl StringContext {
    /// Adds one element.
    pub fn insert(&mut self, element: String) -> bool {
        self.0.get_or_insert_with(Default::default).insert(element)
    }

    /// The elements as a plain set.
    pub fn into_context(self) -> Context {
        self.0.map(|context| *context).unwrap_or_default()
    }
}

impl std::ops::Deref for StringContext {
    type Target = Context;

    fn deref(&self) -> &Context {
        self.0.as_deref().unwrap_or(&EMPTY_CONTEXT)
    }
}

impl From<Context> for StringContext {
    fn from(context: Context) -> StringContext {
        StringContext(if context.is_empty() { None } else { Some(Box::new(context)) })
    }
}

impl Extend<String> for StringContext {
    /// Allocates the set only when there is something to add.
    fn extend<I: IntoIterator<Item = String>>(&mut self, elements: I) {
        let mut elements = elements.into_iter().peekable();
        if elements.peek().is_some() {
            self.0.get_or_insert_with(Default::default).extend(elements);
        }
    }
}

impl IntoIterator for StringContext {
    type Item = String;
    type IntoIter = std::collections::btree_set::IntoIter<String>;

    fn into_iter(self) -> Self::IntoIter {
        self.into_context().into_iter()
    }
}

impl<'a> IntoIterator for &'a StringContext {
    type Item = &'a String;
    type IntoIter = std::collections::btree_set::Iter<'a, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[derive(Clone, Debug, Default)]
pub struct NixString {
    pub text: String,
    pub context: StringContext,
}

const _: () = assert!(std::mem::size_of::<NixString>() == 32);
// A thunk's state is two values at most (an application), so that a thunk
// is 48 bytes with its count and header.
const _: () = assert!(std::mem::size_of::<ThunkState>() == 32);

impl NixString {
    pub fn new(text: String) -> NixString {
        NixString { text, context: StringContext::default() }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// An attribute set: entries sorted by name, each with the position of its
/// definition (for `unsafeGetAttrPos` and provenance).
///
/// The entries are in the set's own allocation, after its other fields
/// (see [`crate::rc::Thin`]): a set exists only behind an `Rc`, made by
/// [`Attrs::from_sorted`], [`Attrs::from_unsorted`],
/// [`Attrs::from_sorted_iter`] or a `//`. (Boxed entries cost a second
/// allocation per set and a second cache miss per lookup: on the fleet
/// benchmark, 1.4% fewer instructions and 3% fewer objects for the
/// collector to visit; the peak grew from 64 to 69 MiB, collections coming
/// later as fewer bytes are allocated.)
///
/// A set made by `big // small` may be a *layer*: the few entries of the
/// right side over a shared reference to the left side, instead of a copy
/// of every entry (chains of overlays otherwise keep one full copy of a
/// package set per overlay). Lookups search the layers top-down; a chain
/// is at most [`MAX_LAYERS`] deep, and the sorted entries of a layered set
/// are merged once, on first use of [`Attrs::entries`].
#[repr(C)]
pub struct Attrs {
    pub(crate) gc: GcHeader,
    layer: Option<Box<Layer>>,
    /// The length of `entries` (what the set's thin `Rc` reads to find it).
    count: usize,
    /// All entries, or the top layer's entries in a layered set: in the
    /// set's own allocation, after the fields above. Read as `own()`;
    /// `ManuallyDrop` because the set's drop releases the values itself
    /// (see its `Drop`).
    entries: [std::mem::ManuallyDrop<AttrEntry>],
}

impl Drop for Attrs {
    /// Releases each entry's value with the common cases first (see
    /// [`release_in_place`]): names and positions need no drop, and the
    /// generic drop would call through a jump over the variants for every
    /// value. The layer is dropped after this, as a field.
    fn drop(&mut self) {
        for entry in self.entries.iter_mut() {
            // SAFETY: each value is dropped once, here: the entries are
            // `ManuallyDrop`, so nothing drops them again.
            unsafe { release_in_place(&mut entry.value) };
        }
    }
}

/// The fields of [`Attrs`] before its entries, for its layout.
#[repr(C)]
struct AttrsHead {
    gc: GcHeader,
    layer: Option<Box<Layer>>,
    count: usize,
}

crate::rc::thin_by_count!(Attrs, AttrsHead, AttrEntry);

/// What a layered set adds to its top entries.
struct Layer {
    /// The set under the top entries; its names not in the top are the
    /// layered set's other entries.
    below: Rc<Attrs>,
    /// The number of distinct names, counted on first use: counting looks
    /// each top name up below, which a chain of overlays (`super //
    /// overlay self super` over thousands of names) paid at every `//`
    /// though the count is seldom asked for.
    len: std::cell::OnceCell<usize>,
    /// Layers in the chain, this one included.
    depth: u32,
    /// All entries in order, as a plain set, merged on first use. Later
    /// lookups read it, and a `//` over this set layers over it instead of
    /// this set, so the chain below can be freed once nothing else holds it.
    merged: std::cell::OnceCell<Rc<Attrs>>,
}

/// The deepest chain of layers; the next `//` copies all entries again, so
/// a lookup searches at most this many sets plus one.
pub const MAX_LAYERS: u32 = 4;

/// A set below this many entries is always copied by `//`: layering only
/// saves memory on large sets, and costs a little on every lookup.
const MIN_LAYERED_BELOW: usize = 64;

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
    pub(crate) fn new(items: Vec<Value>) -> List {
        List { items, gc: GcHeader::default() }
    }

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
                release_in_place(base.add(index));
            }
        }
    }
}

/// The items in a vector of exactly their length, for a list kept as a
/// value: a vector grown by pushing has room for up to twice as many items,
/// and collecting makes room for at least four (`shrink_to_fit` would not
/// help: the allocator keeps a block that shrinks by less than half).
pub(crate) fn exact_items(items: impl IntoIterator<Item = Value, IntoIter: ExactSizeIterator>) -> Vec<Value> {
    let items = items.into_iter();
    let mut exact = Vec::with_capacity(items.len());
    exact.extend(items);
    exact
}

/// Appends clones of `from` to `items`: one copy of the memory, then one
/// count increment per counted value (see [`List`]'s drop for why).
pub fn extend_cloned(items: &mut Vec<Value>, from: &[Value]) {
    if from.is_empty() {
        // Not even the call to copy nothing.
        return;
    }
    items.reserve(from.len());
    for value in from {
        std::mem::forget(value.clone());
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

pub struct AttrEntry {
    pub name: Symbol,
    pub value: Value,
    pub pos: Pos,
}

impl Clone for AttrEntry {
    /// Inlined into the loops that copy entries (`//`, merging layers).
    #[inline(always)]
    fn clone(&self) -> AttrEntry {
        AttrEntry { name: self.name, value: self.value.clone(), pos: self.pos }
    }
}

impl Attrs {
    /// A set of `count` entries (sorted, without duplicates) over `layer`,
    /// in one allocation: `write` writes exactly `count` entries from the
    /// pointer it is given.
    ///
    /// # Safety
    /// `write` must initialize exactly `count` entries, in order.
    #[inline(always)]
    unsafe fn allocate_with(layer: Option<Box<Layer>>, count: usize, write: impl FnOnce(*mut AttrEntry)) -> Rc<Attrs> {
        // SAFETY: per the caller.
        unsafe { Rc::<Attrs>::new_tailed(AttrsHead { gc: GcHeader::default(), layer, count }, count, write) }
    }

    /// A set of `entries` (sorted, without duplicates) over `layer`, moved
    /// into it.
    fn allocate(layer: Option<Box<Layer>>, mut entries: Vec<AttrEntry>) -> Rc<Attrs> {
        let count = entries.len();
        // SAFETY: the vector's `count` entries are moved (copied, and the
        // vector emptied without dropping them).
        unsafe {
            Attrs::allocate_with(layer, count, |first| {
                std::ptr::copy_nonoverlapping(entries.as_ptr(), first, count);
                entries.set_len(0);
            })
        }
    }

    /// The empty set.
    pub fn new() -> Rc<Attrs> {
        Attrs::allocate(None, Vec::new())
    }

    /// Builds a set from entries in any order; for duplicate names the first
    /// one wins (as in `listToAttrs`, where the first occurrence is kept).
    pub fn from_unsorted(mut entries: Vec<AttrEntry>) -> Rc<Attrs> {
        // Native code lists the names of its records in order where it can:
        // checking costs a comparison per name, sorting a few more.
        if entries.windows(2).all(|pair| pair[0].name < pair[1].name) {
            return Attrs::from_sorted(entries);
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        entries.dedup_by(|later, earlier| later.name == earlier.name);
        Attrs::from_sorted(entries)
    }

    /// Builds a set from entries already sorted by name without duplicates.
    pub fn from_sorted(entries: Vec<AttrEntry>) -> Rc<Attrs> {
        debug_assert!(entries.windows(2).all(|w| w[0].name.as_str() < w[1].name.as_str()));
        Attrs::allocate(None, entries)
    }

    /// Builds a set from entries already sorted by name without duplicates,
    /// written straight into the set (no vector in between).
    pub fn from_sorted_iter(entries: impl ExactSizeIterator<Item = AttrEntry>) -> Rc<Attrs> {
        let count = entries.len();
        // SAFETY: exactly `count` entries are written; an iterator that
        // ends early aborts (the set could not be freed with its layout).
        unsafe {
            Attrs::allocate_with(None, count, |first| {
                let mut written = 0;
                for entry in entries.take(count) {
                    first.add(written).write(entry);
                    written += 1;
                }
                if written != count {
                    std::process::abort();
                }
            })
        }
    }

    /// This set's own entries (the top layer's in a layered set).
    #[inline(always)]
    fn own(&self) -> &[AttrEntry] {
        unwrapped(&self.entries)
    }

    pub fn len(&self) -> usize {
        let Some(layer) = &self.layer else {
            return self.own().len();
        };
        *layer.len.get_or_init(|| match layer.merged.get() {
            Some(merged) => merged.len(),
            None => layer.below.len() + self.own().iter().filter(|entry| !layer.below.contains(entry.name)).count(),
        })
    }

    /// At least [`Attrs::len`], without counting: what deciding whether to
    /// layer needs.
    fn len_at_most(&self) -> usize {
        match &self.layer {
            Some(layer) if layer.len.get().is_none() => layer.below.len_at_most() + self.own().len(),
            _ => self.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        // A layer lies over a set of at least `MIN_LAYERED_BELOW` names.
        self.layer.is_none() && self.own().is_empty()
    }

    /// All entries, sorted by name. For a layered set they are merged (and
    /// kept) on the first call.
    #[inline]
    pub fn entries(&self) -> &[AttrEntry] {
        match &self.layer {
            None => self.own(),
            Some(layer) => layer.merged.get_or_init(|| self.merged_set(&[])).own(),
        }
    }

    /// The layers of this set top-down and, last, the flat (or already
    /// merged) entries at the bottom of the chain.
    fn layers(&self) -> (Vec<&[AttrEntry]>, &[AttrEntry]) {
        let mut tops = Vec::new();
        let mut current = self;
        loop {
            match &current.layer {
                None => return (tops, current.own()),
                Some(layer) => {
                    if let Some(merged) = layer.merged.get() {
                        return (tops, merged.own());
                    }
                    tops.push(current.own());
                    current = &layer.below;
                }
            }
        }
    }

    /// The entries of `self // right`, in one pass over the bottom of the
    /// chain: the entries of `right` and of every layer are gathered, the
    /// highest of each name kept, and the result merged with the bottom.
    /// (Merging layer by layer would copy the whole set once per layer.)
    fn merged_with(&self, right: &[AttrEntry]) -> Vec<AttrEntry> {
        self.merged_by(right, merge_sorted)
    }

    /// `self // right` as a set, its entries written straight into it.
    fn merged_set(&self, right: &[AttrEntry]) -> Rc<Attrs> {
        self.merged_by(right, merged_set)
    }

    /// The merge of [`Attrs::merged_with`], finished by `merge` (on the
    /// bottom of the chain and everything above it).
    fn merged_by<R>(&self, right: &[AttrEntry], merge: impl FnOnce(&[AttrEntry], &[AttrEntry]) -> R) -> R {
        let (tops, bottom) = self.layers();
        if tops.is_empty() {
            return merge(bottom, right);
        }
        let mut over: Vec<AttrEntry> =
            Vec::with_capacity(right.len() + tops.iter().map(|top| top.len()).sum::<usize>());
        // Highest first: `right`, then the layers top-down. The sort is
        // stable, so the first of equal names is the one that wins.
        over.extend_from_slice(right);
        for top in &tops {
            over.extend_from_slice(top);
        }
        over.sort_by(|a, b| a.name.cmp(&b.name));
        over.dedup_by(|later, earlier| later.name == earlier.name);
        merge(bottom, &over)
    }

    /// Where `name` is (or would go) among sorted `entries`.
    pub(crate) fn index_of(entries: &[AttrEntry], name: Symbol) -> Result<usize, usize> {
        entries.binary_search_by(|entry| entry.name.cmp(&name))
    }

    /// The entry for `name` among one layer's own entries.
    #[inline]
    fn find_own(&self, name: Symbol) -> Option<&AttrEntry> {
        let own = self.own();
        if own.len() <= LINEAR_LOOKUP {
            return own.iter().find(|entry| entry.name == name);
        }
        Attrs::index_of(own, name).ok().map(|index| &own[index])
    }

    /// The entry for `name`, searching the layers top-down.
    #[inline]
    fn find(&self, name: Symbol) -> Option<&AttrEntry> {
        let mut current = self;
        loop {
            if let Some(merged) = current.layer.as_ref().and_then(|layer| layer.merged.get()) {
                return merged.find_own(name);
            }
            if let Some(entry) = current.find_own(name) {
                return Some(entry);
            }
            current = &current.layer.as_ref()?.below;
        }
    }

    #[inline]
    pub fn get(&self, name: Symbol) -> Option<&Value> {
        self.find(name).map(|entry| &entry.value)
    }

    pub fn get_entry(&self, name: Symbol) -> Option<&AttrEntry> {
        self.find(name)
    }

    pub fn get_str(&self, name: &str) -> Option<&Value> {
        self.get(Symbol::intern(name))
    }

    pub fn contains(&self, name: Symbol) -> bool {
        self.find(name).is_some()
    }

    /// The set of two sorted runs of entries, `right`'s winning where both
    /// have a name (`left // right` for entries), written straight into it.
    pub fn merged(left: &[AttrEntry], right: &[AttrEntry]) -> Rc<Attrs> {
        merged_set(left, right)
    }

    /// `self // other`: a linear merge of two sorted sets.
    pub fn update(left: &Rc<Attrs>, other: &Attrs) -> Rc<Attrs> {
        if other.is_empty() {
            return Rc::clone(left);
        }
        if left.is_empty() {
            return Attrs::from_sorted(other.sorted_entries().into_owned());
        }
        left.merged_set(&other.sorted_entries())
    }

    /// All entries, sorted, without keeping a merged copy of a layered set
    /// (for a `//` that copies them anyway).
    fn sorted_entries(&self) -> std::borrow::Cow<'_, [AttrEntry]> {
        match &self.layer {
            None => std::borrow::Cow::Borrowed(self.own()),
            Some(layer) => match layer.merged.get() {
                Some(merged) => std::borrow::Cow::Borrowed(merged.own()),
                None => std::borrow::Cow::Owned(self.merged_with(&[])),
            },
        }
    }

    /// `left // right` for a shared `left`: a layer over `left` when
    /// `left` is large and `right` small (see [`Attrs`]), else a merge.
    pub fn update_shared(left: &Rc<Attrs>, right: &Attrs) -> Rc<Attrs> {
        // A layered set that was merged is layered over as its merged copy.
        let (below, depth) = match &left.layer {
            Some(layer) => match layer.merged.get() {
                Some(merged) => (merged, 0),
                None => (left, layer.depth),
            },
            None => (left, 0),
        };
        let below_len = below.len_at_most();
        let layered = below_len >= MIN_LAYERED_BELOW && right.len() * 4 <= below_len && depth < MAX_LAYERS;
        if !layered || right.is_empty() {
            return Attrs::update(below, right);
        }
        let top = right.sorted_entries().into_owned();
        let layer = Layer {
            below: Rc::clone(below),
            len: std::cell::OnceCell::new(),
            depth: depth + 1,
            merged: std::cell::OnceCell::new(),
        };
        Attrs::allocate(Some(Box::new(layer)), top)
    }

    /// Calls `visit` on every value of the set's own entries, and returns
    /// the sets a layer holds (the one below it and its merged copy): what
    /// the cycle collector counts.
    pub(crate) fn for_each_held(&self, mut visit: impl FnMut(&Value)) -> [Option<&Rc<Attrs>>; 2] {
        for entry in self.own().iter() {
            visit(&entry.value);
        }
        match &self.layer {
            Some(layer) => [Some(&layer.below), layer.merged.get()],
            None => [None, None],
        }
    }

    /// Whether the set is a layer over another set.
    pub(crate) fn is_layered(&self) -> bool {
        self.layer.is_some()
    }
}

/// `left // right` on sorted entries.
/// The entries of two runs in name order, in name order; `right`'s entry
/// wins where both have a name.
fn merge_sorted(left: &[AttrEntry], right: &[AttrEntry]) -> Vec<AttrEntry> {
    let mut entries = Vec::with_capacity(left.len() + right.len());
    merge_each(left, right, |run| entries.extend_from_slice(run));
    entries
}

/// [`merge_sorted`] as a set: the merged entries are counted first and then
/// written straight into the set (a `//` of large sets otherwise copies
/// every entry twice).
fn merged_set(left: &[AttrEntry], right: &[AttrEntry]) -> Rc<Attrs> {
    let count = merged_len(left, right);
    // SAFETY: `merge_each` gives the entries of the merge in order, as many
    // as `merged_len` counts; the count is checked as they are written.
    unsafe {
        Attrs::allocate_with(None, count, |first| {
            let mut written = 0;
            merge_each(left, right, |run| {
                if run.len() > count - written {
                    std::process::abort();
                }
                let to = first.add(written);
                for (index, entry) in run.iter().enumerate() {
                    to.add(index).write(entry.clone());
                }
                written += run.len();
            });
            if written != count {
                std::process::abort();
            }
        })
    }
}

/// Whether `right` is small enough beside `left` to be placed by binary
/// search (`super // { x = ...; }` in overlays) rather than by comparing
/// every name of `left`.
fn few(left: &[AttrEntry], right: &[AttrEntry]) -> bool {
    right.len() * 16 < left.len()
}

/// How many entries `left // right` has (the merge's runs counted, not
/// copied).
fn merged_len(left: &[AttrEntry], right: &[AttrEntry]) -> usize {
    let mut count = 0;
    merge_each(left, right, |run| count += run.len());
    count
}

/// Calls `sink` on the entries of `left // right`, in name order, in runs.
#[inline(always)]
fn merge_each<'a>(left: &'a [AttrEntry], right: &'a [AttrEntry], mut sink: impl FnMut(&'a [AttrEntry])) {
    if few(left, right) {
        // Each of `right`'s entries is placed by binary search and the runs
        // of `left` between them are passed whole.
        let mut rest = left;
        for entry in right {
            let (before, replaced) = match Attrs::index_of(rest, entry.name) {
                Ok(index) => (index, true),
                Err(index) => (index, false),
            };
            sink(&rest[..before]);
            sink(std::slice::from_ref(entry));
            rest = &rest[before + replaced as usize..];
        }
        sink(rest);
        return;
    }
    let (left, right) = join_by_name(left, right, |a, b| {
        if let Some(entry) = b.or(a) {
            sink(std::slice::from_ref(entry));
        }
    });
    sink(left);
    sink(right);
}

/// Walks two sets' entries (sorted by name) together, calling `each` with
/// the entry of `left`, of `right`, or of both for every name, until one
/// side ends; returns what is left of the two (one of them empty).
#[inline(always)]
pub(crate) fn join_by_name<'a>(
    left: &'a [AttrEntry],
    right: &'a [AttrEntry],
    mut each: impl FnMut(Option<&'a AttrEntry>, Option<&'a AttrEntry>),
) -> (&'a [AttrEntry], &'a [AttrEntry]) {
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        match left[i].name.cmp(&right[j].name) {
            std::cmp::Ordering::Less => {
                each(Some(&left[i]), None);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                each(None, Some(&right[j]));
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                each(Some(&left[i]), Some(&right[j]));
                i += 1;
                j += 1;
            }
        }
    }
    (&left[i..], &right[j..])
}

/// A lambda together with the scope it was created in.
#[repr(C)]
pub struct Closure {
    pub(crate) gc: GcHeader,
    pub def: &'static LambdaDef,
    pub env: EnvRc,
}

impl Closure {
    pub fn new(def: &'static LambdaDef, env: EnvRc) -> Closure {
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
    /// The length of `args` (what the thin `Rc` reads to find it).
    count: usize,
    /// The arguments so far, in the application's own allocation. Read
    /// as `args()`; `ManuallyDrop` because the application releases them
    /// itself (see its `Drop`).
    held: [std::mem::ManuallyDrop<Value>],
}

impl Drop for PrimOpApp {
    /// Releases the arguments with the common cases first (see
    /// [`release_in_place`]).
    fn drop(&mut self) {
        for arg in self.held.iter_mut() {
            // SAFETY: each argument is dropped once, here: they are
            // `ManuallyDrop`, so nothing drops them again.
            unsafe { release_in_place(&mut **arg) };
        }
    }
}

/// The fields of [`PrimOpApp`] before its arguments, for its layout.
#[repr(C)]
struct PrimOpAppHead {
    gc: GcHeader,
    builtin: &'static Builtin,
    count: usize,
}

crate::rc::thin_by_count!(PrimOpApp, PrimOpAppHead, Value);

impl PrimOpApp {
    /// The arguments so far.
    #[inline(always)]
    pub fn args(&self) -> &[Value] {
        unwrapped(&self.held)
    }

    /// `builtin` applied to `args` (fewer than its arity), moved into the
    /// application.
    pub fn new<const N: usize>(builtin: &'static Builtin, args: [Value; N]) -> Rc<PrimOpApp> {
        let args = std::mem::ManuallyDrop::new(args);
        // SAFETY: the `N` arguments are moved (copied, and the array
        // forgotten).
        unsafe { PrimOpApp::allocate(builtin, N, |first| std::ptr::copy_nonoverlapping(args.as_ptr(), first, N)) }
    }

    /// `app` applied to one more argument.
    pub fn applied(app: &PrimOpApp, argument: Value) -> Rc<PrimOpApp> {
        let count = app.args().len() + 1;
        // SAFETY: the earlier arguments (cloned) and the new one are
        // written, `count` in all.
        unsafe {
            PrimOpApp::allocate(app.builtin, count, |first| {
                for (index, arg) in app.args().iter().enumerate() {
                    first.add(index).write(arg.clone());
                }
                first.add(count - 1).write(argument);
            })
        }
    }

    /// An application of `builtin` to `count` arguments written by `write`.
    ///
    /// # Safety
    /// `write` must initialize exactly `count` arguments.
    #[inline(always)]
    unsafe fn allocate(builtin: &'static Builtin, count: usize, write: impl FnOnce(*mut Value)) -> Rc<PrimOpApp> {
        // SAFETY: per the caller.
        unsafe { Rc::<PrimOpApp>::new_tailed(PrimOpAppHead { gc: GcHeader::default(), builtin, count }, count, write) }
    }
}

/// A scope's slots and a thunk's state change while other code holds the
/// object (a slot is filled, a thunk is forced), so they are reached through
/// raw pointers and `UnsafeCell`s rather than a `RefCell`, which would cost a
/// flag per object and a check per access on the interpreter's hottest paths.
///
/// Soundness rests on one rule, kept by every method below: no reference
/// into a slot or a thunk's state outlives the method that made it, and
/// nothing that could reach the same object runs while such a reference
/// exists. Methods only clone values (which touches reference counts and
/// nothing else) or move them; values that are replaced are dropped after
/// the reference has ended, because dropping a value may free other scopes
/// and thunks, and through them reach this object again. The collector's
/// read-only views (`unsafe fn slots`, `unsafe fn state`) are the one
/// exception, and their callers promise the same.
///
/// One scope at run time: the slots of a `let`, `rec` set or lambda, or the
/// namespace of a `with` (slot 0). A scope is one allocation, reached
/// through [`EnvRc`]: two counts, these fields, then exactly as many slots
/// as the scope was made for (a function of one argument takes 48 bytes).
#[repr(C)]
pub struct Env {
    pub(crate) gc: GcHeader,
    pub parent: Option<EnvRc>,
    /// Slots filled so far (a `let` fills its slots after the scope exists).
    len: std::cell::Cell<u32>,
    /// Slots the allocation has, with [`WITH_SCOPE`] set for a `with`
    /// (and [`WITH_SEARCHED`] once a variable was looked up in it).
    capacity: std::cell::Cell<u32>,
}

/// The bit of `Env::capacity` that marks the scope of a `with`.
const WITH_SCOPE: u32 = 1 << 31;

/// The bit of `Env::capacity` set on a `with` scope once a variable was
/// looked up through it (its namespace was evaluated as a set), as Nix's
/// `Env::HasWithAttrs`: from then on a variable of the scope used where Nix
/// makes a thunk (an argument, a list item, a binding) is looked up at once.
const WITH_SEARCHED: u32 = 1 << 30;

/// The allocation behind an [`EnvRc`]: the counts, the scope, then its
/// slots (`Value`s, uninitialized past `len`).
#[repr(C)]
struct EnvBox {
    /// References through `EnvRc`; the slots and the parent are dropped when
    /// it reaches zero.
    strong: std::cell::Cell<u32>,
    /// References through `EnvWeak` (the collector's list of tracked
    /// scopes), plus one while the contents are being dropped; the
    /// allocation is freed when both counts are zero.
    weak: std::cell::Cell<u32>,
    env: Env,
}

const _: () = assert!(std::mem::size_of::<EnvBox>() == 32 && std::mem::align_of::<EnvBox>() == 8);

/// A counted reference to a scope (what `Rc<Env>` would be, but with the
/// slots in the same allocation and 32-bit counts; see [`Env`]).
pub struct EnvRc(std::ptr::NonNull<EnvBox>);

/// A reference to a scope that does not keep it alive (as `rc::Weak`).
pub struct EnvWeak(std::ptr::NonNull<EnvBox>);

/// What a scope's slot holds, seen through forced thunks.
pub(crate) enum Slot {
    /// A value, or the value of a forced thunk.
    Ready(Value),
    /// A thunk not forced yet.
    Thunk(Rc<Thunk>),
    /// Not filled yet (a `let` being built).
    Empty,
}

/// A list of one or two items. Nix keeps such a list inside the value cell
/// itself, so its identity (what `«repeated»` compares) is the cell's: the
/// thunk that computed it. Scopes keep the thunk of such a value rather than
/// the value, so that every reference to the variable shares that identity.
#[inline]
fn is_small_list(value: &Value) -> bool {
    matches!(value, Value::List(items) if !items.is_empty() && items.len() <= 2)
}

impl EnvBox {
    fn layout(capacity: usize) -> std::alloc::Layout {
        let bytes = std::mem::size_of::<EnvBox>() + capacity * std::mem::size_of::<Value>();
        std::alloc::Layout::from_size_align(bytes, std::mem::align_of::<EnvBox>()).expect("scope too large")
    }
}

impl Env {
    /// A scope with room for `capacity` slots, none filled.
    #[inline]
    pub fn with_capacity(capacity: usize, parent: Option<EnvRc>) -> EnvRc {
        EnvRc::allocate(capacity, 0, parent)
    }

    /// A scope of one slot holding `value` (a function's argument).
    #[inline]
    pub fn one(value: Value, parent: Option<EnvRc>) -> EnvRc {
        let scope = EnvRc::allocate(1, 0, parent);
        scope.push(value);
        scope
    }

    /// A scope holding `values`.
    pub fn from_values(values: Vec<Value>, parent: Option<EnvRc>) -> EnvRc {
        let scope = EnvRc::allocate(values.len(), 0, parent);
        for value in values {
            scope.push(value);
        }
        scope
    }

    /// The scope of a `with`: its namespace in slot 0.
    pub fn with_scope(namespace: Value, parent: Option<EnvRc>) -> EnvRc {
        let scope = EnvRc::allocate(1, WITH_SCOPE, parent);
        scope.push(namespace);
        scope
    }

    /// Whether this is the scope of a `with`.
    #[inline]
    pub fn is_with(&self) -> bool {
        self.capacity.get() & WITH_SCOPE != 0
    }

    /// Whether a variable was looked up through this `with` scope (see
    /// [`WITH_SEARCHED`]).
    #[inline]
    pub fn with_searched(&self) -> bool {
        self.capacity.get() & WITH_SEARCHED != 0
    }

    /// Records that a variable was looked up through this `with` scope.
    #[inline]
    pub fn mark_with_searched(&self) {
        self.capacity.set(self.capacity.get() | WITH_SEARCHED);
    }

    /// The number of slots the scope was made with.
    #[inline]
    fn capacity(&self) -> usize {
        (self.capacity.get() & !(WITH_SCOPE | WITH_SEARCHED)) as usize
    }

    /// The number of slots filled.
    #[inline]
    pub fn len(&self) -> usize {
        self.len.get() as usize
    }

    /// Whether no slot is filled.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl EnvRc {
    /// A new scope with no slot filled, its strong count one.
    #[inline]
    fn allocate(capacity: usize, flags: u32, parent: Option<EnvRc>) -> EnvRc {
        assert!(capacity < WITH_SEARCHED as usize, "scope too large");
        let layout = EnvBox::layout(capacity);
        // SAFETY: the layout has a non-zero size (the box's fields). The
        // fields are initialized before the pointer is used; the slots are
        // written only below `len`, which starts at zero.
        unsafe {
            let pointer = std::alloc::alloc(layout) as *mut EnvBox;
            let Some(pointer) = std::ptr::NonNull::new(pointer) else { std::alloc::handle_alloc_error(layout) };
            pointer.as_ptr().write(EnvBox {
                strong: std::cell::Cell::new(1),
                weak: std::cell::Cell::new(0),
                env: Env {
                    gc: GcHeader::default(),
                    parent,
                    len: std::cell::Cell::new(0),
                    capacity: std::cell::Cell::new(capacity as u32 | flags),
                },
            });
            EnvRc(pointer)
        }
    }

    #[inline(always)]
    fn counts(&self) -> &EnvBox {
        // SAFETY: the box lives while a strong reference does.
        unsafe { self.0.as_ref() }
    }

    /// The first slot. Slots are reached through the allocation's pointer
    /// (which covers them), never through a reference to the `Env`.
    #[inline(always)]
    fn slot_pointer(&self) -> *mut Value {
        // SAFETY: the slots start right after the box's fields, inside the
        // allocation (see `EnvBox::layout`).
        unsafe { (self.0.as_ptr() as *mut u8).add(std::mem::size_of::<EnvBox>()) as *mut Value }
    }

    /// The scope's address, the one the collector knows it by.
    #[inline]
    pub fn as_ptr(this: &EnvRc) -> *const Env {
        // SAFETY: the box lives while a strong reference does.
        unsafe { std::ptr::addr_of!((*this.0.as_ptr()).env) }
    }

    #[inline]
    pub fn ptr_eq(this: &EnvRc, other: &EnvRc) -> bool {
        this.0 == other.0
    }

    #[inline]
    pub fn strong_count(this: &EnvRc) -> usize {
        this.counts().strong.get() as usize
    }

    pub fn downgrade(this: &EnvRc) -> EnvWeak {
        let counts = this.counts();
        increment(&counts.weak);
        EnvWeak(this.0)
    }

    /// The box of the scope at `env` (an address from [`EnvRc::as_ptr`]).
    ///
    /// # Safety
    /// `env` must be the address of a live scope.
    #[inline]
    unsafe fn box_of(env: *const Env) -> std::ptr::NonNull<EnvBox> {
        let offset = std::mem::offset_of!(EnvBox, env);
        // SAFETY: per the caller, `env` is the `env` field of a live box.
        unsafe { std::ptr::NonNull::new_unchecked((env as *mut u8).sub(offset) as *mut EnvBox) }
    }

    /// A handle on the scope at `env` that owns no reference (the
    /// collector's view of a node).
    ///
    /// # Safety
    /// As for [`EnvRc::box_of`], and the scope must outlive the handle.
    #[inline]
    pub(crate) unsafe fn borrowed(env: *const Env) -> std::mem::ManuallyDrop<EnvRc> {
        // SAFETY: per the caller.
        std::mem::ManuallyDrop::new(EnvRc(unsafe { Self::box_of(env) }))
    }

    /// The strong count of the scope at `env`.
    ///
    /// # Safety
    /// As for [`EnvRc::box_of`].
    #[inline]
    pub(crate) unsafe fn strong_count_at(env: *const Env) -> usize {
        // SAFETY: per the caller.
        unsafe { Self::box_of(env).as_ref().strong.get() as usize }
    }

    /// Adds a strong reference to the scope at `env` (for the collector).
    ///
    /// # Safety
    /// As for [`EnvRc::box_of`].
    pub(crate) unsafe fn increment_strong_count(env: *const Env) {
        // SAFETY: per the caller; the reference made here is forgotten.
        std::mem::forget(EnvRc::clone(&std::mem::ManuallyDrop::new(EnvRc(unsafe { Self::box_of(env) }))));
    }

    /// Drops a strong reference to the scope at `env` (for the collector).
    ///
    /// # Safety
    /// As for [`EnvRc::box_of`], and the caller must own the reference.
    pub(crate) unsafe fn decrement_strong_count(env: *const Env) {
        // SAFETY: per the caller.
        drop(EnvRc(unsafe { Self::box_of(env) }));
    }

    /// A slot's value, or null when the slot is not filled yet.
    #[inline]
    pub fn slot(&self, slot: u32) -> Value {
        if slot as usize >= self.len() {
            return Value::Null;
        }
        // SAFETY: the slot is filled (below `len`); only a clone is made
        // (see `Env`).
        unsafe { (*self.slot_pointer().add(slot as usize)).clone() }
    }

    /// A slot, with a forced thunk read as its value.
    #[inline(always)]
    pub(crate) fn lookup(&self, slot: u32) -> Slot {
        if slot as usize >= self.len() {
            return Slot::Empty;
        }
        // SAFETY: the slot is filled; the reference ends within this block
        // and only clones are made (see `Env`); `Thunk::value` touches only
        // the thunk's cell.
        unsafe {
            match &*self.slot_pointer().add(slot as usize) {
                Value::Thunk(thunk) => match thunk.value() {
                    Some(value) if !is_small_list(&value) => Slot::Ready(value),
                    _ => Slot::Thunk(thunk.clone()),
                },
                value => Slot::Ready(value.clone()),
            }
        }
    }

    /// A slot's value if it is known without forcing anything.
    #[inline(always)]
    pub(crate) fn ready(&self, slot: u32) -> Option<Value> {
        if slot as usize >= self.len() {
            return None;
        }
        // SAFETY: as in `lookup`.
        unsafe {
            match &*self.slot_pointer().add(slot as usize) {
                Value::Thunk(thunk) => thunk.value(),
                value => Some(value.clone()),
            }
        }
    }

    /// A slot's value if it is known without forcing anything, borrowed: the
    /// value, or the value of the forced thunk it holds.
    ///
    /// # Safety
    /// Nothing may replace or drop this scope's slots or change the state of
    /// a thunk in them while the reference lives: the caller must not
    /// evaluate anything meanwhile.
    #[inline(always)]
    pub(crate) unsafe fn ready_ref(&self, slot: u32) -> Option<&Value> {
        if slot as usize >= self.len() {
            return None;
        }
        // SAFETY: the slot is filled; per the caller neither it nor a thunk
        // in it changes while the reference lives, so the value stays alive.
        unsafe {
            match &*self.slot_pointer().add(slot as usize) {
                Value::Thunk(thunk) => thunk.value_ref(),
                value => Some(value),
            }
        }
    }

    /// The closure in `slot`, borrowed, if the slot holds a function value
    /// (not a thunk): for calling it without a count round trip.
    ///
    /// # Safety
    /// Nothing may replace or drop this scope's slots while the reference
    /// lives: the caller must not evaluate anything meanwhile.
    #[inline(always)]
    pub(crate) unsafe fn closure_at(&self, slot: u32) -> Option<&Closure> {
        if slot as usize >= self.len() {
            return None;
        }
        // SAFETY: the slot is filled; per the caller it is not changed while
        // the reference lives, so the closure it holds stays alive.
        match unsafe { &*self.slot_pointer().add(slot as usize) } {
            Value::Lambda(closure) => Some(closure),
            _ => None,
        }
    }

    /// Fills the next slot.
    #[inline]
    pub fn push(&self, value: Value) {
        let len = self.len();
        // A scope is made with room for every slot it gets; more would be
        // a bug in the caller, never input.
        assert!(len < self.capacity(), "scope slot out of range");
        // SAFETY: the slot is inside the allocation and not filled yet, so
        // writing it overwrites nothing; no reference to it exists.
        unsafe { self.slot_pointer().add(len).write(value) };
        self.len.set(len as u32 + 1);
    }

    /// Replaces a filled slot's value.
    pub fn set(&self, slot: usize, value: Value) {
        if slot >= self.len() {
            return;
        }
        // SAFETY: the slot is filled; the old value is moved out and dropped
        // after the reference has ended (see `Env`).
        let old = unsafe { std::mem::replace(&mut *self.slot_pointer().add(slot), value) };
        drop(old);
    }

    /// Replaces the thunk in `slot` by its value, if the slot still holds
    /// that thunk: later lookups find the value without the thunk.
    #[inline]
    pub(crate) fn settle(&self, slot: u32, thunk: &Rc<Thunk>, value: &Value) {
        if slot as usize >= self.len() || is_small_list(value) {
            return;
        }
        // SAFETY: the slot is filled; the replaced thunk is dropped after the
        // reference has ended (see `Env`).
        let old = unsafe {
            let held = &mut *self.slot_pointer().add(slot as usize);
            match held {
                Value::Thunk(held_thunk) if Rc::ptr_eq(held_thunk, thunk) => {
                    Some(std::mem::replace(held, value.clone()))
                }
                _ => None,
            }
        };
        drop(old);
    }

    /// Empties the scope and returns what it held (for the collector, which
    /// breaks cycles this way).
    pub(crate) fn take_slots(&self) -> Vec<Value> {
        let len = self.len();
        self.len.set(0);
        // SAFETY: the first `len` slots were filled; `len` is zero now, so
        // nothing reads them again and the values are moved out once.
        (0..len).map(|index| unsafe { self.slot_pointer().add(index).read() }).collect()
    }

    /// The filled slots, for the collector's walk.
    ///
    /// # Safety
    /// Nothing may change or drop this scope's slots while the reference
    /// lives: the caller must not evaluate, drop values or call the other
    /// methods of this scope meanwhile.
    #[inline]
    pub(crate) unsafe fn slots(&self) -> &[Value] {
        // SAFETY: the first `len` slots are filled; per the caller, they do
        // not change while the slice lives.
        unsafe { std::slice::from_raw_parts(self.slot_pointer(), self.len()) }
    }

    /// The scope `depth` levels up.
    #[inline(always)]
    pub fn up(&self, depth: u32) -> Option<&EnvRc> {
        let mut env = self;
        for _ in 0..depth {
            env = env.parent.as_ref()?;
        }
        Some(env)
    }
}

impl std::ops::Deref for EnvRc {
    type Target = Env;

    #[inline(always)]
    fn deref(&self) -> &Env {
        &self.counts().env
    }
}

impl Clone for EnvRc {
    #[inline(always)]
    fn clone(&self) -> EnvRc {
        increment(&self.counts().strong);
        EnvRc(self.0)
    }
}

impl Drop for EnvRc {
    #[inline]
    fn drop(&mut self) {
        let counts = self.counts();
        let strong = counts.strong.get() - 1;
        counts.strong.set(strong);
        if strong == 0 {
            self.drop_contents();
        }
    }
}

impl EnvRc {
    /// Drops the slots and the parent of a scope whose last strong
    /// reference went away, then frees the allocation unless weak
    /// references remain.
    #[inline(never)]
    fn drop_contents(&mut self) {
        let counts = self.counts();
        // Held while the contents are dropped, which may drop weak
        // references to this scope.
        counts.weak.set(counts.weak.get() + 1);
        let len = self.len();
        self.len.set(0);
        // SAFETY: no strong reference remains, so nothing reads the slots or
        // the parent again; the first `len` slots are filled and each is
        // dropped once. The parent is moved out of the box and dropped here.
        unsafe {
            let slots = self.slot_pointer();
            for index in 0..len {
                release_in_place(slots.add(index));
            }
            let parent = std::ptr::addr_of_mut!((*self.0.as_ptr()).env.parent).read();
            drop(parent);
        }
        release_weak(self.0);
    }
}

/// Adds one to a scope's count. A count cannot reach its maximum without as
/// many references in memory; it aborts rather than wraps, as `std::rc::Rc`
/// does.
#[inline(always)]
fn increment(count: &std::cell::Cell<u32>) {
    count.set(count.get().checked_add(1).unwrap_or_else(|| std::process::abort()));
}

/// Drops one weak reference, freeing the allocation if it was the last
/// reference of any kind.
fn release_weak(pointer: std::ptr::NonNull<EnvBox>) {
    // SAFETY: the box lives while a weak reference does.
    let counts = unsafe { pointer.as_ref() };
    let weak = counts.weak.get() - 1;
    counts.weak.set(weak);
    if weak == 0 && counts.strong.get() == 0 {
        let capacity = counts.env.capacity();
        // SAFETY: no reference of any kind remains; the contents were
        // dropped when the strong count reached zero; the layout is the one
        // the box was allocated with.
        unsafe { std::alloc::dealloc(pointer.as_ptr() as *mut u8, EnvBox::layout(capacity)) };
    }
}

impl EnvWeak {
    pub fn upgrade(&self) -> Option<EnvRc> {
        // SAFETY: the box lives while a weak reference does.
        let counts = unsafe { self.0.as_ref() };
        if counts.strong.get() == 0 {
            return None;
        }
        increment(&counts.strong);
        Some(EnvRc(self.0))
    }

    pub fn strong_count(&self) -> usize {
        // SAFETY: the box lives while a weak reference does.
        unsafe { self.0.as_ref().strong.get() as usize }
    }
}

impl Drop for EnvWeak {
    fn drop(&mut self) {
        release_weak(self.0);
    }
}

#[repr(C)]
pub struct Thunk {
    pub(crate) gc: GcHeader,
    /// See [`Env`] for how this cell is used soundly. `ManuallyDrop`: the
    /// thunk drops its state itself (see its `Drop`).
    state: std::cell::UnsafeCell<std::mem::ManuallyDrop<ThunkState>>,
}

impl Drop for Thunk {
    /// A forced thunk (most of those freed) releases its value with the
    /// common cases first (see [`release_in_place`]); any other state is
    /// dropped as it is.
    fn drop(&mut self) {
        let state: &mut ThunkState = self.state.get_mut();
        // SAFETY: the state is dropped once, here (it is `ManuallyDrop`);
        // for `Done` the value is its only part that needs a drop.
        unsafe {
            match state {
                ThunkState::Done(value) => release_in_place(value),
                other => std::ptr::drop_in_place(other),
            }
        }
    }
}

pub enum ThunkState {
    Pending(&'static Expr, EnvRc),
    Apply(Value, Value),
    /// One name of a `zipAttrsWith`: applies `function` to the name and
    /// the list of the values the sets have for it, gathered when forced.
    /// `inputs` holds the function, then the sets, and is shared by all
    /// the names of one call (see `builtins::attrs::zip_attrs_with`).
    Zip {
        inputs: Rc<List>,
        name: Symbol,
    },
    /// One name of a `mapAttrs`: applies `function` to the name and value
    /// of the set's entry at `index` (`inputs` holds the function, then the
    /// set, and is shared by all its names; see
    /// `builtins::attrs::map_attrs`).
    MapAttr {
        inputs: Rc<List>,
        index: usize,
    },
    Native(Box<dyn FnOnce(&Evaluator) -> Result<Value, EvalError>>),
    /// Being forced right now: forcing it again is infinite recursion.
    Blackhole,
    Done(Value),
}

impl Thunk {
    pub fn new(state: ThunkState) -> Thunk {
        Thunk { state: std::cell::UnsafeCell::new(std::mem::ManuallyDrop::new(state)), gc: GcHeader::default() }
    }

    pub fn pending(expr: &'static Expr, env: EnvRc) -> Value {
        Value::Thunk(Rc::new(Thunk::new(ThunkState::Pending(expr, env))))
    }

    /// The value if the thunk was forced already.
    #[inline(always)]
    pub fn value(&self) -> Option<Value> {
        // SAFETY: the reference ends within this block and only a clone is
        // made (see `Env`).
        unsafe {
            match &**self.state.get() {
                ThunkState::Done(value) => Some(value.clone()),
                _ => None,
            }
        }
    }

    /// The value if the thunk was forced already, borrowed.
    ///
    /// # Safety
    /// The thunk's state must not change while the reference lives (the
    /// caller evaluates nothing meanwhile). A forced thunk's state changes
    /// only when the collector empties it as garbage.
    #[inline(always)]
    pub(crate) unsafe fn value_ref(&self) -> Option<&Value> {
        // SAFETY: per the caller, the state stays as it is while the
        // reference lives.
        unsafe {
            match &**self.state.get() {
                ThunkState::Done(value) => Some(value),
                _ => None,
            }
        }
    }

    /// Sets a new state and returns the old one, which the caller drops.
    #[inline]
    pub(crate) fn replace(&self, state: ThunkState) -> ThunkState {
        // SAFETY: no other reference into the cell exists (see `Env`); the
        // old state is moved out, not dropped here.
        unsafe { std::mem::replace(&mut **self.state.get(), state) }
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
        // SAFETY: no other reference into the cell exists (see `Env`); a
        // `Blackhole` holds nothing, so writing over it without dropping it
        // loses nothing (and calls no destructor).
        unsafe {
            let state: &mut ThunkState = &mut *self.state.get();
            if matches!(state, ThunkState::Blackhole) {
                std::ptr::write(state, ThunkState::Done(value));
                return;
            }
        }
        drop(self.replace(ThunkState::Done(value)));
    }

    /// The expression and scope of a thunk nobody forced yet.
    #[inline]
    pub(crate) fn pending_expression(&self) -> Option<(&'static Expr, EnvRc)> {
        // SAFETY: the reference ends within this block and only a clone is
        // made (see `Env`).
        unsafe {
            match &**self.state.get() {
                ThunkState::Pending(expr, env) => Some((*expr, env.clone())),
                _ => None,
            }
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
mod scope_and_update_tests {
    use super::*;

    fn done(value: Value) -> Rc<Thunk> {
        Rc::new(Thunk::new(ThunkState::Done(value)))
    }

    #[test]
    fn a_scope_reads_forced_thunks_as_their_values() {
        let pending = Rc::new(Thunk::new(ThunkState::Blackhole));
        let scope = Env::with_capacity(4, None);
        scope.push(Value::Int(1));
        scope.push(Value::Thunk(done(Value::Int(2))));
        scope.push(Value::Thunk(pending.clone()));
        assert!(matches!(scope.lookup(0), Slot::Ready(Value::Int(1))));
        assert!(matches!(scope.lookup(1), Slot::Ready(Value::Int(2))));
        assert!(matches!(scope.lookup(2), Slot::Thunk(ref thunk) if Rc::ptr_eq(thunk, &pending)));
        assert!(matches!(scope.lookup(3), Slot::Empty));
        assert!(matches!(scope.ready(1), Some(Value::Int(2))));
        assert!(scope.ready(2).is_none());
        assert_eq!(scope.len(), 3);
        // Borrowed: the same values, without a count changed.
        let string = Value::string("kept");
        scope.push(string.clone());
        // SAFETY: nothing changes the scope while the references live.
        unsafe {
            assert!(matches!(scope.ready_ref(1), Some(Value::Int(2))));
            assert!(scope.ready_ref(2).is_none());
            assert!(scope.ready_ref(4).is_none());
            let Some(Value::String(kept)) = scope.ready_ref(3) else { panic!("the string") };
            assert_eq!(kept.as_str(), "kept");
            assert_eq!(Rc::strong_count(kept), 2);
        }
    }

    #[test]
    fn settling_replaces_only_the_thunk_that_was_forced() {
        let first = Rc::new(Thunk::new(ThunkState::Blackhole));
        let other = Rc::new(Thunk::new(ThunkState::Blackhole));
        let scope = Env::from_values(vec![Value::Thunk(first.clone())], None);
        scope.settle(0, &other, &Value::Int(7));
        assert!(matches!(scope.lookup(0), Slot::Thunk(_)));
        scope.settle(0, &first, &Value::Int(7));
        assert!(matches!(scope.lookup(0), Slot::Ready(Value::Int(7))));
        // The slot's reference to the thunk was released.
        assert_eq!(Rc::strong_count(&first), 1);
    }

    #[test]
    fn weak_references_do_not_keep_a_scope_alive() {
        // The last strong reference goes first: the slots and the parent are
        // dropped then, the allocation when the weak reference goes.
        let parent = Env::from_values(vec![Value::string("parent")], None);
        let parent_weak = EnvRc::downgrade(&parent);
        let scope = Env::from_values(vec![Value::string("held"), Value::Int(2)], Some(parent));
        let weak = EnvRc::downgrade(&scope);
        assert_eq!(weak.strong_count(), 1);
        let again = weak.upgrade().expect("alive");
        assert_eq!(EnvRc::strong_count(&scope), 2);
        drop(again);
        drop(scope);
        assert!(weak.upgrade().is_none());
        assert_eq!(weak.strong_count(), 0);
        // The parent was held only by the scope.
        assert!(parent_weak.upgrade().is_none());
        drop(weak);
        // The weak reference goes first: the strong one frees everything.
        let scope = Env::one(Value::string("only"), None);
        drop(EnvRc::downgrade(&scope));
        assert!(matches!(scope.lookup(0), Slot::Ready(Value::String(_))));
    }

    #[test]
    fn the_collector_views_count_and_release_references() {
        let scope = Env::with_capacity(2, None);
        scope.push(Value::Int(1));
        let address = EnvRc::as_ptr(&scope);
        // SAFETY: `scope` keeps the scope alive throughout; the reference
        // added is released again.
        unsafe {
            EnvRc::increment_strong_count(address);
            assert_eq!(EnvRc::strong_count_at(address), 2);
            let view = EnvRc::borrowed(address);
            assert_eq!(view.slots().len(), 1);
            assert!(EnvRc::ptr_eq(&view, &scope));
            EnvRc::decrement_strong_count(address);
        }
        assert_eq!(EnvRc::strong_count(&scope), 1);
        let closure = Value::Lambda(Rc::new(Closure::new(
            Box::leak(Box::new(syntax::ast::LambdaDef {
                name: None,
                pos: Pos::NONE,
                param: syntax::ast::Param::Ident(Symbol::intern("x")),
                body: Expr::Null,
                skip: 0,
                argument_forced: false,
            })),
            scope.clone(),
        )));
        scope.push(closure);
        // SAFETY: nothing changes the slots while the reference is used.
        assert!(unsafe { scope.closure_at(1) }.is_some());
        assert!(unsafe { scope.closure_at(0) }.is_none());
        // The scope holds a closure that holds the scope: a cycle, broken
        // the way the collector breaks it.
        let taken = scope.take_slots();
        assert_eq!(taken.len(), 2);
        drop(taken);
        assert_eq!(EnvRc::strong_count(&scope), 1);
    }

    #[test]
    fn replaced_values_are_dropped_after_the_change() {
        // A scope whose only slot holds the last reference to a thunk that
        // holds the scope's parent: replacing the slot frees that chain.
        let parent = Env::from_values(vec![Value::Int(1)], None);
        let weak = EnvRc::downgrade(&parent);
        let thunk = Rc::new(Thunk::new(ThunkState::Pending(&Expr::Null, parent)));
        let scope = Env::from_values(vec![Value::Thunk(thunk)], None);
        scope.set(0, Value::Null);
        assert!(weak.upgrade().is_none());
        assert!(matches!(scope.slot(0), Value::Null));
        let taken = scope.take_slots();
        assert_eq!(taken.len(), 1);
        assert!(scope.is_empty());
        assert!(matches!(scope.slot(0), Value::Null));
    }

    fn set_of(entries: &[(&str, i64)]) -> Rc<Attrs> {
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
            let updated = Attrs::update(&left, &set_of(&right));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, value: i64, offset: u32) -> AttrEntry {
        AttrEntry { name: Symbol::intern(name), value: Value::Int(value), pos: Pos { file: 0, offset } }
    }

    /// Name, value and position of every entry, in order.
    fn contents(entries: &[AttrEntry]) -> Vec<(String, i64, u32)> {
        entries
            .iter()
            .map(|entry| {
                let Value::Int(value) = entry.value else { panic!("not an integer") };
                (entry.name.as_str().to_string(), value, entry.pos.offset)
            })
            .collect()
    }

    #[test]
    fn layered_updates_read_like_merged_copies() {
        let base: Vec<AttrEntry> = (0..200).map(|i| entry(&format!("layer-test-{i:03}"), i, i as u32)).collect();
        let mut layered = Attrs::from_unsorted(base.clone());
        let mut flat = Attrs::from_unsorted(base);
        for step in 0..12i64 {
            if step % 3 == 2 {
                // Iterating merges the layers; later layers build on the
                // merged copy.
                assert_eq!(contents(layered.entries()), contents(flat.entries()));
            }
            // Per step: a name of the bottom set replaced, a name added, and
            // the name the step before added (in a layer) replaced.
            let right = Attrs::from_unsorted(vec![
                entry(&format!("layer-test-{:03}", step * 7), 1000 + step, 5000 + step as u32),
                entry(&format!("layer-test-new-{step}"), 2000 + step, 6000 + step as u32),
                entry(&format!("layer-test-new-{}", step - 1), 3000 + step, 7000 + step as u32),
            ]);
            let next_layered = Attrs::update_shared(&layered, &right);
            let next_flat = Attrs::update(&flat, &right);
            assert!(next_layered.layer.as_ref().map_or(0, |layer| layer.depth) <= MAX_LAYERS);
            assert_eq!(next_layered.len(), next_flat.len());
            for expected in next_flat.entries() {
                let found = next_layered.get_entry(expected.name).map(|entry| contents(std::slice::from_ref(entry)));
                assert_eq!(found, Some(contents(std::slice::from_ref(expected))));
            }
            assert!(!next_layered.contains(syntax::sym!("layer-test-absent")));
            layered = next_layered;
            flat = next_flat;
        }
        assert!(layered.is_layered());
        assert_eq!(contents(layered.entries()), contents(flat.entries()));
    }

    #[test]
    fn string_contexts_allocate_only_when_not_empty() {
        let mut context = StringContext::from(Context::new());
        assert!(context.0.is_none());
        context.extend(Vec::<String>::new());
        assert!(context.0.is_none());
        assert!(context.is_empty());
        context.extend(["/nix/store/b".to_string(), "/nix/store/a".to_string()]);
        assert!(context.0.is_some());
        assert!(context.insert("=/nix/store/c.drv".to_string()));
        assert!(!context.insert("/nix/store/a".to_string()));
        let elements: Vec<&String> = context.iter().collect();
        assert_eq!(elements, ["/nix/store/a", "/nix/store/b", "=/nix/store/c.drv"]);
        let plain: Context = context.clone().into_context();
        assert_eq!(StringContext::from(plain), context);
        assert_eq!(context.into_iter().count(), 3);
    }

    #[test]
    fn small_sets_are_copied() {
        let small = Attrs::from_unsorted((0..10).map(|i| entry(&format!("copy-test-{i}"), i, 0)).collect());
        let right = Attrs::from_unsorted(vec![entry("copy-test-x", 1, 0)]);
        let updated = Attrs::update_shared(&small, &right);
        assert!(!updated.is_layered());
        assert_eq!(updated.len(), 11);
    }

    #[test]
    fn applications_hold_and_release_their_arguments() {
        fn never(_: &Evaluator, _: &[Value], _: Pos) -> Result<Value, EvalError> {
            Ok(Value::Null)
        }
        static THREE: Builtin = Builtin { name: "threeArguments", arity: 3, func: never };
        let shared = Rc::new(NixString::new("argument".to_string()));
        let first = PrimOpApp::new(&THREE, [Value::String(shared.clone())]);
        let second = PrimOpApp::applied(&first, Value::String(shared.clone()));
        assert_eq!(second.args().len(), 2);
        assert!(std::ptr::eq(second.builtin, &THREE));
        assert!(matches!(&second.args()[1], Value::String(s) if s.as_str() == "argument"));
        assert_eq!(Rc::strong_count(&shared), 4);
        let empty = PrimOpApp::new(&THREE, []);
        assert!(empty.args().is_empty());
        drop((first, second, empty));
        assert_eq!(Rc::strong_count(&shared), 1);
    }

    #[test]
    fn zipped_names_hold_their_inputs_until_released() {
        // A `zipAttrsWith` name's thunk holds the shared inputs (function,
        // then sets); releasing the last thunk and list frees down to the
        // sets' values. `Value::release` drops a shared and a last
        // reference alike.
        let shared = Rc::new(NixString::new("zipped".to_string()));
        let name = Symbol::intern("zip-test-name");
        let set = Attrs::from_sorted(vec![AttrEntry { name, value: Value::String(shared.clone()), pos: Pos::NONE }]);
        let inputs = Rc::new(List::new(vec![Value::Null, Value::Attrs(set.clone()), Value::Attrs(set)]));
        let zipped =
            |inputs: &Rc<List>| Value::Thunk(Rc::new(Thunk::new(ThunkState::Zip { inputs: inputs.clone(), name })));
        let (first, second) = (zipped(&inputs), zipped(&inputs));
        assert_eq!(Rc::strong_count(&inputs), 3);
        first.release();
        assert_eq!(Rc::strong_count(&inputs), 2);
        Value::List(inputs).release();
        assert_eq!(Rc::strong_count(&shared), 2);
        second.release();
        assert_eq!(Rc::strong_count(&shared), 1);
    }

    #[test]
    fn sets_hold_and_release_their_values() {
        // Counted values in flat sets, in a layer over a large set and in
        // its merged copy: each set holds one reference to each of its
        // values, and dropping the sets releases them all.
        let shared = Rc::new(NixString::new("held".to_string()));
        let named = |i: usize| AttrEntry {
            name: Symbol::intern(&format!("hold-test-{i:03}")),
            value: Value::String(shared.clone()),
            pos: Pos::NONE,
        };
        let big = Attrs::from_unsorted((0..80).map(named).collect());
        assert_eq!(Rc::strong_count(&shared), 81);
        let top = Attrs::from_sorted(vec![named(5), named(200)]);
        let layered = Attrs::update_shared(&big, &top);
        assert!(layered.is_layered());
        assert_eq!(layered.len(), 81);
        // `big`'s 80, `top`'s 2 and the layer's copy of them.
        assert_eq!(Rc::strong_count(&shared), 85);
        // Reading every entry merges the layer into a copy it keeps.
        assert_eq!(layered.entries().len(), 81);
        assert_eq!(Rc::strong_count(&shared), 166);
        let empty = Attrs::new();
        assert!(empty.is_empty() && empty.entries().is_empty());
        let same = Attrs::update(&big, &empty);
        assert!(Rc::ptr_eq(&same, &big));
        let copied = Attrs::update(&empty, &top);
        assert_eq!(copied.len(), 2);
        drop((big, top, layered, same, copied));
        assert_eq!(Rc::strong_count(&shared), 1);
    }
}
