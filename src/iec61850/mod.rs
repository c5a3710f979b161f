//! ACSI over MMS (IEC 61850-8-1): functional constraints, object references
//! and their MMS variable names, and the mapping of MMS errors to ACSI errors.

pub mod control;
pub mod dataset;
pub mod directory;
pub mod gocb;
pub mod report;

use crate::mms::access::VariableRef;

/// The two-letter names of the functional constraints, indexed by the `FunctionalConstraint` value.
const FC_NAMES: [&str; 19] = [
    "ST", "MX", "SP", "SV", "CF", "DC", "SG", "SE", "SR", "OR", "BL", "EX", "CO", "US", "MS", "RP",
    "BR", "LG", "GO",
];

/// Name of a functional constraint (`IEC61850_FC_ST` = 0 ...), `None` for values without one.
pub fn fc_name(fc: i32) -> Option<&'static str> {
    usize::try_from(fc)
        .ok()
        .and_then(|i| FC_NAMES.get(i).copied())
}

/// The functional constraint value of a two-letter name (case-sensitive, as in MMS names).
pub fn fc_from_name(name: &str) -> Option<i32> {
    FC_NAMES.iter().position(|n| *n == name).map(|i| i as i32)
}

/// Why an object reference cannot be mapped to an MMS variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// No `/` separating the logical device from the rest.
    #[error("object reference has no logical device part")]
    NoLogicalDevice,
    /// Empty component, bad character or bad array index.
    #[error("malformed object reference")]
    Malformed,
    /// The functional constraint has no MMS name.
    #[error("invalid functional constraint")]
    InvalidFc,
}

/// MMS names are at most 64 characters (ISO 9506 Identifier limit used by IEC 61850-8-1 §8.1.3).
const MAX_MMS_NAME: usize = 64;

/// Maps an FCD/FCDA reference (`LD/LN.DO.DA`, array elements as `DO.da(3)`) and a
/// functional constraint to the MMS domain-specific variable `LD` / `LN$FC$DO$DA`.
///
/// An array index in the last element becomes alternate access (index, then
/// the components after it), as IEC 61850-8-1 requires for array members.
pub fn object_reference_to_variable(
    reference: &str,
    fc: i32,
) -> Result<VariableRef, ReferenceError> {
    let fc = fc_name(fc).ok_or(ReferenceError::InvalidFc)?;
    let (ld, rest) = reference
        .split_once('/')
        .ok_or(ReferenceError::NoLogicalDevice)?;
    if ld.is_empty() || ld.len() > MAX_MMS_NAME || !is_name(ld) {
        return Err(ReferenceError::Malformed);
    }
    let mut parts = rest.split('.');
    let ln = parts
        .next()
        .filter(|p| is_name(p))
        .ok_or(ReferenceError::Malformed)?;
    let mut item = format!("{ln}${fc}");
    let mut array_index = None;
    let mut component: Vec<&str> = Vec::new();
    for part in parts {
        let (name, index) = split_index(part)?;
        if !is_name(name) {
            return Err(ReferenceError::Malformed);
        }
        if array_index.is_some() {
            component.push(name);
            if index.is_some() {
                // Nested arrays inside an array element are not addressable with one alternate access.
                return Err(ReferenceError::Malformed);
            }
            continue;
        }
        item.push('$');
        item.push_str(name);
        array_index = index;
    }
    if item.len() > MAX_MMS_NAME {
        return Err(ReferenceError::Malformed);
    }
    Ok(VariableRef {
        domain_id: Some(ld.to_owned()),
        item_id: item,
        array_index,
        component: if component.is_empty() {
            None
        } else {
            Some(component.join("$"))
        },
    })
}

/// Longest text after the `/` that `specification_name` maps with an FC (observed).
const MAX_SPECIFICATION_REST: usize = 62;

/// The MMS domain and item whose type `getVariableSpecification` asks for, mapped as the
/// reference does: text only, without checking names, so the server judges them. The LN
/// (up to the first `.`) gets `$FC` appended and the other `.` become `$`; FC `-1` (NONE)
/// sends the text after the `/` as it is, cut to 64 bytes.
pub fn specification_name(reference: &str, fc: i32) -> Result<(String, String), ReferenceError> {
    let (ld, rest) = reference
        .split_once('/')
        .ok_or(ReferenceError::NoLogicalDevice)?;
    if ld.len() > MAX_MMS_NAME {
        return Err(ReferenceError::Malformed);
    }
    let item = if fc == -1 {
        let mut end = rest.len().min(MAX_MMS_NAME);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        rest[..end].to_owned()
    } else {
        let fc = fc_name(fc).ok_or(ReferenceError::InvalidFc)?;
        if rest.len() > MAX_SPECIFICATION_REST {
            return Err(ReferenceError::Malformed);
        }
        match rest.split_once('.') {
            Some((ln, below)) => format!("{ln}${fc}${}", below.replace('.', "$")),
            None => format!("{rest}${fc}"),
        }
    };
    Ok((ld.to_owned(), item))
}

/// `name(3)` → (`name`, Some(3)); `name` → (`name`, None).
fn split_index(part: &str) -> Result<(&str, Option<u32>), ReferenceError> {
    match part.split_once('(') {
        None => Ok((part, None)),
        Some((name, tail)) => {
            let digits = tail.strip_suffix(')').ok_or(ReferenceError::Malformed)?;
            let index = digits.parse().map_err(|_| ReferenceError::Malformed)?;
            Ok((name, Some(index)))
        }
    }
}

/// MMS identifier characters (letters, digits, `_`), non-empty.
fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// ACSI client errors; the discriminants are the `IedClientError` values of `iec61850_client.h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[repr(i32)]
pub enum ClientError {
    /// IED_ERROR_NOT_CONNECTED
    #[error("not connected")]
    NotConnected = 1,
    /// IED_ERROR_ALREADY_CONNECTED
    #[error("already connected")]
    AlreadyConnected = 2,
    /// IED_ERROR_CONNECTION_LOST
    #[error("connection lost")]
    ConnectionLost = 3,
    /// IED_ERROR_SERVICE_NOT_SUPPORTED
    #[error("service not supported")]
    ServiceNotSupported = 4,
    /// IED_ERROR_CONNECTION_REJECTED
    #[error("connection rejected")]
    ConnectionRejected = 5,
    /// IED_ERROR_OUTSTANDING_CALL_LIMIT_REACHED
    #[error("outstanding call limit reached")]
    OutstandingCallLimit = 6,
    /// IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT
    #[error("invalid argument")]
    InvalidArgument = 10,
    /// IED_ERROR_OBJECT_REFERENCE_INVALID
    #[error("object reference invalid")]
    ObjectReferenceInvalid = 12,
    /// IED_ERROR_UNEXPECTED_VALUE_RECEIVED
    #[error("unexpected value received")]
    UnexpectedValue = 13,
    /// IED_ERROR_TIMEOUT
    #[error("timeout")]
    Timeout = 20,
    /// IED_ERROR_ACCESS_DENIED
    #[error("access denied")]
    AccessDenied = 21,
    /// IED_ERROR_OBJECT_DOES_NOT_EXIST
    #[error("object does not exist")]
    ObjectDoesNotExist = 22,
    /// IED_ERROR_OBJECT_EXISTS
    #[error("object exists")]
    ObjectExists = 23,
    /// IED_ERROR_OBJECT_ACCESS_UNSUPPORTED
    #[error("object access unsupported")]
    ObjectAccessUnsupported = 24,
    /// IED_ERROR_TYPE_INCONSISTENT
    #[error("type inconsistent")]
    TypeInconsistent = 25,
    /// IED_ERROR_TEMPORARILY_UNAVAILABLE
    #[error("temporarily unavailable")]
    TemporarilyUnavailable = 26,
    /// IED_ERROR_OBJECT_UNDEFINED
    #[error("object undefined")]
    ObjectUndefined = 27,
    /// IED_ERROR_INVALID_ADDRESS
    #[error("invalid address")]
    InvalidAddress = 28,
    /// IED_ERROR_HARDWARE_FAULT
    #[error("hardware fault")]
    HardwareFault = 29,
    /// IED_ERROR_TYPE_UNSUPPORTED
    #[error("type unsupported")]
    TypeUnsupported = 30,
    /// IED_ERROR_OBJECT_ATTRIBUTE_INCONSISTENT
    #[error("object attribute inconsistent")]
    ObjectAttributeInconsistent = 31,
    /// IED_ERROR_OBJECT_VALUE_INVALID
    #[error("object value invalid")]
    ObjectValueInvalid = 32,
    /// IED_ERROR_OBJECT_INVALIDATED
    #[error("object invalidated")]
    ObjectInvalidated = 33,
    /// IED_ERROR_MALFORMED_MESSAGE
    #[error("malformed message")]
    MalformedMessage = 34,
    /// IED_ERROR_OBJECT_CONSTRAINT_CONFLICT
    #[error("object constraint conflict")]
    ObjectConstraintConflict = 35,
    /// IED_ERROR_SERVICE_NOT_IMPLEMENTED
    #[error("service not implemented")]
    ServiceNotImplemented = 98,
    /// IED_ERROR_UNKNOWN
    #[error("unknown error")]
    Unknown = 99,
}

impl ClientError {
    /// The ACSI error for an MMS DataAccessError code (`MmsDataAccessError`) of a read or write result.
    pub fn from_data_access_error(code: i32) -> ClientError {
        match code {
            0 => ClientError::ObjectInvalidated,
            1 => ClientError::HardwareFault,
            2 => ClientError::TemporarilyUnavailable,
            3 => ClientError::AccessDenied,
            4 => ClientError::ObjectUndefined,
            5 => ClientError::InvalidAddress,
            6 => ClientError::TypeUnsupported,
            7 => ClientError::TypeInconsistent,
            8 => ClientError::ObjectAttributeInconsistent,
            9 => ClientError::ObjectAccessUnsupported,
            10 => ClientError::ObjectDoesNotExist,
            11 => ClientError::ObjectValueInvalid,
            _ => ClientError::Unknown,
        }
    }

    /// The ACSI error for the DataAccessError code of a Write result: the reference maps
    /// fewer codes for writes than for reads (observed through a rewriting proxy), and an
    /// out-of-range code as a malformed message.
    pub fn from_write_access_error(code: i32) -> ClientError {
        match code {
            2 | 3 | 4 | 7 | 9 | 10 | 11 => ClientError::from_data_access_error(code),
            0..=12 => ClientError::Unknown,
            _ => ClientError::MalformedMessage,
        }
    }

    /// The ACSI error for an `MmsError` value (`mms_common.h`) of a confirmed-error or reject.
    pub fn from_mms_error(code: i32) -> ClientError {
        match code {
            1 => ClientError::ConnectionRejected,
            2 => ClientError::ConnectionLost,
            3 => ClientError::Timeout,
            4 => ClientError::MalformedMessage,
            5 => ClientError::HardwareFault,
            7 => ClientError::InvalidArgument,
            8 => ClientError::OutstandingCallLimit,
            31 => ClientError::InvalidAddress,
            32 => ClientError::TypeUnsupported,
            33 => ClientError::TypeInconsistent,
            34 => ClientError::ObjectUndefined,
            35 => ClientError::ObjectExists,
            36 => ClientError::ObjectAttributeInconsistent,
            41 => ClientError::TemporarilyUnavailable,
            55 => ClientError::ObjectConstraintConflict,
            81 => ClientError::ObjectDoesNotExist,
            82 => ClientError::ObjectAccessUnsupported,
            83 => ClientError::AccessDenied,
            84 => ClientError::ObjectInvalidated,
            85 => ClientError::ObjectValueInvalid,
            86 => ClientError::TemporarilyUnavailable,
            // file-access-denied, file-non-existent (observed on the reference).
            96 => ClientError::AccessDenied,
            97 => ClientError::ObjectDoesNotExist,
            101..=105 => ClientError::ServiceNotSupported,
            _ => ClientError::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fc_names_round_trip() {
        assert_eq!(fc_name(0), Some("ST"));
        assert_eq!(fc_name(18), Some("GO"));
        assert_eq!(fc_name(99), None);
        assert_eq!(fc_name(-1), None);
        assert_eq!(fc_from_name("CF"), Some(4));
        assert_eq!(fc_from_name("cf"), None);
    }

    #[test]
    fn fcda_maps_to_domain_and_item() {
        let v = object_reference_to_variable("simpleIOGenericIO/GGIO1.AnIn1.mag.f", 1).unwrap();
        assert_eq!(v.domain_id.as_deref(), Some("simpleIOGenericIO"));
        assert_eq!(v.item_id, "GGIO1$MX$AnIn1$mag$f");
        assert_eq!((v.array_index, v.component), (None, None));
        let v = object_reference_to_variable("LD/LLN0", 9).unwrap();
        assert_eq!(v.item_id, "LLN0$OR");
    }

    #[test]
    fn specification_names_are_text_mappings() {
        fn name(reference: &str, fc: i32) -> Result<String, ReferenceError> {
            specification_name(reference, fc).map(|(d, i)| format!("{d}/{i}"))
        }
        assert_eq!(
            name("LD/GGIO1.AnIn1.mag", 1).unwrap(),
            "LD/GGIO1$MX$AnIn1$mag"
        );
        assert_eq!(
            name("LD/GGIO1.SPCSO1$Oper", 12).unwrap(),
            "LD/GGIO1$CO$SPCSO1$Oper"
        );
        assert_eq!(
            name("LD/GGIO1.Arr(1)..x", 2).unwrap(),
            "LD/GGIO1$SP$Arr(1)$$x"
        );
        assert_eq!(name("LD/", 0).unwrap(), "LD/$ST");
        assert_eq!(name("/X", 0).unwrap(), "/X$ST");
        assert_eq!(name("LD/GGIO1.Ind1", -1).unwrap(), "LD/GGIO1.Ind1");
        assert_eq!(
            name(&format!("D/{}", "X".repeat(65)), -1).unwrap().len(),
            66
        );
        assert!(name(&format!("D/{}", "X".repeat(62)), 0).is_ok());
        assert!(name(&format!("D/{}", "X".repeat(63)), 0).is_err());
        assert!(name(&format!("{}/X", "D".repeat(65)), 0).is_err());
        assert!(name("LD/X", 19).is_err());
        assert!(name("garbage", 0).is_err());
    }

    #[test]
    fn array_element_becomes_alternate_access() {
        let v = object_reference_to_variable("LD/MHAI1.HA.phsAHar(7).cVal.mag.f", 1).unwrap();
        assert_eq!(v.item_id, "MHAI1$MX$HA$phsAHar");
        assert_eq!(v.array_index, Some(7));
        assert_eq!(v.component.as_deref(), Some("cVal$mag$f"));
    }

    #[test]
    fn bad_references_are_rejected() {
        use ReferenceError::*;
        assert_eq!(
            object_reference_to_variable("GGIO1.Ind", 0),
            Err(NoLogicalDevice)
        );
        for bad in [
            "/GGIO1.x",
            "LD/",
            "LD/GGIO1..x",
            "LD/GGIO1.a b",
            "LD/X.a(1",
            "LD/X.a(z)",
        ] {
            assert_eq!(
                object_reference_to_variable(bad, 0),
                Err(Malformed),
                "{bad}"
            );
        }
        assert_eq!(
            object_reference_to_variable("LD/GGIO1.Ind", 42),
            Err(InvalidFc)
        );
        let long = format!("LD/GGIO1.{}", "a".repeat(70));
        assert_eq!(object_reference_to_variable(&long, 0), Err(Malformed));
    }

    #[test]
    fn data_access_errors_map_to_acsi_errors() {
        assert_eq!(
            ClientError::from_data_access_error(10),
            ClientError::ObjectDoesNotExist
        );
        assert_eq!(
            ClientError::from_data_access_error(3),
            ClientError::AccessDenied
        );
        assert_eq!(
            ClientError::from_data_access_error(77),
            ClientError::Unknown
        );
        assert_eq!(ClientError::from_mms_error(83), ClientError::AccessDenied);
        let write: Vec<i32> = (0..14)
            .map(|c| ClientError::from_write_access_error(c) as i32)
            .collect();
        assert_eq!(
            write,
            [99, 99, 26, 21, 27, 99, 99, 25, 99, 24, 22, 32, 99, 34]
        );
    }
}
