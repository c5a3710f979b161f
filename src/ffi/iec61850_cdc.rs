//! `iec61850_cdc.h`: data objects and attributes of the common data classes of
//! IEC 61850-7-3, built with the dynamic-model functions from the descriptions of
//! [`crate::model::cdc`]. A NULL name or parent gives NULL.
#![allow(non_snake_case)]

use std::ffi::{c_char, CString};
use std::ptr::null_mut;

use super::guard;
use super::iec61850_common::FunctionalConstraint;
use super::iec61850_dynamic_model::{
    DataAttribute_create, DataAttribute_setValue, DataObject_create,
};
use super::iec61850_model::{DataAttribute, DataObject, ModelNode};
use super::mms_value::{MmsValue_delete, MmsValue_newIntegerFromInt32};
use crate::model::cdc::{self, Kind, Node};

/// `CDC_OPTION_PICS_SUBST` of iec61850_cdc.h.
pub const CDC_OPTION_PICS_SUBST: u32 = 1;
/// `CDC_OPTION_BLK_ENA` of iec61850_cdc.h.
pub const CDC_OPTION_BLK_ENA: u32 = 2;
/// `CDC_OPTION_DESC` of iec61850_cdc.h.
pub const CDC_OPTION_DESC: u32 = 4;
/// `CDC_OPTION_DESC_UNICODE` of iec61850_cdc.h.
pub const CDC_OPTION_DESC_UNICODE: u32 = 8;
/// `CDC_OPTION_AC_DLNDA` of iec61850_cdc.h.
pub const CDC_OPTION_AC_DLNDA: u32 = 16;
/// `CDC_OPTION_AC_DLN` of iec61850_cdc.h.
pub const CDC_OPTION_AC_DLN: u32 = 32;
/// `CDC_OPTION_UNIT` of iec61850_cdc.h.
pub const CDC_OPTION_UNIT: u32 = 64;
/// `CDC_OPTION_FROZEN_VALUE` of iec61850_cdc.h.
pub const CDC_OPTION_FROZEN_VALUE: u32 = 128;
/// `CDC_OPTION_ADDR` of iec61850_cdc.h.
pub const CDC_OPTION_ADDR: u32 = 256;
/// `CDC_OPTION_ADDINFO` of iec61850_cdc.h.
pub const CDC_OPTION_ADDINFO: u32 = 512;
/// `CDC_OPTION_INST_MAG` of iec61850_cdc.h.
pub const CDC_OPTION_INST_MAG: u32 = 1024;
/// `CDC_OPTION_RANGE` of iec61850_cdc.h.
pub const CDC_OPTION_RANGE: u32 = 2048;
/// `CDC_OPTION_UNIT_MULTIPLIER` of iec61850_cdc.h.
pub const CDC_OPTION_UNIT_MULTIPLIER: u32 = 4096;
/// `CDC_OPTION_AC_SCAV` of iec61850_cdc.h.
pub const CDC_OPTION_AC_SCAV: u32 = 8192;
/// `CDC_OPTION_MIN` of iec61850_cdc.h.
pub const CDC_OPTION_MIN: u32 = 16384;
/// `CDC_OPTION_MAX` of iec61850_cdc.h.
pub const CDC_OPTION_MAX: u32 = 32768;
/// `CDC_OPTION_AC_CLC_O` of iec61850_cdc.h.
pub const CDC_OPTION_AC_CLC_O: u32 = 65536;
/// `CDC_OPTION_RANGE_ANG` of iec61850_cdc.h.
pub const CDC_OPTION_RANGE_ANG: u32 = 131072;
/// `CDC_OPTION_PHASE_A` of iec61850_cdc.h.
pub const CDC_OPTION_PHASE_A: u32 = 262144;
/// `CDC_OPTION_PHASE_B` of iec61850_cdc.h.
pub const CDC_OPTION_PHASE_B: u32 = 524288;
/// `CDC_OPTION_PHASE_C` of iec61850_cdc.h.
pub const CDC_OPTION_PHASE_C: u32 = 1048576;
/// `CDC_OPTION_PHASE_NEUT` of iec61850_cdc.h.
pub const CDC_OPTION_PHASE_NEUT: u32 = 2097152;
/// `CDC_OPTION_PHASES_ABC` of iec61850_cdc.h.
pub const CDC_OPTION_PHASES_ABC: u32 = 1835008;
/// `CDC_OPTION_PHASES_ALL` of iec61850_cdc.h.
pub const CDC_OPTION_PHASES_ALL: u32 = 3932160;
/// `CDC_OPTION_STEP_SIZE` of iec61850_cdc.h.
pub const CDC_OPTION_STEP_SIZE: u32 = 4194304;
/// `CDC_OPTION_ANGLE_REF` of iec61850_cdc.h.
pub const CDC_OPTION_ANGLE_REF: u32 = 8388608;
/// `CDC_OPTION_DPL_HWREV` of iec61850_cdc.h.
pub const CDC_OPTION_DPL_HWREV: u32 = 131072;
/// `CDC_OPTION_DPL_SWREV` of iec61850_cdc.h.
pub const CDC_OPTION_DPL_SWREV: u32 = 262144;
/// `CDC_OPTION_DPL_SERNUM` of iec61850_cdc.h.
pub const CDC_OPTION_DPL_SERNUM: u32 = 524288;
/// `CDC_OPTION_DPL_MODEL` of iec61850_cdc.h.
pub const CDC_OPTION_DPL_MODEL: u32 = 1048576;
/// `CDC_OPTION_DPL_LOCATION` of iec61850_cdc.h.
pub const CDC_OPTION_DPL_LOCATION: u32 = 2097152;
/// `CDC_OPTION_AC_LN0_M` of iec61850_cdc.h.
pub const CDC_OPTION_AC_LN0_M: u32 = 16777216;
/// `CDC_OPTION_AC_LN0_EX` of iec61850_cdc.h.
pub const CDC_OPTION_AC_LN0_EX: u32 = 33554432;
/// `CDC_OPTION_AC_DLD_M` of iec61850_cdc.h.
pub const CDC_OPTION_AC_DLD_M: u32 = 67108864;
/// `CDC_CTL_MODEL_NONE` of iec61850_cdc.h.
pub const CDC_CTL_MODEL_NONE: u32 = 0;
/// `CDC_CTL_MODEL_DIRECT_NORMAL` of iec61850_cdc.h.
pub const CDC_CTL_MODEL_DIRECT_NORMAL: u32 = 1;
/// `CDC_CTL_MODEL_SBO_NORMAL` of iec61850_cdc.h.
pub const CDC_CTL_MODEL_SBO_NORMAL: u32 = 2;
/// `CDC_CTL_MODEL_DIRECT_ENHANCED` of iec61850_cdc.h.
pub const CDC_CTL_MODEL_DIRECT_ENHANCED: u32 = 3;
/// `CDC_CTL_MODEL_SBO_ENHANCED` of iec61850_cdc.h.
pub const CDC_CTL_MODEL_SBO_ENHANCED: u32 = 4;
/// `CDC_CTL_MODEL_HAS_CANCEL` of iec61850_cdc.h.
pub const CDC_CTL_MODEL_HAS_CANCEL: u32 = 16;
/// `CDC_CTL_MODEL_IS_TIME_ACTIVATED` of iec61850_cdc.h.
pub const CDC_CTL_MODEL_IS_TIME_ACTIVATED: u32 = 32;
/// `CDC_CTL_OPTION_ORIGIN` of iec61850_cdc.h.
pub const CDC_CTL_OPTION_ORIGIN: u32 = 64;
/// `CDC_CTL_OPTION_CTL_NUM` of iec61850_cdc.h.
pub const CDC_CTL_OPTION_CTL_NUM: u32 = 128;
/// `CDC_CTL_OPTION_ST_SELD` of iec61850_cdc.h.
pub const CDC_CTL_OPTION_ST_SELD: u32 = 256;
/// `CDC_CTL_OPTION_OP_RCVD` of iec61850_cdc.h.
pub const CDC_CTL_OPTION_OP_RCVD: u32 = 512;
/// `CDC_CTL_OPTION_OP_OK` of iec61850_cdc.h.
pub const CDC_CTL_OPTION_OP_OK: u32 = 1024;
/// `CDC_CTL_OPTION_T_OP_OK` of iec61850_cdc.h.
pub const CDC_CTL_OPTION_T_OP_OK: u32 = 2048;
/// `CDC_CTL_OPTION_SBO_TIMEOUT` of iec61850_cdc.h.
pub const CDC_CTL_OPTION_SBO_TIMEOUT: u32 = 4096;
/// `CDC_CTL_OPTION_SBO_CLASS` of iec61850_cdc.h.
pub const CDC_CTL_OPTION_SBO_CLASS: u32 = 8192;
/// `CDC_CTL_OPTION_OPER_TIMEOUT` of iec61850_cdc.h.
pub const CDC_CTL_OPTION_OPER_TIMEOUT: u32 = 16384;
/// `CDC_OPTION_61400_MIN_MX_VAL` of iec61850_cdc.h.
pub const CDC_OPTION_61400_MIN_MX_VAL: u32 = 1024;
/// `CDC_OPTION_61400_MAX_MX_VAL` of iec61850_cdc.h.
pub const CDC_OPTION_61400_MAX_MX_VAL: u32 = 2048;
/// `CDC_OPTION_61400_TOT_AV_VAL` of iec61850_cdc.h.
pub const CDC_OPTION_61400_TOT_AV_VAL: u32 = 4096;
/// `CDC_OPTION_61400_SDV_VAL` of iec61850_cdc.h.
pub const CDC_OPTION_61400_SDV_VAL: u32 = 8192;
/// `CDC_OPTION_61400_INC_RATE` of iec61850_cdc.h.
pub const CDC_OPTION_61400_INC_RATE: u32 = 16384;
/// `CDC_OPTION_61400_DEC_RATE` of iec61850_cdc.h.
pub const CDC_OPTION_61400_DEC_RATE: u32 = 32768;
/// `CDC_OPTION_61400_SP_ACS` of iec61850_cdc.h.
pub const CDC_OPTION_61400_SP_ACS: u32 = 65536;
/// `CDC_OPTION_61400_CHA_PER_RS` of iec61850_cdc.h.
pub const CDC_OPTION_61400_CHA_PER_RS: u32 = 131072;
/// `CDC_OPTION_61400_CM_ACS` of iec61850_cdc.h.
pub const CDC_OPTION_61400_CM_ACS: u32 = 262144;
/// `CDC_OPTION_61400_TM_TOT` of iec61850_cdc.h.
pub const CDC_OPTION_61400_TM_TOT: u32 = 524288;
/// `CDC_OPTION_61400_COUNTING_DAILY` of iec61850_cdc.h.
pub const CDC_OPTION_61400_COUNTING_DAILY: u32 = 1048576;
/// `CDC_OPTION_61400_COUNTING_MONTHLY` of iec61850_cdc.h.
pub const CDC_OPTION_61400_COUNTING_MONTHLY: u32 = 2097152;
/// `CDC_OPTION_61400_COUNTING_YEARLY` of iec61850_cdc.h.
pub const CDC_OPTION_61400_COUNTING_YEARLY: u32 = 4194304;
/// `CDC_OPTION_61400_COUNTING_TOTAL` of iec61850_cdc.h.
pub const CDC_OPTION_61400_COUNTING_TOTAL: u32 = 8388608;
/// `CDC_OPTION_61400_COUNTING_ALL` of iec61850_cdc.h.
pub const CDC_OPTION_61400_COUNTING_ALL: u32 = 15728640;

/// Creates `children` under `parent`, depth first, in order.
///
/// # Safety
/// `parent` is a live node of a dynamic model.
unsafe fn instantiate(parent: *mut ModelNode, children: &[Node]) {
    for child in children {
        // Description names are literals without NUL.
        let Ok(name) = CString::new(child.name) else {
            continue;
        };
        // SAFETY: `parent` is live; `name` is a C string that the model copies.
        let node = unsafe { create(name.as_ptr(), parent, child) };
        if !node.is_null() {
            // SAFETY: `node` was just created under `parent`.
            unsafe { instantiate(node, &child.children) };
        }
    }
}

/// Creates one described node (not its children) named `name` under `parent`.
///
/// # Safety
/// `name` is a C string; `parent` a live node of a dynamic model.
unsafe fn create(name: *const c_char, parent: *mut ModelNode, node: &Node) -> *mut ModelNode {
    match node.kind {
        // SAFETY: the caller's contract.
        Kind::Object => unsafe { DataObject_create(name, parent, 0) }.cast(),
        Kind::Attribute {
            ty,
            fc,
            trg,
            elements,
            value,
        } => {
            // SAFETY: the caller's contract.
            let a = unsafe { DataAttribute_create(name, parent, ty, fc, trg, elements, 0) };
            if let (Some(v), false) = (value, a.is_null()) {
                let v = MmsValue_newIntegerFromInt32(v);
                // SAFETY: `a` is live; the attribute keeps a copy of `v`, deleted here.
                unsafe {
                    DataAttribute_setValue(a, v);
                    MmsValue_delete(v);
                }
            }
            a.cast()
        }
    }
}

/// Builds the data object `name` under `parent` with `children`.
///
/// # Safety
/// `name` NULL or a C string; `parent` NULL or a live node of a dynamic model.
unsafe fn build_object(
    name: *const c_char,
    parent: *mut ModelNode,
    children: impl FnOnce() -> Vec<Node>,
) -> *mut DataObject {
    if name.is_null() || parent.is_null() {
        return null_mut();
    }
    guard(null_mut(), || {
        // SAFETY: the caller's contract.
        let object = unsafe { DataObject_create(name, parent, 0) };
        if !object.is_null() {
            // SAFETY: `object` was just created.
            unsafe { instantiate(object.cast(), &children()) };
        }
        object
    })
}

/// Builds the described CAC attribute under `parent`, named `name` (not its own name).
///
/// # Safety
/// `name` NULL or a C string; `parent` NULL or a live node of a dynamic model.
unsafe fn build_attribute(
    name: *const c_char,
    parent: *mut ModelNode,
    node: impl FnOnce() -> Node,
) -> *mut DataAttribute {
    if name.is_null() || parent.is_null() {
        return null_mut();
    }
    guard(null_mut(), || {
        let node = node();
        // SAFETY: the caller's contract.
        let attribute = unsafe { create(name, parent, &node) };
        if !attribute.is_null() {
            // SAFETY: `attribute` was just created.
            unsafe { instantiate(attribute, &node.children) };
        }
        attribute.cast()
    })
}

/// `CAC_AnalogueValue_create`: the AnalogueValue attribute `name` under `parent` (const char* name, ModelNode* parent, FunctionalConstraint fc, uint8_t triggerOptions, bool isIntegerNotFloat).
///
/// # Safety
/// `name` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CAC_AnalogueValue_create(
    name: *const c_char,
    parent: *mut ModelNode,
    fc: FunctionalConstraint,
    triggerOptions: u8,
    isIntegerNotFloat: bool,
) -> *mut DataAttribute {
    // SAFETY: the caller's contract.
    unsafe {
        build_attribute(name, parent, || {
            cdc::analogue_value("", fc, triggerOptions, isIntegerNotFloat)
        })
    }
}

/// `CAC_ValWithTrans_create`: the ValWithTrans attribute `name` under `parent` (const char* name, ModelNode* parent, FunctionalConstraint fc, uint8_t triggerOptions, bool hasTransientIndicator).
///
/// # Safety
/// `name` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CAC_ValWithTrans_create(
    name: *const c_char,
    parent: *mut ModelNode,
    fc: FunctionalConstraint,
    triggerOptions: u8,
    hasTransientIndicator: bool,
) -> *mut DataAttribute {
    // SAFETY: the caller's contract.
    unsafe {
        build_attribute(name, parent, || {
            cdc::val_with_trans("", fc, triggerOptions, hasTransientIndicator)
        })
    }
}

/// `CAC_Vector_create`: the Vector attribute `name` under `parent` (const char* name, ModelNode* parent, uint32_t options, FunctionalConstraint fc, uint8_t triggerOptions).
///
/// # Safety
/// `name` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CAC_Vector_create(
    name: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    fc: FunctionalConstraint,
    triggerOptions: u8,
) -> *mut DataAttribute {
    // SAFETY: the caller's contract.
    unsafe {
        build_attribute(name, parent, || {
            cdc::vector("", options, fc, triggerOptions)
        })
    }
}

/// `CAC_Point_create`: the Point attribute `name` under `parent` (const char* name, ModelNode* parent, FunctionalConstraint fc, uint8_t triggerOptions, bool hasZVal).
///
/// # Safety
/// `name` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CAC_Point_create(
    name: *const c_char,
    parent: *mut ModelNode,
    fc: FunctionalConstraint,
    triggerOptions: u8,
    hasZVal: bool,
) -> *mut DataAttribute {
    // SAFETY: the caller's contract.
    unsafe { build_attribute(name, parent, || cdc::point("", fc, triggerOptions, hasZVal)) }
}

/// `CAC_ScaledValueConfig_create`: the ScaledValueConfig attribute `name` under `parent` (const char* name, ModelNode* parent).
///
/// # Safety
/// `name` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CAC_ScaledValueConfig_create(
    name: *const c_char,
    parent: *mut ModelNode,
) -> *mut DataAttribute {
    // SAFETY: the caller's contract.
    unsafe { build_attribute(name, parent, || cdc::scaled_value_config("")) }
}

/// `CAC_Unit_create`: the Unit attribute `name` under `parent` (const char* name, ModelNode* parent, bool hasMagnitude).
///
/// # Safety
/// `name` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CAC_Unit_create(
    name: *const c_char,
    parent: *mut ModelNode,
    hasMagnitude: bool,
) -> *mut DataAttribute {
    // SAFETY: the caller's contract.
    unsafe { build_attribute(name, parent, || cdc::unit("", hasMagnitude)) }
}

/// `CDC_SPS_create`: a data object of CDC SPS named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_SPS_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::sps(options)) }
}

/// `CDC_DPS_create`: a data object of CDC DPS named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_DPS_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::dps(options)) }
}

/// `CDC_INS_create`: a data object of CDC INS named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_INS_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::ins(options)) }
}

/// `CDC_ENS_create`: a data object of CDC ENS named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_ENS_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::ens(options)) }
}

/// `CDC_BCR_create`: a data object of CDC BCR named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_BCR_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::bcr(options)) }
}

/// `CDC_VSS_create`: a data object of CDC VSS named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_VSS_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::vss(options)) }
}

/// `CDC_SEC_create`: a data object of CDC SEC named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_SEC_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::sec(options)) }
}

/// `CDC_MV_create`: a data object of CDC MV named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_MV_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    isIntegerNotFloat: bool,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe {
        build_object(dataObjectName, parent, || {
            cdc::mv(options, isIntegerNotFloat)
        })
    }
}

/// `CDC_CMV_create`: a data object of CDC CMV named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_CMV_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::cmv(options)) }
}

/// `CDC_SAV_create`: a data object of CDC SAV named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_SAV_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    isIntegerNotFloat: bool,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe {
        build_object(dataObjectName, parent, || {
            cdc::sav(options, isIntegerNotFloat)
        })
    }
}

/// `CDC_LPL_create`: a data object of CDC LPL named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_LPL_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::lpl(options)) }
}

/// `CDC_DPL_create`: a data object of CDC DPL named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_DPL_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::dpl(options)) }
}

/// `CDC_HST_create`: a data object of CDC HST named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_HST_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    maxPts: u16,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::hst(options, maxPts)) }
}

/// `CDC_ACD_create`: a data object of CDC ACD named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_ACD_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::acd(options)) }
}

/// `CDC_ACT_create`: a data object of CDC ACT named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_ACT_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::act(options)) }
}

/// `CDC_SPG_create`: a data object of CDC SPG named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_SPG_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::spg(options)) }
}

/// `CDC_VSG_create`: a data object of CDC VSG named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_VSG_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::vsg(options)) }
}

/// `CDC_ENG_create`: a data object of CDC ENG named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_ENG_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::eng(options)) }
}

/// `CDC_ING_create`: a data object of CDC ING named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_ING_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::ing(options)) }
}

/// `CDC_ASG_create`: a data object of CDC ASG named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_ASG_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    isIntegerNotFloat: bool,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe {
        build_object(dataObjectName, parent, || {
            cdc::asg(options, isIntegerNotFloat)
        })
    }
}

/// `CDC_WYE_create`: a data object of CDC WYE named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_WYE_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::wye(options)) }
}

/// `CDC_DEL_create`: a data object of CDC DEL named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_DEL_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::del(options)) }
}

/// `CDC_SPC_create`: a data object of CDC SPC named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_SPC_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    controlOptions: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::spc(options, controlOptions)) }
}

/// `CDC_DPC_create`: a data object of CDC DPC named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_DPC_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    controlOptions: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::dpc(options, controlOptions)) }
}

/// `CDC_INC_create`: a data object of CDC INC named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_INC_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    controlOptions: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::inc(options, controlOptions)) }
}

/// `CDC_ENC_create`: a data object of CDC ENC named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_ENC_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    controlOptions: u32,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::enc(options, controlOptions)) }
}

/// `CDC_BSC_create`: a data object of CDC BSC named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_BSC_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    controlOptions: u32,
    hasTransientIndicator: bool,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe {
        build_object(dataObjectName, parent, || {
            cdc::bsc(options, controlOptions, hasTransientIndicator)
        })
    }
}

/// `CDC_ISC_create`: a data object of CDC ISC named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_ISC_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    controlOptions: u32,
    hasTransientIndicator: bool,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe {
        build_object(dataObjectName, parent, || {
            cdc::isc(options, controlOptions, hasTransientIndicator)
        })
    }
}

/// `CDC_APC_create`: a data object of CDC APC named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_APC_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    controlOptions: u32,
    isIntegerNotFloat: bool,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe {
        build_object(dataObjectName, parent, || {
            cdc::apc(options, controlOptions, isIntegerNotFloat)
        })
    }
}

/// `CDC_BAC_create`: a data object of CDC BAC named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_BAC_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    controlOptions: u32,
    isIntegerNotFloat: bool,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe {
        build_object(dataObjectName, parent, || {
            cdc::bac(options, controlOptions, isIntegerNotFloat)
        })
    }
}

/// `CDC_SPV_create`: a data object of CDC SPV named `dataObjectName` under `parent`.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_SPV_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    controlOptions: u32,
    wpOptions: u32,
    hasChaManRs: bool,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe {
        build_object(dataObjectName, parent, || {
            cdc::spv(options, controlOptions, wpOptions, hasChaManRs)
        })
    }
}

/// `CDC_STV_create`: a data object of CDC STV named `dataObjectName` under `parent`.
///
/// The reference ignores `controlOptions`, `wpOptions`; so do we.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_STV_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    _controlOptions: u32,
    _wpOptions: u32,
    hasOldStatus: bool,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::stv(options, hasOldStatus)) }
}

/// `CDC_CMD_create`: a data object of CDC CMD named `dataObjectName` under `parent`.
///
/// The reference ignores `hasCmTm`, `hasCmCt`; so do we.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_CMD_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    controlOptions: u32,
    wpOptions: u32,
    hasOldStatus: bool,
    _hasCmTm: bool,
    _hasCmCt: bool,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe {
        build_object(dataObjectName, parent, || {
            cdc::cmd(options, controlOptions, wpOptions, hasOldStatus)
        })
    }
}

/// `CDC_ALM_create`: a data object of CDC ALM named `dataObjectName` under `parent`.
///
/// The reference ignores `controlOptions`, `wpOptions`; so do we.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_ALM_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    _controlOptions: u32,
    _wpOptions: u32,
    hasOldStatus: bool,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { build_object(dataObjectName, parent, || cdc::alm(options, hasOldStatus)) }
}

/// `CDC_CTE_create`: a data object of CDC CTE named `dataObjectName` under `parent`.
///
/// The reference ignores `controlOptions`; so do we.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_CTE_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    _controlOptions: u32,
    wpOptions: u32,
    hasHisRs: bool,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe {
        build_object(dataObjectName, parent, || {
            cdc::cte(options, wpOptions, hasHisRs)
        })
    }
}

/// `CDC_TMS_create`: a data object of CDC TMS named `dataObjectName` under `parent`.
///
/// The reference ignores `controlOptions`; so do we.
///
/// # Safety
/// `dataObjectName` NULL or a C string; `parent` NULL or a live node of a dynamic model.
#[no_mangle]
pub unsafe extern "C" fn CDC_TMS_create(
    dataObjectName: *const c_char,
    parent: *mut ModelNode,
    options: u32,
    _controlOptions: u32,
    wpOptions: u32,
    hasHisRs: bool,
) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe {
        build_object(dataObjectName, parent, || {
            cdc::tms(options, wpOptions, hasHisRs)
        })
    }
}
