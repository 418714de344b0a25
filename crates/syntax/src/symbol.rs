//! Interned identifiers and attribute names.
//!
//! Every attribute name the evaluator sees is interned once per thread; a
//! [`Symbol`] compares in one instruction and its text lives for the rest of
//! the process, which matches how long an evaluation keeps its names anyway.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

/// An interned string.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(u32);

#[derive(Default)]
struct Interner {
    map: HashMap<&'static str, Symbol>,
    names: Vec<&'static str>,
}

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::default());
}

impl Symbol {
    /// Returns the symbol for `text`, creating it on first use.
    pub fn intern(text: &str) -> Symbol {
        INTERNER.with(|cell| {
            let mut interner = cell.borrow_mut();
            if let Some(&symbol) = interner.map.get(text) {
                return symbol;
            }
            let leaked: &'static str = Box::leak(text.to_owned().into_boxed_str());
            let symbol = Symbol(interner.names.len() as u32);
            interner.names.push(leaked);
            interner.map.insert(leaked, symbol);
            symbol
        })
    }

    /// The symbol's text.
    pub fn as_str(self) -> &'static str {
        INTERNER.with(|cell| cell.borrow().names[self.0 as usize])
    }

    /// The symbol's number, stable for the life of the thread.
    pub fn index(self) -> u32 {
        self.0
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
