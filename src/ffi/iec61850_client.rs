//! Declarations of `iec61850_client.h`.
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
use super::tls_config::TLSConfiguration;
use super::{c_str, guard, malloc_c_string};
use crate::client::connection::{ClosedListener, StateListener};
use crate::client::protocol::RequestError;
use crate::client::{Connection, State};
use crate::iec61850::{dataset, directory, fc_name, object_reference_to_variable, ClientError};
use crate::mms::pdu::{
    self, ConfirmedServiceResponse, DeleteScope, NameListRequest, ObjectName, VariableRef,
};
use crate::mms::type_spec::{encode_get_variable_access_attributes_request, TypeSpec};
use crate::mms::MmsValue;
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

/// Opaque object behind [`ClientReport`]; placeholder until its implementation replaces this body.
pub struct sClientReport {
    _private: [u8; 0],
}

/// `ClientReport`: handle to an opaque object.
pub type ClientReport = *mut sClientReport;

/// Opaque object behind [`ClientReportControlBlock`]; placeholder until its implementation replaces this body.
// py61850 reads this struct's private libiec61850 layout through ctypes
// (layouts.tsv, source "private"): its implementation must be `#[repr(C)]` with it.
pub struct sClientReportControlBlock {
    _private: [u8; 0],
}

/// `ClientReportControlBlock`: handle to an opaque object.
pub type ClientReportControlBlock = *mut sClientReportControlBlock;

/// Opaque object behind [`ClientGooseControlBlock`]; placeholder until its implementation replaces this body.
// py61850 reads this struct's private libiec61850 layout through ctypes
// (layouts.tsv, source "private"): its implementation must be `#[repr(C)]` with it.
pub struct sClientGooseControlBlock {
    _private: [u8; 0],
}

/// `ClientGooseControlBlock`: handle to an opaque object.
pub type ClientGooseControlBlock = *mut sClientGooseControlBlock;

/// The object behind an [`IedConnection`] handle (C only ever sees `struct sIedConnection*`).
pub struct sIedConnection {
    conn: Connection,
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

/// Opaque object behind [`ClientSVControlBlock`]; placeholder until its implementation replaces this body.
pub struct sClientSVControlBlock {
    _private: [u8; 0],
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

/// Opaque object behind [`ControlObjectClient`]; placeholder until its implementation replaces this body.
pub struct sControlObjectClient {
    _private: [u8; 0],
}

/// `ControlObjectClient`: handle to an opaque object.
pub type ControlObjectClient = *mut sControlObjectClient;

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

/// Opaque object behind [`FileDirectoryEntry`]; placeholder until its implementation replaces this body.
pub struct sFileDirectoryEntry {
    _private: [u8; 0],
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

// ---- Functions of iec61850_client.h ----

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

/// Creates a connection that uses the shared reactor and callback threads.
#[no_mangle]
pub extern "C" fn IedConnection_create() -> IedConnection {
    IedConnection_createEx(std::ptr::null_mut(), true)
}

/// Creates a connection; without threads the application drives it with `IedConnection_tick`.
/// TLS is not supported yet: a non-NULL `tlsConfig` gives NULL.
#[no_mangle]
pub extern "C" fn IedConnection_createEx(
    tlsConfig: TLSConfiguration,
    useThreads: bool,
) -> IedConnection {
    guard(std::ptr::null_mut(), || {
        if !tlsConfig.is_null() {
            return std::ptr::null_mut();
        }
        Box::into_raw(Box::new(sIedConnection {
            conn: Connection::new(useThreads),
        }))
    })
}

/// Closes the connection (without release) and frees the handle; NULL is ignored.
///
/// # Safety
/// `self_` is NULL or a live handle not used after this call.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_destroy(self_: IedConnection) {
    guard((), || {
        if !self_.is_null() {
            // SAFETY: a live handle from IedConnection_create*, released exactly once.
            drop(unsafe { Box::from_raw(self_) });
        }
    })
}

/// Sets the local IP address and port to bind before connecting (port 0 or -1: any).
///
/// # Safety
/// `self_` is NULL or a live handle; `localIpAddress` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setLocalAddress(
    self_: IedConnection,
    localIpAddress: *const c_char,
    localPort: c_int,
) {
    guard((), || {
        // SAFETY: caller's contract.
        let (Some(conn), Some(ip)) = (unsafe { connection(self_) }, unsafe {
            c_str(localIpAddress)
        }) else {
            return;
        };
        let port = u16::try_from(localPort).unwrap_or(0);
        let address = ip
            .to_str()
            .ok()
            .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
            .map(|ip| std::net::SocketAddr::new(ip, port));
        conn.configure(|c| c.local_address = address);
    })
}

/// Sets the TCP connect timeout in milliseconds.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setConnectTimeout(self_: IedConnection, timeoutInMs: u32) {
    guard((), || {
        // SAFETY: caller's contract.
        if let Some(conn) = unsafe { connection(self_) } {
            conn.configure(|c| c.connect_timeout = Duration::from_millis(timeoutInMs.into()));
        }
    })
}

/// Sets the timeout of each confirmed service in milliseconds.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setRequestTimeout(self_: IedConnection, timeoutInMs: u32) {
    guard((), || {
        // SAFETY: caller's contract.
        if let Some(conn) = unsafe { connection(self_) } {
            conn.configure(|c| c.request_timeout = Duration::from_millis(timeoutInMs.into()));
        }
    })
}

/// The request timeout in milliseconds (0 for NULL).
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getRequestTimeout(self_: IedConnection) -> u32 {
    guard(0, || {
        // SAFETY: caller's contract.
        unsafe { connection(self_) }.map_or(0, |c| {
            u32::try_from(c.config().request_timeout.as_millis()).unwrap_or(u32::MAX)
        })
    })
}

/// Sets the numbers of outstanding calls proposed in the MMS initiate request.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setMaxOutstandingCalls(
    self_: IedConnection,
    calling: c_int,
    called: c_int,
) {
    guard((), || {
        // SAFETY: caller's contract.
        if let Some(conn) = unsafe { connection(self_) } {
            let clamp = |n: c_int| u16::try_from(n.max(1)).unwrap_or(u16::MAX);
            conn.configure(|c| {
                c.initiate.max_serv_outstanding_calling = clamp(calling);
                c.initiate.max_serv_outstanding_called = clamp(called);
            });
        }
    })
}

/// Processes received messages of a connection created without threads; true when idle.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_tick(self_: IedConnection) -> bool {
    guard(true, || {
        // SAFETY: caller's contract.
        unsafe { connection(self_) }.is_none_or(|c| c.tick())
    })
}

/// Connects and associates with the server at `hostname:tcpPort` (port -1: 102).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `hostname` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_connect(
    self_: IedConnection,
    error: *mut IedClientError,
    hostname: *const c_char,
    tcpPort: c_int,
) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        let Some(conn) = (unsafe { connection(self_) }) else {
            return IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT;
        };
        // SAFETY: caller's contract.
        let Some(host) = unsafe { c_str(hostname) }.and_then(|h| h.to_str().ok()) else {
            return IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT;
        };
        let port = if tcpPort < 0 {
            102
        } else {
            u16::try_from(tcpPort).unwrap_or(0)
        };
        code_of(&conn.connect(host, port))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// Aborts the association (ACSE abort) and closes the connection.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_abort(self_: IedConnection, error: *mut IedClientError) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        unsafe { connection(self_) }.map_or(IED_ERROR_NOT_CONNECTED, |c| code_of(&c.abort()))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// Releases the association (MMS conclude) and closes the connection.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_release(self_: IedConnection, error: *mut IedClientError) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        unsafe { connection(self_) }.map_or(IED_ERROR_NOT_CONNECTED, |c| code_of(&c.release()))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// Closes the TCP connection without releasing the association.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_close(self_: IedConnection) {
    guard((), || {
        // SAFETY: caller's contract.
        if let Some(conn) = unsafe { connection(self_) } {
            conn.close();
        }
    })
}

/// The connection state (`IED_STATE_CLOSED` for NULL).
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getState(self_: IedConnection) -> IedConnectionState {
    guard(IED_STATE_CLOSED, || {
        // SAFETY: caller's contract.
        unsafe { connection(self_) }.map_or(IED_STATE_CLOSED, |c| c.state() as IedConnectionState)
    })
}

/// Installs the handler called when an established connection closes (NULL removes it).
///
/// # Safety
/// `self_` is NULL or a live handle; `handler` stays callable with `parameter` while installed.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_installConnectionClosedHandler(
    self_: IedConnection,
    handler: IedConnectionClosedHandler,
    parameter: *mut c_void,
) {
    guard((), || {
        // SAFETY: caller's contract.
        let Some(conn) = (unsafe { connection(self_) }) else {
            return;
        };
        let listener = handler.map(|function| {
            let cb = Callback {
                function,
                parameter: parameter as usize,
                handle: self_ as usize,
            };
            Arc::new(move || {
                // SAFETY: the application keeps the handler valid while installed.
                unsafe { (cb.function)(cb.parameter as *mut c_void, cb.handle as IedConnection) }
            }) as ClosedListener
        });
        conn.set_closed_listener(listener);
    })
}

/// Installs the handler called on every connection state change (NULL removes it).
///
/// # Safety
/// `self_` is NULL or a live handle; `handler` stays callable with `parameter` while installed.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_installStateChangedHandler(
    self_: IedConnection,
    handler: IedConnection_StateChangedHandler,
    parameter: *mut c_void,
) {
    guard((), || {
        // SAFETY: caller's contract.
        let Some(conn) = (unsafe { connection(self_) }) else {
            return;
        };
        let listener = handler.map(|function| {
            let cb = Callback {
                function,
                parameter: parameter as usize,
                handle: self_ as usize,
            };
            Arc::new(move |state: State| {
                // SAFETY: the application keeps the handler valid while installed.
                unsafe {
                    (cb.function)(
                        cb.parameter as *mut c_void,
                        cb.handle as IedConnection,
                        state as IedConnectionState,
                    )
                }
            }) as StateListener
        });
        conn.set_state_listener(listener);
    })
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

/// Reads `reference` with `fc` on a connection: the shared front half of every read function.
///
/// # Safety
/// As for `IedConnection_readObject`.
unsafe fn read_value(
    self_: IedConnection,
    reference: *const c_char,
    fc: FunctionalConstraint,
) -> Result<MmsValue, ClientError> {
    // SAFETY: caller's contract.
    let conn = unsafe { connected(self_) }?;
    // SAFETY: caller's contract.
    let var = unsafe { variable(reference, fc) }?;
    conn.read(&var)
}

/// Reads a value and converts it with `convert`; a DataAccessError or a wrong type becomes an error.
///
/// # Safety
/// As for `IedConnection_readObject`.
unsafe fn read_typed<T>(
    self_: IedConnection,
    error: *mut IedClientError,
    reference: *const c_char,
    fc: FunctionalConstraint,
    fallback: T,
    convert: impl FnOnce(&MmsValue) -> Option<T>,
) -> T {
    let (code, value) = guard((IED_ERROR_UNKNOWN, None), || {
        // SAFETY: caller's contract.
        match unsafe { read_value(self_, reference, fc) } {
            Ok(MmsValue::DataAccessError(dae)) => (
                ClientError::from_data_access_error(dae) as IedClientError,
                None,
            ),
            Ok(value) => match convert(&value) {
                Some(v) => (IED_ERROR_OK, Some(v)),
                None => (IED_ERROR_UNEXPECTED_VALUE_RECEIVED, None),
            },
            Err(e) => (e as IedClientError, None),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    value.unwrap_or(fallback)
}

/// Writes `value` to `reference` with `fc`; the shared body of every write function.
///
/// # Safety
/// As for `IedConnection_writeObject`.
unsafe fn write_value(
    self_: IedConnection,
    error: *mut IedClientError,
    reference: *const c_char,
    fc: FunctionalConstraint,
    value: &MmsValue,
) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        let result = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let var = unsafe { variable(reference, fc) }?;
            conn.write(&var, value)
        });
        code_of(&result)
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// Reads a functionally constrained data (attribute); the caller frees the result with `MmsValue_delete`.
/// A DataAccessError from the server comes back as a value of type MMS_DATA_ACCESS_ERROR.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataAttributeReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readObject(
    self_: IedConnection,
    error: *mut IedClientError,
    dataAttributeReference: *const c_char,
    fc: FunctionalConstraint,
) -> *mut MmsValue {
    let (code, value) = guard((IED_ERROR_UNKNOWN, std::ptr::null_mut()), || {
        // SAFETY: caller's contract.
        match unsafe { read_value(self_, dataAttributeReference, fc) } {
            Ok(value) => (IED_ERROR_OK, Box::into_raw(Box::new(value))),
            Err(e) => (e as IedClientError, std::ptr::null_mut()),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    value
}

/// Writes a functionally constrained data (attribute); the value stays the caller's.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataAttributeReference` is NULL or a
/// C string; `value` is NULL or a live `MmsValue`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeObject(
    self_: IedConnection,
    error: *mut IedClientError,
    dataAttributeReference: *const c_char,
    fc: FunctionalConstraint,
    value: *mut MmsValue,
) {
    // SAFETY: caller's contract.
    match unsafe { value.as_ref() } {
        // SAFETY: caller's contract.
        Some(value) => unsafe { write_value(self_, error, dataAttributeReference, fc, value) },
        // SAFETY: caller's contract.
        None => unsafe { set_error(error, IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT) },
    }
}

/// Reads a boolean attribute.
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readBooleanValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> bool {
    // SAFETY: caller's contract.
    unsafe {
        read_typed(self_, error, objectReference, fc, false, |v| match v {
            MmsValue::Boolean(b) => Some(*b),
            _ => None,
        })
    }
}

/// Reads a floating-point attribute as float.
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readFloatValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> f32 {
    // SAFETY: caller's contract.
    unsafe {
        read_typed(self_, error, objectReference, fc, 0.0, |v| match v {
            MmsValue::Float(f) => Some(*f),
            MmsValue::Double(d) => Some(*d as f32),
            _ => None,
        })
    }
}

/// Reads a visible or MMS string attribute; the caller frees the result with `free()`.
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readStringValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> *mut c_char {
    // SAFETY: caller's contract.
    unsafe {
        read_typed(
            self_,
            error,
            objectReference,
            fc,
            std::ptr::null_mut(),
            |v| match v {
                MmsValue::VisibleString(s) | MmsValue::MmsString(s) => {
                    Some(malloc_c_string(s.as_bytes()))
                }
                _ => None,
            },
        )
    }
}

/// Reads an integer or unsigned attribute as int32 (wrapping as a C cast would).
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readInt32Value(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> i32 {
    // SAFETY: caller's contract.
    unsafe {
        read_typed(self_, error, objectReference, fc, 0, |v| {
            integer_of(v).map(|i| i as i32)
        })
    }
}

/// Reads an integer or unsigned attribute as int64.
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readInt64Value(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> i64 {
    // SAFETY: caller's contract.
    unsafe { read_typed(self_, error, objectReference, fc, 0, integer_of) }
}

/// Reads an integer or unsigned attribute as uint32.
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readUnsigned32Value(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe {
        read_typed(self_, error, objectReference, fc, 0, |v| {
            integer_of(v).map(|i| i as u32)
        })
    }
}

/// The value of an integer or unsigned MMS value.
fn integer_of(value: &MmsValue) -> Option<i64> {
    match value {
        MmsValue::Integer(i) => Some(*i),
        MmsValue::Unsigned(u) => Some(*u as i64),
        _ => None,
    }
}

/// Reads a UTC time attribute into `timeStamp`, or into a new `malloc`ed Timestamp when it is NULL.
///
/// # Safety
/// As for `IedConnection_readObject`; `timeStamp` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readTimestampValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    timeStamp: *mut Timestamp,
) -> *mut Timestamp {
    // SAFETY: caller's contract.
    let bytes = unsafe {
        read_typed(self_, error, objectReference, fc, None, |v| match v {
            MmsValue::UtcTime(b) => Some(Some(*b)),
            _ => None,
        })
    };
    let Some(bytes) = bytes else {
        return std::ptr::null_mut();
    };
    let target = if timeStamp.is_null() {
        // SAFETY: allocation of one Timestamp, released by the caller with free().
        unsafe { libc::malloc(std::mem::size_of::<Timestamp>()) as *mut Timestamp }
    } else {
        timeStamp
    };
    if !target.is_null() {
        // SAFETY: `target` is writable (caller's or freshly allocated).
        unsafe { target.write(Timestamp { val: bytes }) };
    }
    target
}

/// Reads a quality attribute (bit string) as `Quality` bits (bit n of the string is 1 << n).
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readQualityValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> Quality {
    // SAFETY: caller's contract.
    unsafe {
        read_typed(self_, error, objectReference, fc, 0, |v| match v {
            MmsValue::BitString(bits) => Some(
                (0..bits.size.min(16))
                    .filter(|&i| bits.get(i))
                    .fold(0, |q, i| q | 1 << i),
            ),
            _ => None,
        })
    }
}

/// Writes a boolean attribute.
///
/// # Safety
/// As for `IedConnection_writeObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeBooleanValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: bool,
) {
    // SAFETY: caller's contract.
    unsafe { write_value(self_, error, objectReference, fc, &MmsValue::Boolean(value)) }
}

/// Writes an int32 attribute.
///
/// # Safety
/// As for `IedConnection_writeObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeInt32Value(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: i32,
) {
    // SAFETY: caller's contract.
    unsafe {
        write_value(
            self_,
            error,
            objectReference,
            fc,
            &MmsValue::Integer(value.into()),
        )
    }
}

/// Writes an unsigned32 attribute.
///
/// # Safety
/// As for `IedConnection_writeObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeUnsigned32Value(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: u32,
) {
    // SAFETY: caller's contract.
    unsafe {
        write_value(
            self_,
            error,
            objectReference,
            fc,
            &MmsValue::Unsigned(value.into()),
        )
    }
}

/// Writes a float attribute.
///
/// # Safety
/// As for `IedConnection_writeObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeFloatValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: f32,
) {
    // SAFETY: caller's contract.
    unsafe { write_value(self_, error, objectReference, fc, &MmsValue::Float(value)) }
}

/// Writes a visible-string attribute.
///
/// # Safety
/// As for `IedConnection_writeObject`; `value` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeVisibleStringValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: *mut c_char,
) {
    // SAFETY: caller's contract.
    match unsafe { c_str(value) } {
        // SAFETY: caller's contract.
        Some(text) => unsafe {
            write_value(
                self_,
                error,
                objectReference,
                fc,
                &MmsValue::visible_string(text.to_bytes()),
            )
        },
        // SAFETY: caller's contract.
        None => unsafe { set_error(error, IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT) },
    }
}

/// Reads a functionally constrained data (attribute) asynchronously; `handler` receives the
/// value (the handler owns it and frees it with `MmsValue_delete`). Returns the invoke ID.
///
/// # Safety
/// As for `IedConnection_readObject`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readObjectAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    objRef: *const c_char,
    fc: FunctionalConstraint,
    handler: IedConnection_ReadObjectHandler,
    parameter: *mut c_void,
) -> u32 {
    let (code, id) = guard((IED_ERROR_UNKNOWN, 0), || {
        let Some(function) = handler else {
            return (IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT, 0);
        };
        let parameter = parameter as usize;
        // SAFETY: caller's contract.
        let submitted = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let var = unsafe { variable(objRef, fc) }?;
            conn.read_async(&var, move |id, result| {
                let (code, value) = match result {
                    Ok(v) => (IED_ERROR_OK, Box::into_raw(Box::new(v))),
                    Err(e) => (e as IedClientError, std::ptr::null_mut()),
                };
                // SAFETY: the application keeps the handler valid until it ran.
                unsafe { function(id, parameter as *mut c_void, code, value) }
            })
        });
        match submitted {
            Ok(id) => (IED_ERROR_OK, id),
            Err(e) => (e as IedClientError, 0),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    id
}

/// Writes a functionally constrained data (attribute) asynchronously; the value stays the
/// caller's. Returns the invoke ID.
///
/// # Safety
/// As for `IedConnection_writeObject`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeObjectAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: *mut MmsValue,
    handler: IedConnection_GenericServiceHandler,
    parameter: *mut c_void,
) -> u32 {
    let (code, id) = guard((IED_ERROR_UNKNOWN, 0), || {
        // SAFETY: caller's contract.
        let (Some(function), Some(value)) = (handler, unsafe { value.as_ref() }) else {
            return (IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT, 0);
        };
        let parameter = parameter as usize;
        // SAFETY: caller's contract.
        let submitted = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let var = unsafe { variable(objectReference, fc) }?;
            conn.write_async(&var, value, move |id, result| {
                // SAFETY: the application keeps the handler valid until it ran.
                unsafe { function(id, parameter as *mut c_void, code_of(&result)) }
            })
        });
        match submitted {
            Ok(id) => (IED_ERROR_OK, id),
            Err(e) => (e as IedClientError, 0),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    id
}

/// Runs a directory query and converts its names to a C list; errors go to `error`.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
unsafe fn directory(
    self_: IedConnection,
    error: *mut IedClientError,
    query: impl FnOnce(&Connection) -> Result<Vec<String>, ClientError>,
) -> LinkedList {
    let (code, list) = guard((IED_ERROR_UNKNOWN, std::ptr::null_mut()), || {
        // SAFETY: caller's contract.
        match unsafe { connected(self_) }.and_then(query) {
            Ok(names) => (IED_ERROR_OK, string_list(&names)),
            Err(e) => (e as IedClientError, std::ptr::null_mut()),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    list
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

/// Variable names of logical device `ld`; any failure reads as an invalid reference, as on the reference.
fn device_names(conn: &Connection, ld: &str) -> Result<Vec<String>, ClientError> {
    conn.variable_names(ld)
        .map_err(|_| ClientError::ObjectReferenceInvalid)
}

/// `LD/LN.DO[.DA...]` split into the device, the node and the path below it.
fn split_data_reference(reference: &str) -> Option<(&str, &str, Vec<&str>)> {
    let (ld, rest) = reference.split_once('/')?;
    // The reference accepts MMS-style `$` separators below the node too.
    let mut parts = rest.split(['.', '$']);
    let ln = parts.next()?;
    let path: Vec<&str> = parts.collect();
    (!ld.is_empty() && !ln.is_empty() && !path.is_empty() && path.iter().all(|p| !p.is_empty()))
        .then_some((ld, ln, path))
}

/// Logical devices of the server (`getFileNames` = true would list files: not supported yet,
/// IED_ERROR_SERVICE_NOT_SUPPORTED).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getServerDirectory(
    self_: IedConnection,
    error: *mut IedClientError,
    getFileNames: bool,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        directory(self_, error, |conn| {
            if getFileNames {
                return Err(ClientError::ServiceNotSupported);
            }
            conn.domain_names()
        })
    }
}

/// Logical nodes of a logical device.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `logicalDeviceName` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalDeviceDirectory(
    self_: IedConnection,
    error: *mut IedClientError,
    logicalDeviceName: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        directory(self_, error, |conn| {
            let ld = text(logicalDeviceName, ClientError::ObjectReferenceInvalid)?;
            Ok(directory::logical_nodes(&device_names(conn, ld)?))
        })
    }
}

/// The objects of one ACSI class in a logical node (`LD/LN`).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `logicalNodeReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalNodeDirectory(
    self_: IedConnection,
    error: *mut IedClientError,
    logicalNodeReference: *const c_char,
    acsiClass: ACSIClass,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        directory(self_, error, |conn| {
            let reference = text(logicalNodeReference, ClientError::InvalidArgument)?;
            let (ld, ln) = reference
                .split_once('/')
                .ok_or(ClientError::InvalidArgument)?;
            // Data sets and logs come from their own name lists, whose errors pass through.
            let fc = match acsiClass {
                ACSI_CLASS_DATA_SET | ACSI_CLASS_LOG => {
                    let class = if acsiClass == ACSI_CLASS_LOG {
                        pdu::CLASS_JOURNAL
                    } else {
                        pdu::CLASS_NAMED_VARIABLE_LIST
                    };
                    let names = conn.name_list(class, Some(ld))?;
                    return Ok(directory::logical_node_variables(&names, ln));
                }
                ACSI_CLASS_DATA_OBJECT => {
                    return Ok(directory::data_objects(&device_names(conn, ld)?, ln))
                }
                ACSI_CLASS_SGCB => {
                    let names = device_names(conn, ld)?;
                    return Ok(directory::setting_group_control_blocks(&names));
                }
                ACSI_CLASS_BRCB => "BR",
                ACSI_CLASS_URCB => "RP",
                ACSI_CLASS_LCB => "LG",
                ACSI_CLASS_GoCB => "GO",
                // The reference lists no GSE/SV control blocks (nor unknown classes), but
                // still checks the device.
                _ => {
                    device_names(conn, ld)?;
                    return Ok(Vec::new());
                }
            };
            Ok(directory::control_blocks(&device_names(conn, ld)?, ln, fc))
        })
    }
}

/// Every MMS variable below a logical node (`LD/LN`), without the `LN$` prefix.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `logicalNodeReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalNodeVariables(
    self_: IedConnection,
    error: *mut IedClientError,
    logicalNodeReference: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        directory(self_, error, |conn| {
            let reference = text(logicalNodeReference, ClientError::ObjectReferenceInvalid)?;
            let (ld, ln) = reference
                .split_once('/')
                .ok_or(ClientError::ObjectReferenceInvalid)?;
            Ok(directory::logical_node_variables(
                &device_names(conn, ld)?,
                ln,
            ))
        })
    }
}

/// Every MMS variable name of a logical device.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `ldName` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalDeviceVariables(
    self_: IedConnection,
    error: *mut IedClientError,
    ldName: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        directory(self_, error, |conn| {
            conn.variable_names(text(ldName, ClientError::ObjectReferenceInvalid)?)
        })
    }
}

/// Data set names of a logical device (`LN$name`).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `ldName` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalDeviceDataSets(
    self_: IedConnection,
    error: *mut IedClientError,
    ldName: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        directory(self_, error, |conn| {
            let ld = text(ldName, ClientError::ObjectReferenceInvalid)?;
            conn.name_list(pdu::CLASS_NAMED_VARIABLE_LIST, Some(ld))
        })
    }
}

/// Children of a data object or attribute (`LD/LN.DO[.DA]`): `with_fc` appends `[FC]`,
/// `only_fc` keeps one functional constraint.
///
/// # Safety
/// As for `IedConnection_getDataDirectory`.
unsafe fn data_directory(
    self_: IedConnection,
    error: *mut IedClientError,
    dataReference: *const c_char,
    with_fc: bool,
    only_fc: Option<FunctionalConstraint>,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        directory(self_, error, |conn| {
            let reference = text(dataReference, ClientError::ObjectReferenceInvalid)?;
            let (ld, ln, path) =
                split_data_reference(reference).ok_or(ClientError::ObjectReferenceInvalid)?;
            let only_fc = match only_fc {
                Some(fc) => Some(fc_name(fc).ok_or(ClientError::ObjectReferenceInvalid)?),
                None => None,
            };
            let names = device_names(conn, ld)?;
            Ok(directory::data_directory(
                &names, ln, &path, with_fc, only_fc,
            ))
        })
    }
}

/// Names of the children of a data object or attribute (`LD/LN.DO[.DA]`).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getDataDirectory(
    self_: IedConnection,
    error: *mut IedClientError,
    dataReference: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe { data_directory(self_, error, dataReference, false, None) }
}

/// Names of the children of a data object or attribute, each with its `[FC]`.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getDataDirectoryFC(
    self_: IedConnection,
    error: *mut IedClientError,
    dataReference: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe { data_directory(self_, error, dataReference, true, None) }
}

/// Names of the children of a data object or attribute with functional constraint `fc`.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getDataDirectoryByFC(
    self_: IedConnection,
    error: *mut IedClientError,
    dataReference: *const c_char,
    fc: FunctionalConstraint,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe { data_directory(self_, error, dataReference, false, Some(fc)) }
}

/// Logical devices of the server (as `getServerDirectory` without file names).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalDeviceList(
    self_: IedConnection,
    error: *mut IedClientError,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe { directory(self_, error, Connection::domain_names) }
}

/// Writes an octet-string attribute from `valueLength` bytes at `value`.
///
/// # Safety
/// As for `IedConnection_writeObject`; `value` is NULL or points to `valueLength` bytes.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeOctetString(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: *mut u8,
    valueLength: c_int,
) {
    let bytes = match usize::try_from(valueLength) {
        Ok(0) => Some(Vec::new()),
        // SAFETY: caller's contract: `value` points to `valueLength` bytes.
        Ok(n) if !value.is_null() => Some(unsafe { std::slice::from_raw_parts(value, n) }.to_vec()),
        _ => None,
    };
    let Some(data) = bytes else {
        // SAFETY: caller's contract.
        return unsafe { set_error(error, IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT) };
    };
    let max_size = data.len();
    let octets = MmsValue::OctetString(crate::mms::value::OctetString { data, max_size });
    // SAFETY: caller's contract.
    unsafe { write_value(self_, error, objectReference, fc, &octets) }
}

/// Fetches the names of every logical device and variable once; the directory services
/// then answer from that copy.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getDeviceModelFromServer(
    self_: IedConnection,
    error: *mut IedClientError,
) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        code_of(&unsafe { connected(self_) }.and_then(Connection::load_model))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// The data set reference argument as its MMS name.
///
/// # Safety
/// `reference` is NULL or a C string.
unsafe fn data_set_arg(reference: *const c_char) -> Result<(String, ObjectName), ClientError> {
    // SAFETY: caller's contract.
    let text = unsafe { text(reference, ClientError::ObjectReferenceInvalid) }?;
    Ok((text.to_owned(), dataset::data_set_name(text)))
}

/// Stores freshly read values into `existing` (in place, as the reference) or into a new data set.
///
/// # Safety
/// `existing` is NULL or a live `ClientDataSet` nobody else uses meanwhile.
unsafe fn fill_data_set(
    existing: ClientDataSet,
    reference: &str,
    values: MmsValue,
) -> ClientDataSet {
    // SAFETY: caller's contract.
    match unsafe { existing.as_mut() } {
        Some(data_set) => {
            // Updating keeps the element pointers a caller may hold; a changed shape replaces them.
            if !data_set.values.update(&values) {
                *data_set.values = values;
            }
            existing
        }
        None => Box::into_raw(Box::new(sClientDataSet {
            reference: crate::mms::value::c_string_lossy(
                dataset::stored_reference(reference).as_bytes(),
            ),
            values: Box::new(values),
        })),
    }
}

/// Reads all values of a data set into `dataSet` (refreshed in place) or into a new
/// `ClientDataSet` (freed by the caller with `ClientDataSet_destroy`).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataSetReference` is NULL or
/// a C string; `dataSet` is NULL or a live `ClientDataSet`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readDataSetValues(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    dataSet: ClientDataSet,
) -> ClientDataSet {
    let (code, result) = guard((IED_ERROR_UNKNOWN, dataSet), || {
        // SAFETY: caller's contract.
        let read = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let (reference, name) = unsafe { data_set_arg(dataSetReference) }?;
            let values = conn.service(
                |id, buf| {
                    pdu::encode_read_list_request(id, &name, true, buf);
                    Ok(())
                },
                dataset::parse_read,
            )?;
            Ok((reference, values))
        });
        match read {
            // SAFETY: caller's contract.
            Ok((reference, values)) => (IED_ERROR_OK, unsafe {
                fill_data_set(dataSet, &reference, values)
            }),
            Err(e) => (e as IedClientError, dataSet),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    result
}

/// Asynchronous `readDataSetValues`: `handler` gets `dataSet` refreshed, or a new data set.
///
/// # Safety
/// As for `IedConnection_readDataSetValues`; `dataSet` is not used by the caller until the
/// handler ran; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readDataSetValuesAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    dataSet: ClientDataSet,
    handler: IedConnection_ReadDataSetHandler,
    parameter: *mut c_void,
) -> u32 {
    let (parameter, existing) = (parameter as usize, dataSet as usize);
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let (reference, name) = data_set_arg(dataSetReference)?;
            conn.service_async(
                |id, buf| {
                    pdu::encode_read_list_request(id, &name, true, buf);
                    Ok(())
                },
                dataset::parse_read,
                move |id, result| {
                    let existing = existing as ClientDataSet;
                    let (code, data_set) = match result {
                        // SAFETY: the caller left `dataSet` to us until the handler runs.
                        Ok(values) => (IED_ERROR_OK, fill_data_set(existing, &reference, values)),
                        Err(e) => (e as IedClientError, existing),
                    };
                    // SAFETY: the application keeps the handler valid until it ran.
                    function(id, parameter as *mut c_void, code, data_set)
                },
            )
        })
    }
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

/// The member references of a C list of `char*` as MMS variables (OBJECT_REFERENCE_INVALID
/// for a member without `[FC]`, before anything is sent).
///
/// # Safety
/// `members` is NULL or a live list of C strings.
unsafe fn member_args(members: LinkedList) -> Result<Vec<VariableRef>, ClientError> {
    // SAFETY: caller's contract.
    unsafe { items(members) }
        .into_iter()
        .map(|p| {
            // SAFETY: the list holds C strings by the caller's contract.
            let member = unsafe { text(p as *const c_char, ClientError::ObjectReferenceInvalid) }?;
            dataset::member_variable(member)
        })
        .collect()
}

/// Creates a data set from member references `LD/LN.DO[.DA][FC]`.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataSetReference` is NULL or
/// a C string; `dataSetElements` is NULL or a list of C strings.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_createDataSet(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    dataSetElements: LinkedList,
) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        code_of(&unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let ((_, name), vars) = unsafe {
                (
                    data_set_arg(dataSetReference)?,
                    member_args(dataSetElements)?,
                )
            };
            conn.service(
                |id, buf| {
                    pdu::encode_define_named_variable_list_request(id, &name, &vars, buf);
                    Ok(())
                },
                dataset::parse_define,
            )
        }))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// Asynchronous `createDataSet`.
///
/// # Safety
/// As for `IedConnection_createDataSet`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_createDataSetAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    dataSetElements: LinkedList,
    handler: IedConnection_GenericServiceHandler,
    parameter: *mut c_void,
) -> u32 {
    let parameter = parameter as usize;
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let ((_, name), vars) = (
                data_set_arg(dataSetReference)?,
                member_args(dataSetElements)?,
            );
            conn.service_async(
                |id, buf| {
                    pdu::encode_define_named_variable_list_request(id, &name, &vars, buf);
                    Ok(())
                },
                dataset::parse_define,
                // SAFETY: the application keeps the handler valid until it ran.
                move |id, result| function(id, parameter as *mut c_void, code_of(&result)),
            )
        })
    }
}

/// Deletes a data set; true when it was deleted.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataSetReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_deleteDataSet(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
) -> bool {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        code_of(&unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let (_, name) = unsafe { data_set_arg(dataSetReference) }?;
            conn.service(
                |id, buf| {
                    pdu::encode_delete_named_variable_list_request(
                        id,
                        &DeleteScope::Specific,
                        &[name],
                        buf,
                    );
                    Ok(())
                },
                dataset::parse_delete,
            )
        }))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    code == IED_ERROR_OK
}

/// Asynchronous `deleteDataSet` (the handler's error is OK when it was deleted).
///
/// # Safety
/// As for `IedConnection_deleteDataSet`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_deleteDataSetAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    handler: IedConnection_GenericServiceHandler,
    parameter: *mut c_void,
) -> u32 {
    let parameter = parameter as usize;
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let (_, name) = data_set_arg(dataSetReference)?;
            conn.service_async(
                |id, buf| {
                    pdu::encode_delete_named_variable_list_request(
                        id,
                        &DeleteScope::Specific,
                        &[name],
                        buf,
                    );
                    Ok(())
                },
                dataset::parse_delete,
                // SAFETY: the application keeps the handler valid until it ran.
                move |id, result| function(id, parameter as *mut c_void, code_of(&result)),
            )
        })
    }
}

/// Member references of a data set (`LD/LN.DO[.DA][FC]`); `isDeletable` (when not NULL)
/// is set on success only.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataSetReference` is NULL or
/// a C string; `isDeletable` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getDataSetDirectory(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    isDeletable: *mut bool,
) -> LinkedList {
    let (code, list) = guard((IED_ERROR_UNKNOWN, std::ptr::null_mut()), || {
        // SAFETY: caller's contract.
        let result = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let (_, name) = unsafe { data_set_arg(dataSetReference) }?;
            conn.service(
                |id, buf| {
                    pdu::encode_get_named_variable_list_attributes_request(id, &name, buf);
                    Ok(())
                },
                dataset::parse_directory,
            )
        });
        match result {
            Ok((members, deletable)) => {
                if !isDeletable.is_null() {
                    // SAFETY: writable by the caller's contract.
                    unsafe { *isDeletable = deletable };
                }
                (IED_ERROR_OK, string_list(&members))
            }
            Err(e) => (e as IedClientError, std::ptr::null_mut()),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    list
}

/// Asynchronous `getDataSetDirectory`: the handler owns the member list.
///
/// # Safety
/// As for `IedConnection_getDataSetDirectory`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getDataSetDirectoryAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    handler: IedConnection_GetDataSetDirectoryHandler,
    parameter: *mut c_void,
) -> u32 {
    let parameter = parameter as usize;
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let (_, name) = data_set_arg(dataSetReference)?;
            conn.service_async(
                |id, buf| {
                    pdu::encode_get_named_variable_list_attributes_request(id, &name, buf);
                    Ok(())
                },
                dataset::parse_directory,
                move |id, result| {
                    let (code, list, deletable) = match result {
                        Ok((members, deletable)) => {
                            (IED_ERROR_OK, string_list(&members), deletable)
                        }
                        Err(e) => (e as IedClientError, std::ptr::null_mut(), false),
                    };
                    // SAFETY: the application keeps the handler valid until it ran.
                    function(id, parameter as *mut c_void, code, list, deletable)
                },
            )
        })
    }
}

/// The values of a C list of `MmsValue*` (all must be non-NULL).
///
/// # Safety
/// `values` is NULL or a live list of live `MmsValue`s that outlive `'a`.
unsafe fn value_args<'a>(values: LinkedList) -> Result<Vec<&'a MmsValue>, ClientError> {
    // SAFETY: caller's contract.
    unsafe { items(values) }
        .into_iter()
        // SAFETY: the list holds MmsValue pointers by the caller's contract.
        .map(|p| unsafe { (p as *const MmsValue).as_ref() }.ok_or(ClientError::InvalidArgument))
        .collect()
}

/// A C list of new DataAccessError values, one per member (-1 = success).
fn access_result_list(codes: Vec<i32>) -> LinkedList {
    pointer_list(
        codes
            .into_iter()
            .map(|c| Box::into_raw(Box::new(MmsValue::DataAccessError(c))).cast())
            .collect(),
    )
}

/// Writes the values of a data set (one per member, in order); `accessResults` (when not
/// NULL) receives one DATA_ACCESS_ERROR value per member (-1 = success), or NULL on error.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataSetReference` is NULL or
/// a C string; `values` is NULL or a list of live `MmsValue`s; `accessResults` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeDataSetValues(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    values: LinkedList,
    accessResults: *mut LinkedList,
) {
    let (code, list) = guard((IED_ERROR_UNKNOWN, std::ptr::null_mut()), || {
        // SAFETY: caller's contract.
        let result = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let ((_, name), values) =
                unsafe { (data_set_arg(dataSetReference)?, value_args(values)?) };
            conn.service(
                |id, buf| {
                    pdu::encode_write_list_request(id, &name, &values, buf)
                        .map_err(|_| RequestError::InvalidValue)
                },
                dataset::parse_write,
            )
        });
        match result {
            Ok(codes) => (IED_ERROR_OK, access_result_list(codes)),
            Err(e) => (e as IedClientError, std::ptr::null_mut()),
        }
    });
    if accessResults.is_null() {
        // SAFETY: the list was made here and nobody else has it.
        unsafe { free_access_results(list) };
    } else {
        // SAFETY: writable by the caller's contract.
        unsafe { *accessResults = list };
    }
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// Frees a list made by `access_result_list`.
///
/// # Safety
/// `list` is NULL or a list of boxed `MmsValue`s that nothing else uses.
unsafe fn free_access_results(list: LinkedList) {
    // SAFETY: caller's contract; the elements are boxed MmsValues.
    unsafe {
        for p in items(list) {
            drop(Box::from_raw(p as *mut MmsValue));
        }
        LinkedList_destroyStatic(list);
    }
}

/// Asynchronous `writeDataSetValues`: the handler owns the access result list.
///
/// # Safety
/// As for `IedConnection_writeDataSetValues`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeDataSetValuesAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    values: LinkedList,
    handler: IedConnection_WriteDataSetHandler,
    parameter: *mut c_void,
) -> u32 {
    let parameter = parameter as usize;
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let ((_, name), values) = (data_set_arg(dataSetReference)?, value_args(values)?);
            conn.service_async(
                |id, buf| {
                    pdu::encode_write_list_request(id, &name, &values, buf)
                        .map_err(|_| RequestError::InvalidValue)
                },
                dataset::parse_write,
                move |id, result| {
                    let (code, list) = match result {
                        Ok(codes) => (IED_ERROR_OK, access_result_list(codes)),
                        Err(e) => (e as IedClientError, std::ptr::null_mut()),
                    };
                    // SAFETY: the application keeps the handler valid until it ran.
                    function(id, parameter as *mut c_void, code, list)
                },
            )
        })
    }
}

/// Frees a `ClientDataSet` and its values; NULL is ignored.
///
/// # Safety
/// `self_` is NULL or a live `ClientDataSet` not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ClientDataSet_destroy(self_: ClientDataSet) {
    guard((), || {
        if !self_.is_null() {
            // SAFETY: a live data set from this library, released once.
            drop(unsafe { Box::from_raw(self_) });
        }
    })
}

/// The data set's values (an MMS array owned by the data set); NULL for NULL.
///
/// # Safety
/// `self_` is NULL or a live `ClientDataSet`.
#[no_mangle]
pub unsafe extern "C" fn ClientDataSet_getValues(self_: ClientDataSet) -> *mut MmsValue {
    guard(std::ptr::null_mut(), || {
        // SAFETY: caller's contract.
        unsafe { self_.as_mut() }
            .map_or(std::ptr::null_mut(), |ds| &mut *ds.values as *mut MmsValue)
    })
}

/// The data set's reference (`LD/LN$name`, `@name`), owned by the data set; NULL for NULL.
///
/// # Safety
/// `self_` is NULL or a live `ClientDataSet`.
#[no_mangle]
pub unsafe extern "C" fn ClientDataSet_getReference(self_: ClientDataSet) -> *mut c_char {
    guard(std::ptr::null_mut(), || {
        // SAFETY: caller's contract.
        unsafe { self_.as_ref() }.map_or(std::ptr::null_mut(), |ds| {
            ds.reference.as_ptr() as *mut c_char
        })
    })
}

/// Number of members of the data set (0 for NULL).
///
/// # Safety
/// `self_` is NULL or a live `ClientDataSet`.
#[no_mangle]
pub unsafe extern "C" fn ClientDataSet_getDataSetSize(self_: ClientDataSet) -> c_int {
    guard(0, || {
        // SAFETY: caller's contract.
        unsafe { self_.as_ref() }.map_or(0, |ds| {
            c_int::try_from(ds.values.elements().len()).unwrap_or(c_int::MAX)
        })
    })
}

/// The MMS variable of an FCD/FCDA reference for GetVariableAccessAttributes: an array
/// element has no type description of its own (OBJECT_DOES_NOT_EXIST, as the server answers).
///
/// # Safety
/// `reference` is NULL or a C string.
unsafe fn specification_arg(
    reference: *const c_char,
    fc: FunctionalConstraint,
) -> Result<ObjectName, ClientError> {
    // SAFETY: caller's contract.
    let var = unsafe { variable(reference, fc) }?;
    match (var.array_index, var.domain_id) {
        (None, Some(domain)) => Ok(ObjectName::Domain(domain, var.item_id)),
        _ => Err(ClientError::ObjectDoesNotExist),
    }
}

/// The type of a GetVariableAccessAttributes response.
fn parse_specification(response: ConfirmedServiceResponse) -> Result<TypeSpec, ClientError> {
    match response {
        ConfirmedServiceResponse::GetVariableAccessAttributes(attributes) => {
            Ok(attributes.type_spec)
        }
        _ => Err(ClientError::MalformedMessage),
    }
}

/// The type description of a data attribute or object; the caller frees it with
/// `MmsVariableSpecification_destroy`.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataAttributeReference` is
/// NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getVariableSpecification(
    self_: IedConnection,
    error: *mut IedClientError,
    dataAttributeReference: *const c_char,
    fc: FunctionalConstraint,
) -> *mut MmsVariableSpecification {
    let (code, spec) = guard((IED_ERROR_UNKNOWN, std::ptr::null_mut()), || {
        // SAFETY: caller's contract.
        let result = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let name = unsafe { specification_arg(dataAttributeReference, fc) }?;
            conn.service(
                |id, buf| {
                    encode_get_variable_access_attributes_request(id, &name, buf);
                    Ok(())
                },
                parse_specification,
            )
        });
        match result {
            Ok(spec) => (IED_ERROR_OK, spec_to_c(&spec, None)),
            Err(e) => (e as IedClientError, std::ptr::null_mut()),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    spec
}

/// Asynchronous `getVariableSpecification`: the handler owns the specification.
///
/// # Safety
/// As for `IedConnection_getVariableSpecification`; `handler` stays callable with `parameter`
/// until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getVariableSpecificationAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    dataAttributeReference: *const c_char,
    fc: FunctionalConstraint,
    handler: IedConnection_GetVariableSpecificationHandler,
    parameter: *mut c_void,
) -> u32 {
    let parameter = parameter as usize;
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let name = specification_arg(dataAttributeReference, fc)?;
            conn.service_async(
                |id, buf| {
                    encode_get_variable_access_attributes_request(id, &name, buf);
                    Ok(())
                },
                parse_specification,
                move |id, result| {
                    let (code, spec) = match result {
                        Ok(spec) => (IED_ERROR_OK, spec_to_c(&spec, None)),
                        Err(e) => (e as IedClientError, std::ptr::null_mut()),
                    };
                    // SAFETY: the application keeps the handler valid until it ran.
                    function(id, parameter as *mut c_void, code, spec)
                },
            )
        })
    }
}

/// One GetNameList page for a C `GetNameListHandler`: names are appended to `result` (or to a
/// new list when it is NULL), which the handler receives with the more-follows flag.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `continueAfter` is NULL or a
/// C string; `result` is NULL or a live list left to the handler.
unsafe fn name_list_async(
    self_: IedConnection,
    error: *mut IedClientError,
    (object_class, domain): (u8, Option<&str>),
    continueAfter: *const c_char,
    result: LinkedList,
    handler: IedConnection_GetNameListHandler,
    parameter: *mut c_void,
) -> u32 {
    let (parameter, result) = (parameter as usize, result as usize);
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let continue_after = match c_str(continueAfter) {
                Some(text) => Some(
                    text.to_str()
                        .map_err(|_| ClientError::InvalidArgument)?
                        .to_owned(),
                ),
                None => None,
            };
            let request = NameListRequest {
                object_class,
                domain: domain.map(str::to_owned),
                continue_after,
            };
            conn.name_list_page_async(&request, move |id, page| {
                let (code, list, more) = match page {
                    Ok((names, more)) => {
                        let list = match result as LinkedList {
                            list if list.is_null() => string_list(&names),
                            list => {
                                append_strings(list, &names);
                                list
                            }
                        };
                        (IED_ERROR_OK, list, more)
                    }
                    Err(e) => (e as IedClientError, std::ptr::null_mut(), false),
                };
                // SAFETY: the application keeps the handler valid until it ran.
                function(id, parameter as *mut c_void, code, list, more)
            })
        })
    }
}

/// One page of the logical device names, asynchronously.
///
/// # Safety
/// As for `name_list_async`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getServerDirectoryAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    continueAfter: *const c_char,
    result: LinkedList,
    handler: IedConnection_GetNameListHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe {
        name_list_async(
            self_,
            error,
            (pdu::CLASS_DOMAIN, None),
            continueAfter,
            result,
            handler,
            parameter,
        )
    }
}

/// One page of a logical device's variable names, asynchronously.
///
/// # Safety
/// As for `name_list_async`; `ldName` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalDeviceVariablesAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    ldName: *const c_char,
    continueAfter: *const c_char,
    result: LinkedList,
    handler: IedConnection_GetNameListHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    let Ok(ld) = (unsafe { text(ldName, ClientError::ObjectReferenceInvalid) }) else {
        // SAFETY: caller's contract.
        unsafe { set_error(error, IED_ERROR_OBJECT_REFERENCE_INVALID) };
        return 0;
    };
    // SAFETY: caller's contract.
    unsafe {
        name_list_async(
            self_,
            error,
            (pdu::CLASS_NAMED_VARIABLE, Some(ld)),
            continueAfter,
            result,
            handler,
            parameter,
        )
    }
}

/// One page of a logical device's data set names, asynchronously.
///
/// # Safety
/// As for `name_list_async`; `ldName` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalDeviceDataSetsAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    ldName: *const c_char,
    continueAfter: *const c_char,
    result: LinkedList,
    handler: IedConnection_GetNameListHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    let Ok(ld) = (unsafe { text(ldName, ClientError::ObjectReferenceInvalid) }) else {
        // SAFETY: caller's contract.
        unsafe { set_error(error, IED_ERROR_OBJECT_REFERENCE_INVALID) };
        return 0;
    };
    // SAFETY: caller's contract.
    unsafe {
        name_list_async(
            self_,
            error,
            (pdu::CLASS_NAMED_VARIABLE_LIST, Some(ld)),
            continueAfter,
            result,
            handler,
            parameter,
        )
    }
}
