//! MMS file services over a [`Connection`]: directory listings, downloads, deletion,
//! renaming and ObtainFile (the server fetches a file from our local filestore, which
//! the connection serves while the request is outstanding).

use super::Connection;
use crate::iec61850::ClientError;
use crate::mms::file::{self, DirectoryEntry, FileRequest, FileResponse};
use crate::mms::pdu::ConfirmedServiceResponse;

/// Largest number of directory pages followed before giving up (a server that keeps
/// answering moreFollows would otherwise be followed forever).
const MAX_DIRECTORY_PAGES: usize = 10_000;

/// The file response inside a confirmed response.
fn file_response(response: ConfirmedServiceResponse) -> Result<FileResponse, ClientError> {
    match response {
        ConfirmedServiceResponse::File(r) => Ok(r),
        _ => Err(ClientError::MalformedMessage),
    }
}

/// One page of a FileDirectory response: the entries and whether more follow.
pub fn directory_page(response: FileResponse) -> Result<(Vec<DirectoryEntry>, bool), ClientError> {
    match response {
        FileResponse::Directory {
            entries,
            more_follows,
        } => Ok((entries, more_follows)),
        _ => Err(ClientError::MalformedMessage),
    }
}

/// One chunk of a FileRead response: the data and whether more follow.
pub fn read_chunk(response: FileResponse) -> Result<(Vec<u8>, bool), ClientError> {
    match response {
        FileResponse::Read { data, more_follows } => Ok((data, more_follows)),
        _ => Err(ClientError::MalformedMessage),
    }
}

/// The FRSM ID of a FileOpen response.
pub fn opened(response: FileResponse) -> Result<i32, ClientError> {
    match response {
        FileResponse::Open { frsm, .. } => Ok(frsm),
        _ => Err(ClientError::MalformedMessage),
    }
}

/// Checks that a response is the expected NULL one (`expected`).
pub fn acknowledged(response: FileResponse, expected: FileResponse) -> Result<(), ClientError> {
    if response == expected {
        Ok(())
    } else {
        Err(ClientError::MalformedMessage)
    }
}

impl Connection {
    /// Executes one file service request.
    pub fn file_service(&self, request: FileRequest) -> Result<FileResponse, ClientError> {
        self.service(
            |id, out| {
                file::encode_request(id, &request, out);
                Ok(())
            },
            file_response,
        )
    }

    /// Starts one file service request; `handler` gets the invoke ID and the response.
    /// Returns the invoke ID.
    pub fn file_service_async(
        &self,
        request: FileRequest,
        handler: impl FnOnce(u32, Result<FileResponse, ClientError>) + Send + 'static,
    ) -> Result<u32, ClientError> {
        self.service_async(
            move |id, out| {
                file::encode_request(id, &request, out);
                Ok(())
            },
            file_response,
            handler,
        )
    }

    /// Every directory entry under `spec` (None: the whole filestore), following
    /// moreFollows with continueAfter.
    pub fn file_directory(&self, spec: Option<&str>) -> Result<Vec<DirectoryEntry>, ClientError> {
        let mut all: Vec<DirectoryEntry> = Vec::new();
        for _ in 0..MAX_DIRECTORY_PAGES {
            let request = FileRequest::Directory {
                spec: spec.map(str::to_owned),
                continue_after: all.last().map(|e| e.name.clone()),
            };
            let (entries, more) = directory_page(self.file_service(request)?)?;
            let progressed = !entries.is_empty();
            all.extend(entries);
            if !more || !progressed {
                return Ok(all);
            }
        }
        Ok(all)
    }

    /// Downloads `name`: FileOpen, FileRead until the last chunk or until `sink` returns
    /// false, FileClose. Returns the number of octets handed to `sink`.
    pub fn get_file(
        &self,
        name: &str,
        mut sink: impl FnMut(&[u8]) -> bool,
    ) -> Result<u32, ClientError> {
        let frsm = opened(self.file_service(FileRequest::Open {
            name: name.to_owned(),
            position: 0,
        })?)?;
        let mut total = 0u32;
        let outcome = loop {
            match self
                .file_service(FileRequest::Read(frsm))
                .and_then(read_chunk)
            {
                Ok((data, more)) => {
                    total = total.saturating_add(u32::try_from(data.len()).unwrap_or(u32::MAX));
                    if !sink(&data) || !more {
                        break Ok(total);
                    }
                }
                Err(e) => break Err(e),
            }
        };
        let closed = self
            .file_service(FileRequest::Close(frsm))
            .and_then(|r| acknowledged(r, FileResponse::Close));
        match (outcome, closed) {
            (Err(e), _) | (Ok(_), Err(e)) => Err(e),
            (Ok(total), Ok(())) => Ok(total),
        }
    }
}
