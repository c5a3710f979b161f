//! Declarations of `linked_list.h`.
#![allow(non_camel_case_types, non_snake_case)]

use std::ffi::c_void;

/// C callback `LinkedListValueDeleteFunction` (NULL allowed).
pub type LinkedListValueDeleteFunction = Option<unsafe extern "C" fn(arg0: *mut c_void)>;

/// Node of a singly linked list whose first node is a dummy head (`struct sLinkedList`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sLinkedList {
    /// Element of this node (NULL in the head node).
    pub data: *mut c_void,
    /// Next node, NULL at the end.
    pub next: *mut sLinkedList,
}

/// `LinkedList`: pointer to a list's head node.
pub type LinkedList = *mut sLinkedList;

// ---------------------------------------------------------------------------
// Functions of `linked_list.h`. Nodes come from `libc::malloc` so that C code
// may release them like libiec61850's; a list is its head node (data NULL).

use super::guard;
use std::ffi::c_int;
use std::ptr::null_mut;

/// A new malloc'ed node; NULL if out of memory.
fn new_node(data: *mut c_void, next: LinkedList) -> LinkedList {
    // SAFETY: malloc of the node size; the node is initialised before use.
    unsafe {
        let node = libc::malloc(std::mem::size_of::<sLinkedList>()) as LinkedList;
        if !node.is_null() {
            node.write(sLinkedList { data, next });
        }
        node
    }
}

/// Frees every node from `list` on, calling `free_data` on each element (not the head).
///
/// # Safety
/// `list` is NULL or a list of malloc'ed nodes that nothing else uses afterwards.
unsafe fn destroy(list: LinkedList, free_data: impl Fn(*mut c_void)) {
    let mut node = list;
    let mut is_head = true;
    while !node.is_null() {
        // SAFETY: a live node of the list, freed exactly once.
        unsafe {
            let next = (*node).next;
            if !is_head {
                free_data((*node).data);
            }
            libc::free(node.cast());
            node = next;
        }
        is_head = false;
    }
}

/// A new list of `malloc`ed C-string copies of `items`, released by C with
/// `LinkedList_destroy`; NULL if out of memory.
pub(crate) fn string_list<S: AsRef<[u8]>>(items: &[S]) -> LinkedList {
    let head = new_node(null_mut(), null_mut());
    append_strings(head, items);
    head
}

/// Appends `malloc`ed C-string copies of `items` to `list` (built in one pass, not per item).
pub(crate) fn append_strings<S: AsRef<[u8]>>(list: LinkedList, items: &[S]) {
    // SAFETY: `list` is NULL or a live list of malloc'ed nodes; each new node is linked once.
    unsafe {
        let mut tail = LinkedList_getLastElement(list);
        for item in items {
            if tail.is_null() {
                return;
            }
            let text = crate::ffi::malloc_c_string(item.as_ref());
            let node = new_node(text.cast(), null_mut());
            if node.is_null() {
                libc::free(text.cast());
                return;
            }
            (*tail).next = node;
            tail = node;
        }
    }
}

/// The data pointers of a C list's elements (after the head), in order.
///
/// # Safety
/// `list` is NULL or a live list whose nodes are not changed meanwhile.
pub(crate) unsafe fn items(list: LinkedList) -> Vec<*mut c_void> {
    let mut out = Vec::new();
    // SAFETY: walking live nodes of a C list, skipping the head.
    unsafe {
        let mut node = if list.is_null() {
            null_mut()
        } else {
            (*list).next
        };
        while !node.is_null() {
            out.push((*node).data);
            node = (*node).next;
        }
    }
    out
}

/// A new list whose elements are the given pointers (ownership passes to the list's owner).
pub(crate) fn pointer_list(items: Vec<*mut c_void>) -> LinkedList {
    let head = new_node(null_mut(), null_mut());
    let mut tail = head;
    for item in items {
        if tail.is_null() {
            break;
        }
        let node = new_node(item, null_mut());
        // SAFETY: `tail` is the last live node of the list being built.
        unsafe { (*tail).next = node };
        tail = node;
    }
    head
}

/// `LinkedList_create`: an empty list (a head node).
#[no_mangle]
pub extern "C" fn LinkedList_create() -> LinkedList {
    guard(null_mut(), || new_node(null_mut(), null_mut()))
}

/// `LinkedList_destroy`: frees the list and each element with `free()`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn LinkedList_destroy(list: LinkedList) {
    // SAFETY: the caller gives up the list; elements are malloc'ed or NULL.
    guard((), || unsafe { destroy(list, |d| libc::free(d)) })
}

/// `LinkedList_destroyDeep`: frees the list, releasing each element with `valueDeleteFunction`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn LinkedList_destroyDeep(
    list: LinkedList,
    valueDeleteFunction: LinkedListValueDeleteFunction,
) {
    // SAFETY: the caller gives up the list; the callback accepts its elements.
    guard((), || unsafe {
        destroy(list, |d| {
            if let Some(f) = valueDeleteFunction {
                f(d)
            }
        })
    })
}

/// `LinkedList_destroyStatic`: frees the nodes only.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn LinkedList_destroyStatic(list: LinkedList) {
    // SAFETY: the caller gives up the list.
    guard((), || unsafe { destroy(list, |_| {}) })
}

/// `LinkedList_getLastElement`: the last node (the head itself when empty).
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn LinkedList_getLastElement(list: LinkedList) -> LinkedList {
    guard(null_mut(), || {
        let mut node = list;
        // SAFETY: walking live nodes of a C list.
        while !node.is_null() && unsafe { !(*node).next.is_null() } {
            node = unsafe { (*node).next };
        }
        node
    })
}

/// `LinkedList_add`: appends `data`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn LinkedList_add(list: LinkedList, data: *mut c_void) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe {
        let last = LinkedList_getLastElement(list);
        if !last.is_null() {
            (*last).next = new_node(data, null_mut());
        }
    })
}

/// `LinkedList_insertAfter`: inserts `data` right after `listElement`; returns the new node.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn LinkedList_insertAfter(
    listElement: LinkedList,
    data: *mut c_void,
) -> LinkedList {
    guard(null_mut(), || {
        if listElement.is_null() {
            return null_mut();
        }
        // SAFETY: `listElement` is a live node.
        unsafe {
            let node = new_node(data, (*listElement).next);
            if !node.is_null() {
                (*listElement).next = node;
            }
            node
        }
    })
}

/// Element nodes after `list`, in order.
///
/// # Safety
/// `list` is NULL or a live list that is not changed while the iterator runs.
unsafe fn elements(list: LinkedList) -> impl Iterator<Item = LinkedList> {
    // SAFETY: per this function's contract.
    let first = if list.is_null() {
        null_mut()
    } else {
        unsafe { (*list).next }
    };
    std::iter::successors((!first.is_null()).then_some(first), |&n| {
        // SAFETY: `n` is a live node.
        let next = unsafe { (*n).next };
        (!next.is_null()).then_some(next)
    })
}

/// `LinkedList_contains`: whether some element equals `data`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn LinkedList_contains(list: LinkedList, data: *mut c_void) -> bool {
    // SAFETY: a live list.
    guard(false, || unsafe {
        elements(list).any(|n| (*n).data == data)
    })
}

/// `LinkedList_remove`: unlinks and frees the first node holding `data` (not the data).
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn LinkedList_remove(list: LinkedList, data: *mut c_void) -> bool {
    guard(false, || {
        let mut prev = list;
        // SAFETY: walking and relinking live nodes of a C list.
        unsafe {
            while !prev.is_null() && !(*prev).next.is_null() {
                let node = (*prev).next;
                if (*node).data == data {
                    (*prev).next = (*node).next;
                    libc::free(node.cast());
                    return true;
                }
                prev = node;
            }
        }
        false
    })
}

/// `LinkedList_get`: the node of element `index` (a negative index gives the first); NULL past the end.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn LinkedList_get(list: LinkedList, index: c_int) -> LinkedList {
    let skip = usize::try_from(index).unwrap_or(0);
    // SAFETY: a live list.
    guard(null_mut(), || {
        unsafe { elements(list).nth(skip) }.unwrap_or(null_mut())
    })
}

/// `LinkedList_getNext`: the node after `list`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn LinkedList_getNext(list: LinkedList) -> LinkedList {
    // SAFETY: NULL or a live node.
    guard(null_mut(), || {
        unsafe { list.as_ref() }.map_or(null_mut(), |n| n.next)
    })
}

/// `LinkedList_size`: number of nodes after `list`.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn LinkedList_size(list: LinkedList) -> c_int {
    // SAFETY: a live list.
    guard(0, || unsafe { elements(list).count() } as c_int)
}

/// `LinkedList_getData`: the element of a node.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn LinkedList_getData(listElement: LinkedList) -> *mut c_void {
    // SAFETY: NULL or a live node.
    guard(null_mut(), || {
        unsafe { listElement.as_ref() }.map_or(null_mut(), |n| n.data)
    })
}

/// `LinkedList_printStringList`: prints each element as a C string on its own line (C stdio).
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn LinkedList_printStringList(list: LinkedList) {
    // SAFETY: elements are C strings (glibc prints "(null)" for NULL).
    guard((), || unsafe {
        for n in elements(list) {
            libc::printf(c"%s\n".as_ptr(), (*n).data as *const std::ffi::c_char);
        }
    })
}
