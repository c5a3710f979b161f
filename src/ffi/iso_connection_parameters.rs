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

// ---- Functions ----

use super::mms_common::ItuObjectIdentifier;
use super::tls_config::TLSConfiguration;
use super::{c_str, guard};
use crate::osi::IsoParams;

/// The longest BER AP-title the struct holds.
const MAX_AP_TITLE: usize = 10;

/// `AcseAuthenticationParameter_create`: no mechanism, no password (`malloc`ed, zeroed).
#[no_mangle]
pub extern "C" fn AcseAuthenticationParameter_create() -> AcseAuthenticationParameter {
    // SAFETY: calloc of the struct size; all-zero is a valid value (ACSE_AUTH_NONE, NULL).
    unsafe { libc::calloc(1, std::mem::size_of::<sAcseAuthenticationParameter>()).cast() }
}

/// `AcseAuthenticationParameter_destroy`: frees the parameter and its password copy.
///
/// # Safety
/// `self_` is NULL or a parameter from `AcseAuthenticationParameter_create`, not used
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn AcseAuthenticationParameter_destroy(self_: AcseAuthenticationParameter) {
    if self_.is_null() {
        return;
    }
    // SAFETY: caller's contract; the password was malloc'ed by setPassword (or is NULL).
    unsafe {
        if (*self_).mechanism == ACSE_AUTH_PASSWORD {
            libc::free((*self_).value.password.octetString.cast());
        }
        libc::free(self_.cast());
    }
}

/// `AcseAuthenticationParameter_setAuthMechanism`.
///
/// # Safety
/// `self_` is NULL or a live parameter.
#[no_mangle]
pub unsafe extern "C" fn AcseAuthenticationParameter_setAuthMechanism(
    self_: AcseAuthenticationParameter,
    mechanism: AcseAuthenticationMechanism,
) {
    // SAFETY: caller's contract.
    if let Some(p) = unsafe { self_.as_mut() } {
        p.mechanism = mechanism;
    }
}

/// `AcseAuthenticationParameter_getAuthMechanism` (ACSE_AUTH_NONE for NULL).
///
/// # Safety
/// `self_` is NULL or a live parameter.
#[no_mangle]
pub unsafe extern "C" fn AcseAuthenticationParameter_getAuthMechanism(
    self_: AcseAuthenticationParameter,
) -> AcseAuthenticationMechanism {
    // SAFETY: caller's contract.
    unsafe { self_.as_ref() }.map_or(ACSE_AUTH_NONE, |p| p.mechanism)
}

/// `AcseAuthenticationParameter_setPassword`: stores a copy of the C string (NULL clears
/// it); the mechanism is left as it is, as the reference does.
///
/// # Safety
/// `self_` is NULL or a live parameter; `password` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn AcseAuthenticationParameter_setPassword(
    self_: AcseAuthenticationParameter,
    password: *mut c_char,
) {
    guard((), || {
        // SAFETY: caller's contract.
        let Some(p) = (unsafe { self_.as_mut() }) else {
            return;
        };
        // SAFETY: a previous copy is ours (NULL when never set: calloc'ed struct).
        unsafe { libc::free(p.value.password.octetString.cast()) };
        // SAFETY: caller's contract.
        let (copy, len) = match unsafe { c_str(password) } {
            Some(s) => (
                super::malloc_c_string(s.to_bytes()).cast::<u8>(),
                c_int::try_from(s.to_bytes().len()).unwrap_or(c_int::MAX),
            ),
            None => (std::ptr::null_mut(), 0),
        };
        p.value.password = AcseAuthenticationPassword {
            octetString: copy,
            passwordLength: len,
        };
    })
}

/// `AcseAuthenticationParameter_getPassword`: the password (NUL-terminated copy), NULL
/// unless the mechanism is ACSE_AUTH_PASSWORD.
///
/// # Safety
/// `self_` is NULL or a live parameter.
#[no_mangle]
pub unsafe extern "C" fn AcseAuthenticationParameter_getPassword(
    self_: AcseAuthenticationParameter,
) -> *const c_char {
    // SAFETY: caller's contract; the password member is the valid one for PASSWORD.
    match unsafe { self_.as_ref() } {
        Some(p) if p.mechanism == ACSE_AUTH_PASSWORD => {
            unsafe { p.value.password.octetString }.cast_const().cast()
        }
        _ => std::ptr::null(),
    }
}

/// `AcseAuthenticationParameter_getPasswordLength`: 0 unless the mechanism is
/// ACSE_AUTH_PASSWORD (as on the reference).
///
/// # Safety
/// `self_` is NULL or a live parameter.
#[no_mangle]
pub unsafe extern "C" fn AcseAuthenticationParameter_getPasswordLength(
    self_: AcseAuthenticationParameter,
) -> c_int {
    // SAFETY: caller's contract; the password member is the valid one for PASSWORD.
    match unsafe { self_.as_ref() } {
        Some(p) if p.mechanism == ACSE_AUTH_PASSWORD => unsafe { p.value.password.passwordLength },
        _ => 0,
    }
}

/// `IsoConnectionParameters_create`: every field zero / NULL (`malloc`ed).
#[no_mangle]
pub extern "C" fn IsoConnectionParameters_create() -> IsoConnectionParameters {
    // SAFETY: calloc of the struct size; all-zero is a valid value of every field.
    unsafe { libc::calloc(1, std::mem::size_of::<sIsoConnectionParameters>()).cast() }
}

/// `IsoConnectionParameters_destroy`: frees the struct (not the authentication parameter
/// nor the strings it points to, which stay the caller's).
///
/// # Safety
/// `self_` is NULL or a struct from `IsoConnectionParameters_create`, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn IsoConnectionParameters_destroy(self_: IsoConnectionParameters) {
    // SAFETY: caller's contract.
    unsafe { libc::free(self_.cast()) };
}

/// `IsoConnectionParameters_setTlsConfiguration`: TLS is not supported, the call does
/// nothing (the `CONFIG_MMS_SUPPORT_TLS=0` struct has no TLS member).
#[no_mangle]
pub extern "C" fn IsoConnectionParameters_setTlsConfiguration(
    _self: IsoConnectionParameters,
    _tlsConfig: TLSConfiguration,
) {
}

/// Runs `f` on the struct behind a non-NULL pointer.
///
/// # Safety
/// `p` is NULL or a live struct.
unsafe fn with_params(p: IsoConnectionParameters, f: impl FnOnce(&mut sIsoConnectionParameters)) {
    // SAFETY: caller's contract.
    if let Some(p) = unsafe { p.as_mut() } {
        f(p);
    }
}

/// `IsoConnectionParameters_setAcseAuthenticationParameter`: stores the pointer (the
/// parameter stays the caller's).
///
/// # Safety
/// `self_` is NULL or a live struct; `acseAuthParameter` is NULL or lives as long as it is
/// used by a connect.
#[no_mangle]
pub unsafe extern "C" fn IsoConnectionParameters_setAcseAuthenticationParameter(
    self_: IsoConnectionParameters,
    acseAuthParameter: AcseAuthenticationParameter,
) {
    // SAFETY: caller's contract.
    unsafe { with_params(self_, |p| p.acseAuthParameter = acseAuthParameter) };
}

/// `IsoConnectionParameters_setTcpParameters`: stores the host pointer and the port.
///
/// # Safety
/// `self_` is NULL or a live struct; `hostname` is NULL or a C string that outlives its use.
#[no_mangle]
pub unsafe extern "C" fn IsoConnectionParameters_setTcpParameters(
    self_: IsoConnectionParameters,
    hostname: *const c_char,
    tcpPort: c_int,
) {
    // SAFETY: caller's contract.
    unsafe {
        with_params(self_, |p| {
            p.hostname = hostname;
            p.tcpPort = tcpPort;
        })
    };
}

/// `IsoConnectionParameters_setLocalTcpParameters`: the local address (pointer kept) and
/// port to bind.
///
/// # Safety
/// `self_` is NULL or a live struct; `localIpAddress` is NULL or a C string that outlives
/// its use.
#[no_mangle]
pub unsafe extern "C" fn IsoConnectionParameters_setLocalTcpParameters(
    self_: IsoConnectionParameters,
    localIpAddress: *const c_char,
    localTcpPort: c_int,
) {
    // SAFETY: caller's contract.
    unsafe {
        with_params(self_, |p| {
            p.localIpAddress = localIpAddress;
            p.localTcpPort = localTcpPort;
        })
    };
}

/// The BER content of a dotted OID (`1.1.1.999`); None when malformed, with fewer than two
/// arcs, or longer than the struct holds.
fn ap_title_bytes(dotted: &str) -> Option<Vec<u8>> {
    let arcs: Vec<u32> = dotted
        .split('.')
        .map(|a| a.parse().ok())
        .collect::<Option<_>>()?;
    if arcs.len() < 2 {
        return None;
    }
    let mut tlv = Vec::new();
    crate::ber::write_oid(&mut tlv, 0x06, &arcs);
    let content = tlv.get(2..)?.to_vec();
    (content.len() <= MAX_AP_TITLE).then_some(content)
}

/// Stores an AP title and the AE qualifier. As on the reference, a NULL title clears the
/// title and keeps the qualifier, a malformed one clears the title and sets the qualifier.
///
/// # Safety
/// `ap_title` is NULL or a C string.
unsafe fn set_ap_title(
    bytes: &mut [u8; MAX_AP_TITLE],
    len: &mut c_int,
    qualifier: &mut c_int,
    ap_title: *const c_char,
    ae_qualifier: c_int,
) {
    // SAFETY: caller's contract.
    let Some(text) = (unsafe { c_str(ap_title) }) else {
        *len = 0;
        return;
    };
    match text.to_str().ok().and_then(ap_title_bytes) {
        Some(content) => {
            bytes[..content.len()].copy_from_slice(&content);
            *len = content.len() as c_int;
        }
        None => *len = 0,
    }
    *qualifier = ae_qualifier;
}

/// `IsoConnectionParameters_setRemoteApTitle`: the called AP title (dotted, e.g.
/// `1.1.1.999.1`) and AE qualifier.
///
/// # Safety
/// `self_` is NULL or a live struct; `apTitle` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IsoConnectionParameters_setRemoteApTitle(
    self_: IsoConnectionParameters,
    apTitle: *const c_char,
    aeQualifier: c_int,
) {
    // SAFETY: caller's contract.
    unsafe {
        with_params(self_, |p| {
            set_ap_title(
                &mut p.remoteApTitle,
                &mut p.remoteApTitleLen,
                &mut p.remoteAEQualifier,
                apTitle,
                aeQualifier,
            )
        })
    };
}

/// `IsoConnectionParameters_setLocalApTitle`: the calling AP title and AE qualifier.
///
/// # Safety
/// `self_` is NULL or a live struct; `apTitle` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IsoConnectionParameters_setLocalApTitle(
    self_: IsoConnectionParameters,
    apTitle: *const c_char,
    aeQualifier: c_int,
) {
    // SAFETY: caller's contract.
    unsafe {
        with_params(self_, |p| {
            set_ap_title(
                &mut p.localApTitle,
                &mut p.localApTitleLen,
                &mut p.localAEQualifier,
                apTitle,
                aeQualifier,
            )
        })
    };
}

/// `IsoConnectionParameters_setRemoteAddresses`: the called P, S and T selectors.
///
/// # Safety
/// `self_` is NULL or a live struct.
#[no_mangle]
pub unsafe extern "C" fn IsoConnectionParameters_setRemoteAddresses(
    self_: IsoConnectionParameters,
    pSelector: PSelector,
    sSelector: SSelector,
    tSelector: TSelector,
) {
    // SAFETY: caller's contract.
    unsafe {
        with_params(self_, |p| {
            p.remotePSelector = pSelector;
            p.remoteSSelector = sSelector;
            p.remoteTSelector = tSelector;
        })
    };
}

/// `IsoConnectionParameters_setLocalAddresses`: the calling P, S and T selectors.
///
/// # Safety
/// `self_` is NULL or a live struct.
#[no_mangle]
pub unsafe extern "C" fn IsoConnectionParameters_setLocalAddresses(
    self_: IsoConnectionParameters,
    pSelector: PSelector,
    sSelector: SSelector,
    tSelector: TSelector,
) {
    // SAFETY: caller's contract.
    unsafe {
        with_params(self_, |p| {
            p.localPSelector = pSelector;
            p.localSSelector = sSelector;
            p.localTSelector = tSelector;
        })
    };
}

/// `IsoApplicationReference_getAeQualifier`.
#[no_mangle]
pub extern "C" fn IsoApplicationReference_getAeQualifier(self_: IsoApplicationReference) -> c_int {
    self_.aeQualifier
}

/// `IsoApplicationReference_getApTitle`: the AP title inside the reference (NULL for NULL).
///
/// # Safety
/// `self_` is NULL or a live reference.
#[no_mangle]
pub unsafe extern "C" fn IsoApplicationReference_getApTitle(
    self_: *const IsoApplicationReference,
) -> *const ItuObjectIdentifier {
    // SAFETY: caller's contract.
    unsafe { self_.as_ref() }.map_or(std::ptr::null(), |r| &r.apTitle)
}

/// `ItuObjectIdentifier_getArcCount` (0 for NULL).
///
/// # Safety
/// `self_` is NULL or a live identifier.
#[no_mangle]
pub unsafe extern "C" fn ItuObjectIdentifier_getArcCount(self_: *mut ItuObjectIdentifier) -> c_int {
    // SAFETY: caller's contract.
    unsafe { self_.as_ref() }.map_or(0, |o| o.arcCount)
}

/// `ItuObjectIdentifier_getArc`: the arc array (NULL for NULL).
///
/// # Safety
/// `self_` is NULL or a live identifier.
#[no_mangle]
pub unsafe extern "C" fn ItuObjectIdentifier_getArc(self_: *mut ItuObjectIdentifier) -> *const u16 {
    // SAFETY: caller's contract.
    unsafe { self_.as_ref() }.map_or(std::ptr::null(), |o| o.arc.as_ptr())
}

/// A selector's valid bytes.
fn selector(value: &[u8], size: u8) -> Vec<u8> {
    value[..usize::from(size).min(value.len())].to_vec()
}

/// An AP title and AE qualifier of the struct, `None` for both when the title is unset.
fn ap_title(
    bytes: &[u8; MAX_AP_TITLE],
    len: c_int,
    qualifier: c_int,
) -> (Option<Vec<u32>>, Option<i32>) {
    let len = usize::try_from(len).unwrap_or(0).min(MAX_AP_TITLE);
    match crate::ber::decode_oid(&bytes[..len]) {
        Ok(arcs) if len > 0 => (Some(arcs), Some(qualifier)),
        _ => (None, None),
    }
}

impl sIsoConnectionParameters {
    /// The parameters an IedConnection starts with (the reference's defaults): AP titles
    /// 1.1.1.999.1 (called) and 1.1.1.999 (calling), AE qualifiers 12, P-selector
    /// 00000001, S- and T-selectors 0001.
    pub fn client_default() -> Self {
        let d = IsoParams::default();
        let mut p = sIsoConnectionParameters {
            acseAuthParameter: std::ptr::null_mut(),
            hostname: std::ptr::null(),
            tcpPort: 0,
            localIpAddress: std::ptr::null(),
            localTcpPort: 0,
            remoteApTitle: [0; MAX_AP_TITLE],
            remoteApTitleLen: 0,
            remoteAEQualifier: 0,
            remotePSelector: PSelector::default(),
            remoteSSelector: SSelector::default(),
            remoteTSelector: TSelector::default(),
            localApTitle: [0; MAX_AP_TITLE],
            localApTitleLen: 0,
            localAEQualifier: 0,
            localPSelector: PSelector::default(),
            localSSelector: SSelector::default(),
            localTSelector: TSelector::default(),
        };
        let fill = |dst: &mut [u8], size: &mut u8, src: &[u8]| {
            let n = src.len().min(dst.len());
            dst[..n].copy_from_slice(&src[..n]);
            *size = n as u8;
        };
        fill(
            &mut p.remotePSelector.value,
            &mut p.remotePSelector.size,
            &d.remote_psel,
        );
        fill(
            &mut p.remoteSSelector.value,
            &mut p.remoteSSelector.size,
            &d.remote_ssel,
        );
        fill(
            &mut p.remoteTSelector.value,
            &mut p.remoteTSelector.size,
            &d.remote_tsel,
        );
        fill(
            &mut p.localPSelector.value,
            &mut p.localPSelector.size,
            &d.local_psel,
        );
        fill(
            &mut p.localSSelector.value,
            &mut p.localSSelector.size,
            &d.local_ssel,
        );
        fill(
            &mut p.localTSelector.value,
            &mut p.localTSelector.size,
            &d.local_tsel,
        );
        let title = |arcs: &Option<Vec<u32>>, bytes: &mut [u8; MAX_AP_TITLE], len: &mut c_int| {
            let dotted: Vec<String> = arcs.iter().flatten().map(u32::to_string).collect();
            if let Some(content) = ap_title_bytes(&dotted.join(".")) {
                bytes[..content.len()].copy_from_slice(&content);
                *len = content.len() as c_int;
            }
        };
        title(
            &d.remote_ap_title,
            &mut p.remoteApTitle,
            &mut p.remoteApTitleLen,
        );
        title(
            &d.local_ap_title,
            &mut p.localApTitle,
            &mut p.localApTitleLen,
        );
        p.remoteAEQualifier = d.remote_ae_qualifier.unwrap_or(0);
        p.localAEQualifier = d.local_ae_qualifier.unwrap_or(0);
        p
    }

    /// Applies the selectors, AP titles and password to the ISO parameters of a connect.
    ///
    /// # Safety
    /// `acseAuthParameter` is NULL or a live parameter.
    pub unsafe fn apply(&self, iso: &mut IsoParams) {
        iso.remote_psel = selector(&self.remotePSelector.value, self.remotePSelector.size);
        iso.remote_ssel = selector(&self.remoteSSelector.value, self.remoteSSelector.size);
        iso.remote_tsel = selector(&self.remoteTSelector.value, self.remoteTSelector.size);
        iso.local_psel = selector(&self.localPSelector.value, self.localPSelector.size);
        iso.local_ssel = selector(&self.localSSelector.value, self.localSSelector.size);
        iso.local_tsel = selector(&self.localTSelector.value, self.localTSelector.size);
        (iso.remote_ap_title, iso.remote_ae_qualifier) = ap_title(
            &self.remoteApTitle,
            self.remoteApTitleLen,
            self.remoteAEQualifier,
        );
        (iso.local_ap_title, iso.local_ae_qualifier) = ap_title(
            &self.localApTitle,
            self.localApTitleLen,
            self.localAEQualifier,
        );
        // SAFETY: caller's contract; the password member is the valid one for PASSWORD.
        iso.password = match unsafe { self.acseAuthParameter.as_ref() } {
            Some(a) if a.mechanism == ACSE_AUTH_PASSWORD => unsafe {
                let pw = a.value.password;
                let len = usize::try_from(pw.passwordLength).unwrap_or(0);
                (!pw.octetString.is_null())
                    .then(|| std::slice::from_raw_parts(pw.octetString, len).to_vec())
            },
            _ => None,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ap_titles_encode_as_the_reference() {
        assert_eq!(
            ap_title_bytes("1.1.1.999.1").unwrap(),
            [0x29, 0x01, 0x87, 0x67, 0x01]
        );
        assert_eq!(
            ap_title_bytes("1.3.9999.33").unwrap(),
            [0x2b, 0xce, 0x0f, 0x21]
        );
        assert_eq!(
            ap_title_bytes("1.2.1200.15.3").unwrap(),
            [0x2a, 0x89, 0x30, 0x0f, 0x03]
        );
        for bad in ["garbage", "1", "", "1.2.3.4.5.6.7.8.9.10.11.12", "1..2"] {
            assert_eq!(ap_title_bytes(bad), None, "{bad}");
        }
    }

    #[test]
    fn defaults_round_trip_into_iso_params() {
        let p = sIsoConnectionParameters::client_default();
        assert_eq!(&p.remoteApTitle[..5], [0x29, 0x01, 0x87, 0x67, 0x01]);
        assert_eq!((p.remoteApTitleLen, p.localApTitleLen), (5, 4));
        assert_eq!(p.remotePSelector.size, 4);
        let mut iso = IsoParams {
            password: Some(b"x".to_vec()),
            ..IsoParams::default()
        };
        // SAFETY: no authentication parameter.
        unsafe { p.apply(&mut iso) };
        assert_eq!(iso, IsoParams::default());
    }

    #[test]
    fn passwords_are_copied_and_applied() {
        let auth = AcseAuthenticationParameter_create();
        let mut pw = *b"secret\0";
        // SAFETY: a live parameter and C strings.
        unsafe {
            AcseAuthenticationParameter_setPassword(auth, pw.as_mut_ptr().cast());
            assert_eq!(AcseAuthenticationParameter_getPasswordLength(auth), 0);
            assert!(AcseAuthenticationParameter_getPassword(auth).is_null());
            AcseAuthenticationParameter_setAuthMechanism(auth, ACSE_AUTH_PASSWORD);
            // The parameter holds a copy: changing the caller's buffer changes nothing.
            std::ptr::write_volatile(pw.as_mut_ptr(), b'X');
            assert_eq!(AcseAuthenticationParameter_getPasswordLength(auth), 6);
            assert_eq!(
                std::ffi::CStr::from_ptr(AcseAuthenticationParameter_getPassword(auth)).to_bytes(),
                b"secret"
            );
            let mut p = sIsoConnectionParameters::client_default();
            IsoConnectionParameters_setAcseAuthenticationParameter(&mut p, auth);
            IsoConnectionParameters_setRemoteApTitle(&mut p, std::ptr::null(), 3);
            let mut iso = IsoParams::default();
            p.apply(&mut iso);
            assert_eq!(iso.password.as_deref(), Some(&b"secret"[..]));
            assert_eq!((iso.remote_ap_title, iso.remote_ae_qualifier), (None, None));
            AcseAuthenticationParameter_destroy(auth);
        }
    }
}
