//! Where the variable-size parts of an [`MmsValue`] live.
//!
//! A value's strings, octets, bits and elements are normally on the heap. A value copied
//! into a caller's buffer (`MmsValue_cloneToBuffer`) keeps them in that buffer instead: the
//! caller frees the buffer, never the value, so nothing there may be freed by us. Each
//! container below is therefore either `Owned` (heap, freed on drop) or `Placed` (borrowed
//! from memory that outlives the value by the caller's contract, never freed). Updates that
//! fit a placed container's capacity happen in place; larger ones move it to the heap.

use std::ffi::{CStr, CString};
use std::fmt;
use std::ops::{Deref, DerefMut};

use super::value::{c_string_lossy, MmsValue};

/// A sequence of `T`: a heap vector, or `len` items at the start of a placed slice.
pub enum Parts<T: 'static> {
    /// On the heap.
    Owned(Vec<T>),
    /// In memory this value does not own; `buf.len()` is the capacity.
    Placed {
        /// The placed memory.
        buf: &'static mut [T],
        /// Items in use.
        len: usize,
    },
}

impl<T: Clone> Parts<T> {
    /// The heap vector, copying a placed sequence there first (for changes that may grow it).
    pub fn vec_mut(&mut self) -> &mut Vec<T> {
        if let Parts::Placed { buf, len } = self {
            *self = Parts::Owned(buf[..*len].to_vec());
        }
        match self {
            Parts::Owned(v) => v,
            Parts::Placed { .. } => unreachable!("converted above"),
        }
    }

    /// Resizes to `n` items, filling with `value`; in place when a placed slice has room.
    pub fn resize(&mut self, n: usize, value: T) {
        match self {
            Parts::Placed { buf, len } if n <= buf.len() => {
                if n > *len {
                    buf[*len..n].fill(value);
                }
                *len = n;
            }
            _ => self.vec_mut().resize(n, value),
        }
    }

    /// Replaces the content with `items`; in place when a placed slice has room.
    pub fn assign(&mut self, items: &[T]) {
        match self {
            Parts::Placed { buf, len } if items.len() <= buf.len() => {
                buf[..items.len()].clone_from_slice(items);
                *len = items.len();
            }
            _ => {
                let v = self.vec_mut();
                v.clear();
                v.extend_from_slice(items);
            }
        }
    }

    /// Pointer to storage for at least `capacity` items (for C callers that write into it),
    /// or `None` when the heap cannot provide it.
    pub fn reserve_ptr(&mut self, capacity: usize) -> Option<*mut T> {
        match self {
            Parts::Placed { buf, .. } if capacity <= buf.len() => Some(buf.as_mut_ptr()),
            _ => {
                let v = self.vec_mut();
                v.try_reserve_exact(capacity.saturating_sub(v.len())).ok()?;
                Some(v.as_mut_ptr())
            }
        }
    }
}

impl<T> Deref for Parts<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            Parts::Owned(v) => v,
            Parts::Placed { buf, len } => &buf[..*len],
        }
    }
}

impl<T> DerefMut for Parts<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            Parts::Owned(v) => v,
            Parts::Placed { buf, len } => &mut buf[..*len],
        }
    }
}

impl<T: Clone> Clone for Parts<T> {
    /// A copy is always on the heap.
    fn clone(&self) -> Self {
        Parts::Owned(self.to_vec())
    }
}

impl<T: PartialEq> PartialEq for Parts<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Eq> Eq for Parts<T> {}

impl<T: fmt::Debug> fmt::Debug for Parts<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T> Default for Parts<T> {
    fn default() -> Self {
        Parts::Owned(Vec::new())
    }
}

impl<T> From<Vec<T>> for Parts<T> {
    fn from(v: Vec<T>) -> Self {
        Parts::Owned(v)
    }
}

impl<T> FromIterator<T> for Parts<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Parts::Owned(iter.into_iter().collect())
    }
}

impl<T: Clone> IntoIterator for Parts<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    /// Moves heap items out; copies placed ones.
    fn into_iter(self) -> Self::IntoIter {
        match self {
            Parts::Owned(v) => v.into_iter(),
            Parts::Placed { buf, len } => Vec::from(&buf[..len]).into_iter(),
        }
    }
}

impl<'a, T> IntoIterator for &'a Parts<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A C string with the capacity libiec61850 reports for it (`MmsValue_getStringSize`): the
/// size it was made with or the longest text it held. On the heap, or NUL-terminated inside
/// a placed byte slice whose length is the capacity plus the NUL.
pub enum Text {
    /// On the heap.
    Owned {
        /// The text.
        text: CString,
        /// At least the text's length.
        capacity: usize,
    },
    /// In memory this value does not own; the text ends at the first NUL.
    Placed(&'static mut [u8]),
}

impl Text {
    /// `text` with room reported for `capacity` bytes (its length if that is more).
    pub fn with_capacity(text: CString, capacity: usize) -> Self {
        let capacity = capacity.max(text.count_bytes());
        Text::Owned { text, capacity }
    }

    /// The size the text was made with or the longest it held.
    pub fn capacity(&self) -> usize {
        match self {
            Text::Owned { capacity, .. } => *capacity,
            Text::Placed(buf) => buf.len().saturating_sub(1),
        }
    }

    /// Replaces the text with `bytes` up to their first NUL; in place when a placed slice has
    /// room, the capacity growing to the new length.
    pub fn assign(&mut self, bytes: &[u8]) {
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        match self {
            Text::Placed(buf) if end < buf.len() => {
                buf[..end].copy_from_slice(&bytes[..end]);
                buf[end] = 0;
            }
            _ => *self = Text::with_capacity(c_string_lossy(&bytes[..end]), self.capacity()),
        }
    }
}

impl Deref for Text {
    type Target = CStr;
    fn deref(&self) -> &CStr {
        match self {
            Text::Owned { text, .. } => text,
            // A placed text is written with its NUL; an empty C string if it was overwritten.
            Text::Placed(buf) => CStr::from_bytes_until_nul(buf).unwrap_or_default(),
        }
    }
}

impl Clone for Text {
    /// A copy is always on the heap, with the same capacity.
    fn clone(&self) -> Self {
        Text::with_capacity((**self).to_owned(), self.capacity())
    }
}

impl PartialEq for Text {
    /// Texts compare by content; the capacity does not count.
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Text {}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl Default for Text {
    fn default() -> Self {
        CString::default().into()
    }
}

impl From<CString> for Text {
    /// The text, with its length as capacity.
    fn from(text: CString) -> Self {
        Text::with_capacity(text, 0)
    }
}

/// An element of a structure or array: boxed on the heap, or placed.
pub enum Node {
    /// On the heap; the parent frees it.
    Owned(Box<MmsValue>),
    /// In memory the parent does not own.
    Placed(&'static mut MmsValue),
}

impl Node {
    /// A heap element holding `value`.
    pub fn new(value: MmsValue) -> Self {
        Node::Owned(Box::new(value))
    }

    /// The element's value, moved out of the heap or copied out of placed memory.
    pub fn into_value(self) -> MmsValue {
        match self {
            Node::Owned(b) => *b,
            Node::Placed(v) => v.clone(),
        }
    }
}

impl Deref for Node {
    type Target = MmsValue;
    fn deref(&self) -> &MmsValue {
        match self {
            Node::Owned(b) => b,
            Node::Placed(v) => v,
        }
    }
}

impl DerefMut for Node {
    fn deref_mut(&mut self) -> &mut MmsValue {
        match self {
            Node::Owned(b) => b,
            Node::Placed(v) => v,
        }
    }
}

impl Clone for Node {
    /// A copy is always on the heap.
    fn clone(&self) -> Self {
        Node::new((**self).clone())
    }
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl From<Box<MmsValue>> for Node {
    fn from(b: Box<MmsValue>) -> Self {
        Node::Owned(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Placed memory for a test: leaked, as a caller's buffer would outlive the value.
    fn placed<T: Clone>(items: Vec<T>) -> &'static mut [T] {
        Box::leak(items.into_boxed_slice())
    }

    #[test]
    fn placed_parts_change_in_place_within_capacity() {
        let mut p = Parts::Placed {
            buf: placed(vec![1u8, 2, 3, 0, 0]),
            len: 3,
        };
        assert_eq!(&*p, &[1, 2, 3]);
        p.assign(&[9, 8, 7, 6]);
        assert!(matches!(p, Parts::Placed { len: 4, .. }));
        p.resize(5, 4);
        assert_eq!(&*p, &[9, 8, 7, 6, 4]);
        p.resize(2, 0);
        assert_eq!(&*p, &[9, 8]);
        assert!(p.reserve_ptr(5).is_some());
        assert!(matches!(p, Parts::Placed { .. }));
        p.assign(&[0; 6]);
        assert!(matches!(p, Parts::Owned(ref v) if v.len() == 6));
    }

    #[test]
    fn copies_are_owned_and_compare_by_content() {
        let p = Parts::Placed {
            buf: placed(vec![5u32, 6]),
            len: 2,
        };
        let q = p.clone();
        assert!(matches!(q, Parts::Owned(_)));
        assert_eq!(p, q);
        let t = Text::Placed(placed(b"ab\0\0".to_vec()));
        assert_eq!(t.clone(), Text::from(CString::new("ab").unwrap()));
        assert_eq!(t.clone().capacity(), 3);
    }

    #[test]
    fn placed_text_grows_onto_the_heap_only_when_needed() {
        let mut t = Text::Placed(placed(b"abc\0".to_vec()));
        assert_eq!(t.to_bytes(), b"abc");
        t.assign(b"xy\0tail");
        assert!(matches!(t, Text::Placed(_)));
        assert_eq!((t.to_bytes(), t.capacity()), (&b"xy"[..], 3));
        t.assign(b"longer");
        assert!(matches!(t, Text::Owned { .. }));
        assert_eq!((t.to_bytes(), t.capacity()), (&b"longer"[..], 6));
        t.assign(b"s");
        assert_eq!((t.to_bytes(), t.capacity()), (&b"s"[..], 6));
    }

    #[test]
    fn placed_nodes_copy_out() {
        let v: &'static mut MmsValue = Box::leak(Box::new(MmsValue::Integer(3)));
        let n = Node::Placed(v);
        assert_eq!(*n, MmsValue::Integer(3));
        assert!(matches!(n.clone(), Node::Owned(_)));
        assert_eq!(n.into_value(), MmsValue::Integer(3));
    }
}
