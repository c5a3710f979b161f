//! RFC 1006 TPKT framing: a 4-octet header (version 3, reserved, 16-bit length) per frame.

/// Size of the TPKT header.
pub const HEADER_LEN: usize = 4;
/// Largest frame the 16-bit length field can describe.
pub const MAX_FRAME: usize = 0xFFFF;
/// Smallest legal frame: the header plus a 3-octet COTP DT header.
const MIN_FRAME: usize = 7;

/// Errors of TPKT framing; all of them are fatal for the connection.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum TpktError {
    /// The version octet is not 3.
    #[error("TPKT: unsupported version {0}")]
    BadVersion(u8),
    /// The length field is below the minimum or above the configured maximum.
    #[error("TPKT: invalid frame length {0}")]
    BadLength(usize),
    /// The payload does not fit into one frame.
    #[error("TPKT: payload of {0} octets too large for one frame")]
    PayloadTooLarge(usize),
}

/// Accumulates received bytes and yields complete TPKT payloads.
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    /// Octets at the front of `buf` belonging to the frame returned last.
    consumed: usize,
    max_frame: usize,
}

impl Framer {
    /// Creates a framer rejecting frames longer than `max_frame` (header included).
    pub fn new(max_frame: usize) -> Self {
        Framer {
            buf: Vec::new(),
            consumed: 0,
            max_frame: max_frame.clamp(MIN_FRAME, MAX_FRAME),
        }
    }

    /// Appends received bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        self.discard_consumed();
        self.buf.extend_from_slice(bytes);
    }

    /// Number of buffered octets not yet returned as a frame.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.consumed
    }

    /// Returns the payload of the next complete frame, `None` if more bytes are needed.
    pub fn next_frame(&mut self) -> Result<Option<&[u8]>, TpktError> {
        self.discard_consumed();
        let Some(header) = self.buf.get(..HEADER_LEN) else {
            return Ok(None);
        };
        if header[0] != 3 {
            return Err(TpktError::BadVersion(header[0]));
        }
        let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
        if !(MIN_FRAME..=self.max_frame).contains(&len) {
            return Err(TpktError::BadLength(len));
        }
        match self.buf.get(HEADER_LEN..len) {
            Some(payload) => {
                self.consumed = len;
                Ok(Some(payload))
            }
            None => Ok(None),
        }
    }

    fn discard_consumed(&mut self) {
        if self.consumed > 0 {
            self.buf.drain(..self.consumed);
            self.consumed = 0;
        }
    }
}

/// Appends one frame carrying `payload`.
pub fn encode(out: &mut Vec<u8>, payload: &[u8]) -> Result<(), TpktError> {
    let start = begin(out);
    out.extend_from_slice(payload);
    finish(out, start)
}

/// Appends a header with a placeholder length; returns its offset for [`finish`].
pub fn begin(out: &mut Vec<u8>) -> usize {
    let start = out.len();
    out.extend_from_slice(&[3, 0, 0, 0]);
    start
}

/// Sets the length of the frame started at `start` to everything written since.
pub fn finish(out: &mut [u8], start: usize) -> Result<(), TpktError> {
    let len = out.len() - start;
    let len16 = u16::try_from(len).map_err(|_| TpktError::PayloadTooLarge(len - HEADER_LEN))?;
    out[start + 2..start + 4].copy_from_slice(&len16.to_be_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_header() {
        let mut out = vec![0xAA];
        encode(&mut out, &[0x02, 0xF0, 0x80]).unwrap();
        assert_eq!(out, [0xAA, 3, 0, 0, 7, 0x02, 0xF0, 0x80]);
        let mut out = Vec::new();
        assert_eq!(
            encode(&mut out, &[0; 0xFFFC]),
            Err(TpktError::PayloadTooLarge(0xFFFC))
        );
    }

    #[test]
    fn splits_and_joins_frames() {
        let mut f = Framer::new(MAX_FRAME);
        f.push(&[3, 0, 0, 7, 0x02, 0xF0]);
        assert_eq!(f.next_frame(), Ok(None));
        f.push(&[0x80, 3, 0, 0, 8, 1, 2, 3, 4, 3]);
        assert_eq!(f.next_frame(), Ok(Some(&[0x02, 0xF0, 0x80][..])));
        assert_eq!(f.next_frame(), Ok(Some(&[1, 2, 3, 4][..])));
        assert_eq!(f.next_frame(), Ok(None));
        assert_eq!(f.buffered(), 1);
        f.push(&[0, 0, 7, 9, 9, 9]);
        assert_eq!(f.next_frame(), Ok(Some(&[9, 9, 9][..])));
        assert_eq!(f.buffered(), 0);
    }

    #[test]
    fn rejects_bad_headers() {
        let mut f = Framer::new(1000);
        f.push(&[4, 0, 0, 7]);
        assert_eq!(f.next_frame(), Err(TpktError::BadVersion(4)));
        let mut f = Framer::new(1000);
        f.push(&[3, 0, 0, 6]);
        assert_eq!(f.next_frame(), Err(TpktError::BadLength(6)));
        let mut f = Framer::new(1000);
        f.push(&[3, 0, 0xFF, 0xFF]);
        assert_eq!(f.next_frame(), Err(TpktError::BadLength(0xFFFF)));
    }
}
