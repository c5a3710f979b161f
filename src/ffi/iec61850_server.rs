//! `iec61850_server.h`: the IED server's configuration, start and stop, the data model
//! lock, attribute value updates and reads, and connection indications.

#![allow(non_camel_case_types, non_snake_case)]

use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

use super::iec61850_common::{
    Dbpos, Dbpos_toMmsValue, FunctionalConstraint, Quality, Quality_toMmsValue, Timestamp,
};
use super::iec61850_model::{DataAttribute, DataObject, IedModel, LogicalDevice, LogicalNode};
use super::iso_connection_parameters::{
    sAcseAuthenticationParameter, AcseAuthenticationPassword, AcseAuthenticationValue,
    AcseAuthenticator, ACSE_AUTH_NONE, ACSE_AUTH_PASSWORD,
};
use super::mms_common::{IsoApplicationReference, ItuObjectIdentifier};
use super::mms_value::*;
use super::tls_config::TLSConfiguration;
use super::{c_str, guard, malloc_c_string};
use crate::hal::now_ms;
use crate::mms::MmsValue;
use crate::server::access::{AccessHandlers, ReadHandler, Scope, WriteHandler};
use crate::server::config::{
    report_settings_with, time_quality, ServerSettings, DEFAULT_TIME_QUALITY,
};
use crate::server::control::{self as engine, Action, Controls};
use crate::server::fc_data::FcData;
use crate::server::model::ModelIndex;
use crate::server::protocol::AssociateRequest;
use crate::server::reporting::{TRG_DATA_CHANGED, TRG_DATA_UPDATE, TRG_QUALITY_CHANGED};
use crate::server::runtime::{Application, Authenticator, Connection, Server};

/// The reference's default limit of simultaneous MMS connections.
const DEFAULT_MAX_CONNECTIONS: c_int = 5;
/// The reference's default report buffer size (bytes), for BRCBs and URCBs.
const DEFAULT_REPORT_BUFFER: c_int = 65536;
/// The port `IedServer_start` uses for a negative port.
const DEFAULT_PORT: u16 = 102;

/// `IedServerConfig_setReportSetting` bit: RptID can be written by clients.
pub const IEC61850_REPORTSETTINGS_RPT_ID: u8 = 1;
/// `IedServerConfig_setReportSetting` bit: BufTm can be written by clients.
pub const IEC61850_REPORTSETTINGS_BUF_TIME: u8 = 2;
/// `IedServerConfig_setReportSetting` bit: DatSet can be written by clients.
pub const IEC61850_REPORTSETTINGS_DATSET: u8 = 4;
/// `IedServerConfig_setReportSetting` bit: TrgOps can be written by clients.
pub const IEC61850_REPORTSETTINGS_TRG_OPS: u8 = 8;
/// `IedServerConfig_setReportSetting` bit: OptFlds can be written by clients.
pub const IEC61850_REPORTSETTINGS_OPT_FIELDS: u8 = 16;
/// `IedServerConfig_setReportSetting` bit: IntgPd can be written by clients.
pub const IEC61850_REPORTSETTINGS_INTG_PD: u8 = 32;

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
    /// Addresses added with `IedServer_addAccessPoint` (`None`: unparsable).
    access_points: Mutex<Vec<Option<SocketAddr>>>,
    /// The configuration as it was at creation. Kept here for the reporting, logging,
    /// setting group and GOOSE engines (which need it moved into the runtime's `Shared`);
    /// what applies today: the connection limit, and no journals without log services.
    #[allow(dead_code)]
    settings: ServerSettings,
    /// Time quality octet of the timestamps the server writes (`IedServer_setTimeQuality`).
    time_quality: AtomicU8,
    /// The structures `IedServer_getFunctionalConstrainedData` lends out.
    fc_data: FcData,
    /// The access handlers (write and read), the server's application.
    access_handlers: Arc<AccessHandlers>,
    /// The control engine (one of the server's applications).
    controls: Arc<Controls>,
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

/// Changes a field of a live configuration (nothing for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
unsafe fn set_field(self_: IedServerConfig, f: impl FnOnce(&mut sIedServerConfig)) {
    guard((), || {
        // SAFETY: the caller's contract.
        if let Some(c) = unsafe { config(self_) } {
            f(c);
        }
    })
}

/// Reads a field of a live configuration (the default value for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
unsafe fn get_field<T: Default + Copy>(
    self_: IedServerConfig,
    f: impl FnOnce(&sIedServerConfig) -> T,
) -> T {
    // SAFETY: the caller's contract.
    guard(T::default(), || {
        unsafe { config(self_) }.map_or(T::default(), |c| f(c))
    })
}

/// `IedServerConfig_setEdition`: sets `edition` of the configuration.
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_setEdition(self_: IedServerConfig, edition: u8) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.edition = edition) }
}

/// `IedServerConfig_getEdition`: `edition` of the configuration (its default for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_getEdition(self_: IedServerConfig) -> u8 {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.edition) }
}

/// `IedServerConfig_setReportBufferSize`: sets `reportBufferSize` of the configuration.
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_setReportBufferSize(
    self_: IedServerConfig,
    reportBufferSize: c_int,
) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.reportBufferSize = reportBufferSize) }
}

/// `IedServerConfig_getReportBufferSize`: `reportBufferSize` of the configuration (its default for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_getReportBufferSize(self_: IedServerConfig) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.reportBufferSize) }
}

/// `IedServerConfig_setReportBufferSizeForURCBs`: sets `reportBufferSizeURCBs` of the configuration.
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_setReportBufferSizeForURCBs(
    self_: IedServerConfig,
    reportBufferSize: c_int,
) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.reportBufferSizeURCBs = reportBufferSize) }
}

/// `IedServerConfig_getReportBufferSizeForURCBs`: `reportBufferSizeURCBs` of the configuration (its default for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_getReportBufferSizeForURCBs(
    self_: IedServerConfig,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.reportBufferSizeURCBs) }
}

/// `IedServerConfig_setMaxMmsConnections`: sets `maxMmsConnections` of the configuration.
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_setMaxMmsConnections(
    self_: IedServerConfig,
    maxConnections: c_int,
) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.maxMmsConnections = maxConnections) }
}

/// `IedServerConfig_getMaxMmsConnections`: `maxMmsConnections` of the configuration (its default for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_getMaxMmsConnections(self_: IedServerConfig) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.maxMmsConnections) }
}

/// `IedServerConfig_enableFileService`: sets `enableFileService` of the configuration.
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_enableFileService(self_: IedServerConfig, enable: bool) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.enableFileService = enable) }
}

/// `IedServerConfig_isFileServiceEnabled`: `enableFileService` of the configuration (its default for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_isFileServiceEnabled(self_: IedServerConfig) -> bool {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.enableFileService) }
}

/// `IedServerConfig_enableDynamicDataSetService`: sets `enableDynamicDataSetService` of the configuration.
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_enableDynamicDataSetService(
    self_: IedServerConfig,
    enable: bool,
) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.enableDynamicDataSetService = enable) }
}

/// `IedServerConfig_isDynamicDataSetServiceEnabled`: `enableDynamicDataSetService` of the configuration (its default for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_isDynamicDataSetServiceEnabled(
    self_: IedServerConfig,
) -> bool {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.enableDynamicDataSetService) }
}

/// `IedServerConfig_setMaxAssociationSpecificDataSets`: sets `maxAssociationSpecificDataSets` of the configuration.
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_setMaxAssociationSpecificDataSets(
    self_: IedServerConfig,
    maxDataSets: c_int,
) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.maxAssociationSpecificDataSets = maxDataSets) }
}

/// `IedServerConfig_getMaxAssociationSpecificDataSets`: `maxAssociationSpecificDataSets` of the configuration (its default for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_getMaxAssociationSpecificDataSets(
    self_: IedServerConfig,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.maxAssociationSpecificDataSets) }
}

/// `IedServerConfig_setMaxDomainSpecificDataSets`: sets `maxDomainSpecificDataSets` of the configuration.
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_setMaxDomainSpecificDataSets(
    self_: IedServerConfig,
    maxDataSets: c_int,
) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.maxDomainSpecificDataSets = maxDataSets) }
}

/// `IedServerConfig_getMaxDomainSpecificDataSets`: `maxDomainSpecificDataSets` of the configuration (its default for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_getMaxDomainSpecificDataSets(
    self_: IedServerConfig,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.maxDomainSpecificDataSets) }
}

/// `IedServerConfig_setMaxDataSetEntries`: sets `maxDataSetEntries` of the configuration.
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_setMaxDataSetEntries(
    self_: IedServerConfig,
    maxDataSetEntries: c_int,
) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.maxDataSetEntries = maxDataSetEntries) }
}

/// `IedServerConfig_getMaxDatasSetEntries`: `maxDataSetEntries` of the configuration (its default for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_getMaxDatasSetEntries(self_: IedServerConfig) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.maxDataSetEntries) }
}

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

/// Sends integrity reports at multiples of the integrity period (`enable`) instead of
/// counting the period from the enable (stored for the reporting engine).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_setSyncIntegrityReportTimes(
    self_: IedServerConfig,
    enable: bool,
) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.syncIntegrityReportTimes = enable) }
}

/// Whether integrity reports are sent at multiples of the integrity period (false for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_getSyncIntegrityReportTimes(
    self_: IedServerConfig,
) -> bool {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.syncIntegrityReportTimes) }
}

/// Offers the log services (`enable`); without them a server offers no journals.
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_enableLogService(self_: IedServerConfig, enable: bool) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.enableLogService = enable) }
}

/// Whether the log services are offered (false for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_isLogServiceEnabled(self_: IedServerConfig) -> bool {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.enableLogService) }
}

/// Offers setting group editing (`enable`; stored for the setting group engine).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_enableEditSG(self_: IedServerConfig, enable: bool) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.enableEditSG = enable) }
}

/// Gives SGCBs a ResvTms attribute (`enable`; stored for the setting group engine).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_enableResvTmsForSGCB(
    self_: IedServerConfig,
    enable: bool,
) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.enableResvTmsForSGCB = enable) }
}

/// Gives BRCBs a ResvTms attribute (`enable`; stored for the reporting engine).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_enableResvTmsForBRCB(
    self_: IedServerConfig,
    enable: bool,
) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.enableResvTmsForBRCB = enable) }
}

/// Whether BRCBs have a ResvTms attribute (false for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_isResvTmsForBRCBEnabled(self_: IedServerConfig) -> bool {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.enableResvTmsForBRCB) }
}

/// Gives RCBs an Owner attribute (`enable`; stored for the reporting engine).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_enableOwnerForRCB(self_: IedServerConfig, enable: bool) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.enableOwnerForRCB = enable) }
}

/// Whether RCBs have an Owner attribute (false for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_isOwnerForRCBEnabled(self_: IedServerConfig) -> bool {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.enableOwnerForRCB) }
}

/// Uses the GOOSE publisher integrated in the server (`enable`; stored for the GOOSE
/// publisher).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_useIntegratedGoosePublisher(
    self_: IedServerConfig,
    enable: bool,
) {
    // SAFETY: the caller's contract.
    unsafe { set_field(self_, |c| c.useIntegratedGoosePublisher = enable) }
}

/// Makes the `IEC61850_REPORTSETTINGS_*` bits of `setting` writable by clients (`isDyn`) or
/// fixed to the configured values; bits beyond the six settings are never stored (stored
/// for the reporting engine).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_setReportSetting(
    self_: IedServerConfig,
    setting: u8,
    isDyn: bool,
) {
    // SAFETY: the caller's contract.
    unsafe {
        set_field(self_, |c| {
            c.reportSettingsWritable =
                report_settings_with(c.reportSettingsWritable, setting, isDyn)
        })
    }
}

/// Whether any of the `IEC61850_REPORTSETTINGS_*` bits of `setting` is writable by clients
/// (false for NULL).
///
/// # Safety
/// `self_` is NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn IedServerConfig_getReportSetting(
    self_: IedServerConfig,
    setting: u8,
) -> bool {
    // SAFETY: the caller's contract.
    unsafe { get_field(self_, |c| c.reportSettingsWritable & setting != 0) }
}

/// The server's copy of a configuration (the defaults for NULL).
///
/// # Safety
/// `c` is NULL or a live configuration.
unsafe fn settings_of(c: IedServerConfig) -> ServerSettings {
    // SAFETY: the caller's contract.
    let Some(c) = (unsafe { config(c) }) else {
        return ServerSettings::default();
    };
    let size = |n: c_int| usize::try_from(n).unwrap_or(0);
    ServerSettings {
        edition: c.edition,
        report_buffer_size: size(c.reportBufferSize),
        report_buffer_size_urcbs: size(c.reportBufferSizeURCBs),
        file_service: c.enableFileService,
        // SAFETY: NULL or the configuration's C string.
        file_service_basepath: unsafe { c_str(c.fileServiceBasepath) }
            .map_or_else(String::new, |p| p.to_string_lossy().into_owned()),
        dynamic_data_sets: c.enableDynamicDataSetService,
        max_association_specific_data_sets: size(c.maxAssociationSpecificDataSets),
        max_domain_specific_data_sets: size(c.maxDomainSpecificDataSets),
        max_data_set_entries: size(c.maxDataSetEntries),
        log_service: c.enableLogService,
        integrated_goose_publisher: c.useIntegratedGoosePublisher,
        max_mms_connections: size(c.maxMmsConnections),
        edit_sg: c.enableEditSG,
        resv_tms_for_sgcb: c.enableResvTmsForSGCB,
        resv_tms_for_brcb: c.enableResvTmsForBRCB,
        owner_for_rcb: c.enableOwnerForRCB,
        sync_integrity_report_times: c.syncIntegrityReportTimes,
        report_settings_writable: c.reportSettingsWritable,
    }
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

/// Creates a server for `dataModel` with the default configuration and `tlsConfiguration`
/// (NULL: plain MMS); with a TLS configuration it gives NULL, as `IedServer_createWithConfig`
/// does (TLS is not served yet).
///
/// # Safety
/// As `IedServer_createWithConfig`.
#[no_mangle]
pub unsafe extern "C" fn IedServer_createWithTlsSupport(
    dataModel: *mut IedModel,
    tlsConfiguration: TLSConfiguration,
) -> IedServer {
    // SAFETY: the caller's contract.
    unsafe { IedServer_createWithConfig(dataModel, tlsConfiguration, null_mut()) }
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
        let settings = unsafe { settings_of(serverConfiguration) };
        // SAFETY: NULL or a live model; `take` checks the whole graph before trusting it.
        let Ok(tree) = (unsafe { crate::model::tree::take(dataModel) }) else {
            return null_mut();
        };
        let mut index = ModelIndex::new(tree, now_ms());
        if !settings.log_service {
            // Observed on the reference: without log services no journal is offered.
            index.domains.iter_mut().for_each(|d| d.journals.clear());
        }
        // SAFETY: the structures are freed with the server, before the caller may free the
        // model; the application uses them under the data model lock, as the reference's.
        let fc_data = unsafe { FcData::new(&index) };
        let server = Server::new(index, settings.max_mms_connections);
        let controls = Arc::new(Controls::new());
        let access_handlers = Arc::new(AccessHandlers::default());
        {
            // Controls first: a control object's requests are the control engine's even
            // when access handlers are installed.
            let mut applications = server.shared.applications.lock();
            applications.push(controls.clone() as Arc<dyn Application>);
            applications.push(access_handlers.clone() as Arc<dyn Application>);
        }
        Box::into_raw(Box::new(sIedServer {
            server,
            controls,
            model: dataModel,
            local_ip: Mutex::new(None),
            access_points: Mutex::new(Vec::new()),
            settings,
            time_quality: AtomicU8::new(DEFAULT_TIME_QUALITY),
            fc_data,
            access_handlers,
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
            // The application's lock is released for it.
            s.server.shared.unlock_for_app();
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

/// C enum `AccessPolicy` (kept as an integer so that any value from C is sound).
pub type AccessPolicy = c_int;
/// `AccessPolicy` value: clients may write.
pub const ACCESS_POLICY_ALLOW: AccessPolicy = 0;
/// `AccessPolicy` value: clients may not write.
pub const ACCESS_POLICY_DENY: AccessPolicy = 1;

/// While `enable` is set, the server drops what clients send without answering (their
/// calls time out; new associations are not answered either), as the reference does.
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_ignoreClientRequests(self_: IedServer, enable: bool) {
    guard((), || {
        // SAFETY: the caller's contract.
        if let Some(s) = unsafe { server(self_) } {
            s.server
                .shared
                .ignore_requests
                .store(enable, Ordering::Release);
        }
    })
}

/// Allows or denies client writes of data with the functional constraint `fc`: SP, SV, CF
/// and DC can be changed (SP and SV are allowed, CF and DC denied at first); other FCs
/// and unknown policies are ignored, as on the reference.
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_setWriteAccessPolicy(
    self_: IedServer,
    fc: FunctionalConstraint,
    policy: AccessPolicy,
) {
    guard((), || {
        let allow = match policy {
            ACCESS_POLICY_ALLOW => true,
            ACCESS_POLICY_DENY => false,
            _ => return,
        };
        // SAFETY: the caller's contract.
        if let Some(s) = unsafe { server(self_) } {
            s.server.shared.write_policy.lock().set(fc, allow);
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
        let mut shared = s.server.shared.identity.lock();
        let id = Arc::make_mut(&mut shared);
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

/// The addresses a start with `tcpPort` listens on, as on the reference: a port of 0 or
/// more is listened on at the local IP address (all interfaces when unset) and the access
/// points are not; a negative port means the access points, or port 102 when there are
/// none. `None` when an address is invalid (nothing is listened on then).
fn listen_addresses(s: &sIedServer, tcpPort: c_int) -> Option<Vec<SocketAddr>> {
    let any = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    let local = s.local_ip.lock().unwrap_or(any);
    if tcpPort >= 0 {
        return Some(vec![SocketAddr::new(local, u16::try_from(tcpPort).ok()?)]);
    }
    let points = s.access_points.lock();
    if points.is_empty() {
        return Some(vec![SocketAddr::new(local, DEFAULT_PORT)]);
    }
    points.iter().copied().collect()
}

/// Starts listening (see [`listen_addresses`] for where); nothing happens when already
/// running or when an address cannot be listened on (`IedServer_isRunning` tells).
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
        if let Some(addrs) = listen_addresses(s, tcpPort) {
            // An address in use leaves the server stopped, as isRunning then tells.
            let _ = s.server.start(&addrs);
        }
    })
}

/// Starts listening as `IedServer_start` does, in threadless mode: no thread of the library
/// serves the server; the application calls `IedServer_processIncomingData` and
/// `IedServer_performPeriodicTasks` (handlers then run on its thread).
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_startThreadless(self_: IedServer, tcpPort: c_int) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some(s) = (unsafe { server(self_) }) else {
            return;
        };
        if let Some(addrs) = listen_addresses(s, tcpPort) {
            let _ = s.server.start_threadless(&addrs);
        }
    })
}

/// Threadless mode: waits up to `timeoutMs` for a client's connection or data; 1 when some
/// is ready to be processed, 0 otherwise (a threaded or stopped server waits the timeout
/// and returns 0, as the reference does).
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_waitReady(self_: IedServer, timeoutMs: c_uint) -> c_int {
    guard(0, || {
        // SAFETY: the caller's contract.
        let Some(s) = (unsafe { server(self_) }) else {
            return 0;
        };
        let timeout = Duration::from_millis(u64::from(timeoutMs));
        c_int::from(s.server.wait_ready(timeout))
    })
}

/// Threadless mode: accepts new clients and serves what clients sent, without blocking;
/// the handlers this needs run before it returns.
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_processIncomingData(self_: IedServer) {
    guard((), || {
        // SAFETY: the caller's contract.
        if let Some(s) = unsafe { server(self_) } {
            s.server.process_incoming_data();
        }
    })
}

/// Threadless mode: runs what is due by time (timeouts, periodic engines).
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_performPeriodicTasks(self_: IedServer) {
    guard((), || {
        // SAFETY: the caller's contract.
        if let Some(s) = unsafe { server(self_) } {
            s.server.perform_periodic_tasks();
        }
    })
}

/// Stops a server started with `IedServer_startThreadless` (closes every connection; their
/// indications run on the calling thread before it returns).
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_stopThreadless(self_: IedServer) {
    guard((), || {
        // SAFETY: the caller's contract.
        if let Some(s) = unsafe { server(self_) } {
            s.server.stop();
        }
    })
}

/// Adds a listening address for starts with a negative port (see [`listen_addresses`]):
/// `ipAddr` (an address or a host name) NULL means all interfaces, a negative `tcpPort`
/// 102. An address that cannot be resolved makes such a start fail. False for a NULL server, a port above
/// 65535 and a TLS configuration (TLS is not served yet).
///
/// # Safety
/// `self_` is NULL or a live server, `ipAddr` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedServer_addAccessPoint(
    self_: IedServer,
    ipAddr: *const c_char,
    tcpPort: c_int,
    tlsConfiguration: TLSConfiguration,
) -> bool {
    guard(false, || {
        // SAFETY: the caller's contract.
        let Some(s) = (unsafe { server(self_) }) else {
            return false;
        };
        if !tlsConfiguration.is_null() {
            return false;
        }
        let port = match u16::try_from(tcpPort) {
            Ok(p) => p,
            Err(_) if tcpPort < 0 => DEFAULT_PORT,
            Err(_) => return false,
        };
        // SAFETY: the caller's contract.
        let addr = match unsafe { c_str(ipAddr) } {
            None => Some(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port)),
            // A host name is resolved now, as the reference does (its first address).
            Some(text) => text
                .to_str()
                .ok()
                .and_then(|host| (host, port).to_socket_addrs().ok()?.next()),
        };
        s.access_points.lock().push(addr);
        true
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
            s.server.shared.lock_for_app();
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
            s.server.shared.unlock_for_app();
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

/// Lets `authenticator` decide every association request (NULL: accept all). It runs on
/// the handler thread with the request's authentication value (mechanism `ACSE_AUTH_NONE`
/// without a password) and the client's AP title and AE qualifier; the token it stores
/// is what `ClientConnection_getSecurityToken` returns. Applies to new connections.
///
/// # Safety
/// `self_` is NULL or a live server; `authenticator` is callable with `authenticatorParameter`
/// while set.
#[no_mangle]
pub unsafe extern "C" fn IedServer_setAuthenticator(
    self_: IedServer,
    authenticator: AcseAuthenticator,
    authenticatorParameter: *mut c_void,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some(s) = (unsafe { server(self_) }) else {
            return;
        };
        let param = authenticatorParameter as usize;
        *s.server.shared.authenticator.lock() = authenticator.map(|h| {
            Arc::new(move |c: &Arc<Connection>, request: &AssociateRequest| {
                let mut password = request.password.clone().unwrap_or_default();
                let mut auth = sAcseAuthenticationParameter {
                    mechanism: if request.password.is_some() {
                        ACSE_AUTH_PASSWORD
                    } else {
                        ACSE_AUTH_NONE
                    },
                    value: AcseAuthenticationValue {
                        password: AcseAuthenticationPassword {
                            octetString: password.as_mut_ptr(),
                            passwordLength: c_int::try_from(password.len()).unwrap_or(c_int::MAX),
                        },
                    },
                };
                let mut reference = application_reference(request);
                let mut token: *mut c_void = c.security_token.load(Ordering::Acquire) as _;
                // SAFETY: the application's authenticator with its parameter and pointers to
                // values that live until it returns.
                let accepted =
                    unsafe { h(param as *mut c_void, &mut auth, &mut token, &mut reference) };
                c.security_token.store(token as usize, Ordering::Release);
                accepted
            }) as Authenticator
        });
    })
}

/// The client's AP title (at most 10 arcs of 16 bits, as C holds them) and AE qualifier.
fn application_reference(request: &AssociateRequest) -> IsoApplicationReference {
    let mut reference = IsoApplicationReference {
        apTitle: ItuObjectIdentifier {
            arc: [0; 10],
            arcCount: 0,
        },
        aeQualifier: 0,
    };
    let arcs = request.calling_ap_title.as_deref().unwrap_or(&[]);
    if arcs.len() <= reference.apTitle.arc.len() && arcs.iter().all(|&a| a <= u32::from(u16::MAX)) {
        for (slot, &arc) in reference.apTitle.arc.iter_mut().zip(arcs) {
            *slot = arc as u16;
        }
        reference.apTitle.arcCount = arcs.len() as c_int;
    }
    reference.aeQualifier = request
        .calling_ae_qualifier
        .and_then(|q| c_int::try_from(q).ok())
        .unwrap_or(0);
    reference
}

/// What the server's authenticator stored for this connection's association (NULL: none).
///
/// # Safety
/// `self_` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ClientConnection_getSecurityToken(self_: ClientConnection) -> *mut c_void {
    // SAFETY: the caller's contract.
    guard(null_mut(), || {
        unsafe { connection(self_) }.map_or(null_mut(), |c| {
            c.security_token.load(Ordering::Acquire) as *mut c_void
        })
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

/// Aborts the client's association; false when it had ended already. A handler may call it
/// (the reference deadlocks there).
///
/// # Safety
/// `self_` is NULL or a live connection handle (inside its indication handler, or owned
/// through `ClientConnection_claimOwnership`).
#[no_mangle]
pub unsafe extern "C" fn ClientConnection_abort(self_: ClientConnection) -> bool {
    // SAFETY: the caller's contract.
    guard(false, || {
        unsafe { connection(self_) }.is_some_and(Connection::abort)
    })
}

/// Keeps the connection handle valid beyond its indication handler, until
/// `ClientConnection_release`; returns the handle.
///
/// # Safety
/// `self_` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ClientConnection_claimOwnership(
    self_: ClientConnection,
) -> ClientConnection {
    guard(null_mut(), || {
        if !self_.is_null() {
            // SAFETY: a live handle is an `Arc<Connection>`'s pointer; one more owner.
            unsafe { Arc::increment_strong_count(self_ as *const Connection) };
        }
        self_
    })
}

/// Gives up a handle claimed with `ClientConnection_claimOwnership`.
///
/// # Safety
/// `self_` is NULL or a handle claimed (once per release) with `claimOwnership`.
#[no_mangle]
pub unsafe extern "C" fn ClientConnection_release(self_: ClientConnection) {
    guard((), || {
        if !self_.is_null() {
            // SAFETY: the caller's contract: this drops the claim it took.
            unsafe { Arc::decrement_strong_count(self_ as *const Connection) };
        }
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

/// `IedServer_getBooleanAttributeValue`: the attribute's value through `MmsValue_getBoolean` (false for none).
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_getBooleanAttributeValue(
    self_: IedServer,
    dataAttribute: *const DataAttribute,
) -> bool {
    let _ = self_;
    // SAFETY: the caller's contract; the accessor takes NULL.
    guard(false, || unsafe {
        MmsValue_getBoolean(value_of(dataAttribute))
    })
}

/// `IedServer_getInt32AttributeValue`: the attribute's value through `MmsValue_toInt32` (0 for none).
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_getInt32AttributeValue(
    self_: IedServer,
    dataAttribute: *const DataAttribute,
) -> i32 {
    let _ = self_;
    // SAFETY: the caller's contract; the accessor takes NULL.
    guard(0, || unsafe { MmsValue_toInt32(value_of(dataAttribute)) })
}

/// `IedServer_getInt64AttributeValue`: the attribute's value through `MmsValue_toInt64` (0 for none).
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_getInt64AttributeValue(
    self_: IedServer,
    dataAttribute: *const DataAttribute,
) -> i64 {
    let _ = self_;
    // SAFETY: the caller's contract; the accessor takes NULL.
    guard(0, || unsafe { MmsValue_toInt64(value_of(dataAttribute)) })
}

/// `IedServer_getUInt32AttributeValue`: the attribute's value through `MmsValue_toUint32` (0 for none).
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_getUInt32AttributeValue(
    self_: IedServer,
    dataAttribute: *const DataAttribute,
) -> u32 {
    let _ = self_;
    // SAFETY: the caller's contract; the accessor takes NULL.
    guard(0, || unsafe { MmsValue_toUint32(value_of(dataAttribute)) })
}

/// `IedServer_getFloatAttributeValue`: the attribute's value through `MmsValue_toFloat` (0.0 for none).
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_getFloatAttributeValue(
    self_: IedServer,
    dataAttribute: *const DataAttribute,
) -> f32 {
    let _ = self_;
    // SAFETY: the caller's contract; the accessor takes NULL.
    guard(0.0, || unsafe { MmsValue_toFloat(value_of(dataAttribute)) })
}

/// `IedServer_getUTCTimeAttributeValue`: the attribute's value through `MmsValue_getUtcTimeInMs` (0 for none).
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_getUTCTimeAttributeValue(
    self_: IedServer,
    dataAttribute: *const DataAttribute,
) -> u64 {
    let _ = self_;
    // SAFETY: the caller's contract; the accessor takes NULL.
    guard(0, || unsafe {
        MmsValue_getUtcTimeInMs(value_of(dataAttribute))
    })
}

/// `IedServer_getBitStringAttributeValue`: the attribute's value through `MmsValue_getBitStringAsInteger` (0 for none).
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_getBitStringAttributeValue(
    self_: IedServer,
    dataAttribute: *const DataAttribute,
) -> u32 {
    let _ = self_;
    // SAFETY: the caller's contract; the accessor takes NULL.
    guard(0, || unsafe {
        MmsValue_getBitStringAsInteger(value_of(dataAttribute))
    })
}

/// `IedServer_getStringAttributeValue`: the attribute's value through `MmsValue_toString` (std::ptr::null() for none).
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_getStringAttributeValue(
    self_: IedServer,
    dataAttribute: *const DataAttribute,
) -> *const c_char {
    let _ = self_;
    // SAFETY: the caller's contract; the accessor takes NULL.
    guard(std::ptr::null(), || unsafe {
        MmsValue_toString(value_of(dataAttribute))
    })
}

/// The functionally constrained data of `dataObject` for `fc`: a structure (an array for
/// an array data object) of its attributes and nested data objects with that FC, whose
/// leaves are the model's own values, so that changes through it are what clients read
/// (and trigger no report). It belongs to the server: the same value comes back on every
/// call, valid until `IedServer_destroy`, never to be freed by the caller. NULL for an FC
/// the object has none of, for CO, for a node that is not a data object of the server's
/// model, and for NULL arguments (where the reference crashes).
///
/// # Safety
/// `self_` is NULL or a live server; `dataObject` is only compared, never dereferenced.
#[no_mangle]
pub unsafe extern "C" fn IedServer_getFunctionalConstrainedData(
    self_: IedServer,
    dataObject: *mut DataObject,
    fc: FunctionalConstraint,
) -> *mut MmsValue {
    // SAFETY: the caller's contract.
    guard(null_mut(), || {
        unsafe { server(self_) }
            .and_then(|s| s.fc_data.get(dataObject as usize, fc))
            .unwrap_or(null_mut())
    })
}

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
    // SAFETY: the caller's contract; MmsValue_update takes NULL.
    unsafe {
        update_with(self_, dataAttribute, |v| {
            MmsValue_update(v, value);
        })
    }
}

/// Runs `set` on the attribute's value when it has one.
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
unsafe fn update_with(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    set: impl FnOnce(*mut MmsValue),
) {
    guard((), || {
        // SAFETY: the caller's contract.
        let v = unsafe { value_of(dataAttribute) };
        if v.is_null() {
            return;
        }
        // SAFETY: a model value is one of this library's values.
        let before = unsafe { (*v).clone() };
        set(v);
        // SAFETY: as above; the attribute is live (its value was).
        let (changed, trigger) = unsafe { (*v != before, (*dataAttribute).triggerOptions) };
        // SAFETY: the caller's contract.
        if let Some(s) = unsafe { server(self_) } {
            let shared = &s.server.shared;
            let reasons = trigger_reasons(trigger, changed);
            if reasons != 0 {
                shared.with_index(|index| shared.on_update(index, dataAttribute as usize, reasons));
            }
        }
    })
}

/// The trigger reasons of an update of an attribute with trigger options `trigger`: a
/// data or quality change when the value changed, a data update always.
fn trigger_reasons(trigger: u8, changed: bool) -> u8 {
    let changes = if changed {
        trigger & (TRG_DATA_CHANGED | TRG_QUALITY_CHANGED)
    } else {
        0
    };
    changes | trigger & TRG_DATA_UPDATE
}

/// `IedServer_updateFloatAttributeValue`: sets the attribute's value (of a matching type) to `value`.
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_updateFloatAttributeValue(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    value: f32,
) {
    // SAFETY: the caller's contract; the setter checks the value's type.
    unsafe { update_with(self_, dataAttribute, |v| MmsValue_setFloat(v, value)) }
}

/// `IedServer_updateInt32AttributeValue`: sets the attribute's value (of a matching type) to `value`.
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_updateInt32AttributeValue(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    value: i32,
) {
    // SAFETY: the caller's contract; the setter checks the value's type.
    unsafe { update_with(self_, dataAttribute, |v| MmsValue_setInt32(v, value)) }
}

/// `IedServer_updateInt64AttributeValue`: sets the attribute's value (of a matching type) to `value`.
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_updateInt64AttributeValue(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    value: i64,
) {
    // SAFETY: the caller's contract; the setter checks the value's type.
    unsafe { update_with(self_, dataAttribute, |v| MmsValue_setInt64(v, value)) }
}

/// `IedServer_updateUnsignedAttributeValue`: sets the attribute's value (of a matching type) to `value`.
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_updateUnsignedAttributeValue(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    value: u32,
) {
    // SAFETY: the caller's contract; the setter checks the value's type.
    unsafe { update_with(self_, dataAttribute, |v| MmsValue_setUint32(v, value)) }
}

/// `IedServer_updateBitStringAttributeValue`: sets the attribute's value (of a matching type) to `value`.
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_updateBitStringAttributeValue(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    value: u32,
) {
    // SAFETY: the caller's contract; the setter checks the value's type.
    unsafe {
        update_with(self_, dataAttribute, |v| {
            MmsValue_setBitStringFromInteger(v, value)
        })
    }
}

/// `IedServer_updateBooleanAttributeValue`: sets the attribute's value (of a matching type) to `value`.
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_updateBooleanAttributeValue(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    value: bool,
) {
    // SAFETY: the caller's contract; the setter checks the value's type.
    unsafe { update_with(self_, dataAttribute, |v| MmsValue_setBoolean(v, value)) }
}

/// `IedServer_updateVisibleStringAttributeValue`: sets the attribute's value (of a matching type) to `value`.
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_updateVisibleStringAttributeValue(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    value: *mut c_char,
) {
    // SAFETY: the caller's contract; the setter checks the value's type.
    unsafe {
        update_with(self_, dataAttribute, |v| {
            MmsValue_setVisibleString(v, value)
        })
    }
}

/// `IedServer_updateUTCTimeAttributeValue`: sets the attribute's value (of a matching
/// type) to `value` ms, with the server's time quality (`IedServer_setTimeQuality`; the
/// default one for a NULL server). As on the reference, nothing changes when the value
/// already has that millisecond (its time quality stays as it was).
///
/// # Safety
/// `self_` is NULL or a live server; `dataAttribute` NULL or an attribute of its model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_updateUTCTimeAttributeValue(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    value: u64,
) {
    // SAFETY: the caller's contract.
    let quality = guard(DEFAULT_TIME_QUALITY, || {
        unsafe { server(self_) }.map_or(DEFAULT_TIME_QUALITY, |s| {
            s.time_quality.load(Ordering::Acquire)
        })
    });
    // SAFETY: the caller's contract; the getter and the setter check the value's type.
    unsafe {
        update_with(self_, dataAttribute, |v| {
            if MmsValue_getUtcTimeInMs(v) != value {
                MmsValue_setUtcTimeMsEx(v, value, quality);
            }
        })
    }
}

/// Sets the time quality of the timestamps the server writes: leap seconds known, clock
/// failure, clock not synchronised, and the number of accurate fraction bits (its low five
/// bits are kept). It applies to `IedServer_updateUTCTimeAttributeValue` (not to
/// `IedServer_updateTimestampAttributeValue` or `IedServer_updateAttributeValue`, which
/// store the caller's time quality), as on the reference.
///
/// # Safety
/// `self_` is NULL or a live server.
#[no_mangle]
pub unsafe extern "C" fn IedServer_setTimeQuality(
    self_: IedServer,
    leapSecondKnown: bool,
    clockFailure: bool,
    clockNotSynchronized: bool,
    subsecondPrecision: c_int,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        if let Some(s) = unsafe { server(self_) } {
            let q = time_quality(
                leapSecondKnown,
                clockFailure,
                clockNotSynchronized,
                subsecondPrecision,
            );
            s.time_quality.store(q, Ordering::Release);
        }
    })
}

/// `IedServer_updateDbposValue`: sets the attribute's value (of a matching type) to `value`.
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_updateDbposValue(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    value: Dbpos,
) {
    // SAFETY: the caller's contract; the setter checks the value's type.
    unsafe {
        update_with(self_, dataAttribute, |v| {
            Dbpos_toMmsValue(v, value);
        })
    }
}

/// `IedServer_updateQuality`: sets the attribute's value (of a matching type) to `value`.
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_updateQuality(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    value: Quality,
) {
    // SAFETY: the caller's contract; the setter checks the value's type.
    unsafe {
        update_with(self_, dataAttribute, |v| {
            let mut q = value;
            Quality_toMmsValue(&mut q, v);
        })
    }
}

/// `IedServer_updateTimestampAttributeValue`: sets the attribute's value (of a matching type) to `value`.
///
/// # Safety
/// `dataAttribute` is NULL or an attribute of the server's model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_updateTimestampAttributeValue(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    value: *mut Timestamp,
) {
    // SAFETY: the caller's contract; the setter checks the value's type.
    unsafe {
        update_with(self_, dataAttribute, |v| {
            // SAFETY: NULL or a Timestamp; every bit pattern of it is valid octets.
            if let Some(t) = value.as_ref() {
                MmsValue_setUtcTimeByBuffer(v, t.val.as_ptr())
            }
        })
    }
}

/// C `WriteAccessHandler`.
pub type WriteAccessHandler = Option<
    unsafe extern "C" fn(*mut DataAttribute, *mut MmsValue, ClientConnection, *mut c_void) -> c_int,
>;

/// Installs `handler` for `scope` (NULL removes it): it runs on the handler thread with the
/// written attribute, a value it may change, the connection and `parameter`.
///
/// # Safety
/// `self_` is NULL or a live server; `handler` is callable with `parameter` while set.
unsafe fn install_write_handler(
    self_: IedServer,
    scope: Scope,
    handler: WriteAccessHandler,
    parameter: *mut c_void,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some(s) = (unsafe { server(self_) }) else {
            return;
        };
        let param = parameter as usize;
        let handler = handler.map(|h| {
            Arc::new(
                move |attribute: usize, value: &mut MmsValue, c: &Arc<Connection>| {
                    let boxed = new_value(value.clone());
                    let conn = Arc::as_ptr(c) as ClientConnection;
                    // SAFETY: the application's handler with the attribute it was installed
                    // for (or one below it), a value of ours it may read and change, the live
                    // connection and its parameter.
                    let code =
                        unsafe { h(attribute as *mut DataAttribute, boxed, conn, param as _) };
                    // SAFETY: `boxed` is ours, not kept by the handler (it is lent for the call).
                    *value = *unsafe { Box::from_raw(boxed) };
                    code
                },
            ) as WriteHandler
        });
        s.access_handlers.set(scope, handler);
    })
}

/// Lets `handler` decide client writes of `dataAttribute` (exactly that attribute); SP, SV,
/// CF, DC and BL data become writable whatever the write access policy says, as on the
/// reference. NULL removes the handler.
///
/// # Safety
/// `self_` is NULL or a live server; `handler` is callable with `parameter` while set.
#[no_mangle]
pub unsafe extern "C" fn IedServer_handleWriteAccess(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    handler: WriteAccessHandler,
    parameter: *mut c_void,
) {
    let scope = Scope::Attribute(dataAttribute as usize);
    // SAFETY: the caller's contract.
    unsafe { install_write_handler(self_, scope, handler, parameter) }
}

/// Lets `handler` decide client writes of the complex attribute `dataAttribute` and of its
/// parts (the handler is told the part written).
///
/// # Safety
/// `self_` is NULL or a live server; `handler` is callable with `parameter` while set.
#[no_mangle]
pub unsafe extern "C" fn IedServer_handleWriteAccessForComplexAttribute(
    self_: IedServer,
    dataAttribute: *mut DataAttribute,
    handler: WriteAccessHandler,
    parameter: *mut c_void,
) {
    let scope = Scope::Complex(dataAttribute as usize);
    // SAFETY: the caller's contract.
    unsafe { install_write_handler(self_, scope, handler, parameter) }
}

/// Lets `handler` decide client writes of anything with `fc` below `dataObject`.
///
/// # Safety
/// `self_` is NULL or a live server; `handler` is callable with `parameter` while set.
#[no_mangle]
pub unsafe extern "C" fn IedServer_handleWriteAccessForDataObject(
    self_: IedServer,
    dataObject: *mut DataObject,
    fc: FunctionalConstraint,
    handler: WriteAccessHandler,
    parameter: *mut c_void,
) {
    let scope = Scope::DataObject(dataObject as usize, fc);
    // SAFETY: the caller's contract.
    unsafe { install_write_handler(self_, scope, handler, parameter) }
}

/// C `ReadAccessHandler`.
pub type ReadAccessHandler = Option<
    unsafe extern "C" fn(
        *mut LogicalDevice,
        *mut LogicalNode,
        *mut DataObject,
        FunctionalConstraint,
        ClientConnection,
        *mut c_void,
    ) -> c_int,
>;

/// Lets `handler` allow (`DATA_ACCESS_ERROR_SUCCESS`) or refuse (another code, which the
/// client gets) each client read of data of the model, on the handler thread; it is told
/// the logical device, logical node, data object (NULL for a whole FC of the node) and
/// FC. Control blocks are read without it, as on the reference. NULL removes it.
///
/// # Safety
/// `self_` is NULL or a live server; `handler` is callable with `parameter` while set.
#[no_mangle]
pub unsafe extern "C" fn IedServer_setReadAccessHandler(
    self_: IedServer,
    handler: ReadAccessHandler,
    parameter: *mut c_void,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some(s) = (unsafe { server(self_) }) else {
            return;
        };
        let param = parameter as usize;
        s.access_handlers.set_read(handler.map(|h| {
            Arc::new(
                move |ld: usize, ln: usize, dobj: usize, fc: i32, c: &Arc<Connection>| {
                    let conn = Arc::as_ptr(c) as ClientConnection;
                    // SAFETY: the application's handler with nodes of its model, the live
                    // connection and its parameter.
                    unsafe { h(ld as _, ln as _, dobj as _, fc, conn, param as _) }
                },
            ) as ReadHandler
        }));
    })
}

// ---- Controls ----

/// C `ControlAction`: the engine's [`Action`], valid during a handler call (and across the
/// calls of one operate while its handlers answer WAITING).
pub type ControlAction = *mut c_void;
/// C `CheckHandlerResult`.
pub type CheckHandlerResult = c_int;
/// C `ControlHandlerResult`.
pub type ControlHandlerResult = c_int;
/// C `ControlAddCause`.
pub type ControlAddCause = c_int;
/// C `ControlLastApplError`.
pub type ControlLastApplError = c_int;
/// C `ControlModel`.
pub type ControlModel = c_int;
/// C `SelectStateChangedReason`.
pub type SelectStateChangedReason = c_int;
/// C `ControlPerformCheckHandler`.
pub type ControlPerformCheckHandler = Option<
    unsafe extern "C" fn(
        ControlAction,
        *mut c_void,
        *mut MmsValue,
        bool,
        bool,
    ) -> CheckHandlerResult,
>;
/// C `ControlWaitForExecutionHandler`.
pub type ControlWaitForExecutionHandler = Option<
    unsafe extern "C" fn(
        ControlAction,
        *mut c_void,
        *mut MmsValue,
        bool,
        bool,
    ) -> ControlHandlerResult,
>;
/// C `ControlHandler`.
pub type ControlHandler = Option<
    unsafe extern "C" fn(ControlAction, *mut c_void, *mut MmsValue, bool) -> ControlHandlerResult,
>;
/// C `ControlSelectStateChangedHandler`.
pub type ControlSelectStateChangedHandler =
    Option<unsafe extern "C" fn(ControlAction, *mut c_void, bool, SelectStateChangedReason)>;

/// The control object key (`LD/LN$CO$DO`) of `node`, under the data model lock.
///
/// # Safety
/// `self_` is NULL or a live server.
unsafe fn control_key<'a>(
    self_: IedServer,
    node: *mut DataObject,
) -> Option<(&'a sIedServer, String)> {
    // SAFETY: the caller's contract.
    let s = unsafe { server(self_) }?;
    let (domain, co) = s
        .server
        .shared
        .with_index(|index| engine::object_name(index, node as usize))?;
    Some((s, format!("{domain}/{co}")))
}

fn action_ptr(a: &Action) -> ControlAction {
    a as *const Action as ControlAction
}

/// Sets the handler deciding whether a select or operate of `node` may proceed (called
/// on the handler thread with the request's ctlVal (NULL for an SBO select), Test and
/// interlock-check flag).
///
/// # Safety
/// `self_` is NULL or a live server, `node` NULL or a data object of its model; `handler`
/// is callable with `parameter` while set.
#[no_mangle]
pub unsafe extern "C" fn IedServer_setPerformCheckHandler(
    self_: IedServer,
    node: *mut DataObject,
    handler: ControlPerformCheckHandler,
    parameter: *mut c_void,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some((s, key)) = (unsafe { control_key(self_, node) }) else {
            return;
        };
        let param = parameter as usize;
        s.controls.set_handlers(&key, |h| {
            h.check = handler.map(|f| {
                Arc::new(
                    move |a: &Action, v: Option<&mut MmsValue>, test, interlock| {
                        let v = v.map_or(null_mut(), |v| v as *mut MmsValue);
                        // SAFETY: the application's handler with its parameter and a live action.
                        unsafe { f(action_ptr(a), param as *mut c_void, v, test, interlock) }
                    },
                ) as engine::CheckHandler
            });
        });
    })
}

/// Sets the handler called before an operate executes (synchro check); it may answer
/// `CONTROL_RESULT_WAITING` and is then called again later.
///
/// # Safety
/// As [`IedServer_setPerformCheckHandler`].
#[no_mangle]
pub unsafe extern "C" fn IedServer_setWaitForExecutionHandler(
    self_: IedServer,
    node: *mut DataObject,
    handler: ControlWaitForExecutionHandler,
    parameter: *mut c_void,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some((s, key)) = (unsafe { control_key(self_, node) }) else {
            return;
        };
        let param = parameter as usize;
        s.controls.set_handlers(&key, |h| {
            h.wait = handler.map(|f| {
                Arc::new(move |a: &Action, v: &mut MmsValue, test, synchro| {
                    // SAFETY: the application's handler with its parameter and a live action.
                    unsafe { f(action_ptr(a), param as *mut c_void, v, test, synchro) }
                }) as engine::WaitHandler
            });
        });
    })
}

/// Sets the handler that executes an operate of `node`; it may answer
/// `CONTROL_RESULT_WAITING` and is then called again later.
///
/// # Safety
/// As [`IedServer_setPerformCheckHandler`].
#[no_mangle]
pub unsafe extern "C" fn IedServer_setControlHandler(
    self_: IedServer,
    node: *mut DataObject,
    handler: ControlHandler,
    parameter: *mut c_void,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some((s, key)) = (unsafe { control_key(self_, node) }) else {
            return;
        };
        let param = parameter as usize;
        s.controls.set_handlers(&key, |h| {
            h.control = handler.map(|f| {
                Arc::new(move |a: &Action, v: &mut MmsValue, test| {
                    // SAFETY: the application's handler with its parameter and a live action.
                    unsafe { f(action_ptr(a), param as *mut c_void, v, test) }
                }) as engine::ControlHandler
            });
        });
    })
}

/// Sets the handler told when `node` is selected and when its selection ends (and why).
///
/// # Safety
/// As [`IedServer_setPerformCheckHandler`].
#[no_mangle]
pub unsafe extern "C" fn IedServer_setSelectStateChangedHandler(
    self_: IedServer,
    node: *mut DataObject,
    handler: ControlSelectStateChangedHandler,
    parameter: *mut c_void,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        let Some((s, key)) = (unsafe { control_key(self_, node) }) else {
            return;
        };
        let param = parameter as usize;
        s.controls.set_handlers(&key, |h| {
            h.select = handler.map(|f| {
                Arc::new(move |a: &Action, selected, reason| {
                    // SAFETY: the application's handler with its parameter and a live action.
                    unsafe { f(action_ptr(a), param as *mut c_void, selected, reason) }
                }) as engine::SelectHandler
            });
        });
    })
}

/// Changes the control model of `ctlObject` (its CF ctlModel); a selection ends.
/// Values outside 0..4 are ignored.
///
/// # Safety
/// `self_` is NULL or a live server, `ctlObject` NULL or a data object of its model.
#[no_mangle]
pub unsafe extern "C" fn IedServer_updateCtlModel(
    self_: IedServer,
    ctlObject: *mut DataObject,
    value: ControlModel,
) {
    guard((), || {
        if !(0..=4).contains(&value) {
            return;
        }
        // SAFETY: the caller's contract.
        let Some((s, key)) = (unsafe { control_key(self_, ctlObject) }) else {
            return;
        };
        let shared = &s.server.shared;
        shared.with_index(|index| {
            let Some((domain, co)) = key.split_once('/') else {
                return;
            };
            let item = co.replacen("$CO$", "$CF$", 1) + "$ctlModel";
            if let Some(v) = index.domain(domain).and_then(|d| d.variable(&item)) {
                v.store(&MmsValue::Integer(i64::from(value)));
            }
        });
        s.controls.forget_selection(&key);
    })
}

/// # Safety
/// `p` is NULL or an action handed to a control handler, during the call.
unsafe fn action<'a>(p: ControlAction) -> Option<&'a Action> {
    // SAFETY: the caller's contract (see `action_ptr`).
    unsafe { (p as *const Action).as_ref() }
}

/// Sets the LastApplError Error reported when the action is refused or fails.
///
/// # Safety
/// `self_` is NULL or an action during its handler call.
#[no_mangle]
pub unsafe extern "C" fn ControlAction_setError(self_: ControlAction, error: ControlLastApplError) {
    guard((), || {
        // SAFETY: the caller's contract.
        if let Some(a) = unsafe { action(self_) } {
            a.error.store(error, Ordering::Relaxed);
        }
    })
}

/// Sets the AddCause reported when the action is refused or fails.
///
/// # Safety
/// `self_` is NULL or an action during its handler call.
#[no_mangle]
pub unsafe extern "C" fn ControlAction_setAddCause(
    self_: ControlAction,
    addCause: ControlAddCause,
) {
    guard((), || {
        // SAFETY: the caller's contract.
        if let Some(a) = unsafe { action(self_) } {
            a.add_cause.store(addCause, Ordering::Relaxed);
        }
    })
}

/// Reads one field of an action (`fallback` for NULL).
///
/// # Safety
/// `p` is NULL or an action during its handler call.
unsafe fn with_action<R>(p: ControlAction, fallback: R, f: impl FnOnce(&Action) -> R) -> R
where
    R: Copy,
{
    guard(fallback, || {
        // SAFETY: the caller's contract.
        unsafe { action(p) }.map_or(fallback, f)
    })
}

/// The originator category of the request.
///
/// # Safety
/// `self_` is NULL or an action during its handler call.
#[no_mangle]
pub unsafe extern "C" fn ControlAction_getOrCat(self_: ControlAction) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { with_action(self_, 0, |a| a.params.or_cat) }
}

/// The originator identifier of the request (its size in `orIdentSize`); borrowed from
/// the action.
///
/// # Safety
/// `self_` is NULL or an action during its handler call; `orIdentSize` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ControlAction_getOrIdent(
    self_: ControlAction,
    orIdentSize: *mut c_int,
) -> *mut u8 {
    // SAFETY: the caller's contract.
    unsafe {
        with_action(self_, null_mut(), |a| {
            if !orIdentSize.is_null() {
                // SAFETY: the caller's contract.
                *orIdentSize = a.params.or_ident.len() as c_int;
            }
            a.params.or_ident.as_ptr() as *mut u8
        })
    }
}

/// The ctlNum of the request.
///
/// # Safety
/// `self_` is NULL or an action during its handler call.
#[no_mangle]
pub unsafe extern "C" fn ControlAction_getCtlNum(self_: ControlAction) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { with_action(self_, 0, |a| c_int::from(a.params.ctl_num)) }
}

/// Whether the request asked for a synchro check.
///
/// # Safety
/// `self_` is NULL or an action during its handler call.
#[no_mangle]
pub unsafe extern "C" fn ControlAction_getSynchroCheck(self_: ControlAction) -> bool {
    // SAFETY: the caller's contract.
    unsafe { with_action(self_, false, |a| a.params.synchro_check) }
}

/// Whether the request asked for an interlock check.
///
/// # Safety
/// `self_` is NULL or an action during its handler call.
#[no_mangle]
pub unsafe extern "C" fn ControlAction_getInterlockCheck(self_: ControlAction) -> bool {
    // SAFETY: the caller's contract.
    unsafe { with_action(self_, false, |a| a.params.interlock_check) }
}

/// Whether the action is a select (SBO or SBOw) rather than an operate.
///
/// # Safety
/// `self_` is NULL or an action during its handler call.
#[no_mangle]
pub unsafe extern "C" fn ControlAction_isSelect(self_: ControlAction) -> bool {
    // SAFETY: the caller's contract.
    unsafe { with_action(self_, false, |a| a.select) }
}

/// The connection of the client asking.
///
/// # Safety
/// `self_` is NULL or an action during its handler call.
#[no_mangle]
pub unsafe extern "C" fn ControlAction_getClientConnection(
    self_: ControlAction,
) -> ClientConnection {
    // SAFETY: the caller's contract.
    unsafe { with_action(self_, null_mut(), |a| a.connection as ClientConnection) }
}

/// The control object (a data object of the model).
///
/// # Safety
/// `self_` is NULL or an action during its handler call.
#[no_mangle]
pub unsafe extern "C" fn ControlAction_getControlObject(self_: ControlAction) -> *mut DataObject {
    // SAFETY: the caller's contract.
    unsafe { with_action(self_, null_mut(), |a| a.object as *mut DataObject) }
}

/// The operTm of a time-activated operate (ms since 1970; 0 when immediate).
///
/// # Safety
/// `self_` is NULL or an action during its handler call.
#[no_mangle]
pub unsafe extern "C" fn ControlAction_getControlTime(self_: ControlAction) -> u64 {
    // SAFETY: the caller's contract.
    unsafe { with_action(self_, 0, |a| a.params.oper_time_ms) }
}

/// The T of the request (borrowed from the action; read only).
///
/// # Safety
/// `self_` is NULL or an action during its handler call.
#[no_mangle]
pub unsafe extern "C" fn ControlAction_getT(self_: ControlAction) -> *mut Timestamp {
    // SAFETY: the caller's contract; Timestamp is a union of the 8 octets.
    unsafe { with_action(self_, null_mut(), |a| a.params.t.as_ptr() as *mut Timestamp) }
}
