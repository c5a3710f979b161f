//! Functions of `hal_filesystem.h`: files and directories of the local file system, as
//! C stdio/dirent handles (a `FileHandle` is a `FILE*`, a `DirectoryHandle` a `DIR*`).
#![allow(non_camel_case_types, non_snake_case)]

use std::ffi::{c_char, c_int, c_void};
use std::ptr::null_mut;

use super::guard;

/// `CONFIG_SYSTEM_FILE_SEPARATOR`: the path separator, '/'.
pub const CONFIG_SYSTEM_FILE_SEPARATOR: c_int = 47;

/// C `void*` typedef `FileHandle`: an open file.
pub type FileHandle = *mut c_void;

/// An open directory (opaque).
pub struct sDirectoryHandle {
    _private: [u8; 0],
}

/// C `struct sDirectoryHandle*` typedef `DirectoryHandle`.
pub type DirectoryHandle = *mut sDirectoryHandle;

/// `FileSystem_openFile`: opens `pathName` for reading, or truncated for writing when
/// `readWrite`; NULL on failure.
///
/// # Safety
/// `pathName` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn FileSystem_openFile(pathName: *mut c_char, readWrite: bool) -> FileHandle {
    guard(null_mut(), || {
        if pathName.is_null() {
            return null_mut();
        }
        let mode: &[u8] = if readWrite { b"w\0" } else { b"r\0" };
        // SAFETY: a C string path and a literal mode.
        unsafe { libc::fopen(pathName, mode.as_ptr().cast()) }.cast()
    })
}

/// `FileSystem_readFile`: reads up to `maxSize` bytes; the count read (0 at the end or on
/// error).
///
/// # Safety
/// `handle` is NULL or an open file; `buffer` holds `maxSize` bytes.
#[no_mangle]
pub unsafe extern "C" fn FileSystem_readFile(
    handle: FileHandle,
    buffer: *mut u8,
    maxSize: c_int,
) -> c_int {
    guard(0, || {
        if handle.is_null() || buffer.is_null() || maxSize <= 0 {
            return 0;
        }
        // SAFETY: the caller's contract.
        unsafe { libc::fread(buffer.cast(), 1, maxSize as usize, handle.cast()) as c_int }
    })
}

/// `FileSystem_writeFile`: writes `size` bytes; the count written.
///
/// # Safety
/// `handle` is NULL or an open file; `buffer` holds `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn FileSystem_writeFile(
    handle: FileHandle,
    buffer: *mut u8,
    size: c_int,
) -> c_int {
    guard(0, || {
        if handle.is_null() || buffer.is_null() || size <= 0 {
            return 0;
        }
        // SAFETY: the caller's contract.
        unsafe { libc::fwrite(buffer.cast(), 1, size as usize, handle.cast()) as c_int }
    })
}

/// `FileSystem_closeFile`: closes the file (NULL is fine).
///
/// # Safety
/// `handle` is NULL or an open file, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn FileSystem_closeFile(handle: FileHandle) {
    guard((), || {
        if !handle.is_null() {
            // SAFETY: the caller's contract.
            unsafe { libc::fclose(handle.cast()) };
        }
    })
}

/// `FileSystem_getFileInfo`: the size and the modification time (ms since the epoch) of
/// `filename`; false if it does not exist. Either output may be NULL.
///
/// # Safety
/// `filename` is NULL or a C string; outputs NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn FileSystem_getFileInfo(
    filename: *mut c_char,
    fileSize: *mut u32,
    lastModificationTimestamp: *mut u64,
) -> bool {
    guard(false, || {
        if filename.is_null() {
            return false;
        }
        // SAFETY: a zeroed stat filled by stat(2) from a C string path.
        unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            if libc::stat(filename, &mut st) != 0 {
                return false;
            }
            if let Some(size) = fileSize.as_mut() {
                *size = st.st_size as u32;
            }
            if let Some(t) = lastModificationTimestamp.as_mut() {
                *t = (st.st_mtime as u64).wrapping_mul(1000);
            }
        }
        true
    })
}

/// `FileSystem_deleteFile`: removes `filename`; whether it was removed.
///
/// # Safety
/// `filename` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn FileSystem_deleteFile(filename: *mut c_char) -> bool {
    // SAFETY: a C string path.
    guard(false, || {
        !filename.is_null() && unsafe { libc::remove(filename) } == 0
    })
}

/// `FileSystem_renameFile`: renames a file; whether it was renamed.
///
/// # Safety
/// Both names are NULL or C strings.
#[no_mangle]
pub unsafe extern "C" fn FileSystem_renameFile(
    oldFilename: *mut c_char,
    newFilename: *mut c_char,
) -> bool {
    guard(false, || {
        !oldFilename.is_null()
            && !newFilename.is_null()
            // SAFETY: C string paths.
            && unsafe { libc::rename(oldFilename, newFilename) } == 0
    })
}

/// `FileSystem_openDirectory`: opens a directory for listing; NULL on failure.
///
/// # Safety
/// `directoryName` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn FileSystem_openDirectory(directoryName: *mut c_char) -> DirectoryHandle {
    guard(null_mut(), || {
        if directoryName.is_null() {
            return null_mut();
        }
        // SAFETY: a C string path.
        unsafe { libc::opendir(directoryName) }.cast()
    })
}

/// `FileSystem_readDirectory`: the next entry's name, skipping `.` and `..`, or NULL at
/// the end (then `*isDirectory` is left alone). The name belongs to the handle and is
/// valid until the next call or `closeDirectory`: not to be freed.
///
/// # Safety
/// `directory` is NULL or an open directory; `isDirectory` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn FileSystem_readDirectory(
    directory: DirectoryHandle,
    isDirectory: *mut bool,
) -> *mut c_char {
    guard(null_mut(), || {
        if directory.is_null() {
            return null_mut();
        }
        loop {
            // SAFETY: an open DIR*; the entry lives until the next readdir/closedir.
            unsafe {
                let entry = libc::readdir(directory.cast());
                let Some(e) = entry.as_mut() else {
                    return null_mut();
                };
                let name = e.d_name.as_mut_ptr();
                let bytes = std::ffi::CStr::from_ptr(name).to_bytes();
                if bytes == b"." || bytes == b".." {
                    continue;
                }
                if let Some(d) = isDirectory.as_mut() {
                    *d = e.d_type == libc::DT_DIR;
                }
                return name;
            }
        }
    })
}

/// `FileSystem_closeDirectory`: closes the directory (NULL is fine).
///
/// # Safety
/// `directory` is NULL or an open directory, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn FileSystem_closeDirectory(directory: DirectoryHandle) {
    guard((), || {
        if !directory.is_null() {
            // SAFETY: the caller's contract.
            unsafe { libc::closedir(directory.cast()) };
        }
    })
}
