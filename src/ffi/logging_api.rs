//! Declarations of `logging_api.h`.
#![allow(non_camel_case_types, non_snake_case)]

use std::ffi::{c_char, c_int, c_void};

/// C callback `LogEntryCallback` (NULL allowed).
pub type LogEntryCallback = Option<
    unsafe extern "C" fn(
        parameter: *mut c_void,
        timestamp: u64,
        entryID: u64,
        moreFollow: bool,
    ) -> bool,
>;

/// C callback `LogEntryDataCallback` (NULL allowed).
pub type LogEntryDataCallback = Option<
    unsafe extern "C" fn(
        parameter: *mut c_void,
        dataRef: *const c_char,
        data: *mut u8,
        dataSize: c_int,
        reasonCode: u8,
        moreFollow: bool,
    ) -> bool,
>;

/// A log storage back end: instance data plus its operations (`struct sLogStorage`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sLogStorage {
    /// Back end private data.
    pub instanceData: *mut c_void,
    /// Maximum number of entries kept.
    pub maxLogEntries: c_int,
    /// Adds an entry, returns its ID.
    pub addEntry: Option<unsafe extern "C" fn(self_: *mut sLogStorage, timestamp: u64) -> u64>,
    /// Adds data to an entry.
    pub addEntryData: Option<
        unsafe extern "C" fn(
            self_: *mut sLogStorage,
            entryID: u64,
            dataRef: *const c_char,
            data: *mut u8,
            dataSize: c_int,
            reasonCode: u8,
        ) -> bool,
    >,
    /// Reports the entries in a time range.
    pub getEntries: Option<
        unsafe extern "C" fn(
            self_: *mut sLogStorage,
            startingTime: u64,
            endingTime: u64,
            entryCallback: LogEntryCallback,
            entryDataCallback: LogEntryDataCallback,
            parameter: *mut c_void,
        ) -> bool,
    >,
    /// Reports the entries after a given one.
    pub getEntriesAfter: Option<
        unsafe extern "C" fn(
            self_: *mut sLogStorage,
            startingTime: u64,
            entryID: u64,
            entryCallback: LogEntryCallback,
            entryDataCallback: LogEntryDataCallback,
            parameter: *mut c_void,
        ) -> bool,
    >,
    /// Reports the oldest and newest entry.
    pub getOldestAndNewestEntries: Option<
        unsafe extern "C" fn(
            self_: *mut sLogStorage,
            newEntry: *mut u64,
            newEntryTime: *mut u64,
            oldEntry: *mut u64,
            oldEntryTime: *mut u64,
        ) -> bool,
    >,
    /// Releases the storage.
    pub destroy: Option<unsafe extern "C" fn(self_: *mut sLogStorage)>,
}

/// `LogStorage`: pointer to a log storage.
pub type LogStorage = *mut sLogStorage;
