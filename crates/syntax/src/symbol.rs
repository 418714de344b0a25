//! Interned identifiers and attribute names.
//!
//! Every attribute name the evaluator sees is interned once per thread. A
//! [`Symbol`] is a pointer to its interned text: comparing two symbols is
//! one pointer comparison and reading the text needs no table lookup. The
//! text lives for the rest of the process, which matches how long an
//! evaluation keeps its names anyway.

use std::cell::RefCell;
use std::fmt;
use std::hash::{Hash, Hasher};

/// An interned string.
#[derive(Clone, Copy)]
pub struct Symbol(&'static SymbolData);

struct SymbolData {
    text: &'static str,
    /// The first eight bytes of the text, big-endian, zero-padded: ordering
    /// two symbols by it agrees with ordering their texts whenever the
    /// prefixes differ, so most comparisons need not read the texts.
    prefix: u64,
    index: u32,
    /// The name's string value, once the evaluator made one. It makes
    /// `Symbol` neither `Send` nor `Sync`: symbols belong to the thread
    /// that interned them.
    kept: crate::ast::Kept,
}

fn prefix_of(text: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let length = text.len().min(8);
    bytes[..length].copy_from_slice(&text.as_bytes()[..length]);
    u64::from_be_bytes(bytes)
}

#[derive(Default)]
struct Interner {
    /// Fx hashing: names are short, and SipHash's cost showed in profiles
    /// of code that builds attribute names (`"name${toString i}"`).
    map: rustc_hash::FxHashMap<&'static str, Symbol>,
    /// What is left of the current block of names' texts and of symbols'
    /// data: symbols live for the rest of the process, so they are carved
    /// from blocks that are never freed instead of two allocations each
    /// (and the data of symbols made together sits together).
    texts: &'static mut [u8],
    datas: &'static mut [std::mem::MaybeUninit<SymbolData>],
}

/// Bytes of names' texts per block; longer names get a block of their own.
const TEXT_BLOCK: usize = 64 << 10;

/// Symbols per block of symbols' data.
const DATA_BLOCK: usize = 1024;

impl Interner {
    fn keep_text(&mut self, text: &str) -> &'static str {
        if text.len() > TEXT_BLOCK / 16 {
            return Box::leak(text.to_owned().into_boxed_str());
        }
        if self.texts.len() < text.len() {
            self.texts = Box::leak(vec![0u8; TEXT_BLOCK].into_boxed_slice());
        }
        let (kept, rest) = std::mem::take(&mut self.texts).split_at_mut(text.len());
        self.texts = rest;
        kept.copy_from_slice(text.as_bytes());
        std::str::from_utf8(kept).expect("the bytes of a str")
    }

    fn keep_data(&mut self, data: SymbolData) -> &'static SymbolData {
        if self.datas.is_empty() {
            self.datas = Box::leak(Box::new_uninit_slice(DATA_BLOCK));
        }
        let (slot, rest) = std::mem::take(&mut self.datas).split_first_mut().expect("a block is not empty");
        self.datas = rest;
        slot.write(data)
    }
}

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::default());
}

/// The symbol for a literal name, interned on the first use on this thread
/// and read from a thread-local after that: for names native code uses on
/// every call (`sym!("_file")`), where interning each time would hash the
/// text on every call.
#[macro_export]
macro_rules! sym {
    ($text:literal) => {{
        ::std::thread_local! {
            static SYMBOL: $crate::Symbol = $crate::Symbol::intern($text);
        }
        SYMBOL.with(|symbol| *symbol)
    }};
}

impl Symbol {
    /// Returns the symbol for `text`, creating it on first use.
    pub fn intern(text: &str) -> Symbol {
        INTERNER.with(|cell| {
            let mut interner = cell.borrow_mut();
            if let Some(&symbol) = interner.map.get(text) {
                return symbol;
            }
            let kept = interner.keep_text(text);
            let index = interner.map.len() as u32;
            let data = interner.keep_data(SymbolData {
                text: kept,
                prefix: prefix_of(kept),
                index,
                kept: crate::ast::Kept::new(),
            });
            let symbol = Symbol(data);
            interner.map.insert(kept, symbol);
            symbol
        })
    }

    /// The symbol for `text` if it was interned already, without creating
    /// one: a name nobody interned cannot be in any attribute set, so
    /// lookups (`set ? ${name}`, `set.${name} or d`) need not keep a new
    /// symbol alive for the rest of the process.
    pub fn lookup(text: &str) -> Option<Symbol> {
        INTERNER.with(|cell| cell.borrow().map.get(text).copied())
    }

    /// The symbol's text.
    #[inline]
    pub fn as_str(self) -> &'static str {
        self.0.text
    }

    /// The address kept with the name for the rest of the process (its
    /// string value, see [`crate::ast::Kept`]).
    #[inline(always)]
    pub fn kept(self) -> &'static crate::ast::Kept {
        &self.0.kept
    }

    /// The symbol's number, in order of first use.
    pub fn index(self) -> u32 {
        self.0.index
    }
}

impl PartialEq for Symbol {
    #[inline]
    fn eq(&self, other: &Symbol) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Symbol {}

impl Hash for Symbol {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.0 as *const SymbolData as usize).hash(state);
    }
}

impl PartialOrd for Symbol {
    fn partial_cmp(&self, other: &Symbol) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Symbols order by their text, the order Nix sorts attribute names in.
impl Ord for Symbol {
    #[inline]
    fn cmp(&self, other: &Symbol) -> std::cmp::Ordering {
        if self == other {
            return std::cmp::Ordering::Equal;
        }
        match self.0.prefix.cmp(&other.0.prefix) {
            std::cmp::Ordering::Equal => self.as_str().cmp(other.as_str()),
            unequal => unequal,
        }
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Symbol;

    #[test]
    fn lookup_finds_only_interned_names() {
        let text = "symbol-lookup-test-name";
        assert_eq!(Symbol::lookup(text), None);
        let symbol = Symbol::intern(text);
        assert_eq!(Symbol::lookup(text), Some(symbol));
        // Looking a name up does not intern it.
        assert_eq!(Symbol::lookup("symbol-lookup-test-other"), None);
        assert_eq!(Symbol::lookup("symbol-lookup-test-other"), None);
    }
}
