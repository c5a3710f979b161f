//! `iec61850_server.h`: the IED server's configuration, start and stop, the data model
//! lock, attribute value updates and reads, and connection indications.

#![allow(non_camel_case_types, non_snake_case)]

use std::ffi::{c_char, c_int, c_void, CStr};
use std::net::IpAddr;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use super::iec61850_common::{Dbpos, Dbpos_toMmsValue, Quality, Quality_toMmsValue, Timestamp};
use super::iec61850_model::{DataAttribute, IedModel};
use super::mms_value::*;
use super::tls_config::TLSConfiguration;
use super::{c_str, guard, malloc_c_string};
use crate::mms::MmsValue;
use crate::server::model::ModelIndex;
use crate::server::runtime::{Connection, Server};

/// The reference's default limit of simultaneous MMS connections.
const DEFAULT_MAX_CONNECTIONS: c_int = 5;
/// The reference's default report buffer size (bytes), for BRCBs and URCBs.
const DEFAULT_REPORT_BUFFER: c_int = 65536;
/// The port `IedServer_start` uses for a negative port.
const DEFAULT_PORT: u16 = 102;

/// The server's configuration (`struct sIedServerConfig`, public in C).
#[repr(C)]
pub struct sIedServerConfig {
    /// Buffer of each BRCB (bytes).
    pub reportBufferSize: c_int,
    /// Buffer of each URCB (bytes).
    pub reportBufferSizeURCBs: c_int,
    /// Root of the file services (`malloc`ed).
    pub fileServiceBasepath: *mut c_char,
    /// File services offered.
    pub enableFileService: bool,
    /// Dynamic data set services offered.
    pub enableDynamicDataSetService: bool,
    /// Most association-specific data sets per connection.
    pub maxAssociationSpecificDataSets: c_int,
    /// Most dynamic domain-specific data sets.
    pub maxDomainSpecificDataSets: c_int,
    /// Most entries of a dynamic data set.
    pub maxDataSetEntries: c_int,
    /// Log services offered.
    pub enableLogService: bool,
    /// GOOSE publisher integrated in the server.
    pub useIntegratedGoosePublisher: bool,
    /// IEC 61850 edition (0: 1, 1: 2, 2: 2.1).
    pub edition: u8,
    /// Most simultaneous MMS connections.
    pub maxMmsConnections: c_int,
    /// Setting group editing offered.
    pub enableEditSG: bool,
    /// SGCB has ResvTms.
    pub enableResvTmsForSGCB: bool,
    /// BRCB has ResvTms.
    pub enableResvTmsForBRCB: bool,
    /// RCBs have Owner.
    pub enableOwnerForRCB: bool,
    /// Integrity reports at multiples of the period.
    pub syncIntegrityReportTimes: bool,
    /// `IEC61850_REPORTSETTINGS_*` bits clients may write.
    pub reportSettingsWritable: u8,
}

/// C `struct sIedServerConfig *` typedef `IedServerConfig`.
pub type IedServerConfig = *mut sIedServerConfig;

/// The object behind an [`IedServer`] handle (C only ever sees `struct sIedServer*`).
pub struct sIedServer {
    server: Server,
    model: *mut IedModel,
    local_ip: Mutex<Option<IpAddr>>,
    /// Whether the application holds the data model lock (`IedServer_lockDataModel`).
    app_locked: AtomicBool,
}

/// `IedServer`: handle to an opaque object.
pub type IedServer = *mut sIedServer;

/// The object behind a [`ClientConnection`] handle: a server connection.
pub struct sClientConnection {
    _private: [u8; 0],
}

/// `ClientConnection`: handle to an opaque object.
pub type ClientConnection = *mut sClientConnection;

/// C `IedConnectionIndicationHandler`.
pub type IedConnectionIndicationHandler =
    Option<unsafe extern "C" fn(IedServer, ClientConnection, bool, *mut c_void)>;

/// # Safety
/// `p` is NULL or a live handle of this library.
unsafe fn config<'a>(p: IedServerConfig) -> Option<&'a mut sIedServerConfig> {
    // SAFETY: the caller's contract.
    unsafe { p.as_mut() }
}

/// # Safety
/// `p` is NULL or a live handle of this library.
unsafe fn server<'a>(p: IedServer) -> Option<&'a sIedServer> {
    // SAFETY: the caller's contract.
    unsafe { p.as_ref() }
}

/// Creates a configuration with the reference's defaults.
#[no_mangle]
pub extern "C" fn IedServerConfig_create() -> IedServerConfig {
    guard(null_mut(), || {
        Box::into_raw(Box::new(sIedServerConfig {
            reportBufferSize: DEFAULT_REPORT_BUFFER,
            reportBufferSizeURCBs: DEFAULT_REPORT_BUFFER,
            fileServiceBasepath: malloc_c_string(b"./vmd-filestore/"),
            enableFileService: true,
            enableDynamicDataSetService: true,
            maxAssociationSpecificDataSets: 10,
            maxDomainSpecificDataSets: 10,
            maxDataSetEntries: 100,
            enableLogService: true,
            useIntegratedGoosePublisher: true,
            edition: 1,
            maxMmsConnections: DEFAULT_MAX_CONNECTIONS,
            enableEditSG: true,
            enableResvTmsForSGCB: true,
            enableResvTmsForBRCB: true,
            enableOwnerForRCB: false,
            syncIntegrityReportTimes: false,
            reportSettingsWritable: 0x3f,
        }))
    })
}

/// Releases a configuration (NULL is ignored).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_destroy(self_: IedServerConfig) {
    guard((), || {
        if !self_.is_null() {
            // SAFETY: created by IedServerConfig_create, released once.
            let c = unsafe { Box::from_raw(self_) };
            // SAFETY: NULL or a malloc'ed string.
            unsafe { libc::free(c.fileServiceBasepath.cast()) };
        }
    })
}

/// Defines a setter and a getter of one configuration field.
macro_rules! config_field {
    ($set:ident, $get:ident, $field:ident, $ty:ty, $arg:ident) => {
        /// Sets the field of the configuration.
        ///
        /// # Safety
        /// `self_` is NULL or a live configuration.
        #[no_mangle]
        pub unsafe extern "C" fn $set(self_: IedServerConfig, $arg: $ty) {
            // SAFETY: the caller's contract.
            guard((), || {
                if let Some(c) = unsafe { config(self_) } {
                    c.$field = $arg;
                }
            })
        }

        /// The field of the configuration (its default value for NULL).
        ///
        /// # Safety
        /// `self_` is NULL or a live configuration.
        #[no_mangle]
        pub unsafe extern "C" fn $get(self_: IedServerConfig) -> $ty {
            // SAFETY: the caller's contract.
            guard(<$ty>::default(), || {
                unsafe { config(self_) }.map_or(<$ty>::default(), |c| c.$field)
            })
        }
    };
}

config_field!(
    IedServerConfig_setEdition,
    IedServerConfig_getEdition,
    edition,
    u8,
    edition
);
config_field!(
    IedServerConfig_setReportBufferSize,
    IedServerConfig_getReportBufferSize,
    reportBufferSize,
    c_int,
    reportBufferSize
);
config_field!(
    IedServerConfig_setReportBufferSizeForURCBs,
    IedServerConfig_getReportBufferSizeForURCBs,
    reportBufferSizeURCBs,
    c_int,
    reportBufferSize
);
config_field!(
    IedServerConfig_setMaxMmsConnections,
    IedServerConfig_getMaxMmsConnections,
    maxMmsConnections,
    c_int,
    maxConnections
);
config_field!(
    IedServerConfig_enableFileService,
    IedServerConfig_isFileServiceEnabled,
    enableFileService,
    bool,
    enable
);
config_field!(
    IedServerConfig_enableDynamicDataSetService,
    IedServerConfig_isDynamicDataSetServiceEnabled,
    enableDynamicDataSetService,
    bool,
    enable
);
config_field!(
    IedServerConfig_setMaxAssociationSpecificDataSets,
    IedServerConfig_getMaxAssociationSpecificDataSets,
    maxAssociationSpecificDataSets,
    c_int,
    maxDataSets
);
config_field!(
    IedServerConfig_setMaxDomainSpecificDataSets,
    IedServerConfig_getMaxDomainSpecificDataSets,
    maxDomainSpecificDataSets,
    c_int,
    maxDataSets
);
config_field!(
    IedServerConfig_setMaxDataSetEntries,
    IedServerConfig_getMaxDatasSetEntries,
    maxDataSetEntries,
    c_int,
    maxDataSetEntries
);

/// Sets the root directory of the file services (copied; NULL is ignored).
///
/// # Safety
/// `self_` is NULL or a live configuration, `basepath` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_setFileServiceBasePath(
    self_: IedServerConfig,
    basepath: *const c_char,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        let (Some(c), Some(path)) = (unsafe { config(self_) }, unsafe { c_str(basepath) }) else {
            return;
        };
        let copy = malloc_c_string(path.to_bytes());
        if !copy.is_null() {
            // SAFETY: NULL or the malloc'ed previous path.
            unsafe { libc::free(c.fileServiceBasepath.cast()) };
            c.fileServiceBasepath = copy;
        }
    })
}

/// The root directory of the file services (owned by the configuration).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_getFileServiceBasePath(
    self_: IedServerConfig,
) -> *const c_char {
    // SAFETY: the caller's contract.
    guard(null_mut(), || {
        unsafe { config(self_) }.map_or(null_mut(), |c| c.fileServiceBasepath)
    })
}

/// Creates a server for `dataModel` with the default configuration (NULL for a model that
/// fails the checks).
///
/// # Safety
/// `dataModel` is NULL or a live model that outlives the server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_create(dataModel: *mut IedModel) -> IedServer {
    // SAFETY: the caller's contract.
    unsafe { IedServer_createWithConfig(dataModel, null_mut(), null_mut()) }
}

/// Creates a server for `dataModel` with `serverConfiguration` (NULL: defaults); NULL for a
/// model that fails the checks, or with a TLS configuration (TLS is not served yet).
///
/// # Safety
/// `dataModel` is NULL or a live model that outlives the server; `serverConfiguration` NULL
/// or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServer_createWithConfig(
    dataModel: *mut IedModel,
    tlsConfiguration: TLSConfiguration,
    serverConfiguration: IedServerConfig,
) -> IedServer {
    guard(null_mut(), || {
        if !tlsConfiguration.is_null() {
            return null_mut();
        }
        // SAFETY: the caller's contract.
        let max = unsafe { config(serverConfiguration) }
            .map_or(DEFAULT_MAX_CONNECTIONS, |c| c.maxMmsConnections);
        // SAFETY: NULL or a live model; `take` checks the whole graph before trusting it.
        let Ok(tree) = (unsafe { crate::model::tree::take(dataModel) }) else {
            return null_mut();
        };
        Box::into_raw(Box::new(sIedServer {
            server: Server::new(ModelIndex::new(tree), max.max(0) as usize),
            model: dataModel,
            local_ip: Mutex::new(None),
            app_locked: AtomicBool::new(false),
        }))
    })
}

/// Stops and releases a server (NULL is ignored); the model stays the caller's.
///
/// # Safety
/// `self_` is NULL or a live server, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn IedServer_destroy(self_: IedServer) {
    guard((), || {
        if !self_.is_null() {
            // SAFETY: created by IedServer_createWithConfig, released once.
            let s = unsafe { Box::from_raw(self_) };
            if s.app_locked.swap(false, Ordering::AcqRel) {
                // SAFETY: the application's lock (a forgotten guard) is released for it.
                unsafe { s.server.shared.model.force_unlock() };
            }
            drop(s);
        }
    })
}

/// Sets the address `IedServer_start` listens on (NULL or unparsable: all interfaces).
///
/// # Safety
/// `self_` is NULL or a live server, `localIpAddress` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedServer_setLocalIpAddress(
    self_: IedServer,
    localIpAddress: *const c_char,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        if let Some(s) = unsafe { server(self_) } {
            // SAFETY: the caller's contract.
            let ip = unsafe { c_str(localIpAddress) }.and_then(|t| t.to_str().ok()?.parse().ok());
            *s.local_ip.lock() = ip;
        }
    })
}

/// Sets the Identify answer (a NULL part keeps its current value).
///
/// # Safety
/// `self_` is NULL or a live server, the strings NULL or C strings.
#[no_mangle]
pub unsafe extern "C" fn IedServer_setServerIdentity(
    self_: IedServer,
    vendor: *const c_char,
    model: *const c_char,
    revision: *const c_char,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some(s) = (unsafe { server(self_) }) else {
            return;
        };
        let text = |p| {
            // SAFETY: the caller's contract.
            unsafe { c_str(p) }.map(|t: &CStr| t.to_string_lossy().into_owned())
        };
        let mut id = s.server.shared.identity.lock();
        if let Some(v) = text(vendor) {
            id.vendor = v;
        }
        if let Some(m) = text(model) {
            id.model = m;
        }
        if let Some(r) = text(revision) {
            id.revision = r;
        }
    })
}

/// Starts listening on `tcpPort` (negative: 102); nothing happens when already running or
/// when the port cannot be listened on.
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_start(self_: IedServer, tcpPort: c_int) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some(s) = (unsafe { server(self_) }) else {
            return;
        };
        let port = if tcpPort < 0 {
            DEFAULT_PORT
        } else {
            match u16::try_from(tcpPort) {
                Ok(p) => p,
                Err(_) => return,
            }
        };
        let ip = *s.local_ip.lock();
        // A port in use leaves the server stopped, as isRunning then tells.
        let _ = s.server.start(ip, port);
    })
}

/// Stops listening and closes every connection; returns once their handlers ran.
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_stop(self_: IedServer) {
    // SAFETY: the caller's contract.
    guard((), || {
        if let Some(s) = unsafe { server(self_) } {
            s.server.stop();
        }
    })
}

/// Whether the server listens.
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_isRunning(self_: IedServer) -> bool {
    // SAFETY: the caller's contract.
    guard(false, || {
        unsafe { server(self_) }.is_some_and(|s| s.server.is_running())
    })
}

/// Number of open client connections.
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_getNumberOfOpenConnections(self_: IedServer) -> c_int {
    // SAFETY: the caller's contract.
    guard(0, || {
        unsafe { server(self_) }.map_or(0, |s| s.server.shared.open_connections() as c_int)
    })
}

/// The served model.
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_getDataModel(self_: IedServer) -> *mut IedModel {
    // SAFETY: the caller's contract.
    guard(null_mut(), || {
        unsafe { server(self_) }.map_or(null_mut(), |s| s.model)
    })
}

/// Takes the data model lock: clients' reads and writes wait until it is released.
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_lockDataModel(self_: IedServer) {
    guard((), || {
        // SAFETY: the caller's contract.
        if let Some(s) = unsafe { server(self_) } {
            // Held across C calls: the guard is forgotten and released by unlockDataModel.
            std::mem::forget(s.server.shared.model.lock());
            s.app_locked.store(true, Ordering::Release);
        }
    })
}

/// Releases the data model lock (nothing happens when the application does not hold it).
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_unlockDataModel(self_: IedServer) {
    guard((), || {
        // SAFETY: the caller's contract.
        if let Some(s) = unsafe { server(self_) } {
            if s.app_locked.swap(false, Ordering::AcqRel) {
                // SAFETY: IedServer_lockDataModel locked it and forgot the guard.
                unsafe { s.server.shared.model.force_unlock() };
            }
        }
    })
}

/// Tells `handler` (on the callback thread) of every connection opened and closed.
///
/// # Safety
/// `self_` is NULL or a live server; `handler` is callable with `parameter` while set.
#[no_mangle]
pub unsafe extern "C" fn IedServer_setConnectionIndicationHandler(
    self_: IedServer,
    handler: IedConnectionIndicationHandler,
    parameter: *mut c_void,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some(s) = (unsafe { server(self_) }) else {
            return;
        };
        let (me, param) = (self_ as usize, parameter as usize);
        *s.server.shared.on_connection.lock() = handler.map(|h| {
            Arc::new(move |c: &Arc<Connection>, connected: bool| {
                let conn = Arc::as_ptr(c) as ClientConnection;
                // SAFETY: the application's handler, with the server, the connection (alive
                // while the closure holds it) and its parameter.
                unsafe { h(me as IedServer, conn, connected, param as *mut c_void) }
            }) as crate::server::runtime::ConnectionHandler
        });
    })
}

/// # Safety
/// `p` is NULL or a connection handed to a connection indication handler, still alive.
unsafe fn connection<'a>(p: ClientConnection) -> Option<&'a Connection> {
    // SAFETY: the handle is an `Arc<Connection>`'s pointer (see the indication handler).
    unsafe { (p as *const Connection).as_ref() }
}

/// The client's address, `ip:port`.
///
/// # Safety
/// `self_` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ClientConnection_getPeerAddress(self_: ClientConnection) -> *const c_char {
    // SAFETY: the caller's contract.
    guard(null_mut(), || {
        unsafe { connection(self_) }.map_or(std::ptr::null(), |c| c.peer_text.as_ptr())
    })
}

/// Our address of the connection, `ip:port`.
///
/// # Safety
/// `self_` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ClientConnection_getLocalAddress(
    self_: ClientConnection,
) -> *const c_char {
    // SAFETY: the caller's contract.
    guard(null_mut(), || {
        unsafe { connection(self_) }.map_or(std::ptr::null(), |c| c.local_text.as_ptr())
    })
}

/// The value of a data attribute (NULL for none).
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of a live model.
unsafe fn value_of(dataAttribute: *const DataAttribute) -> *mut MmsValue {
    // SAFETY: the caller's contract.
    unsafe { dataAttribute.as_ref() }.map_or(null_mut(), |da| da.mmsValue)
}

/// The value of an attribute (owned by the model).
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_getAttributeValue(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
) -> *mut MmsValue {
    let _ = self_;
    // SAFETY: the caller's contract.
    guard(null_mut(), || unsafe { value_of(dataAttribute) })
}

/// Defines a typed getter of an attribute value through an `MmsValue` accessor.
macro_rules! typed_getter {
    ($name:ident, $ty:ty, $fallback:expr, $get:ident) => {
        /// The attribute's value of that type (0/false/NULL for none or another type).
        ///
        /// # Safety
        /// `dataAttribute` is NULL or an attribute of the server's model.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            self_: IedServer,
            dataAttribute: *const DataAttribute,
        ) -> $ty {
            let _ = self_;
            // SAFETY: the caller's contract; the accessor takes NULL.
            guard($fallback, || unsafe { $get(value_of(dataAttribute)) })
        }
    };
}

typed_getter!(
    IedServer_getBooleanAttributeValue,
    bool,
    false,
    MmsValue_getBoolean
);
typed_getter!(IedServer_getInt32AttributeValue, i32, 0, MmsValue_toInt32);
typed_getter!(IedServer_getInt64AttributeValue, i64, 0, MmsValue_toInt64);
typed_getter!(IedServer_getUInt32AttributeValue, u32, 0, MmsValue_toUint32);
typed_getter!(IedServer_getFloatAttributeValue, f32, 0.0, MmsValue_toFloat);
typed_getter!(
    IedServer_getUTCTimeAttributeValue,
    u64,
    0,
    MmsValue_getUtcTimeInMs
);
typed_getter!(
    IedServer_getBitStringAttributeValue,
    u32,
    0,
    MmsValue_getBitStringAsInteger
);
typed_getter!(
    IedServer_getStringAttributeValue,
    *const c_char,
    std::ptr::null(),
    MmsValue_toString
);

/// Copies `value` into the attribute's value when both have the same type.
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model; `value` NULL or a value.
#[no_mangle]
pub unsafe extern "C" fn IedServer_updateAttributeValue(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    value: *mut MmsValue,
) {
    let _ = self_;
    // SAFETY: the caller's contract; MmsValue_update takes NULL.
    guard((), || unsafe {
        MmsValue_update(value_of(dataAttribute), value);
    })
}

/// Defines a typed update of an attribute value through an `MmsValue` setter.
macro_rules! typed_update {
    ($name:ident, $ty:ty, |$v:ident, $x:ident| $set:expr) => {
        /// Sets the attribute's value (of a matching type) to `value`.
        ///
        /// # Safety
        /// `dataAttribute` is NULL or an attribute of the server's model.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            self_: IedServer,
            dataAttribute: *mut DataAttribute,
            value: $ty,
        ) {
            let _ = self_;
            guard((), || {
                // SAFETY: the caller's contract.
                let $v = unsafe { value_of(dataAttribute) };
                let $x = value;
                if !$v.is_null() {
                    // SAFETY: a live value; the setters check its type.
                    unsafe { $set };
                }
            })
        }
    };
}

typed_update!(IedServer_updateFloatAttributeValue, f32, |v, x| {
    MmsValue_setFloat(v, x)
});
typed_update!(IedServer_updateInt32AttributeValue, i32, |v, x| {
    MmsValue_setInt32(v, x)
});
typed_update!(IedServer_updateInt64AttributeValue, i64, |v, x| {
    MmsValue_setInt64(v, x)
});
typed_update!(IedServer_updateUnsignedAttributeValue, u32, |v, x| {
    MmsValue_setUint32(v, x)
});
typed_update!(IedServer_updateBitStringAttributeValue, u32, |v, x| {
    MmsValue_setBitStringFromInteger(v, x)
});
typed_update!(IedServer_updateBooleanAttributeValue, bool, |v, x| {
    MmsValue_setBoolean(v, x)
});
typed_update!(
    IedServer_updateVisibleStringAttributeValue,
    *mut c_char,
    |v, x| MmsValue_setVisibleString(v, x)
);
typed_update!(IedServer_updateUTCTimeAttributeValue, u64, |v, x| {
    MmsValue_setUtcTimeMs(v, x)
});
typed_update!(IedServer_updateDbposValue, Dbpos, |v, x| {
    Dbpos_toMmsValue(v, x)
});
typed_update!(IedServer_updateQuality, Quality, |v, x| {
    let mut q = x;
    Quality_toMmsValue(&mut q, v)
});
typed_update!(
    IedServer_updateTimestampAttributeValue,
    *mut Timestamp,
    |v, x| {
        // SAFETY: NULL or a Timestamp; every bit pattern of it is valid octets.
        if let Some(t) = x.as_ref() {
            MmsValue_setUtcTimeByBuffer(v, t.val.as_ptr())
        }
    }
);
