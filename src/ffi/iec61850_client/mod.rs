//! Declarations of `iec61850_client.h`: its types here, its functions in the submodules by
//! service family.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use super::iec61850_common::ControlAddCause;
use super::iec61850_common::ControlLastApplError;
use super::iec61850_common::{
    ACSIClass, ACSI_CLASS_GoCB, ACSI_CLASS_BRCB, ACSI_CLASS_DATA_OBJECT, ACSI_CLASS_DATA_SET,
    ACSI_CLASS_LCB, ACSI_CLASS_LOG, ACSI_CLASS_SGCB, ACSI_CLASS_URCB,
};
use super::iec61850_common::{FunctionalConstraint, Quality, Timestamp};
use super::linked_list::LinkedList;
use super::linked_list::{
    append_strings, items, pointer_list, string_list, LinkedList_destroyStatic,
};
use super::mms_type_spec::spec_to_c;
use super::mms_types::MmsVariableSpecification;
use super::mms_value::new_value;
use super::tls_config::TLSConfiguration;
use super::{c_str, guard, malloc_c_string};
use crate::client::connection::{ClosedListener, StateListener};
use crate::client::protocol::RequestError;
use crate::client::{Connection, State};
use crate::iec61850::{
    dataset, directory, fc_name, object_reference_to_variable, specification_name, ClientError,
};
use crate::mms::access::VariableRef;
use crate::mms::get_name_list::NameListRequest;
use crate::mms::named_variable_list::DeleteScope;
use crate::mms::object_name::ObjectName;
use crate::mms::pdu::ConfirmedServiceResponse;
use crate::mms::type_spec::TypeSpec;
use crate::mms::variable_access_attributes::encode_get_variable_access_attributes_request;
use crate::mms::MmsValue;
use crate::mms::{get_name_list, named_variable_list, read, write};
use std::ffi::{c_char, c_int, c_uint, c_void};
use std::sync::Arc;
use std::time::Duration;

/// The object behind a [`ClientDataSet`] handle: the data set's reference and its values.
pub struct sClientDataSet {
    reference: std::ffi::CString,
    /// An MMS array, one element per member; boxed so `ClientDataSet_getValues` stays valid
    /// across refreshes.
    values: Box<MmsValue>,
}

/// `ClientDataSet`: handle to an opaque object.
pub type ClientDataSet = *mut sClientDataSet;

pub use reports::sClientReport;

/// `ClientReport`: handle to an opaque object.
pub type ClientReport = *mut sClientReport;

/// A client-side copy of a report control block. py61850 reads this private libiec61850
/// layout through ctypes (layouts.tsv, 144 bytes), so it is `#[repr(C)]` with exactly its
/// fields: the reference string, the kind, and one owned `MmsValue*` per attribute (NULL
/// until read or set).
#[repr(C)]
pub struct sClientReportControlBlock {
    /// The RCB reference (`malloc`ed C string).
    pub objectReference: *mut c_char,
    /// Buffered (BRCB) or unbuffered (URCB).
    pub isBuffered: bool,
    /// RptID (visible string).
    pub rptId: *mut MmsValue,
    /// RptEna (boolean).
    pub rptEna: *mut MmsValue,
    /// Resv (boolean, URCB only).
    pub resv: *mut MmsValue,
    /// DatSet (visible string).
    pub datSet: *mut MmsValue,
    /// ConfRev (unsigned).
    pub confRev: *mut MmsValue,
    /// OptFlds (bit string of 10).
    pub optFlds: *mut MmsValue,
    /// BufTm (unsigned).
    pub bufTm: *mut MmsValue,
    /// SqNum (unsigned).
    pub sqNum: *mut MmsValue,
    /// TrgOps (bit string of 6).
    pub trgOps: *mut MmsValue,
    /// IntgPd (unsigned).
    pub intgPd: *mut MmsValue,
    /// GI (boolean).
    pub gi: *mut MmsValue,
    /// PurgeBuf (boolean, BRCB only).
    pub purgeBuf: *mut MmsValue,
    /// EntryID (octet string, BRCB only).
    pub entryId: *mut MmsValue,
    /// TimeofEntry (binary time, BRCB only).
    pub timeOfEntry: *mut MmsValue,
    /// ResvTms (integer, BRCB only).
    pub resvTms: *mut MmsValue,
    /// Owner (octet string), when the server has it.
    pub owner: *mut MmsValue,
}

/// `ClientReportControlBlock`: handle to an opaque object.
pub type ClientReportControlBlock = *mut sClientReportControlBlock;

/// The object behind a [`ClientGooseControlBlock`] handle, with libiec61850's private
/// layout (py61850 reads `objectReference` through ctypes). Every value is NULL until read
/// or set.
#[repr(C)]
pub struct sClientGooseControlBlock {
    /// The GoCB reference (`malloc`ed C string).
    pub objectReference: *mut c_char,
    /// GoEna (boolean).
    pub goEna: *mut MmsValue,
    /// GoID (visible string).
    pub goID: *mut MmsValue,
    /// DatSet (visible string).
    pub datSet: *mut MmsValue,
    /// ConfRev (unsigned).
    pub confRev: *mut MmsValue,
    /// NdsCom (boolean).
    pub ndsCom: *mut MmsValue,
    /// DstAddress (structure Addr, PRIORITY, VID, APPID).
    pub dstAddress: *mut MmsValue,
    /// MinTime (unsigned).
    pub minTime: *mut MmsValue,
    /// MaxTime (unsigned).
    pub maxTime: *mut MmsValue,
    /// FixedOffs (boolean).
    pub fixedOffs: *mut MmsValue,
}

/// `ClientGooseControlBlock`: handle to an opaque object.
pub type ClientGooseControlBlock = *mut sClientGooseControlBlock;

/// The object behind an [`IedConnection`] handle (C only ever sees `struct sIedConnection*`).
pub struct sIedConnection {
    conn: Connection,
    /// The ISO/ACSE parameters C may change (see `association`).
    iso: association::IsoStorage,
}

/// `IedConnection`: handle to an opaque object.
pub type IedConnection = *mut sIedConnection;

/// C enum `IedConnectionState` (values below; kept as an integer so any value from C is sound).
pub type IedConnectionState = c_uint;
/// `IedConnectionState` value.
pub const IED_STATE_CLOSED: IedConnectionState = 0;
/// `IedConnectionState` value.
pub const IED_STATE_CONNECTING: IedConnectionState = 1;
/// `IedConnectionState` value.
pub const IED_STATE_CONNECTED: IedConnectionState = 2;
/// `IedConnectionState` value.
pub const IED_STATE_CLOSING: IedConnectionState = 3;

/// C enum `IedClientError` (values below; kept as an integer so any value from C is sound).
pub type IedClientError = c_uint;
/// `IedClientError` value.
pub const IED_ERROR_OK: IedClientError = 0;
/// `IedClientError` value.
pub const IED_ERROR_NOT_CONNECTED: IedClientError = 1;
/// `IedClientError` value.
pub const IED_ERROR_ALREADY_CONNECTED: IedClientError = 2;
/// `IedClientError` value.
pub const IED_ERROR_CONNECTION_LOST: IedClientError = 3;
/// `IedClientError` value.
pub const IED_ERROR_SERVICE_NOT_SUPPORTED: IedClientError = 4;
/// `IedClientError` value.
pub const IED_ERROR_CONNECTION_REJECTED: IedClientError = 5;
/// `IedClientError` value.
pub const IED_ERROR_OUTSTANDING_CALL_LIMIT_REACHED: IedClientError = 6;
/// `IedClientError` value.
pub const IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT: IedClientError = 10;
/// `IedClientError` value.
pub const IED_ERROR_ENABLE_REPORT_FAILED_DATASET_MISMATCH: IedClientError = 11;
/// `IedClientError` value.
pub const IED_ERROR_OBJECT_REFERENCE_INVALID: IedClientError = 12;
/// `IedClientError` value.
pub const IED_ERROR_UNEXPECTED_VALUE_RECEIVED: IedClientError = 13;
/// `IedClientError` value.
pub const IED_ERROR_TIMEOUT: IedClientError = 20;
/// `IedClientError` value.
pub const IED_ERROR_ACCESS_DENIED: IedClientError = 21;
/// `IedClientError` value.
pub const IED_ERROR_OBJECT_DOES_NOT_EXIST: IedClientError = 22;
/// `IedClientError` value.
pub const IED_ERROR_OBJECT_EXISTS: IedClientError = 23;
/// `IedClientError` value.
pub const IED_ERROR_OBJECT_ACCESS_UNSUPPORTED: IedClientError = 24;
/// `IedClientError` value.
pub const IED_ERROR_TYPE_INCONSISTENT: IedClientError = 25;
/// `IedClientError` value.
pub const IED_ERROR_TEMPORARILY_UNAVAILABLE: IedClientError = 26;
/// `IedClientError` value.
pub const IED_ERROR_OBJECT_UNDEFINED: IedClientError = 27;
/// `IedClientError` value.
pub const IED_ERROR_INVALID_ADDRESS: IedClientError = 28;
/// `IedClientError` value.
pub const IED_ERROR_HARDWARE_FAULT: IedClientError = 29;
/// `IedClientError` value.
pub const IED_ERROR_TYPE_UNSUPPORTED: IedClientError = 30;
/// `IedClientError` value.
pub const IED_ERROR_OBJECT_ATTRIBUTE_INCONSISTENT: IedClientError = 31;
/// `IedClientError` value.
pub const IED_ERROR_OBJECT_VALUE_INVALID: IedClientError = 32;
/// `IedClientError` value.
pub const IED_ERROR_OBJECT_INVALIDATED: IedClientError = 33;
/// `IedClientError` value.
pub const IED_ERROR_MALFORMED_MESSAGE: IedClientError = 34;
/// `IedClientError` value.
pub const IED_ERROR_OBJECT_CONSTRAINT_CONFLICT: IedClientError = 35;
/// `IedClientError` value.
pub const IED_ERROR_SERVICE_NOT_IMPLEMENTED: IedClientError = 98;
/// `IedClientError` value.
pub const IED_ERROR_UNKNOWN: IedClientError = 99;

/// C callback `IedConnection_GenericServiceHandler` (NULL allowed).
pub type IedConnection_GenericServiceHandler =
    Option<unsafe extern "C" fn(invokeId: u32, parameter: *mut c_void, err: IedClientError)>;

/// C callback `IedConnectionClosedHandler` (NULL allowed).
pub type IedConnectionClosedHandler =
    Option<unsafe extern "C" fn(parameter: *mut c_void, connection: IedConnection)>;

/// C callback `IedConnection_StateChangedHandler` (NULL allowed).
pub type IedConnection_StateChangedHandler = Option<
    unsafe extern "C" fn(
        parameter: *mut c_void,
        connection: IedConnection,
        newState: IedConnectionState,
    ),
>;

/// The object behind a [`ClientSVControlBlock`] handle (see `sampled_values`).
pub struct sClientSVControlBlock {
    /// The connection the block's attributes are read and written over.
    connection: IedConnection,
    /// The block's MMS variable (`LN$MS$name` or `LN$US$name`).
    variable: VariableRef,
    /// Multicast (MS) or unicast (US).
    multicast: bool,
    /// The outcome of the last read or write.
    last_error: std::sync::atomic::AtomicU32,
}

/// `ClientSVControlBlock`: handle to an opaque object.
pub type ClientSVControlBlock = *mut sClientSVControlBlock;

/// C callback `IedConnection_GetGoCBValuesHandler` (NULL allowed).
pub type IedConnection_GetGoCBValuesHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        err: IedClientError,
        goCB: ClientGooseControlBlock,
    ),
>;

/// C callback `IedConnection_ReadObjectHandler` (NULL allowed).
pub type IedConnection_ReadObjectHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        err: IedClientError,
        value: *mut MmsValue,
    ),
>;

/// C callback `IedConnection_GetRCBValuesHandler` (NULL allowed).
pub type IedConnection_GetRCBValuesHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        err: IedClientError,
        rcb: ClientReportControlBlock,
    ),
>;

/// C `int` typedef `ReasonForInclusion`.
pub type ReasonForInclusion = c_int;

/// C callback `ReportCallbackFunction` (NULL allowed).
pub type ReportCallbackFunction =
    Option<unsafe extern "C" fn(parameter: *mut c_void, report: ClientReport)>;

/// C callback `IedConnection_ReadDataSetHandler` (NULL allowed).
pub type IedConnection_ReadDataSetHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        err: IedClientError,
        dataSet: ClientDataSet,
    ),
>;

/// C callback `IedConnection_GetDataSetDirectoryHandler` (NULL allowed).
pub type IedConnection_GetDataSetDirectoryHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        err: IedClientError,
        dataSetDirectory: LinkedList,
        isDeletable: bool,
    ),
>;

/// C callback `IedConnection_WriteDataSetHandler` (NULL allowed).
pub type IedConnection_WriteDataSetHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        err: IedClientError,
        accessResults: LinkedList,
    ),
>;

pub use control::{sControlObjectClient, ControlObjectClient};

/// C enum `ControlActionType` (values below; kept as an integer so any value from C is sound).
pub type ControlActionType = c_uint;
/// `ControlActionType` value.
pub const CONTROL_ACTION_TYPE_SELECT: ControlActionType = 0;
/// `ControlActionType` value.
pub const CONTROL_ACTION_TYPE_OPERATE: ControlActionType = 1;
/// `ControlActionType` value.
pub const CONTROL_ACTION_TYPE_CANCEL: ControlActionType = 2;

/// C callback `ControlObjectClient_ControlActionHandler` (NULL allowed).
pub type ControlObjectClient_ControlActionHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        err: IedClientError,
        r#type: ControlActionType,
        success: bool,
    ),
>;

/// C callback `CommandTerminationHandler` (NULL allowed).
pub type CommandTerminationHandler =
    Option<unsafe extern "C" fn(parameter: *mut c_void, controlClient: ControlObjectClient)>;

/// C callback `IedConnection_GetNameListHandler` (NULL allowed).
pub type IedConnection_GetNameListHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        err: IedClientError,
        nameList: LinkedList,
        moreFollows: bool,
    ),
>;

/// C callback `IedConnection_GetVariableSpecificationHandler` (NULL allowed).
pub type IedConnection_GetVariableSpecificationHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        err: IedClientError,
        spec: *mut MmsVariableSpecification,
    ),
>;

/// C callback `IedConnection_QueryLogHandler` (NULL allowed).
pub type IedConnection_QueryLogHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        mmsError: IedClientError,
        journalEntries: LinkedList,
        moreFollows: bool,
    ),
>;

/// The object behind a [`FileDirectoryEntry`] handle, `malloc`ed (the name first, as the
/// reference's: code that reads the name through the pointer sees the same thing).
#[repr(C)]
pub struct sFileDirectoryEntry {
    fileName: *mut c_char,
    fileSize: u32,
    lastModified: u64,
}

/// `FileDirectoryEntry`: handle to an opaque object.
pub type FileDirectoryEntry = *mut sFileDirectoryEntry;

/// C callback `IedConnection_FileDirectoryEntryHandler` (NULL allowed).
pub type IedConnection_FileDirectoryEntryHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        err: IedClientError,
        filename: *mut c_char,
        size: u32,
        lastModfified: u64,
        moreFollows: bool,
    ) -> bool,
>;

/// C callback `IedClientGetFileHandler` (NULL allowed).
pub type IedClientGetFileHandler =
    Option<unsafe extern "C" fn(parameter: *mut c_void, buffer: *mut u8, bytesRead: u32) -> bool>;

/// C callback `IedConnection_GetFileAsyncHandler` (NULL allowed).
pub type IedConnection_GetFileAsyncHandler = Option<
    unsafe extern "C" fn(
        invokeId: u32,
        parameter: *mut c_void,
        err: IedClientError,
        originalInvokeId: u32,
        buffer: *mut u8,
        bytesRead: u32,
        moreFollows: bool,
    ) -> bool,
>;

/// `#define IEC61850_SV_OPT_REFRESH_TIME`.
pub const IEC61850_SV_OPT_REFRESH_TIME: c_int = 1;

/// `#define IEC61850_SV_OPT_SAMPLE_SYNC`.
pub const IEC61850_SV_OPT_SAMPLE_SYNC: c_int = 2;

/// `#define IEC61850_SV_OPT_SAMPLE_RATE`.
pub const IEC61850_SV_OPT_SAMPLE_RATE: c_int = 4;

/// `#define IEC61850_SV_OPT_DATA_SET`.
pub const IEC61850_SV_OPT_DATA_SET: c_int = 8;

/// `#define IEC61850_SV_OPT_SECURITY`.
pub const IEC61850_SV_OPT_SECURITY: c_int = 16;

/// `#define IEC61850_SV_SMPMOD_SAMPLES_PER_PERIOD`.
pub const IEC61850_SV_SMPMOD_SAMPLES_PER_PERIOD: c_int = 0;

/// `#define IEC61850_SV_SMPMOD_SAMPLES_PER_SECOND`.
pub const IEC61850_SV_SMPMOD_SAMPLES_PER_SECOND: c_int = 1;

/// `#define IEC61850_SV_SMPMOD_SECONDS_PER_SAMPLE`.
pub const IEC61850_SV_SMPMOD_SECONDS_PER_SAMPLE: c_int = 2;

/// `#define GOCB_ELEMENT_GO_ENA`.
pub const GOCB_ELEMENT_GO_ENA: c_int = 1;

/// `#define GOCB_ELEMENT_GO_ID`.
pub const GOCB_ELEMENT_GO_ID: c_int = 2;

/// `#define GOCB_ELEMENT_DATSET`.
pub const GOCB_ELEMENT_DATSET: c_int = 4;

/// `#define GOCB_ELEMENT_CONF_REV`.
pub const GOCB_ELEMENT_CONF_REV: c_int = 8;

/// `#define GOCB_ELEMENT_NDS_COMM`.
pub const GOCB_ELEMENT_NDS_COMM: c_int = 16;

/// `#define GOCB_ELEMENT_DST_ADDRESS`.
pub const GOCB_ELEMENT_DST_ADDRESS: c_int = 32;

/// `#define GOCB_ELEMENT_MIN_TIME`.
pub const GOCB_ELEMENT_MIN_TIME: c_int = 64;

/// `#define GOCB_ELEMENT_MAX_TIME`.
pub const GOCB_ELEMENT_MAX_TIME: c_int = 128;

/// `#define GOCB_ELEMENT_FIXED_OFFS`.
pub const GOCB_ELEMENT_FIXED_OFFS: c_int = 256;

/// `#define GOCB_ELEMENT_ALL`.
pub const GOCB_ELEMENT_ALL: c_int = 511;

/// `#define IEC61850_REASON_NOT_INCLUDED`.
pub const IEC61850_REASON_NOT_INCLUDED: c_int = 0;

/// `#define IEC61850_REASON_DATA_CHANGE`.
pub const IEC61850_REASON_DATA_CHANGE: c_int = 1;

/// `#define IEC61850_REASON_QUALITY_CHANGE`.
pub const IEC61850_REASON_QUALITY_CHANGE: c_int = 2;

/// `#define IEC61850_REASON_DATA_UPDATE`.
pub const IEC61850_REASON_DATA_UPDATE: c_int = 4;

/// `#define IEC61850_REASON_INTEGRITY`.
pub const IEC61850_REASON_INTEGRITY: c_int = 8;

/// `#define IEC61850_REASON_GI`.
pub const IEC61850_REASON_GI: c_int = 16;

/// `#define IEC61850_REASON_UNKNOWN`.
pub const IEC61850_REASON_UNKNOWN: c_int = 32;

/// `#define RCB_ELEMENT_RPT_ID`.
pub const RCB_ELEMENT_RPT_ID: c_int = 1;

/// `#define RCB_ELEMENT_RPT_ENA`.
pub const RCB_ELEMENT_RPT_ENA: c_int = 2;

/// `#define RCB_ELEMENT_RESV`.
pub const RCB_ELEMENT_RESV: c_int = 4;

/// `#define RCB_ELEMENT_DATSET`.
pub const RCB_ELEMENT_DATSET: c_int = 8;

/// `#define RCB_ELEMENT_CONF_REV`.
pub const RCB_ELEMENT_CONF_REV: c_int = 16;

/// `#define RCB_ELEMENT_OPT_FLDS`.
pub const RCB_ELEMENT_OPT_FLDS: c_int = 32;

/// `#define RCB_ELEMENT_BUF_TM`.
pub const RCB_ELEMENT_BUF_TM: c_int = 64;

/// `#define RCB_ELEMENT_SQ_NUM`.
pub const RCB_ELEMENT_SQ_NUM: c_int = 128;

/// `#define RCB_ELEMENT_TRG_OPS`.
pub const RCB_ELEMENT_TRG_OPS: c_int = 256;

/// `#define RCB_ELEMENT_INTG_PD`.
pub const RCB_ELEMENT_INTG_PD: c_int = 512;

/// `#define RCB_ELEMENT_GI`.
pub const RCB_ELEMENT_GI: c_int = 1024;

/// `#define RCB_ELEMENT_PURGE_BUF`.
pub const RCB_ELEMENT_PURGE_BUF: c_int = 2048;

/// `#define RCB_ELEMENT_ENTRY_ID`.
pub const RCB_ELEMENT_ENTRY_ID: c_int = 4096;

/// `#define RCB_ELEMENT_TIME_OF_ENTRY`.
pub const RCB_ELEMENT_TIME_OF_ENTRY: c_int = 8192;

/// `#define RCB_ELEMENT_RESV_TMS`.
pub const RCB_ELEMENT_RESV_TMS: c_int = 16384;

/// `#define RCB_ELEMENT_OWNER`.
pub const RCB_ELEMENT_OWNER: c_int = 32768;

/// Last application error of a control operation (`LastApplError`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastApplError {
    /// `ctlNum` of the failed operation.
    pub ctlNum: c_int,
    /// Error class.
    pub error: ControlLastApplError,
    /// Additional cause.
    pub addCause: ControlAddCause,
}

mod association;
mod connection;
mod control;
mod data;
mod data_sets;
mod discovery;
mod files;
mod goose;
mod logs;
mod reports;
mod sampled_values;

// ---- Helpers shared by the function families ----

/// Writes `code` to the caller's error slot when it is not NULL.
///
/// # Safety
/// `error` is NULL or points to a writable `IedClientError`.
unsafe fn set_error(error: *mut IedClientError, code: IedClientError) {
    if !error.is_null() {
        // SAFETY: non-NULL and writable by the caller's contract.
        unsafe { *error = code };
    }
}

/// The C code of a result.
fn code_of<T>(result: &Result<T, ClientError>) -> IedClientError {
    match result {
        Ok(_) => IED_ERROR_OK,
        Err(e) => *e as IedClientError,
    }
}

/// Borrows the connection behind a handle.
///
/// # Safety
/// `handle` is NULL or a live handle from `IedConnection_create*`.
unsafe fn connection<'a>(handle: IedConnection) -> Option<&'a Connection> {
    // SAFETY: live handle by the caller's contract.
    unsafe { handle.as_ref() }.map(|h| &h.conn)
}

/// A C callback and its opaque parameter, callable from any thread.
#[derive(Clone, Copy)]
struct Callback<F> {
    function: F,
    parameter: usize,
    handle: usize,
}

/// The connection behind a handle if it is connected; CONNECTION_LOST otherwise (as the reference).
///
/// # Safety
/// `handle` is NULL or a live handle.
unsafe fn connected<'a>(handle: IedConnection) -> Result<&'a Connection, ClientError> {
    // SAFETY: caller's contract.
    match unsafe { connection(handle) } {
        Some(conn) if conn.state() == State::Connected => Ok(conn),
        _ => Err(ClientError::ConnectionLost),
    }
}

/// Maps a reference and FC to its MMS variable, or the error code to report.
///
/// # Safety
/// `reference` is NULL or a C string.
unsafe fn variable(
    reference: *const c_char,
    fc: FunctionalConstraint,
) -> Result<VariableRef, ClientError> {
    // SAFETY: caller's contract.
    let reference = unsafe { c_str(reference) }.ok_or(ClientError::InvalidArgument)?;
    let reference = reference
        .to_str()
        .map_err(|_| ClientError::ObjectReferenceInvalid)?;
    object_reference_to_variable(reference, fc).map_err(|_| ClientError::ObjectReferenceInvalid)
}

/// A C string argument as `&str`; `error` when NULL or not UTF-8.
///
/// # Safety
/// `p` is NULL or a C string that outlives `'a`.
unsafe fn text<'a>(p: *const c_char, error: ClientError) -> Result<&'a str, ClientError> {
    // SAFETY: caller's contract.
    unsafe { c_str(p) }
        .and_then(|s| s.to_str().ok())
        .ok_or(error)
}

/// A result as C sees it: the error code, and `convert` of the value or NULL.
fn c_result<T, P>(
    result: Result<T, ClientError>,
    convert: impl FnOnce(T) -> *mut P,
) -> (IedClientError, *mut P) {
    match result {
        Ok(value) => (IED_ERROR_OK, convert(value)),
        Err(e) => (e as IedClientError, std::ptr::null_mut()),
    }
}

/// The completion of an asynchronous call whose C handler only gets the error code
/// (`IedConnection_GenericServiceHandler`).
///
/// # Safety
/// The application keeps `function` callable with `parameter` until it ran.
unsafe fn generic_reply<T>(
    function: unsafe extern "C" fn(u32, *mut c_void, IedClientError),
    parameter: *mut c_void,
) -> impl FnOnce(u32, Result<T, ClientError>) + Send + 'static {
    let parameter = parameter as usize;
    // SAFETY: per this function's contract.
    move |id, result| unsafe { function(id, parameter as *mut c_void, code_of(&result)) }
}

/// Starts an asynchronous service for a C handler; reports submission errors through
/// `error` and returns the invoke ID (0 on error).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
unsafe fn start_async<H: Copy + Send + 'static>(
    self_: IedConnection,
    error: *mut IedClientError,
    handler: Option<H>,
    start: impl FnOnce(&Connection, H) -> Result<u32, ClientError>,
) -> u32 {
    let (code, id) = guard((IED_ERROR_UNKNOWN, 0), || {
        let Some(function) = handler else {
            return (IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT, 0);
        };
        // SAFETY: caller's contract.
        match unsafe { connected(self_) }.and_then(|conn| start(conn, function)) {
            Ok(id) => (IED_ERROR_OK, id),
            Err(e) => (e as IedClientError, 0),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    id
}
