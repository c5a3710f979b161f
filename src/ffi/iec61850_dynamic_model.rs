//! Functions of `iec61850_dynamic_model.h`: building a model at run time.
//!
//! Every node, string and control block is `calloc`ed/`malloc`ed in the shape of the C
//! structs, so that C code reading the model sees what libiec61850 builds. Models made here
//! (or by the config-file parser) are remembered, and only those are freed by
//! `IedModel_destroy`: a static model handed to it is left alone.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use std::collections::BTreeSet;
use std::ffi::{c_char, c_int};
use std::ptr::null_mut;

use parking_lot::Mutex;

use super::iec61850_common::{FunctionalConstraint, PhyComAddress, IEC61850_FC_GO};
use super::iec61850_model::*;
use super::mms_value::{delete_value, MmsValue_clone, MmsValue_update};
use super::{c_str, guard, malloc_c_string};
use crate::mms::MmsValue;
use crate::model::graph::{self, MAX_DEPTH};

/// Models built by this library (their addresses): the ones `IedModel_destroy` frees.
static DYNAMIC_MODELS: Mutex<BTreeSet<usize>> = Mutex::new(BTreeSet::new());

/// Remembers `model` as built by this library.
pub(crate) fn register(model: *mut IedModel) {
    DYNAMIC_MODELS.lock().insert(model as usize);
}

/// Whether `model` was built by this library.
fn is_dynamic(model: *const IedModel) -> bool {
    DYNAMIC_MODELS.lock().contains(&(model as usize))
}

/// A zeroed `T` from `calloc` (NULL if out of memory).
fn zeroed<T>() -> *mut T {
    // SAFETY: calloc of one T; an all-zero T (NULL pointers, 0, false) is valid.
    unsafe { libc::calloc(1, std::mem::size_of::<T>()).cast() }
}

/// A `malloc`ed copy of a C string (NULL for NULL).
///
/// # Safety
/// `p` is NULL or a NUL-terminated string.
pub(crate) unsafe fn dup(p: *const c_char) -> *mut c_char {
    // SAFETY: the caller's contract.
    unsafe { c_str(p) }.map_or(null_mut(), |s| malloc_c_string(s.to_bytes()))
}

/// Frees a string of a dynamic model (NULL allowed).
///
/// # Safety
/// `p` is NULL or a `malloc`ed string nothing else uses.
unsafe fn free_string(p: *mut c_char) {
    // SAFETY: the caller's contract.
    unsafe { libc::free(p.cast()) }
}

/// Replaces a string field of `model` by `new`, freeing the old one when the model is one of
/// ours (a static model's strings belong to the program).
pub(crate) fn replace_string(model: *mut IedModel, slot: &mut *mut c_char, new: *mut c_char) {
    if is_dynamic(model) {
        // SAFETY: strings of our models are malloc'ed by us and owned by the model.
        unsafe { free_string(*slot) };
    }
    *slot = new;
}

/// Nodes of the model's singly linked lists: where their link to the next one is.
trait Linked: Sized {
    /// The link field of the live node `node`.
    ///
    /// # Safety
    /// `node` is live.
    unsafe fn link(node: *mut Self) -> *mut *mut Self;
}

/// Implements [`Linked`] for structs whose link is their `sibling` field.
macro_rules! linked_by_sibling {
    ($($t:ty),*) => {$(
        impl Linked for $t {
            unsafe fn link(node: *mut Self) -> *mut *mut Self {
                // SAFETY: the caller's contract; the field's type is `*mut Self`.
                unsafe { std::ptr::addr_of_mut!((*node).sibling).cast() }
            }
        }
    )*};
}

linked_by_sibling!(
    ModelNode,
    LogicalDevice,
    DataSet,
    DataSetEntry,
    ReportControlBlock,
    LogControlBlock,
    Log,
    SettingGroupControlBlock,
    GSEControlBlock,
    SVControlBlock
);

/// Appends `node` to the chain starting at `head`.
///
/// # Safety
/// The chain's nodes are live; `node` is live and not in the chain.
unsafe fn append<T: Linked>(head: *mut *mut T, node: *mut T) {
    // SAFETY: the caller's contract.
    unsafe {
        let mut slot = head;
        for _ in 0..graph::MAX_CHAIN {
            if (*slot).is_null() {
                *slot = node;
                return;
            }
            slot = T::link(*slot);
        }
    }
}

/// The model a logical node belongs to (NULL if it has none).
///
/// # Safety
/// `ln` is NULL or a live logical node.
unsafe fn model_of(ln: *mut LogicalNode) -> *mut IedModel {
    // SAFETY: the caller's contract; a node's parent is its device, the device's the model.
    unsafe { ln.as_ref() }
        .and_then(|ln| unsafe { ln.parent.as_ref() })
        .map_or(null_mut(), |d| d.parent.cast())
}

/// `IedModel_create`: an empty model named `name` (copied).
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedModel_create(name: *const c_char) -> *mut IedModel {
    guard(null_mut(), || {
        let model = zeroed::<IedModel>();
        if let Some(m) = unsafe { model.as_mut() } {
            // SAFETY: the caller's contract.
            m.name = unsafe { dup(name) };
            register(model);
        }
        model
    })
}

/// `IedModel_setIedNameForDynamicModel`: renames the IED (copied).
///
/// # Safety
/// `self_` is NULL or a model; `name` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedModel_setIedNameForDynamicModel(
    self_: *mut IedModel,
    name: *const c_char,
) {
    // SAFETY: the caller's contract.
    unsafe { IedModel_setIedName(self_, name) }
}

/// Frees the nodes below `node` and their values (not `node` itself).
///
/// # Safety
/// The subtree belongs to a dynamic model being destroyed.
unsafe fn free_children(node: *mut ModelNode, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    // SAFETY: the caller's contract; the chain is collected before its nodes are freed.
    let children: Vec<_> = unsafe { graph::children(node) }
        .map(|c| c.collect())
        .unwrap_or_default();
    for child in children {
        // SAFETY: a node of the subtree, freed once.
        unsafe {
            free_children(child, depth + 1);
            if (*child).modelType == DataAttributeModelType {
                delete_value((*child.cast::<DataAttribute>()).mmsValue);
            }
            free_string((*child).name);
            libc::free(child.cast());
        }
    }
}

/// Frees every node of a chain with `free_node`, collected first.
///
/// # Safety
/// The chain belongs to a dynamic model being destroyed.
unsafe fn free_chain<T>(first: *mut T, next: fn(&T) -> *mut T, free_node: impl Fn(&mut T)) {
    // SAFETY: the caller's contract.
    let nodes: Vec<_> = unsafe { graph::chain(first, next) }.collect();
    for node in nodes {
        // SAFETY: a node of the chain, freed once.
        unsafe {
            free_node(&mut *node);
            libc::free(node.cast());
        }
    }
}

/// `IedModel_destroy`: frees a model built by this library (dynamic or parsed) with all its
/// nodes, values, data sets and control blocks; NULL and static models are left alone.
///
/// # Safety
/// `model` is NULL, a static model, or a model of this library nothing uses any more.
#[no_mangle]
pub unsafe extern "C" fn IedModel_destroy(model: *mut IedModel) {
    guard((), || {
        if model.is_null() || !DYNAMIC_MODELS.lock().remove(&(model as usize)) {
            return;
        }
        // SAFETY: one of our models, given up by the caller: everything in it is ours.
        unsafe {
            let m = &mut *model;
            free_chain(
                m.firstChild,
                |d| d.sibling.cast(),
                |d| {
                    free_children((d as *mut LogicalDevice).cast(), 0);
                    free_string(d.name);
                    free_string(d.ldName);
                },
            );
            free_chain(
                m.dataSets,
                |d| d.sibling,
                |d| {
                    free_chain(
                        d.fcdas,
                        |e| e.sibling,
                        |e| {
                            if e.isLDNameDynamicallyAllocated {
                                free_string(e.logicalDeviceName);
                            }
                            free_string(e.variableName);
                            free_string(e.componentName);
                        },
                    );
                    free_string(d.logicalDeviceName);
                    free_string(d.name);
                },
            );
            free_chain(
                m.rcbs,
                |r| r.sibling,
                |r| {
                    free_string(r.name);
                    free_string(r.rptId);
                    free_string(r.dataSetName);
                },
            );
            free_chain(
                m.lcbs,
                |l| l.sibling,
                |l| {
                    free_string(l.name);
                    free_string(l.dataSetName);
                    free_string(l.logRef);
                },
            );
            free_chain(m.logs, |l| l.sibling, |l| free_string(l.name));
            free_chain(m.sgcbs, |s| s.sibling, |_| {});
            free_chain(
                m.gseCBs,
                |g| g.sibling,
                |g| {
                    free_string(g.name);
                    free_string(g.appId);
                    free_string(g.dataSetName);
                    libc::free(g.address.cast());
                },
            );
            free_chain(
                m.svCBs,
                |s| s.sibling,
                |s| {
                    free_string(s.name);
                    free_string(s.svId);
                    free_string(s.dataSetName);
                    libc::free(s.dstAddress.cast());
                },
            );
            free_string(m.name);
            libc::free(model.cast());
        }
    })
}

/// `LogicalDevice_create`: a logical device with instance name `name`.
///
/// # Safety
/// `name` is NULL or a C string; `parent` NULL or a model.
#[no_mangle]
pub unsafe extern "C" fn LogicalDevice_create(
    name: *const c_char,
    parent: *mut IedModel,
) -> *mut LogicalDevice {
    // SAFETY: the caller's contract.
    unsafe { LogicalDevice_createEx(name, parent, std::ptr::null()) }
}

/// `LogicalDevice_createEx`: a logical device with instance `inst` and an optional
/// functional name `ldName` (its MMS domain name then).
///
/// # Safety
/// Strings NULL or C strings; `parent` NULL or a model.
#[no_mangle]
pub unsafe extern "C" fn LogicalDevice_createEx(
    inst: *const c_char,
    parent: *mut IedModel,
    ldName: *const c_char,
) -> *mut LogicalDevice {
    guard(null_mut(), || {
        // SAFETY: the caller's contract.
        let (Some(model), Some(_)) = (unsafe { parent.as_mut() }, unsafe { c_str(inst) }) else {
            return null_mut();
        };
        let device = zeroed::<LogicalDevice>();
        // SAFETY: a fresh device, appended to the model's live chain.
        unsafe {
            let Some(d) = device.as_mut() else {
                return null_mut();
            };
            d.modelType = LogicalDeviceModelType;
            d.name = dup(inst);
            d.ldName = dup(ldName);
            d.parent = parent.cast();
            append(&mut model.firstChild, device);
        }
        device
    })
}

/// Whether a node of type `parent` may have a child of type `child`: devices hold logical
/// nodes, logical nodes data objects, data objects data objects and attributes, attributes
/// attributes.
fn parent_may_hold(parent: ModelNodeType, child: ModelNodeType) -> bool {
    matches!(
        (parent, child),
        (LogicalDeviceModelType, LogicalNodeModelType)
            | (LogicalNodeModelType, DataObjectModelType)
            | (
                DataObjectModelType,
                DataObjectModelType | DataAttributeModelType
            )
            | (DataAttributeModelType, DataAttributeModelType)
    )
}

/// Creates a model node of type `T` named `name` under `parent` and appends it to the
/// parent's children; `init` fills in the rest. NULL when `parent` cannot hold such a node.
///
/// # Safety
/// `parent` is NULL or a live node; `name` NULL or a C string. `T` starts with the
/// `ModelNode` fields.
unsafe fn new_node<T>(
    name: *const c_char,
    parent: *mut ModelNode,
    model_type: ModelNodeType,
    init: impl FnOnce(&mut T),
) -> *mut T {
    // SAFETY: the caller's contract.
    let Some(parent_type) = (unsafe { parent.as_ref() }).map(|p| p.modelType) else {
        return null_mut();
    };
    if !parent_may_hold(parent_type, model_type) {
        return null_mut();
    }
    let node = zeroed::<T>();
    if node.is_null() {
        return null_mut();
    }
    // SAFETY: `T` starts with the `ModelNode` fields; `parent` is live.
    unsafe {
        let header = &mut *node.cast::<ModelNode>();
        header.modelType = model_type;
        header.name = dup(name);
        header.parent = parent;
        init(&mut *node);
        append::<ModelNode>(&mut (*parent).firstChild, node.cast());
    }
    node
}

/// `LogicalNode_create`: a logical node `name` of the device `parent`.
///
/// # Safety
/// `name` is NULL or a C string; `parent` NULL or a logical device.
#[no_mangle]
pub unsafe extern "C" fn LogicalNode_create(
    name: *const c_char,
    parent: *mut LogicalDevice,
) -> *mut LogicalNode {
    // SAFETY: the caller's contract.
    guard(null_mut(), || unsafe {
        if c_str(name).is_none() {
            return null_mut();
        }
        new_node::<LogicalNode>(name, parent.cast(), LogicalNodeModelType, |_| {})
    })
}

/// `DataObject_create`: a data object `name` under a logical node or data object; with
/// `arrayElements` > 0 an array of that many unnamed elements.
///
/// # Safety
/// `name` is NULL or a C string; `parent` NULL or a live node.
#[no_mangle]
pub unsafe extern "C" fn DataObject_create(
    name: *const c_char,
    parent: *mut ModelNode,
    arrayElements: c_int,
) -> *mut DataObject {
    guard(null_mut(), || {
        let elements = arrayElements.max(0);
        // SAFETY: the caller's contract.
        let object = unsafe {
            new_node::<DataObject>(name, parent, DataObjectModelType, |o| {
                o.elementCount = elements;
                o.arrayIndex = -1;
            })
        };
        for i in 0..elements {
            // SAFETY: `object` is live; elements are unnamed.
            unsafe {
                new_node::<DataObject>(std::ptr::null(), object.cast(), DataObjectModelType, |o| {
                    o.arrayIndex = i;
                });
            }
        }
        object
    })
}

/// `DataAttribute_create`: a data attribute under a data object or attribute; with
/// `arrayElements` > 0 an array whose unnamed elements share its type, FC, trigger options
/// and short address. Its value is NULL until set (or until the server creates it).
///
/// # Safety
/// `name` is NULL or a C string; `parent` NULL or a live node.
#[no_mangle]
pub unsafe extern "C" fn DataAttribute_create(
    name: *const c_char,
    parent: *mut ModelNode,
    r#type: DataAttributeType,
    fc: FunctionalConstraint,
    triggerOptions: u8,
    arrayElements: c_int,
    sAddr: u32,
) -> *mut DataAttribute {
    guard(null_mut(), || {
        // Values C may not hand us: the server could not encode such an attribute.
        let known_type = (IEC61850_BOOLEAN..=IEC61850_TRGOPS).contains(&r#type);
        if !known_type || !(0..=IEC61850_FC_GO).contains(&fc) {
            return null_mut();
        }
        let elements = arrayElements.max(0);
        let fill = |a: &mut DataAttribute, count, index| {
            a.elementCount = count;
            a.arrayIndex = index;
            a.fc = fc;
            a.r#type = r#type;
            a.triggerOptions = triggerOptions;
            a.sAddr = sAddr;
        };
        // SAFETY: the caller's contract.
        let attribute = unsafe {
            new_node::<DataAttribute>(name, parent, DataAttributeModelType, |a| {
                fill(a, elements, -1)
            })
        };
        for i in 0..elements {
            // SAFETY: `attribute` is live; elements are unnamed.
            unsafe {
                new_node::<DataAttribute>(
                    std::ptr::null(),
                    attribute.cast(),
                    DataAttributeModelType,
                    |a| fill(a, 0, i),
                );
            }
        }
        attribute
    })
}

/// `DataAttribute_getType`: the attribute's basic type (UNKNOWN for NULL).
///
/// # Safety
/// `self_` is NULL or a data attribute.
#[no_mangle]
pub unsafe extern "C" fn DataAttribute_getType(self_: *mut DataAttribute) -> DataAttributeType {
    // SAFETY: the caller's contract.
    guard(IEC61850_UNKNOWN_TYPE, || {
        unsafe { self_.as_ref() }.map_or(IEC61850_UNKNOWN_TYPE, |a| a.r#type)
    })
}

/// `DataAttribute_getFC`: the attribute's functional constraint (NONE for NULL).
///
/// # Safety
/// `self_` is NULL or a data attribute.
#[no_mangle]
pub unsafe extern "C" fn DataAttribute_getFC(self_: *mut DataAttribute) -> FunctionalConstraint {
    use super::iec61850_common::IEC61850_FC_NONE;
    // SAFETY: the caller's contract.
    guard(IEC61850_FC_NONE, || {
        unsafe { self_.as_ref() }.map_or(IEC61850_FC_NONE, |a| a.fc)
    })
}

/// `DataAttribute_getTrgOps`: the attribute's trigger options.
///
/// # Safety
/// `self_` is NULL or a data attribute.
#[no_mangle]
pub unsafe extern "C" fn DataAttribute_getTrgOps(self_: *mut DataAttribute) -> u8 {
    // SAFETY: the caller's contract.
    guard(0, || {
        unsafe { self_.as_ref() }.map_or(0, |a| a.triggerOptions)
    })
}

/// `DataAttribute_setValue`: a copy of `value` becomes the attribute's value, or updates it
/// in place when it has one (the caller keeps `value`).
///
/// # Safety
/// `self_` is NULL or a data attribute; `value` NULL or a live value.
#[no_mangle]
pub unsafe extern "C" fn DataAttribute_setValue(self_: *mut DataAttribute, value: *mut MmsValue) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some(a) = (unsafe { self_.as_mut() }) else {
            return;
        };
        if value.is_null() {
            return;
        }
        if a.mmsValue.is_null() {
            // SAFETY: a live value.
            a.mmsValue = unsafe { MmsValue_clone(value) };
        } else {
            // SAFETY: two live values.
            unsafe { MmsValue_update(a.mmsValue, value) };
        }
    })
}

/// `ReportControlBlock_create`: a report control block of `parent` (strings copied; a NULL
/// `rptId` means the default, a NULL `dataSetName` none).
///
/// # Safety
/// Strings NULL or C strings; `parent` NULL or a logical node of a model.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_create(
    name: *const c_char,
    parent: *mut LogicalNode,
    rptId: *const c_char,
    isBuffered: bool,
    dataSetName: *const c_char,
    confRef: u32,
    trgOps: u8,
    options: u8,
    bufTm: u32,
    intgPd: u32,
) -> *mut ReportControlBlock {
    // SAFETY: the caller's contract.
    guard(null_mut(), || unsafe {
        control_block(
            parent,
            |m| &mut m.rcbs,
            |r: &mut ReportControlBlock| {
                r.parent = parent;
                r.name = dup(name);
                r.rptId = dup(rptId);
                r.buffered = isBuffered;
                r.dataSetName = dup(dataSetName);
                r.confRef = confRef;
                r.trgOps = trgOps;
                r.options = options;
                r.bufferTime = bufTm;
                r.intPeriod = intgPd;
            },
        )
    })
}

/// Allocates a control block of `parent`'s model, fills it with `init` and appends it to
/// the model's list `list`.
///
/// # Safety
/// `parent` is NULL or a logical node of a live model.
unsafe fn control_block<T: Linked>(
    parent: *mut LogicalNode,
    list: impl FnOnce(&mut IedModel) -> &mut *mut T,
    init: impl FnOnce(&mut T),
) -> *mut T {
    // SAFETY: the caller's contract.
    let is_logical_node =
        unsafe { parent.as_ref() }.is_some_and(|p| p.modelType == LogicalNodeModelType);
    // SAFETY: the caller's contract.
    let Some(model) = (unsafe { model_of(parent).as_mut() }).filter(|_| is_logical_node) else {
        return null_mut();
    };
    let block = zeroed::<T>();
    // SAFETY: a fresh block.
    let Some(b) = (unsafe { block.as_mut() }) else {
        return null_mut();
    };
    init(b);
    // SAFETY: the model's list of live blocks.
    unsafe { append(list(model), block) };
    block
}

/// `ReportControlBlock_setPreconfiguredClient`: reserves the RCB for a client: type 4 with
/// an IPv4 address (4 octets) or 6 with an IPv6 address (16 octets).
///
/// # Safety
/// `self_` is NULL or a report control block; `clientAddress` NULL or 4/16 readable octets.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_setPreconfiguredClient(
    self_: *mut ReportControlBlock,
    clientType: u8,
    clientAddress: *const u8,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some(r) = (unsafe { self_.as_mut() }) else {
            return;
        };
        let len = match clientType {
            4 => 4,
            6 => 16,
            _ => 0,
        };
        r.clientReservation = [0; 17];
        r.clientReservation[0] = clientType;
        if len > 0 && !clientAddress.is_null() {
            // SAFETY: the caller's contract: `len` readable octets.
            let address = unsafe { std::slice::from_raw_parts(clientAddress, len) };
            r.clientReservation[1..=len].copy_from_slice(address);
        }
    })
}

/// Reads a field of a report control block (`default` for NULL).
///
/// # Safety
/// `self_` is NULL or a report control block.
unsafe fn rcb<T>(
    self_: *mut ReportControlBlock,
    default: T,
    f: impl FnOnce(&ReportControlBlock) -> T,
) -> T {
    // SAFETY: the caller's contract.
    match unsafe { self_.as_ref() } {
        Some(r) => f(r),
        None => default,
    }
}

/// `ReportControlBlock_getName`: the RCB's name (borrowed).
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getName(
    self_: *mut ReportControlBlock,
) -> *const c_char {
    // SAFETY: the caller's contract.
    guard(std::ptr::null(), || unsafe {
        rcb(self_, std::ptr::null(), |r| r.name)
    })
}

/// `ReportControlBlock_isBuffered`: whether it is a BRCB.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_isBuffered(self_: *mut ReportControlBlock) -> bool {
    // SAFETY: the caller's contract.
    guard(false, || unsafe { rcb(self_, false, |r| r.buffered) })
}

/// `ReportControlBlock_getParent`: the logical node.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getParent(
    self_: *mut ReportControlBlock,
) -> *mut LogicalNode {
    // SAFETY: the caller's contract.
    guard(null_mut(), || unsafe {
        rcb(self_, null_mut(), |r| r.parent)
    })
}

/// `ReportControlBlock_getRptID`: the configured RptID (borrowed; NULL for the default).
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getRptID(
    self_: *mut ReportControlBlock,
) -> *mut c_char {
    // SAFETY: the caller's contract.
    guard(null_mut(), || unsafe {
        rcb(self_, null_mut(), |r| r.rptId)
    })
}

/// `ReportControlBlock_getRptEna`: RptEna; false for a block no running server reports on.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getRptEna(self_: *mut ReportControlBlock) -> bool {
    // SAFETY: the caller's contract.
    guard(false, || unsafe { rcb(self_, false, |_| false) })
}

/// `ReportControlBlock_getDataSet`: the configured data set name (borrowed; NULL for none).
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getDataSet(
    self_: *mut ReportControlBlock,
) -> *mut c_char {
    // SAFETY: the caller's contract.
    guard(null_mut(), || unsafe {
        rcb(self_, null_mut(), |r| r.dataSetName)
    })
}

/// `ReportControlBlock_getConfRev`: ConfRev.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getConfRev(self_: *mut ReportControlBlock) -> u32 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { rcb(self_, 0, |r| r.confRef) })
}

/// `ReportControlBlock_getOptFlds`: the OptFlds bits.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getOptFlds(self_: *mut ReportControlBlock) -> u32 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { rcb(self_, 0, |r| u32::from(r.options)) })
}

/// `ReportControlBlock_getBufTm`: BufTm in ms.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getBufTm(self_: *mut ReportControlBlock) -> u32 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { rcb(self_, 0, |r| r.bufferTime) })
}

/// `ReportControlBlock_getSqNum`: SqNum; 0 before any report was sent.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getSqNum(self_: *mut ReportControlBlock) -> u16 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { rcb(self_, 0, |_| 0) })
}

/// `ReportControlBlock_getTrgOps`: the TrgOps bits.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getTrgOps(self_: *mut ReportControlBlock) -> u32 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { rcb(self_, 0, |r| u32::from(r.trgOps)) })
}

/// `ReportControlBlock_getIntgPd`: IntgPd in ms.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getIntgPd(self_: *mut ReportControlBlock) -> u32 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { rcb(self_, 0, |r| r.intPeriod) })
}

/// `ReportControlBlock_getGI`: GI; false for a block no running server reports on.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getGI(self_: *mut ReportControlBlock) -> bool {
    // SAFETY: the caller's contract.
    guard(false, || unsafe { rcb(self_, false, |_| false) })
}

/// `ReportControlBlock_getPurgeBuf`: PurgeBuf; false for a block no running server reports on.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getPurgeBuf(self_: *mut ReportControlBlock) -> bool {
    // SAFETY: the caller's contract.
    guard(false, || unsafe { rcb(self_, false, |_| false) })
}

/// `ReportControlBlock_getEntryId`: EntryID; NULL before a server buffered an entry.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getEntryId(
    self_: *mut ReportControlBlock,
) -> *mut MmsValue {
    // SAFETY: the caller's contract.
    guard(null_mut(), || unsafe {
        rcb(self_, null_mut(), |_| null_mut())
    })
}

/// `ReportControlBlock_getTimeofEntry`: TimeOfEntry in ms; 0 before a server buffered an entry.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getTimeofEntry(self_: *mut ReportControlBlock) -> u64 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { rcb(self_, 0, |_| 0) })
}

/// `ReportControlBlock_getResvTms`: ResvTms; 0 while no client reserved the block.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getResvTms(self_: *mut ReportControlBlock) -> i16 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { rcb(self_, 0, |_| 0) })
}

/// `ReportControlBlock_getResv`: Resv; false while no client reserved the block.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getResv(self_: *mut ReportControlBlock) -> bool {
    // SAFETY: the caller's contract.
    guard(false, || unsafe { rcb(self_, false, |_| false) })
}

/// `ReportControlBlock_getOwner`: Owner; NULL while no client owns the block.
///
/// # Safety
/// `self_` is NULL or a report control block.
#[no_mangle]
pub unsafe extern "C" fn ReportControlBlock_getOwner(
    self_: *mut ReportControlBlock,
) -> *mut MmsValue {
    // SAFETY: the caller's contract.
    guard(null_mut(), || unsafe {
        rcb(self_, null_mut(), |_| null_mut())
    })
}

/// `LogControlBlock_create`: a log control block of `parent` (strings copied).
///
/// # Safety
/// Strings NULL or C strings; `parent` NULL or a logical node of a model.
#[no_mangle]
pub unsafe extern "C" fn LogControlBlock_create(
    name: *const c_char,
    parent: *mut LogicalNode,
    dataSetName: *const c_char,
    logRef: *const c_char,
    trgOps: u8,
    intgPd: u32,
    logEna: bool,
    reasonCode: bool,
) -> *mut LogControlBlock {
    // SAFETY: the caller's contract.
    guard(null_mut(), || unsafe {
        control_block(
            parent,
            |m| &mut m.lcbs,
            |l: &mut LogControlBlock| {
                l.parent = parent;
                l.name = dup(name);
                l.dataSetName = dup(dataSetName);
                l.logRef = dup(logRef);
                l.trgOps = trgOps;
                l.intPeriod = intgPd;
                l.logEna = logEna;
                l.reasonCode = reasonCode;
            },
        )
    })
}

/// `LogControlBlock_getName`: the LCB's name (borrowed).
///
/// # Safety
/// `self_` is NULL or a log control block.
#[no_mangle]
pub unsafe extern "C" fn LogControlBlock_getName(self_: *mut LogControlBlock) -> *const c_char {
    // SAFETY: the caller's contract.
    guard(std::ptr::null(), || {
        unsafe { self_.as_ref() }.map_or(std::ptr::null(), |l| l.name)
    })
}

/// `LogControlBlock_getParent`: the logical node.
///
/// # Safety
/// `self_` is NULL or a log control block.
#[no_mangle]
pub unsafe extern "C" fn LogControlBlock_getParent(
    self_: *mut LogControlBlock,
) -> *mut LogicalNode {
    // SAFETY: the caller's contract.
    guard(null_mut(), || {
        unsafe { self_.as_ref() }.map_or(null_mut(), |l| l.parent)
    })
}

/// `Log_create`: a log `name` of `parent`.
///
/// # Safety
/// `name` NULL or a C string; `parent` NULL or a logical node of a model.
#[no_mangle]
pub unsafe extern "C" fn Log_create(name: *const c_char, parent: *mut LogicalNode) -> *mut Log {
    // SAFETY: the caller's contract.
    guard(null_mut(), || unsafe {
        control_block(
            parent,
            |m| &mut m.logs,
            |l: &mut Log| {
                l.parent = parent;
                l.name = dup(name);
            },
        )
    })
}

/// `SettingGroupControlBlock_create`: the setting group control block of `parent` (LLN0)
/// with `numOfSGs` groups, `actSG` active.
///
/// # Safety
/// `parent` is NULL or a logical node of a model.
#[no_mangle]
pub unsafe extern "C" fn SettingGroupControlBlock_create(
    parent: *mut LogicalNode,
    actSG: u8,
    numOfSGs: u8,
) -> *mut SettingGroupControlBlock {
    // SAFETY: the caller's contract.
    guard(null_mut(), || unsafe {
        control_block(
            parent,
            |m| &mut m.sgcbs,
            |s: &mut SettingGroupControlBlock| {
                s.parent = parent;
                s.actSG = actSG;
                s.numOfSGs = numOfSGs;
            },
        )
    })
}

/// `GSEControlBlock_create`: a GOOSE control block of `parent` (strings copied).
///
/// # Safety
/// Strings NULL or C strings; `parent` NULL or a logical node of a model.
#[no_mangle]
pub unsafe extern "C" fn GSEControlBlock_create(
    name: *const c_char,
    parent: *mut LogicalNode,
    appId: *const c_char,
    dataSet: *const c_char,
    confRev: u32,
    fixedOffs: bool,
    minTime: c_int,
    maxTime: c_int,
) -> *mut GSEControlBlock {
    // SAFETY: the caller's contract.
    guard(null_mut(), || unsafe {
        control_block(
            parent,
            |m| &mut m.gseCBs,
            |g: &mut GSEControlBlock| {
                g.parent = parent;
                g.name = dup(name);
                g.appId = dup(appId);
                g.dataSetName = dup(dataSet);
                g.confRev = confRev;
                g.fixedOffs = fixedOffs;
                g.minTime = minTime;
                g.maxTime = maxTime;
            },
        )
    })
}

/// `SVControlBlock_create`: a sampled values control block of `parent` (strings copied).
///
/// # Safety
/// Strings NULL or C strings; `parent` NULL or a logical node of a model.
#[no_mangle]
pub unsafe extern "C" fn SVControlBlock_create(
    name: *const c_char,
    parent: *mut LogicalNode,
    svID: *const c_char,
    dataSet: *const c_char,
    confRev: u32,
    smpMod: u8,
    smpRate: u16,
    optFlds: u8,
    isUnicast: bool,
) -> *mut SVControlBlock {
    // SAFETY: the caller's contract.
    guard(null_mut(), || unsafe {
        control_block(
            parent,
            |m| &mut m.svCBs,
            |s: &mut SVControlBlock| {
                s.parent = parent;
                s.name = dup(name);
                s.svId = dup(svID);
                s.dataSetName = dup(dataSet);
                s.confRev = confRev;
                s.smpMod = smpMod;
                s.smpRate = smpRate;
                s.optFlds = optFlds;
                s.isUnicast = isUnicast;
            },
        )
    })
}

/// `SVControlBlock_getName`: the SVCB's name (borrowed).
///
/// # Safety
/// `self_` is NULL or a sampled values control block.
#[no_mangle]
pub unsafe extern "C" fn SVControlBlock_getName(self_: *mut SVControlBlock) -> *const c_char {
    // SAFETY: the caller's contract.
    guard(std::ptr::null(), || {
        unsafe { self_.as_ref() }.map_or(std::ptr::null(), |s| s.name)
    })
}

/// Gives `address` to a block's address field, freeing one it held before.
///
/// # Safety
/// `slot` holds NULL or an address from `PhyComAddress_create`.
unsafe fn give_address(slot: &mut *mut PhyComAddress, address: *mut PhyComAddress) {
    if *slot != address {
        // SAFETY: the caller's contract.
        unsafe { libc::free(slot.cast()) };
    }
    *slot = address;
}

/// `SVControlBlock_addPhyComAddress`: the block's destination address (the block takes it).
///
/// # Safety
/// `self_` is NULL or an SVCB; `phyComAddress` NULL or from `PhyComAddress_create`.
#[no_mangle]
pub unsafe extern "C" fn SVControlBlock_addPhyComAddress(
    self_: *mut SVControlBlock,
    phyComAddress: *mut PhyComAddress,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        if let Some(s) = unsafe { self_.as_mut() } {
            // SAFETY: the caller's contract.
            unsafe { give_address(&mut s.dstAddress, phyComAddress) };
        }
    })
}

/// `GSEControlBlock_addPhyComAddress`: the block's destination address (the block takes it).
///
/// # Safety
/// `self_` is NULL or a GoCB; `phyComAddress` NULL or from `PhyComAddress_create`.
#[no_mangle]
pub unsafe extern "C" fn GSEControlBlock_addPhyComAddress(
    self_: *mut GSEControlBlock,
    phyComAddress: *mut PhyComAddress,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        if let Some(g) = unsafe { self_.as_mut() } {
            // SAFETY: the caller's contract.
            unsafe { give_address(&mut g.address, phyComAddress) };
        }
    })
}

/// `PhyComAddress_create`: a destination address (`malloc`ed; a control block takes it).
///
/// # Safety
/// `dstAddress` is NULL or 6 readable octets.
#[no_mangle]
pub unsafe extern "C" fn PhyComAddress_create(
    vlanPriority: u8,
    vlanId: u16,
    appId: u16,
    dstAddress: *mut u8,
) -> *mut PhyComAddress {
    guard(null_mut(), || {
        let address = zeroed::<PhyComAddress>();
        // SAFETY: a fresh address; the caller's contract for the MAC address.
        if let Some(a) = unsafe { address.as_mut() } {
            a.vlanPriority = vlanPriority;
            a.vlanId = vlanId;
            a.appId = appId;
            if !dstAddress.is_null() {
                a.dstAddress
                    .copy_from_slice(unsafe { std::slice::from_raw_parts(dstAddress, 6) });
            }
        }
        address
    })
}

/// `DataSet_create`: a data set `name` of `parent` (named `LN$name` within its device).
///
/// # Safety
/// `name` NULL or a C string; `parent` NULL or a logical node of a model.
#[no_mangle]
pub unsafe extern "C" fn DataSet_create(
    name: *const c_char,
    parent: *mut LogicalNode,
) -> *mut DataSet {
    guard(null_mut(), || {
        // SAFETY: the caller's contract: a node's parent is its device.
        let (Some(ln), Some(name)) = (unsafe { parent.as_ref() }, unsafe { c_str(name) }) else {
            return null_mut();
        };
        let (Some(device), Some(ln_name)) = (
            unsafe { ln.parent.cast::<LogicalDevice>().as_ref() },
            unsafe { c_str(ln.name) },
        ) else {
            return null_mut();
        };
        let mut full = ln_name.to_bytes().to_vec();
        full.push(b'$');
        full.extend_from_slice(name.to_bytes());
        // SAFETY: the caller's contract.
        unsafe {
            control_block(
                parent,
                |m| &mut m.dataSets,
                |d: &mut DataSet| {
                    d.logicalDeviceName = dup(device.name);
                    d.name = malloc_c_string(&full);
                },
            )
        }
    })
}

/// `DataSet_getName`: `LN$name` (borrowed).
///
/// # Safety
/// `self_` is NULL or a data set.
#[no_mangle]
pub unsafe extern "C" fn DataSet_getName(self_: *mut DataSet) -> *const c_char {
    // SAFETY: the caller's contract.
    guard(std::ptr::null(), || {
        unsafe { self_.as_ref() }.map_or(std::ptr::null(), |d| d.name)
    })
}

/// `DataSet_getSize`: the number of members.
///
/// # Safety
/// `self_` is NULL or a data set.
#[no_mangle]
pub unsafe extern "C" fn DataSet_getSize(self_: *mut DataSet) -> c_int {
    // SAFETY: the caller's contract.
    guard(0, || {
        unsafe { self_.as_ref() }.map_or(0, |d| d.elementCount)
    })
}

/// `DataSet_getFirstEntry`: the first member.
///
/// # Safety
/// `self_` is NULL or a data set.
#[no_mangle]
pub unsafe extern "C" fn DataSet_getFirstEntry(self_: *mut DataSet) -> *mut DataSetEntry {
    // SAFETY: the caller's contract.
    guard(null_mut(), || {
        unsafe { self_.as_ref() }.map_or(null_mut(), |d| d.fcdas)
    })
}

/// `DataSetEntry_getNext`: the next member.
///
/// # Safety
/// `self_` is NULL or a data set entry.
#[no_mangle]
pub unsafe extern "C" fn DataSetEntry_getNext(self_: *mut DataSetEntry) -> *mut DataSetEntry {
    // SAFETY: the caller's contract.
    guard(null_mut(), || {
        unsafe { self_.as_ref() }.map_or(null_mut(), |e| e.sibling)
    })
}

/// `DataSetEntry_create`: appends the member `variable` (`LN$FC$DO$DA`, or `LD/LN$FC$...`
/// for another device of the IED), narrowed to element `index` (-1 for none) and its
/// `component` (NULL for none).
///
/// # Safety
/// `dataSet` NULL or a data set; strings NULL or C strings.
#[no_mangle]
pub unsafe extern "C" fn DataSetEntry_create(
    dataSet: *mut DataSet,
    variable: *const c_char,
    index: c_int,
    component: *const c_char,
) -> *mut DataSetEntry {
    guard(null_mut(), || {
        // SAFETY: the caller's contract.
        let (Some(ds), Some(variable)) = (unsafe { dataSet.as_mut() }, unsafe { c_str(variable) })
        else {
            return null_mut();
        };
        let entry = zeroed::<DataSetEntry>();
        // SAFETY: a fresh entry.
        let Some(e) = (unsafe { entry.as_mut() }) else {
            return null_mut();
        };
        let bytes = variable.to_bytes();
        match bytes.iter().position(|&b| b == b'/') {
            Some(slash) => {
                e.logicalDeviceName = malloc_c_string(&bytes[..slash]);
                e.isLDNameDynamicallyAllocated = true;
                e.variableName = malloc_c_string(&bytes[slash + 1..]);
            }
            None => {
                // Shares the data set's device name, as the reference does.
                e.logicalDeviceName = ds.logicalDeviceName;
                e.variableName = malloc_c_string(bytes);
            }
        }
        e.index = index;
        // SAFETY: the caller's contract.
        e.componentName = unsafe { dup(component) };
        // SAFETY: the data set's live list.
        unsafe { append(&mut ds.fcdas, entry) };
        ds.elementCount += 1;
        entry
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::iec61850_common::{IEC61850_FC_ALL, IEC61850_FC_ST};

    /// A model with a device, a logical node and a data object.
    fn small_model() -> (*mut IedModel, *mut LogicalNode, *mut DataObject) {
        // SAFETY: fresh objects of this model only.
        unsafe {
            let m = IedModel_create(c"M".as_ptr());
            let ld = LogicalDevice_create(c"LD".as_ptr(), m);
            let ln = LogicalNode_create(c"GGIO1".as_ptr(), ld);
            let d = DataObject_create(c"Ind".as_ptr(), ln.cast(), 0);
            (m, ln, d)
        }
    }

    #[test]
    fn impossible_parents_and_values_are_refused() {
        let (m, ln, d) = small_model();
        // SAFETY: nodes of the live model above; NULLs are allowed.
        unsafe {
            let attribute = |parent: *mut ModelNode, t, fc| {
                DataAttribute_create(c"x".as_ptr(), parent, t, fc, 0, 0, 0)
            };
            assert!(!attribute(d.cast(), IEC61850_BOOLEAN, IEC61850_FC_ST).is_null());
            assert!(
                attribute(d.cast(), 33, IEC61850_FC_ST).is_null(),
                "unknown type"
            );
            assert!(attribute(d.cast(), IEC61850_UNKNOWN_TYPE, IEC61850_FC_ST).is_null());
            assert!(
                attribute(d.cast(), IEC61850_BOOLEAN, IEC61850_FC_ALL).is_null(),
                "FC ALL"
            );
            assert!(
                attribute(d.cast(), IEC61850_BOOLEAN, -7).is_null(),
                "unknown FC"
            );
            assert!(
                attribute(ln.cast(), IEC61850_BOOLEAN, IEC61850_FC_ST).is_null(),
                "under LN"
            );
            assert!(
                LogicalNode_create(c"X".as_ptr(), d.cast()).is_null(),
                "LN under a DO"
            );
            assert!(
                DataObject_create(c"X".as_ptr(), (*ln).parent, 0).is_null(),
                "DO under LD"
            );
            assert!(LogicalNode_create(std::ptr::null(), (*ln).parent.cast()).is_null());
            assert!(
                DataSet_create(c"DS".as_ptr(), d.cast()).is_null(),
                "data set of a DO"
            );
            assert!(Log_create(c"L".as_ptr(), std::ptr::null_mut()).is_null());
            assert_eq!(ModelNode_getChildCount(d.cast()), 1, "refusals add nothing");
            IedModel_destroy(m);
        }
    }

    #[test]
    fn static_models_are_not_freed() {
        let mut model = IedModel {
            name: c"S".as_ptr().cast_mut(),
            firstChild: null_mut(),
            dataSets: null_mut(),
            rcbs: null_mut(),
            gseCBs: null_mut(),
            svCBs: null_mut(),
            sgcbs: null_mut(),
            lcbs: null_mut(),
            logs: null_mut(),
            initializer: None,
        };
        // SAFETY: a model in Rust memory, never registered: destroy must leave it alone.
        unsafe { IedModel_destroy(&mut model) };
        assert_eq!(model.name, c"S".as_ptr().cast_mut());
        // SAFETY: NULL is allowed.
        unsafe { IedModel_destroy(null_mut()) };
    }

    #[test]
    fn cycles_in_a_c_graph_end_the_walk() {
        let (m, ln, d) = small_model();
        // SAFETY: nodes of the live model; the cycle is undone before destroy.
        unsafe {
            // A data object that is its own sibling, and its own child.
            (*d).sibling = d.cast();
            (*d).firstChild = d.cast();
            let found = IedModel_getModelNodeByObjectReference(m, c"MLD/GGIO1.Ind.a.b".as_ptr());
            assert!(found.is_null());
            assert!(!LogicalNode_hasFCData(ln, IEC61850_FC_ST));
            assert_eq!(
                ModelNode_getChildCount(ln.cast()),
                graph::MAX_CHAIN as c_int
            );
            (*d).sibling = null_mut();
            (*d).firstChild = null_mut();
            IedModel_destroy(m);
        }
    }
}
