//! Declarations and functions of `iec61850_model.h`: the server data model as the C structs
//! libiec61850 programs declare (static models) or build (dynamic models), and its lookups.
//!
//! The structs are C's: their layouts are those of `layouts.tsv`, and every walk over them
//! goes through [`crate::model::graph`], which bounds chains and depth so that a broken
//! graph handed over by C ends the walk instead of looping.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use std::ffi::{c_char, c_int, c_uint, c_void};
use std::ptr::null_mut;

use super::iec61850_common::{FunctionalConstraint, PhyComAddress};
use super::linked_list::{pointer_list, LinkedList};
use super::{c_str, guard, malloc_c_string};
use crate::mms::MmsValue;
use crate::model::graph;

/// C enum `ModelNodeType` (kept as an integer so that any value from C is sound).
pub type ModelNodeType = c_uint;
/// `ModelNodeType` value.
pub const LogicalDeviceModelType: ModelNodeType = 0;
/// `ModelNodeType` value.
pub const LogicalNodeModelType: ModelNodeType = 1;
/// `ModelNodeType` value.
pub const DataObjectModelType: ModelNodeType = 2;
/// `ModelNodeType` value.
pub const DataAttributeModelType: ModelNodeType = 3;

/// C enum `DataAttributeType` (kept as an integer so that any value from C is sound).
pub type DataAttributeType = c_int;
/// `DataAttributeType` value.
pub const IEC61850_UNKNOWN_TYPE: DataAttributeType = -1;
/// `DataAttributeType` value.
pub const IEC61850_BOOLEAN: DataAttributeType = 0;
/// `DataAttributeType` value.
pub const IEC61850_INT8: DataAttributeType = 1;
/// `DataAttributeType` value.
pub const IEC61850_INT16: DataAttributeType = 2;
/// `DataAttributeType` value.
pub const IEC61850_INT32: DataAttributeType = 3;
/// `DataAttributeType` value.
pub const IEC61850_INT64: DataAttributeType = 4;
/// `DataAttributeType` value.
pub const IEC61850_INT128: DataAttributeType = 5;
/// `DataAttributeType` value.
pub const IEC61850_INT8U: DataAttributeType = 6;
/// `DataAttributeType` value.
pub const IEC61850_INT16U: DataAttributeType = 7;
/// `DataAttributeType` value.
pub const IEC61850_INT24U: DataAttributeType = 8;
/// `DataAttributeType` value.
pub const IEC61850_INT32U: DataAttributeType = 9;
/// `DataAttributeType` value.
pub const IEC61850_FLOAT32: DataAttributeType = 10;
/// `DataAttributeType` value.
pub const IEC61850_FLOAT64: DataAttributeType = 11;
/// `DataAttributeType` value.
pub const IEC61850_ENUMERATED: DataAttributeType = 12;
/// `DataAttributeType` value.
pub const IEC61850_OCTET_STRING_64: DataAttributeType = 13;
/// `DataAttributeType` value.
pub const IEC61850_OCTET_STRING_6: DataAttributeType = 14;
/// `DataAttributeType` value.
pub const IEC61850_OCTET_STRING_8: DataAttributeType = 15;
/// `DataAttributeType` value.
pub const IEC61850_VISIBLE_STRING_32: DataAttributeType = 16;
/// `DataAttributeType` value.
pub const IEC61850_VISIBLE_STRING_64: DataAttributeType = 17;
/// `DataAttributeType` value.
pub const IEC61850_VISIBLE_STRING_65: DataAttributeType = 18;
/// `DataAttributeType` value.
pub const IEC61850_VISIBLE_STRING_129: DataAttributeType = 19;
/// `DataAttributeType` value.
pub const IEC61850_VISIBLE_STRING_255: DataAttributeType = 20;
/// `DataAttributeType` value.
pub const IEC61850_UNICODE_STRING_255: DataAttributeType = 21;
/// `DataAttributeType` value.
pub const IEC61850_TIMESTAMP: DataAttributeType = 22;
/// `DataAttributeType` value.
pub const IEC61850_QUALITY: DataAttributeType = 23;
/// `DataAttributeType` value.
pub const IEC61850_CHECK: DataAttributeType = 24;
/// `DataAttributeType` value.
pub const IEC61850_CODEDENUM: DataAttributeType = 25;
/// `DataAttributeType` value.
pub const IEC61850_GENERIC_BITSTRING: DataAttributeType = 26;
/// `DataAttributeType` value.
pub const IEC61850_CONSTRUCTED: DataAttributeType = 27;
/// `DataAttributeType` value.
pub const IEC61850_ENTRY_TIME: DataAttributeType = 28;
/// `DataAttributeType` value.
pub const IEC61850_PHYCOMADDR: DataAttributeType = 29;
/// `DataAttributeType` value.
pub const IEC61850_CURRENCY: DataAttributeType = 30;
/// `DataAttributeType` value.
pub const IEC61850_OPTFLDS: DataAttributeType = 31;
/// `DataAttributeType` value.
pub const IEC61850_TRGOPS: DataAttributeType = 32;

/// The header every node of the tree starts with (`struct sModelNode`).
#[repr(C)]
#[derive(Debug)]
pub struct sModelNode {
    /// What the node is (and so which struct it really is).
    pub modelType: ModelNodeType,
    /// Name (NULL for an array element).
    pub name: *mut c_char,
    /// Parent node (for a logical device: the `IedModel`).
    pub parent: *mut sModelNode,
    /// Next node of the same parent.
    pub sibling: *mut sModelNode,
    /// First child.
    pub firstChild: *mut sModelNode,
}
/// C `struct sModelNode` typedef `ModelNode`.
pub type ModelNode = sModelNode;

/// A logical device (`struct sLogicalDevice`).
#[repr(C)]
#[derive(Debug)]
pub struct sLogicalDevice {
    /// `LogicalDeviceModelType`.
    pub modelType: ModelNodeType,
    /// The instance name (`inst`).
    pub name: *mut c_char,
    /// The `IedModel`, cast.
    pub parent: *mut sModelNode,
    /// Next logical device.
    pub sibling: *mut sModelNode,
    /// First logical node.
    pub firstChild: *mut sModelNode,
    /// Functional name (`ldName`) that replaces IED name + inst as MMS domain; NULL if none.
    pub ldName: *mut c_char,
}
/// C `struct sLogicalDevice` typedef `LogicalDevice`.
pub type LogicalDevice = sLogicalDevice;

/// A logical node (`struct sLogicalNode`).
#[repr(C)]
#[derive(Debug)]
pub struct sLogicalNode {
    /// `LogicalNodeModelType`.
    pub modelType: ModelNodeType,
    /// Name (`GGIO1`).
    pub name: *mut c_char,
    /// The logical device.
    pub parent: *mut sModelNode,
    /// Next logical node.
    pub sibling: *mut sModelNode,
    /// First data object.
    pub firstChild: *mut sModelNode,
}
/// C `struct sLogicalNode` typedef `LogicalNode`.
pub type LogicalNode = sLogicalNode;

/// A data object (`struct sDataObject`).
#[repr(C)]
#[derive(Debug)]
pub struct sDataObject {
    /// `DataObjectModelType`.
    pub modelType: ModelNodeType,
    /// Name (NULL for an array element).
    pub name: *mut c_char,
    /// Logical node, data object or array.
    pub parent: *mut sModelNode,
    /// Next sibling.
    pub sibling: *mut sModelNode,
    /// First child (the elements, for an array).
    pub firstChild: *mut sModelNode,
    /// Number of elements of an array (0 otherwise).
    pub elementCount: c_int,
    /// Index of an array element (-1 otherwise).
    pub arrayIndex: c_int,
}
/// C `struct sDataObject` typedef `DataObject`.
pub type DataObject = sDataObject;

/// A data attribute (`struct sDataAttribute`).
#[repr(C)]
#[derive(Debug)]
pub struct sDataAttribute {
    /// `DataAttributeModelType`.
    pub modelType: ModelNodeType,
    /// Name (NULL for an array element).
    pub name: *mut c_char,
    /// Data object, data attribute or array.
    pub parent: *mut sModelNode,
    /// Next sibling.
    pub sibling: *mut sModelNode,
    /// First child (components, or the elements of an array).
    pub firstChild: *mut sModelNode,
    /// Number of elements of an array (0 otherwise).
    pub elementCount: c_int,
    /// Index of an array element (-1 otherwise).
    pub arrayIndex: c_int,
    /// Functional constraint.
    pub fc: FunctionalConstraint,
    /// Basic type.
    pub r#type: DataAttributeType,
    /// `TRG_OPT_*` bits.
    pub triggerOptions: u8,
    /// The value (NULL for constructed attributes and until the server creates it).
    pub mmsValue: *mut MmsValue,
    /// Short address (`sAddr`).
    pub sAddr: u32,
}
/// C `struct sDataAttribute` typedef `DataAttribute`.
pub type DataAttribute = sDataAttribute;

/// A member of a data set (`struct sDataSetEntry`).
#[repr(C)]
#[derive(Debug)]
pub struct sDataSetEntry {
    /// Logical device instance of the member.
    pub logicalDeviceName: *mut c_char,
    /// Whether `logicalDeviceName` is the entry's own allocation.
    pub isLDNameDynamicallyAllocated: bool,
    /// MMS variable name within the device (`GGIO1$ST$Ind1$stVal`).
    pub variableName: *mut c_char,
    /// Array element (-1 for none).
    pub index: c_int,
    /// Component of the element (NULL for none).
    pub componentName: *mut c_char,
    /// The member's value (the server's).
    pub value: *mut MmsValue,
    /// Next member.
    pub sibling: *mut sDataSetEntry,
}
/// C `struct sDataSetEntry` typedef `DataSetEntry`.
pub type DataSetEntry = sDataSetEntry;

/// A data set (`struct sDataSet`).
#[repr(C)]
#[derive(Debug)]
pub struct sDataSet {
    /// Logical device instance.
    pub logicalDeviceName: *mut c_char,
    /// `LN$name`.
    pub name: *mut c_char,
    /// Number of members.
    pub elementCount: c_int,
    /// First member.
    pub fcdas: *mut sDataSetEntry,
    /// Next data set of the model.
    pub sibling: *mut sDataSet,
}
/// C `struct sDataSet` typedef `DataSet`.
pub type DataSet = sDataSet;

/// A report control block (`struct sReportControlBlock`).
#[repr(C)]
#[derive(Debug)]
pub struct sReportControlBlock {
    /// Logical node.
    pub parent: *mut sLogicalNode,
    /// Name.
    pub name: *mut c_char,
    /// RptID (NULL for the default).
    pub rptId: *mut c_char,
    /// Buffered (BRCB) or not (URCB).
    pub buffered: bool,
    /// Data set name within the logical device (NULL for none).
    pub dataSetName: *mut c_char,
    /// ConfRev.
    pub confRef: u32,
    /// TrgOps bits.
    pub trgOps: u8,
    /// OptFlds bits.
    pub options: u8,
    /// BufTm in ms.
    pub bufferTime: u32,
    /// IntgPd in ms.
    pub intPeriod: u32,
    /// Preconfigured client: type (4 IPv4, 6 IPv6, 0 none) then the address.
    pub clientReservation: [u8; 17],
    /// Next report control block of the model.
    pub sibling: *mut sReportControlBlock,
}
/// C `struct sReportControlBlock` typedef `ReportControlBlock`.
pub type ReportControlBlock = sReportControlBlock;

/// A log control block (`struct sLogControlBlock`).
#[repr(C)]
#[derive(Debug)]
pub struct sLogControlBlock {
    /// Logical node.
    pub parent: *mut sLogicalNode,
    /// Name.
    pub name: *mut c_char,
    /// Data set name (NULL for none).
    pub dataSetName: *mut c_char,
    /// Log reference (`LD/LN$log`).
    pub logRef: *mut c_char,
    /// TrgOps bits.
    pub trgOps: u8,
    /// IntgPd in ms.
    pub intPeriod: u32,
    /// LogEna.
    pub logEna: bool,
    /// ReasonCode.
    pub reasonCode: bool,
    /// Next log control block of the model.
    pub sibling: *mut sLogControlBlock,
}
/// C `struct sLogControlBlock` typedef `LogControlBlock`.
pub type LogControlBlock = sLogControlBlock;

/// A log (`struct sLog`).
#[repr(C)]
#[derive(Debug)]
pub struct sLog {
    /// Logical node.
    pub parent: *mut sLogicalNode,
    /// Name.
    pub name: *mut c_char,
    /// Next log of the model.
    pub sibling: *mut sLog,
}
/// C `struct sLog` typedef `Log`.
pub type Log = sLog;

/// A setting group control block (`struct sSettingGroupControlBlock`).
#[repr(C)]
#[derive(Debug)]
pub struct sSettingGroupControlBlock {
    /// Logical node (LLN0).
    pub parent: *mut sLogicalNode,
    /// Active setting group.
    pub actSG: u8,
    /// Number of setting groups.
    pub numOfSGs: u8,
    /// Setting group being edited (0 for none).
    pub editSG: u8,
    /// Whether an edit is being confirmed.
    pub cnfEdit: bool,
    /// Time of the last activation.
    pub timestamp: u64,
    /// Reservation time.
    pub resvTms: u16,
    /// Next setting group control block of the model.
    pub sibling: *mut sSettingGroupControlBlock,
}
/// C `struct sSettingGroupControlBlock` typedef `SettingGroupControlBlock`.
pub type SettingGroupControlBlock = sSettingGroupControlBlock;

/// A GOOSE control block (`struct sGSEControlBlock`).
#[repr(C)]
#[derive(Debug)]
pub struct sGSEControlBlock {
    /// Logical node.
    pub parent: *mut sLogicalNode,
    /// Name.
    pub name: *mut c_char,
    /// GoID (the header calls it appId).
    pub appId: *mut c_char,
    /// Data set name.
    pub dataSetName: *mut c_char,
    /// ConfRev.
    pub confRev: u32,
    /// FixedOffs.
    pub fixedOffs: bool,
    /// Destination address (NULL for none).
    pub address: *mut PhyComAddress,
    /// MinTime in ms.
    pub minTime: c_int,
    /// MaxTime in ms.
    pub maxTime: c_int,
    /// Next GOOSE control block of the model.
    pub sibling: *mut sGSEControlBlock,
}
/// C `struct sGSEControlBlock` typedef `GSEControlBlock`.
pub type GSEControlBlock = sGSEControlBlock;

/// A sampled values control block (`struct sSVControlBlock`).
#[repr(C)]
#[derive(Debug)]
pub struct sSVControlBlock {
    /// Logical node.
    pub parent: *mut sLogicalNode,
    /// Name.
    pub name: *mut c_char,
    /// SvID (MsvID/UsvID).
    pub svId: *mut c_char,
    /// Data set name.
    pub dataSetName: *mut c_char,
    /// OptFlds bits.
    pub optFlds: u8,
    /// SmpMod.
    pub smpMod: u8,
    /// SmpRate.
    pub smpRate: u16,
    /// ConfRev.
    pub confRev: u32,
    /// Destination address (NULL for none).
    pub dstAddress: *mut PhyComAddress,
    /// Unicast (USVCB) or multicast (MSVCB).
    pub isUnicast: bool,
    /// noASDU.
    pub noASDU: c_int,
    /// Next sampled values control block of the model.
    pub sibling: *mut sSVControlBlock,
}
/// C `struct sSVControlBlock` typedef `SVControlBlock`.
pub type SVControlBlock = sSVControlBlock;

/// The model (`struct sIedModel`).
#[repr(C)]
#[derive(Debug)]
pub struct sIedModel {
    /// IED name.
    pub name: *mut c_char,
    /// First logical device.
    pub firstChild: *mut sLogicalDevice,
    /// First data set.
    pub dataSets: *mut sDataSet,
    /// First report control block.
    pub rcbs: *mut sReportControlBlock,
    /// First GOOSE control block.
    pub gseCBs: *mut sGSEControlBlock,
    /// First sampled values control block.
    pub svCBs: *mut sSVControlBlock,
    /// First setting group control block.
    pub sgcbs: *mut sSettingGroupControlBlock,
    /// First log control block.
    pub lcbs: *mut sLogControlBlock,
    /// First log.
    pub logs: *mut sLog,
    /// Called by the server before it starts (static models set their values there).
    pub initializer: Option<unsafe extern "C" fn()>,
}
/// C `struct sIedModel` typedef `IedModel`.
pub type IedModel = sIedModel;

// ---------------------------------------------------------------------------
// Functions of `iec61850_model.h`.

/// Borrows a C string argument as UTF-8 (`None` for NULL or invalid UTF-8).
///
/// # Safety
/// `p` is NULL or a NUL-terminated string.
unsafe fn text<'a>(p: *const c_char) -> Option<&'a str> {
    // SAFETY: caller's contract.
    unsafe { c_str(p) }.and_then(|s| s.to_str().ok())
}

/// `ModelNode_getChildCount`: the number of children (-1 for NULL, 0 for a leaf).
///
/// # Safety
/// `self_` is NULL or a node of a model.
#[no_mangle]
pub unsafe extern "C" fn ModelNode_getChildCount(self_: *mut ModelNode) -> c_int {
    // SAFETY: caller's contract.
    guard(-1, || {
        unsafe { graph::children(self_) }.map_or(-1, |c| c.count() as c_int)
    })
}

/// `ModelNode_getChild`: the descendant at a `.`-separated path (`Oper.ctlVal`,
/// `phsAHar(3).cVal`); NULL if there is none.
///
/// # Safety
/// `self_` is NULL or a node of a model; `name` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn ModelNode_getChild(
    self_: *mut ModelNode,
    name: *const c_char,
) -> *mut ModelNode {
    // SAFETY: caller's contract.
    guard(null_mut(), || unsafe {
        text(name).map_or(null_mut(), |path| graph::descendant(self_, path, None))
    })
}

/// `ModelNode_getChildWithIdx`: the child at position `idx` of a data object or attribute
/// (NULL out of range, and for devices and logical nodes, as the reference).
///
/// # Safety
/// `self_` is NULL or a node of a model.
#[no_mangle]
pub unsafe extern "C" fn ModelNode_getChildWithIdx(
    self_: *mut ModelNode,
    idx: c_int,
) -> *mut ModelNode {
    guard(null_mut(), || {
        let Ok(idx) = usize::try_from(idx) else {
            return null_mut();
        };
        // SAFETY: caller's contract.
        let kind = unsafe { self_.as_ref() }.map(|n| n.modelType);
        if !matches!(kind, Some(DataObjectModelType | DataAttributeModelType)) {
            return null_mut();
        }
        // SAFETY: caller's contract.
        unsafe { graph::children(self_) }
            .and_then(|mut c| c.nth(idx))
            .unwrap_or(null_mut())
    })
}

/// `ModelNode_getChildWithFc`: the data attribute at a path whose functional constraint
/// is `fc`; NULL if there is none.
///
/// # Safety
/// `self_` is NULL or a node of a model; `name` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn ModelNode_getChildWithFc(
    self_: *mut ModelNode,
    name: *const c_char,
    fc: FunctionalConstraint,
) -> *mut ModelNode {
    // SAFETY: caller's contract.
    guard(null_mut(), || unsafe {
        text(name).map_or(null_mut(), |path| graph::descendant(self_, path, Some(fc)))
    })
}

/// Writes `reference` into the caller's buffer (which the reference assumes large enough;
/// the longest IEC 61850 reference fits 130 bytes) or a `malloc`ed copy when it is NULL.
///
/// # Safety
/// `buffer` is NULL or writable for `reference.len() + 1` bytes.
unsafe fn reference_out(reference: Option<String>, buffer: *mut c_char) -> *mut c_char {
    let Some(reference) = reference else {
        return null_mut();
    };
    if buffer.is_null() {
        return malloc_c_string(reference.as_bytes());
    }
    // SAFETY: caller's contract.
    unsafe {
        std::ptr::copy_nonoverlapping(reference.as_ptr(), buffer.cast(), reference.len());
        *buffer.add(reference.len()) = 0;
    }
    buffer
}

/// `ModelNode_getObjectReference`: `IEDLD/LN.DO.DA` (the domain is ldName when set) into
/// `objectReference`, or a `malloc`ed string when it is NULL.
///
/// # Safety
/// `self_` is NULL or a node of a model; `objectReference` NULL or large enough.
#[no_mangle]
pub unsafe extern "C" fn ModelNode_getObjectReference(
    self_: *mut ModelNode,
    objectReference: *mut c_char,
) -> *mut c_char {
    // SAFETY: caller's contract.
    unsafe { ModelNode_getObjectReferenceEx(self_, objectReference, false) }
}

/// `ModelNode_getObjectReferenceEx`: as `ModelNode_getObjectReference`; with
/// `withoutIedName` the device is named by its instance alone.
///
/// # Safety
/// As for `ModelNode_getObjectReference`.
#[no_mangle]
pub unsafe extern "C" fn ModelNode_getObjectReferenceEx(
    node: *mut ModelNode,
    objectReference: *mut c_char,
    withoutIedName: bool,
) -> *mut c_char {
    // SAFETY: caller's contract.
    guard(null_mut(), || unsafe {
        reference_out(
            graph::object_reference(node, withoutIedName),
            objectReference,
        )
    })
}

/// `ModelNode_getType`: the node's `ModelNodeType` (0 for NULL).
///
/// # Safety
/// `self_` is NULL or a node of a model.
#[no_mangle]
pub unsafe extern "C" fn ModelNode_getType(self_: *mut ModelNode) -> ModelNodeType {
    // SAFETY: caller's contract.
    guard(0, || unsafe { self_.as_ref() }.map_or(0, |n| n.modelType))
}

/// `ModelNode_getName`: the node's name (borrowed; NULL for array elements).
///
/// # Safety
/// `self_` is NULL or a node of a model.
#[no_mangle]
pub unsafe extern "C" fn ModelNode_getName(self_: *mut ModelNode) -> *const c_char {
    // SAFETY: caller's contract.
    guard(std::ptr::null(), || {
        unsafe { self_.as_ref() }.map_or(std::ptr::null(), |n| n.name)
    })
}

/// `ModelNode_getParent`: the parent node (for a logical device: the model, cast).
///
/// # Safety
/// `self_` is NULL or a node of a model.
#[no_mangle]
pub unsafe extern "C" fn ModelNode_getParent(self_: *mut ModelNode) -> *mut ModelNode {
    // SAFETY: caller's contract.
    guard(null_mut(), || {
        unsafe { self_.as_ref() }.map_or(null_mut(), |n| n.parent)
    })
}

/// `ModelNode_getChildren`: a new list of the children (the caller frees the list with
/// `LinkedList_destroyStatic`; the nodes stay the model's); NULL for a leaf.
///
/// # Safety
/// `self_` is NULL or a node of a model.
#[no_mangle]
pub unsafe extern "C" fn ModelNode_getChildren(self_: *mut ModelNode) -> LinkedList {
    guard(null_mut(), || {
        // SAFETY: caller's contract.
        let children: Vec<*mut c_void> = match unsafe { graph::children(self_) } {
            Some(c) => c.map(|n| n.cast()).collect(),
            None => return null_mut(),
        };
        if children.is_empty() {
            null_mut()
        } else {
            pointer_list(children)
        }
    })
}

/// `IedModel_setIedName`: renames the IED (the name is copied).
///
/// # Safety
/// `self_` is NULL or a model; `iedName` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedModel_setIedName(self_: *mut IedModel, iedName: *const c_char) {
    guard((), || {
        // SAFETY: caller's contract.
        let (Some(model), Some(name)) = (unsafe { self_.as_mut() }, unsafe { c_str(iedName) })
        else {
            return;
        };
        let copy = malloc_c_string(name.to_bytes());
        if !copy.is_null() {
            super::iec61850_dynamic_model::replace_string(self_, &mut model.name, copy);
        }
    })
}

/// `IedModel_getModelNodeByObjectReference`: the node of `IEDLD/LN.DO.DA` (or of a device
/// named by its ldName); NULL if there is none.
///
/// # Safety
/// `self_` is NULL or a model; `objectReference` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedModel_getModelNodeByObjectReference(
    self_: *mut IedModel,
    objectReference: *const c_char,
) -> *mut ModelNode {
    // SAFETY: caller's contract.
    guard(null_mut(), || unsafe {
        text(objectReference).map_or(null_mut(), |r| graph::node_by_reference(self_, r, false))
    })
}

/// `IedModel_getModelNodeByShortObjectReference`: as above with the device named by its
/// instance alone (`LD/LN.DO.DA`).
///
/// # Safety
/// As for `IedModel_getModelNodeByObjectReference`.
#[no_mangle]
pub unsafe extern "C" fn IedModel_getModelNodeByShortObjectReference(
    self_: *mut IedModel,
    objectReference: *const c_char,
) -> *mut ModelNode {
    // SAFETY: caller's contract.
    guard(null_mut(), || unsafe {
        text(objectReference).map_or(null_mut(), |r| graph::node_by_reference(self_, r, true))
    })
}

/// `IedModel_getSVControlBlock`: the SV control block `svcbName` of `parentLN`.
///
/// # Safety
/// `self_` NULL or a model, `parentLN` NULL or a node of it, `svcbName` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedModel_getSVControlBlock(
    self_: *mut IedModel,
    parentLN: *mut LogicalNode,
    svcbName: *const c_char,
) -> *mut SVControlBlock {
    guard(null_mut(), || {
        // SAFETY: caller's contract.
        let (Some(model), Some(name)) = (unsafe { self_.as_ref() }, unsafe { c_str(svcbName) })
        else {
            return null_mut();
        };
        // SAFETY: the model's list, bounded.
        unsafe { graph::chain(model.svCBs, |s| s.sibling) }
            // SAFETY: nodes of the chain are live.
            .find(|&s| unsafe { (*s).parent == parentLN && graph::name_is((*s).name, name) })
            .unwrap_or(null_mut())
    })
}

/// `IedModel_getModelNodeByShortAddress`: the first data attribute (depth first) with
/// this `sAddr`.
///
/// # Safety
/// `self_` is NULL or a model.
#[no_mangle]
pub unsafe extern "C" fn IedModel_getModelNodeByShortAddress(
    self_: *mut IedModel,
    shortAddress: u32,
) -> *mut ModelNode {
    // SAFETY: caller's contract.
    guard(null_mut(), || unsafe {
        graph::find_attribute(self_, |da| (*da).sAddr == shortAddress)
    })
}

/// `IedModel_getDeviceByInst`: the logical device with this instance name.
///
/// # Safety
/// `self_` is NULL or a model; `ldInst` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedModel_getDeviceByInst(
    self_: *mut IedModel,
    ldInst: *const c_char,
) -> *mut LogicalDevice {
    // SAFETY: caller's contract.
    guard(null_mut(), || unsafe {
        text(ldInst).map_or(null_mut(), |inst| graph::device(self_, inst, true))
    })
}

/// `IedModel_getDeviceByIndex`: the logical device at position `index`.
///
/// # Safety
/// `self_` is NULL or a model.
#[no_mangle]
pub unsafe extern "C" fn IedModel_getDeviceByIndex(
    self_: *mut IedModel,
    index: c_int,
) -> *mut LogicalDevice {
    guard(null_mut(), || {
        let Ok(index) = usize::try_from(index) else {
            return null_mut();
        };
        // SAFETY: caller's contract.
        unsafe { graph::devices(self_) }
            .nth(index)
            .unwrap_or(null_mut())
    })
}

/// `LogicalDevice_getLogicalNode`: the logical node `lnName` of the device.
///
/// # Safety
/// `self_` is NULL or a logical device; `lnName` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn LogicalDevice_getLogicalNode(
    self_: *mut LogicalDevice,
    lnName: *const c_char,
) -> *mut LogicalNode {
    guard(null_mut(), || {
        // SAFETY: caller's contract.
        let Some(name) = (unsafe { c_str(lnName) }) else {
            return null_mut();
        };
        // SAFETY: caller's contract.
        unsafe { graph::child_named(self_.cast(), name) }.cast()
    })
}

/// `LogicalDevice_getSettingGroupControlBlock`: the device's setting group control block.
///
/// # Safety
/// `self_` is NULL or a logical device of a model.
#[no_mangle]
pub unsafe extern "C" fn LogicalDevice_getSettingGroupControlBlock(
    self_: *mut LogicalDevice,
) -> *mut SettingGroupControlBlock {
    guard(null_mut(), || {
        // SAFETY: caller's contract: a device's parent is its model.
        let Some(model) = (unsafe { self_.as_ref() })
            .and_then(|d| unsafe { d.parent.cast::<IedModel>().as_ref() })
        else {
            return null_mut();
        };
        // SAFETY: the model's list, bounded; its nodes are live.
        unsafe { graph::chain(model.sgcbs, |s| s.sibling) }
            .find(|&s| unsafe {
                (*s).parent
                    .as_ref()
                    .is_some_and(|ln| ln.parent == self_.cast())
            })
            .unwrap_or(null_mut())
    })
}

/// `IedModel_setAttributeValuesToNull`: sets every data attribute's value pointer to NULL
/// (the values are not freed: a static model's belong to the program).
///
/// # Safety
/// `self_` is NULL or a model.
#[no_mangle]
pub unsafe extern "C" fn IedModel_setAttributeValuesToNull(self_: *mut IedModel) {
    guard((), || {
        // SAFETY: caller's contract.
        unsafe {
            graph::for_each_attribute(self_, &mut |da| da.mmsValue = null_mut());
        }
    })
}

/// `IedModel_getDevice`: the logical device whose MMS domain name (IED name + inst, or
/// ldName) is `ldName`.
///
/// # Safety
/// `self_` is NULL or a model; `ldName` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedModel_getDevice(
    self_: *mut IedModel,
    ldName: *const c_char,
) -> *mut LogicalDevice {
    // SAFETY: caller's contract.
    guard(null_mut(), || unsafe {
        text(ldName).map_or(null_mut(), |name| graph::device(self_, name, false))
    })
}

/// `IedModel_lookupDataSet`: the data set `DOMAIN/LN$name` (domain as MMS names it).
///
/// # Safety
/// `self_` is NULL or a model; `dataSetReference` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedModel_lookupDataSet(
    self_: *mut IedModel,
    dataSetReference: *const c_char,
) -> *mut DataSet {
    guard(null_mut(), || {
        // SAFETY: caller's contract.
        let Some((domain, name)) =
            (unsafe { text(dataSetReference) }).and_then(|r| r.split_once('/'))
        else {
            return null_mut();
        };
        // SAFETY: caller's contract.
        let device = unsafe { graph::device(self_, domain, false) };
        // SAFETY: NULL or a device of the model.
        let Some(inst) = (unsafe { device.as_ref() }).map(|d| d.name) else {
            return null_mut();
        };
        // SAFETY: caller's contract.
        unsafe { graph::data_set(self_, inst, name) }
    })
}

/// `IedModel_lookupDataAttributeByMmsValue`: the data attribute whose value is `value`.
///
/// # Safety
/// `self_` is NULL or a model.
#[no_mangle]
pub unsafe extern "C" fn IedModel_lookupDataAttributeByMmsValue(
    self_: *mut IedModel,
    value: *mut MmsValue,
) -> *mut DataAttribute {
    if value.is_null() {
        return null_mut();
    }
    // SAFETY: caller's contract.
    guard(null_mut(), || unsafe {
        graph::find_attribute(self_, |da| (*da).mmsValue == value).cast()
    })
}

/// `IedModel_getLogicalDeviceCount`: the number of logical devices.
///
/// # Safety
/// `self_` is NULL or a model.
#[no_mangle]
pub unsafe extern "C" fn IedModel_getLogicalDeviceCount(self_: *mut IedModel) -> c_int {
    // SAFETY: caller's contract.
    guard(0, || unsafe { graph::devices(self_) }.count() as c_int)
}

/// `LogicalDevice_getLogicalNodeCount`: the number of logical nodes of the device.
///
/// # Safety
/// `self_` is NULL or a logical device.
#[no_mangle]
pub unsafe extern "C" fn LogicalDevice_getLogicalNodeCount(self_: *mut LogicalDevice) -> c_int {
    // SAFETY: caller's contract.
    guard(0, || {
        unsafe { graph::children(self_.cast()) }.map_or(0, |c| c.count() as c_int)
    })
}

/// `LogicalDevice_getChildByMmsVariableName`: the data attribute named `LN$FC$DO$DA` in MMS.
///
/// # Safety
/// `self_` is NULL or a logical device; `mmsVariableName` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn LogicalDevice_getChildByMmsVariableName(
    self_: *mut LogicalDevice,
    mmsVariableName: *const c_char,
) -> *mut ModelNode {
    // SAFETY: caller's contract.
    guard(null_mut(), || unsafe {
        text(mmsVariableName).map_or(null_mut(), |v| graph::by_mms_variable(self_, v))
    })
}

/// `LogicalNode_hasFCData`: whether a data attribute below the node has `fc`.
///
/// # Safety
/// `self_` is NULL or a logical node.
#[no_mangle]
pub unsafe extern "C" fn LogicalNode_hasFCData(
    self_: *mut LogicalNode,
    fc: FunctionalConstraint,
) -> bool {
    // SAFETY: caller's contract.
    guard(false, || unsafe { graph::has_fc(self_.cast(), fc) })
}

/// `LogicalNode_getDataSet`: the data set `dataSetName` of the node.
///
/// # Safety
/// `self_` is NULL or a logical node of a model; `dataSetName` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn LogicalNode_getDataSet(
    self_: *mut LogicalNode,
    dataSetName: *const c_char,
) -> *mut DataSet {
    guard(null_mut(), || {
        // SAFETY: caller's contract: a node's parent is its device, the device's the model.
        let (Some(ln), Some(name)) = (unsafe { self_.as_ref() }, unsafe { text(dataSetName) })
        else {
            return null_mut();
        };
        let Some(device) = (unsafe { ln.parent.cast::<LogicalDevice>().as_ref() }) else {
            return null_mut();
        };
        let (Some(ln_name), model) = (unsafe { text(ln.name) }, device.parent.cast::<IedModel>())
        else {
            return null_mut();
        };
        // SAFETY: the device's model.
        unsafe { graph::data_set(model, device.name, &format!("{ln_name}${name}")) }
    })
}

/// `DataObject_hasFCData`: whether a data attribute below the object has `fc`.
///
/// # Safety
/// `self_` is NULL or a data object.
#[no_mangle]
pub unsafe extern "C" fn DataObject_hasFCData(
    self_: *mut DataObject,
    fc: FunctionalConstraint,
) -> bool {
    // SAFETY: caller's contract.
    guard(false, || unsafe { graph::has_fc(self_.cast(), fc) })
}
