//! The control engine (IEC 61850-7-2 §20, mapped as IEC 61850-8-1 §20): per control
//! object its selection (owner, SBO timeout) and pending operation; Oper, SBO (a read),
//! SBOw and Cancel as the reference server answers them; LastApplError and
//! CommandTermination reports; the application's check, wait-for-execution, control and
//! select-state handlers run on the handler thread with no lock held.
//!
//! Design: every control request and every tick runs on the handler thread (threadless:
//! the application's thread), so the engine is never entered twice at once. A write is
//! answered at once, as the reference does: after the check and the first
//! wait-for-execution call for an immediate operate, after the check alone for a
//! time-activated one. What follows the answer (the control handler, re-polls of a
//! handler answering `CONTROL_RESULT_WAITING`, the activation time, the SBO timeout)
//! runs in [`Application::tick`], which the server's timer dispatches on the handler
//! thread after the answer went out; reports are posted to the connection's report
//! queue, which the runtime sends before the answer of the request being served
//! (LastApplError) or as soon as posted (CommandTermination).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::model::ModelIndex;
use super::reporting::ClientId;
use super::runtime::{Application, Connection, Shared};
use super::services::{serve, ServiceContext, ServiceError};
use crate::iec61850::control::{ControlParams, LAST_APPL_ERROR};
use crate::mms::access::{AccessResult, VariableAccessSpec, VariableRef};
use crate::mms::information_report::InformationReport;
use crate::mms::pdu::{ConfirmedService, ConfirmedServiceResponse};
use crate::mms::type_spec::TypeSpec;
use crate::mms::value::{utc, OctetString};
use crate::mms::MmsValue;

/// `CheckHandlerResult` CONTROL_ACCEPTED.
pub const CONTROL_ACCEPTED: i32 = -1;
/// `ControlHandlerResult` values.
pub const RESULT_FAILED: i32 = 0;
/// The handler succeeded.
pub const RESULT_OK: i32 = 1;
/// The handler wants to be called again later.
pub const RESULT_WAITING: i32 = 2;
/// `SelectStateChangedReason` values.
pub const REASON_SELECTED: i32 = 0;
/// Cancel service.
pub const REASON_CANCELED: i32 = 1;
/// SBO timeout.
pub const REASON_TIMEOUT: i32 = 2;
/// Operated.
pub const REASON_OPERATED: i32 = 3;
/// Operate failed.
pub const REASON_OPERATE_FAILED: i32 = 4;
/// The selecting client disconnected.
pub const REASON_DISCONNECTED: i32 = 5;

/// `ControlAddCause` values the engine sets itself.
const CAUSE_COMMAND_ALREADY_IN_EXECUTION: i32 = 12;
const CAUSE_OBJECT_NOT_SELECTED: i32 = 18;
const CAUSE_OBJECT_ALREADY_SELECTED: i32 = 19;
const CAUSE_INCONSISTENT_PARAMETERS: i32 = 26;
const CAUSE_LOCKED_BY_OTHER_CLIENT: i32 = 27;

/// DataAccessError codes of refused control writes.
const TEMPORARILY_UNAVAILABLE: i32 = 2;
const ACCESS_DENIED: i32 = 3;
const TYPE_INCONSISTENT: i32 = 7;
const NON_EXISTENT: i32 = 10;

/// SBO timeout when the model has no sboTimeout (libiec61850's documented default).
pub const DEFAULT_SBO_TIMEOUT_MS: u64 = 30_000;
/// How often a handler answering WAITING is called again.
pub const POLL_INTERVAL: Duration = Duration::from_millis(10);

/// The check handler: (action, ctlVal (none for an SBO select), test, interlockCheck) ->
/// `CheckHandlerResult`.
pub type CheckHandler =
    Arc<dyn Fn(&Action, Option<&mut MmsValue>, bool, bool) -> i32 + Send + Sync>;
/// The wait-for-execution handler: (action, ctlVal, test, synchroCheck) -> result.
pub type WaitHandler = Arc<dyn Fn(&Action, &mut MmsValue, bool, bool) -> i32 + Send + Sync>;
/// The control handler: (action, ctlVal, test) -> `ControlHandlerResult`.
pub type ControlHandler = Arc<dyn Fn(&Action, &mut MmsValue, bool) -> i32 + Send + Sync>;
/// The select state handler: (action, selected, `SelectStateChangedReason`).
pub type SelectHandler = Arc<dyn Fn(&Action, bool, i32) + Send + Sync>;

/// The application's handlers of one control object.
#[derive(Clone, Default)]
pub struct Handlers {
    /// Perform check.
    pub check: Option<CheckHandler>,
    /// Wait for execution.
    pub wait: Option<WaitHandler>,
    /// Control (operate).
    pub control: Option<ControlHandler>,
    /// Select state changed.
    pub select: Option<SelectHandler>,
}

/// One control action as the handlers see it (a C `ControlAction`): the same object for
/// every call of one select or operate, also across WAITING calls.
pub struct Action {
    /// The client asking.
    pub client: ClientId,
    /// Its connection (a `ClientConnection` handle; alive while the action is).
    pub connection: usize,
    /// The control object's C `DataObject`.
    pub object: usize,
    /// Whether this is a select (SBO read or SBOw).
    pub select: bool,
    /// The request's parameters.
    pub params: ControlParams,
    /// `ControlLastApplError` the application set.
    pub error: AtomicI32,
    /// `ControlAddCause` the application set.
    pub add_cause: AtomicI32,
    /// Keeps the connection alive while the action is.
    _keep: Option<Arc<Connection>>,
}

impl Action {
    /// A new action.
    pub fn new(
        client: ClientId,
        connection: Option<Arc<Connection>>,
        object: usize,
        select: bool,
        params: ControlParams,
    ) -> Action {
        Action {
            client,
            connection: connection.as_ref().map_or(0, |c| Arc::as_ptr(c) as usize),
            object,
            select,
            params,
            error: AtomicI32::new(0),
            add_cause: AtomicI32::new(0),
            _keep: connection,
        }
    }

    fn error(&self) -> (i32, i32) {
        (
            self.error.load(Ordering::Relaxed),
            self.add_cause.load(Ordering::Relaxed),
        )
    }
}

/// A control service a client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Read of SBO (select of SBO-normal).
    Select,
    /// Write of SBOw.
    SelectWithValue,
    /// Write of Oper.
    Operate,
    /// Write of Cancel.
    Cancel,
}

/// Splits a control variable name (`LN$CO$DO$Oper`) into the CO item and the service.
pub fn control_var(var: &VariableRef) -> Option<(&str, &str, Service)> {
    if var.array_index.is_some() || var.component.is_some() {
        return None;
    }
    let domain = var.domain_id.as_deref()?;
    let (co, last) = var.item_id.rsplit_once('$')?;
    if co.split('$').nth(1) != Some("CO") {
        return None;
    }
    let service = match last {
        "SBO" => Service::Select,
        "SBOw" => Service::SelectWithValue,
        "Oper" => Service::Operate,
        "Cancel" => Service::Cancel,
        _ => return None,
    };
    Some((domain, co, service))
}

/// What the model says of a control object.
struct Info {
    ctl_model: i32,
    sbo_timeout: Duration,
    object: usize,
    spec: Option<TypeSpec>,
}

/// The CF item (`LN$CF$DO...$name`) of CO item `co`.
fn cf_item(co: &str, name: &str) -> String {
    let mut parts: Vec<&str> = co.split('$').collect();
    if parts.len() > 1 {
        parts[1] = "CF";
    }
    format!("{}${name}", parts.join("$"))
}

/// The ST item (`LN$ST$DO...$name`) of CO item `co`.
fn st_item(co: &str, name: &str) -> String {
    cf_item(co, name).replacen("$CF$", "$ST$", 1)
}

fn info(index: &ModelIndex, domain: &str, co: &str, component: &str) -> Option<Info> {
    let d = index.domain(domain)?;
    let object = match d.variable(co)? {
        super::model::Variable::Member(node, _) => node.addr,
        super::model::Variable::Ln(_) => return None,
    };
    let int = |name: &str| match d.variable(&cf_item(co, name)).map(|v| v.value()) {
        Some(MmsValue::Integer(i)) => Some(i),
        Some(MmsValue::Unsigned(u)) => i64::try_from(u).ok(),
        _ => None,
    };
    let ctl_model = int("ctlModel").and_then(|m| i32::try_from(m).ok())?;
    let sbo_timeout = int("sboTimeout")
        .and_then(|t| u64::try_from(t).ok())
        .filter(|&t| t > 0)
        .unwrap_or(DEFAULT_SBO_TIMEOUT_MS);
    Some(Info {
        ctl_model,
        sbo_timeout: Duration::from_millis(sbo_timeout),
        object,
        spec: d.variable(&format!("{co}${component}")).map(|v| v.spec()),
    })
}

/// The ctlVal and parameters of an Oper, SBOw or Cancel value of type `spec`.
pub fn parse_request(spec: &TypeSpec, value: &MmsValue) -> Option<(MmsValue, ControlParams)> {
    let TypeSpec::Structure { components, .. } = spec else {
        return None;
    };
    let mut ctl_val = None;
    let mut p = ControlParams::default();
    for ((name, _), v) in components.iter().zip(value.elements()) {
        let v: &MmsValue = v.as_deref()?;
        match (name.as_str(), v) {
            ("ctlVal", v) => ctl_val = Some(v.clone()),
            ("operTm", MmsValue::UtcTime(t)) => p.oper_time_ms = utc::ms(t),
            ("origin", o) => {
                let e = o.elements();
                if let Some(MmsValue::Integer(c)) = e.first().and_then(|x| x.as_deref()) {
                    p.or_cat = i32::try_from(*c).unwrap_or(0);
                }
                if let Some(MmsValue::OctetString(s)) = e.get(1).and_then(|x| x.as_deref()) {
                    p.or_ident = s.data.to_vec();
                }
            }
            ("ctlNum", MmsValue::Unsigned(n)) => p.ctl_num = *n as u8,
            ("T", MmsValue::UtcTime(t)) => p.t = *t,
            ("Test", MmsValue::Boolean(b)) => p.test = *b,
            ("Check", MmsValue::BitString(b)) => {
                p.synchro_check = b.get(0);
                p.interlock_check = b.get(1);
            }
            _ => {}
        }
    }
    Some((ctl_val?, p))
}

/// The LastApplError structure (CntrlObj, Error, Origin, ctlNum, AddCause).
pub fn last_appl_error_value(object: &str, p: &ControlParams, error: i32, cause: i32) -> MmsValue {
    MmsValue::structure(vec![
        MmsValue::visible_string(object.as_bytes()),
        MmsValue::Integer(i64::from(error)),
        MmsValue::structure(vec![
            MmsValue::Integer(i64::from(p.or_cat)),
            MmsValue::OctetString(OctetString {
                data: p.or_ident.clone().into(),
                max_size: p.or_ident.len(),
            }),
        ]),
        MmsValue::Unsigned(u64::from(p.ctl_num)),
        MmsValue::Integer(i64::from(cause)),
    ])
}

fn vmd_var(name: &str) -> VariableRef {
    VariableRef {
        item_id: name.into(),
        ..VariableRef::default()
    }
}

/// The LastApplError InformationReport of a refused service on `object`
/// (`LD/LN$CO$DO$Oper`).
pub fn last_appl_error_report(
    object: &str,
    p: &ControlParams,
    error: i32,
    cause: i32,
) -> InformationReport {
    InformationReport {
        spec: VariableAccessSpec::Variables(vec![vmd_var(LAST_APPL_ERROR)]),
        results: vec![Ok(last_appl_error_value(object, p, error, cause))],
    }
}

/// The CommandTermination of an operate (the Oper value as written): + without an
/// error, − with the LastApplError first.
pub fn command_termination(
    oper: &VariableRef,
    value: &MmsValue,
    error: Option<(&ControlParams, i32, i32)>,
) -> InformationReport {
    let object = format!(
        "{}/{}",
        oper.domain_id.as_deref().unwrap_or_default(),
        oper.item_id
    );
    let mut vars = Vec::new();
    let mut results: Vec<AccessResult> = Vec::new();
    if let Some((p, e, c)) = error {
        vars.push(vmd_var(LAST_APPL_ERROR));
        results.push(Ok(last_appl_error_value(&object, p, e, c)));
    }
    vars.push(oper.clone());
    results.push(Ok(value.clone()));
    InformationReport {
        spec: VariableAccessSpec::Variables(vars),
        results,
    }
}

/// Where an operate stands after its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Time-activated: waits for operTm.
    Activation(Instant),
    /// The wait-for-execution handler answered WAITING.
    Waiting,
    /// The control handler runs (again after WAITING).
    Executing,
}

struct Selection {
    client: ClientId,
    deadline: Instant,
    /// SBOw: the ctlVal and parameters the operate must repeat.
    with_value: Option<(MmsValue, ControlParams)>,
    action: Arc<Action>,
}

struct Pending {
    action: Arc<Action>,
    connection: Weak<Connection>,
    ctl_val: MmsValue,
    oper_var: VariableRef,
    oper: MmsValue,
    enhanced: bool,
    stage: Stage,
}

#[derive(Default)]
struct ObjectState {
    selection: Option<Selection>,
    pending: Option<Pending>,
}

/// The control engine of one server.
#[derive(Default)]
pub struct Controls {
    handlers: Mutex<HashMap<String, Handlers>>,
    objects: Mutex<HashMap<String, ObjectState>>,
    disconnected: Mutex<Vec<ClientId>>,
}

/// `LD/LN$CO$DO`: the key of a control object.
fn key(domain: &str, co: &str) -> String {
    format!("{domain}/{co}")
}

/// The domain and CO item of the data object at `object` (a C `DataObject`).
pub fn object_name(index: &ModelIndex, object: usize) -> Option<(String, String)> {
    for d in &index.domains {
        for ln in d.nodes() {
            for obj in &ln.children {
                if obj.addr == object {
                    return Some((d.name.clone(), format!("{}$CO${}", ln.name, obj.name)));
                }
            }
        }
    }
    None
}

/// Stores `value` into the attribute `item` of `domain` when the model has it.
fn store(model: &Mutex<ModelIndex>, domain: &str, item: &str, value: MmsValue) {
    let index = model.lock();
    if let Some(v) = index.domain(domain).and_then(|d| d.variable(item)) {
        if v.spec().matches(&value) {
            v.store(&value);
        }
    }
}

/// The outcome of one control write.
type WriteResult = Result<(), i32>;

impl Controls {
    /// An engine with no handlers.
    pub fn new() -> Controls {
        Controls::default()
    }

    /// Changes the handlers of the control object `LD/LN$CO$DO`.
    pub fn set_handlers(&self, object: &str, f: impl FnOnce(&mut Handlers)) {
        f(self.handlers.lock().entry(object.to_owned()).or_default());
    }

    fn handlers(&self, key: &str) -> Handlers {
        self.handlers.lock().get(key).cloned().unwrap_or_default()
    }

    /// Ends the selection of `key` (telling the select handler why).
    fn release(&self, key: &str, model: &Mutex<ModelIndex>, reason: i32) {
        let selection = self
            .objects
            .lock()
            .get_mut(key)
            .and_then(|s| s.selection.take());
        if let Some(sel) = selection {
            if let Some((domain, co)) = key.split_once('/') {
                store(
                    model,
                    domain,
                    &st_item(co, "stSeld"),
                    MmsValue::Boolean(false),
                );
            }
            if let Some(h) = self.handlers(key).select {
                h(&sel.action, false, reason);
            }
        }
    }

    /// The live selection owner of `key` (an expired one is treated as none).
    fn owner(&self, key: &str, now: Instant) -> Option<ClientId> {
        let objects = self.objects.lock();
        let sel = objects.get(key)?.selection.as_ref()?;
        (sel.deadline > now).then_some(sel.client)
    }

    fn select(
        &self,
        model: &Mutex<ModelIndex>,
        key: &str,
        client: ClientId,
        deadline: Instant,
        with_value: Option<(MmsValue, ControlParams)>,
        action: Arc<Action>,
    ) {
        if let Some((domain, co)) = key.split_once('/') {
            store(
                model,
                domain,
                &st_item(co, "stSeld"),
                MmsValue::Boolean(true),
            );
        }
        let sel = Selection {
            client,
            deadline,
            with_value,
            action: action.clone(),
        };
        self.objects
            .lock()
            .entry(key.to_owned())
            .or_default()
            .selection = Some(sel);
        if let Some(h) = self.handlers(key).select {
            h(&action, true, REASON_SELECTED);
        }
    }

    /// Serves a read of SBO: the object's reference when selected, an empty string when
    /// refused (as the reference answers).
    pub fn read_sbo(
        &self,
        model: &Mutex<ModelIndex>,
        connection: Option<&Arc<Connection>>,
        client: ClientId,
        domain: &str,
        co: &str,
    ) -> Option<AccessResult> {
        let info = info(&model.lock(), domain, co, "SBO")?;
        info.spec.as_ref()?;
        let key = key(domain, co);
        let refused = Ok(MmsValue::visible_string(b""));
        let now = Instant::now();
        if info.ctl_model != crate::iec61850::control::model::SBO_NORMAL
            || self.owner(&key, now).is_some()
        {
            return Some(refused);
        }
        let action = Arc::new(Action::new(
            client,
            connection.cloned(),
            info.object,
            true,
            ControlParams::default(),
        ));
        if let Some(check) = self.handlers(&key).check {
            if check(&action, None, false, false) != CONTROL_ACCEPTED {
                return Some(refused);
            }
        }
        let deadline = now + info.sbo_timeout;
        self.select(model, &key, client, deadline, None, action);
        Some(Ok(MmsValue::visible_string(key.as_bytes())))
    }

    /// Serves a write of Oper, SBOw or Cancel; refusals post their LastApplError to
    /// `post`. Returns the write's result and when the engine wants its next tick.
    #[allow(clippy::too_many_arguments)]
    pub fn write(
        &self,
        model: &Mutex<ModelIndex>,
        connection: Option<&Arc<Connection>>,
        client: ClientId,
        var: &VariableRef,
        value: &MmsValue,
        post: &dyn Fn(InformationReport),
    ) -> Option<(WriteResult, Option<Instant>)> {
        let (domain, co, service) = control_var(var)?;
        let component = var.item_id.rsplit('$').next().unwrap_or_default();
        let info = info(&model.lock(), domain, co, component)?;
        let spec = info.spec.as_ref()?;
        let key = key(domain, co);
        let Some((ctl_val, params)) = spec
            .matches(value)
            .then(|| parse_request(spec, value))
            .flatten()
        else {
            return Some((Err(TYPE_INCONSISTENT), None));
        };
        let object = format!("{domain}/{}", var.item_id);
        let refuse = |p: &ControlParams, error: i32, cause: i32, code: i32| {
            post(last_appl_error_report(&object, p, error, cause));
            Some((Err(code), None))
        };
        let now = Instant::now();
        let owner = self.owner(&key, now);
        let sbo = crate::iec61850::control::is_sbo(info.ctl_model);
        let action = |select| {
            Arc::new(Action::new(
                client,
                connection.cloned(),
                info.object,
                select,
                params.clone(),
            ))
        };
        match service {
            Service::Select => None,
            Service::Cancel => {
                let mut objects = self.objects.lock();
                let state = objects.entry(key.clone()).or_default();
                if let Some(p) = &state.pending {
                    if matches!(p.stage, Stage::Activation(_)) && p.action.client == client {
                        state.pending = None;
                        drop(objects);
                        self.release(&key, model, REASON_CANCELED);
                        return Some((Ok(()), None));
                    }
                }
                drop(objects);
                if !sbo {
                    return Some((Err(ACCESS_DENIED), None));
                }
                match owner {
                    None => Some((Ok(()), None)),
                    Some(c) if c == client => {
                        self.release(&key, model, REASON_CANCELED);
                        Some((Ok(()), None))
                    }
                    Some(_) => refuse(
                        &params,
                        0,
                        CAUSE_LOCKED_BY_OTHER_CLIENT,
                        TEMPORARILY_UNAVAILABLE,
                    ),
                }
            }
            Service::SelectWithValue => {
                if info.ctl_model != crate::iec61850::control::model::SBO_ENHANCED {
                    return Some((Err(ACCESS_DENIED), None));
                }
                match owner {
                    Some(c) if c == client => {
                        return refuse(
                            &params,
                            0,
                            CAUSE_OBJECT_ALREADY_SELECTED,
                            TEMPORARILY_UNAVAILABLE,
                        )
                    }
                    Some(_) => {
                        return refuse(
                            &params,
                            0,
                            CAUSE_LOCKED_BY_OTHER_CLIENT,
                            TEMPORARILY_UNAVAILABLE,
                        )
                    }
                    None => {}
                }
                let action = action(true);
                if let Some(check) = self.handlers(&key).check {
                    let mut v = ctl_val.clone();
                    let r = check(&action, Some(&mut v), params.test, params.interlock_check);
                    if r != CONTROL_ACCEPTED {
                        let (e, c) = action.error();
                        return refuse(&params, e, c, r);
                    }
                }
                let deadline = now + info.sbo_timeout;
                self.select(
                    model,
                    &key,
                    client,
                    deadline,
                    Some((ctl_val, params.clone())),
                    action,
                );
                Some((Ok(()), Some(deadline)))
            }
            Service::Operate => {
                if info.ctl_model == crate::iec61850::control::model::STATUS_ONLY {
                    return Some((Err(ACCESS_DENIED), None));
                }
                let busy = self
                    .objects
                    .lock()
                    .get(&key)
                    .is_some_and(|s| s.pending.is_some());
                if busy {
                    return refuse(
                        &params,
                        0,
                        CAUSE_COMMAND_ALREADY_IN_EXECUTION,
                        TEMPORARILY_UNAVAILABLE,
                    );
                }
                if sbo {
                    match owner {
                        None => {
                            return refuse(&params, 0, CAUSE_OBJECT_NOT_SELECTED, ACCESS_DENIED)
                        }
                        Some(c) if c != client => {
                            return refuse(
                                &params,
                                0,
                                CAUSE_LOCKED_BY_OTHER_CLIENT,
                                TEMPORARILY_UNAVAILABLE,
                            )
                        }
                        Some(_) => {}
                    }
                    let objects = self.objects.lock();
                    let selected = objects.get(&key).and_then(|s| s.selection.as_ref());
                    if let Some((v, p)) = selected.and_then(|s| s.with_value.as_ref()) {
                        let same = *v == ctl_val
                            && p.or_cat == params.or_cat
                            && p.or_ident == params.or_ident
                            && p.ctl_num == params.ctl_num;
                        if !same {
                            drop(objects);
                            return refuse(
                                &params,
                                0,
                                CAUSE_INCONSISTENT_PARAMETERS,
                                ACCESS_DENIED,
                            );
                        }
                    }
                }
                let action = action(false);
                let handlers = self.handlers(&key);
                let fail = |code: i32, action: &Action| {
                    if sbo {
                        self.release(&key, model, REASON_OPERATE_FAILED);
                    }
                    let (e, c) = action.error();
                    refuse(&params, e, c, code)
                };
                if let Some(check) = &handlers.check {
                    let mut v = ctl_val.clone();
                    let r = check(&action, Some(&mut v), params.test, params.interlock_check);
                    if r != CONTROL_ACCEPTED {
                        return fail(r, &action);
                    }
                }
                let now_ms = crate::hal::now_ms();
                let stage = if params.oper_time_ms > now_ms {
                    Stage::Activation(now + Duration::from_millis(params.oper_time_ms - now_ms))
                } else {
                    let r = match &handlers.wait {
                        Some(wait) => {
                            let mut v = ctl_val.clone();
                            wait(&action, &mut v, params.test, params.synchro_check)
                        }
                        None => RESULT_OK,
                    };
                    match r {
                        RESULT_OK => Stage::Executing,
                        RESULT_WAITING => Stage::Waiting,
                        _ => return fail(ACCESS_DENIED, &action),
                    }
                };
                let next = match stage {
                    Stage::Activation(at) => at,
                    _ => now,
                };
                self.objects.lock().entry(key).or_default().pending = Some(Pending {
                    action,
                    connection: connection.map(Arc::downgrade).unwrap_or_default(),
                    ctl_val,
                    oper_var: var.clone(),
                    oper: value.clone(),
                    enhanced: matches!(
                        info.ctl_model,
                        crate::iec61850::control::model::DIRECT_ENHANCED
                            | crate::iec61850::control::model::SBO_ENHANCED
                    ),
                    stage,
                });
                Some((Ok(()), Some(next)))
            }
        }
    }

    /// Runs what is due: SBO timeouts, released selections of closed connections,
    /// activation times and handler re-polls; returns when to run next.
    pub fn run_due(&self, model: &Mutex<ModelIndex>) -> Option<Instant> {
        let now = Instant::now();
        let gone = std::mem::take(&mut *self.disconnected.lock());
        let keys: Vec<String> = self.objects.lock().keys().cloned().collect();
        for key in &keys {
            let (timeout, lost) = {
                let mut objects = self.objects.lock();
                let Some(state) = objects.get_mut(key) else {
                    continue;
                };
                if state
                    .pending
                    .as_ref()
                    .is_some_and(|p| gone.contains(&p.action.client))
                {
                    state.pending = None;
                }
                match &state.selection {
                    Some(s) if gone.contains(&s.client) => (false, true),
                    Some(s) if s.deadline <= now && state.pending.is_none() => (true, false),
                    _ => (false, false),
                }
            };
            if lost {
                self.release(key, model, REASON_DISCONNECTED);
            } else if timeout {
                self.release(key, model, REASON_TIMEOUT);
            }
            self.advance(key, model, now);
        }
        let objects = self.objects.lock();
        objects
            .values()
            .flat_map(|s| {
                let sel = s.selection.as_ref().map(|s| s.deadline);
                let pending = s.pending.as_ref().map(|p| match p.stage {
                    Stage::Activation(at) => at,
                    _ => now + POLL_INTERVAL,
                });
                sel.into_iter().chain(pending)
            })
            .min()
    }

    /// Moves the pending operate of `key` on as far as its handlers let it.
    fn advance(&self, key: &str, model: &Mutex<ModelIndex>, now: Instant) {
        let Some(mut p) = self
            .objects
            .lock()
            .get_mut(key)
            .and_then(|s| s.pending.take())
        else {
            return;
        };
        let handlers = self.handlers(key);
        loop {
            let result = match p.stage {
                Stage::Activation(at) if at > now => break,
                Stage::Activation(_) | Stage::Waiting => {
                    let r = match &handlers.wait {
                        Some(wait) => {
                            let mut v = p.ctl_val.clone();
                            let (t, s) = (p.action.params.test, p.action.params.synchro_check);
                            wait(&p.action, &mut v, t, s)
                        }
                        None => RESULT_OK,
                    };
                    match r {
                        RESULT_OK => {
                            p.stage = Stage::Executing;
                            continue;
                        }
                        RESULT_WAITING => {
                            p.stage = Stage::Waiting;
                            break;
                        }
                        _ => RESULT_FAILED,
                    }
                }
                Stage::Executing => match &handlers.control {
                    Some(control) => {
                        let mut v = p.ctl_val.clone();
                        control(&p.action, &mut v, p.action.params.test)
                    }
                    None => RESULT_OK,
                },
            };
            if result == RESULT_WAITING {
                break;
            }
            return self.terminate(key, model, p, result == RESULT_OK);
        }
        if let Some(state) = self.objects.lock().get_mut(key) {
            state.pending = Some(p);
        }
    }

    /// Ends an operate: the CommandTermination of enhanced security, the selection released.
    fn terminate(&self, key: &str, model: &Mutex<ModelIndex>, p: Pending, ok: bool) {
        if let Some((domain, co)) = key.split_once('/') {
            store(model, domain, &st_item(co, "opOk"), MmsValue::Boolean(ok));
        }
        if p.enhanced {
            let (e, c) = p.action.error();
            let error = (!ok).then_some((&p.action.params, e, c));
            let report = command_termination(&p.oper_var, &p.oper, error);
            if let Some(connection) = p.connection.upgrade() {
                connection.post(report);
            }
        }
        let reason = if ok {
            REASON_OPERATED
        } else {
            REASON_OPERATE_FAILED
        };
        self.release(key, model, reason);
    }

    /// The application changed the control model of `key`: its selection ends (without
    /// telling the select handler; stSeld is left to the application).
    pub fn forget_selection(&self, key: &str) {
        if let Some(state) = self.objects.lock().get_mut(key) {
            state.selection = None;
        }
    }
}

/// Whether `service` holds a control request.
fn is_control(service: &ConfirmedService) -> bool {
    match service {
        ConfirmedService::Write { vars, .. } => vars
            .iter()
            .any(|v| control_var(v).is_some_and(|(_, _, s)| s != Service::Select)),
        ConfirmedService::Read { vars } => vars
            .iter()
            .any(|v| control_var(v).is_some_and(|(_, _, s)| s == Service::Select)),
        _ => false,
    }
}

impl Application for Controls {
    fn involved(&self, service: &ConfirmedService) -> bool {
        is_control(service)
    }

    fn serve(
        &self,
        model: &Mutex<ModelIndex>,
        ctx: &ServiceContext,
        connection: &Arc<Connection>,
        service: &ConfirmedService,
    ) -> Result<ConfirmedServiceResponse, ServiceError> {
        let plain = |s: ConfirmedService| serve(&model.lock(), ctx, &s);
        let mut next: Option<Instant> = None;
        let answer = match service {
            ConfirmedService::Read { vars } => {
                let results = vars
                    .iter()
                    .map(|v| {
                        let ours = control_var(v)
                            .filter(|(_, _, s)| *s == Service::Select)
                            .and_then(|(d, co, _)| {
                                self.read_sbo(model, Some(connection), ctx.client, d, co)
                            });
                        if ours.is_some() {
                            next = Some(Instant::now());
                        }
                        ours.unwrap_or_else(|| {
                            match plain(ConfirmedService::Read {
                                vars: vec![v.clone()],
                            }) {
                                Ok(ConfirmedServiceResponse::Read(mut r)) if r.len() == 1 => {
                                    r.remove(0)
                                }
                                _ => Err(NON_EXISTENT),
                            }
                        })
                    })
                    .collect();
                Ok(ConfirmedServiceResponse::Read(results))
            }
            ConfirmedService::Write { vars, values } => {
                let post = |r: InformationReport| connection.post(r);
                let results = vars
                    .iter()
                    .zip(values)
                    .map(|(var, value)| {
                        match self.write(model, Some(connection), ctx.client, var, value, &post) {
                            Some((result, at)) => {
                                next = match (next, at) {
                                    (Some(a), Some(b)) => Some(a.min(b)),
                                    (a, b) => a.or(b),
                                };
                                result
                            }
                            None => match plain(ConfirmedService::Write {
                                vars: vec![var.clone()],
                                values: vec![value.clone()],
                            }) {
                                Ok(ConfirmedServiceResponse::Write(mut r)) if r.len() == 1 => {
                                    r.remove(0)
                                }
                                _ => Err(NON_EXISTENT),
                            },
                        }
                    })
                    .collect();
                Ok(ConfirmedServiceResponse::Write(results))
            }
            other => plain(other.clone()),
        };
        if let (Some(at), Some(server)) = (next, connection.server()) {
            server.request_tick(at);
        }
        answer
    }

    fn tick(&self, server: &Arc<Shared>) -> Option<Instant> {
        self.run_due(&server.model)
    }

    fn disconnected(&self, client: ClientId) {
        self.disconnected.lock().push(client);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tree::load_config;
    use std::sync::atomic::AtomicUsize;

    fn model() -> (Mutex<ModelIndex>, crate::model::tree::Loaded) {
        let loaded = load_config("tests/fixtures/control.cfg");
        (Mutex::new(ModelIndex::new(loaded.tree(), 0)), loaded)
    }

    fn var(item: &str) -> VariableRef {
        VariableRef {
            domain_id: Some("CTLDev".into()),
            item_id: item.into(),
            ..VariableRef::default()
        }
    }

    fn request(model: &Mutex<ModelIndex>, item: &str, p: &ControlParams) -> MmsValue {
        let spec = model
            .lock()
            .domain("CTLDev")
            .unwrap()
            .variable(item)
            .unwrap()
            .spec();
        crate::iec61850::control::build_request(&spec, &MmsValue::Boolean(true), p).unwrap()
    }

    type Posted = Arc<Mutex<Vec<InformationReport>>>;

    fn write(
        c: &Controls,
        model: &Mutex<ModelIndex>,
        client: ClientId,
        item: &str,
        p: &ControlParams,
    ) -> (WriteResult, Vec<InformationReport>) {
        let posted: Posted = Arc::default();
        let sink = posted.clone();
        let value = request(model, item, p);
        let (r, _) = c
            .write(model, None, client, &var(item), &value, &move |r| {
                sink.lock().push(r)
            })
            .unwrap();
        let reports = std::mem::take(&mut *posted.lock());
        (r, reports)
    }

    fn cause(report: &InformationReport) -> (String, i32, i32, i32) {
        let Some(Ok(v)) = report.results.first() else {
            panic!("no value");
        };
        let (obj, e) = crate::iec61850::control::parse_last_appl_error(v).unwrap();
        (obj, e.error, e.ctl_num, e.add_cause)
    }

    #[test]
    fn parses_control_names() {
        assert_eq!(
            control_var(&var("GSPC1$CO$C1$Oper")),
            Some(("CTLDev", "GSPC1$CO$C1", Service::Operate))
        );
        assert_eq!(
            control_var(&var("GSPC1$CO$C2$SBO")).map(|x| x.2),
            Some(Service::Select)
        );
        assert_eq!(control_var(&var("GSPC1$ST$C1$Oper")), None);
        assert_eq!(control_var(&var("GSPC1$CO$C1$ctlVal")), None);
        assert_eq!(
            cf_item("GSPC1$CO$C2", "sboTimeout"),
            "GSPC1$CF$C2$sboTimeout"
        );
        assert_eq!(st_item("GSPC1$CO$C2", "stSeld"), "GSPC1$ST$C2$stSeld");
    }

    #[test]
    fn direct_operate_runs_check_wait_and_control_handlers() {
        let (m, _l) = model();
        let c = Controls::new();
        let calls = Arc::new(AtomicUsize::new(0));
        let (a, b) = (calls.clone(), calls.clone());
        c.set_handlers("CTLDev/GSPC1$CO$C3", |h| {
            h.check = Some(Arc::new(|a, v, _, _| {
                assert!(v.is_some() && !a.select);
                CONTROL_ACCEPTED
            }));
            h.wait = Some(Arc::new(move |_, _, _, _| {
                a.fetch_add(1, Ordering::Relaxed);
                RESULT_OK
            }));
            // WAITING twice, then OK: the same action every time.
            h.control = Some(Arc::new(move |_, _, _| {
                if b.fetch_add(1, Ordering::Relaxed) < 3 {
                    RESULT_WAITING
                } else {
                    RESULT_OK
                }
            }));
        });
        let p = ControlParams {
            ctl_num: 5,
            ..ControlParams::default()
        };
        let (r, reports) = write(&c, &m, 1, "GSPC1$CO$C3$Oper", &p);
        assert_eq!((r, reports.len()), (Ok(()), 0));
        assert_eq!(calls.load(Ordering::Relaxed), 1);
        assert!(c.run_due(&m).is_some());
        assert!(c.run_due(&m).is_some());
        // The handler answered OK: nothing left to do.
        assert_eq!(c.run_due(&m), None);
        assert_eq!(calls.load(Ordering::Relaxed), 4);
    }

    #[test]
    fn refused_check_posts_the_handlers_add_cause() {
        let (m, _l) = model();
        let c = Controls::new();
        c.set_handlers("CTLDev/GSPC1$CO$C1", |h| {
            h.check = Some(Arc::new(|a, _, _, _| {
                a.add_cause.store(10, Ordering::Relaxed);
                3
            }));
        });
        let p = ControlParams {
            ctl_num: 42,
            or_ident: b"x".to_vec(),
            ..ControlParams::default()
        };
        let (r, reports) = write(&c, &m, 1, "GSPC1$CO$C1$Oper", &p);
        assert_eq!(r, Err(ACCESS_DENIED));
        assert_eq!(
            cause(&reports[0]),
            ("CTLDev/GSPC1$CO$C1$Oper".into(), 0, 42, 10)
        );
    }

    #[test]
    fn sbo_selection_is_bound_to_its_client_and_times_out() {
        let (m, _l) = model();
        let c = Controls::new();
        let p = ControlParams::default();
        let (r, rep) = write(&c, &m, 1, "GSPC1$CO$C2$Oper", &p);
        assert_eq!((r, cause(&rep[0]).3), (Err(ACCESS_DENIED), 18));
        let sel = c.read_sbo(&m, None, 1, "CTLDev", "GSPC1$CO$C2").unwrap();
        assert_eq!(sel, Ok(MmsValue::visible_string(b"CTLDev/GSPC1$CO$C2")));
        // Selected already (by anyone): an empty answer.
        let again = c.read_sbo(&m, None, 2, "CTLDev", "GSPC1$CO$C2").unwrap();
        assert_eq!(again, Ok(MmsValue::visible_string(b"")));
        let (r, rep) = write(&c, &m, 2, "GSPC1$CO$C2$Oper", &p);
        assert_eq!((r, cause(&rep[0]).3), (Err(TEMPORARILY_UNAVAILABLE), 27));
        let (r, _) = write(&c, &m, 1, "GSPC1$CO$C2$Oper", &p);
        assert_eq!(r, Ok(()));
        assert_eq!(c.run_due(&m), None);
        // Operated: the selection is gone.
        let (r, _) = write(&c, &m, 1, "GSPC1$CO$C2$Oper", &p);
        assert_eq!(r, Err(ACCESS_DENIED));
        // A selection times out (sboTimeout 2000 ms is shortened here).
        c.read_sbo(&m, None, 1, "CTLDev", "GSPC1$CO$C2")
            .unwrap()
            .unwrap();
        c.objects
            .lock()
            .get_mut("CTLDev/GSPC1$CO$C2")
            .unwrap()
            .selection
            .as_mut()
            .unwrap()
            .deadline = Instant::now();
        assert_eq!(c.run_due(&m), None);
        assert_eq!(c.owner("CTLDev/GSPC1$CO$C2", Instant::now()), None);
    }

    #[test]
    fn sbow_then_operate_with_other_parameters_is_inconsistent() {
        let (m, _l) = model();
        let c = Controls::new();
        let selected = Arc::new(Mutex::new(Vec::new()));
        let s = selected.clone();
        c.set_handlers("CTLDev/GSPC1$CO$C4", |h| {
            h.select = Some(Arc::new(move |_, on, reason| s.lock().push((on, reason))));
        });
        let p = ControlParams {
            or_ident: b"a".to_vec(),
            ..ControlParams::default()
        };
        assert_eq!(write(&c, &m, 1, "GSPC1$CO$C4$SBOw", &p).0, Ok(()));
        let (r, rep) = write(&c, &m, 1, "GSPC1$CO$C4$SBOw", &p);
        assert_eq!((r, cause(&rep[0]).3), (Err(TEMPORARILY_UNAVAILABLE), 19));
        let other = ControlParams {
            or_ident: b"b".to_vec(),
            ..ControlParams::default()
        };
        let (r, rep) = write(&c, &m, 1, "GSPC1$CO$C4$Oper", &other);
        assert_eq!((r, cause(&rep[0]).3), (Err(ACCESS_DENIED), 26));
        assert_eq!(write(&c, &m, 1, "GSPC1$CO$C4$Cancel", &p).0, Ok(()));
        assert_eq!(
            *selected.lock(),
            [(true, REASON_SELECTED), (false, REASON_CANCELED)]
        );
    }

    #[test]
    fn cancel_on_direct_objects_is_denied_and_reports_encode() {
        let (m, _l) = model();
        let c = Controls::new();
        let p = ControlParams::default();
        let (r, reports) = write(&c, &m, 1, "GSPC1$CO$C3$Cancel", &p);
        assert_eq!((r, reports.len()), (Err(ACCESS_DENIED), 0));
        // The reference's CommandTermination+ of GAPC2.C3 (captured, T zeroed).
        let oper = var("GAPC2$CO$C3$Oper");
        let value = {
            let spec = m
                .lock()
                .domain("CTLDev")
                .unwrap()
                .variable("GAPC2$CO$C3$Oper")
                .unwrap()
                .spec();
            let ctl = MmsValue::structure(vec![MmsValue::Integer(-3)]);
            let p = ControlParams {
                ctl_num: 1,
                t: [0; 8],
                ..ControlParams::default()
            };
            crate::iec61850::control::build_request(&spec, &ctl, &p).unwrap()
        };
        let mut out = Vec::new();
        crate::mms::information_report::encode_information_report(
            &command_termination(&oper, &value, None),
            &mut out,
        )
        .unwrap();
        assert_eq!(
            out,
            crate::test_util::hex(concat!(
                "a352a050a020301ea01ca11a1a0643544c4465761a10474150433224434f244333244f706572",
                "a02ca22aa2038501fd9108000000000000000aa205850100890086010191080000000000000000",
                "83010084020600"
            ))
        );
    }
}
