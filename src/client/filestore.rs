//! The client's local filestore: a server executing our ObtainFile request reads the
//! file from us with FileOpen, FileRead and FileClose, which this module answers.
//!
//! As the reference client's, the base path is prepended to the requested name
//! verbatim (no separator is added) and defaults to `./vmd-filestore/`. Unlike it, names
//! with a `..` component are refused, so a server cannot read outside the base path.

use std::fs::File;
use std::io::Read;
use std::time::UNIX_EPOCH;

use crate::mms::file::{self, FileAttributes, FileRequest, FileResponse};
use crate::mms::pdu::{self, ConfirmedService};

/// The reference client's default base path.
pub const DEFAULT_BASEPATH: &str = "./vmd-filestore/";

/// Files a server may hold open at once.
const MAX_OPEN_FILES: usize = 8;

/// errorClass file [11].
const CLASS_FILE: u8 = 11;
/// file: other.
const FILE_OTHER: i64 = 0;
/// file: position-invalid.
const FILE_POSITION_INVALID: i64 = 5;
/// file: file-access-denied.
const FILE_ACCESS_DENIED: i64 = 6;
/// file: file-non-existent.
const FILE_NON_EXISTENT: i64 = 7;
/// rejectReason confirmed-requestPDU [1].
const REJECT_CONFIRMED_REQUEST: u8 = 1;
/// confirmed-requestPDU: unrecognized-service.
const UNRECOGNIZED_SERVICE: i64 = 1;

/// Serves local files to the peer.
#[derive(Default)]
pub struct Filestore {
    /// Base path; `None` means [`DEFAULT_BASEPATH`].
    base: Option<String>,
    /// Open files by FRSM ID (the index).
    open: Vec<Option<File>>,
}

impl Filestore {
    /// Sets the base path (`None`: back to the default).
    pub fn set_base(&mut self, base: Option<String>) {
        self.base = base;
    }

    /// Closes every open file (the association ended).
    pub fn close_all(&mut self) {
        self.open.clear();
    }

    /// Answers a peer's confirmed request with a complete MMS PDU in `out`; FileRead
    /// chunks hold at most `max_chunk` octets.
    pub fn answer(
        &mut self,
        invoke_id: u32,
        service: &ConfirmedService,
        max_chunk: usize,
        out: &mut Vec<u8>,
    ) {
        let result = match service {
            ConfirmedService::File(FileRequest::Open { name, position }) => {
                self.open_file(name, *position)
            }
            ConfirmedService::File(FileRequest::Read(frsm)) => self.read(*frsm, max_chunk),
            ConfirmedService::File(FileRequest::Close(frsm)) => self.close(*frsm),
            _ => {
                pdu::encode_reject(
                    Some(invoke_id),
                    REJECT_CONFIRMED_REQUEST,
                    UNRECOGNIZED_SERVICE,
                    out,
                );
                return;
            }
        };
        match result {
            Ok(response) => file::encode_response(invoke_id, &response, out),
            Err(code) => pdu::encode_confirmed_error(invoke_id, CLASS_FILE, code, out),
        }
    }

    fn open_file(&mut self, name: &str, position: u32) -> Result<FileResponse, i64> {
        if name.split(['/', '\\']).any(|c| c == "..") {
            return Err(FILE_ACCESS_DENIED);
        }
        let path = format!("{}{name}", self.base.as_deref().unwrap_or(DEFAULT_BASEPATH));
        let mut f = File::open(&path).map_err(|_| FILE_NON_EXISTENT)?;
        let meta = f.metadata().map_err(|_| FILE_OTHER)?;
        if !meta.is_file() {
            return Err(FILE_ACCESS_DENIED);
        }
        let size = u32::try_from(meta.len()).map_err(|_| FILE_OTHER)?;
        if position > size {
            return Err(FILE_POSITION_INVALID);
        }
        std::io::copy(
            &mut (&mut f).take(u64::from(position)),
            &mut std::io::sink(),
        )
        .map_err(|_| FILE_OTHER)?;
        let last_modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .and_then(|d| u64::try_from(d.as_millis()).ok());
        let slot = match self.open.iter().position(Option::is_none) {
            Some(i) => i,
            None if self.open.len() < MAX_OPEN_FILES => {
                self.open.push(None);
                self.open.len() - 1
            }
            None => return Err(FILE_OTHER),
        };
        self.open[slot] = Some(f);
        Ok(FileResponse::Open {
            frsm: slot as i32,
            attributes: FileAttributes {
                size,
                last_modified,
            },
        })
    }

    fn file(&mut self, frsm: i32) -> Result<&mut File, i64> {
        usize::try_from(frsm)
            .ok()
            .and_then(|i| self.open.get_mut(i))
            .and_then(Option::as_mut)
            .ok_or(FILE_OTHER)
    }

    fn read(&mut self, frsm: i32, max_chunk: usize) -> Result<FileResponse, i64> {
        let f = self.file(frsm)?;
        let mut data = Vec::new();
        f.take(max_chunk as u64 + 1)
            .read_to_end(&mut data)
            .map_err(|_| FILE_OTHER)?;
        let more_follows = data.len() > max_chunk;
        data.truncate(max_chunk);
        if more_follows {
            // The extra octet only told us whether more follow: step back over it.
            use std::io::{Seek, SeekFrom};
            f.seek(SeekFrom::Current(-1)).map_err(|_| FILE_OTHER)?;
        }
        Ok(FileResponse::Read { data, more_follows })
    }

    fn close(&mut self, frsm: i32) -> Result<FileResponse, i64> {
        self.file(frsm)?;
        if let Some(slot) = usize::try_from(frsm)
            .ok()
            .and_then(|i| self.open.get_mut(i))
        {
            *slot = None;
        }
        Ok(FileResponse::Close)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::pdu::{decode_pdu, ConfirmedServiceResponse, MmsPdu};

    fn ask(fs: &mut Filestore, req: FileRequest, chunk: usize) -> MmsPdu {
        let mut out = Vec::new();
        fs.answer(7, &ConfirmedService::File(req), chunk, &mut out);
        decode_pdu(&out, 8).unwrap()
    }

    fn file_response(pdu: MmsPdu) -> FileResponse {
        match pdu {
            MmsPdu::ConfirmedResponse {
                invoke_id: 7,
                service: ConfirmedServiceResponse::File(r),
            } => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn serves_a_file_in_chunks() {
        let dir = std::env::temp_dir().join(format!("rs61850-filestore-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let content: Vec<u8> = (0..2500u32).map(|i| i as u8).collect();
        std::fs::write(dir.join("sub/f.bin"), &content).unwrap();
        let mut fs = Filestore::default();
        fs.set_base(Some(format!("{}/", dir.display())));
        let FileResponse::Open { frsm, attributes } = file_response(ask(
            &mut fs,
            FileRequest::Open {
                name: "sub/f.bin".into(),
                position: 0,
            },
            1000,
        )) else {
            panic!("not an open response")
        };
        assert_eq!(attributes.size, 2500);
        assert!(attributes.last_modified.is_some());
        let mut got = Vec::new();
        loop {
            match file_response(ask(&mut fs, FileRequest::Read(frsm), 1000)) {
                FileResponse::Read { data, more_follows } => {
                    assert!(data.len() <= 1000);
                    got.extend(data);
                    if !more_follows {
                        break;
                    }
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(got, content);
        assert_eq!(
            file_response(ask(&mut fs, FileRequest::Close(frsm), 1000)),
            FileResponse::Close
        );
        // Closed, missing, outside the base path, and not a file service.
        let error = |pdu| match pdu {
            MmsPdu::ConfirmedError { class, code, .. } => (class, code),
            other => panic!("{other:?}"),
        };
        assert_eq!(error(ask(&mut fs, FileRequest::Read(frsm), 10)), (11, 0));
        let open = |name: &str| FileRequest::Open {
            name: name.into(),
            position: 0,
        };
        assert_eq!(error(ask(&mut fs, open("nothere"), 10)), (11, 7));
        assert_eq!(error(ask(&mut fs, open("../x"), 10)), (11, 6));
        assert_eq!(error(ask(&mut fs, open("sub"), 10)), (11, 6));
        let mut out = Vec::new();
        fs.answer(3, &ConfirmedService::Identify, 10, &mut out);
        assert!(matches!(
            decode_pdu(&out, 8).unwrap(),
            MmsPdu::Reject {
                invoke_id: Some(3),
                class: 1,
                code: 1
            }
        ));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
