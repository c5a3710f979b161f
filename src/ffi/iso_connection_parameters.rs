//! Declarations of `iso_connection_parameters.h`.
#![allow(non_camel_case_types, non_snake_case)]

use super::mms_common::IsoApplicationReference;
use std::ffi::{c_char, c_int, c_uint, c_void};

/// C enum `AcseAuthenticationMechanism` (values below; kept as an integer so any value from C is sound).
pub type AcseAuthenticationMechanism = c_uint;
/// `AcseAuthenticationMechanism` value.
pub const ACSE_AUTH_NONE: AcseAuthenticationMechanism = 0;
/// `AcseAuthenticationMechanism` value.
pub const ACSE_AUTH_PASSWORD: AcseAuthenticationMechanism = 1;
/// `AcseAuthenticationMechanism` value.
pub const ACSE_AUTH_CERTIFICATE: AcseAuthenticationMechanism = 2;
/// `AcseAuthenticationMechanism` value.
pub const ACSE_AUTH_TLS: AcseAuthenticationMechanism = 3;

/// C callback `AcseAuthenticator` (NULL allowed).
pub type AcseAuthenticator = Option<
    unsafe extern "C" fn(
        parameter: *mut c_void,
        authParameter: AcseAuthenticationParameter,
        securityToken: *mut *mut c_void,
        appReference: *mut IsoApplicationReference,
    ) -> bool,
>;

/// Password of [`AcseAuthenticationValue`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct AcseAuthenticationPassword {
    /// Password bytes.
    pub octetString: *mut u8,
    /// Number of bytes.
    pub passwordLength: c_int,
}

/// Certificate of [`AcseAuthenticationValue`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct AcseAuthenticationCertificate {
    /// Certificate bytes.
    pub buf: *mut u8,
    /// Number of bytes.
    pub length: c_int,
}

/// The anonymous `value` union of `struct sAcseAuthenticationParameter`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union AcseAuthenticationValue {
    /// For `ACSE_AUTH_PASSWORD`.
    pub password: AcseAuthenticationPassword,
    /// For `ACSE_AUTH_CERTIFICATE` and `ACSE_AUTH_TLS`.
    pub certificate: AcseAuthenticationCertificate,
}

/// ACSE authentication data (`struct sAcseAuthenticationParameter`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sAcseAuthenticationParameter {
    /// Which member of `value` is valid.
    pub mechanism: AcseAuthenticationMechanism,
    /// Credentials.
    pub value: AcseAuthenticationValue,
}

/// `AcseAuthenticationParameter`: pointer to authentication data.
pub type AcseAuthenticationParameter = *mut sAcseAuthenticationParameter;

/// ISO transport selector, up to 4 bytes (`TSelector`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TSelector {
    /// Number of valid bytes.
    pub size: u8,
    /// Selector bytes.
    pub value: [u8; 4],
}

/// ISO session selector, up to 16 bytes (`SSelector`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SSelector {
    /// Number of valid bytes.
    pub size: u8,
    /// Selector bytes.
    pub value: [u8; 16],
}

/// ISO presentation selector, up to 16 bytes (`PSelector`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PSelector {
    /// Number of valid bytes.
    pub size: u8,
    /// Selector bytes.
    pub value: [u8; 16],
}

/// Addressing and authentication of an ISO connection (`struct sIsoConnectionParameters`).
///
/// This is the `CONFIG_MMS_SUPPORT_TLS=0` layout (no `tlsConfiguration` member):
/// that is what a C application including the public headers alone compiles
/// against, even though the reference `.so` was built with `=1` (8 bytes more).
/// We have no TLS, so callers and this library agree on the `=0` layout.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sIsoConnectionParameters {
    /// Authentication, NULL for none.
    pub acseAuthParameter: AcseAuthenticationParameter,
    /// Server host name or address.
    pub hostname: *const c_char,
    /// Server TCP port.
    pub tcpPort: c_int,
    /// Local address to bind, NULL for any.
    pub localIpAddress: *const c_char,
    /// Local TCP port, -1 for any.
    pub localTcpPort: c_int,
    /// Called AP-title, BER-encoded.
    pub remoteApTitle: [u8; 10],
    /// Length of `remoteApTitle`, 0 for none.
    pub remoteApTitleLen: c_int,
    /// Called AE-qualifier.
    pub remoteAEQualifier: c_int,
    /// Called presentation selector.
    pub remotePSelector: PSelector,
    /// Called session selector.
    pub remoteSSelector: SSelector,
    /// Called transport selector.
    pub remoteTSelector: TSelector,
    /// Calling AP-title, BER-encoded.
    pub localApTitle: [u8; 10],
    /// Length of `localApTitle`, 0 for none.
    pub localApTitleLen: c_int,
    /// Calling AE-qualifier.
    pub localAEQualifier: c_int,
    /// Calling presentation selector.
    pub localPSelector: PSelector,
    /// Calling session selector.
    pub localSSelector: SSelector,
    /// Calling transport selector.
    pub localTSelector: TSelector,
}

/// `IsoConnectionParameters`: pointer to connection parameters.
pub type IsoConnectionParameters = *mut sIsoConnectionParameters;
