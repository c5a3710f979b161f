//! MMS InformationReport (ISO 9506-2), both directions: the unconfirmed service a server
//! sends unasked (IEC 61850 reports and command terminations arrive as these).

use crate::ber::{self, Reader};
use crate::mms::access::{
    decode_access_results, decode_access_spec_tlv, write_access_results, write_variable_list,
    AccessResult, VariableAccessSpec,
};
use crate::mms::common::{MmsError, PDU_UNCONFIRMED};
use crate::mms::data::DataError;
use crate::mms::object_name::write_object_name;

/// informationReport [0] in UnconfirmedService.
pub(crate) const SERVICE_INFORMATION_REPORT: u32 = 0xA0;

/// An unconfirmed InformationReport (IEC 61850 reports arrive as these).
#[derive(Debug, Clone, PartialEq)]
pub struct InformationReport {
    /// What was reported (IEC 61850: the list name `RPT`).
    pub spec: VariableAccessSpec,
    /// One result per variable.
    pub results: Vec<AccessResult>,
}

/// Writes an unconfirmed InformationReport; on error `out` is unchanged.
pub fn encode_information_report(
    report: &InformationReport,
    out: &mut Vec<u8>,
) -> Result<(), DataError> {
    let start = out.len();
    let mut result = Ok(());
    ber::write_constructed(out, PDU_UNCONFIRMED, |out| {
        ber::write_constructed(out, SERVICE_INFORMATION_REPORT, |out| {
            match &report.spec {
                VariableAccessSpec::Variables(vars) => write_variable_list(out, vars),
                VariableAccessSpec::ListName(name) => {
                    ber::write_constructed(out, 0xA1, |out| write_object_name(out, name))
                }
            }
            ber::write_constructed(out, 0xA0, |out| {
                result = write_access_results(out, &report.results)
            });
        });
    });
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Decodes an InformationReport body: the access specification and one result per variable.
pub(crate) fn decode(v: &[u8], max_depth: usize) -> Result<InformationReport, MmsError> {
    let mut r = Reader::new(v);
    let spec = decode_access_spec_tlv(&r.read_tlv()?)?;
    let results = decode_access_results(r.expect(0xA0)?, max_depth)?;
    Ok(InformationReport { spec, results })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::object_name::ObjectName;
    use crate::mms::pdu::MmsPdu;
    use crate::mms::testing::{decode, var};
    use crate::mms::value::MmsValue;
    use crate::test_util::hex;

    #[test]
    fn information_report_round_trip() {
        // An IEC 61850 report: list name RPT, an RptID and a failed entry.
        let report = InformationReport {
            spec: VariableAccessSpec::ListName(ObjectName::Vmd("RPT".into())),
            results: vec![Ok(MmsValue::visible_string(b"id")), Err(10)],
        };
        let mut out = Vec::new();
        encode_information_report(&report, &mut out).unwrap();
        let bytes = hex("a3 12 a0 10 a1 05 80 03 525054 a0 07 8a02 6964 80010a");
        assert_eq!(out, bytes);
        assert_eq!(decode(&bytes), MmsPdu::InformationReport(report));
        let listed = InformationReport {
            spec: VariableAccessSpec::Variables(vec![var("LD", "LLN0$ST$Beh$stVal")]),
            results: vec![Ok(MmsValue::Integer(1))],
        };
        out.clear();
        encode_information_report(&listed, &mut out).unwrap();
        assert_eq!(decode(&out), MmsPdu::InformationReport(listed));
        assert_eq!(
            decode(&hex("a3 02 a1 00")),
            MmsPdu::UnconfirmedOther { tag: 0xA1 }
        );
    }
}
