//! MMS Initiate (ISO 9506-2): the initiate-RequestPDU and initiate-ResponsePDU that open an
//! association with their parameters (local detail, outstanding requests, nesting level,
//! version, parameter and service support bits), and the initiate-ErrorPDU that refuses it.

use crate::ber::{self, BerError, Reader};
use crate::mms::common::{write_service_error, MmsError};

/// initiate-RequestPDU [8].
pub(crate) const PDU_INITIATE_REQUEST: u32 = 0xA8;
/// initiate-ResponsePDU [9].
pub(crate) const PDU_INITIATE_RESPONSE: u32 = 0xA9;
/// initiate-ErrorPDU [10].
pub(crate) const PDU_INITIATE_ERROR: u32 = 0xAA;

/// Parameters of initiate request and response (local detail, limits, CBBs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitiateParams {
    /// Maximum MMS PDU size (localDetailCalling/Called); 0 when absent.
    pub local_detail: u32,
    /// Outstanding requests the calling side may have.
    pub max_serv_outstanding_calling: u16,
    /// Outstanding requests the called side may have.
    pub max_serv_outstanding_called: u16,
    /// Maximum structure nesting level of Data; 0 when absent.
    pub data_structure_nesting_level: u8,
    /// MMS version number.
    pub version: u8,
    /// ParameterSupportOptions bits (11 bits used, 5 unused in the last octet).
    pub parameter_cbb: [u8; 2],
    /// ServiceSupportOptions bits (85 bits used, 3 unused in the last octet).
    pub services_supported: [u8; 11],
}

impl InitiateParams {
    /// What the reference client proposes: max PDU 65000, 5/5 outstanding, nesting 10.
    pub fn client_default() -> Self {
        InitiateParams {
            local_detail: 65000,
            max_serv_outstanding_calling: 5,
            max_serv_outstanding_called: 5,
            data_structure_nesting_level: 10,
            version: 1,
            parameter_cbb: [0xF1, 0x00],
            services_supported: [
                0xEE, 0x1C, 0x00, 0x00, 0x04, 0x08, 0x00, 0x00, 0x79, 0xEF, 0x18,
            ],
        }
    }
}

/// Unused bits in the last octet of the parameterCBB bit string.
const PARAMETER_CBB_UNUSED: u8 = 5;
/// Unused bits in the last octet of the servicesSupported bit string.
const SERVICES_SUPPORTED_UNUSED: u8 = 3;

/// Writes initiate-RequestPDU.
pub fn encode_initiate_request(p: &InitiateParams, out: &mut Vec<u8>) {
    encode_initiate(PDU_INITIATE_REQUEST, p, out)
}

/// Writes initiate-ResponsePDU.
pub fn encode_initiate_response(p: &InitiateParams, out: &mut Vec<u8>) {
    encode_initiate(PDU_INITIATE_RESPONSE, p, out)
}

/// Initiate request and response share their layout, only the PDU tag differs.
fn encode_initiate(tag: u32, p: &InitiateParams, out: &mut Vec<u8>) {
    ber::write_constructed(out, tag, |out| {
        ber::write_i64(out, 0x80, i64::from(p.local_detail));
        ber::write_i64(out, 0x81, i64::from(p.max_serv_outstanding_calling));
        ber::write_i64(out, 0x82, i64::from(p.max_serv_outstanding_called));
        ber::write_i64(out, 0x83, i64::from(p.data_structure_nesting_level));
        ber::write_constructed(out, 0xA4, |out| {
            ber::write_i64(out, 0x80, i64::from(p.version));
            write_bit_string(out, 0x81, PARAMETER_CBB_UNUSED, &p.parameter_cbb);
            write_bit_string(out, 0x82, SERVICES_SUPPORTED_UNUSED, &p.services_supported);
        });
    });
}

/// Writes a BIT STRING with its unused-bits octet.
fn write_bit_string(out: &mut Vec<u8>, tag: u32, unused: u8, bytes: &[u8]) {
    ber::write_tag(out, tag);
    ber::write_length(out, bytes.len() + 1);
    out.push(unused);
    out.extend_from_slice(bytes);
}

/// Writes an initiate-ErrorPDU.
pub fn encode_initiate_error(class: u8, code: i64, out: &mut Vec<u8>) {
    ber::write_constructed(out, PDU_INITIATE_ERROR, |out| {
        write_service_error(out, class, code)
    });
}

/// Decodes an INTEGER that must fit `T`.
fn decode_int<T: TryFrom<i64>>(v: &[u8]) -> Result<T, MmsError> {
    T::try_from(ber::decode_i64(v)?).map_err(|_| MmsError::Ber(BerError::TooLarge))
}

/// Decodes the body of initiate request/response.
pub(crate) fn decode_initiate(v: &[u8]) -> Result<InitiateParams, MmsError> {
    let mut r = Reader::new(v);
    let local_detail = r.read_optional(0x80)?.map(decode_int).transpose()?;
    let calling = decode_int(r.expect(0x81)?)?;
    let called = decode_int(r.expect(0x82)?)?;
    let nesting = r.read_optional(0x83)?.map(decode_int).transpose()?;
    let mut detail = Reader::new(r.expect(0xA4)?);
    let version = decode_int(detail.expect(0x80)?)?;
    let mut params = InitiateParams {
        local_detail: local_detail.unwrap_or(0),
        max_serv_outstanding_calling: calling,
        max_serv_outstanding_called: called,
        data_structure_nesting_level: nesting.unwrap_or(0),
        version,
        parameter_cbb: [0; 2],
        services_supported: [0; 11],
    };
    read_bit_string(detail.expect(0x81)?, &mut params.parameter_cbb)?;
    read_bit_string(detail.expect(0x82)?, &mut params.services_supported)?;
    Ok(params)
}

/// Copies BIT STRING content into `dst` (shorter strings leave the rest clear, extra
/// bits beyond `dst` are ignored: they name options this side does not know).
fn read_bit_string(v: &[u8], dst: &mut [u8]) -> Result<(), MmsError> {
    let (&unused, bits) = v
        .split_first()
        .ok_or(MmsError::Invalid("empty bit string"))?;
    if unused > 7 {
        return Err(MmsError::Invalid("bit string unused-bits octet"));
    }
    dst.iter_mut().zip(bits).for_each(|(d, s)| *d = *s);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::pdu::{decode_pdu, MmsPdu};
    use crate::mms::testing::{decode, INITIATE_REQUEST};
    use crate::test_util::hex;

    #[test]
    fn initiate_request_matches_reference_client() {
        let mut out = Vec::new();
        encode_initiate_request(&InitiateParams::client_default(), &mut out);
        assert_eq!(out, hex(INITIATE_REQUEST));
        assert_eq!(
            decode(&out),
            MmsPdu::InitiateRequest(InitiateParams::client_default())
        );
    }

    #[test]
    fn initiate_response_from_reference_server() {
        let bytes = hex(
            "a9 26 80 03 00fde8 81 01 05 82 01 05 83 01 0a a4 16 80 01 01 81 03 05 f100
             82 0c 03 ee1c00000002000040ed18",
        );
        let expected = InitiateParams {
            services_supported: [
                0xEE, 0x1C, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x40, 0xED, 0x18,
            ],
            ..InitiateParams::client_default()
        };
        assert_eq!(decode(&bytes), MmsPdu::InitiateResponse(expected.clone()));
        let mut out = Vec::new();
        encode_initiate_response(&expected, &mut out);
        assert_eq!(out, bytes);
    }

    #[test]
    fn initiate_optional_fields_and_short_bit_strings() {
        let bytes = hex("a8 10 81 01 01 82 01 01 a4 08 80 01 01 81 01 00 82 00");
        // servicesSupported with no unused-bits octet is invalid.
        assert!(decode_pdu(&bytes, 10).is_err());
        let bytes = hex("a8 11 81 01 01 82 01 01 a4 09 80 01 01 81 01 00 82 01 00");
        let MmsPdu::InitiateRequest(p) = decode(&bytes) else {
            panic!("not an initiate request")
        };
        assert_eq!((p.local_detail, p.data_structure_nesting_level), (0, 0));
        assert_eq!(p.services_supported, [0; 11]);
    }

    #[test]
    fn initiate_and_conclude_errors() {
        let mut out = Vec::new();
        encode_initiate_error(8, 0, &mut out);
        assert_eq!(out, hex("aa 05 a0 03 88 01 00"));
        assert_eq!(decode(&out), MmsPdu::InitiateError);
        assert_eq!(decode(&hex("ad 05 a0 03 89 01 01")), MmsPdu::ConcludeError);
    }
}
