//! Log queries of `iec61850_client.h` (`queryLogByTime`, `queryLogAfter`, + async, over MMS
//! ReadJournal) and the `MmsJournalEntry_*` / `MmsJournalVariable_*` accessors of the
//! entries they return.

use super::*;
use crate::ffi::mms_client_connection::{
    sMmsJournalEntry, sMmsJournalVariable, MmsJournalEntry, MmsJournalVariable,
};
use crate::ffi::mms_value::{delete_value, new_value};
use crate::mms::journal::{
    self, JournalEntry, JournalRange, ReadJournalRequest, ReadJournalResponse,
};
use crate::mms::value::OctetString;
use std::ptr::null_mut;

/// The journal of a log reference `LD/LN$LogName`: domain `LD`, item `LN$LogName` (taken
/// as is, as the reference does); OBJECT_REFERENCE_INVALID without a `/`.
///
/// # Safety
/// `reference` is NULL or a C string.
unsafe fn journal_name(reference: *const c_char) -> Result<ObjectName, ClientError> {
    // SAFETY: caller's contract.
    let text = unsafe { text(reference, ClientError::ObjectReferenceInvalid) }?;
    let (ld, item) = text
        .split_once('/')
        .ok_or(ClientError::ObjectReferenceInvalid)?;
    Ok(ObjectName::Domain(ld.to_owned(), item.to_owned()))
}

/// The entry ID argument of `queryLogAfter`: the octets of an octet string value.
///
/// # Safety
/// `entry_id` is NULL or a live value.
unsafe fn entry_octets(entry_id: *const MmsValue) -> Result<Vec<u8>, ClientError> {
    // SAFETY: caller's contract.
    match unsafe { entry_id.as_ref() } {
        Some(MmsValue::OctetString(o)) => Ok(o.data.to_vec()),
        _ => Err(ClientError::InvalidArgument),
    }
}

/// The entries of a ReadJournal response.
fn journal_response(
    response: ConfirmedServiceResponse,
) -> Result<ReadJournalResponse, ClientError> {
    match response {
        ConfirmedServiceResponse::ReadJournal(r) => Ok(r),
        _ => Err(ClientError::MalformedMessage),
    }
}

/// A `malloc`ed copy of `value` for a C struct (NULL when out of memory).
fn malloc_struct<T>(value: T) -> *mut T {
    // SAFETY: a fresh allocation of T's size, initialised before it is returned.
    unsafe {
        let p = libc::malloc(std::mem::size_of::<T>()) as *mut T;
        if !p.is_null() {
            p.write(value);
        }
        p
    }
}

/// A new C journal entry (freed with `MmsJournalEntry_destroy`).
fn c_entry(entry: JournalEntry) -> MmsJournalEntry {
    let variables = entry
        .variables
        .into_iter()
        .map(|v| {
            malloc_struct(sMmsJournalVariable {
                tag: malloc_c_string(v.tag.as_bytes()),
                value: new_value(v.value),
            })
            .cast()
        })
        .collect();
    let max_size = entry.entry_id.len();
    malloc_struct(sMmsJournalEntry {
        entryID: new_value(MmsValue::OctetString(OctetString {
            data: entry.entry_id.into(),
            max_size,
        })),
        occurenceTime: new_value(MmsValue::BinaryTime(entry.occurrence_time.into())),
        journalVariables: pointer_list(variables),
    })
}

/// The entries as a C list (freed with `LinkedList_destroyDeep(list, MmsJournalEntry_destroy)`).
fn entry_list(entries: Vec<JournalEntry>) -> LinkedList {
    pointer_list(entries.into_iter().map(|e| c_entry(e).cast()).collect())
}

/// The request of `queryLogByTime`: entries recorded from `start` to `end` (ms since 1970).
///
/// # Safety
/// `log` is NULL or a C string.
unsafe fn by_time(
    log: *const c_char,
    start: u64,
    end: u64,
) -> Result<ReadJournalRequest, ClientError> {
    Ok(ReadJournalRequest {
        // SAFETY: per this function's contract.
        journal: unsafe { journal_name(log) }?,
        range: JournalRange::ByTime { start, end },
    })
}

/// The request of `queryLogAfter`: entries after `entry_id` recorded at `time`.
///
/// # Safety
/// `log` is NULL or a C string; `entry_id` is NULL or a live value.
unsafe fn after(
    log: *const c_char,
    entry_id: *const MmsValue,
    time: u64,
) -> Result<ReadJournalRequest, ClientError> {
    Ok(ReadJournalRequest {
        // SAFETY: per this function's contract.
        journal: unsafe { journal_name(log) }?,
        range: JournalRange::After {
            time,
            // SAFETY: per this function's contract.
            entry: unsafe { entry_octets(entry_id) }?,
        },
    })
}

/// Runs a ReadJournal query for the synchronous functions.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `moreFollows` is NULL or
/// writable.
unsafe fn query(
    self_: IedConnection,
    error: *mut IedClientError,
    moreFollows: *mut bool,
    request: impl FnOnce() -> Result<ReadJournalRequest, ClientError>,
) -> LinkedList {
    let (code, list) = guard((IED_ERROR_UNKNOWN, null_mut()), || {
        // SAFETY: caller's contract.
        let result = unsafe { connected(self_) }.and_then(|conn| {
            let request = request()?;
            conn.service(
                |id, out| {
                    journal::encode_request(id, &request, out);
                    Ok(())
                },
                journal_response,
            )
        });
        match result {
            Ok(response) => {
                // SAFETY: caller's contract.
                if let Some(m) = unsafe { moreFollows.as_mut() } {
                    *m = response.more_follows;
                }
                (IED_ERROR_OK, entry_list(response.entries))
            }
            Err(e) => (e as IedClientError, null_mut()),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    list
}

/// Starts a ReadJournal query for the asynchronous functions.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `handler` stays callable
/// with `parameter` until it ran.
unsafe fn query_async(
    self_: IedConnection,
    error: *mut IedClientError,
    handler: IedConnection_QueryLogHandler,
    parameter: *mut c_void,
    request: impl FnOnce() -> Result<ReadJournalRequest, ClientError>,
) -> u32 {
    let parameter = parameter as usize;
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let request = request()?;
            conn.service_async(
                move |id, out| {
                    journal::encode_request(id, &request, out);
                    Ok(())
                },
                journal_response,
                move |id, result| {
                    let p = parameter as *mut c_void;
                    match result {
                        Ok(r) => {
                            function(id, p, IED_ERROR_OK, entry_list(r.entries), r.more_follows)
                        }
                        Err(e) => function(id, p, e as IedClientError, null_mut(), false),
                    }
                },
            )
        })
    }
}

/// The entries of a log (`LD/LN$LogName`) recorded between `startTime` and `endTime` (ms
/// since 1970); `moreFollows` tells whether the server has more of them.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` and `moreFollows` are NULL or writable;
/// `logReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_queryLogByTime(
    self_: IedConnection,
    error: *mut IedClientError,
    logReference: *const c_char,
    startTime: u64,
    endTime: u64,
    moreFollows: *mut bool,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        query(self_, error, moreFollows, || {
            by_time(logReference, startTime, endTime)
        })
    }
}

/// The entries of a log after the entry `entryID` (an octet string) recorded at
/// `timeStamp`.
///
/// # Safety
/// As for `IedConnection_queryLogByTime`; `entryID` is NULL or a live value.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_queryLogAfter(
    self_: IedConnection,
    error: *mut IedClientError,
    logReference: *const c_char,
    entryID: *mut MmsValue,
    timeStamp: u64,
    moreFollows: *mut bool,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        query(self_, error, moreFollows, || {
            after(logReference, entryID, timeStamp)
        })
    }
}

/// Asynchronous `queryLogByTime`: `handler` gets the entries (owned by it) or the error.
///
/// # Safety
/// As for `IedConnection_queryLogByTime`; `handler` stays callable with `parameter` until
/// it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_queryLogByTimeAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    logReference: *const c_char,
    startTime: u64,
    endTime: u64,
    handler: IedConnection_QueryLogHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe {
        query_async(self_, error, handler, parameter, || {
            by_time(logReference, startTime, endTime)
        })
    }
}

/// Asynchronous `queryLogAfter`.
///
/// # Safety
/// As for `IedConnection_queryLogAfter`; `handler` stays callable with `parameter` until it
/// ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_queryLogAfterAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    logReference: *const c_char,
    entryID: *mut MmsValue,
    timeStamp: u64,
    handler: IedConnection_QueryLogHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe {
        query_async(self_, error, handler, parameter, || {
            after(logReference, entryID, timeStamp)
        })
    }
}

/// Frees a journal entry, its values and variables.
///
/// # Safety
/// `self_` is NULL or an entry returned by a log query, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn MmsJournalEntry_destroy(self_: MmsJournalEntry) {
    if self_.is_null() {
        return;
    }
    // SAFETY: built by `c_entry`: malloc'ed structs and strings, boxed values.
    unsafe {
        let entry = self_.read();
        delete_value(entry.entryID);
        delete_value(entry.occurenceTime);
        for v in items(entry.journalVariables) {
            let var = v as MmsJournalVariable;
            if let Some(var) = var.as_ref() {
                libc::free(var.tag.cast());
                delete_value(var.value);
            }
            libc::free(v);
        }
        LinkedList_destroyStatic(entry.journalVariables);
        libc::free(self_.cast());
    }
}

/// The entry's ID (an octet string owned by the entry).
///
/// # Safety
/// `self_` is NULL or a live entry.
#[no_mangle]
pub unsafe extern "C" fn MmsJournalEntry_getEntryID(self_: MmsJournalEntry) -> *mut MmsValue {
    // SAFETY: caller's contract.
    unsafe { self_.as_ref() }.map_or(null_mut(), |e| e.entryID)
}

/// The entry's occurrence time (a binary time owned by the entry).
///
/// # Safety
/// `self_` is NULL or a live entry.
#[no_mangle]
pub unsafe extern "C" fn MmsJournalEntry_getOccurenceTime(self_: MmsJournalEntry) -> *mut MmsValue {
    // SAFETY: caller's contract.
    unsafe { self_.as_ref() }.map_or(null_mut(), |e| e.occurenceTime)
}

/// The entry's variables (a list of `MmsJournalVariable` owned by the entry).
///
/// # Safety
/// `self_` is NULL or a live entry.
#[no_mangle]
pub unsafe extern "C" fn MmsJournalEntry_getJournalVariables(self_: MmsJournalEntry) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe { self_.as_ref() }.map_or(null_mut(), |e| e.journalVariables)
}

/// The variable's tag (the data reference, or `ReasonCode`).
///
/// # Safety
/// `self_` is NULL or a live variable.
#[no_mangle]
pub unsafe extern "C" fn MmsJournalVariable_getTag(self_: MmsJournalVariable) -> *const c_char {
    // SAFETY: caller's contract.
    unsafe { self_.as_ref() }.map_or(std::ptr::null(), |v| v.tag)
}

/// The variable's value (owned by the entry).
///
/// # Safety
/// `self_` is NULL or a live variable.
#[no_mangle]
pub unsafe extern "C" fn MmsJournalVariable_getValue(self_: MmsJournalVariable) -> *mut MmsValue {
    // SAFETY: caller's contract.
    unsafe { self_.as_ref() }.map_or(null_mut(), |v| v.value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::linked_list::LinkedList_destroyDeep;
    use crate::mms::journal::JournalVariable;

    unsafe extern "C" fn destroy_entry(p: *mut c_void) {
        // SAFETY: the list holds entries built by `c_entry`.
        unsafe { MmsJournalEntry_destroy(p.cast()) }
    }

    #[test]
    fn entries_reach_c_and_are_freed() {
        let entry = JournalEntry {
            entry_id: vec![0, 0, 0, 0, 0, 0, 0, 7],
            occurrence_time: journal::time_of_day(1_700_000_000_000).to_vec(),
            variables: vec![JournalVariable {
                tag: "LD/GGIO1$ST$Ind1$stVal".into(),
                value: MmsValue::Boolean(true),
            }],
        };
        let list = entry_list(vec![entry.clone(), entry]);
        // SAFETY: a list just built from live entries; freed once at the end.
        unsafe {
            let entries = items(list);
            assert_eq!(entries.len(), 2);
            let e = entries[0] as MmsJournalEntry;
            assert!(matches!(&*MmsJournalEntry_getEntryID(e),
                MmsValue::OctetString(o) if *o.data == [0, 0, 0, 0, 0, 0, 0, 7]));
            assert!(matches!(&*MmsJournalEntry_getOccurenceTime(e),
                MmsValue::BinaryTime(t) if journal::time_of_day_ms(t) == Some(1_700_000_000_000)));
            let vars = items(MmsJournalEntry_getJournalVariables(e));
            let v = vars[0] as MmsJournalVariable;
            assert_eq!(
                std::ffi::CStr::from_ptr(MmsJournalVariable_getTag(v)).to_bytes(),
                b"LD/GGIO1$ST$Ind1$stVal"
            );
            assert_eq!(*MmsJournalVariable_getValue(v), MmsValue::Boolean(true));
            assert!(MmsJournalEntry_getEntryID(null_mut()).is_null());
            LinkedList_destroyDeep(list, Some(destroy_entry));
        }
    }
}
