//! Data sets of `iec61850_client.h`: create, delete, directory, read and write, and the `ClientDataSet_*` accessors.

use super::*;

/// Each data set service's request, shared by its synchronous and asynchronous function:
/// an encoder for `Connection::service` / `service_async`.
type Encoder<'a> = Box<dyn FnOnce(u32, &mut Vec<u8>) -> Result<(), RequestError> + 'a>;

/// Read of all members of the list, with the specification echoed.
fn read_request(name: &ObjectName) -> Encoder<'_> {
    Box::new(move |id, buf| {
        read::encode_read_list_request(id, name, true, buf);
        Ok(())
    })
}

/// DefineNamedVariableList of `vars`.
fn define_request<'a>(name: &'a ObjectName, vars: &'a [VariableRef]) -> Encoder<'a> {
    Box::new(move |id, buf| {
        named_variable_list::encode_define_named_variable_list_request(id, name, vars, buf);
        Ok(())
    })
}

/// DeleteNamedVariableList of this one list.
fn delete_request(name: ObjectName) -> Encoder<'static> {
    Box::new(move |id, buf| {
        named_variable_list::encode_delete_named_variable_list_request(
            id,
            &DeleteScope::Specific,
            &[name],
            buf,
        );
        Ok(())
    })
}

/// GetNamedVariableListAttributes.
fn directory_request(name: &ObjectName) -> Encoder<'_> {
    Box::new(move |id, buf| {
        named_variable_list::encode_get_named_variable_list_attributes_request(id, name, buf);
        Ok(())
    })
}

/// Write of one value per member.
fn write_request<'a>(name: &'a ObjectName, values: &'a [&'a MmsValue]) -> Encoder<'a> {
    Box::new(move |id, buf| {
        write::encode_write_list_request(id, name, values, buf)
            .map_err(|_| RequestError::InvalidValue)
    })
}

/// The data set reference argument as its MMS name.
///
/// # Safety
/// `reference` is NULL or a C string.
unsafe fn data_set_arg(reference: *const c_char) -> Result<(String, ObjectName), ClientError> {
    // SAFETY: caller's contract.
    let text = unsafe { text(reference, ClientError::ObjectReferenceInvalid) }?;
    Ok((text.to_owned(), dataset::data_set_name(text)))
}

/// Stores freshly read values into `existing` (in place, as the reference) or into a new data set.
///
/// # Safety
/// `existing` is NULL or a live `ClientDataSet` nobody else uses meanwhile.
unsafe fn fill_data_set(
    existing: ClientDataSet,
    reference: &str,
    values: MmsValue,
) -> ClientDataSet {
    // SAFETY: caller's contract.
    match unsafe { existing.as_mut() } {
        Some(data_set) => {
            // Updating keeps the element pointers a caller may hold; a changed shape replaces them.
            if !data_set.values.update(&values) {
                *data_set.values = values;
            }
            existing
        }
        None => Box::into_raw(Box::new(sClientDataSet {
            reference: crate::mms::value::c_string_lossy(
                dataset::stored_reference(reference).as_bytes(),
            ),
            values: Box::new(values),
        })),
    }
}

/// Reads all values of a data set into `dataSet` (refreshed in place) or into a new
/// `ClientDataSet` (freed by the caller with `ClientDataSet_destroy`).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataSetReference` is NULL or
/// a C string; `dataSet` is NULL or a live `ClientDataSet`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readDataSetValues(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    dataSet: ClientDataSet,
) -> ClientDataSet {
    let (code, result) = guard((IED_ERROR_UNKNOWN, dataSet), || {
        // SAFETY: caller's contract.
        let read = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let (reference, name) = unsafe { data_set_arg(dataSetReference) }?;
            let values = conn.service(read_request(&name), dataset::parse_read)?;
            Ok((reference, values))
        });
        match read {
            // SAFETY: caller's contract.
            Ok((reference, values)) => (IED_ERROR_OK, unsafe {
                fill_data_set(dataSet, &reference, values)
            }),
            Err(e) => (e as IedClientError, dataSet),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    result
}

/// Asynchronous `readDataSetValues`: `handler` gets `dataSet` refreshed, or a new data set.
///
/// # Safety
/// As for `IedConnection_readDataSetValues`; `dataSet` is not used by the caller until the
/// handler ran; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readDataSetValuesAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    dataSet: ClientDataSet,
    handler: IedConnection_ReadDataSetHandler,
    parameter: *mut c_void,
) -> u32 {
    let (parameter, existing) = (parameter as usize, dataSet as usize);
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let (reference, name) = data_set_arg(dataSetReference)?;
            conn.service_async(
                read_request(&name),
                dataset::parse_read,
                move |id, result| {
                    let existing = existing as ClientDataSet;
                    let (code, data_set) = match result {
                        // SAFETY: the caller left `dataSet` to us until the handler runs.
                        Ok(values) => (IED_ERROR_OK, fill_data_set(existing, &reference, values)),
                        Err(e) => (e as IedClientError, existing),
                    };
                    // SAFETY: the application keeps the handler valid until it ran.
                    function(id, parameter as *mut c_void, code, data_set)
                },
            )
        })
    }
}

/// The member references of a C list of `char*` as MMS variables (OBJECT_REFERENCE_INVALID
/// for a member without `[FC]`, before anything is sent).
///
/// # Safety
/// `members` is NULL or a live list of C strings.
unsafe fn member_args(members: LinkedList) -> Result<Vec<VariableRef>, ClientError> {
    // SAFETY: caller's contract.
    unsafe { items(members) }
        .into_iter()
        .map(|p| {
            // SAFETY: the list holds C strings by the caller's contract.
            let member = unsafe { text(p as *const c_char, ClientError::ObjectReferenceInvalid) }?;
            dataset::member_variable(member)
        })
        .collect()
}

/// Creates a data set from member references `LD/LN.DO[.DA][FC]`.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataSetReference` is NULL or
/// a C string; `dataSetElements` is NULL or a list of C strings.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_createDataSet(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    dataSetElements: LinkedList,
) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        code_of(&unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let ((_, name), vars) = unsafe {
                (
                    data_set_arg(dataSetReference)?,
                    member_args(dataSetElements)?,
                )
            };
            conn.service(define_request(&name, &vars), dataset::parse_define)
        }))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// Asynchronous `createDataSet`.
///
/// # Safety
/// As for `IedConnection_createDataSet`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_createDataSetAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    dataSetElements: LinkedList,
    handler: IedConnection_GenericServiceHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let ((_, name), vars) = (
                data_set_arg(dataSetReference)?,
                member_args(dataSetElements)?,
            );
            conn.service_async(
                define_request(&name, &vars),
                dataset::parse_define,
                generic_reply(function, parameter),
            )
        })
    }
}

/// Deletes a data set; true when it was deleted.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataSetReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_deleteDataSet(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
) -> bool {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        code_of(&unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let (_, name) = unsafe { data_set_arg(dataSetReference) }?;
            conn.service(delete_request(name), dataset::parse_delete)
        }))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    code == IED_ERROR_OK
}

/// Asynchronous `deleteDataSet` (the handler's error is OK when it was deleted).
///
/// # Safety
/// As for `IedConnection_deleteDataSet`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_deleteDataSetAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    handler: IedConnection_GenericServiceHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let (_, name) = data_set_arg(dataSetReference)?;
            conn.service_async(
                delete_request(name),
                dataset::parse_delete,
                generic_reply(function, parameter),
            )
        })
    }
}

/// Member references of a data set (`LD/LN.DO[.DA][FC]`); `isDeletable` (when not NULL)
/// is set on success only.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataSetReference` is NULL or
/// a C string; `isDeletable` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getDataSetDirectory(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    isDeletable: *mut bool,
) -> LinkedList {
    let (code, list) = guard((IED_ERROR_UNKNOWN, std::ptr::null_mut()), || {
        // SAFETY: caller's contract.
        let result = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let (_, name) = unsafe { data_set_arg(dataSetReference) }?;
            conn.service(directory_request(&name), dataset::parse_directory)
        });
        c_result(result, |(members, deletable)| {
            if !isDeletable.is_null() {
                // SAFETY: writable by the caller's contract.
                unsafe { *isDeletable = deletable };
            }
            string_list(&members)
        })
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    list
}

/// Asynchronous `getDataSetDirectory`: the handler owns the member list.
///
/// # Safety
/// As for `IedConnection_getDataSetDirectory`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getDataSetDirectoryAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    handler: IedConnection_GetDataSetDirectoryHandler,
    parameter: *mut c_void,
) -> u32 {
    let parameter = parameter as usize;
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let (_, name) = data_set_arg(dataSetReference)?;
            conn.service_async(
                directory_request(&name),
                dataset::parse_directory,
                move |id, result| {
                    let (code, list, deletable) = match result {
                        Ok((members, deletable)) => {
                            (IED_ERROR_OK, string_list(&members), deletable)
                        }
                        Err(e) => (e as IedClientError, std::ptr::null_mut(), false),
                    };
                    // SAFETY: the application keeps the handler valid until it ran.
                    function(id, parameter as *mut c_void, code, list, deletable)
                },
            )
        })
    }
}

/// The values of a C list of `MmsValue*` (all must be non-NULL).
///
/// # Safety
/// `values` is NULL or a live list of live `MmsValue`s that outlive `'a`.
unsafe fn value_args<'a>(values: LinkedList) -> Result<Vec<&'a MmsValue>, ClientError> {
    // SAFETY: caller's contract.
    unsafe { items(values) }
        .into_iter()
        // SAFETY: the list holds MmsValue pointers by the caller's contract.
        .map(|p| unsafe { (p as *const MmsValue).as_ref() }.ok_or(ClientError::InvalidArgument))
        .collect()
}

/// A C list of new DataAccessError values, one per member (-1 = success).
fn access_result_list(codes: Vec<i32>) -> LinkedList {
    pointer_list(
        codes
            .into_iter()
            .map(|c| new_value(MmsValue::DataAccessError(c)).cast())
            .collect(),
    )
}

/// Writes the values of a data set (one per member, in order); `accessResults` (when not
/// NULL) receives one DATA_ACCESS_ERROR value per member (-1 = success), or NULL on error.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataSetReference` is NULL or
/// a C string; `values` is NULL or a list of live `MmsValue`s; `accessResults` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeDataSetValues(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    values: LinkedList,
    accessResults: *mut LinkedList,
) {
    let (code, list) = guard((IED_ERROR_UNKNOWN, std::ptr::null_mut()), || {
        // SAFETY: caller's contract.
        let result = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let ((_, name), values) =
                unsafe { (data_set_arg(dataSetReference)?, value_args(values)?) };
            conn.service(write_request(&name, &values), dataset::parse_write)
        });
        c_result(result, access_result_list)
    });
    if accessResults.is_null() {
        // SAFETY: the list was made here and nobody else has it.
        unsafe { free_access_results(list) };
    } else {
        // SAFETY: writable by the caller's contract.
        unsafe { *accessResults = list };
    }
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// Frees a list made by `access_result_list`.
///
/// # Safety
/// `list` is NULL or a list of boxed `MmsValue`s that nothing else uses.
unsafe fn free_access_results(list: LinkedList) {
    // SAFETY: caller's contract; the elements are boxed MmsValues.
    unsafe {
        for p in items(list) {
            drop(Box::from_raw(p as *mut MmsValue));
        }
        LinkedList_destroyStatic(list);
    }
}

/// Asynchronous `writeDataSetValues`: the handler owns the access result list.
///
/// # Safety
/// As for `IedConnection_writeDataSetValues`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeDataSetValuesAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    dataSetReference: *const c_char,
    values: LinkedList,
    handler: IedConnection_WriteDataSetHandler,
    parameter: *mut c_void,
) -> u32 {
    let parameter = parameter as usize;
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let ((_, name), values) = (data_set_arg(dataSetReference)?, value_args(values)?);
            conn.service_async(
                write_request(&name, &values),
                dataset::parse_write,
                move |id, result| {
                    let (code, list) = c_result(result, access_result_list);
                    // SAFETY: the application keeps the handler valid until it ran.
                    function(id, parameter as *mut c_void, code, list)
                },
            )
        })
    }
}

/// Frees a `ClientDataSet` and its values; NULL is ignored.
///
/// # Safety
/// `self_` is NULL or a live `ClientDataSet` not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ClientDataSet_destroy(self_: ClientDataSet) {
    guard((), || {
        if !self_.is_null() {
            // SAFETY: a live data set from this library, released once.
            drop(unsafe { Box::from_raw(self_) });
        }
    })
}

/// The data set's values (an MMS array owned by the data set); NULL for NULL.
///
/// # Safety
/// `self_` is NULL or a live `ClientDataSet`.
#[no_mangle]
pub unsafe extern "C" fn ClientDataSet_getValues(self_: ClientDataSet) -> *mut MmsValue {
    guard(std::ptr::null_mut(), || {
        // SAFETY: caller's contract.
        unsafe { self_.as_mut() }
            .map_or(std::ptr::null_mut(), |ds| &mut *ds.values as *mut MmsValue)
    })
}

/// The data set's reference (`LD/LN$name`, `@name`), owned by the data set; NULL for NULL.
///
/// # Safety
/// `self_` is NULL or a live `ClientDataSet`.
#[no_mangle]
pub unsafe extern "C" fn ClientDataSet_getReference(self_: ClientDataSet) -> *mut c_char {
    guard(std::ptr::null_mut(), || {
        // SAFETY: caller's contract.
        unsafe { self_.as_ref() }.map_or(std::ptr::null_mut(), |ds| {
            ds.reference.as_ptr() as *mut c_char
        })
    })
}

/// Number of members of the data set (0 for NULL).
///
/// # Safety
/// `self_` is NULL or a live `ClientDataSet`.
#[no_mangle]
pub unsafe extern "C" fn ClientDataSet_getDataSetSize(self_: ClientDataSet) -> c_int {
    guard(0, || {
        // SAFETY: caller's contract.
        unsafe { self_.as_ref() }.map_or(0, |ds| {
            c_int::try_from(ds.values.elements().len()).unwrap_or(c_int::MAX)
        })
    })
}
