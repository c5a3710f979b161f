//! Declarations of `tls_config.h`.
#![allow(non_camel_case_types, non_snake_case)]

use std::ffi::{c_char, c_int, c_uint, c_void};

/// Opaque object behind [`TLSConfiguration`]; placeholder until its implementation replaces this body.
pub struct sTLSConfiguration {
    _private: [u8; 0],
}

/// `TLSConfiguration`: handle to an opaque object.
pub type TLSConfiguration = *mut sTLSConfiguration;

/// C enum `TLSConfigVersion` (values below; kept as an integer so any value from C is sound).
pub type TLSConfigVersion = c_uint;
/// `TLSConfigVersion` value.
pub const TLS_VERSION_NOT_SELECTED: TLSConfigVersion = 0;
/// `TLSConfigVersion` value.
pub const TLS_VERSION_SSL_3_0: TLSConfigVersion = 3;
/// `TLSConfigVersion` value.
pub const TLS_VERSION_TLS_1_0: TLSConfigVersion = 4;
/// `TLSConfigVersion` value.
pub const TLS_VERSION_TLS_1_1: TLSConfigVersion = 5;
/// `TLSConfigVersion` value.
pub const TLS_VERSION_TLS_1_2: TLSConfigVersion = 6;
/// `TLSConfigVersion` value.
pub const TLS_VERSION_TLS_1_3: TLSConfigVersion = 7;

/// C enum `TLSEventLevel` (values below; kept as an integer so any value from C is sound).
pub type TLSEventLevel = c_uint;
/// `TLSEventLevel` value.
pub const TLS_SEC_EVT_INFO: TLSEventLevel = 0;
/// `TLSEventLevel` value.
pub const TLS_SEC_EVT_WARNING: TLSEventLevel = 1;
/// `TLSEventLevel` value.
pub const TLS_SEC_EVT_INCIDENT: TLSEventLevel = 2;

/// Opaque object behind [`TLSConnection`]; placeholder until its implementation replaces this body.
pub struct sTLSConnection {
    _private: [u8; 0],
}

/// `TLSConnection`: handle to an opaque object.
pub type TLSConnection = *mut sTLSConnection;

/// C callback `TLSConfiguration_EventHandler` (NULL allowed).
pub type TLSConfiguration_EventHandler = Option<
    unsafe extern "C" fn(
        parameter: *mut c_void,
        eventLevel: TLSEventLevel,
        eventCode: c_int,
        message: *const c_char,
        con: TLSConnection,
    ),
>;

/// `#define TLS_EVENT_CODE_ALM_ALGO_NOT_SUPPORTED`.
pub const TLS_EVENT_CODE_ALM_ALGO_NOT_SUPPORTED: c_int = 1;

/// `#define TLS_EVENT_CODE_ALM_UNSECURE_COMMUNICATION`.
pub const TLS_EVENT_CODE_ALM_UNSECURE_COMMUNICATION: c_int = 2;

/// `#define TLS_EVENT_CODE_ALM_CERT_UNAVAILABLE`.
pub const TLS_EVENT_CODE_ALM_CERT_UNAVAILABLE: c_int = 3;

/// `#define TLS_EVENT_CODE_ALM_BAD_CERT`.
pub const TLS_EVENT_CODE_ALM_BAD_CERT: c_int = 4;

/// `#define TLS_EVENT_CODE_ALM_CERT_SIZE_EXCEEDED`.
pub const TLS_EVENT_CODE_ALM_CERT_SIZE_EXCEEDED: c_int = 5;

/// `#define TLS_EVENT_CODE_ALM_CERT_VALIDATION_FAILED`.
pub const TLS_EVENT_CODE_ALM_CERT_VALIDATION_FAILED: c_int = 6;

/// `#define TLS_EVENT_CODE_ALM_CERT_REQUIRED`.
pub const TLS_EVENT_CODE_ALM_CERT_REQUIRED: c_int = 7;

/// `#define TLS_EVENT_CODE_ALM_HANDSHAKE_FAILED_UNKNOWN_REASON`.
pub const TLS_EVENT_CODE_ALM_HANDSHAKE_FAILED_UNKNOWN_REASON: c_int = 8;

/// `#define TLS_EVENT_CODE_WRN_INSECURE_TLS_VERSION`.
pub const TLS_EVENT_CODE_WRN_INSECURE_TLS_VERSION: c_int = 9;

/// `#define TLS_EVENT_CODE_INF_SESSION_RENEGOTIATION`.
pub const TLS_EVENT_CODE_INF_SESSION_RENEGOTIATION: c_int = 10;

/// `#define TLS_EVENT_CODE_ALM_CERT_EXPIRED`.
pub const TLS_EVENT_CODE_ALM_CERT_EXPIRED: c_int = 11;

/// `#define TLS_EVENT_CODE_ALM_CERT_REVOKED`.
pub const TLS_EVENT_CODE_ALM_CERT_REVOKED: c_int = 12;

/// `#define TLS_EVENT_CODE_ALM_CERT_NOT_CONFIGURED`.
pub const TLS_EVENT_CODE_ALM_CERT_NOT_CONFIGURED: c_int = 13;

/// `#define TLS_EVENT_CODE_ALM_CERT_NOT_TRUSTED`.
pub const TLS_EVENT_CODE_ALM_CERT_NOT_TRUSTED: c_int = 14;

/// `#define TLS_EVENT_CODE_ALM_NO_CIPHER`.
pub const TLS_EVENT_CODE_ALM_NO_CIPHER: c_int = 15;

/// `#define TLS_EVENT_CODE_INF_SESSION_ESTABLISHED`.
pub const TLS_EVENT_CODE_INF_SESSION_ESTABLISHED: c_int = 16;

/// `#define TLS_EVENT_CODE_WRN_CERT_EXPIRED`.
pub const TLS_EVENT_CODE_WRN_CERT_EXPIRED: c_int = 17;

/// `#define TLS_EVENT_CODE_WRN_CERT_NOT_YET_VALID`.
pub const TLS_EVENT_CODE_WRN_CERT_NOT_YET_VALID: c_int = 18;

/// `#define TLS_EVENT_CODE_WRN_CRL_EXPIRED`.
pub const TLS_EVENT_CODE_WRN_CRL_EXPIRED: c_int = 19;

/// `#define TLS_EVENT_CODE_WRN_CRL_NOT_YET_VALID`.
pub const TLS_EVENT_CODE_WRN_CRL_NOT_YET_VALID: c_int = 20;
