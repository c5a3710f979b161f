//! Controls (IEC 61850-7-2 §20, IEC 61850-8-1 §20): the Oper/SBOw/Cancel structures a client
//! writes, and the LastApplError and CommandTermination InformationReports a server sends back.

use super::object_reference_to_variable;
use crate::mms::access::{VariableAccessSpec, VariableRef};
use crate::mms::information_report::InformationReport;
use crate::mms::object_name::ObjectName;
use crate::mms::type_spec::TypeSpec;
use crate::mms::value::{utc, BitString, OctetString, UTC_TIME_DEFAULT_QUALITY};
use crate::mms::MmsValue;

/// `IEC61850_FC_CF`: ctlModel's functional constraint.
const FC_CF: i32 = 4;
/// `IEC61850_FC_CO`: the control structures' functional constraint.
const FC_CO: i32 = 12;

/// Name of the VMD-specific variable of a LastApplError report (IEC 61850-8-1 §20.2.3).
pub const LAST_APPL_ERROR: &str = "LastApplError";

/// `ControlModel` values (IEC 61850-7-2 ctlModel).
pub mod model {
    /// status-only: not controllable.
    pub const STATUS_ONLY: i32 = 0;
    /// direct-with-normal-security.
    pub const DIRECT_NORMAL: i32 = 1;
    /// sbo-with-normal-security.
    pub const SBO_NORMAL: i32 = 2;
    /// direct-with-enhanced-security.
    pub const DIRECT_ENHANCED: i32 = 3;
    /// sbo-with-enhanced-security.
    pub const SBO_ENHANCED: i32 = 4;
}

/// True for the select-before-operate models.
pub fn is_sbo(ctl_model: i32) -> bool {
    matches!(ctl_model, model::SBO_NORMAL | model::SBO_ENHANCED)
}

/// The parameters of one control service besides ctlVal.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ControlParams {
    /// operTm in ms since 1970 (time-activated operate; 0 when immediate).
    pub oper_time_ms: u64,
    /// origin.orCat.
    pub or_cat: i32,
    /// origin.orIdent.
    pub or_ident: Vec<u8>,
    /// ctlNum.
    pub ctl_num: u8,
    /// T, the 8-octet UTC time of the request.
    pub t: [u8; 8],
    /// Test.
    pub test: bool,
    /// Check bit 1: interlock-check.
    pub interlock_check: bool,
    /// Check bit 0: synchro-check.
    pub synchro_check: bool,
}

/// The UTC time `ms` (since 1970) with the time quality octet `quality`.
pub fn utc_time(ms: u64, quality: u8) -> [u8; 8] {
    let mut t = [0u8; 8];
    utc::set_ms(&mut t, ms);
    t[7] = quality;
    t
}

/// The time quality octet of T (IEC 61850-8-1 TimeQuality: three flags, 5-bit precision).
pub fn time_quality(
    leap_second_known: bool,
    clock_failure: bool,
    clock_not_synchronized: bool,
    subsecond_precision: i32,
) -> u8 {
    let mut q = (subsecond_precision & 0x1f) as u8;
    if leap_second_known {
        q |= 0x80;
    }
    if clock_failure {
        q |= 0x40;
    }
    if clock_not_synchronized {
        q |= 0x20;
    }
    q
}

/// Builds the value of an Oper, SBOw or Cancel structure from its type description: each
/// component the server declares gets its value, in the server's order. `None` when `spec`
/// is not a structure or holds a component this client cannot fill.
pub fn build_request(spec: &TypeSpec, ctl_val: &MmsValue, p: &ControlParams) -> Option<MmsValue> {
    let TypeSpec::Structure { components, .. } = spec else {
        return None;
    };
    let mut values = Vec::with_capacity(components.len());
    for (name, component) in components {
        let value = match name.as_str() {
            "ctlVal" => ctl_val.clone(),
            "operTm" => {
                // The reference always stamps operTm with the default time quality.
                MmsValue::UtcTime(utc_time(p.oper_time_ms, UTC_TIME_DEFAULT_QUALITY))
            }
            "origin" => MmsValue::structure(vec![
                MmsValue::Integer(i64::from(p.or_cat)),
                MmsValue::OctetString(OctetString {
                    data: p.or_ident.clone().into(),
                    max_size: p.or_ident.len(),
                }),
            ]),
            "ctlNum" => MmsValue::Unsigned(u64::from(p.ctl_num)),
            "T" => MmsValue::UtcTime(p.t),
            "Test" => MmsValue::Boolean(p.test),
            "Check" => {
                let mut check = BitString::new(2);
                check.set(0, p.synchro_check);
                check.set(1, p.interlock_check);
                MmsValue::BitString(check)
            }
            _ => component.default_value()?,
        };
        values.push(value);
    }
    Some(MmsValue::structure(values))
}

/// The type of ctlVal inside a control object's CO structure (`Oper` component).
pub fn ctl_val_spec(co_spec: &TypeSpec) -> Option<&TypeSpec> {
    let (_, oper) = co_spec.component("Oper")?;
    oper.component("ctlVal").map(|(_, spec)| spec)
}

/// A LastApplError as the client API reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ApplError {
    /// ctlNum of the refused or terminated service.
    pub ctl_num: i32,
    /// Error (`ControlLastApplError`).
    pub error: i32,
    /// AddCause (`ControlAddCause`).
    pub add_cause: i32,
}

/// Decodes a LastApplError structure (CntrlObj, Error, Origin, ctlNum, AddCause): the
/// control object's name (`LD/LN$CO$DO$Oper`) and the error.
pub fn parse_last_appl_error(value: &MmsValue) -> Option<(String, ApplError)> {
    let MmsValue::Structure(_) = value else {
        return None;
    };
    let e = value.elements();
    let element = |i: usize| e.get(i).and_then(|v| v.as_deref());
    let object = match element(0)? {
        MmsValue::VisibleString(s) => s.to_string_lossy().into_owned(),
        _ => return None,
    };
    let int = |v: Option<&MmsValue>| match v {
        Some(MmsValue::Integer(i)) => i32::try_from(*i).ok(),
        Some(MmsValue::Unsigned(u)) => i32::try_from(*u).ok(),
        _ => None,
    };
    Some((
        object,
        ApplError {
            error: int(element(1))?,
            ctl_num: int(element(3))?,
            add_cause: int(element(4))?,
        },
    ))
}

/// A control-related InformationReport.
#[derive(Debug, Clone, PartialEq)]
pub enum ControlReport {
    /// A refused service: the control object's name (`LD/LN$CO$DO$Oper`) and the error.
    LastApplError(String, ApplError),
    /// The end of an enhanced-security operate: the Oper variable, and the error when it
    /// failed (CommandTermination−).
    CommandTermination(VariableRef, Option<ApplError>),
}

/// Classifies an InformationReport as a LastApplError or CommandTermination, `None` for others.
pub fn classify_report(report: &InformationReport) -> Option<ControlReport> {
    let VariableAccessSpec::Variables(vars) = &report.spec else {
        return None;
    };
    let is_appl_error = |v: &VariableRef| {
        v.domain_id.is_none() && v.item_id == LAST_APPL_ERROR && v.component.is_none()
    };
    let is_oper = |v: &VariableRef| v.domain_id.is_some() && v.item_id.ends_with("$Oper");
    let value = |i: usize| report.results.get(i).and_then(|r| r.as_ref().ok());
    match vars.as_slice() {
        [only] if is_appl_error(only) => {
            let (object, error) = parse_last_appl_error(value(0)?)?;
            Some(ControlReport::LastApplError(object, error))
        }
        [only] if is_oper(only) => Some(ControlReport::CommandTermination(only.clone(), None)),
        [first, oper] if is_appl_error(first) && is_oper(oper) => {
            let (_, error) = parse_last_appl_error(value(0)?)?;
            Some(ControlReport::CommandTermination(oper.clone(), Some(error)))
        }
        _ => None,
    }
}

/// True when `object` (a LastApplError CntrlObj, `LD/LN$CO$DO$Oper`) names the control object
/// whose CO structure is `domain`/`co_item` (`LN$CO$DO`).
pub fn names_object(object: &str, domain: &str, co_item: &str) -> bool {
    object
        .strip_prefix(domain)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|rest| rest.strip_prefix(co_item))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('$'))
}

/// What creating a control object asks the server for: the `ctlModel` variable (FC CF) and
/// the name of the CO structure (`LD` / `LN$CO$DO`) whose type is needed.
pub fn discovery_names(reference: &str) -> Option<(VariableRef, ObjectName)> {
    let model = object_reference_to_variable(&format!("{reference}.ctlModel"), FC_CF).ok()?;
    let co = object_reference_to_variable(reference, FC_CO).ok()?;
    if co.array_index.is_some() {
        return None;
    }
    Some((model, ObjectName::Domain(co.domain_id?, co.item_id)))
}

/// Parses a ctlVal given as text for the type `spec`: `true`/`false`/`1`/`0`, a number, a
/// bit string as its integer value (BSC: 1 lower, 2 higher), and a one-component
/// structure (APC's AnalogueValue) as its component.
pub fn parse_ctl_val(spec: &TypeSpec, text: &str) -> Option<MmsValue> {
    Some(match spec {
        TypeSpec::Boolean => MmsValue::Boolean(match text {
            "true" | "1" | "on" => true,
            "false" | "0" | "off" => false,
            _ => return None,
        }),
        TypeSpec::Integer(_) => MmsValue::Integer(text.parse().ok()?),
        TypeSpec::Unsigned(_) => MmsValue::Unsigned(text.parse().ok()?),
        TypeSpec::Float {
            format_width: 64, ..
        } => MmsValue::Double(text.parse().ok()?),
        TypeSpec::Float { .. } => MmsValue::Float(text.parse().ok()?),
        TypeSpec::BitString(n) => {
            let size = n.unsigned_abs().min(32);
            let bits: u32 = text.parse().ok()?;
            let mut value = BitString::new(size);
            // Bit 0 is the most significant bit of the integer, as MmsValue_setBitStringFromInteger.
            (0..size).for_each(|i| value.set(i, bits & (1 << (size - 1 - i)) != 0));
            MmsValue::BitString(value)
        }
        TypeSpec::Structure { components, .. } if components.len() == 1 => {
            MmsValue::structure(vec![parse_ctl_val(&components[0].1, text)?])
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::access::AccessResult;
    use crate::mms::data::encode_data;
    use crate::test_util::hex;

    fn spec(names: &[&str]) -> TypeSpec {
        let utc = TypeSpec::UtcTime;
        let component = |n: &str| match n {
            "ctlVal" | "Test" => TypeSpec::Boolean,
            "operTm" | "T" => utc.clone(),
            "origin" => TypeSpec::Structure {
                packed: false,
                components: vec![
                    ("orCat".into(), TypeSpec::Integer(8)),
                    ("orIdent".into(), TypeSpec::OctetString(-64)),
                ],
            },
            "ctlNum" => TypeSpec::Unsigned(8),
            "Check" => TypeSpec::BitString(2),
            _ => TypeSpec::Integer(32),
        };
        TypeSpec::Structure {
            packed: false,
            components: names
                .iter()
                .map(|n| (n.to_string(), component(n)))
                .collect(),
        }
    }

    const OPER: [&str; 7] = ["ctlVal", "operTm", "origin", "ctlNum", "T", "Test", "Check"];

    #[test]
    fn oper_matches_the_reference_encoding() {
        // Captured from the reference client: SPC direct-normal operate(true, 0), ctlNum 1.
        let t = hex("6b0699b28d916800");
        let p = ControlParams {
            ctl_num: 1,
            t: t.clone().try_into().unwrap(),
            ..ControlParams::default()
        };
        let value = build_request(&spec(&OPER), &MmsValue::Boolean(true), &p).unwrap();
        let mut out = Vec::new();
        encode_data(&value, &mut out).unwrap();
        assert_eq!(
            out,
            hex(
                "a2288301019108000000000000000aa205850100890086010191086b0699b28d91680083010084020600"
            )
        );
    }

    #[test]
    fn origin_test_check_and_oper_time() {
        // As captured from the reference (orIdent "fail", orCat 2, ctlNum 3, synchro check),
        // with Test set and operTm 1234567890.123 s as its operate(…, 1234567890123) sends it.
        let p = ControlParams {
            oper_time_ms: 1_234_567_890_123,
            or_cat: 2,
            or_ident: b"fail".to_vec(),
            ctl_num: 3,
            t: hex("6b0699c67e353fe7").try_into().unwrap(),
            test: true,
            interlock_check: false,
            synchro_check: true,
        };
        let value = build_request(&spec(&OPER), &MmsValue::Boolean(true), &p).unwrap();
        let mut out = Vec::new();
        encode_data(&value, &mut out).unwrap();
        assert_eq!(
            out,
            hex(concat!(
                "a22c8301019108499602d21f7ced0aa20985010289046661696c86010391086b0699c67e353fe7",
                "83010184020680"
            ))
        );
    }

    #[test]
    fn cancel_has_no_check_and_non_structures_are_refused() {
        let cancel = spec(&OPER[..6]);
        let value = build_request(
            &cancel,
            &MmsValue::Boolean(false),
            &ControlParams::default(),
        );
        assert_eq!(value.map(|v| v.elements().len()), Some(6));
        assert!(build_request(
            &TypeSpec::Boolean,
            &MmsValue::Boolean(true),
            &ControlParams::default()
        )
        .is_none());
    }

    #[test]
    fn time_quality_octet() {
        assert_eq!(time_quality(true, true, true, 7), 0xe7);
        assert_eq!(time_quality(false, false, false, 10), 0x0a);
        assert_eq!(time_quality(false, true, false, 99), 0x43);
        assert_eq!(
            utc_time(1_234_567_890_123, 0x0a),
            hex("499602d21f7ced0a")[..]
        );
    }

    fn appl_error_value(object: &str, ctl_num: u64, add_cause: i64) -> MmsValue {
        MmsValue::structure(vec![
            MmsValue::visible_string(object.as_bytes()),
            MmsValue::Integer(0),
            MmsValue::structure(vec![
                MmsValue::Integer(3),
                MmsValue::OctetString(OctetString {
                    data: b"x".to_vec().into(),
                    max_size: 1,
                }),
            ]),
            MmsValue::Unsigned(ctl_num),
            MmsValue::Integer(add_cause),
        ])
    }

    fn vmd(name: &str) -> VariableRef {
        VariableRef {
            domain_id: None,
            item_id: name.into(),
            ..VariableRef::default()
        }
    }

    fn oper_var() -> VariableRef {
        VariableRef {
            domain_id: Some("CTLDev".into()),
            item_id: "GSPC1$CO$C4$Oper".into(),
            ..VariableRef::default()
        }
    }

    fn report(vars: Vec<VariableRef>, results: Vec<AccessResult>) -> InformationReport {
        InformationReport {
            spec: VariableAccessSpec::Variables(vars),
            results,
        }
    }

    #[test]
    fn classifies_last_appl_error_and_command_terminations() {
        let err = appl_error_value("CTLDev/GSPC1$CO$C1$Oper", 2, 10);
        let r = report(vec![vmd(LAST_APPL_ERROR)], vec![Ok(err.clone())]);
        let expected = ApplError {
            ctl_num: 2,
            error: 0,
            add_cause: 10,
        };
        assert_eq!(
            classify_report(&r),
            Some(ControlReport::LastApplError(
                "CTLDev/GSPC1$CO$C1$Oper".into(),
                expected
            ))
        );
        let plus = report(vec![oper_var()], vec![Ok(MmsValue::Boolean(true))]);
        assert_eq!(
            classify_report(&plus),
            Some(ControlReport::CommandTermination(oper_var(), None))
        );
        let minus = report(
            vec![vmd(LAST_APPL_ERROR), oper_var()],
            vec![Ok(err), Ok(MmsValue::Boolean(true))],
        );
        assert_eq!(
            classify_report(&minus),
            Some(ControlReport::CommandTermination(
                oper_var(),
                Some(expected)
            ))
        );
        let rpt = InformationReport {
            spec: VariableAccessSpec::ListName(ObjectName::Vmd("RPT".into())),
            results: vec![],
        };
        assert_eq!(classify_report(&rpt), None);
    }

    #[test]
    fn hostile_reports_are_ignored() {
        let r = report(vec![vmd(LAST_APPL_ERROR)], vec![]);
        assert_eq!(classify_report(&r), None);
        let r = report(
            vec![vmd(LAST_APPL_ERROR)],
            vec![Ok(MmsValue::structure(vec![]))],
        );
        assert_eq!(classify_report(&r), None);
        let r = report(vec![vmd(LAST_APPL_ERROR)], vec![Err(3)]);
        assert_eq!(classify_report(&r), None);
        let big = appl_error_value("x", u64::MAX, i64::MAX);
        assert_eq!(parse_last_appl_error(&big), None);
    }

    #[test]
    fn discovery_asks_for_ctl_model_and_the_co_structure() {
        let (model, co) = discovery_names("CTLDev/GSPC1.C1").unwrap();
        assert_eq!(model.domain_id.as_deref(), Some("CTLDev"));
        assert_eq!(model.item_id, "GSPC1$CF$C1$ctlModel");
        assert_eq!(
            co,
            ObjectName::Domain("CTLDev".into(), "GSPC1$CO$C1".into())
        );
        assert_eq!(discovery_names("nonsense"), None);
        assert_eq!(discovery_names("LD/LN.DO(1)"), None);
    }

    #[test]
    fn ctl_val_text() {
        assert_eq!(
            parse_ctl_val(&TypeSpec::Boolean, "on"),
            Some(MmsValue::Boolean(true))
        );
        assert_eq!(parse_ctl_val(&TypeSpec::Boolean, "maybe"), None);
        assert_eq!(
            parse_ctl_val(&TypeSpec::Integer(8), "-3"),
            Some(MmsValue::Integer(-3))
        );
        let float = TypeSpec::Float {
            format_width: 32,
            exponent_width: 8,
        };
        let apc = TypeSpec::Structure {
            packed: false,
            components: vec![("f".into(), float)],
        };
        assert_eq!(
            parse_ctl_val(&apc, "1.5"),
            Some(MmsValue::structure(vec![MmsValue::Float(1.5)]))
        );
        let Some(MmsValue::BitString(bits)) = parse_ctl_val(&TypeSpec::BitString(2), "2") else {
            panic!("not a bit string");
        };
        assert!(bits.get(0) && !bits.get(1));
        assert_eq!(parse_ctl_val(&TypeSpec::UtcTime, "1"), None);
    }

    #[test]
    fn object_names() {
        assert!(names_object(
            "CTLDev/GSPC1$CO$C1$Oper",
            "CTLDev",
            "GSPC1$CO$C1"
        ));
        assert!(!names_object(
            "CTLDev/GSPC1$CO$C10$Oper",
            "CTLDev",
            "GSPC1$CO$C1"
        ));
        assert!(!names_object(
            "CTLDev2/GSPC1$CO$C1$Oper",
            "CTLDev",
            "GSPC1$CO$C1"
        ));
        assert!(is_sbo(model::SBO_NORMAL) && is_sbo(model::SBO_ENHANCED));
        assert!(!is_sbo(model::DIRECT_ENHANCED));
    }
}
