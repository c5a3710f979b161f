//! Declarations of `mms_common.h`.
#![allow(non_camel_case_types, non_snake_case)]

use std::ffi::{c_char, c_int, c_uint};

/// C enum `MmsError` (values below; kept as an integer so any value from C is sound).
pub type MmsError = c_uint;
/// `MmsError` value.
pub const MMS_ERROR_NONE: MmsError = 0;
/// `MmsError` value.
pub const MMS_ERROR_CONNECTION_REJECTED: MmsError = 1;
/// `MmsError` value.
pub const MMS_ERROR_CONNECTION_LOST: MmsError = 2;
/// `MmsError` value.
pub const MMS_ERROR_SERVICE_TIMEOUT: MmsError = 3;
/// `MmsError` value.
pub const MMS_ERROR_PARSING_RESPONSE: MmsError = 4;
/// `MmsError` value.
pub const MMS_ERROR_HARDWARE_FAULT: MmsError = 5;
/// `MmsError` value.
pub const MMS_ERROR_CONCLUDE_REJECTED: MmsError = 6;
/// `MmsError` value.
pub const MMS_ERROR_INVALID_ARGUMENTS: MmsError = 7;
/// `MmsError` value.
pub const MMS_ERROR_OUTSTANDING_CALL_LIMIT: MmsError = 8;
/// `MmsError` value.
pub const MMS_ERROR_OTHER: MmsError = 9;
/// `MmsError` value.
pub const MMS_ERROR_VMDSTATE_OTHER: MmsError = 10;
/// `MmsError` value.
pub const MMS_ERROR_APPLICATION_REFERENCE_OTHER: MmsError = 20;
/// `MmsError` value.
pub const MMS_ERROR_DEFINITION_OTHER: MmsError = 30;
/// `MmsError` value.
pub const MMS_ERROR_DEFINITION_INVALID_ADDRESS: MmsError = 31;
/// `MmsError` value.
pub const MMS_ERROR_DEFINITION_TYPE_UNSUPPORTED: MmsError = 32;
/// `MmsError` value.
pub const MMS_ERROR_DEFINITION_TYPE_INCONSISTENT: MmsError = 33;
/// `MmsError` value.
pub const MMS_ERROR_DEFINITION_OBJECT_UNDEFINED: MmsError = 34;
/// `MmsError` value.
pub const MMS_ERROR_DEFINITION_OBJECT_EXISTS: MmsError = 35;
/// `MmsError` value.
pub const MMS_ERROR_DEFINITION_OBJECT_ATTRIBUTE_INCONSISTENT: MmsError = 36;
/// `MmsError` value.
pub const MMS_ERROR_RESOURCE_OTHER: MmsError = 40;
/// `MmsError` value.
pub const MMS_ERROR_RESOURCE_CAPABILITY_UNAVAILABLE: MmsError = 41;
/// `MmsError` value.
pub const MMS_ERROR_SERVICE_OTHER: MmsError = 50;
/// `MmsError` value.
pub const MMS_ERROR_SERVICE_OBJECT_CONSTRAINT_CONFLICT: MmsError = 55;
/// `MmsError` value.
pub const MMS_ERROR_SERVICE_PREEMPT_OTHER: MmsError = 60;
/// `MmsError` value.
pub const MMS_ERROR_TIME_RESOLUTION_OTHER: MmsError = 70;
/// `MmsError` value.
pub const MMS_ERROR_ACCESS_OTHER: MmsError = 80;
/// `MmsError` value.
pub const MMS_ERROR_ACCESS_OBJECT_NON_EXISTENT: MmsError = 81;
/// `MmsError` value.
pub const MMS_ERROR_ACCESS_OBJECT_ACCESS_UNSUPPORTED: MmsError = 82;
/// `MmsError` value.
pub const MMS_ERROR_ACCESS_OBJECT_ACCESS_DENIED: MmsError = 83;
/// `MmsError` value.
pub const MMS_ERROR_ACCESS_OBJECT_INVALIDATED: MmsError = 84;
/// `MmsError` value.
pub const MMS_ERROR_ACCESS_OBJECT_VALUE_INVALID: MmsError = 85;
/// `MmsError` value.
pub const MMS_ERROR_ACCESS_TEMPORARILY_UNAVAILABLE: MmsError = 86;
/// `MmsError` value.
pub const MMS_ERROR_FILE_OTHER: MmsError = 90;
/// `MmsError` value.
pub const MMS_ERROR_FILE_FILENAME_AMBIGUOUS: MmsError = 91;
/// `MmsError` value.
pub const MMS_ERROR_FILE_FILE_BUSY: MmsError = 92;
/// `MmsError` value.
pub const MMS_ERROR_FILE_FILENAME_SYNTAX_ERROR: MmsError = 93;
/// `MmsError` value.
pub const MMS_ERROR_FILE_CONTENT_TYPE_INVALID: MmsError = 94;
/// `MmsError` value.
pub const MMS_ERROR_FILE_POSITION_INVALID: MmsError = 95;
/// `MmsError` value.
pub const MMS_ERROR_FILE_FILE_ACCESS_DENIED: MmsError = 96;
/// `MmsError` value.
pub const MMS_ERROR_FILE_FILE_NON_EXISTENT: MmsError = 97;
/// `MmsError` value.
pub const MMS_ERROR_FILE_DUPLICATE_FILENAME: MmsError = 98;
/// `MmsError` value.
pub const MMS_ERROR_FILE_INSUFFICIENT_SPACE_IN_FILESTORE: MmsError = 99;
/// `MmsError` value.
pub const MMS_ERROR_REJECT_OTHER: MmsError = 100;
/// `MmsError` value.
pub const MMS_ERROR_REJECT_UNKNOWN_PDU_TYPE: MmsError = 101;
/// `MmsError` value.
pub const MMS_ERROR_REJECT_INVALID_PDU: MmsError = 102;
/// `MmsError` value.
pub const MMS_ERROR_REJECT_UNRECOGNIZED_SERVICE: MmsError = 103;
/// `MmsError` value.
pub const MMS_ERROR_REJECT_UNRECOGNIZED_MODIFIER: MmsError = 104;
/// `MmsError` value.
pub const MMS_ERROR_REJECT_REQUEST_INVALID_ARGUMENT: MmsError = 105;

/// C enum `MmsType` (values below; kept as an integer so any value from C is sound).
pub type MmsType = c_uint;
/// `MmsType` value.
pub const MMS_ARRAY: MmsType = 0;
/// `MmsType` value.
pub const MMS_STRUCTURE: MmsType = 1;
/// `MmsType` value.
pub const MMS_BOOLEAN: MmsType = 2;
/// `MmsType` value.
pub const MMS_BIT_STRING: MmsType = 3;
/// `MmsType` value.
pub const MMS_INTEGER: MmsType = 4;
/// `MmsType` value.
pub const MMS_UNSIGNED: MmsType = 5;
/// `MmsType` value.
pub const MMS_FLOAT: MmsType = 6;
/// `MmsType` value.
pub const MMS_OCTET_STRING: MmsType = 7;
/// `MmsType` value.
pub const MMS_VISIBLE_STRING: MmsType = 8;
/// `MmsType` value.
pub const MMS_GENERALIZED_TIME: MmsType = 9;
/// `MmsType` value.
pub const MMS_BINARY_TIME: MmsType = 10;
/// `MmsType` value.
pub const MMS_BCD: MmsType = 11;
/// `MmsType` value.
pub const MMS_OBJ_ID: MmsType = 12;
/// `MmsType` value.
pub const MMS_STRING: MmsType = 13;
/// `MmsType` value.
pub const MMS_UTC_TIME: MmsType = 14;
/// `MmsType` value.
pub const MMS_DATA_ACCESS_ERROR: MmsType = 15;

/// Opaque object behind [`MmsNamedVariableList`]; placeholder until its implementation replaces this body.
pub struct sMmsNamedVariableList {
    _private: [u8; 0],
}

/// `MmsNamedVariableList`: handle to an opaque object.
pub type MmsNamedVariableList = *mut sMmsNamedVariableList;

/// Opaque MMS domain (server side only; clients see it through pointers).
pub struct sMmsDomain {
    _private: [u8; 0],
}

/// `MmsDomain`: the opaque MMS domain.
pub type MmsDomain = sMmsDomain;

/// One entry of a named variable list (`struct sMmsAccessSpecifier`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sMmsAccessSpecifier {
    /// Domain of the variable.
    pub domain: *mut MmsDomain,
    /// Variable name.
    pub variableName: *mut c_char,
    /// Array index, -1 when absent.
    pub arrayIndex: c_int,
    /// Component name, NULL when absent.
    pub componentName: *mut c_char,
}

/// `MmsAccessSpecifier`: one named variable list entry.
pub type MmsAccessSpecifier = sMmsAccessSpecifier;

/// `MmsNamedVariableListEntry`: pointer to one list entry.
pub type MmsNamedVariableListEntry = *mut sMmsAccessSpecifier;

/// Variable access specification by name (`MmsVariableAccessSpecification`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct MmsVariableAccessSpecification {
    /// Domain name, NULL for VMD-specific.
    pub domainId: *mut c_char,
    /// Item name.
    pub itemId: *mut c_char,
    /// Array index, -1 when absent.
    pub arrayIndex: i32,
    /// Component name, NULL when absent.
    pub componentName: *mut c_char,
}

/// ASN.1 object identifier with up to 10 arcs (`ItuObjectIdentifier`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ItuObjectIdentifier {
    /// Arc values.
    pub arc: [u16; 10],
    /// Number of valid arcs.
    pub arcCount: c_int,
}

/// AP-title and AE-qualifier of an ACSE peer (`IsoApplicationReference`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IsoApplicationReference {
    /// AP-title.
    pub apTitle: ItuObjectIdentifier,
    /// AE-qualifier.
    pub aeQualifier: c_int,
}
