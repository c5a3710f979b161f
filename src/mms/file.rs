//! MMS file services (ISO 9506-2 annex C): ObtainFile [46], FileOpen [72], FileRead [73],
//! FileClose [74], FileRename [75], FileDelete [76] and FileDirectory [77], both
//! directions (a client requests them, and answers FileOpen/FileRead/FileClose while a
//! server obtains a file from it).
//!
//! The encodings are those the reference client and server put on the wire (checked
//! against captured PDUs in the tests); `lastModified` is GeneralizedTime
//! `YYYYMMDDhhmmss.fffZ`, kept here as milliseconds since the Unix epoch.

use crate::ber::{self, Reader, Tlv};
use crate::mms::common::{
    expect_null, write_confirmed_ok, MmsError, PDU_CONFIRMED_REQUEST, PDU_CONFIRMED_RESPONSE,
    TAG_SEQUENCE,
};

/// obtainFile [46] request (constructed).
pub const OBTAIN_FILE_REQUEST: u32 = 0xBF2E;
/// obtainFile [46] response (NULL).
pub const OBTAIN_FILE_RESPONSE: u32 = 0x9F2E;
/// fileOpen [72], request and response.
pub const FILE_OPEN: u32 = 0xBF48;
/// fileRead [73] request (the FRSM ID, primitive).
pub const FILE_READ_REQUEST: u32 = 0x9F49;
/// fileRead [73] response.
pub const FILE_READ_RESPONSE: u32 = 0xBF49;
/// fileClose [74] request (FRSM ID) and response (NULL): both primitive.
pub const FILE_CLOSE: u32 = 0x9F4A;
/// fileRename [75] request.
pub const FILE_RENAME_REQUEST: u32 = 0xBF4B;
/// fileRename [75] response (NULL).
pub const FILE_RENAME_RESPONSE: u32 = 0x9F4B;
/// fileDelete [76] request (a FileName).
pub const FILE_DELETE_REQUEST: u32 = 0xBF4C;
/// fileDelete [76] response (NULL).
pub const FILE_DELETE_RESPONSE: u32 = 0x9F4C;
/// fileDirectory [77], request and response.
pub const FILE_DIRECTORY: u32 = 0xBF4D;

/// Universal GraphicString: the elements of a FileName.
const TAG_GRAPHIC_STRING: u32 = 0x19;

/// FileAttributes: size and (optionally) the last modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FileAttributes {
    /// sizeOfFile in octets.
    pub size: u32,
    /// lastModified, milliseconds since 1970-01-01 UTC.
    pub last_modified: Option<u64>,
}

/// One DirectoryEntry of a FileDirectory response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    /// fileName (its GraphicString elements joined).
    pub name: String,
    /// fileAttributes.
    pub attributes: FileAttributes,
}

/// A file service request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRequest {
    /// ObtainFile: the server shall fetch `source` from the requester's filestore.
    Obtain {
        /// sourceFile.
        source: String,
        /// destinationFile.
        destination: String,
    },
    /// FileOpen for reading from `position`.
    Open {
        /// fileName.
        name: String,
        /// initialPosition.
        position: u32,
    },
    /// FileRead of the open file.
    Read(i32),
    /// FileClose of the open file.
    Close(i32),
    /// FileRename.
    Rename {
        /// currentFileName.
        from: String,
        /// newFileName.
        to: String,
    },
    /// FileDelete.
    Delete(String),
    /// FileDirectory of `spec` (None: the whole filestore), continuing after a name.
    Directory {
        /// fileSpecification.
        spec: Option<String>,
        /// continueAfter.
        continue_after: Option<String>,
    },
}

/// A file service response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileResponse {
    /// ObtainFile succeeded.
    Obtain,
    /// FileOpen: the FRSM ID and the file's attributes.
    Open {
        /// frsmID.
        frsm: i32,
        /// fileAttributes.
        attributes: FileAttributes,
    },
    /// FileRead: one chunk.
    Read {
        /// fileData.
        data: Vec<u8>,
        /// moreFollows (DEFAULT TRUE).
        more_follows: bool,
    },
    /// FileClose succeeded.
    Close,
    /// FileRename succeeded.
    Rename,
    /// FileDelete succeeded.
    Delete,
    /// FileDirectory: one page of entries.
    Directory {
        /// listOfDirectoryEntry.
        entries: Vec<DirectoryEntry>,
        /// moreFollows (DEFAULT FALSE).
        more_follows: bool,
    },
}

/// Whether `tag` is a file service in a ConfirmedServiceRequest.
pub fn is_request_tag(tag: u32) -> bool {
    matches!(
        tag,
        OBTAIN_FILE_REQUEST
            | FILE_OPEN
            | FILE_READ_REQUEST
            | FILE_CLOSE
            | FILE_RENAME_REQUEST
            | FILE_DELETE_REQUEST
            | FILE_DIRECTORY
    )
}

/// Whether `tag` is a file service in a ConfirmedServiceResponse.
pub fn is_response_tag(tag: u32) -> bool {
    matches!(
        tag,
        OBTAIN_FILE_RESPONSE
            | FILE_OPEN
            | FILE_READ_RESPONSE
            | FILE_CLOSE
            | FILE_RENAME_RESPONSE
            | FILE_DELETE_RESPONSE
            | FILE_DIRECTORY
    )
}

// ---------------------------------------------------------------------------------------
// Encoding

/// Writes the elements of a FileName (one GraphicString) into the current constructed TLV.
fn write_file_name(out: &mut Vec<u8>, name: &str) {
    ber::write_tlv(out, TAG_GRAPHIC_STRING, name.as_bytes());
}

/// Writes FileAttributes' components (sizeOfFile [0], lastModified [1]).
fn write_attributes(out: &mut Vec<u8>, a: &FileAttributes) {
    ber::write_u64(out, 0x80, u64::from(a.size));
    if let Some(ms) = a.last_modified {
        ber::write_tlv(out, 0x81, generalized_time(ms).as_bytes());
    }
}

/// Writes a file service request as a complete confirmed-RequestPDU.
pub fn encode_request(invoke_id: u32, request: &FileRequest, out: &mut Vec<u8>) {
    let mut body = Vec::new();
    let b = &mut body;
    let tag = match request {
        FileRequest::Obtain {
            source,
            destination,
        } => {
            ber::write_constructed(b, 0xA1, |b| write_file_name(b, source));
            ber::write_constructed(b, 0xA2, |b| write_file_name(b, destination));
            OBTAIN_FILE_REQUEST
        }
        FileRequest::Open { name, position } => {
            ber::write_constructed(b, 0xA0, |b| write_file_name(b, name));
            ber::write_u64(b, 0x81, u64::from(*position));
            FILE_OPEN
        }
        FileRequest::Read(frsm) => {
            b.extend_from_slice(&integer_content(*frsm));
            FILE_READ_REQUEST
        }
        FileRequest::Close(frsm) => {
            b.extend_from_slice(&integer_content(*frsm));
            FILE_CLOSE
        }
        FileRequest::Rename { from, to } => {
            ber::write_constructed(b, 0xA0, |b| write_file_name(b, from));
            ber::write_constructed(b, 0xA1, |b| write_file_name(b, to));
            FILE_RENAME_REQUEST
        }
        FileRequest::Delete(name) => {
            write_file_name(b, name);
            FILE_DELETE_REQUEST
        }
        FileRequest::Directory {
            spec,
            continue_after,
        } => {
            if let Some(spec) = spec {
                ber::write_constructed(b, 0xA0, |b| write_file_name(b, spec));
            }
            if let Some(after) = continue_after {
                ber::write_constructed(b, 0xA1, |b| write_file_name(b, after));
            }
            FILE_DIRECTORY
        }
    };
    write_service(out, PDU_CONFIRMED_REQUEST, invoke_id, tag, &body);
}

/// The content octets of an INTEGER (minimal two's complement), for the primitive
/// services whose implicit tag replaces the INTEGER's.
fn integer_content(v: i32) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < 3 {
        let redundant = (bytes[start] == 0x00 && bytes[start + 1] & 0x80 == 0)
            || (bytes[start] == 0xFF && bytes[start + 1] & 0x80 != 0);
        if !redundant {
            break;
        }
        start += 1;
    }
    bytes[start..].to_vec()
}

/// Writes a confirmed request or response envelope around a service TLV.
fn write_service(out: &mut Vec<u8>, pdu_tag: u32, invoke_id: u32, tag: u32, body: &[u8]) {
    write_confirmed_ok(out, pdu_tag, invoke_id, tag, |out| {
        out.extend_from_slice(body);
    });
}

/// Writes a file service response as a complete confirmed-ResponsePDU.
pub fn encode_response(invoke_id: u32, response: &FileResponse, out: &mut Vec<u8>) {
    let mut body = Vec::new();
    let b = &mut body;
    let tag = match response {
        FileResponse::Obtain => OBTAIN_FILE_RESPONSE,
        FileResponse::Close => FILE_CLOSE,
        FileResponse::Rename => FILE_RENAME_RESPONSE,
        FileResponse::Delete => FILE_DELETE_RESPONSE,
        FileResponse::Open { frsm, attributes } => {
            ber::write_i64(b, 0x80, i64::from(*frsm));
            ber::write_constructed(b, 0xA1, |b| write_attributes(b, attributes));
            FILE_OPEN
        }
        FileResponse::Read { data, more_follows } => {
            ber::write_tlv(b, 0x80, data);
            ber::write_bool(b, 0x81, *more_follows);
            FILE_READ_RESPONSE
        }
        FileResponse::Directory {
            entries,
            more_follows,
        } => {
            // The reference wraps the entries in a SEQUENCE inside [0].
            ber::write_constructed(b, 0xA0, |b| {
                ber::write_constructed(b, TAG_SEQUENCE, |b| {
                    for e in entries {
                        ber::write_constructed(b, TAG_SEQUENCE, |b| {
                            ber::write_constructed(b, 0xA0, |b| write_file_name(b, &e.name));
                            ber::write_constructed(b, 0xA1, |b| write_attributes(b, &e.attributes));
                        });
                    }
                });
            });
            if *more_follows {
                ber::write_bool(b, 0x81, true);
            }
            FILE_DIRECTORY
        }
    };
    write_service(out, PDU_CONFIRMED_RESPONSE, invoke_id, tag, &body);
}

// ---------------------------------------------------------------------------------------
// Decoding

/// A FileName's GraphicString elements, joined.
fn file_name(content: &[u8]) -> Result<String, MmsError> {
    let mut name = Vec::new();
    let mut r = Reader::new(content);
    while !r.is_empty() {
        name.extend_from_slice(r.expect(TAG_GRAPHIC_STRING)?);
    }
    Ok(String::from_utf8_lossy(&name).into_owned())
}

/// An FRSM ID (Integer32).
fn frsm(value: &[u8]) -> Result<i32, MmsError> {
    i32::try_from(ber::decode_i64(value)?).map_err(|_| MmsError::Invalid("FRSM ID"))
}

/// FileAttributes' components.
fn attributes(content: &[u8]) -> Result<FileAttributes, MmsError> {
    let mut r = Reader::new(content);
    let size = ber::decode_u32(r.expect(0x80)?)?;
    let last_modified = r.read_optional(0x81)?.and_then(parse_generalized_time);
    Ok(FileAttributes {
        size,
        last_modified,
    })
}

/// Decodes the content of a file service request with service tag `tag`.
pub fn decode_request(tag: u32, v: &[u8]) -> Result<FileRequest, MmsError> {
    let mut r = Reader::new(v);
    Ok(match tag {
        OBTAIN_FILE_REQUEST => {
            // sourceFileServer [0] (an AP title) names a third party; it is not used here.
            r.read_optional(0xA0)?;
            FileRequest::Obtain {
                source: file_name(r.expect(0xA1)?)?,
                destination: file_name(r.expect(0xA2)?)?,
            }
        }
        FILE_OPEN => FileRequest::Open {
            name: file_name(r.expect(0xA0)?)?,
            position: ber::decode_u32(r.expect(0x81)?)?,
        },
        FILE_READ_REQUEST => FileRequest::Read(frsm(v)?),
        FILE_CLOSE => FileRequest::Close(frsm(v)?),
        FILE_RENAME_REQUEST => FileRequest::Rename {
            from: file_name(r.expect(0xA0)?)?,
            to: file_name(r.expect(0xA1)?)?,
        },
        FILE_DELETE_REQUEST => FileRequest::Delete(file_name(v)?),
        FILE_DIRECTORY => FileRequest::Directory {
            spec: r.read_optional(0xA0)?.map(file_name).transpose()?,
            continue_after: r.read_optional(0xA1)?.map(file_name).transpose()?,
        },
        _ => return Err(MmsError::Invalid("not a file service request")),
    })
}

/// Decodes the content of a file service response with service tag `tag`.
pub fn decode_response(tag: u32, v: &[u8]) -> Result<FileResponse, MmsError> {
    let mut r = Reader::new(v);
    Ok(match tag {
        OBTAIN_FILE_RESPONSE => expect_null(v).map(|_| FileResponse::Obtain)?,
        FILE_CLOSE => expect_null(v).map(|_| FileResponse::Close)?,
        FILE_RENAME_RESPONSE => expect_null(v).map(|_| FileResponse::Rename)?,
        FILE_DELETE_RESPONSE => expect_null(v).map(|_| FileResponse::Delete)?,
        FILE_OPEN => FileResponse::Open {
            frsm: frsm(r.expect(0x80)?)?,
            attributes: attributes(r.expect(0xA1)?)?,
        },
        FILE_READ_RESPONSE => FileResponse::Read {
            data: r.expect(0x80)?.to_vec(),
            more_follows: optional_bool(&mut r, true)?,
        },
        FILE_DIRECTORY => FileResponse::Directory {
            entries: directory_entries(r.expect(0xA0)?)?,
            more_follows: optional_bool(&mut r, false)?,
        },
        _ => return Err(MmsError::Invalid("not a file service response")),
    })
}

/// The BOOLEAN moreFollows [1] or its default.
fn optional_bool(r: &mut Reader, default: bool) -> Result<bool, MmsError> {
    Ok(r.read_optional(0x81)?
        .map(ber::decode_bool)
        .transpose()?
        .unwrap_or(default))
}

/// listOfDirectoryEntry: entries either wrapped in a SEQUENCE (as the reference sends
/// them) or directly inside [0].
fn directory_entries(content: &[u8]) -> Result<Vec<DirectoryEntry>, MmsError> {
    let mut r = Reader::new(content);
    let first = match r.clone().read_tlv() {
        Ok(tlv) => tlv,
        Err(_) if content.is_empty() => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let wrapped = first.tag == TAG_SEQUENCE
        && r.read_tlv().is_ok()
        && r.is_empty()
        && matches!(
            Reader::new(first.value).peek_tag(),
            None | Some(TAG_SEQUENCE)
        );
    let list = if wrapped { first.value } else { content };
    let mut entries = Vec::new();
    let mut r = Reader::new(list);
    while !r.is_empty() {
        let tlv: Tlv = r.read_tlv()?;
        if tlv.tag != TAG_SEQUENCE {
            return Err(MmsError::Invalid("directory entry"));
        }
        let mut e = Reader::new(tlv.value);
        entries.push(DirectoryEntry {
            name: file_name(e.expect(0xA0)?)?,
            attributes: attributes(e.expect(0xA1)?)?,
        });
    }
    Ok(entries)
}

// ---------------------------------------------------------------------------------------
// GeneralizedTime

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYYMMDDhhmmss.fffZ` of a time in milliseconds since the epoch.
pub fn generalized_time(ms: u64) -> String {
    let secs = (ms / 1000) as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}.{:03}Z",
        s / 3600,
        s / 60 % 60,
        s % 60,
        ms % 1000
    )
}

/// Milliseconds since the epoch of a GeneralizedTime (`YYYYMMDDhhmmss[.f...][Z]`, read
/// as UTC); `None` when malformed or before 1970.
pub fn parse_generalized_time(v: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(v).ok()?;
    let text = text.strip_suffix('Z').unwrap_or(text);
    let (whole, fraction) = text.split_once(['.', ',']).unwrap_or((text, ""));
    if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |range: std::ops::Range<usize>| whole.get(range)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, s) = (num(8..10)?, num(10..12)?, num(12..14)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let millis = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
    u64::try_from(secs * 1000 + millis).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::pdu::{decode_pdu, ConfirmedService, ConfirmedServiceResponse, MmsPdu};
    use crate::test_util::hex;

    fn request(invoke_id: u32, r: &FileRequest) -> Vec<u8> {
        let mut out = Vec::new();
        encode_request(invoke_id, r, &mut out);
        out
    }

    fn response(invoke_id: u32, r: &FileResponse) -> Vec<u8> {
        let mut out = Vec::new();
        encode_response(invoke_id, r, &mut out);
        out
    }

    fn decoded_request(bytes: &[u8]) -> (u32, FileRequest) {
        match decode_pdu(bytes, 8).unwrap() {
            MmsPdu::ConfirmedRequest {
                invoke_id,
                service: ConfirmedService::File(r),
            } => (invoke_id, r),
            other => panic!("{other:?}"),
        }
    }

    fn decoded_response(bytes: &[u8]) -> (u32, FileResponse) {
        match decode_pdu(bytes, 8).unwrap() {
            MmsPdu::ConfirmedResponse {
                invoke_id,
                service: ConfirmedServiceResponse::File(r),
            } => (invoke_id, r),
            other => panic!("{other:?}"),
        }
    }

    /// MMS PDUs captured between the reference client and server.
    const REF_DIR_ROOT_REQ: &str = "a006020101bf4d00";
    const REF_DIR_SUB_REQ: &str = "a00d020102bf4d07a0051903737562";
    const REF_DIR_SUB_RSP: &str = "a134020102bf4d2ea02c302a3028a00b19097375622f622e62696ea11980020bb8811332303236313132353038313732362e3030305a";
    const REF_DIR_CONTINUE_REQ: &str = "a032020103bf4d2ca00619046d616e79a12219206d616e792f66696c655f776974685f6c6f6e675f6e616d655f3039302e747874";
    const REF_DIR_EMPTY_RSP: &str = "a10a020103bf4d04a0023000";
    const REF_OPEN_REQ: &str = "a012020103bf480ca0071905612e747874810100";
    const REF_OPEN_RSP: &str =
        "a123020103bf481d800100a11880010c811332303236313132353038313732362e3030305a";
    const REF_READ_REQ: &str = "a0070201049f490100";
    const REF_READ_RSP: &str = "a117020104bf4911800c68656c6c6f20776f726c640a810100";
    const REF_CLOSE_REQ: &str = "a0070201059f4a0100";
    const REF_CLOSE_RSP: &str = "a1060201059f4a00";
    const REF_OBTAIN_REQ: &str =
        "a020020127bf2e1aa108190675702e747874a20e190c75706c6f616465642e747874";
    const REF_OBTAIN_RSP: &str = "a1060201279f2e00";
    const REF_DELETE_REQ: &str = "a014020128bf4c0e190c75706c6f616465642e747874";
    const REF_DELETE_RSP: &str = "a1060201289f4c00";
    /// The reference client answering the server's FileOpen while it obtains a file.
    const REF_CLIENT_OPEN_RSP: &str =
        "a123020101bf481d800100a11880010e811332303236313132353038313734352e3030305a";
    const REF_CLIENT_READ_RSP: &str = "a119020102bf4913800e6c6f63616c20636f6e74656e740a810100";

    const T_2026: u64 = 1_795_594_646_000;

    #[test]
    fn requests_match_the_reference_client() {
        let cases = [
            (
                REF_DIR_ROOT_REQ,
                FileRequest::Directory {
                    spec: None,
                    continue_after: None,
                },
            ),
            (
                REF_DIR_SUB_REQ,
                FileRequest::Directory {
                    spec: Some("sub".into()),
                    continue_after: None,
                },
            ),
            (
                REF_DIR_CONTINUE_REQ,
                FileRequest::Directory {
                    spec: Some("many".into()),
                    continue_after: Some("many/file_with_long_name_090.txt".into()),
                },
            ),
            (
                REF_OPEN_REQ,
                FileRequest::Open {
                    name: "a.txt".into(),
                    position: 0,
                },
            ),
            (REF_READ_REQ, FileRequest::Read(0)),
            (REF_CLOSE_REQ, FileRequest::Close(0)),
            (
                REF_OBTAIN_REQ,
                FileRequest::Obtain {
                    source: "up.txt".into(),
                    destination: "uploaded.txt".into(),
                },
            ),
            (REF_DELETE_REQ, FileRequest::Delete("uploaded.txt".into())),
        ];
        for (captured, req) in cases {
            let bytes = hex(captured);
            let (id, decoded) = decoded_request(&bytes);
            assert_eq!(decoded, req, "{captured}");
            assert_eq!(request(id, &req), bytes, "{req:?}");
        }
    }

    #[test]
    fn responses_match_the_reference() {
        let attrs = |size, t| FileAttributes {
            size,
            last_modified: Some(t),
        };
        let cases = [
            (
                REF_DIR_SUB_RSP,
                FileResponse::Directory {
                    entries: vec![DirectoryEntry {
                        name: "sub/b.bin".into(),
                        attributes: attrs(3000, T_2026),
                    }],
                    more_follows: false,
                },
            ),
            (
                REF_DIR_EMPTY_RSP,
                FileResponse::Directory {
                    entries: vec![],
                    more_follows: false,
                },
            ),
            (
                REF_OPEN_RSP,
                FileResponse::Open {
                    frsm: 0,
                    attributes: attrs(12, T_2026),
                },
            ),
            (
                REF_READ_RSP,
                FileResponse::Read {
                    data: b"hello world\n".to_vec(),
                    more_follows: false,
                },
            ),
            (REF_CLOSE_RSP, FileResponse::Close),
            (REF_OBTAIN_RSP, FileResponse::Obtain),
            (REF_DELETE_RSP, FileResponse::Delete),
            (
                REF_CLIENT_OPEN_RSP,
                FileResponse::Open {
                    frsm: 0,
                    attributes: attrs(14, T_2026 + 19_000),
                },
            ),
            (
                REF_CLIENT_READ_RSP,
                FileResponse::Read {
                    data: b"local content\n".to_vec(),
                    more_follows: false,
                },
            ),
        ];
        for (captured, rsp) in cases {
            let bytes = hex(captured);
            let (id, decoded) = decoded_response(&bytes);
            assert_eq!(decoded, rsp, "{captured}");
            assert_eq!(response(id, &rsp), bytes, "{rsp:?}");
        }
    }

    #[test]
    fn rename_and_defaults_round_trip() {
        let req = FileRequest::Rename {
            from: "a/b".into(),
            to: "c".into(),
        };
        assert_eq!(decoded_request(&request(9, &req)), (9, req));
        assert_eq!(
            decoded_response(&response(9, &FileResponse::Rename)),
            (9, FileResponse::Rename)
        );
        // moreFollows absent: TRUE for FileRead, FALSE for FileDirectory.
        assert_eq!(
            decode_response(FILE_READ_RESPONSE, &hex("800101")).unwrap(),
            FileResponse::Read {
                data: vec![1],
                more_follows: true
            }
        );
        let more = FileResponse::Directory {
            entries: vec![DirectoryEntry {
                name: "x".into(),
                attributes: FileAttributes {
                    size: 1,
                    last_modified: None,
                },
            }],
            more_follows: true,
        };
        assert_eq!(decoded_response(&response(3, &more)), (3, more));
        // Entries directly inside [0], without the reference's SEQUENCE wrapper.
        assert_eq!(
            decode_response(FILE_DIRECTORY, &hex("a00c300aa003190178a103800107")).unwrap(),
            FileResponse::Directory {
                entries: vec![DirectoryEntry {
                    name: "x".into(),
                    attributes: FileAttributes {
                        size: 7,
                        last_modified: None
                    },
                }],
                more_follows: false,
            }
        );
        for v in [0, 1, 127, 128, -1, -128, -129, i32::MAX, i32::MIN] {
            let mut expected = Vec::new();
            ber::write_i64(&mut expected, 0x02, i64::from(v));
            assert_eq!(integer_content(v), expected[2..], "{v}");
        }
    }

    #[test]
    fn generalized_time_round_trips() {
        assert_eq!(generalized_time(T_2026), "20261125081726.000Z");
        assert_eq!(parse_generalized_time(b"20261125081726.000Z"), Some(T_2026));
        assert_eq!(parse_generalized_time(b"19700101000000Z"), Some(0));
        assert_eq!(
            parse_generalized_time(b"20000229235959.5"),
            Some(951_868_799_500)
        );
        for ms in [0, 1, 951_868_799_500, T_2026 + 123, 4_102_444_800_000] {
            assert_eq!(
                parse_generalized_time(generalized_time(ms).as_bytes()),
                Some(ms)
            );
        }
        for bad in [
            &b""[..],
            b"2026",
            b"20261325081726Z",
            b"2026112508172xZ",
            b"\xff",
        ] {
            assert_eq!(parse_generalized_time(bad), None);
        }
    }

    #[test]
    fn hostile_input_is_rejected_without_panicking() {
        let samples = [
            REF_DIR_SUB_RSP,
            REF_OPEN_RSP,
            REF_READ_RSP,
            REF_OBTAIN_REQ,
            REF_DIR_CONTINUE_REQ,
        ];
        for s in samples {
            let bytes = hex(s);
            for cut in 0..bytes.len() {
                let _ = decode_pdu(&bytes[..cut], 8);
                let mut flipped = bytes.clone();
                flipped[cut] ^= 0xFF;
                let _ = decode_pdu(&flipped, 8);
            }
        }
        assert!(decode_request(FILE_READ_REQUEST, &[]).is_err());
        assert!(decode_request(FILE_READ_REQUEST, &hex("0102030405")).is_err());
        assert!(decode_response(FILE_CLOSE, &[0]).is_err());
    }
}
