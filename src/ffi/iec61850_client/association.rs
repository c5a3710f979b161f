//! The association parameters of an IedConnection: the ISO/ACSE parameters C reaches through
//! `IedConnection_getMmsConnection` + `MmsConnection_getIsoConnectionParameters`, TLS
//! creation (not supported) and `IedClientError_toString`.

use super::*;
use crate::ffi::iso_connection_parameters::{sIsoConnectionParameters, IsoConnectionParameters};
use crate::ffi::mms_client_connection::{sMmsConnection, MmsConnection};
use std::cell::UnsafeCell;

/// The ISO parameters of an IedConnection, at a fixed address that C writes through
/// (`IsoConnectionParameters_set*`); read when connecting.
pub(super) struct IsoStorage(Box<UnsafeCell<sIsoConnectionParameters>>);

// SAFETY: the struct is plain data; as with the reference, the application does not
// change it while a connect that reads it is running.
unsafe impl Send for IsoStorage {}
// SAFETY: as above.
unsafe impl Sync for IsoStorage {}

impl IsoStorage {
    /// The reference's defaults.
    pub(super) fn new() -> Self {
        IsoStorage(Box::new(UnsafeCell::new(
            sIsoConnectionParameters::client_default(),
        )))
    }

    /// The struct's address for C.
    fn ptr(&self) -> IsoConnectionParameters {
        self.0.get()
    }
}

/// Takes the selectors, AP titles and password of the connection's ISO parameters into
/// the configuration of the next connect.
///
/// # Safety
/// `handle` is a live handle whose ISO parameters (and authentication parameter) are not
/// being changed meanwhile.
pub(super) unsafe fn configure_iso(handle: &sIedConnection) {
    // SAFETY: caller's contract.
    let params = unsafe { &*handle.iso.ptr() };
    handle.conn.configure(|c| {
        // SAFETY: caller's contract.
        unsafe { params.apply(&mut c.iso) };
        // SAFETY: a non-NULL address is a C string by the setter's contract.
        let local = unsafe { c_str(params.localIpAddress) }
            .and_then(|s| s.to_str().ok())
            .and_then(|ip| ip.parse::<std::net::IpAddr>().ok());
        if let Some(ip) = local {
            let port = u16::try_from(params.localTcpPort).unwrap_or(0);
            c.local_address = Some(std::net::SocketAddr::new(ip, port));
        }
    });
}

/// The MMS connection of an IedConnection. It is the IedConnection handle itself, seen
/// through the `MmsConnection` type: valid exactly as long as the IedConnection, and
/// understood by `MmsConnection_getIsoConnectionParameters`.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getMmsConnection(self_: IedConnection) -> MmsConnection {
    self_.cast::<sMmsConnection>()
}

/// The ISO connection parameters of the MMS connection of an IedConnection (owned by the
/// connection; changes apply to the next connect). NULL for NULL.
///
/// # Safety
/// `self_` is NULL or a handle from `IedConnection_getMmsConnection` of a live connection.
#[no_mangle]
pub unsafe extern "C" fn MmsConnection_getIsoConnectionParameters(
    self_: MmsConnection,
) -> IsoConnectionParameters {
    // SAFETY: caller's contract: the handle is an IedConnection's.
    unsafe { self_.cast::<sIedConnection>().as_ref() }.map_or(std::ptr::null_mut(), |h| h.iso.ptr())
}

/// TLS is not supported: always NULL (no connection is created).
#[no_mangle]
pub extern "C" fn IedConnection_createWithTlsSupport(
    _tlsConfig: TLSConfiguration,
) -> IedConnection {
    std::ptr::null_mut()
}

/// The reference's text of an error code (`unknown-error` for other values).
#[no_mangle]
pub extern "C" fn IedClientError_toString(err: IedClientError) -> *const c_char {
    let text: &'static [u8] = match err {
        IED_ERROR_OK => b"ok\0",
        IED_ERROR_NOT_CONNECTED => b"not-connected\0",
        IED_ERROR_ALREADY_CONNECTED => b"already-connected\0",
        IED_ERROR_CONNECTION_LOST => b"connection-lost\0",
        IED_ERROR_SERVICE_NOT_SUPPORTED => b"service-not-supported\0",
        IED_ERROR_CONNECTION_REJECTED => b"connection-rejected\0",
        IED_ERROR_OUTSTANDING_CALL_LIMIT_REACHED => b"outstanding-call-limit-reached\0",
        IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT => b"invalid-argument\0",
        IED_ERROR_ENABLE_REPORT_FAILED_DATASET_MISMATCH => {
            b"enable-report-failed-due-to-dataset-mismatch\0"
        }
        IED_ERROR_OBJECT_REFERENCE_INVALID => b"object-reference-invalid\0",
        IED_ERROR_UNEXPECTED_VALUE_RECEIVED => b"unexpected-value-received\0",
        IED_ERROR_TIMEOUT => b"timeout\0",
        IED_ERROR_ACCESS_DENIED => b"access-denied\0",
        IED_ERROR_OBJECT_DOES_NOT_EXIST => b"object-does-not-exist\0",
        IED_ERROR_OBJECT_EXISTS => b"object-exists\0",
        IED_ERROR_OBJECT_ACCESS_UNSUPPORTED => b"object-access-unsupported\0",
        IED_ERROR_TYPE_INCONSISTENT => b"type-inconsistent\0",
        IED_ERROR_TEMPORARILY_UNAVAILABLE => b"temporary-unavailable\0",
        IED_ERROR_OBJECT_UNDEFINED => b"object-undefined\0",
        IED_ERROR_INVALID_ADDRESS => b"invalid-address\0",
        IED_ERROR_HARDWARE_FAULT => b"hardware-fault\0",
        IED_ERROR_TYPE_UNSUPPORTED => b"type-unsupported\0",
        IED_ERROR_OBJECT_ATTRIBUTE_INCONSISTENT => b"object-attribute-inconsistent\0",
        IED_ERROR_OBJECT_VALUE_INVALID => b"object-value-invalid\0",
        IED_ERROR_OBJECT_INVALIDATED => b"object-invalidated\0",
        IED_ERROR_MALFORMED_MESSAGE => b"malformed-message\0",
        IED_ERROR_OBJECT_CONSTRAINT_CONFLICT => b"object-constraint-conflict\0",
        IED_ERROR_SERVICE_NOT_IMPLEMENTED => b"service-not-implemented\0",
        _ => b"unknown-error\0",
    };
    text.as_ptr().cast()
}
