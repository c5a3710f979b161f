//! Declarations of `mms_client_connection.h`.
#![allow(non_camel_case_types, non_snake_case)]

use super::linked_list::LinkedList;
use super::mms_common::MmsError;
use super::mms_types::MmsVariableSpecification;
use super::mms_value::MmsDataAccessError;
use crate::mms::MmsValue;
use std::ffi::{c_char, c_int, c_uint, c_void};

/// C enum `MmsConnectionState` (values below; kept as an integer so any value from C is sound).
pub type MmsConnectionState = c_uint;
/// `MmsConnectionState` value.
pub const MMS_CONNECTION_STATE_CLOSED: MmsConnectionState = 0;
/// `MmsConnectionState` value.
pub const MMS_CONNECTION_STATE_CONNECTING: MmsConnectionState = 1;
/// `MmsConnectionState` value.
pub const MMS_CONNECTION_STATE_CONNECTED: MmsConnectionState = 2;
/// `MmsConnectionState` value.
pub const MMS_CONNECTION_STATE_CLOSING: MmsConnectionState = 3;

/// C callback `MmsInformationReportHandler` (NULL allowed).
pub type MmsInformationReportHandler = Option<
    unsafe extern "C" fn(
        parameter: *mut c_void,
        domainName: *mut c_char,
        variableListName: *mut c_char,
        value: *mut MmsValue,
        isVariableListName: bool,
    ),
>;

/// Opaque object behind [`MmsConnection`]; placeholder until its implementation replaces this body.
pub struct sMmsConnection {
    _private: [u8; 0],
}

/// `MmsConnection`: handle to an opaque object.
pub type MmsConnection = *mut sMmsConnection;

/// C callback `MmsRawMessageHandler` (NULL allowed).
pub type MmsRawMessageHandler = Option<
    unsafe extern "C" fn(
        parameter: *mut c_void,
        message: *mut u8,
        messageLength: c_int,
        received: bool,
    ),
>;

/// C callback `MmsConnectionStateChangedHandler` (NULL allowed).
pub type MmsConnectionStateChangedHandler = Option<
    unsafe extern "C" fn(
        connection: MmsConnection,
        parameter: *mut c_void,
        newState: MmsConnectionState,
    ),
>;

/// C callback `MmsConnectionLostHandler` (NULL allowed).
pub type MmsConnectionLostHandler =
    Option<unsafe extern "C" fn(connection: MmsConnection, parameter: *mut c_void)>;

/// C callback `MmsConnection_ConcludeAbortHandler` (NULL allowed).
pub type MmsConnection_ConcludeAbortHandler =
    Option<unsafe extern "C" fn(parameter: *mut c_void, mmsError: MmsError, success: bool)>;

/// C callback `MmsConnection_GenericServiceHandler` (NULL allowed).
pub type MmsConnection_GenericServiceHandler = Option<
    unsafe extern "C" fn(invokeId: u32, parameter: *mut c_void, mmsError: MmsError, success: bool),
>;

/// C callback `MmsConnection_GetNameListHandler` (NULL allowed).
pub type MmsConnection_GetNameListHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        mmsError: MmsError,
        nameList: LinkedList,
        moreFollows: bool,
    ),
>;

/// C callback `MmsConnection_ReadVariableHandler` (NULL allowed).
pub type MmsConnection_ReadVariableHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        mmsError: MmsError,
        value: *mut MmsValue,
    ),
>;

/// C callback `MmsConnection_WriteVariableHandler` (NULL allowed).
pub type MmsConnection_WriteVariableHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        mmsError: MmsError,
        accessError: MmsDataAccessError,
    ),
>;

/// C callback `MmsConnection_WriteMultipleVariablesHandler` (NULL allowed).
pub type MmsConnection_WriteMultipleVariablesHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        mmsError: MmsError,
        accessResults: LinkedList,
    ),
>;

/// C callback `MmsConnection_GetVariableAccessAttributesHandler` (NULL allowed).
pub type MmsConnection_GetVariableAccessAttributesHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        mmsError: MmsError,
        spec: *mut MmsVariableSpecification,
    ),
>;

/// C callback `MmsConnection_ReadNVLDirectoryHandler` (NULL allowed).
pub type MmsConnection_ReadNVLDirectoryHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        mmsError: MmsError,
        specs: LinkedList,
        deletable: bool,
    ),
>;

/// C callback `MmsConnection_IdentifyHandler` (NULL allowed).
pub type MmsConnection_IdentifyHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        mmsError: MmsError,
        vendorName: *mut c_char,
        modelName: *mut c_char,
        revision: *mut c_char,
    ),
>;

/// C callback `MmsConnection_GetServerStatusHandler` (NULL allowed).
pub type MmsConnection_GetServerStatusHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        mmsError: MmsError,
        vmdLogicalStatus: c_int,
        vmdPhysicalStatus: c_int,
    ),
>;

/// C callback `MmsFileDirectoryHandler` (NULL allowed).
pub type MmsFileDirectoryHandler = Option<
    unsafe extern "C" fn(
        parameter: *mut c_void,
        filename: *mut c_char,
        size: u32,
        lastModified: u64,
    ),
>;

/// C callback `MmsConnection_FileDirectoryHandler` (NULL allowed).
pub type MmsConnection_FileDirectoryHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        mmsError: MmsError,
        filename: *mut c_char,
        size: u32,
        lastModfified: u64,
        moreFollows: bool,
    ),
>;

/// C callback `MmsFileReadHandler` (NULL allowed).
pub type MmsFileReadHandler = Option<
    unsafe extern "C" fn(parameter: *mut c_void, frsmId: i32, buffer: *mut u8, bytesReceived: u32),
>;

/// C callback `MmsConnection_FileReadHandler` (NULL allowed).
pub type MmsConnection_FileReadHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        mmsError: MmsError,
        frsmId: i32,
        buffer: *mut u8,
        byteReceived: u32,
        moreFollows: bool,
    ),
>;

/// C callback `MmsConnection_FileOpenHandler` (NULL allowed).
pub type MmsConnection_FileOpenHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        mmsError: MmsError,
        frsmId: i32,
        fileSize: u32,
        lastModified: u64,
    ),
>;

/// C callback `MmsConnection_ReadJournalHandler` (NULL allowed).
pub type MmsConnection_ReadJournalHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        mmsError: MmsError,
        journalEntries: LinkedList,
        moreFollows: bool,
    ),
>;

/// Parameters negotiated by MMS initiate (`struct sMmsConnectionParameters`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct sMmsConnectionParameters {
    /// Outstanding requests the calling side may have.
    pub maxServOutstandingCalling: c_int,
    /// Outstanding requests the called side may have.
    pub maxServOutstandingCalled: c_int,
    /// Maximum data structure nesting level.
    pub dataStructureNestingLevel: c_int,
    /// Maximum MMS PDU size.
    pub maxPduSize: c_int,
    /// Services supported bit string.
    pub servicesSupported: [u8; 11],
}

/// `MmsConnectionParameters`: negotiated MMS parameters.
pub type MmsConnectionParameters = sMmsConnectionParameters;

/// Answer of the MMS identify service (`MmsServerIdentity`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct MmsServerIdentity {
    /// Vendor name.
    pub vendorName: *mut c_char,
    /// Model name.
    pub modelName: *mut c_char,
    /// Revision.
    pub revision: *mut c_char,
}

/// One journal (log) entry read from a server (`struct sMmsJournalEntry`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sMmsJournalEntry {
    /// Entry identifier (octet string).
    pub entryID: *mut MmsValue,
    /// Time of the entry (binary time).
    pub occurenceTime: *mut MmsValue,
    /// List of `MmsJournalVariable`.
    pub journalVariables: LinkedList,
}

/// `MmsJournalEntry`: pointer to a journal entry.
pub type MmsJournalEntry = *mut sMmsJournalEntry;

/// One variable of a journal entry (`struct sMmsJournalVariable`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sMmsJournalVariable {
    /// Variable tag.
    pub tag: *mut c_char,
    /// Variable value.
    pub value: *mut MmsValue,
}

/// `MmsJournalVariable`: pointer to a journal variable.
pub type MmsJournalVariable = *mut sMmsJournalVariable;
