//! The counted pointer of the heap's values.
//!
//! `Rc<T>` is `std::rc::Rc<T>` without weak references: one allocation of
//! a count and the value, so every set, list, string, closure and thunk is
//! eight bytes smaller (nothing takes weak references to values; scopes,
//! which the collector tracks weakly, have their own pointer, `EnvRc`). A
//! new value is written straight into its allocation (`Rc::new` is inlined
//! and allocates before it stores), instead of being built on the stack and
//! copied, which read back the stack in 16-byte loads that straddle the
//! 8-byte stores that built it, a stall on every allocation.
//!
//! The pointer is one word also for a type that ends in a slice: an
//! attribute set keeps its entries after its other fields, in the same
//! allocation (one allocation and one pointer less per set than a boxed
//! slice, and one cache miss less for each lookup and each visit of the
//! cycle collector); so does a partial application of a builtin with its
//! arguments. Such a type implements [`Thin`], which finds the slice's
//! length in the box; `Rc::new_tailed` makes its boxes.

use std::cell::Cell;
use std::fmt;
use std::ptr::NonNull;

/// A counted reference to a `T` (see the module documentation). A thin
/// pointer also for a `T` with a slice at its end (a set's entries, see
/// [`Thin`]), so that a [`crate::Value`] stays two words. Transparent: the
/// word is the address of the box, which starts with the count (see
/// [`increment_count_at`]).
#[repr(transparent)]
pub struct Rc<T: ?Sized + Thin> {
    /// The start of the `RcBox<T>`.
    pointer: NonNull<u8>,
    /// Owns a `RcBox<T>` for the drop checker.
    _owns: std::marker::PhantomData<RcBox<T>>,
}

#[repr(C)]
pub struct RcBox<T: ?Sized> {
    pub(crate) strong: Cell<usize>,
    pub(crate) value: T,
}

/// How to find the whole `RcBox<Self>` from the address of its start: the
/// address itself for a sized `Self`; for a `Self` ending in a slice, with
/// the slice's length read from the box.
///
/// # Safety
/// `wide` must return a pointer to the box at `start` with the metadata of
/// the value written there, and `VALUE_OFFSET` must be where `RcBox<Self>`
/// keeps the value.
pub unsafe trait Thin {
    /// Where the value starts in its box.
    const VALUE_OFFSET: usize;

    /// The box that starts at `start`.
    ///
    /// # Safety
    /// `start` must be the start of a live, fully written `RcBox<Self>`.
    unsafe fn wide(start: *mut u8) -> *mut RcBox<Self>;
}

// SAFETY: a sized type's box needs no metadata.
unsafe impl<T> Thin for T {
    const VALUE_OFFSET: usize = std::mem::offset_of!(RcBox<T>, value);

    #[inline(always)]
    unsafe fn wide(start: *mut u8) -> *mut RcBox<T> {
        start.cast()
    }
}

/// Implements [`Thin`] for `$ty`, a `#[repr(C)]` struct of the fields of
/// `$head` (the last one `count: usize`) followed by a slice of `$item`s
/// whose length is `count`; its boxes are made by [`Rc::new_tailed`] with
/// a `$head` whose `count` is the number of items.
macro_rules! thin_by_count {
    ($ty:ty, $head:ty, $item:ty) => {
        const _: () = assert!(std::mem::align_of::<$head>() == std::mem::align_of::<$item>());
        const _: () = assert!(std::mem::size_of::<$head>() % std::mem::align_of::<$item>() == 0);

        // SAFETY: `$ty` is `#[repr(C)]` with the fields of `$head` first and
        // the same alignment (asserted above), so in an `RcBox<$ty>` the
        // value starts where it does in an `RcBox<$head>`, and its `count`
        // (the length of the slice, written with the head before the box is
        // used) is at the same place as in `$head`.
        unsafe impl $crate::rc::Thin for $ty {
            const VALUE_OFFSET: usize = std::mem::offset_of!($crate::rc::RcBox<$head>, value);

            #[inline(always)]
            unsafe fn wide(start: *mut u8) -> *mut $crate::rc::RcBox<$ty> {
                // SAFETY: per the trait, `start` is the start of a written box.
                let count =
                    unsafe { *(start.add(Self::VALUE_OFFSET + std::mem::offset_of!($head, count)) as *const usize) };
                std::ptr::slice_from_raw_parts_mut(start, count) as *mut $crate::rc::RcBox<$ty>
            }
        }
    };
}

pub(crate) use thin_by_count;

impl<T> Rc<T> {
    /// Allocates `value` with a count of one.
    #[inline(always)]
    pub fn new(value: T) -> Rc<T> {
        let layout = std::alloc::Layout::new::<RcBox<T>>();
        // SAFETY: `RcBox<T>` has a non-zero size (the count). The box is
        // fully written before the pointer is used.
        unsafe {
            let pointer = std::alloc::alloc(layout) as *mut RcBox<T>;
            let Some(pointer) = NonNull::new(pointer) else { std::alloc::handle_alloc_error(layout) };
            std::ptr::addr_of_mut!((*pointer.as_ptr()).strong).write(Cell::new(1));
            std::ptr::addr_of_mut!((*pointer.as_ptr()).value).write(value);
            Rc { pointer: pointer.cast(), _owns: std::marker::PhantomData }
        }
    }
}

impl<T: ?Sized + Thin> Rc<T> {
    /// Allocates a `T` that is `#[repr(C)]` a `head` of type `H` followed
    /// by `count` items of type `I` (the slice at its end), with a count of
    /// one; `write` writes the items from the pointer it is given.
    ///
    /// # Safety
    /// `T` must be laid out so (its fields before the slice are those of
    /// `H`, with the same alignment, and its `Thin::wide` reads `count`
    /// from the head), and `write` must initialize exactly `count` items.
    /// (If `write` panics, the box leaks.)
    #[inline(always)]
    pub(crate) unsafe fn new_tailed<H, I>(head: H, count: usize, write: impl FnOnce(*mut I)) -> Rc<T> {
        let layout = std::alloc::Layout::new::<RcBox<H>>()
            .extend(std::alloc::Layout::array::<I>(count).unwrap_or_else(|_| std::process::abort()))
            .unwrap_or_else(|_| std::process::abort())
            .0
            .pad_to_align();
        debug_assert_eq!(T::VALUE_OFFSET, std::mem::offset_of!(RcBox<H>, value));
        debug_assert_eq!(std::mem::size_of::<H>() % std::mem::align_of::<I>(), 0);
        // SAFETY: the layout has a non-zero size (the count); the count, the
        // head and (per the caller) the items are written before the box
        // becomes an `Rc`, at the places `T`'s layout has them.
        unsafe {
            let start = std::alloc::alloc(layout);
            let Some(start) = NonNull::new(start) else { std::alloc::handle_alloc_error(layout) };
            start.cast::<Cell<usize>>().as_ptr().write(Cell::new(1));
            let value = start.as_ptr().add(T::VALUE_OFFSET);
            value.cast::<H>().write(head);
            write(value.add(std::mem::size_of::<H>()).cast::<I>());
            let rc: Rc<T> = Rc { pointer: start, _owns: std::marker::PhantomData };
            debug_assert_eq!(std::alloc::Layout::for_value(rc.inner()).size(), layout.size());
            rc
        }
    }

    #[inline(always)]
    fn inner(&self) -> &RcBox<T> {
        // SAFETY: the box lives while a reference does.
        unsafe { &*T::wide(self.pointer.as_ptr()) }
    }

    /// The count, found without the value's metadata.
    #[inline(always)]
    fn count(&self) -> &Cell<usize> {
        // SAFETY: the count starts every box, which lives while a reference
        // does.
        unsafe { &*self.pointer.as_ptr().cast::<Cell<usize>>() }
    }

    /// The address of the value, without metadata (what the collector and
    /// `«repeated»` identify it by).
    #[inline(always)]
    pub fn as_ptr(this: &Rc<T>) -> *const u8 {
        // SAFETY: the value is inside the box.
        unsafe { this.pointer.as_ptr().add(T::VALUE_OFFSET) }
    }

    /// The value at `value` (an address from [`Rc::as_ptr`]).
    ///
    /// # Safety
    /// `value` must be the address of a live value of an `Rc<T>`, and the
    /// reference must not outlive it.
    #[inline(always)]
    pub unsafe fn value_at<'a>(value: *const u8) -> &'a T {
        // SAFETY: per the caller.
        unsafe { &(*T::wide(Self::box_of(value).as_ptr())).value }
    }

    #[inline(always)]
    pub fn ptr_eq(this: &Rc<T>, other: &Rc<T>) -> bool {
        this.pointer == other.pointer
    }

    #[inline(always)]
    pub fn strong_count(this: &Rc<T>) -> usize {
        this.count().get()
    }

    /// The value, if this is its only reference.
    #[inline]
    pub fn get_mut(this: &mut Rc<T>) -> Option<&mut T> {
        if this.count().get() == 1 {
            // SAFETY: the only reference is this one, borrowed mutably.
            Some(unsafe { &mut (*T::wide(this.pointer.as_ptr())).value })
        } else {
            None
        }
    }

    /// The box of the value at `value` (an address from [`Rc::as_ptr`]).
    ///
    /// # Safety
    /// `value` must be the address of a live value of an `Rc<T>`.
    #[inline(always)]
    unsafe fn box_of(value: *const u8) -> NonNull<u8> {
        // SAFETY: per the caller, `value` is the `value` field of a live box.
        unsafe { NonNull::new_unchecked((value as *mut u8).sub(T::VALUE_OFFSET)) }
    }

    /// The strong count of the value at `value`.
    ///
    /// # Safety
    /// As for [`Rc::box_of`].
    #[inline(always)]
    pub unsafe fn strong_count_at(value: *const u8) -> usize {
        // SAFETY: per the caller.
        unsafe { Self::box_of(value).cast::<Cell<usize>>().as_ref().get() }
    }

    /// Adds a reference to the value at `value`.
    ///
    /// # Safety
    /// As for [`Rc::box_of`].
    pub unsafe fn increment_strong_count(value: *const u8) {
        // SAFETY: per the caller.
        std::mem::forget(unsafe { Self::clone_at(value) });
    }

    /// A new reference to the value at `value`.
    ///
    /// # Safety
    /// As for [`Rc::box_of`].
    #[inline(always)]
    pub unsafe fn clone_at(value: *const u8) -> Rc<T> {
        // SAFETY: per the caller, the box is live; the new `Rc` owns the
        // reference added.
        unsafe {
            let pointer = Self::box_of(value);
            increment_count_at(pointer.as_ptr());
            Rc { pointer, _owns: std::marker::PhantomData }
        }
    }

    /// Drops a reference to the value at `value`.
    ///
    /// # Safety
    /// As for [`Rc::box_of`], and the caller must own the reference.
    pub unsafe fn decrement_strong_count(value: *const u8) {
        // SAFETY: per the caller.
        drop(Rc::<T> { pointer: unsafe { Self::box_of(value) }, _owns: std::marker::PhantomData });
    }

    /// Drops the value and frees the box (the count just reached zero).
    #[inline(never)]
    fn drop_slow(&mut self) {
        // SAFETY: no other reference exists; the value is dropped once and
        // the box freed with the layout it was allocated with (read before
        // the value is dropped).
        unsafe {
            let wide = T::wide(self.pointer.as_ptr());
            let layout = std::alloc::Layout::for_value(&*wide);
            std::ptr::drop_in_place(std::ptr::addr_of_mut!((*wide).value));
            std::alloc::dealloc(self.pointer.as_ptr(), layout);
        }
    }
}

/// Adds a reference through the word of an `Rc` of any `T`: the address of
/// its box, whose first word is the count. One code path for every type
/// (`Rc::clone`, and `Value::clone` instead of a jump over the variants).
///
/// # Safety
/// `word` must be the word of a live `Rc<T>` for some `T` (read as a
/// pointer, with its provenance), and the caller must make the reference
/// added owned by a new `Rc` (or drop it).
#[inline(always)]
pub(crate) unsafe fn increment_count_at(word: *const u8) {
    // SAFETY: per the caller, `word` is the address of a live box, which
    // starts with its count (`RcBox` is `#[repr(C)]`).
    let strong = unsafe { &*(word as *const Cell<usize>) };
    // A count cannot reach the maximum without as many references in
    // memory; abort rather than wrap, as `std::rc::Rc` does.
    strong.set(strong.get().checked_add(1).unwrap_or_else(|| std::process::abort()));
}

/// Drops a reference through the word of an `Rc` of any `T` unless it is
/// the last one: true when it was dropped, false (the count unchanged)
/// when it is the last, which only the `Rc<T>` itself can drop (it frees).
///
/// # Safety
/// As for [`increment_count_at`], and the caller must own the reference
/// (and, when true comes back, no longer use it).
#[inline(always)]
pub(crate) unsafe fn release_unless_last(word: *const u8) -> bool {
    // SAFETY: as in `increment_count_at`.
    let strong = unsafe { &*(word as *const Cell<usize>) };
    let left = strong.get() - 1;
    if left == 0 {
        return false;
    }
    strong.set(left);
    true
}

impl<T: ?Sized + Thin> Clone for Rc<T> {
    #[inline(always)]
    fn clone(&self) -> Rc<T> {
        // SAFETY: this `Rc` is live; the new one owns the reference added.
        unsafe { increment_count_at(self.pointer.as_ptr()) };
        Rc { pointer: self.pointer, _owns: std::marker::PhantomData }
    }
}

impl<T: ?Sized + Thin> Drop for Rc<T> {
    #[inline(always)]
    fn drop(&mut self) {
        let count = self.count();
        let strong = count.get() - 1;
        count.set(strong);
        if strong == 0 {
            self.drop_slow();
        }
    }
}

impl<T: ?Sized + Thin> std::ops::Deref for Rc<T> {
    type Target = T;

    #[inline(always)]
    fn deref(&self) -> &T {
        &self.inner().value
    }
}

impl<T: ?Sized + Thin> AsRef<T> for Rc<T> {
    fn as_ref(&self) -> &T {
        self
    }
}

impl<T: ?Sized + Thin> std::borrow::Borrow<T> for Rc<T> {
    fn borrow(&self) -> &T {
        self
    }
}

impl<T: Default> Default for Rc<T> {
    fn default() -> Rc<T> {
        Rc::new(T::default())
    }
}

impl<T> From<T> for Rc<T> {
    fn from(value: T) -> Rc<T> {
        Rc::new(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for Rc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for Rc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: PartialEq> PartialEq for Rc<T> {
    fn eq(&self, other: &Rc<T>) -> bool {
        **self == **other
    }
}

impl<T: Eq> Eq for Rc<T> {}

impl<T: PartialOrd> PartialOrd for Rc<T> {
    fn partial_cmp(&self, other: &Rc<T>) -> Option<std::cmp::Ordering> {
        (**self).partial_cmp(&**other)
    }
}

impl<T: Ord> Ord for Rc<T> {
    fn cmp(&self, other: &Rc<T>) -> std::cmp::Ordering {
        (**self).cmp(&**other)
    }
}

impl<T: std::hash::Hash> std::hash::Hash for Rc<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state)
    }
}

#[cfg(test)]
mod tests {
    use super::Rc;

    #[test]
    fn counts_and_frees_once() {
        let first = Rc::new(String::from("value"));
        let second = first.clone();
        assert_eq!(Rc::strong_count(&first), 2);
        assert!(Rc::ptr_eq(&first, &second));
        drop(second);
        assert_eq!(Rc::strong_count(&first), 1);
        let mut only = first;
        Rc::get_mut(&mut only).expect("only reference").push('s');
        assert_eq!(only.as_str(), "values");
        let pointer = Rc::as_ptr(&only);
        // SAFETY: `only` keeps the value alive; the reference added is
        // released again.
        unsafe {
            Rc::<String>::increment_strong_count(pointer);
            assert_eq!(Rc::<String>::strong_count_at(pointer), 2);
            assert_eq!(Rc::<String>::value_at(pointer).as_str(), "values");
            Rc::<String>::decrement_strong_count(pointer);
        }
        assert_eq!(Rc::strong_count(&only), 1);
    }
}
