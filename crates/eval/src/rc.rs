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

use std::cell::Cell;
use std::fmt;
use std::ptr::NonNull;

/// A counted reference to a `T` (see the module documentation).
pub struct Rc<T> {
    pointer: NonNull<RcBox<T>>,
    /// Owns a `RcBox<T>` for the drop checker.
    _owns: std::marker::PhantomData<RcBox<T>>,
}

#[repr(C)]
struct RcBox<T> {
    strong: Cell<usize>,
    value: T,
}

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
            Rc { pointer, _owns: std::marker::PhantomData }
        }
    }

    #[inline(always)]
    fn inner(&self) -> &RcBox<T> {
        // SAFETY: the box lives while a reference does.
        unsafe { self.pointer.as_ref() }
    }

    /// The address of the value (what the collector and `«repeated»`
    /// identify it by).
    #[inline(always)]
    pub fn as_ptr(this: &Rc<T>) -> *const T {
        // SAFETY: the box lives while a reference does.
        unsafe { std::ptr::addr_of!((*this.pointer.as_ptr()).value) }
    }

    #[inline(always)]
    pub fn ptr_eq(this: &Rc<T>, other: &Rc<T>) -> bool {
        this.pointer == other.pointer
    }

    #[inline(always)]
    pub fn strong_count(this: &Rc<T>) -> usize {
        this.inner().strong.get()
    }

    /// The value, if this is its only reference.
    #[inline]
    pub fn get_mut(this: &mut Rc<T>) -> Option<&mut T> {
        if this.inner().strong.get() == 1 {
            // SAFETY: the only reference is this one, borrowed mutably.
            Some(unsafe { &mut (*this.pointer.as_ptr()).value })
        } else {
            None
        }
    }

    /// The box of the value at `value` (an address from [`Rc::as_ptr`]).
    ///
    /// # Safety
    /// `value` must be the address of a live value of an `Rc<T>`.
    #[inline(always)]
    unsafe fn box_of(value: *const T) -> NonNull<RcBox<T>> {
        let offset = std::mem::offset_of!(RcBox<T>, value);
        // SAFETY: per the caller, `value` is the `value` field of a live box.
        unsafe { NonNull::new_unchecked((value as *mut u8).sub(offset) as *mut RcBox<T>) }
    }

    /// The strong count of the value at `value`.
    ///
    /// # Safety
    /// As for [`Rc::box_of`].
    #[inline(always)]
    pub unsafe fn strong_count_at(value: *const T) -> usize {
        // SAFETY: per the caller.
        unsafe { Self::box_of(value).as_ref().strong.get() }
    }

    /// Adds a reference to the value at `value`.
    ///
    /// # Safety
    /// As for [`Rc::box_of`].
    pub unsafe fn increment_strong_count(value: *const T) {
        // SAFETY: per the caller; the handle owns no reference, and the
        // reference its clone makes is forgotten.
        let handle = std::mem::ManuallyDrop::new(Rc {
            pointer: unsafe { Self::box_of(value) },
            _owns: std::marker::PhantomData,
        });
        std::mem::forget(Rc::clone(&handle));
    }

    /// Drops a reference to the value at `value`.
    ///
    /// # Safety
    /// As for [`Rc::box_of`], and the caller must own the reference.
    pub unsafe fn decrement_strong_count(value: *const T) {
        // SAFETY: per the caller.
        drop(Rc { pointer: unsafe { Self::box_of(value) }, _owns: std::marker::PhantomData });
    }

    /// Drops the value and frees the box (the count just reached zero).
    #[inline(never)]
    fn drop_slow(&mut self) {
        // SAFETY: no other reference exists; the value is dropped once and
        // the box freed with the layout it was allocated with.
        unsafe {
            std::ptr::drop_in_place(std::ptr::addr_of_mut!((*self.pointer.as_ptr()).value));
            std::alloc::dealloc(self.pointer.as_ptr() as *mut u8, std::alloc::Layout::new::<RcBox<T>>());
        }
    }
}

impl<T> Clone for Rc<T> {
    #[inline(always)]
    fn clone(&self) -> Rc<T> {
        let inner = self.inner();
        // A count cannot reach the maximum without as many references in
        // memory; abort rather than wrap, as `std::rc::Rc` does.
        inner.strong.set(inner.strong.get().checked_add(1).unwrap_or_else(|| std::process::abort()));
        Rc { pointer: self.pointer, _owns: std::marker::PhantomData }
    }
}

impl<T> Drop for Rc<T> {
    #[inline(always)]
    fn drop(&mut self) {
        let inner = self.inner();
        let strong = inner.strong.get() - 1;
        inner.strong.set(strong);
        if strong == 0 {
            self.drop_slow();
        }
    }
}

impl<T> std::ops::Deref for Rc<T> {
    type Target = T;

    #[inline(always)]
    fn deref(&self) -> &T {
        &self.inner().value
    }
}

impl<T> AsRef<T> for Rc<T> {
    fn as_ref(&self) -> &T {
        self
    }
}

impl<T> std::borrow::Borrow<T> for Rc<T> {
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
            Rc::increment_strong_count(pointer);
            assert_eq!(Rc::strong_count_at(pointer), 2);
            Rc::decrement_strong_count(pointer);
        }
        assert_eq!(Rc::strong_count(&only), 1);
    }
}
