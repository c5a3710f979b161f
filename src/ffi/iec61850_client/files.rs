//! File services of `iec61850_client.h`: directories, downloads (sync and async), upload
//! through ObtainFile, deletion, the local filestore base path and the
//! `FileDirectoryEntry_*` accessors.

use super::*;
use crate::client::files::{acknowledged, directory_page, opened, read_chunk};
use crate::mms::file::{DirectoryEntry, FileRequest, FileResponse};

/// A new `malloc`ed entry; NULL when out of memory.
fn new_entry(name: &[u8], size: u32, last_modified: u64) -> FileDirectoryEntry {
    // SAFETY: a fresh allocation of the struct's size, fully initialised before use.
    unsafe {
        let p = libc::malloc(std::mem::size_of::<sFileDirectoryEntry>()) as FileDirectoryEntry;
        if p.is_null() {
            return p;
        }
        p.write(sFileDirectoryEntry {
            fileName: malloc_c_string(name),
            fileSize: size,
            lastModified: last_modified,
        });
        p
    }
}

/// The entry data behind a handle.
///
/// # Safety
/// `entry` is NULL or a live entry.
unsafe fn entry<'a>(entry: FileDirectoryEntry) -> Option<&'a sFileDirectoryEntry> {
    // SAFETY: caller's contract.
    unsafe { entry.as_ref() }
}

/// A C list of directory entries (freed with `LinkedList_destroyDeep(list,
/// FileDirectoryEntry_destroy)`).
fn entry_list(entries: &[DirectoryEntry]) -> LinkedList {
    pointer_list(
        entries
            .iter()
            .map(|e| {
                new_entry(
                    e.name.as_bytes(),
                    e.attributes.size,
                    e.attributes.last_modified.unwrap_or(0),
                )
                .cast()
            })
            .collect(),
    )
}

/// `FileDirectoryEntry_create`: a new entry (copying the name).
///
/// # Safety
/// `fileName` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn FileDirectoryEntry_create(
    fileName: *const c_char,
    fileSize: u32,
    lastModified: u64,
) -> FileDirectoryEntry {
    guard(std::ptr::null_mut(), || {
        // SAFETY: caller's contract.
        let name = unsafe { c_str(fileName) }.map_or(&[][..], |s| s.to_bytes());
        new_entry(name, fileSize, lastModified)
    })
}

/// `FileDirectoryEntry_destroy`: frees the entry and its name.
///
/// # Safety
/// `self_` is NULL or an entry not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn FileDirectoryEntry_destroy(self_: FileDirectoryEntry) {
    // SAFETY: caller's contract; both allocations came from malloc.
    unsafe {
        if let Some(e) = entry(self_) {
            libc::free(e.fileName.cast());
            libc::free(self_.cast());
        }
    }
}

/// `FileDirectoryEntry_getFileName` (NULL for NULL).
///
/// # Safety
/// `self_` is NULL or a live entry.
#[no_mangle]
pub unsafe extern "C" fn FileDirectoryEntry_getFileName(
    self_: FileDirectoryEntry,
) -> *const c_char {
    // SAFETY: caller's contract.
    unsafe { entry(self_) }.map_or(std::ptr::null(), |e| e.fileName)
}

/// `FileDirectoryEntry_getFileSize` (0 for NULL).
///
/// # Safety
/// `self_` is NULL or a live entry.
#[no_mangle]
pub unsafe extern "C" fn FileDirectoryEntry_getFileSize(self_: FileDirectoryEntry) -> u32 {
    // SAFETY: caller's contract.
    unsafe { entry(self_) }.map_or(0, |e| e.fileSize)
}

/// `FileDirectoryEntry_getLastModified`: milliseconds since the epoch (0 for NULL).
///
/// # Safety
/// `self_` is NULL or a live entry.
#[no_mangle]
pub unsafe extern "C" fn FileDirectoryEntry_getLastModified(self_: FileDirectoryEntry) -> u64 {
    // SAFETY: caller's contract.
    unsafe { entry(self_) }.map_or(0, |e| e.lastModified)
}

/// An optional C string argument (NULL or empty: absent).
///
/// # Safety
/// `p` is NULL or a C string.
unsafe fn optional_name(p: *const c_char) -> Result<Option<String>, ClientError> {
    // SAFETY: caller's contract.
    match unsafe { c_str(p) } {
        None => Ok(None),
        Some(s) if s.to_bytes().is_empty() => Ok(None),
        Some(s) => s
            .to_str()
            .map(|s| Some(s.to_owned()))
            .map_err(|_| ClientError::InvalidArgument),
    }
}

/// A required file name argument.
///
/// # Safety
/// `p` is NULL or a C string.
unsafe fn file_name(p: *const c_char) -> Result<String, ClientError> {
    // SAFETY: caller's contract.
    unsafe { text(p, ClientError::InvalidArgument) }.map(str::to_owned)
}

/// Runs a synchronous file operation; its error goes to `error`, `fallback` is returned on
/// failure.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
unsafe fn run<T: Copy>(
    self_: IedConnection,
    error: *mut IedClientError,
    fallback: T,
    op: impl FnOnce(&Connection) -> Result<T, ClientError>,
) -> T {
    let (code, value) = guard((IED_ERROR_UNKNOWN, fallback), || {
        // SAFETY: caller's contract.
        match unsafe { connected(self_) }.and_then(op) {
            Ok(v) => (IED_ERROR_OK, v),
            Err(e) => (e as IedClientError, fallback),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    value
}

/// Every entry of a directory (NULL: the whole filestore) as a C list of
/// `FileDirectoryEntry`; also what `getServerDirectory(…, true)` returns.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `directoryName` is NULL
/// or a C string.
pub(super) unsafe fn directory_entries(
    self_: IedConnection,
    error: *mut IedClientError,
    directoryName: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        run(self_, error, std::ptr::null_mut(), |conn| {
            let spec = optional_name(directoryName)?;
            Ok(entry_list(&conn.file_directory(spec.as_deref())?))
        })
    }
}

/// The files of a directory (NULL: the whole filestore), following every page.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `directoryName` is NULL
/// or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getFileDirectory(
    self_: IedConnection,
    error: *mut IedClientError,
    directoryName: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe { directory_entries(self_, error, directoryName) }
}

/// One page of a directory listing, continuing after `continueAfter`; `moreFollows` tells
/// whether another page exists.
///
/// # Safety
/// As for `IedConnection_getFileDirectory`; `continueAfter` is NULL or a C string;
/// `moreFollows` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getFileDirectoryEx(
    self_: IedConnection,
    error: *mut IedClientError,
    directoryName: *const c_char,
    continueAfter: *const c_char,
    moreFollows: *mut bool,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        run(self_, error, std::ptr::null_mut(), |conn| {
            let request = FileRequest::Directory {
                spec: optional_name(directoryName)?,
                continue_after: optional_name(continueAfter)?,
            };
            let (entries, more) = directory_page(conn.file_service(request)?)?;
            if let Some(m) = moreFollows.as_mut() {
                *m = more;
            }
            Ok(entry_list(&entries))
        })
    }
}

/// Asynchronous directory page: `handler` runs once per entry (moreFollows true) and
/// then once with a NULL name and the page's moreFollows; it stops early when the handler
/// returns false. An error is reported in one call with a NULL name.
///
/// # Safety
/// As for `IedConnection_getFileDirectoryEx`; `handler` stays callable with `parameter`
/// until it ran for the last time.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getFileDirectoryAsyncEx(
    self_: IedConnection,
    error: *mut IedClientError,
    directoryName: *const c_char,
    continueAfter: *const c_char,
    handler: IedConnection_FileDirectoryEntryHandler,
    parameter: *mut c_void,
) -> u32 {
    let parameter = parameter as usize;
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let request = FileRequest::Directory {
                spec: optional_name(directoryName)?,
                continue_after: optional_name(continueAfter)?,
            };
            conn.file_service_async(request, move |id, result| {
                let p = parameter as *mut c_void;
                let null = std::ptr::null_mut();
                match result.and_then(directory_page) {
                    Ok((entries, more)) => {
                        for e in entries {
                            let name = std::ffi::CString::new(e.name.replace('\0', ""))
                                .unwrap_or_default();
                            let size = e.attributes.size;
                            let modified = e.attributes.last_modified.unwrap_or(0);
                            // The handler may keep nothing: the name lives for this call only.
                            if !function(
                                id,
                                p,
                                IED_ERROR_OK,
                                name.as_ptr().cast_mut(),
                                size,
                                modified,
                                true,
                            ) {
                                return;
                            }
                        }
                        function(id, p, IED_ERROR_OK, null, 0, 0, more);
                    }
                    Err(e) => {
                        function(id, p, e as IedClientError, null, 0, 0, false);
                    }
                }
            })
        })
    }
}

/// Downloads a file, handing each chunk to `handler` (which returns false to stop);
/// returns the number of octets received (0 on error).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `fileName` is NULL or a C
/// string; `handler` is callable with `handlerParameter`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getFile(
    self_: IedConnection,
    error: *mut IedClientError,
    fileName: *const c_char,
    handler: IedClientGetFileHandler,
    handlerParameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe {
        run(self_, error, 0, |conn| {
            let function = handler.ok_or(ClientError::InvalidArgument)?;
            let name = file_name(fileName)?;
            conn.get_file(&name, |chunk| {
                // The handler only reads the buffer, but C declares it mutable.
                function(
                    handlerParameter,
                    chunk.as_ptr().cast_mut(),
                    chunk.len() as u32,
                )
            })
        })
    }
}

/// The state of an asynchronous download, passed from one response handler to the next.
#[derive(Clone, Copy)]
struct Download {
    handle: usize,
    function:
        unsafe extern "C" fn(u32, *mut c_void, IedClientError, u32, *mut u8, u32, bool) -> bool,
    parameter: usize,
    /// The invoke ID returned to the application (the FileOpen's).
    first: u32,
}

impl Download {
    /// Calls the application's handler.
    fn report(&self, err: Option<ClientError>, original: u32, data: &[u8], more: bool) -> bool {
        let code = err.map_or(IED_ERROR_OK, |e| e as IedClientError);
        // SAFETY: the application keeps the handler valid until the download ended.
        unsafe {
            (self.function)(
                self.first,
                self.parameter as *mut c_void,
                code,
                original,
                data.as_ptr().cast_mut(),
                data.len() as u32,
                more,
            )
        }
    }

    /// Requests the next chunk, or reports why that is impossible.
    fn read_next(self, frsm: i32) {
        // SAFETY: the handle stays valid while the application waits for the download.
        let submitted = unsafe { connected(self.handle as IedConnection) }.and_then(|conn| {
            conn.file_service_async(FileRequest::Read(frsm), move |id, result| {
                self.on_chunk(frsm, id, result.and_then(read_chunk))
            })
        });
        if let Err(e) = submitted {
            self.report(Some(e), 0, &[], false);
        }
    }

    fn on_chunk(self, frsm: i32, id: u32, chunk: Result<(Vec<u8>, bool), ClientError>) {
        match chunk {
            Ok((data, more)) => {
                if self.report(None, id, &data, more) && more {
                    self.read_next(frsm);
                } else {
                    self.close(frsm);
                }
            }
            Err(e) => {
                self.report(Some(e), id, &[], false);
                self.close(frsm);
            }
        }
    }

    /// Closes the remote file; nobody waits for the answer.
    fn close(self, frsm: i32) {
        // SAFETY: as in `read_next`.
        if let Ok(conn) = unsafe { connected(self.handle as IedConnection) } {
            let _ = conn.file_service_async(FileRequest::Close(frsm), |_, _| {});
        }
    }
}

/// Asynchronous download: `handler` gets each chunk with the FileRead's invoke ID and
/// returns false to stop; an error ends the download with one call.
///
/// # Safety
/// `self_` is NULL or a live handle that stays alive until the download ended; `error` is
/// NULL or writable; `fileName` is NULL or a C string; `handler` stays callable with
/// `parameter` until then.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getFileAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    fileName: *const c_char,
    handler: IedConnection_GetFileAsyncHandler,
    parameter: *mut c_void,
) -> u32 {
    let (handle, parameter) = (self_ as usize, parameter as usize);
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let name = file_name(fileName)?;
            conn.file_service_async(
                FileRequest::Open { name, position: 0 },
                move |id, result| {
                    let download = Download {
                        handle,
                        function,
                        parameter,
                        first: id,
                    };
                    match result.and_then(opened) {
                        Ok(frsm) => download.read_next(frsm),
                        Err(e) => {
                            download.report(Some(e), id, &[], false);
                        }
                    }
                },
            )
        })
    }
}

/// Sets the base path of the local files a server obtains with `setFile` (NULL: the
/// default `./vmd-filestore/`); it is prepended to the file name as is.
///
/// # Safety
/// `self_` is NULL or a live handle; `basepath` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setFilestoreBasepath(
    self_: IedConnection,
    basepath: *const c_char,
) {
    guard((), || {
        // SAFETY: caller's contract.
        if let Some(conn) = unsafe { connection(self_) } {
            // SAFETY: caller's contract.
            let base = unsafe { c_str(basepath) }.map(|s| s.to_string_lossy().into_owned());
            conn.set_filestore_basepath(base);
        }
    })
}

/// The ObtainFile request of `setFile`.
///
/// # Safety
/// Both arguments are NULL or C strings.
unsafe fn obtain_request(
    source: *const c_char,
    destination: *const c_char,
) -> Result<FileRequest, ClientError> {
    // SAFETY: caller's contract.
    unsafe {
        Ok(FileRequest::Obtain {
            source: file_name(source)?,
            destination: file_name(destination)?,
        })
    }
}

/// Uploads a local file (below the filestore base path) to the server, which fetches it
/// from us (MMS ObtainFile).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; the names are NULL or C
/// strings.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setFile(
    self_: IedConnection,
    error: *mut IedClientError,
    sourceFilename: *const c_char,
    destinationFilename: *const c_char,
) {
    // SAFETY: caller's contract.
    unsafe {
        run(self_, error, (), |conn| {
            let request = obtain_request(sourceFilename, destinationFilename)?;
            acknowledged(conn.file_service(request)?, FileResponse::Obtain)
        })
    }
}

/// Starts a file service whose answer is a NULL acknowledgement; `handler` gets the
/// outcome.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `handler` stays callable
/// with `parameter` until it ran.
unsafe fn acknowledged_async(
    self_: IedConnection,
    error: *mut IedClientError,
    request: impl FnOnce() -> Result<FileRequest, ClientError>,
    expected: FileResponse,
    handler: IedConnection_GenericServiceHandler,
    parameter: *mut c_void,
) -> u32 {
    let parameter = parameter as usize;
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            conn.file_service_async(request()?, move |id, result| {
                let code = code_of(&result.and_then(|r| acknowledged(r, expected)));
                function(id, parameter as *mut c_void, code)
            })
        })
    }
}

/// Asynchronous `setFile`.
///
/// # Safety
/// As for `IedConnection_setFile`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setFileAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    sourceFilename: *const c_char,
    destinationFilename: *const c_char,
    handler: IedConnection_GenericServiceHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe {
        acknowledged_async(
            self_,
            error,
            || obtain_request(sourceFilename, destinationFilename),
            FileResponse::Obtain,
            handler,
            parameter,
        )
    }
}

/// Deletes a file on the server.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `fileName` is NULL or a C
/// string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_deleteFile(
    self_: IedConnection,
    error: *mut IedClientError,
    fileName: *const c_char,
) {
    // SAFETY: caller's contract.
    unsafe {
        run(self_, error, (), |conn| {
            let request = FileRequest::Delete(file_name(fileName)?);
            acknowledged(conn.file_service(request)?, FileResponse::Delete)
        })
    }
}

/// Asynchronous `deleteFile`.
///
/// # Safety
/// As for `IedConnection_deleteFile`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_deleteFileAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    fileName: *const c_char,
    handler: IedConnection_GenericServiceHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe {
        acknowledged_async(
            self_,
            error,
            || Ok(FileRequest::Delete(file_name(fileName)?)),
            FileResponse::Delete,
            handler,
            parameter,
        )
    }
}
