//! Walks over the C model graph (`IedModel` → logical devices → logical nodes → data
//! objects → data attributes, plus the model's lists of data sets and control blocks).
//!
//! The graph may come from C (a static model): every sibling chain is cut after
//! [`MAX_CHAIN`] nodes and every descent after [`MAX_DEPTH`] levels, so a cycle or a
//! runaway list ends the walk instead of hanging it. NULL pointers end chains.

use std::ffi::{c_char, CStr};
use std::ptr::null_mut;

use crate::ffi::iec61850_common::FunctionalConstraint;
use crate::ffi::iec61850_model::{
    DataAttribute, DataAttributeModelType, DataObjectModelType, DataSet, IedModel, LogicalDevice,
    ModelNode,
};
use crate::iec61850::fc_from_name;

/// Longest sibling chain walked.
pub const MAX_CHAIN: usize = 1 << 20;

/// Deepest descent below a logical device.
pub const MAX_DEPTH: usize = 64;

/// Most nodes one depth-first search visits (a cycle would make it endless otherwise).
pub const MAX_VISITS: usize = 1 << 22;

/// Iterates a NULL-terminated chain from `first`, following `next` (at most [`MAX_CHAIN`]).
///
/// # Safety
/// Every node of the chain is NULL or live while the iterator is used.
pub unsafe fn chain<T>(first: *mut T, next: fn(&T) -> *mut T) -> impl Iterator<Item = *mut T> {
    let mut at = first;
    std::iter::from_fn(move || {
        // SAFETY: the caller's contract.
        let node = unsafe { at.as_ref() }?;
        let this = at;
        at = next(node);
        Some(this)
    })
    .take(MAX_CHAIN)
}

/// The children of `node`; `None` for NULL.
///
/// # Safety
/// `node` is NULL or a live node whose subtree is live.
pub unsafe fn children(node: *mut ModelNode) -> Option<impl Iterator<Item = *mut ModelNode>> {
    // SAFETY: the caller's contract.
    let first = unsafe { node.as_ref() }?.firstChild;
    // SAFETY: the caller's contract.
    Some(unsafe { chain(first, |n| n.sibling) })
}

/// Whether the C string `p` is `name`.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string.
pub unsafe fn name_is(p: *const c_char, name: &CStr) -> bool {
    // SAFETY: the caller's contract.
    !p.is_null() && unsafe { CStr::from_ptr(p) } == name
}

/// A node's name as UTF-8 (`None` for NULL or invalid UTF-8).
///
/// # Safety
/// `p` is NULL or a NUL-terminated string that outlives `'a`.
unsafe fn text<'a>(p: *const c_char) -> Option<&'a str> {
    // SAFETY: the caller's contract.
    (!p.is_null())
        .then(|| unsafe { CStr::from_ptr(p) }.to_str().ok())
        .flatten()
}

/// The child of `node` named `name`.
///
/// # Safety
/// `node` is NULL or a live node whose subtree is live.
pub unsafe fn child_named(node: *mut ModelNode, name: &CStr) -> *mut ModelNode {
    // SAFETY: the caller's contract.
    unsafe { children(node) }
        .and_then(|mut c| c.find(|&n| unsafe { name_is((*n).name, name) }))
        .unwrap_or(null_mut())
}

/// Whether a child may be the step `name` of a path, for a lookup restricted to `fc`:
/// data objects always, data attributes only with that functional constraint.
///
/// # Safety
/// `n` is a live node.
unsafe fn step_matches(n: *mut ModelNode, name: &str, fc: Option<FunctionalConstraint>) -> bool {
    // SAFETY: the caller's contract.
    let node = unsafe { &*n };
    // SAFETY: the node's own name.
    if unsafe { text(node.name) } != Some(name) {
        return false;
    }
    match fc {
        None => true,
        Some(_) if node.modelType == DataObjectModelType => true,
        Some(fc) => {
            node.modelType == DataAttributeModelType
                // SAFETY: a data attribute node is a `DataAttribute`.
                && unsafe { (*n.cast::<DataAttribute>()).fc } == fc
        }
    }
}

/// Splits a path step `name(3)` into its name and element index.
fn split_index(step: &str) -> Option<(&str, Option<i32>)> {
    match step.strip_suffix(')').and_then(|s| s.split_once('(')) {
        Some((name, index)) => Some((name, Some(index.parse().ok()?))),
        None => Some((step, None)),
    }
}

/// The node at a `.`-separated path below `node` (steps may index arrays: `phsAHar(3)`).
/// With `fc`, data attributes on the way must have it and the path must end at one.
///
/// # Safety
/// `node` is NULL or a live node whose subtree is live.
pub unsafe fn descendant(
    node: *mut ModelNode,
    path: &str,
    fc: Option<FunctionalConstraint>,
) -> *mut ModelNode {
    if path.is_empty() {
        return null_mut();
    }
    let mut at = node;
    for step in path.split('.').take(MAX_DEPTH) {
        let Some((name, index)) = split_index(step) else {
            return null_mut();
        };
        // SAFETY: `at` is a live node of the subtree.
        let found = unsafe { children(at) }
            .and_then(|mut c| c.find(|&n| unsafe { step_matches(n, name, fc) }));
        let Some(mut next) = found else {
            return null_mut();
        };
        if let Some(index) = index {
            // SAFETY: as above; elements are data objects or attributes.
            let element = unsafe { children(next) }.and_then(|mut c| {
                c.find(|&n| unsafe { (*n.cast::<DataAttribute>()).arrayIndex } == index)
            });
            match element {
                Some(e) => next = e,
                None => return null_mut(),
            }
        }
        at = next;
    }
    // SAFETY: `at` is a live node.
    let ends_at_attribute = unsafe { (*at).modelType } == DataAttributeModelType;
    if fc.is_some() && !ends_at_attribute {
        return null_mut();
    }
    at
}

/// The logical devices of `model`.
///
/// # Safety
/// `model` is NULL or a live model.
pub unsafe fn devices(model: *mut IedModel) -> impl Iterator<Item = *mut LogicalDevice> {
    // SAFETY: the caller's contract.
    let first = unsafe { model.as_ref() }.map_or(null_mut(), |m| m.firstChild);
    // SAFETY: the caller's contract; a device's sibling is a device.
    unsafe { chain(first, |d| d.sibling.cast()) }
}

/// The MMS domain name of a device: its ldName, or the IED name followed by its instance.
///
/// # Safety
/// `device` is a live device whose parent is NULL or its model.
pub unsafe fn domain_name(device: *mut LogicalDevice) -> Option<String> {
    // SAFETY: the caller's contract.
    let d = unsafe { &*device };
    // SAFETY: the device's strings.
    if let Some(ld_name) = unsafe { text(d.ldName) } {
        return Some(ld_name.to_owned());
    }
    // SAFETY: a device's parent is its model.
    let ied = unsafe { d.parent.cast::<IedModel>().as_ref() }
        .and_then(|m| unsafe { text(m.name) })
        .unwrap_or("");
    // SAFETY: the device's name.
    Some(format!("{ied}{}", unsafe { text(d.name) }?))
}

/// The device named `name`: by instance with `by_inst`, else by MMS domain name.
///
/// # Safety
/// `model` is NULL or a live model.
pub unsafe fn device(model: *mut IedModel, name: &str, by_inst: bool) -> *mut LogicalDevice {
    // SAFETY: the caller's contract.
    unsafe { devices(model) }
        .find(|&d| unsafe {
            if by_inst {
                text((*d).name) == Some(name)
            } else {
                domain_name(d).as_deref() == Some(name)
            }
        })
        .unwrap_or(null_mut())
}

/// The object reference of `node`: `DOMAIN/LN.DO.DA`, array elements as `(i)`; the device
/// as its instance alone with `without_ied_name`.
///
/// # Safety
/// `node` is NULL or a live node of a model.
pub unsafe fn object_reference(node: *mut ModelNode, without_ied_name: bool) -> Option<String> {
    let mut parts = Vec::new();
    let mut at = node;
    for _ in 0..MAX_DEPTH {
        // SAFETY: the caller's contract; parents of live nodes are live.
        let n = unsafe { at.as_ref() }?;
        if n.modelType == crate::ffi::iec61850_model::LogicalDeviceModelType {
            let device = at.cast::<LogicalDevice>();
            let name = if without_ied_name {
                // SAFETY: the device's name.
                unsafe { text(n.name) }?.to_owned()
            } else {
                // SAFETY: a live device.
                unsafe { domain_name(device) }?
            };
            parts.push(name);
            parts.reverse();
            let mut out = parts[0].clone();
            for (i, part) in parts.iter().enumerate().skip(1) {
                out.push(match i {
                    1 => '/',
                    _ if part.starts_with('(') => '\0',
                    _ => '.',
                });
                if out.ends_with('\0') {
                    out.pop();
                }
                out.push_str(part);
            }
            return Some(out);
        }
        // SAFETY: the node's name.
        let part = match unsafe { text(n.name) } {
            Some(name) => name.to_owned(),
            // An array element: its index.
            None => format!("({})", unsafe { (*at.cast::<DataAttribute>()).arrayIndex }),
        };
        parts.push(part);
        at = n.parent;
    }
    None
}

/// The node of an object reference `DOMAIN/LN.DO.DA` (`LD/...` with `short`), or of the
/// device alone; NULL if there is none.
///
/// # Safety
/// `model` is NULL or a live model.
pub unsafe fn node_by_reference(
    model: *mut IedModel,
    reference: &str,
    short: bool,
) -> *mut ModelNode {
    let (device_name, rest) = match reference.split_once('/') {
        Some((d, r)) => (d, Some(r)),
        None => (reference, None),
    };
    // SAFETY: the caller's contract.
    let device = unsafe { device(model, device_name, short) }.cast::<ModelNode>();
    let Some(rest) = rest.filter(|r| !r.is_empty()) else {
        return device;
    };
    let (ln, path) = match rest.split_once('.') {
        Some((ln, path)) => (ln, Some(path)),
        None => (rest, None),
    };
    let Ok(ln) = std::ffi::CString::new(ln) else {
        return null_mut();
    };
    // SAFETY: a live device (or NULL).
    let ln = unsafe { child_named(device, &ln) };
    match path {
        None => ln,
        // SAFETY: a live node (or NULL).
        Some(path) => unsafe { descendant(ln, path, None) },
    }
}

/// The data attribute of the MMS variable `LN$FC$DO$DA` of a device.
///
/// # Safety
/// `device` is NULL or a live device.
pub unsafe fn by_mms_variable(device: *mut LogicalDevice, variable: &str) -> *mut ModelNode {
    let mut parts = variable.splitn(3, '$');
    let (Some(ln), Some(fc), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
        return null_mut();
    };
    let (Some(fc), Ok(ln)) = (fc_from_name(fc), std::ffi::CString::new(ln)) else {
        return null_mut();
    };
    // SAFETY: the caller's contract.
    let ln = unsafe { child_named(device.cast(), &ln) };
    // SAFETY: a live node (or NULL).
    unsafe { descendant(ln, &path.replace('$', "."), Some(fc)) }
}

/// Visits every node below `node` (depth first, in model order) until `f` returns true;
/// returns that node. `budget` counts the visits left: at 0 the search ends.
///
/// # Safety
/// `node` is NULL or a live node whose subtree is live.
unsafe fn find_below(
    node: *mut ModelNode,
    depth: usize,
    budget: &mut usize,
    f: &mut impl FnMut(*mut ModelNode) -> bool,
) -> *mut ModelNode {
    if depth > MAX_DEPTH {
        return null_mut();
    }
    // SAFETY: the caller's contract.
    let Some(children) = (unsafe { children(node) }) else {
        return null_mut();
    };
    for child in children {
        if *budget == 0 {
            return null_mut();
        }
        *budget -= 1;
        if f(child) {
            return child;
        }
        // SAFETY: a live child.
        let found = unsafe { find_below(child, depth + 1, budget, f) };
        if !found.is_null() {
            return found;
        }
    }
    null_mut()
}

/// The first data attribute of the model (depth first) for which `f` holds.
///
/// # Safety
/// `model` is NULL or a live model.
pub unsafe fn find_attribute(
    model: *mut IedModel,
    mut f: impl FnMut(*mut DataAttribute) -> bool,
) -> *mut ModelNode {
    let mut test = |n: *mut ModelNode| {
        // SAFETY: nodes visited are live; data attribute nodes are `DataAttribute`s.
        unsafe { (*n).modelType == DataAttributeModelType && f(n.cast()) }
    };
    let mut budget = MAX_VISITS;
    // SAFETY: the caller's contract.
    for device in unsafe { devices(model) } {
        // SAFETY: a live device.
        let found = unsafe { find_below(device.cast(), 0, &mut budget, &mut test) };
        if !found.is_null() {
            return found;
        }
    }
    null_mut()
}

/// Calls `f` on every data attribute of the model.
///
/// # Safety
/// `model` is NULL or a live model that nothing else accesses meanwhile.
pub unsafe fn for_each_attribute(model: *mut IedModel, f: &mut impl FnMut(&mut DataAttribute)) {
    // SAFETY: the caller's contract: visited attributes are live and not borrowed elsewhere.
    unsafe {
        find_attribute(model, |da| {
            f(&mut *da);
            false
        });
    }
}

/// Whether a data attribute below `node` has `fc`.
///
/// # Safety
/// `node` is NULL or a live node whose subtree is live.
pub unsafe fn has_fc(node: *mut ModelNode, fc: FunctionalConstraint) -> bool {
    let mut budget = MAX_VISITS;
    // SAFETY: the caller's contract; data attribute nodes are `DataAttribute`s.
    let found = unsafe {
        find_below(node, 0, &mut budget, &mut |n| {
            (*n).modelType == DataAttributeModelType && (*n.cast::<DataAttribute>()).fc == fc
        })
    };
    !found.is_null()
}

/// The data set `name` (`LN$name`) of the device with instance `inst`.
///
/// # Safety
/// `model` is NULL or a live model; `inst` NULL or a C string.
pub unsafe fn data_set(model: *mut IedModel, inst: *const c_char, name: &str) -> *mut DataSet {
    // SAFETY: the caller's contract.
    let (Some(model), Some(inst)) = (unsafe { model.as_ref() }, unsafe { text(inst) }) else {
        return null_mut();
    };
    // SAFETY: the model's list.
    unsafe { chain(model.dataSets, |d| d.sibling) }
        .find(|&d| unsafe {
            text((*d).logicalDeviceName) == Some(inst) && text((*d).name) == Some(name)
        })
        .unwrap_or(null_mut())
}
