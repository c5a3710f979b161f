//! Model discovery of `iec61850_client.h`: server, logical device, logical node and data directories.

use super::*;
use crate::iec61850::directory::DeviceModel;

/// Converts the names of a directory query to a C list; errors go to `error`.
///
/// # Safety
/// `error` is NULL or writable.
unsafe fn names_to_c(
    error: *mut IedClientError,
    query: impl FnOnce() -> Result<Vec<String>, ClientError>,
) -> LinkedList {
    let (code, list) = guard((IED_ERROR_UNKNOWN, std::ptr::null_mut()), || {
        c_result(query(), |names| string_list(&names))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    list
}

/// Runs a directory query that asks the server on a connected connection.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
unsafe fn directory(
    self_: IedConnection,
    error: *mut IedClientError,
    query: impl FnOnce(&Connection) -> Result<Vec<String>, ClientError>,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe { names_to_c(error, || connected(self_).and_then(query)) }
}

/// Runs a directory query on the connection's device model, fetched first when there is
/// none; a fetched model answers even while not connected, as on the reference.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
unsafe fn model_directory(
    self_: IedConnection,
    error: *mut IedClientError,
    query: impl FnOnce(&DeviceModel) -> Result<Vec<String>, ClientError>,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        names_to_c(error, || {
            let conn = connection(self_).ok_or(ClientError::ConnectionLost)?;
            query(&*conn.device_model()?)
        })
    }
}

/// Variable names of logical device `ld` in the model; an unknown device is an invalid
/// reference, as on the reference.
fn device_names<'a>(model: &'a DeviceModel, ld: &str) -> Result<&'a [String], ClientError> {
    model
        .variables(ld)
        .ok_or(ClientError::ObjectReferenceInvalid)
}

/// `LD/LN.DO[.DA...]` split into the device, the node and the path below it.
fn split_data_reference(reference: &str) -> Option<(&str, &str, Vec<&str>)> {
    let (ld, rest) = reference.split_once('/')?;
    // The reference accepts MMS-style `$` separators below the node too.
    let mut parts = rest.split(['.', '$']);
    let ln = parts.next()?;
    let path: Vec<&str> = parts.collect();
    (!ld.is_empty() && !ln.is_empty() && !path.is_empty() && path.iter().all(|p| !p.is_empty()))
        .then_some((ld, ln, path))
}

/// Logical devices of the server; with `getFileNames` the files of the whole filestore
/// instead (a list of `FileDirectoryEntry`, as the reference returns).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getServerDirectory(
    self_: IedConnection,
    error: *mut IedClientError,
    getFileNames: bool,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        if getFileNames {
            // The reference then lists the whole filestore as `FileDirectoryEntry`s.
            return files::directory_entries(self_, error, std::ptr::null());
        }
        model_directory(self_, error, |model| Ok(model.devices()))
    }
}

/// Logical nodes of a logical device.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `logicalDeviceName` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalDeviceDirectory(
    self_: IedConnection,
    error: *mut IedClientError,
    logicalDeviceName: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        model_directory(self_, error, |model| {
            let ld = text(logicalDeviceName, ClientError::ObjectReferenceInvalid)?;
            Ok(directory::logical_nodes(device_names(model, ld)?))
        })
    }
}

/// The objects of one ACSI class in a logical node (`LD/LN`).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `logicalNodeReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalNodeDirectory(
    self_: IedConnection,
    error: *mut IedClientError,
    logicalNodeReference: *const c_char,
    acsiClass: ACSIClass,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        let Some((ld, ln)) = text(logicalNodeReference, ClientError::InvalidArgument)
            .ok()
            .and_then(|reference| reference.split_once('/'))
        else {
            return names_to_c(error, || Err(ClientError::InvalidArgument));
        };
        // Data sets and logs come from their own name lists, asked of the server every
        // time; their errors pass through.
        if let ACSI_CLASS_DATA_SET | ACSI_CLASS_LOG = acsiClass {
            let class = if acsiClass == ACSI_CLASS_LOG {
                get_name_list::CLASS_JOURNAL
            } else {
                get_name_list::CLASS_NAMED_VARIABLE_LIST
            };
            return directory(self_, error, |conn| {
                let names = conn.name_list(class, Some(ld))?;
                Ok(directory::logical_node_variables(&names, ln))
            });
        }
        model_directory(self_, error, |model| {
            let names = device_names(model, ld)?;
            let fc = match acsiClass {
                ACSI_CLASS_DATA_OBJECT => return Ok(directory::data_objects(names, ln)),
                ACSI_CLASS_SGCB => return Ok(directory::setting_group_control_blocks(names)),
                ACSI_CLASS_BRCB => "BR",
                ACSI_CLASS_URCB => "RP",
                ACSI_CLASS_LCB => "LG",
                ACSI_CLASS_GoCB => "GO",
                // The reference lists no GSE/SV control blocks (nor unknown classes), but
                // still checks the device.
                _ => return Ok(Vec::new()),
            };
            Ok(directory::control_blocks(names, ln, fc))
        })
    }
}

/// Every MMS variable below a logical node (`LD/LN`), without the `LN$` prefix.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `logicalNodeReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalNodeVariables(
    self_: IedConnection,
    error: *mut IedClientError,
    logicalNodeReference: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        model_directory(self_, error, |model| {
            let reference = text(logicalNodeReference, ClientError::ObjectReferenceInvalid)?;
            let (ld, ln) = reference
                .split_once('/')
                .ok_or(ClientError::ObjectReferenceInvalid)?;
            Ok(directory::logical_node_variables(
                device_names(model, ld)?,
                ln,
            ))
        })
    }
}

/// Every MMS variable name of a logical device.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `ldName` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalDeviceVariables(
    self_: IedConnection,
    error: *mut IedClientError,
    ldName: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        directory(self_, error, |conn| {
            conn.variable_names(text(ldName, ClientError::ObjectReferenceInvalid)?)
        })
    }
}

/// Data set names of a logical device (`LN$name`).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `ldName` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalDeviceDataSets(
    self_: IedConnection,
    error: *mut IedClientError,
    ldName: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        directory(self_, error, |conn| {
            let ld = text(ldName, ClientError::ObjectReferenceInvalid)?;
            conn.name_list(get_name_list::CLASS_NAMED_VARIABLE_LIST, Some(ld))
        })
    }
}

/// Children of a data object or attribute (`LD/LN.DO[.DA]`): `with_fc` appends `[FC]`,
/// `only_fc` keeps one functional constraint.
///
/// # Safety
/// As for `IedConnection_getDataDirectory`.
unsafe fn data_directory(
    self_: IedConnection,
    error: *mut IedClientError,
    dataReference: *const c_char,
    with_fc: bool,
    only_fc: Option<FunctionalConstraint>,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe {
        // An FC without a name fails before the model is fetched, a bad reference after.
        let only_fc = match only_fc.map(|fc| fc_name(fc).ok_or(ClientError::ObjectReferenceInvalid))
        {
            Some(Err(e)) => return names_to_c(error, || Err(e)),
            Some(Ok(name)) => Some(name),
            None => None,
        };
        model_directory(self_, error, |model| {
            let reference = text(dataReference, ClientError::ObjectReferenceInvalid)?;
            let (ld, ln, path) =
                split_data_reference(reference).ok_or(ClientError::ObjectReferenceInvalid)?;
            Ok(directory::data_directory(
                device_names(model, ld)?,
                ln,
                &path,
                with_fc,
                only_fc,
            ))
        })
    }
}

/// Names of the children of a data object or attribute (`LD/LN.DO[.DA]`).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getDataDirectory(
    self_: IedConnection,
    error: *mut IedClientError,
    dataReference: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe { data_directory(self_, error, dataReference, false, None) }
}

/// Names of the children of a data object or attribute, each with its `[FC]`.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getDataDirectoryFC(
    self_: IedConnection,
    error: *mut IedClientError,
    dataReference: *const c_char,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe { data_directory(self_, error, dataReference, true, None) }
}

/// Names of the children of a data object or attribute with functional constraint `fc`.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getDataDirectoryByFC(
    self_: IedConnection,
    error: *mut IedClientError,
    dataReference: *const c_char,
    fc: FunctionalConstraint,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe { data_directory(self_, error, dataReference, false, Some(fc)) }
}

/// Logical devices of the server (as `getServerDirectory` without file names).
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalDeviceList(
    self_: IedConnection,
    error: *mut IedClientError,
) -> LinkedList {
    // SAFETY: caller's contract.
    unsafe { model_directory(self_, error, |model| Ok(model.devices())) }
}

/// Fetches the names of every logical device and variable (again, as the reference does);
/// the directory services then answer from that copy.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getDeviceModelFromServer(
    self_: IedConnection,
    error: *mut IedClientError,
) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        code_of(&unsafe { connected(self_) }.and_then(|conn| conn.load_model().map(drop)))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// One GetNameList page for a C `GetNameListHandler`: names are appended to `result` (or to a
/// new list when it is NULL), which the handler receives with the more-follows flag.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `continueAfter` is NULL or a
/// C string; `result` is NULL or a live list left to the handler.
unsafe fn name_list_async(
    self_: IedConnection,
    error: *mut IedClientError,
    (object_class, device): (u8, Option<*const c_char>),
    continueAfter: *const c_char,
    result: LinkedList,
    handler: IedConnection_GetNameListHandler,
    parameter: *mut c_void,
) -> u32 {
    let (parameter, result) = (parameter as usize, result as usize);
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            // `None`: the VMD scope; a device argument that is NULL is an invalid reference.
            let domain = match device {
                Some(name) => Some(text(name, ClientError::ObjectReferenceInvalid)?),
                None => None,
            };
            let continue_after = match c_str(continueAfter) {
                Some(text) => Some(
                    text.to_str()
                        .map_err(|_| ClientError::InvalidArgument)?
                        .to_owned(),
                ),
                None => None,
            };
            let request = NameListRequest {
                object_class,
                domain: domain.map(str::to_owned),
                continue_after,
            };
            conn.name_list_page_async(&request, move |id, page| {
                let (code, list, more) = match page {
                    Ok((names, more)) => {
                        let list = match result as LinkedList {
                            list if list.is_null() => string_list(&names),
                            list => {
                                append_strings(list, &names);
                                list
                            }
                        };
                        (IED_ERROR_OK, list, more)
                    }
                    Err(e) => (e as IedClientError, std::ptr::null_mut(), false),
                };
                // SAFETY: the application keeps the handler valid until it ran.
                function(id, parameter as *mut c_void, code, list, more)
            })
        })
    }
}

/// One page of the logical device names, asynchronously.
///
/// # Safety
/// As for `name_list_async`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getServerDirectoryAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    continueAfter: *const c_char,
    result: LinkedList,
    handler: IedConnection_GetNameListHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe {
        name_list_async(
            self_,
            error,
            (get_name_list::CLASS_DOMAIN, None),
            continueAfter,
            result,
            handler,
            parameter,
        )
    }
}

/// One page of a logical device's variable names, asynchronously.
///
/// # Safety
/// As for `name_list_async`; `ldName` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalDeviceVariablesAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    ldName: *const c_char,
    continueAfter: *const c_char,
    result: LinkedList,
    handler: IedConnection_GetNameListHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe {
        name_list_async(
            self_,
            error,
            (get_name_list::CLASS_NAMED_VARIABLE, Some(ldName)),
            continueAfter,
            result,
            handler,
            parameter,
        )
    }
}

/// One page of a logical device's data set names, asynchronously.
///
/// # Safety
/// As for `name_list_async`; `ldName` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLogicalDeviceDataSetsAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    ldName: *const c_char,
    continueAfter: *const c_char,
    result: LinkedList,
    handler: IedConnection_GetNameListHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe {
        name_list_async(
            self_,
            error,
            (get_name_list::CLASS_NAMED_VARIABLE_LIST, Some(ldName)),
            continueAfter,
            result,
            handler,
            parameter,
        )
    }
}
