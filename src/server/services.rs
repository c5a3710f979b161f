//! The MMS services of the server, sans I/O: a decoded confirmed request and the model
//! index in, the response (or a service error) out, answered as the reference server does.

use crate::mms::access::{AccessResult, VariableRef};
use crate::mms::data::DataError;
use crate::mms::get_name_list::{
    self, NameListRequest, CLASS_DOMAIN, CLASS_JOURNAL, CLASS_NAMED_VARIABLE,
    CLASS_NAMED_VARIABLE_LIST,
};
use crate::mms::identify::{self, ServerIdentity};
use crate::mms::object_name::ObjectName;
use crate::mms::pdu::{self, ConfirmedService, ConfirmedServiceResponse};
use crate::mms::read;
use crate::mms::type_spec::tlv_size;
use crate::mms::variable_access_attributes::{
    encode_get_variable_access_attributes_response, VariableAccessAttributes,
};
use crate::mms::write;
use crate::mms::MmsValue;
use std::sync::Arc;

use super::model::{name_order, ModelIndex, Variable};
use super::reporting::{ClientId, Now};
use crate::model::tree::Kind;

/// DataAccessError object-access-denied.
const ACCESS_DENIED: i32 = 3;
/// DataAccessError type-inconsistent.
const TYPE_INCONSISTENT: i32 = 7;
/// DataAccessError object-non-existent.
const NON_EXISTENT: i32 = 10;
/// errorClass access (ISO 9506-2 ServiceError).
const CLASS_ACCESS: u8 = 7;
/// access error object-non-existent.
const ACCESS_NON_EXISTENT: i64 = 2;
/// errorClass service.
const CLASS_SERVICE: u8 = 3;
/// service error other (the service or object class is not offered).
const SERVICE_OTHER: i64 = 0;
/// Octets of a GetNameList response around its identifiers (PDU, invokeID, moreFollows).
const NAME_LIST_OVERHEAD: usize = 32;
use crate::ffi::iec61850_common::{
    IEC61850_FC_BL as FC_BL, IEC61850_FC_CF as FC_CF, IEC61850_FC_DC as FC_DC,
    IEC61850_FC_SP as FC_SP, IEC61850_FC_SV as FC_SV,
};

/// Which functional constraints clients may write: SP and SV by default; CF and DC only
/// when the application allows them; the rest never (observed on the reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WritePolicy(u32);

impl Default for WritePolicy {
    fn default() -> Self {
        WritePolicy((1 << FC_SP) | (1 << FC_SV))
    }
}

impl WritePolicy {
    /// Allows or denies writes of `fc`; false (nothing changed) for an FC whose policy is
    /// fixed (ST, MX, SG, BL, ... are never writable).
    pub fn set(&mut self, fc: i32, allow: bool) -> bool {
        if ![FC_SP, FC_SV, FC_CF, FC_DC].contains(&fc) {
            return false;
        }
        if allow {
            self.0 |= 1 << fc;
        } else {
            self.0 &= !(1 << fc);
        }
        true
    }

    /// Whether clients may write data of `fc`.
    pub fn allows(self, fc: i32) -> bool {
        (0..32).contains(&fc) && self.0 & (1 << fc) != 0
    }
}

/// A confirmed-ErrorPDU's ServiceError.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceError {
    /// errorClass alternative.
    pub class: u8,
    /// The code within that class.
    pub code: i64,
}

/// What the services need beyond the model.
#[derive(Debug, Clone)]
pub struct ServiceContext {
    /// The negotiated maximum PDU size (name lists are paged to fit).
    pub max_pdu: usize,
    /// The Identify answer.
    pub identity: Arc<ServerIdentity>,
    /// The functional constraints clients may write.
    pub write_policy: WritePolicy,
    /// The client asking (reservations and reports of control blocks are per client).
    pub client: ClientId,
}

impl Default for ServiceContext {
    /// The reference server's identity and the default PDU size.
    fn default() -> Self {
        ServiceContext {
            max_pdu: 65000,
            identity: Arc::new(ServerIdentity {
                vendor: "libiec61850.com".into(),
                model: "LIBIEC61850".into(),
                revision: "1.6.1".into(),
            }),
            write_policy: WritePolicy::default(),
            client: 0,
        }
    }
}

/// The error of a missing object.
const NO_OBJECT: ServiceError = ServiceError {
    class: CLASS_ACCESS,
    code: ACCESS_NON_EXISTENT,
};

/// Answers one confirmed service request.
pub fn serve(
    index: &ModelIndex,
    ctx: &ServiceContext,
    request: &ConfirmedService,
) -> Result<ConfirmedServiceResponse, ServiceError> {
    match request {
        ConfirmedService::Identify => Ok(ConfirmedServiceResponse::Identify(
            ServerIdentity::clone(&ctx.identity),
        )),
        ConfirmedService::GetNameList(req) => get_name_list(index, ctx.max_pdu, req),
        ConfirmedService::GetVariableAccessAttributes(name) => {
            let type_spec = resolve_name(index, name).ok_or(NO_OBJECT)?.spec();
            Ok(ConfirmedServiceResponse::GetVariableAccessAttributes(
                VariableAccessAttributes {
                    deletable: false,
                    type_spec,
                },
            ))
        }
        ConfirmedService::Read { vars } => Ok(ConfirmedServiceResponse::Read(
            vars.iter().map(|v| read(index, v)).collect(),
        )),
        ConfirmedService::Write { vars, values } => Ok(ConfirmedServiceResponse::Write(
            vars.iter()
                .zip(values)
                .map(|(var, value)| write(index, ctx, var, value))
                .collect(),
        )),
        _ => Err(ServiceError {
            class: CLASS_SERVICE,
            code: SERVICE_OTHER,
        }),
    }
}

/// GetNameList: one page of names after `continue_after` that fits in `max_pdu`.
fn get_name_list(
    index: &ModelIndex,
    max_pdu: usize,
    req: &NameListRequest,
) -> Result<ConfirmedServiceResponse, ServiceError> {
    let domain = || {
        req.domain
            .as_deref()
            .and_then(|d| index.domain(d))
            .ok_or(NO_OBJECT)
    };
    let names: Vec<&str> = match req.object_class {
        CLASS_DOMAIN => index.domains.iter().map(|d| d.name.as_str()).collect(),
        // VMD-scope variables and lists: the reference has none.
        _ if req.domain.is_none() => Vec::new(),
        CLASS_NAMED_VARIABLE => domain()?.variables.iter().map(String::as_str).collect(),
        CLASS_NAMED_VARIABLE_LIST => domain()?.data_sets.iter().map(String::as_str).collect(),
        CLASS_JOURNAL => domain()?.journals.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    let start = match &req.continue_after {
        Some(after) => names.partition_point(|n| name_order(n, after).is_le()),
        None => 0,
    };
    let mut budget = max_pdu.saturating_sub(NAME_LIST_OVERHEAD);
    let page: Vec<String> = names[start..]
        .iter()
        .take_while(|n| match budget.checked_sub(tlv_size(n.len())) {
            Some(rest) => {
                budget = rest;
                true
            }
            None => false,
        })
        .map(|n| n.to_string())
        .collect();
    Ok(ConfirmedServiceResponse::GetNameList {
        more_follows: start + page.len() < names.len(),
        names: page,
    })
}

/// The variable an ObjectName names (domain-specific names only: the model has no others).
fn resolve_name<'a>(index: &'a ModelIndex, name: &ObjectName) -> Option<Variable<'a>> {
    match name {
        ObjectName::Domain(domain, item) => index.domain(domain)?.variable(item),
        _ => None,
    }
}

/// The variable (narrowed by its alternate access) a VariableRef names.
fn resolve<'a>(index: &'a ModelIndex, var: &VariableRef) -> Option<Variable<'a>> {
    let mut v = index
        .domain(var.domain_id.as_deref()?)?
        .variable(&var.item_id)?;
    if let Some(i) = var.array_index {
        v = v.element(i)?;
    }
    if let Some(c) = &var.component {
        v = v.component(c)?;
    }
    Some(v)
}

/// What a read access handler is told of a read of `var`: the C addresses of its logical
/// device, logical node and data object (0 when it reads a whole FC of the LN) and the FC;
/// `None` for what no handler is asked about (control blocks, unknown names, a whole LN).
pub fn read_target(index: &ModelIndex, var: &VariableRef) -> Option<(usize, usize, usize, i32)> {
    let domain = index.domain(var.domain_id.as_deref()?)?;
    if index.control_block(&domain.name, &var.item_id).is_some() {
        return None;
    }
    let steps: Vec<&str> = var.item_id.splitn(4, '$').collect();
    let Variable::Ln(ln) = domain.variable(steps.first()?)? else {
        return None;
    };
    let Variable::Member(_, fc) = domain.variable(&steps.get(..2)?.join("$"))? else {
        return None;
    };
    let data_object = match steps.get(..3) {
        Some(head) => match domain.variable(&head.join("$"))? {
            Variable::Member(node, _) => node.addr,
            Variable::Ln(_) => 0,
        },
        None => 0,
    };
    Some((domain.addr, ln.addr, data_object, fc))
}

/// Read of one variable.
pub fn read(index: &ModelIndex, var: &VariableRef) -> AccessResult {
    resolve(index, var).map(Variable::value).ok_or(NON_EXISTENT)
}

/// Write of one variable without the application (see [`plan_write`]).
fn write(
    index: &ModelIndex,
    ctx: &ServiceContext,
    var: &VariableRef,
    value: &MmsValue,
) -> Result<(), i32> {
    match plan_write(index, ctx, var, value, |_, _| None::<()>) {
        WriteStep::Done(result) => result,
        WriteStep::Ask { .. } => Err(ACCESS_DENIED),
    }
}

/// How a write of one variable goes on after the model's checks.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteStep<H> {
    /// Answered (and stored when `Ok`).
    Done(Result<(), i32>),
    /// The application's `handler` decides on the value (which fits the attribute).
    Ask {
        /// The handler found.
        handler: H,
        /// The written attribute's C node (what the handler is told).
        attribute: usize,
    },
}

/// The FCs a write handler decides on whatever the write policy says (observed on the
/// reference: a handler makes SP, SV, CF, DC and BL data writable, never ST or MX).
const HANDLER_FCS: [i32; 5] = [FC_SP, FC_SV, FC_CF, FC_DC, FC_BL];

/// Write of one variable, up to the application's decision: a control block's attribute
/// is the reporting engine's to decide; for others `find` gets the nodes from the
/// data object down to the written one (C address, whether it is a data object) and the
/// FC, and returns the handler that decides, if any. Without one, the variable must have
/// an FC the policy allows and the value's type, and is stored at once.
pub fn plan_write<H>(
    index: &ModelIndex,
    ctx: &ServiceContext,
    var: &VariableRef,
    value: &MmsValue,
    find: impl FnOnce(&[(usize, bool)], i32) -> Option<H>,
) -> WriteStep<H> {
    if let Some(domain) = var.domain_id.as_deref() {
        if let Some((place, attribute)) = index.control_block(domain, &var.item_id) {
            let now = Now::current();
            let mut reporting = index.reporting.borrow_mut();
            return WriteStep::Done(
                reporting.write(index, place, attribute, value, ctx.client, now),
            );
        }
    }
    let Some(v) = resolve(index, var) else {
        return WriteStep::Done(Err(NON_EXISTENT));
    };
    let Some(fc) = v.fc() else {
        return WriteStep::Done(Err(ACCESS_DENIED));
    };
    let handler = HANDLER_FCS
        .contains(&fc)
        .then(|| find(&chain(index, var), fc))
        .flatten();
    if handler.is_none() && !ctx.write_policy.allows(fc) {
        return WriteStep::Done(Err(ACCESS_DENIED));
    }
    if !v.spec().matches(value) {
        return WriteStep::Done(Err(TYPE_INCONSISTENT));
    }
    match (handler, v) {
        (Some(handler), Variable::Member(node, _)) => WriteStep::Ask {
            handler,
            attribute: node.addr,
        },
        _ => {
            v.store(value);
            WriteStep::Done(Ok(()))
        }
    }
}

/// Stores a value the application's handler accepted (checked again: it may have changed it).
pub fn commit_write(index: &ModelIndex, var: &VariableRef, value: &MmsValue) -> Result<(), i32> {
    let v = resolve(index, var).ok_or(NON_EXISTENT)?;
    if !v.spec().matches(value) {
        return Err(TYPE_INCONSISTENT);
    }
    v.store(value);
    Ok(())
}

/// The nodes from the data object (`LN$FC$DO`) down to the one `var` names: C address and
/// whether it is a data object.
fn chain(index: &ModelIndex, var: &VariableRef) -> Vec<(usize, bool)> {
    let Some(domain) = var.domain_id.as_deref().and_then(|d| index.domain(d)) else {
        return Vec::new();
    };
    let steps: Vec<&str> = var.item_id.split('$').collect();
    let mut nodes: Vec<Variable> = (3..=steps.len())
        .filter_map(|n| domain.variable(&steps[..n].join("$")))
        .collect();
    if let Some(mut last) = nodes.last().copied() {
        if let Some(i) = var.array_index {
            if let Some(e) = last.element(i) {
                nodes.push(e);
                last = e;
            }
        }
        if let Some(c) = &var.component {
            for step in c.split('$') {
                match last.component(step) {
                    Some(next) => {
                        nodes.push(next);
                        last = next;
                    }
                    None => break,
                }
            }
        }
    }
    nodes
        .into_iter()
        .filter_map(|v| match v {
            Variable::Member(node, _) => Some((node.addr, matches!(node.kind, Kind::DataObject))),
            Variable::Ln(_) => None,
        })
        .collect()
}

/// Encodes the answer to request `invoke_id`: the response, or a confirmed-ErrorPDU
/// (fails only for a read value that cannot be encoded).
pub fn encode_answer(
    invoke_id: u32,
    answer: &Result<ConfirmedServiceResponse, ServiceError>,
    out: &mut Vec<u8>,
) -> Result<(), DataError> {
    match answer {
        Ok(ConfirmedServiceResponse::Identify(id)) => {
            identify::encode_identify_response(invoke_id, id, out)
        }
        Ok(ConfirmedServiceResponse::GetNameList {
            names,
            more_follows,
        }) => {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            get_name_list::encode_get_name_list_response(invoke_id, &names, *more_follows, out)
        }
        Ok(ConfirmedServiceResponse::GetVariableAccessAttributes(attrs)) => {
            encode_get_variable_access_attributes_response(invoke_id, attrs, out)
        }
        Ok(ConfirmedServiceResponse::Read(results)) => {
            return read::encode_read_response(invoke_id, results, out);
        }
        Ok(ConfirmedServiceResponse::Write(results)) => {
            write::encode_write_response(invoke_id, results, out)
        }
        // `serve` answers no other service.
        Ok(_) | Err(_) => {
            let e = answer.as_ref().err().copied().unwrap_or(ServiceError {
                class: CLASS_SERVICE,
                code: SERVICE_OTHER,
            });
            pdu::encode_confirmed_error(invoke_id, e.class, e.code, out)
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mms::pdu::{decode_pdu, MmsPdu};
    use crate::model::tree::load_config;

    /// Reference answers we do not reproduce yet: the LCB, GoCB and SGCB variables of LLN0
    /// (log, GOOSE and setting-group engines; RCBs are served). Name lists must equal the
    /// reference's without those names.
    const KNOWN_DIFFERENCES: &[&str] = &[
        "directory.cfg ld_directory_aux",
        "directory.cfg ld_variables_dev",
    ];

    /// The names of a GetNameList response PDU.
    fn names(pdu: &[u8]) -> Vec<String> {
        match decode_pdu(pdu, 64) {
            Ok(MmsPdu::ConfirmedResponse {
                service: ConfirmedServiceResponse::GetNameList { names, .. },
                ..
            }) => names,
            _ => Vec::new(),
        }
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// Replays every captured request on the same model and compares the answer bytes.
    #[test]
    fn answers_match_the_reference_server() {
        let fixture = std::fs::read_to_string("tests/fixtures/refserver_answers.txt").unwrap();
        let ctx = ServiceContext::default();
        let (mut same, mut differ) = (0, Vec::new());
        let mut current: Option<(String, ModelIndex, crate::model::tree::Loaded)> = None;
        for line in fixture.lines() {
            let [cfg, label, request, answer] = line.split(' ').collect::<Vec<_>>()[..] else {
                panic!("bad fixture line {line}");
            };
            if current.as_ref().map(|c| c.0.as_str()) != Some(cfg) {
                let loaded = load_config(&format!("tests/fixtures/{cfg}"));
                current = Some((cfg.to_owned(), ModelIndex::new(loaded.tree(), 0), loaded));
            }
            let index = &current.as_ref().unwrap().1;
            let Ok(MmsPdu::ConfirmedRequest { invoke_id, service }) =
                decode_pdu(&unhex(request), 64)
            else {
                panic!("{cfg} {label}: request does not decode");
            };
            let mut out = Vec::new();
            encode_answer(invoke_id, &serve(index, &ctx, &service), &mut out).unwrap();
            let reference = unhex(answer);
            if out == reference {
                same += 1;
            } else {
                if let ConfirmedService::GetNameList(_) = service {
                    let ours = names(&out);
                    let theirs: Vec<_> = names(&reference)
                        .into_iter()
                        .filter(|n| !n.starts_with("LLN0$") || ours.contains(n))
                        .collect();
                    assert_eq!(
                        ours, theirs,
                        "{cfg} {label}: names besides LLN0 control blocks"
                    );
                }
                differ.push(format!(
                    "{cfg} {label}\n ours {}\n ref  {answer}",
                    hex(&out)
                ));
            }
        }
        eprintln!(
            "{same} answers match byte for byte, {} differ",
            differ.len()
        );
        let unexpected: Vec<_> = differ
            .iter()
            .filter(|d| {
                !KNOWN_DIFFERENCES
                    .iter()
                    .any(|l| d.starts_with(&format!("{l}\n")))
            })
            .collect();
        assert!(unexpected.is_empty(), "{}", differ.join("\n"));
    }
}
