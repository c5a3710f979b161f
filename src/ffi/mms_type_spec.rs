//! Declarations of `mms_type_spec.h`.
//!
//! An `MmsVariableSpecification*` is a tree of `malloc`ed nodes in exactly the C layout
//! (see [`MmsVariableSpecification`]), so C code may read the fields as with libiec61850:
//! each node owns its `name` (malloc'ed) and its children (a structure owns a malloc'ed
//! array of child pointers). Trees built by C code the same way are accepted everywhere.
//! Lookups work on the C tree itself because they hand out pointers into it.
#![allow(non_snake_case)]

use std::ffi::{c_char, c_int, CStr};
use std::ptr::null_mut;

use super::linked_list::{LinkedList, LinkedList_add, LinkedList_create};
use super::mms_common::*;
use super::mms_types::MmsVariableSpecification;
use super::mms_types::{sMmsArray, sMmsFloat, sMmsStructure, uMmsTypeSpecification};
use super::{c_str, guard, malloc_c_string};
use crate::mms::data::MAX_NESTING;
use crate::mms::type_spec::TypeSpec;
use crate::mms::MmsValue;

type Spec = MmsVariableSpecification;

/// A copy of the node at `p`; `None` for NULL.
///
/// # Safety
/// `p` is NULL or points to a readable `MmsVariableSpecification` (any alignment).
unsafe fn node(p: *const Spec) -> Option<Spec> {
    // SAFETY: per the contract; the struct is packed, so read it unaligned.
    (!p.is_null()).then(|| unsafe { std::ptr::read_unaligned(p) })
}

/// Child pointers of a structure node (empty for other types and a NULL array).
///
/// # Safety
/// `n` is a node of a valid tree.
unsafe fn children(n: &Spec) -> Vec<*mut Spec> {
    if n.r#type != MMS_STRUCTURE {
        return Vec::new();
    }
    // SAFETY: the type says the structure member is the valid one.
    let s: sMmsStructure = unsafe { n.typeSpec.structure };
    if s.elements.is_null() {
        return Vec::new();
    }
    (0..usize::try_from(s.elementCount).unwrap_or(0))
        // SAFETY: a structure node holds `elementCount` child pointers.
        .map(|i| unsafe { std::ptr::read_unaligned(s.elements.add(i)) })
        .collect()
}

/// The element type of an array node.
///
/// # Safety
/// `n` is a node of a valid tree.
unsafe fn array_element(n: &Spec) -> Option<*mut Spec> {
    if n.r#type != MMS_ARRAY {
        return None;
    }
    // SAFETY: the type says the array member is the valid one.
    Some(unsafe { n.typeSpec.array.elementTypeSpec })
}

/// Index and node of the component of structure `p` called `name`.
///
/// # Safety
/// `p` is NULL or a node of a valid tree.
unsafe fn child_by_name(p: *const Spec, name: &[u8]) -> Option<(usize, *mut Spec)> {
    // SAFETY: per the contract; names are NULL or C strings.
    unsafe {
        children(&node(p)?).into_iter().enumerate().find(|&(_, c)| {
            node(c).is_some_and(|n| c_str(n.name).is_some_and(|s| s.to_bytes() == name))
        })
    }
}

/// First `$`-separated component of `path` and the rest after the separator.
fn split_path(path: &[u8]) -> (&[u8], Option<&[u8]>) {
    match path.iter().position(|&b| b == b'$') {
        Some(i) => (&path[..i], Some(&path[i + 1..])),
        None => (path, None),
    }
}

/// A malloc'ed C tree of `spec`, its top node called `name`; NULL if out of memory.
// Until IedConnection_getVariableSpecification lands only the tests call it.
pub(crate) fn spec_to_c(spec: &TypeSpec, name: Option<&str>) -> *mut MmsVariableSpecification {
    // SAFETY: calloc'ed node, filled in below; every pointer stored is owned by the tree.
    unsafe {
        let p = libc::calloc(1, std::mem::size_of::<Spec>()) as *mut Spec;
        if p.is_null() {
            return p;
        }
        let name_ptr = name.map_or(null_mut(), |n| malloc_c_string(n.as_bytes()));
        // Zero first so that a partly built node is always safe to destroy.
        let mut type_spec: uMmsTypeSpecification = std::mem::zeroed();
        p.write_unaligned(Spec {
            r#type: spec.mms_type() as MmsType,
            name: name_ptr,
            typeSpec: type_spec,
        });
        let mut complete = name.is_none() || !name_ptr.is_null();
        match spec {
            TypeSpec::Array { count, element, .. } => {
                let e = spec_to_c(element, None);
                complete &= !e.is_null();
                type_spec.array = sMmsArray {
                    elementCount: c_int::try_from(*count).unwrap_or(c_int::MAX),
                    elementTypeSpec: e,
                };
            }
            TypeSpec::Structure { components, .. } => {
                let n = components.len();
                let elements =
                    libc::calloc(n.max(1), std::mem::size_of::<*mut Spec>()) as *mut *mut Spec;
                complete &= !elements.is_null();
                if !elements.is_null() {
                    for (i, (child_name, t)) in components.iter().enumerate() {
                        let c = spec_to_c(t, Some(child_name));
                        complete &= !c.is_null();
                        elements.add(i).write(c);
                    }
                }
                type_spec.structure = sMmsStructure {
                    elementCount: if elements.is_null() { 0 } else { n as c_int },
                    elements,
                };
            }
            TypeSpec::Float {
                format_width,
                exponent_width,
            } => {
                type_spec.floatingpoint = sMmsFloat {
                    exponentWidth: *exponent_width,
                    formatWidth: *format_width,
                }
            }
            TypeSpec::BitString(n) => type_spec.bitString = *n,
            TypeSpec::Integer(n) => type_spec.integer = c_int::from(*n),
            TypeSpec::Unsigned(n) => type_spec.unsignedInteger = c_int::from(*n),
            TypeSpec::Bcd(n) => type_spec.integer = c_int::from(*n),
            TypeSpec::OctetString(n) => type_spec.octetString = *n,
            TypeSpec::VisibleString(n) => type_spec.visibleString = *n,
            TypeSpec::MmsString(n) => type_spec.mmsString = *n,
            TypeSpec::BinaryTime(with_date) => {
                type_spec.binaryTime = if *with_date { 6 } else { 4 }
            }
            TypeSpec::Boolean | TypeSpec::GeneralizedTime | TypeSpec::ObjId | TypeSpec::UtcTime => {
            }
        }
        std::ptr::addr_of_mut!((*p).typeSpec).write_unaligned(type_spec);
        if !complete {
            free_tree(p);
            return null_mut();
        }
        p
    }
}

/// The tree at `p` as a [`TypeSpec`]; `None` for NULL, unknown types, missing children or
/// nesting beyond [`MAX_NESTING`].
///
/// # Safety
/// `p` is NULL or the root of a valid tree (ours or built by C code in the same layout).
pub(crate) unsafe fn spec_from_c(p: *const MmsVariableSpecification) -> Option<TypeSpec> {
    // SAFETY: forwarded contract.
    unsafe { from_c(p, MAX_NESTING) }
}

/// [`spec_from_c`] with the remaining nesting depth.
///
/// # Safety
/// As [`spec_from_c`].
unsafe fn from_c(p: *const Spec, depth_left: usize) -> Option<TypeSpec> {
    // SAFETY: forwarded contract.
    let n = unsafe { node(p) }?;
    let u = n.typeSpec;
    let narrow = |v: c_int| u8::try_from(v).ok();
    // SAFETY: each arm reads the union member that the node's type selects.
    unsafe {
        Some(match n.r#type {
            MMS_ARRAY => {
                let element = from_c(u.array.elementTypeSpec, depth_left.checked_sub(1)?)?;
                TypeSpec::Array {
                    packed: false,
                    count: u32::try_from(u.array.elementCount).ok()?,
                    element: Box::new(element),
                }
            }
            MMS_STRUCTURE => {
                let depth = depth_left.checked_sub(1)?;
                let components = children(&n)
                    .into_iter()
                    .map(|c| {
                        let name = c_str(node(c)?.name)
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        Some((name, from_c(c, depth)?))
                    })
                    .collect::<Option<_>>()?;
                TypeSpec::Structure {
                    packed: false,
                    components,
                }
            }
            MMS_BOOLEAN => TypeSpec::Boolean,
            MMS_BIT_STRING => TypeSpec::BitString(u.bitString),
            MMS_INTEGER => TypeSpec::Integer(narrow(u.integer)?),
            MMS_UNSIGNED => TypeSpec::Unsigned(narrow(u.unsignedInteger)?),
            MMS_FLOAT => TypeSpec::Float {
                format_width: u.floatingpoint.formatWidth,
                exponent_width: u.floatingpoint.exponentWidth,
            },
            MMS_OCTET_STRING => TypeSpec::OctetString(u.octetString),
            MMS_VISIBLE_STRING => TypeSpec::VisibleString(u.visibleString),
            MMS_GENERALIZED_TIME => TypeSpec::GeneralizedTime,
            // The reference makes a 4-octet value only for exactly 4.
            MMS_BINARY_TIME => TypeSpec::BinaryTime(u.binaryTime != 4),
            MMS_BCD => TypeSpec::Bcd(narrow(u.integer)?),
            MMS_OBJ_ID => TypeSpec::ObjId,
            MMS_STRING => TypeSpec::MmsString(u.mmsString),
            MMS_UTC_TIME => TypeSpec::UtcTime,
            _ => return None,
        })
    }
}

/// Frees a tree: names, child arrays and nodes.
///
/// # Safety
/// `p` is NULL or the root of a malloc'ed tree that nothing uses afterwards.
unsafe fn free_tree(p: *mut Spec) {
    // SAFETY: per the contract every pointer below was malloc'ed and is freed once.
    unsafe {
        let Some(n) = node(p) else { return };
        if let Some(e) = array_element(&n) {
            free_tree(e);
        }
        if n.r#type == MMS_STRUCTURE {
            children(&n).into_iter().for_each(|c| free_tree(c));
            libc::free(n.typeSpec.structure.elements.cast());
        }
        libc::free(n.name.cast());
        libc::free(p.cast());
    }
}

/// The value inside `value` at the `$`-separated component path `path` of type `spec`
/// (structures only, as the reference); NULL when a name or element is missing.
///
/// # Safety
/// `spec` is NULL or a valid tree; `value` is NULL or a live `MmsValue*` of this library.
pub(crate) unsafe fn child_value(
    spec: *const Spec,
    value: *mut MmsValue,
    path: &[u8],
) -> *mut MmsValue {
    let (mut spec, mut value, mut rest) = (spec, value, path);
    loop {
        let (head, tail) = split_path(rest);
        // SAFETY: per the contract.
        let Some((index, child)) = (unsafe { child_by_name(spec, head) }) else {
            return null_mut();
        };
        // SAFETY: per the contract; elements are boxed, so their addresses are stable.
        let element = match unsafe { value.as_mut() } {
            Some(MmsValue::Structure(elements)) => elements.get_mut(index),
            _ => None,
        };
        value = match element {
            Some(Some(e)) => &mut **e,
            _ => return null_mut(),
        };
        match tail {
            None => return value,
            Some(t) => (spec, rest) = (child, t),
        }
    }
}

/// `MmsVariableSpecification_destroy`: frees the tree; NULL is a no-op.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsVariableSpecification_destroy(self_: *mut MmsVariableSpecification) {
    // SAFETY: forwarded caller contract.
    guard((), || unsafe { free_tree(self_) })
}

/// `MmsVariableSpecification_getChildValue`: borrows the component of `value` at the
/// `$`-separated path `childId`; NULL when absent.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsVariableSpecification_getChildValue(
    self_: *mut MmsVariableSpecification,
    value: *mut MmsValue,
    childId: *const c_char,
) -> *mut MmsValue {
    // SAFETY: forwarded caller contract.
    guard(null_mut(), || unsafe {
        c_str(childId).map_or(null_mut(), |p| child_value(self_, value, p.to_bytes()))
    })
}

/// `MmsVariableSpecification_getNamedVariableRecursive`: the node at the `$`-separated path
/// `nameId`; arrays are passed through to their element type, as in the reference.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsVariableSpecification_getNamedVariableRecursive(
    self_: *mut MmsVariableSpecification,
    nameId: *const c_char,
) -> *mut MmsVariableSpecification {
    // SAFETY: forwarded caller contract.
    guard(null_mut(), || unsafe {
        let Some(path) = c_str(nameId) else {
            return null_mut();
        };
        let (mut spec, mut rest) = (self_, path.to_bytes());
        // Every step descends one level, so even a cyclic C tree cannot loop forever.
        for _ in 0..MAX_NESTING {
            if let Some(e) = node(spec).and_then(|n| array_element(&n)) {
                spec = e;
                continue;
            }
            let (head, tail) = split_path(rest);
            let Some((_, child)) = child_by_name(spec, head) else {
                return null_mut();
            };
            match tail {
                None => return child,
                Some(t) => (spec, rest) = (child, t),
            }
        }
        null_mut()
    })
}

/// `MmsVariableSpecification_getType`; `MMS_DATA_ACCESS_ERROR` for NULL.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsVariableSpecification_getType(
    self_: *mut MmsVariableSpecification,
) -> MmsType {
    // SAFETY: forwarded caller contract.
    guard(MMS_DATA_ACCESS_ERROR, || unsafe {
        node(self_).map_or(MMS_DATA_ACCESS_ERROR, |n| n.r#type)
    })
}

/// `MmsVariableSpecification_isValueOfType`: see [`TypeSpec::matches`]; false for NULL.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsVariableSpecification_isValueOfType(
    self_: *mut MmsVariableSpecification,
    value: *const MmsValue,
) -> bool {
    // SAFETY: forwarded caller contract.
    guard(false, || unsafe {
        match (spec_from_c(self_), value.as_ref()) {
            (Some(spec), Some(v)) => spec.matches(v),
            _ => false,
        }
    })
}

/// `MmsVariableSpecification_getName`: the node's name (NULL for a top-level node), borrowed.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsVariableSpecification_getName(
    self_: *mut MmsVariableSpecification,
) -> *const c_char {
    // SAFETY: forwarded caller contract.
    guard(std::ptr::null(), || unsafe {
        node(self_).map_or(std::ptr::null(), |n| n.name)
    })
}

/// `MmsVariableSpecification_getStructureElements`: a new list of malloc'ed copies of the
/// component names (release it with `LinkedList_destroy`); NULL for other types.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsVariableSpecification_getStructureElements(
    self_: *mut MmsVariableSpecification,
) -> LinkedList {
    // SAFETY: forwarded caller contract.
    guard(null_mut(), || unsafe {
        let Some(n) = node(self_).filter(|n| n.r#type == MMS_STRUCTURE) else {
            return null_mut();
        };
        let list = LinkedList_create();
        for c in children(&n) {
            let name = node(c)
                .and_then(|n| c_str(n.name))
                .map_or(&[][..], CStr::to_bytes);
            LinkedList_add(list, malloc_c_string(name).cast());
        }
        list
    })
}

/// `MmsVariableSpecification_getSize`: element count of arrays and structures, the size of
/// bit/octet/visible/MMS strings, integers and binary times, the format width of floats;
/// -1 for other types and NULL.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsVariableSpecification_getSize(
    self_: *mut MmsVariableSpecification,
) -> c_int {
    // SAFETY: forwarded caller contract; each arm reads the member the type selects.
    guard(-1, || unsafe {
        let Some(n) = node(self_) else { return -1 };
        let u = n.typeSpec;
        match n.r#type {
            MMS_ARRAY => u.array.elementCount,
            MMS_STRUCTURE => u.structure.elementCount,
            MMS_BIT_STRING | MMS_INTEGER | MMS_UNSIGNED | MMS_OCTET_STRING | MMS_VISIBLE_STRING
            | MMS_STRING | MMS_BINARY_TIME => u.integer,
            MMS_FLOAT => c_int::from(u.floatingpoint.formatWidth),
            _ => -1,
        }
    })
}

/// `MmsVariableSpecification_getChildSpecificationByIndex`: component `index` of a
/// structure, borrowed; NULL when out of range or not a structure.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsVariableSpecification_getChildSpecificationByIndex(
    self_: *mut MmsVariableSpecification,
    index: c_int,
) -> *mut MmsVariableSpecification {
    // SAFETY: forwarded caller contract.
    guard(null_mut(), || unsafe {
        let kids = node(self_).map(|n| children(&n)).unwrap_or_default();
        usize::try_from(index)
            .ok()
            .and_then(|i| kids.get(i).copied())
            .unwrap_or(null_mut())
    })
}

/// `MmsVariableSpecification_getChildSpecificationByName`: the component called `name`,
/// borrowed; its position goes to `*index` (when not NULL) only if it is found.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsVariableSpecification_getChildSpecificationByName(
    self_: *mut MmsVariableSpecification,
    name: *const c_char,
    index: *mut c_int,
) -> *mut MmsVariableSpecification {
    // SAFETY: forwarded caller contract.
    guard(null_mut(), || unsafe {
        let found = c_str(name).and_then(|n| child_by_name(self_, n.to_bytes()));
        match found {
            Some((i, child)) => {
                if let Some(out) = index.as_mut() {
                    *out = i as c_int;
                }
                child
            }
            None => null_mut(),
        }
    })
}

/// `MmsVariableSpecification_getArrayElementSpecification`: the element type of an array,
/// borrowed; NULL for other types.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsVariableSpecification_getArrayElementSpecification(
    self_: *mut MmsVariableSpecification,
) -> *mut MmsVariableSpecification {
    // SAFETY: forwarded caller contract.
    guard(null_mut(), || unsafe {
        node(self_)
            .and_then(|n| array_element(&n))
            .unwrap_or(null_mut())
    })
}

/// `MmsVariableSpecification_getExponentWidth`: of a floating point type; -1 otherwise.
///
/// # Safety
/// Pointer arguments are NULL or what the C API expects: live handles of this library,
/// C strings, buffers of the stated size.
#[no_mangle]
pub unsafe extern "C" fn MmsVariableSpecification_getExponentWidth(
    self_: *mut MmsVariableSpecification,
) -> c_int {
    // SAFETY: forwarded caller contract; the float member is read only for floats.
    guard(-1, || unsafe {
        match node(self_) {
            Some(n) if n.r#type == MMS_FLOAT => {
                let u = n.typeSpec;
                c_int::from(u.floatingpoint.exponentWidth)
            }
            _ => -1,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::linked_list::{LinkedList_destroy, LinkedList_getData, LinkedList_getNext};
    use super::*;

    fn sample() -> TypeSpec {
        let oper = TypeSpec::Structure {
            packed: false,
            components: vec![
                ("ctlVal".into(), TypeSpec::Boolean),
                (
                    "f".into(),
                    TypeSpec::Float {
                        format_width: 64,
                        exponent_width: 11,
                    },
                ),
            ],
        };
        TypeSpec::Structure {
            packed: false,
            components: vec![
                ("Oper".into(), oper.clone()),
                (
                    "arr".into(),
                    TypeSpec::Array {
                        packed: false,
                        count: 2,
                        element: Box::new(oper),
                    },
                ),
                ("bt".into(), TypeSpec::BinaryTime(false)),
            ],
        }
    }

    #[test]
    fn c_tree_round_trips_and_answers_lookups() {
        // SAFETY: the tree is built and freed here; strings are C literals.
        unsafe {
            let p = spec_to_c(&sample(), None);
            assert_eq!(spec_from_c(p), Some(sample()));
            assert_eq!(MmsVariableSpecification_getType(p), MMS_STRUCTURE);
            assert!(MmsVariableSpecification_getName(p).is_null());
            let mut index = -5;
            let arr = MmsVariableSpecification_getChildSpecificationByName(
                p,
                c"arr".as_ptr(),
                &mut index,
            );
            assert_eq!((index, MmsVariableSpecification_getSize(arr)), (1, 2));
            assert!(MmsVariableSpecification_getChildSpecificationByName(
                p,
                c"x".as_ptr(),
                &mut index
            )
            .is_null());
            assert_eq!(index, 1);
            assert_eq!(
                MmsVariableSpecification_getChildSpecificationByIndex(p, 1),
                arr
            );
            assert!(MmsVariableSpecification_getChildSpecificationByIndex(p, 3).is_null());
            let f = MmsVariableSpecification_getNamedVariableRecursive(p, c"arr$f".as_ptr());
            assert_eq!(CStr::from_ptr(MmsVariableSpecification_getName(f)), c"f");
            assert_eq!(MmsVariableSpecification_getExponentWidth(f), 11);
            assert_eq!(MmsVariableSpecification_getSize(f), 64);
            assert!(
                MmsVariableSpecification_getNamedVariableRecursive(p, c"Oper$".as_ptr()).is_null()
            );
            let bt = MmsVariableSpecification_getChildSpecificationByIndex(p, 2);
            assert_eq!(MmsVariableSpecification_getSize(bt), 4);
            assert!(!MmsVariableSpecification_getArrayElementSpecification(arr).is_null());
            assert!(MmsVariableSpecification_getArrayElementSpecification(p).is_null());
            let list = MmsVariableSpecification_getStructureElements(p);
            let mut names = Vec::new();
            let mut e = LinkedList_getNext(list);
            while !e.is_null() {
                names.push(CStr::from_ptr(LinkedList_getData(e).cast()).to_owned());
                e = LinkedList_getNext(e);
            }
            assert_eq!(names, [c"Oper", c"arr", c"bt"]);
            LinkedList_destroy(list);
            let mut value = sample().default_value().unwrap();
            assert!(MmsVariableSpecification_isValueOfType(p, &value));
            let ctl =
                MmsVariableSpecification_getChildValue(p, &mut value, c"Oper$ctlVal".as_ptr());
            assert_eq!(ctl.as_ref(), Some(&MmsValue::Boolean(false)));
            assert!(
                MmsVariableSpecification_getChildValue(p, &mut value, c"arr$f".as_ptr()).is_null()
            );
            MmsVariableSpecification_destroy(p);
            MmsVariableSpecification_destroy(null_mut());
            assert_eq!(MmsVariableSpecification_getSize(null_mut()), -1);
        }
    }
}
