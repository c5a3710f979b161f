//! ISO 8327 session protocol, kernel and duplex functional units, version 2: the SPDUs an
//! MMS association uses (CONNECT, ACCEPT, REFUSE, GIVE TOKENS + DATA TRANSFER, FINISH,
//! DISCONNECT, ABORT, ABORT ACCEPT).

/// SPDU identifier: CONNECT.
const CN: u8 = 13;
/// SPDU identifier: ACCEPT.
const AC: u8 = 14;
/// SPDU identifier: REFUSE.
const RF: u8 = 12;
/// SPDU identifier: FINISH.
const FN: u8 = 9;
/// SPDU identifier: DISCONNECT.
const DN: u8 = 10;
/// SPDU identifier: ABORT.
const AB: u8 = 25;
/// SPDU identifier: ABORT ACCEPT.
const AA: u8 = 26;
/// SPDU identifier shared by GIVE TOKENS and DATA TRANSFER (told apart by position).
const GT_DT: u8 = 1;
/// PGI: connect/accept item.
const PGI_CONNECT_ACCEPT: u8 = 5;
/// PI: protocol options (inside the connect/accept item).
const PI_PROTOCOL_OPTIONS: u8 = 19;
/// PI: version number (inside the connect/accept item).
const PI_VERSION: u8 = 22;
/// PI: session user requirements.
const PI_USER_REQUIREMENTS: u8 = 20;
/// PI: transport disconnect.
const PI_TRANSPORT_DISCONNECT: u8 = 17;
/// PI: calling session selector.
const PI_CALLING_SELECTOR: u8 = 51;
/// PI: called (or responding) session selector.
const PI_CALLED_SELECTOR: u8 = 52;
/// PI: reason code (REFUSE); user data follows the reason octet.
const PI_REASON: u8 = 50;
/// PGI: user data.
const PGI_USER_DATA: u8 = 193;
/// PGI: extended user data (CONNECT user data above 512 octets).
const PGI_EXTENDED_USER_DATA: u8 = 194;
/// Version number value: protocol version 2.
const VERSION_2: u8 = 0x02;
/// Session user requirements: duplex functional unit only.
pub const REQUIREMENTS_DUPLEX: u16 = 0x0002;
/// REFUSE reason: rejection by the called SS-user, reason in the user data.
pub const REASON_USER_REJECTION: u8 = 2;
/// Transport disconnect value of ABORT: transport released, user abort.
const ABORT_TRANSPORT_RELEASED_USER: u8 = 0x03;

/// Errors of SPDU decoding.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum SessionError {
    /// The SPDU is shorter than its length indicators say.
    #[error("session: truncated SPDU")]
    Truncated,
    /// The SPDU identifier is not supported.
    #[error("session: unsupported SPDU {0}")]
    UnknownSpdu(u8),
    /// A DATA TRANSFER SPDU is not preceded by GIVE TOKENS, or vice versa.
    #[error("session: malformed data transfer")]
    BadDataTransfer,
    /// The peer does not offer protocol version 2.
    #[error("session: protocol version 2 not offered (version octet {0:#04x})")]
    UnsupportedVersion(u8),
}

/// Parameters of CONNECT and ACCEPT SPDUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConnectSpdu<'a> {
    /// Calling session selector.
    pub calling_selector: &'a [u8],
    /// Called (CONNECT) or responding (ACCEPT) session selector.
    pub called_selector: &'a [u8],
    /// Session user requirements (functional units), if present.
    pub user_requirements: Option<u16>,
    /// User data (the presentation PDU).
    pub user_data: &'a [u8],
}

/// A decoded SPDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spdu<'a> {
    /// CONNECT.
    Connect(ConnectSpdu<'a>),
    /// ACCEPT.
    Accept(ConnectSpdu<'a>),
    /// REFUSE with its reason code (if any) and user data.
    Refuse {
        /// First octet of the reason code.
        reason: Option<u8>,
        /// User data following the reason octet.
        user_data: &'a [u8],
    },
    /// FINISH (release request).
    Finish {
        /// User data.
        user_data: &'a [u8],
    },
    /// DISCONNECT (release response).
    Disconnect {
        /// User data.
        user_data: &'a [u8],
    },
    /// ABORT.
    Abort {
        /// User data.
        user_data: &'a [u8],
    },
    /// ABORT ACCEPT.
    AbortAccept,
    /// GIVE TOKENS followed by DATA TRANSFER.
    Data {
        /// User information.
        user_data: &'a [u8],
    },
}

/// Reads a session length indicator (one octet, or 0xFF and two octets).
fn read_li(input: &[u8]) -> Result<(usize, &[u8]), SessionError> {
    match input {
        [0xFF, hi, lo, rest @ ..] => Ok((usize::from(u16::from_be_bytes([*hi, *lo])), rest)),
        [0xFF, ..] | [] => Err(SessionError::Truncated),
        [li, rest @ ..] => Ok((usize::from(*li), rest)),
    }
}

/// Splits `input` into an SPDU identifier, its parameter field and what follows.
fn split_unit(input: &[u8]) -> Result<(u8, &[u8], &[u8]), SessionError> {
    let (&code, rest) = input.split_first().ok_or(SessionError::Truncated)?;
    let (len, rest) = read_li(rest)?;
    if rest.len() < len {
        return Err(SessionError::Truncated);
    }
    let (value, after) = rest.split_at(len);
    Ok((code, value, after))
}

/// Iterates over the PI/PGI units of a parameter field.
fn for_each_param<'a>(
    mut params: &'a [u8],
    mut f: impl FnMut(u8, &'a [u8]) -> Result<(), SessionError>,
) -> Result<(), SessionError> {
    while !params.is_empty() {
        let (code, value, rest) = split_unit(params)?;
        f(code, value)?;
        params = rest;
    }
    Ok(())
}

/// Decodes one SPDU (a complete TSDU).
pub fn decode(tsdu: &[u8]) -> Result<Spdu<'_>, SessionError> {
    let (si, params, after) = split_unit(tsdu)?;
    match si {
        CN | AC => {
            let c = decode_connect(params)?;
            Ok(if si == CN {
                Spdu::Connect(c)
            } else {
                Spdu::Accept(c)
            })
        }
        RF => {
            let mut reason = None;
            let mut user_data: &[u8] = &[];
            for_each_param(params, |code, value| {
                if code == PI_REASON {
                    if let Some((r, ud)) = value.split_first() {
                        reason = Some(*r);
                        user_data = ud;
                    }
                }
                Ok(())
            })?;
            Ok(Spdu::Refuse { reason, user_data })
        }
        FN | DN | AB => {
            let user_data = find_user_data(params)?;
            Ok(match si {
                FN => Spdu::Finish { user_data },
                DN => Spdu::Disconnect { user_data },
                _ => Spdu::Abort { user_data },
            })
        }
        AA => Ok(Spdu::AbortAccept),
        GT_DT => {
            // GIVE TOKENS (category 0) is always concatenated with DATA TRANSFER; the
            // user information follows the DATA TRANSFER header outside any LI.
            let (dt, _, user_data) =
                split_unit(after).map_err(|_| SessionError::BadDataTransfer)?;
            if dt != GT_DT {
                return Err(SessionError::BadDataTransfer);
            }
            Ok(Spdu::Data { user_data })
        }
        other => Err(SessionError::UnknownSpdu(other)),
    }
}

fn find_user_data(params: &[u8]) -> Result<&[u8], SessionError> {
    let mut user_data: &[u8] = &[];
    for_each_param(params, |code, value| {
        if code == PGI_USER_DATA || code == PGI_EXTENDED_USER_DATA {
            user_data = value;
        }
        Ok(())
    })?;
    Ok(user_data)
}

fn decode_connect(params: &[u8]) -> Result<ConnectSpdu<'_>, SessionError> {
    let mut c = ConnectSpdu::default();
    for_each_param(params, |code, value| {
        match code {
            PGI_CONNECT_ACCEPT => for_each_param(value, |pi, v| match (pi, v) {
                (PI_VERSION, [version]) if version & VERSION_2 == 0 => {
                    Err(SessionError::UnsupportedVersion(*version))
                }
                _ => Ok(()),
            })?,
            PI_USER_REQUIREMENTS => {
                if let [hi, lo] = value {
                    c.user_requirements = Some(u16::from_be_bytes([*hi, *lo]));
                }
            }
            PI_CALLING_SELECTOR => c.calling_selector = value,
            PI_CALLED_SELECTOR => c.called_selector = value,
            PGI_USER_DATA | PGI_EXTENDED_USER_DATA => c.user_data = value,
            _ => {}
        }
        Ok(())
    })?;
    Ok(c)
}

/// Writes `code`, then a length indicator covering what `body` appends (fixed up in place).
fn write_unit(out: &mut Vec<u8>, code: u8, body: impl FnOnce(&mut Vec<u8>)) {
    out.push(code);
    let li_pos = out.len();
    out.push(0);
    body(out);
    let len = out.len() - li_pos - 1;
    if len < 0xFF {
        out[li_pos] = len as u8;
    } else {
        // Lengths beyond 65535 cannot occur: TPKT frames and the CONNECT user data limit
        // keep SPDUs far smaller; saturate rather than wrap.
        let len16 = u16::try_from(len).unwrap_or(u16::MAX).to_be_bytes();
        out.splice(li_pos..=li_pos, [0xFF, len16[0], len16[1]]);
    }
}

fn write_param(out: &mut Vec<u8>, code: u8, value: &[u8]) {
    write_unit(out, code, |o| o.extend_from_slice(value));
}

fn write_connect_accept(
    out: &mut Vec<u8>,
    si: u8,
    c: &ConnectSpdu<'_>,
    body: impl FnOnce(&mut Vec<u8>),
) {
    write_unit(out, si, |o| {
        write_unit(o, PGI_CONNECT_ACCEPT, |o| {
            write_param(o, PI_PROTOCOL_OPTIONS, &[0]);
            write_param(o, PI_VERSION, &[VERSION_2]);
        });
        if let Some(req) = c.user_requirements {
            write_param(o, PI_USER_REQUIREMENTS, &req.to_be_bytes());
        }
        if !c.calling_selector.is_empty() {
            write_param(o, PI_CALLING_SELECTOR, c.calling_selector);
        }
        if !c.called_selector.is_empty() {
            write_param(o, PI_CALLED_SELECTOR, c.called_selector);
        }
        write_unit(o, PGI_USER_DATA, body);
    });
}

/// Writes a CONNECT SPDU; `body` appends the user data (`c.user_data` is ignored).
pub fn write_connect(out: &mut Vec<u8>, c: &ConnectSpdu<'_>, body: impl FnOnce(&mut Vec<u8>)) {
    write_connect_accept(out, CN, c, body);
}

/// Writes an ACCEPT SPDU; `body` appends the user data (`c.user_data` is ignored).
pub fn write_accept(out: &mut Vec<u8>, c: &ConnectSpdu<'_>, body: impl FnOnce(&mut Vec<u8>)) {
    write_connect_accept(out, AC, c, body);
}

/// Writes a REFUSE SPDU with `reason`; `body` appends the user data after the reason octet.
pub fn write_refuse(out: &mut Vec<u8>, reason: u8, body: impl FnOnce(&mut Vec<u8>)) {
    write_unit(out, RF, |o| {
        write_param(o, PI_USER_REQUIREMENTS, &REQUIREMENTS_DUPLEX.to_be_bytes());
        write_param(o, PI_VERSION, &[VERSION_2]);
        write_unit(o, PI_REASON, |o| {
            o.push(reason);
            body(o);
        });
    });
}

/// Writes a FINISH SPDU; `body` appends the user data.
pub fn write_finish(out: &mut Vec<u8>, body: impl FnOnce(&mut Vec<u8>)) {
    write_unit(out, FN, |o| write_unit(o, PGI_USER_DATA, body));
}

/// Writes a DISCONNECT SPDU; `body` appends the user data.
pub fn write_disconnect(out: &mut Vec<u8>, body: impl FnOnce(&mut Vec<u8>)) {
    write_unit(out, DN, |o| write_unit(o, PGI_USER_DATA, body));
}

/// Writes an ABORT SPDU (transport released, user abort); `body` appends the user data.
pub fn write_abort(out: &mut Vec<u8>, body: impl FnOnce(&mut Vec<u8>)) {
    write_unit(out, AB, |o| {
        write_param(o, PI_TRANSPORT_DISCONNECT, &[ABORT_TRANSPORT_RELEASED_USER]);
        write_unit(o, PGI_USER_DATA, body);
    });
}

/// Writes an ABORT ACCEPT SPDU.
pub fn write_abort_accept(out: &mut Vec<u8>) {
    out.extend_from_slice(&[AA, 0]);
}

/// Writes GIVE TOKENS + DATA TRANSFER headers; the caller appends the user information.
pub fn write_data_header(out: &mut Vec<u8>) {
    out.extend_from_slice(&[GT_DT, 0, GT_DT, 0]);
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEL: &[u8] = &[0, 1];

    fn connect_params() -> ConnectSpdu<'static> {
        ConnectSpdu {
            calling_selector: SEL,
            called_selector: SEL,
            user_requirements: Some(REQUIREMENTS_DUPLEX),
            user_data: &[],
        }
    }

    #[test]
    fn connect_round_trip() {
        let mut out = Vec::new();
        write_connect(&mut out, &connect_params(), |o| {
            o.extend_from_slice(&[0x31, 0x00])
        });
        let expected = [
            0x0D, 0x18, 0x05, 0x06, 0x13, 0x01, 0x00, 0x16, 0x01, 0x02, 0x14, 0x02, 0x00, 0x02,
            0x33, 0x02, 0x00, 0x01, 0x34, 0x02, 0x00, 0x01, 0xC1, 0x02, 0x31, 0x00,
        ];
        assert_eq!(out, expected);
        let c = ConnectSpdu {
            user_data: &[0x31, 0x00],
            ..connect_params()
        };
        assert_eq!(decode(&out), Ok(Spdu::Connect(c)));
        let mut out = Vec::new();
        write_accept(
            &mut out,
            &ConnectSpdu {
                calling_selector: &[],
                ..c
            },
            |o| o.push(0xAA),
        );
        assert_eq!(
            decode(&out),
            Ok(Spdu::Accept(ConnectSpdu {
                calling_selector: &[],
                user_data: &[0xAA],
                ..c
            }))
        );
    }

    #[test]
    fn long_user_data_uses_three_octet_li() {
        let mut out = Vec::new();
        write_finish(&mut out, |o| o.extend_from_slice(&[0x55; 300]));
        assert_eq!(&out[..8], &[0x09, 0xFF, 0x01, 0x30, 0xC1, 0xFF, 0x01, 0x2C]);
        assert_eq!(
            decode(&out),
            Ok(Spdu::Finish {
                user_data: &[0x55; 300]
            })
        );
    }

    #[test]
    fn release_abort_refuse_data_round_trip() {
        let mut out = Vec::new();
        write_disconnect(&mut out, |o| o.push(1));
        assert_eq!(out, [0x0A, 0x03, 0xC1, 0x01, 0x01]);
        assert_eq!(decode(&out), Ok(Spdu::Disconnect { user_data: &[1] }));
        let mut out = Vec::new();
        write_abort(&mut out, |o| o.push(2));
        assert_eq!(out, [0x19, 0x06, 0x11, 0x01, 0x03, 0xC1, 0x01, 0x02]);
        assert_eq!(decode(&out), Ok(Spdu::Abort { user_data: &[2] }));
        let mut out = Vec::new();
        write_refuse(&mut out, REASON_USER_REJECTION, |o| o.push(3));
        assert_eq!(
            out,
            [0x0C, 0x0B, 0x14, 0x02, 0x00, 0x02, 0x16, 0x01, 0x02, 0x32, 0x02, 0x02, 0x03]
        );
        assert_eq!(
            decode(&out),
            Ok(Spdu::Refuse {
                reason: Some(2),
                user_data: &[3]
            })
        );
        let mut out = Vec::new();
        write_data_header(&mut out);
        out.push(0x61);
        assert_eq!(decode(&out), Ok(Spdu::Data { user_data: &[0x61] }));
        let mut out = Vec::new();
        write_abort_accept(&mut out);
        assert_eq!(decode(&out), Ok(Spdu::AbortAccept));
    }

    #[test]
    fn rejects_hostile_spdus() {
        assert_eq!(decode(&[]), Err(SessionError::Truncated));
        assert_eq!(decode(&[0x0D]), Err(SessionError::Truncated));
        assert_eq!(decode(&[0x0D, 0xFF, 0x01]), Err(SessionError::Truncated));
        assert_eq!(decode(&[0x0D, 0x05, 0x33]), Err(SessionError::Truncated));
        assert_eq!(
            decode(&[0x0D, 0x02, 0x33, 0x05]),
            Err(SessionError::Truncated)
        );
        assert_eq!(decode(&[0x01, 0x00]), Err(SessionError::BadDataTransfer));
        assert_eq!(
            decode(&[0x01, 0x00, 0x05, 0x00]),
            Err(SessionError::BadDataTransfer)
        );
        assert_eq!(decode(&[0x63, 0x00]), Err(SessionError::UnknownSpdu(0x63)));
        assert_eq!(
            decode(&[0x0D, 0x05, 0x05, 0x03, 0x16, 0x01, 0x01]),
            Err(SessionError::UnsupportedVersion(1))
        );
    }
}
