//! Reading and writing data of `iec61850_client.h`: `readObject`/`writeObject`, the typed reads and writes, variable specifications.

use super::*;

/// Reads `reference` with `fc` on a connection: the shared front half of every read function.
///
/// # Safety
/// As for `IedConnection_readObject`.
unsafe fn read_value(
    self_: IedConnection,
    reference: *const c_char,
    fc: FunctionalConstraint,
) -> Result<MmsValue, ClientError> {
    // SAFETY: caller's contract.
    let conn = unsafe { connected(self_) }?;
    // SAFETY: caller's contract.
    let var = unsafe { variable(reference, fc) }?;
    conn.read(&var)
}

/// Reads a value and converts it with `convert`; a DataAccessError or a wrong type becomes an error.
///
/// # Safety
/// As for `IedConnection_readObject`.
unsafe fn read_typed<T>(
    self_: IedConnection,
    error: *mut IedClientError,
    reference: *const c_char,
    fc: FunctionalConstraint,
    fallback: T,
    convert: impl FnOnce(&MmsValue) -> Option<T>,
) -> T {
    let (code, value) = guard((IED_ERROR_UNKNOWN, None), || {
        // SAFETY: caller's contract.
        match unsafe { read_value(self_, reference, fc) } {
            Ok(MmsValue::DataAccessError(dae)) => (
                ClientError::from_data_access_error(dae) as IedClientError,
                None,
            ),
            Ok(value) => match convert(&value) {
                Some(v) => (IED_ERROR_OK, Some(v)),
                None => (IED_ERROR_UNEXPECTED_VALUE_RECEIVED, None),
            },
            Err(e) => (e as IedClientError, None),
        }
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    value.unwrap_or(fallback)
}

/// Writes `value` to `reference` with `fc`; the shared body of every write function.
///
/// # Safety
/// As for `IedConnection_writeObject`.
unsafe fn write_value(
    self_: IedConnection,
    error: *mut IedClientError,
    reference: *const c_char,
    fc: FunctionalConstraint,
    value: &MmsValue,
) {
    let code = guard(IED_ERROR_UNKNOWN, || {
        // SAFETY: caller's contract.
        let result = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let var = unsafe { variable(reference, fc) }?;
            conn.write(&var, value)
        });
        code_of(&result)
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
}

/// Reads a functionally constrained data (attribute); the caller frees the result with `MmsValue_delete`.
/// A DataAccessError from the server comes back as a value of type MMS_DATA_ACCESS_ERROR.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataAttributeReference` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readObject(
    self_: IedConnection,
    error: *mut IedClientError,
    dataAttributeReference: *const c_char,
    fc: FunctionalConstraint,
) -> *mut MmsValue {
    let (code, value) = guard((IED_ERROR_UNKNOWN, std::ptr::null_mut()), || {
        // SAFETY: caller's contract.
        c_result(
            unsafe { read_value(self_, dataAttributeReference, fc) },
            new_value,
        )
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    value
}

/// Writes a functionally constrained data (attribute); the value stays the caller's.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataAttributeReference` is NULL or a
/// C string; `value` is NULL or a live `MmsValue`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeObject(
    self_: IedConnection,
    error: *mut IedClientError,
    dataAttributeReference: *const c_char,
    fc: FunctionalConstraint,
    value: *mut MmsValue,
) {
    // SAFETY: caller's contract.
    match unsafe { value.as_ref() } {
        // SAFETY: caller's contract.
        Some(value) => unsafe { write_value(self_, error, dataAttributeReference, fc, value) },
        // SAFETY: caller's contract.
        None => unsafe { set_error(error, IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT) },
    }
}

/// Reads a boolean attribute.
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readBooleanValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> bool {
    // SAFETY: caller's contract.
    unsafe {
        read_typed(self_, error, objectReference, fc, false, |v| match v {
            MmsValue::Boolean(b) => Some(*b),
            _ => None,
        })
    }
}

/// Reads a floating-point attribute as float.
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readFloatValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> f32 {
    // SAFETY: caller's contract.
    unsafe {
        read_typed(self_, error, objectReference, fc, 0.0, |v| match v {
            MmsValue::Float(f) => Some(*f),
            MmsValue::Double(d) => Some(*d as f32),
            _ => None,
        })
    }
}

/// Reads a visible or MMS string attribute; the caller frees the result with `free()`.
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readStringValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> *mut c_char {
    // SAFETY: caller's contract.
    unsafe {
        read_typed(
            self_,
            error,
            objectReference,
            fc,
            std::ptr::null_mut(),
            |v| match v {
                MmsValue::VisibleString(s) | MmsValue::MmsString(s) => {
                    Some(malloc_c_string(s.to_bytes()))
                }
                _ => None,
            },
        )
    }
}

/// Reads an integer or unsigned attribute as int32 (wrapping as a C cast would).
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readInt32Value(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> i32 {
    // SAFETY: caller's contract.
    unsafe {
        read_typed(self_, error, objectReference, fc, 0, |v| {
            integer_of(v).map(|i| i as i32)
        })
    }
}

/// Reads an integer or unsigned attribute as int64.
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readInt64Value(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> i64 {
    // SAFETY: caller's contract.
    unsafe { read_typed(self_, error, objectReference, fc, 0, integer_of) }
}

/// Reads an integer or unsigned attribute as uint32.
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readUnsigned32Value(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> u32 {
    // SAFETY: caller's contract.
    unsafe {
        read_typed(self_, error, objectReference, fc, 0, |v| {
            integer_of(v).map(|i| i as u32)
        })
    }
}

/// The value of an integer or unsigned MMS value.
fn integer_of(value: &MmsValue) -> Option<i64> {
    match value {
        MmsValue::Integer(i) => Some(*i),
        MmsValue::Unsigned(u) => Some(*u as i64),
        _ => None,
    }
}

/// Reads a UTC time attribute into `timeStamp`, or into a new `malloc`ed Timestamp when it is NULL.
///
/// # Safety
/// As for `IedConnection_readObject`; `timeStamp` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readTimestampValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    timeStamp: *mut Timestamp,
) -> *mut Timestamp {
    // SAFETY: caller's contract.
    let bytes = unsafe {
        read_typed(self_, error, objectReference, fc, None, |v| match v {
            MmsValue::UtcTime(b) => Some(Some(*b)),
            _ => None,
        })
    };
    let Some(bytes) = bytes else {
        // As the reference: a caller's Timestamp comes back (untouched) even on failure.
        return timeStamp;
    };
    let target = if timeStamp.is_null() {
        // SAFETY: allocation of one Timestamp, released by the caller with free().
        unsafe { libc::malloc(std::mem::size_of::<Timestamp>()) as *mut Timestamp }
    } else {
        timeStamp
    };
    if !target.is_null() {
        // SAFETY: `target` is writable (caller's or freshly allocated).
        unsafe { target.write(Timestamp { val: bytes }) };
    }
    target
}

/// Bits of an IEC 61850 quality (validity 2, detail quality 8, source, test, operatorBlocked).
const QUALITY_BITS: u32 = 13;

/// Reads a quality attribute (bit string) as `Quality` bits (bit n of the string is 1 << n).
///
/// # Safety
/// As for `IedConnection_readObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readQualityValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
) -> Quality {
    // SAFETY: caller's contract.
    unsafe {
        read_typed(self_, error, objectReference, fc, 0, |v| match v {
            // A quality is 13 bits: any other bit string is not one (as the reference).
            MmsValue::BitString(bits) if bits.size == QUALITY_BITS => Some(
                (0..bits.size)
                    .filter(|&i| bits.get(i))
                    .fold(0, |q, i| q | 1 << i),
            ),
            _ => None,
        })
    }
}

/// Writes a boolean attribute.
///
/// # Safety
/// As for `IedConnection_writeObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeBooleanValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: bool,
) {
    // SAFETY: caller's contract.
    unsafe { write_value(self_, error, objectReference, fc, &MmsValue::Boolean(value)) }
}

/// Writes an int32 attribute.
///
/// # Safety
/// As for `IedConnection_writeObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeInt32Value(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: i32,
) {
    // SAFETY: caller's contract.
    unsafe {
        write_value(
            self_,
            error,
            objectReference,
            fc,
            &MmsValue::Integer(value.into()),
        )
    }
}

/// Writes an unsigned32 attribute.
///
/// # Safety
/// As for `IedConnection_writeObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeUnsigned32Value(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: u32,
) {
    // SAFETY: caller's contract.
    unsafe {
        write_value(
            self_,
            error,
            objectReference,
            fc,
            &MmsValue::Unsigned(value.into()),
        )
    }
}

/// Writes a float attribute.
///
/// # Safety
/// As for `IedConnection_writeObject`.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeFloatValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: f32,
) {
    // SAFETY: caller's contract.
    unsafe { write_value(self_, error, objectReference, fc, &MmsValue::Float(value)) }
}

/// Writes a visible-string attribute.
///
/// # Safety
/// As for `IedConnection_writeObject`; `value` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeVisibleStringValue(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: *mut c_char,
) {
    // SAFETY: caller's contract.
    match unsafe { c_str(value) } {
        // SAFETY: caller's contract.
        Some(text) => unsafe {
            write_value(
                self_,
                error,
                objectReference,
                fc,
                &MmsValue::visible_string(text.to_bytes()),
            )
        },
        // SAFETY: caller's contract.
        None => unsafe { set_error(error, IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT) },
    }
}

/// Reads a functionally constrained data (attribute) asynchronously; `handler` receives the
/// value (the handler owns it and frees it with `MmsValue_delete`). Returns the invoke ID.
///
/// # Safety
/// As for `IedConnection_readObject`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_readObjectAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    objRef: *const c_char,
    fc: FunctionalConstraint,
    handler: IedConnection_ReadObjectHandler,
    parameter: *mut c_void,
) -> u32 {
    let parameter = parameter as usize;
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let var = variable(objRef, fc)?;
            conn.read_async(&var, move |id, result| {
                let (code, value) = c_result(result, new_value);
                // SAFETY: the application keeps the handler valid until it ran.
                function(id, parameter as *mut c_void, code, value)
            })
        })
    }
}

/// Writes a functionally constrained data (attribute) asynchronously; the value stays the
/// caller's. Returns the invoke ID.
///
/// # Safety
/// As for `IedConnection_writeObject`; `handler` stays callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeObjectAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: *mut MmsValue,
    handler: IedConnection_GenericServiceHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    let Some(value) = (unsafe { value.as_ref() }) else {
        // SAFETY: caller's contract.
        unsafe { set_error(error, IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT) };
        return 0;
    };
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let var = variable(objectReference, fc)?;
            conn.write_async(&var, value, generic_reply(function, parameter))
        })
    }
}

/// Writes an octet-string attribute from `valueLength` bytes at `value`.
///
/// # Safety
/// As for `IedConnection_writeObject`; `value` is NULL or points to `valueLength` bytes.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_writeOctetString(
    self_: IedConnection,
    error: *mut IedClientError,
    objectReference: *const c_char,
    fc: FunctionalConstraint,
    value: *mut u8,
    valueLength: c_int,
) {
    let bytes = match usize::try_from(valueLength) {
        Ok(0) => Some(Vec::new()),
        // SAFETY: caller's contract: `value` points to `valueLength` bytes.
        Ok(n) if !value.is_null() => Some(unsafe { std::slice::from_raw_parts(value, n) }.to_vec()),
        _ => None,
    };
    let Some(data) = bytes else {
        // SAFETY: caller's contract.
        return unsafe { set_error(error, IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT) };
    };
    let max_size = data.len();
    let octets = MmsValue::OctetString(crate::mms::value::OctetString {
        data: data.into(),
        max_size,
    });
    // SAFETY: caller's contract.
    unsafe { write_value(self_, error, objectReference, fc, &octets) }
}

/// The MMS variable of an FCD/FCDA reference for GetVariableAccessAttributes.
///
/// # Safety
/// `reference` is NULL or a C string.
unsafe fn specification_arg(
    reference: *const c_char,
    fc: FunctionalConstraint,
) -> Result<ObjectName, ClientError> {
    // SAFETY: caller's contract.
    let reference = unsafe { c_str(reference) }.ok_or(ClientError::InvalidArgument)?;
    let reference = reference
        .to_str()
        .map_err(|_| ClientError::ObjectReferenceInvalid)?;
    let (domain, item) =
        specification_name(reference, fc).map_err(|_| ClientError::ObjectReferenceInvalid)?;
    Ok(ObjectName::Domain(domain, item))
}

/// The type of a GetVariableAccessAttributes response.
fn parse_specification(response: ConfirmedServiceResponse) -> Result<TypeSpec, ClientError> {
    match response {
        ConfirmedServiceResponse::GetVariableAccessAttributes(attributes) => {
            Ok(attributes.type_spec)
        }
        _ => Err(ClientError::MalformedMessage),
    }
}

/// The type description of a data attribute or object; the caller frees it with
/// `MmsVariableSpecification_destroy`.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `dataAttributeReference` is
/// NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getVariableSpecification(
    self_: IedConnection,
    error: *mut IedClientError,
    dataAttributeReference: *const c_char,
    fc: FunctionalConstraint,
) -> *mut MmsVariableSpecification {
    let (code, spec) = guard((IED_ERROR_UNKNOWN, std::ptr::null_mut()), || {
        // SAFETY: caller's contract.
        let result = unsafe { connected(self_) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let name = unsafe { specification_arg(dataAttributeReference, fc) }?;
            conn.service(
                |id, buf| {
                    encode_get_variable_access_attributes_request(id, &name, buf);
                    Ok(())
                },
                parse_specification,
            )
        });
        c_result(result, |spec| spec_to_c(&spec, None))
    });
    // SAFETY: caller's contract.
    unsafe { set_error(error, code) };
    spec
}

/// Asynchronous `getVariableSpecification`: the handler owns the specification.
///
/// # Safety
/// As for `IedConnection_getVariableSpecification`; `handler` stays callable with `parameter`
/// until it ran.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getVariableSpecificationAsync(
    self_: IedConnection,
    error: *mut IedClientError,
    dataAttributeReference: *const c_char,
    fc: FunctionalConstraint,
    handler: IedConnection_GetVariableSpecificationHandler,
    parameter: *mut c_void,
) -> u32 {
    let parameter = parameter as usize;
    // SAFETY: caller's contract.
    unsafe {
        start_async(self_, error, handler, |conn, function| {
            let name = specification_arg(dataAttributeReference, fc)?;
            conn.service_async(
                |id, buf| {
                    encode_get_variable_access_attributes_request(id, &name, buf);
                    Ok(())
                },
                parse_specification,
                move |id, result| {
                    let (code, spec) = c_result(result, |spec| spec_to_c(&spec, None));
                    // SAFETY: the application keeps the handler valid until it ran.
                    function(id, parameter as *mut c_void, code, spec)
                },
            )
        })
    }
}
