//! Data sets (IEC 61850-8-1 named variable lists): references ⇄ MMS names and the
//! results of the list services, as the reference client reports them.

use super::{fc_from_name, object_reference_to_variable, ClientError};
use crate::mms::access::VariableRef;
use crate::mms::object_name::ObjectName;
use crate::mms::pdu::ConfirmedServiceResponse;
use crate::mms::MmsValue;

/// The MMS name of a data set reference: `@name` is association-specific, `LD/LN.name`
/// (or `LD/LN$name`) domain-specific with item `LN$name`, anything else VMD-specific.
pub fn data_set_name(reference: &str) -> ObjectName {
    if let Some(name) = reference.strip_prefix('@') {
        return ObjectName::Aa(name.to_owned());
    }
    match reference.split_once('/') {
        Some((ld, item)) => ObjectName::Domain(ld.to_owned(), item.replace('.', "$")),
        None => ObjectName::Vmd(reference.to_owned()),
    }
}

/// The reference a `ClientDataSet` keeps: `$` after the logical node, as the reference does.
pub fn stored_reference(reference: &str) -> String {
    match reference.split_once('/') {
        Some((ld, item)) => format!("{ld}/{}", item.replace('.', "$")),
        None => reference.to_owned(),
    }
}

/// A member reference `LD/LN.DO[.DA][FC]` (array elements as `DA(i)`) as an MMS variable.
pub fn member_variable(member: &str) -> Result<VariableRef, ClientError> {
    let (reference, fc) = member
        .strip_suffix(']')
        .and_then(|m| m.rsplit_once('['))
        .ok_or(ClientError::ObjectReferenceInvalid)?;
    let fc = fc_from_name(fc).ok_or(ClientError::ObjectReferenceInvalid)?;
    object_reference_to_variable(reference, fc).map_err(|_| ClientError::ObjectReferenceInvalid)
}

/// An MMS variable of a data set as the member reference `LD/LN.DO[.DA](i).c[FC]`.
pub fn member_reference(var: &VariableRef) -> String {
    let mut parts = var.item_id.split('$');
    let ln = parts.next().unwrap_or("");
    let fc = parts.next().filter(|fc| fc_from_name(fc).is_some());
    let mut out = match &var.domain_id {
        Some(ld) => format!("{ld}/{ln}"),
        None => ln.to_owned(),
    };
    for part in parts {
        out.push('.');
        out.push_str(part);
    }
    if let Some(index) = var.array_index {
        out.push_str(&format!("({index})"));
    }
    if let Some(component) = &var.component {
        out.push('.');
        out.push_str(&component.replace('$', "."));
    }
    if let Some(fc) = fc {
        out.push_str(&format!("[{fc}]"));
    }
    out
}

/// DefineNamedVariableList succeeded.
pub fn parse_define(response: ConfirmedServiceResponse) -> Result<(), ClientError> {
    match response {
        ConfirmedServiceResponse::DefineNamedVariableList => Ok(()),
        _ => Err(ClientError::MalformedMessage),
    }
}

/// DeleteNamedVariableList: deleted, missing (OBJECT_DOES_NOT_EXIST) or refused (ACCESS_DENIED).
pub fn parse_delete(response: ConfirmedServiceResponse) -> Result<(), ClientError> {
    match response {
        ConfirmedServiceResponse::DeleteNamedVariableList { matched: 0, .. } => {
            Err(ClientError::ObjectDoesNotExist)
        }
        ConfirmedServiceResponse::DeleteNamedVariableList { matched, deleted }
            if deleted < matched =>
        {
            Err(ClientError::AccessDenied)
        }
        ConfirmedServiceResponse::DeleteNamedVariableList { .. } => Ok(()),
        _ => Err(ClientError::MalformedMessage),
    }
}

/// GetNamedVariableListAttributes: the member references and whether the list is deletable.
pub fn parse_directory(
    response: ConfirmedServiceResponse,
) -> Result<(Vec<String>, bool), ClientError> {
    match response {
        ConfirmedServiceResponse::GetNamedVariableListAttributes { deletable, vars } => {
            Ok((vars.iter().map(member_reference).collect(), deletable))
        }
        _ => Err(ClientError::MalformedMessage),
    }
}

/// Read of a list: the values as one MMS array, failed members as DataAccessError values.
pub fn parse_read(response: ConfirmedServiceResponse) -> Result<MmsValue, ClientError> {
    match response {
        ConfirmedServiceResponse::Read(results) => Ok(MmsValue::array(
            results
                .into_iter()
                .map(|r| r.unwrap_or_else(MmsValue::DataAccessError))
                .collect(),
        )),
        _ => Err(ClientError::MalformedMessage),
    }
}

/// DataAccessError value the reference reports for a member written successfully.
pub const DATA_ACCESS_ERROR_SUCCESS: i32 = -1;

/// Write of a list: one DataAccessError code per member (`DATA_ACCESS_ERROR_SUCCESS` for success).
pub fn parse_write(response: ConfirmedServiceResponse) -> Result<Vec<i32>, ClientError> {
    match response {
        ConfirmedServiceResponse::Write(results) => Ok(results
            .into_iter()
            .map(|r| r.err().unwrap_or(DATA_ACCESS_ERROR_SUCCESS))
            .collect()),
        _ => Err(ClientError::MalformedMessage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::pdu::{decode_pdu, MmsPdu};
    use crate::test_util::hex;

    /// The reference server's GetNamedVariableListAttributes response for a data set of array
    /// elements and their components (tests/fixtures/arrays.cfg, `ARRDev/LLN0.Harmonics`).
    const ARRAY_MEMBERS: &str = "a182012a020101ac820123800100a182011c3026a01fa11d1a064152524465761a134d48414931244d582448412470687341486172a5038201023030a01fa11d1a064152524465761a134d48414931244d582448412470687341486172a50da00b810103300681046356616c3039a01fa11d1a064152524465761a134d48414931244d582448412470687341486172a516a014810104300fa00d80046356616c300581036d61673040a01fa11d1a064152524465761a134d48414931244d582448412470687341486172a51da01b8101053016a01480046356616c300ca00a80036d616730038101663020a01ea11c1a064152524465761a124d484149312453542442656824737456616c3021a01fa11d1a064152524465761a134d48414931244d582448412470687341486172";

    #[test]
    fn members_with_array_elements_and_components() {
        let Ok(MmsPdu::ConfirmedResponse {
            service: ConfirmedServiceResponse::GetNamedVariableListAttributes { vars, .. },
            ..
        }) = decode_pdu(&hex(ARRAY_MEMBERS), 10)
        else {
            panic!("not a GetNamedVariableListAttributes response");
        };
        let names: Vec<String> = vars.iter().map(member_reference).collect();
        // As the reference client lists them.
        assert_eq!(
            names,
            [
                "ARRDev/MHAI1.HA.phsAHar(2)[MX]",
                "ARRDev/MHAI1.HA.phsAHar(3).cVal[MX]",
                "ARRDev/MHAI1.HA.phsAHar(4).cVal.mag[MX]",
                "ARRDev/MHAI1.HA.phsAHar(5).cVal.mag.f[MX]",
                "ARRDev/MHAI1.Beh.stVal[ST]",
                "ARRDev/MHAI1.HA.phsAHar[MX]",
            ]
        );
    }

    #[test]
    fn data_set_names() {
        assert_eq!(data_set_name("@Priv"), ObjectName::Aa("Priv".into()));
        assert_eq!(
            data_set_name("LD/LLN0.Events"),
            ObjectName::Domain("LD".into(), "LLN0$Events".into())
        );
        assert_eq!(
            data_set_name("LD/LLN0$Events"),
            ObjectName::Domain("LD".into(), "LLN0$Events".into())
        );
        assert_eq!(data_set_name("VmdSet"), ObjectName::Vmd("VmdSet".into()));
        assert_eq!(stored_reference("LD/LLN0.Events"), "LD/LLN0$Events");
        assert_eq!(stored_reference("@Priv"), "@Priv");
    }

    #[test]
    fn members_round_trip() {
        for member in [
            "DIRDev/GGIO1.Ind1.stVal[ST]",
            "DIRDev/GGIO1.Ind2[ST]",
            "DIRDev/GAPC1.Arr.vals(2)[SP]",
            "LD/MHAI1.HA.phsAHar(7).cVal.mag.f[MX]",
        ] {
            let var = member_variable(member).unwrap();
            assert_eq!(member_reference(&var), member);
        }
        let var = member_variable("DIRDev/GGIO1.Ind1.stVal[ST]").unwrap();
        assert_eq!(var.item_id, "GGIO1$ST$Ind1$stVal");
        for bad in [
            "DIRDev/GGIO1.Ind1.stVal",
            "garbage",
            "LD/LN.x[ZZ]",
            "LD/LN.x[ST",
        ] {
            assert_eq!(
                member_variable(bad),
                Err(ClientError::ObjectReferenceInvalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn list_service_results() {
        use ConfirmedServiceResponse as R;
        let delete =
            |matched, deleted| parse_delete(R::DeleteNamedVariableList { matched, deleted });
        assert_eq!(delete(1, 1), Ok(()));
        assert_eq!(delete(0, 0), Err(ClientError::ObjectDoesNotExist));
        assert_eq!(delete(1, 0), Err(ClientError::AccessDenied));
        assert_eq!(parse_write(R::Write(vec![Ok(()), Err(3)])), Ok(vec![-1, 3]));
        let values = parse_read(R::Read(vec![Ok(MmsValue::Boolean(true)), Err(10)])).unwrap();
        assert_eq!(
            values,
            MmsValue::array(vec![MmsValue::Boolean(true), MmsValue::DataAccessError(10)])
        );
        assert_eq!(
            parse_define(R::Write(vec![])),
            Err(ClientError::MalformedMessage)
        );
    }
}
