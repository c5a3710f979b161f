//! Variable access: VariableAccessSpecification (a list of variables, each
//! optionally narrowed by alternate access, or the name of a variable list) and AccessResult,
//! shared by Read, Write, InformationReport and the named variable list services.

use crate::ber::{self, Reader, Tlv};
use crate::mms::common::{identifier, read_all, MmsError, TAG_SEQUENCE};
use crate::mms::data::{self, DataError};
use crate::mms::object_name::{decode_object_name_in, write_object_name, ObjectName};
use crate::mms::value::MmsValue;

/// A named variable, optionally narrowed by alternate access to an array element and/or
/// a component (`LD/LN$FC$DO[3]$da` is item `LN$FC$DO`, index 3, component `da`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VariableRef {
    /// Domain (logical device); `None` for a VMD-specific name.
    pub domain_id: Option<String>,
    /// Item name.
    pub item_id: String,
    /// Array element to select.
    pub array_index: Option<u32>,
    /// Component to select (of the element when `array_index` is set).
    pub component: Option<String>,
}

/// VariableAccessSpecification: a list of variables or the name of a variable list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableAccessSpec {
    /// listOfVariable [0].
    Variables(Vec<VariableRef>),
    /// variableListName [1].
    ListName(ObjectName),
}

/// One AccessResult: the value, or a `MmsDataAccessError` code.
pub type AccessResult = Result<MmsValue, i32>;

/// Writes one listOfVariable entry: name [0] and, when narrowed, alternateAccess [5].
///
/// The alternate access forms are those the reference client sends: `selectAccess`
/// component [1] or index [2] alone, and for both `selectAlternateAccess` [0] with the
/// index followed by a nested access to the component.
pub(crate) fn write_variable(out: &mut Vec<u8>, var: &VariableRef) {
    ber::write_constructed(out, TAG_SEQUENCE, |out| {
        ber::write_constructed(out, 0xA0, |out| {
            write_object_name(out, &variable_name(var));
        });
        match (var.array_index, &var.component) {
            (None, None) => {}
            (None, Some(component)) => ber::write_constructed(out, 0xA5, |out| {
                ber::write_tlv(out, 0x81, component.as_bytes());
            }),
            (Some(index), None) => ber::write_constructed(out, 0xA5, |out| {
                ber::write_u64(out, 0x82, u64::from(index));
            }),
            (Some(index), Some(component)) => ber::write_constructed(out, 0xA5, |out| {
                ber::write_constructed(out, 0xA0, |out| {
                    ber::write_u64(out, 0x81, u64::from(index));
                    ber::write_constructed(out, TAG_SEQUENCE, |out| {
                        ber::write_tlv(out, 0x81, component.as_bytes());
                    });
                });
            }),
        }
    });
}

/// The ObjectName of a variable reference.
fn variable_name(var: &VariableRef) -> ObjectName {
    match &var.domain_id {
        Some(domain) => ObjectName::Domain(domain.clone(), var.item_id.clone()),
        None => ObjectName::Vmd(var.item_id.clone()),
    }
}

/// Writes a VariableAccessSpecification listOfVariable [0].
pub(crate) fn write_variable_list(out: &mut Vec<u8>, vars: &[VariableRef]) {
    ber::write_constructed(out, 0xA0, |out| {
        vars.iter().for_each(|v| write_variable(out, v));
    });
}

/// Writes AccessResults: failure [0] with the DataAccessError code, or the Data.
pub(crate) fn write_access_results(
    out: &mut Vec<u8>,
    results: &[AccessResult],
) -> Result<(), DataError> {
    results.iter().try_for_each(|r| match r {
        Ok(value) => data::encode_data(value, out),
        Err(code) => {
            ber::write_i64(out, 0x80, i64::from(*code));
            Ok(())
        }
    })
}

/// Decodes a list of AccessResults.
pub(crate) fn decode_access_results(
    content: &[u8],
    max_depth: usize,
) -> Result<Vec<AccessResult>, MmsError> {
    read_all(content, |tlv| match tlv.tag {
        0x80 => Ok(Err(data_access_error_from_code(ber::decode_i64(
            tlv.value,
        )?))),
        _ => Ok(Ok(data::decode_data_tlv(tlv, max_depth)?)),
    })
}

/// Decodes a VariableAccessSpecification held in `content` (one TLV).
pub(crate) fn decode_access_spec(content: &[u8]) -> Result<VariableAccessSpec, MmsError> {
    let mut r = Reader::new(content);
    let spec = decode_access_spec_tlv(&r.read_tlv()?)?;
    if !r.is_empty() {
        return Err(MmsError::Invalid(
            "trailing bytes after access specification",
        ));
    }
    Ok(spec)
}

/// Decodes a VariableAccessSpecification TLV.
pub(crate) fn decode_access_spec_tlv(tlv: &Tlv) -> Result<VariableAccessSpec, MmsError> {
    match tlv.tag {
        0xA0 => Ok(VariableAccessSpec::Variables(read_all(
            tlv.value,
            decode_variable,
        )?)),
        0xA1 => Ok(VariableAccessSpec::ListName(decode_object_name_in(
            tlv.value,
        )?)),
        _ => Err(MmsError::Invalid("variable access specification")),
    }
}

/// Decodes one listOfVariable entry.
pub(crate) fn decode_variable(tlv: &Tlv) -> Result<VariableRef, MmsError> {
    if tlv.tag != TAG_SEQUENCE {
        return Err(MmsError::Invalid("variable entry"));
    }
    let mut r = Reader::new(tlv.value);
    let mut var = match decode_object_name_in(r.expect(0xA0)?)? {
        ObjectName::Vmd(item_id) => VariableRef {
            item_id,
            ..VariableRef::default()
        },
        ObjectName::Domain(domain, item_id) => VariableRef {
            domain_id: Some(domain),
            item_id,
            ..VariableRef::default()
        },
        ObjectName::Aa(_) => return Err(MmsError::Invalid("aa-specific variable name")),
    };
    if let Some(alt) = r.read_optional(0xA5)? {
        decode_alternate_access(alt, &mut var)?;
    }
    if !r.is_empty() {
        return Err(MmsError::Invalid("trailing bytes in variable entry"));
    }
    Ok(var)
}

/// Alternate accesses nest no deeper than this (a hostile peer cannot recurse further).
const MAX_ALTERNATE_ACCESS_DEPTH: usize = 16;

/// Decodes an alternate access into the element index and component path of `var`: an
/// index may come first, then components (`cVal$mag$f`), each step a single selection,
/// either `selectAccess` (the last step) or `selectAlternateAccess` with the next steps
/// nested (as servers describe data set members such as `phsAHar(4).cVal.mag`).
fn decode_alternate_access(v: &[u8], var: &mut VariableRef) -> Result<(), MmsError> {
    let mut components = Vec::new();
    let mut content = v;
    for _ in 0..MAX_ALTERNATE_ACCESS_DEPTH {
        let mut r = Reader::new(content);
        let sel = r.read_tlv()?;
        if !r.is_empty() {
            return Err(MmsError::Invalid(
                "alternate access with several selections",
            ));
        }
        let (step, nested) = match sel.tag {
            0x81 => (Step::Component(identifier(sel.value)?), None),
            0x82 => (Step::Index(ber::decode_u32(sel.value)?), None),
            0xA0 => {
                let mut r = Reader::new(sel.value);
                let access = r.read_tlv()?;
                let step = match access.tag {
                    0x80 => Step::Component(identifier(access.value)?),
                    0x81 => Step::Index(ber::decode_u32(access.value)?),
                    _ => return Err(MmsError::Invalid("unsupported alternate access")),
                };
                let nested = r.expect(TAG_SEQUENCE)?;
                if !r.is_empty() {
                    return Err(MmsError::Invalid("nested alternate access"));
                }
                (step, Some(nested))
            }
            _ => return Err(MmsError::Invalid("unsupported alternate access")),
        };
        match step {
            // Only the variable itself is indexed: an index after a component is not a
            // data set member IEC 61850 can name.
            Step::Index(i) if components.is_empty() && var.array_index.is_none() => {
                var.array_index = Some(i)
            }
            Step::Index(_) => return Err(MmsError::Invalid("index inside a component")),
            Step::Component(c) => components.push(c),
        }
        match nested {
            Some(next) => content = next,
            None => {
                if !components.is_empty() {
                    var.component = Some(components.join("$"));
                }
                return Ok(());
            }
        }
    }
    Err(MmsError::Invalid("alternate access nested too deep"))
}

/// One step of an alternate access.
enum Step {
    /// An array element.
    Index(u32),
    /// A structure component.
    Component(String),
}

/// Maps a wire DataAccessError (0..=11) to `MmsDataAccessError`; others become UNKNOWN (12).
pub fn data_access_error_from_code(code: i64) -> i32 {
    match code {
        0..=11 => code as i32,
        _ => 12,
    }
}
