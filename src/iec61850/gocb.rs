//! GOOSE control blocks (IEC 61850-8-1 GoCB, FC GO) as a client sees them: the MMS
//! variable of a reference (also of sampled value control blocks, FC MS/US), the
//! attributes of a read GoCB and the order of writes.

use super::ClientError;
use crate::mms::access::VariableRef;
use crate::mms::value::Node;
use crate::mms::MmsValue;

/// The attributes of a GoCB in the order of its MMS structure.
pub const READ_ORDER: [&str; 9] = [
    "GoEna",
    "GoID",
    "DatSet",
    "ConfRev",
    "NdsCom",
    "DstAddress",
    "MinTime",
    "MaxTime",
    "FixedOffs",
];

/// The writable attributes with their `GOCB_ELEMENT_*` mask bit, in the order the
/// reference writes them: GoEna last, so a block is configured before it is enabled.
pub const WRITE_ORDER: [(u32, &str); 9] = [
    (2, "GoID"),
    (4, "DatSet"),
    (8, "ConfRev"),
    (16, "NdsCom"),
    (32, "DstAddress"),
    (64, "MinTime"),
    (128, "MaxTime"),
    (256, "FixedOffs"),
    (1, "GoEna"),
];

/// Members of a GoCB structure before MinTime (edition 1 blocks end there).
const MIN_MEMBERS: usize = 6;

/// The MMS variable of a GoCB reference `LD/LN.name`: domain `LD`, item `LN$GO$name`.
pub fn gocb_variable(reference: &str) -> Result<VariableRef, ClientError> {
    block_variable(reference, "GO")
}

/// The MMS variable of a control block reference `LD/LN.name` with functional constraint
/// `fc` (GO, MS, US, ...): domain `LD`, item `LN$fc$name`.
pub fn block_variable(reference: &str, fc: &str) -> Result<VariableRef, ClientError> {
    let (ld, rest) = reference
        .split_once('/')
        .ok_or(ClientError::ObjectReferenceInvalid)?;
    let (ln, name) = rest
        .split_once('.')
        .ok_or(ClientError::ObjectReferenceInvalid)?;
    if ld.is_empty() || ln.is_empty() || name.is_empty() {
        return Err(ClientError::ObjectReferenceInvalid);
    }
    Ok(VariableRef {
        domain_id: Some(ld.to_owned()),
        item_id: format!("{ln}${fc}${}", name.replace('.', "$")),
        ..VariableRef::default()
    })
}

/// The variable of one attribute of a control block.
pub fn element_variable(block: &VariableRef, element: &str) -> VariableRef {
    VariableRef {
        item_id: format!("{}${element}", block.item_id),
        ..block.clone()
    }
}

/// The attribute values of a read GoCB, in [`READ_ORDER`] (missing trailing ones `None`).
/// A failed read is `access_error` of its DataAccessError (the reference's synchronous
/// read reports UNKNOWN, its asynchronous one the usual mapping); another shape is
/// TYPE_INCONSISTENT.
pub fn parse_read(
    value: MmsValue,
    access_error: fn(i32) -> ClientError,
) -> Result<[Option<MmsValue>; 9], ClientError> {
    let members = match value {
        MmsValue::Structure(members) => members,
        MmsValue::DataAccessError(code) => return Err(access_error(code)),
        _ => return Err(ClientError::TypeInconsistent),
    };
    if members.len() < MIN_MEMBERS || members.len() > READ_ORDER.len() {
        return Err(ClientError::TypeInconsistent);
    }
    let mut out: [Option<MmsValue>; 9] = Default::default();
    for (slot, member) in out.iter_mut().zip(members) {
        *slot = member.map(Node::into_value);
    }
    Ok(out)
}

/// The attributes a `parametersMask` selects, in write order.
pub fn write_plan(mask: u32) -> Vec<&'static str> {
    WRITE_ORDER
        .iter()
        .filter(|(bit, _)| mask & bit != 0)
        .map(|(_, name)| *name)
        .collect()
}

/// The outcome of a GoCB write: the first failed result's error.
pub fn write_outcome(results: &[Result<(), i32>]) -> Result<(), ClientError> {
    results.iter().find_map(|r| r.err()).map_or(Ok(()), |code| {
        Err(ClientError::from_write_access_error(code))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_map_to_go_variables() {
        let v = gocb_variable("DIRDev/LLN0.gcbEvents").unwrap();
        assert_eq!(v.domain_id.as_deref(), Some("DIRDev"));
        assert_eq!(v.item_id, "LLN0$GO$gcbEvents");
        assert_eq!(
            element_variable(&v, "GoEna").item_id,
            "LLN0$GO$gcbEvents$GoEna"
        );
        // `.GO.` is taken literally (the reference then finds nothing).
        assert_eq!(
            gocb_variable("D/LLN0.GO.g").unwrap().item_id,
            "LLN0$GO$GO$g"
        );
        assert_eq!(
            block_variable("D/LLN0.msvA", "MS").unwrap().item_id,
            "LLN0$MS$msvA"
        );
        for bad in ["garbage", "/LLN0.g", "D/LLN0", "D/.g", "D/LLN0."] {
            assert_eq!(
                gocb_variable(bad),
                Err(ClientError::ObjectReferenceInvalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn write_plan_puts_go_ena_last() {
        assert_eq!(write_plan(1 | 2), ["GoID", "GoEna"]);
        assert_eq!(write_plan(511).len(), 9);
        assert_eq!(write_plan(511).last(), Some(&"GoEna"));
        assert!(write_plan(0).is_empty());
        assert_eq!(write_outcome(&[Ok(()), Ok(())]), Ok(()));
        assert_eq!(
            write_outcome(&[Err(3), Ok(())]),
            Err(ClientError::AccessDenied)
        );
        assert_eq!(
            write_outcome(&[Ok(()), Err(2), Err(11)]),
            Err(ClientError::TemporarilyUnavailable)
        );
    }

    #[test]
    fn read_values_are_checked() {
        let members: Vec<MmsValue> = (0..9).map(MmsValue::Unsigned).collect();
        let unknown = |_| ClientError::Unknown;
        let parsed = parse_read(MmsValue::structure(members), unknown).unwrap();
        assert_eq!(parsed[8], Some(MmsValue::Unsigned(8)));
        let short: Vec<MmsValue> = (0..6).map(MmsValue::Unsigned).collect();
        assert_eq!(
            parse_read(MmsValue::structure(short), unknown).unwrap()[6],
            None
        );
        assert_eq!(
            parse_read(MmsValue::structure(vec![MmsValue::Boolean(true)]), unknown).err(),
            Some(ClientError::TypeInconsistent)
        );
        assert_eq!(
            parse_read(MmsValue::DataAccessError(10), unknown).err(),
            Some(ClientError::Unknown)
        );
        assert_eq!(
            parse_read(
                MmsValue::DataAccessError(10),
                ClientError::from_data_access_error
            )
            .err(),
            Some(ClientError::ObjectDoesNotExist)
        );
        assert_eq!(
            parse_read(MmsValue::Boolean(true), unknown).err(),
            Some(ClientError::TypeInconsistent)
        );
    }
}
