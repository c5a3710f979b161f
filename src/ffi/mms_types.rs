//! Declarations of `mms_types.h`.
#![allow(non_camel_case_types, non_snake_case)]

use super::mms_common::MmsType;
use std::ffi::{c_char, c_int, c_uint};

/// C enum `MmsValueIndication` (values below; kept as an integer so any value from C is sound).
pub type MmsValueIndication = c_uint;
/// `MmsValueIndication` value.
pub const MMS_VALUE_NO_RESPONSE: MmsValueIndication = 0;
/// `MmsValueIndication` value.
pub const MMS_VALUE_OK: MmsValueIndication = 1;
/// `MmsValueIndication` value.
pub const MMS_VALUE_ACCESS_DENIED: MmsValueIndication = 2;
/// `MmsValueIndication` value.
pub const MMS_VALUE_VALUE_INVALID: MmsValueIndication = 3;
/// `MmsValueIndication` value.
pub const MMS_VALUE_TEMPORARILY_UNAVAILABLE: MmsValueIndication = 4;
/// `MmsValueIndication` value.
pub const MMS_VALUE_OBJECT_ACCESS_UNSUPPORTED: MmsValueIndication = 5;

/// Array type description inside [`uMmsTypeSpecification`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sMmsArray {
    /// Number of elements.
    pub elementCount: c_int,
    /// Type of every element.
    pub elementTypeSpec: *mut sMmsVariableSpecification,
}

/// Structure type description inside [`uMmsTypeSpecification`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sMmsStructure {
    /// Number of components.
    pub elementCount: c_int,
    /// `elementCount` pointers to the component types.
    pub elements: *mut *mut sMmsVariableSpecification,
}

/// Floating point format inside [`uMmsTypeSpecification`].
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct sMmsFloat {
    /// Exponent width in bits.
    pub exponentWidth: u8,
    /// Total format width in bits.
    pub formatWidth: u8,
}

/// Type-specific part of an [`MmsVariableSpecification`], selected by its `type`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union uMmsTypeSpecification {
    /// `MMS_ARRAY`.
    pub array: sMmsArray,
    /// `MMS_STRUCTURE`.
    pub structure: sMmsStructure,
    /// `MMS_BOOLEAN` (unused).
    pub boolean: c_int,
    /// `MMS_INTEGER`: size in bits.
    pub integer: c_int,
    /// `MMS_UNSIGNED`: size in bits.
    pub unsignedInteger: c_int,
    /// `MMS_FLOAT`.
    pub floatingpoint: sMmsFloat,
    /// `MMS_BIT_STRING`: size in bits, negative for variable length.
    pub bitString: c_int,
    /// `MMS_OCTET_STRING`: size, negative for variable length.
    pub octetString: c_int,
    /// `MMS_VISIBLE_STRING`: size, negative for variable length.
    pub visibleString: c_int,
    /// `MMS_STRING`: size, negative for variable length.
    pub mmsString: c_int,
    /// `MMS_UTC_TIME` (unused).
    pub utctime: c_int,
    /// `MMS_BINARY_TIME`: 4 or 6 bytes.
    pub binaryTime: c_int,
}

/// MMS type description (`struct sMmsVariableSpecification`); packed as in the C header.
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct sMmsVariableSpecification {
    /// Which member of `typeSpec` is valid.
    pub r#type: MmsType,
    /// Component name, NULL for the top level.
    pub name: *mut c_char,
    /// Type-specific details.
    pub typeSpec: uMmsTypeSpecification,
}

/// `MmsVariableSpecification`: an MMS type description.
pub type MmsVariableSpecification = sMmsVariableSpecification;
