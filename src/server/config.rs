//! The server's settings, copied from an `IedServerConfig` when the server is created (as
//! the reference does: later changes to the configuration do not reach the server), and
//! the time quality of the timestamps the server writes.

/// `IEC61850_REPORTSETTINGS_*` bits: RptID, BufTm, DatSet, TrgOps, OptFlds, IntgPd.
pub const REPORT_SETTINGS_ALL: u8 = 0x3f;

/// Time quality of the timestamps the server writes until `IedServer_setTimeQuality`
/// (observed on the reference: leap seconds known, 10 bits of sub-second accuracy).
pub const DEFAULT_TIME_QUALITY: u8 = 0x8a;

/// What the server offers, as configured (defaults: the reference's `IedServerConfig_create`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSettings {
    /// IEC 61850 edition (0: 1, 1: 2, 2: 2.1).
    pub edition: u8,
    /// Buffer of each BRCB (bytes).
    pub report_buffer_size: usize,
    /// Buffer of each URCB (bytes).
    pub report_buffer_size_urcbs: usize,
    /// File services offered.
    pub file_service: bool,
    /// Root of the file services.
    pub file_service_basepath: String,
    /// Dynamic data set services offered.
    pub dynamic_data_sets: bool,
    /// Most association-specific data sets per connection.
    pub max_association_specific_data_sets: usize,
    /// Most dynamic domain-specific data sets.
    pub max_domain_specific_data_sets: usize,
    /// Most entries of a dynamic data set.
    pub max_data_set_entries: usize,
    /// Log services (journals, LCBs) offered.
    pub log_service: bool,
    /// GOOSE publisher integrated in the server.
    pub integrated_goose_publisher: bool,
    /// Most simultaneous MMS connections.
    pub max_mms_connections: usize,
    /// Setting group editing offered.
    pub edit_sg: bool,
    /// SGCBs have ResvTms.
    pub resv_tms_for_sgcb: bool,
    /// BRCBs have ResvTms.
    pub resv_tms_for_brcb: bool,
    /// RCBs have Owner.
    pub owner_for_rcb: bool,
    /// Integrity reports at multiples of the period (not relative to the enable).
    pub sync_integrity_report_times: bool,
    /// `IEC61850_REPORTSETTINGS_*` bits that clients may write (the rest are fixed).
    pub report_settings_writable: u8,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            edition: 1,
            report_buffer_size: 65536,
            report_buffer_size_urcbs: 65536,
            file_service: true,
            file_service_basepath: "./vmd-filestore/".into(),
            dynamic_data_sets: true,
            max_association_specific_data_sets: 10,
            max_domain_specific_data_sets: 10,
            max_data_set_entries: 100,
            log_service: true,
            integrated_goose_publisher: true,
            max_mms_connections: 5,
            edit_sg: true,
            resv_tms_for_sgcb: true,
            resv_tms_for_brcb: true,
            owner_for_rcb: false,
            sync_integrity_report_times: false,
            report_settings_writable: REPORT_SETTINGS_ALL,
        }
    }
}

/// `writable` after `IedServerConfig_setReportSetting(setting, is_dyn)`: dynamic (client
/// writable) settings are added, the others removed; bits beyond the six settings are
/// never stored (observed on the reference).
pub fn report_settings_with(writable: u8, setting: u8, is_dyn: bool) -> u8 {
    if is_dyn {
        writable | (setting & REPORT_SETTINGS_ALL)
    } else {
        writable & !setting
    }
}

/// The time quality octet of a UTC time (IEC 61850-8-1), as clients compute it for T.
pub use crate::iec61850::control::time_quality;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_settings_combine_as_on_the_reference() {
        assert_eq!(report_settings_with(0x3f, 0x01, false), 0x3e);
        assert_eq!(report_settings_with(0x3e, 0x02, false), 0x3c);
        assert_eq!(report_settings_with(0x00, 0xff, true), 0x3f);
        assert_eq!(report_settings_with(0x3f, 0xff, false), 0x00);
        assert_eq!(report_settings_with(0x00, 0x40, true), 0x00);
    }

    #[test]
    fn time_quality_octets_match_the_reference() {
        assert_eq!(time_quality(true, false, false, 10), DEFAULT_TIME_QUALITY);
        assert_eq!(time_quality(true, true, true, 5), 0xe5);
        assert_eq!(time_quality(false, false, true, 0), 0x20);
        assert_eq!(time_quality(false, true, false, 7), 0x47);
        assert_eq!(time_quality(false, false, false, -1), 0x1f);
        assert_eq!(time_quality(false, false, false, 32), 0x00);
    }
}
