//! ISO 8073 / X.224 connection-oriented transport, class 0 (as used over RFC 1006):
//! CR, CC, DT, DR and ER TPDUs, outgoing segmentation and incoming reassembly.

use std::borrow::Cow;

use super::tpkt;

/// TPDU code of a connection request (low nibble is the credit, always 0 in class 0).
const CR: u8 = 0xE0;
/// TPDU code of a connection confirm.
const CC: u8 = 0xD0;
/// TPDU code of a disconnect request.
const DR: u8 = 0x80;
/// TPDU code of data.
const DT: u8 = 0xF0;
/// TPDU code of a TPDU error.
const ER: u8 = 0x70;
/// Parameter code: TPDU size (value is log2 of the size).
const PARAM_TPDU_SIZE: u8 = 0xC0;
/// Parameter code: calling transport selector.
const PARAM_CALLING_TSAP: u8 = 0xC1;
/// Parameter code: called transport selector.
const PARAM_CALLED_TSAP: u8 = 0xC2;
/// End-of-TSDU flag in the DT header.
const EOT: u8 = 0x80;
/// TPDU size the standard assumes when none is negotiated.
pub const DEFAULT_TPDU_SIZE: usize = 128;
/// Largest class 0 TPDU size that has a size code.
pub const MAX_TPDU_SIZE: usize = 8192;
/// Length of a DT TPDU header (LI, code, EOT/NR).
pub const DT_HEADER_LEN: usize = 3;

/// Errors of TPDU decoding and reassembly.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum CotpError {
    /// The TPDU is shorter than its header says.
    #[error("COTP: truncated TPDU")]
    Truncated,
    /// The length indicator is too small for the TPDU type.
    #[error("COTP: invalid length indicator")]
    InvalidLength,
    /// The TPDU code is not one class 0 uses.
    #[error("COTP: unsupported TPDU code {0:#04x}")]
    UnknownTpdu(u8),
    /// The CR asks for another class than 0.
    #[error("COTP: unsupported class {0}")]
    UnsupportedClass(u8),
    /// A parameter is malformed.
    #[error("COTP: invalid parameter {0:#04x}")]
    InvalidParameter(u8),
    /// A reassembled TSDU grew beyond the configured limit.
    #[error("COTP: reassembled message exceeds {0} octets")]
    MessageTooLarge(usize),
}

/// Fields of a CR or CC TPDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConnectTpdu<'a> {
    /// Destination reference (0 in a CR).
    pub dst_ref: u16,
    /// Source reference.
    pub src_ref: u16,
    /// Class and options octet (0 = class 0, no options).
    pub class_option: u8,
    /// TPDU size in octets, if the parameter is present.
    pub tpdu_size: Option<usize>,
    /// Calling transport selector.
    pub calling_tsap: &'a [u8],
    /// Called transport selector.
    pub called_tsap: &'a [u8],
}

/// A decoded TPDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tpdu<'a> {
    /// Connection request.
    ConnectionRequest(ConnectTpdu<'a>),
    /// Connection confirm.
    ConnectionConfirm(ConnectTpdu<'a>),
    /// Data; `eot` marks the last segment of a TSDU.
    Data {
        /// End of TSDU.
        eot: bool,
        /// User data of this segment.
        data: &'a [u8],
    },
    /// Disconnect request.
    DisconnectRequest {
        /// Destination reference.
        dst_ref: u16,
        /// Source reference.
        src_ref: u16,
        /// Reason code.
        reason: u8,
    },
    /// TPDU error report.
    Error {
        /// Destination reference.
        dst_ref: u16,
        /// Reject cause.
        cause: u8,
    },
}

/// Decodes one TPDU (a TPKT payload).
pub fn decode(tpdu: &[u8]) -> Result<Tpdu<'_>, CotpError> {
    let li = usize::from(*tpdu.first().ok_or(CotpError::Truncated)?);
    let header = tpdu.get(1..=li).ok_or(CotpError::Truncated)?;
    let rest = &tpdu[li + 1..];
    let code = *header.first().ok_or(CotpError::InvalidLength)?;
    let u16_at = |i: usize| -> Result<u16, CotpError> {
        header
            .get(i..i + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or(CotpError::InvalidLength)
    };
    match code & 0xF0 {
        DT => {
            let flags = *header.get(1).ok_or(CotpError::InvalidLength)?;
            Ok(Tpdu::Data {
                eot: flags & EOT != 0,
                data: rest,
            })
        }
        CR | CC => {
            let class_option = *header.get(5).ok_or(CotpError::InvalidLength)?;
            let mut c = ConnectTpdu {
                dst_ref: u16_at(1)?,
                src_ref: u16_at(3)?,
                class_option,
                ..ConnectTpdu::default()
            };
            parse_connect_params(&header[6..], &mut c)?;
            if code & 0xF0 == CR {
                if class_option >> 4 != 0 {
                    return Err(CotpError::UnsupportedClass(class_option >> 4));
                }
                Ok(Tpdu::ConnectionRequest(c))
            } else {
                Ok(Tpdu::ConnectionConfirm(c))
            }
        }
        DR => Ok(Tpdu::DisconnectRequest {
            dst_ref: u16_at(1)?,
            src_ref: u16_at(3)?,
            reason: *header.get(5).ok_or(CotpError::InvalidLength)?,
        }),
        ER => Ok(Tpdu::Error {
            dst_ref: u16_at(1)?,
            cause: *header.get(3).ok_or(CotpError::InvalidLength)?,
        }),
        _ => Err(CotpError::UnknownTpdu(code)),
    }
}

/// Parses the variable part of a CR/CC; unknown parameters are skipped.
fn parse_connect_params<'a>(
    mut params: &'a [u8],
    c: &mut ConnectTpdu<'a>,
) -> Result<(), CotpError> {
    while let [code, len, rest @ ..] = params {
        let value = rest
            .get(..usize::from(*len))
            .ok_or(CotpError::InvalidParameter(*code))?;
        match *code {
            PARAM_TPDU_SIZE => {
                let size = match value {
                    [exp @ 7..=13] => 1usize << exp,
                    _ => return Err(CotpError::InvalidParameter(*code)),
                };
                c.tpdu_size = Some(size);
            }
            PARAM_CALLING_TSAP => c.calling_tsap = value,
            PARAM_CALLED_TSAP => c.called_tsap = value,
            _ => {}
        }
        params = &rest[value.len()..];
    }
    if params.is_empty() {
        Ok(())
    } else {
        Err(CotpError::InvalidLength)
    }
}

/// The size code for the largest power-of-two TPDU size not above `size` (128..=8192).
fn size_code(size: usize) -> u8 {
    let clamped = size.clamp(DEFAULT_TPDU_SIZE, MAX_TPDU_SIZE);
    (usize::BITS - 1 - clamped.leading_zeros()) as u8
}

/// Rounds a TPDU size down to one that can be negotiated (a power of two in 128..=8192).
pub fn valid_tpdu_size(size: usize) -> usize {
    1 << size_code(size)
}

/// Appends a CR TPDU.
pub fn encode_cr(out: &mut Vec<u8>, c: &ConnectTpdu<'_>) {
    encode_connect(out, CR, c);
}

/// Appends a CC TPDU.
pub fn encode_cc(out: &mut Vec<u8>, c: &ConnectTpdu<'_>) {
    encode_connect(out, CC, c);
}

fn encode_connect(out: &mut Vec<u8>, code: u8, c: &ConnectTpdu<'_>) {
    let li_pos = out.len();
    out.push(0);
    out.push(code);
    out.extend_from_slice(&c.dst_ref.to_be_bytes());
    out.extend_from_slice(&c.src_ref.to_be_bytes());
    out.push(c.class_option);
    // Parameter order as libiec61850 1.6.1 sends CR and CC: size, called, calling.
    if let Some(size) = c.tpdu_size {
        out.extend_from_slice(&[PARAM_TPDU_SIZE, 1, size_code(size)]);
    }
    for (param, value) in [
        (PARAM_CALLED_TSAP, c.called_tsap),
        (PARAM_CALLING_TSAP, c.calling_tsap),
    ] {
        if !value.is_empty() {
            // Selectors longer than 32 octets are not allowed; keep the LI in range.
            let value = &value[..value.len().min(32)];
            out.push(param);
            out.push(value.len() as u8);
            out.extend_from_slice(value);
        }
    }
    out[li_pos] = (out.len() - li_pos - 1) as u8;
}

/// Appends a DR TPDU.
pub fn encode_dr(out: &mut Vec<u8>, dst_ref: u16, src_ref: u16, reason: u8) {
    out.extend_from_slice(&[6, DR]);
    out.extend_from_slice(&dst_ref.to_be_bytes());
    out.extend_from_slice(&src_ref.to_be_bytes());
    out.push(reason);
}

/// Appends an ER TPDU.
pub fn encode_er(out: &mut Vec<u8>, dst_ref: u16, cause: u8) {
    out.extend_from_slice(&[4, ER]);
    out.extend_from_slice(&dst_ref.to_be_bytes());
    out.push(cause);
}

/// Appends a DT TPDU header.
pub fn encode_dt_header(out: &mut Vec<u8>, eot: bool) {
    out.extend_from_slice(&[2, DT, if eot { EOT } else { 0 }]);
}

/// Starts a TPKT frame holding a DT TPDU; the caller appends the TSDU and calls
/// [`finish_data`] with the returned offset.
pub fn begin_data(out: &mut Vec<u8>) -> usize {
    let start = tpkt::begin(out);
    encode_dt_header(out, true);
    start
}

/// Completes the frame begun by [`begin_data`], splitting the TSDU into several frames
/// when it does not fit into one TPDU of `tpdu_size` octets (rounded to a valid size).
pub fn finish_data(out: &mut Vec<u8>, start: usize, tpdu_size: usize) {
    let body_start = start + tpkt::HEADER_LEN + DT_HEADER_LEN;
    if out.len() - body_start <= valid_tpdu_size(tpdu_size) - DT_HEADER_LEN {
        set_frame_length(out, start);
        return;
    }
    let body = out.split_off(body_start);
    out.truncate(start);
    write_data(out, &body, tpdu_size);
}

/// Appends `data` as TPKT frames of DT TPDUs no larger than `tpdu_size` (rounded to a
/// valid size).
pub fn write_data(out: &mut Vec<u8>, data: &[u8], tpdu_size: usize) {
    let mut chunks = data
        .chunks(valid_tpdu_size(tpdu_size) - DT_HEADER_LEN)
        .peekable();
    loop {
        let chunk = chunks.next().unwrap_or(&[]);
        let start = tpkt::begin(out);
        let eot = chunks.peek().is_none();
        encode_dt_header(out, eot);
        out.extend_from_slice(chunk);
        set_frame_length(out, start);
        if eot {
            return;
        }
    }
}

/// Sets the TPKT length of a frame holding one DT TPDU; such frames never exceed
/// `MAX_TPDU_SIZE` + 4 octets, so the length always fits the 16-bit field.
fn set_frame_length(out: &mut [u8], start: usize) {
    let len = (out.len() - start) as u16;
    out[start + 2..start + 4].copy_from_slice(&len.to_be_bytes());
}

/// Joins DT segments into TSDUs, bounded by a maximum size.
#[derive(Debug)]
pub struct Reassembler {
    buf: Vec<u8>,
    max: usize,
}

impl Reassembler {
    /// Creates a reassembler accepting TSDUs of at most `max` octets.
    pub fn new(max: usize) -> Self {
        Reassembler {
            buf: Vec::new(),
            max,
        }
    }

    /// Adds one DT segment; returns the whole TSDU when `eot` is set. A TSDU that arrives
    /// in a single segment is returned borrowed, without copying.
    pub fn push<'a>(
        &mut self,
        eot: bool,
        data: &'a [u8],
    ) -> Result<Option<Cow<'a, [u8]>>, CotpError> {
        if self.buf.len() + data.len() > self.max {
            self.buf = Vec::new();
            return Err(CotpError::MessageTooLarge(self.max));
        }
        if eot && self.buf.is_empty() {
            return Ok(Some(Cow::Borrowed(data)));
        }
        self.buf.extend_from_slice(data);
        Ok(eot.then(|| Cow::Owned(std::mem::take(&mut self.buf))))
    }

    /// True while a TSDU is partially received.
    pub fn in_progress(&self) -> bool {
        !self.buf.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference client's CR (captured).
    const CR_BYTES: [u8; 18] = [
        0x11, 0xE0, 0x00, 0x00, 0x00, 0x01, 0x00, 0xC0, 0x01, 0x0D, 0xC2, 0x02, 0x00, 0x01, 0xC1,
        0x02, 0x00, 0x01,
    ];

    #[test]
    fn connection_request_round_trip() {
        let cr = ConnectTpdu {
            dst_ref: 0,
            src_ref: 1,
            class_option: 0,
            tpdu_size: Some(8192),
            calling_tsap: &[0, 1],
            called_tsap: &[0, 1],
        };
        let mut out = Vec::new();
        encode_cr(&mut out, &cr);
        assert_eq!(out, CR_BYTES);
        assert_eq!(decode(&out), Ok(Tpdu::ConnectionRequest(cr)));
    }

    #[test]
    fn connection_confirm_round_trip() {
        let cc = ConnectTpdu {
            dst_ref: 1,
            src_ref: 0x4711,
            class_option: 0,
            tpdu_size: Some(1024),
            calling_tsap: &[],
            called_tsap: &[],
        };
        let mut out = Vec::new();
        encode_cc(&mut out, &cc);
        assert_eq!(
            out,
            [0x09, 0xD0, 0x00, 0x01, 0x47, 0x11, 0x00, 0xC0, 0x01, 0x0A]
        );
        assert_eq!(decode(&out), Ok(Tpdu::ConnectionConfirm(cc)));
        // A CC without parameters, and with an unknown one (preferred max TPDU size).
        let bare = [0x06, 0xD0, 0x00, 0x01, 0x00, 0x02, 0x00];
        assert!(matches!(
            decode(&bare),
            Ok(Tpdu::ConnectionConfirm(ConnectTpdu {
                tpdu_size: None,
                ..
            }))
        ));
        let extra = [
            0x0A, 0xD0, 0x00, 0x01, 0x00, 0x02, 0x00, 0xF0, 0x02, 0x00, 0x10,
        ];
        assert!(matches!(decode(&extra), Ok(Tpdu::ConnectionConfirm(_))));
    }

    #[test]
    fn other_tpdus_round_trip() {
        let mut out = Vec::new();
        encode_dr(&mut out, 1, 2, 0x80);
        assert_eq!(out, [6, 0x80, 0, 1, 0, 2, 0x80]);
        assert_eq!(
            decode(&out),
            Ok(Tpdu::DisconnectRequest {
                dst_ref: 1,
                src_ref: 2,
                reason: 0x80
            })
        );
        let mut out = Vec::new();
        encode_er(&mut out, 7, 2);
        assert_eq!(out, [4, 0x70, 0, 7, 2]);
        assert_eq!(
            decode(&out),
            Ok(Tpdu::Error {
                dst_ref: 7,
                cause: 2
            })
        );
        assert_eq!(
            decode(&[2, 0xF0, 0x00, 0xAB]),
            Ok(Tpdu::Data {
                eot: false,
                data: &[0xAB]
            })
        );
    }

    #[test]
    fn rejects_hostile_tpdus() {
        assert_eq!(decode(&[]), Err(CotpError::Truncated));
        assert_eq!(decode(&[5, 0xE0]), Err(CotpError::Truncated));
        assert_eq!(decode(&[0]), Err(CotpError::InvalidLength));
        assert_eq!(decode(&[1, 0xF0]), Err(CotpError::InvalidLength));
        assert_eq!(decode(&[2, 0xE0, 0]), Err(CotpError::InvalidLength));
        assert_eq!(decode(&[2, 0x10, 0]), Err(CotpError::UnknownTpdu(0x10)));
        assert_eq!(
            decode(&[8, 0xE0, 0, 0, 0, 1, 0, 0xC1, 5]),
            Err(CotpError::InvalidParameter(0xC1))
        );
        assert_eq!(
            decode(&[9, 0xE0, 0, 0, 0, 1, 0, 0xC0, 1, 0x0E]),
            Err(CotpError::InvalidParameter(0xC0))
        );
        assert_eq!(
            decode(&[7, 0xE0, 0, 0, 0, 1, 0, 0xC0]),
            Err(CotpError::InvalidLength)
        );
        assert_eq!(
            decode(&[6, 0xE0, 0, 0, 0, 1, 0x20]),
            Err(CotpError::UnsupportedClass(2))
        );
    }

    #[test]
    fn segments_by_tpdu_size() {
        let mut out = Vec::new();
        write_data(&mut out, &[1, 2, 3, 4, 5], 128);
        assert_eq!(out, [3, 0, 0, 12, 2, 0xF0, 0x80, 1, 2, 3, 4, 5]);
        let mut out = Vec::new();
        let start = begin_data(&mut out);
        out.extend_from_slice(&[7; 200]);
        finish_data(&mut out, start, 128);
        assert_eq!(&out[..7], &[3, 0, 0, 132, 2, 0xF0, 0x00]);
        assert_eq!(&out[132..139], &[3, 0, 0, 82, 2, 0xF0, 0x80]);
        assert_eq!(out.len(), 132 + 82);
        let mut out = Vec::new();
        write_data(&mut out, &[], 128);
        assert_eq!(out, [3, 0, 0, 7, 2, 0xF0, 0x80]);
        assert_eq!(valid_tpdu_size(65531), 8192);
        assert_eq!(valid_tpdu_size(1000), 512);
        assert_eq!(valid_tpdu_size(0), 128);
    }

    #[test]
    fn reassembles_up_to_cap() {
        let mut r = Reassembler::new(6);
        assert_eq!(
            r.push(true, &[1, 2]),
            Ok(Some(Cow::Borrowed(&[1u8, 2][..])))
        );
        assert_eq!(r.push(false, &[1, 2, 3]), Ok(None));
        assert!(r.in_progress());
        assert_eq!(r.push(true, &[4]), Ok(Some(Cow::Owned(vec![1, 2, 3, 4]))));
        assert!(!r.in_progress());
        assert_eq!(r.push(false, &[0; 4]), Ok(None));
        assert_eq!(r.push(true, &[0; 3]), Err(CotpError::MessageTooLarge(6)));
        assert!(!r.in_progress());
    }
}
