//! Controls of `iec61850_client.h`: `ControlObjectClient_*`, `IedConnection_getLastApplError`
//! and `IedConnection_setTimeQuality`.
//!
//! Observed on the reference and done alike: create reads `LN$CF$DO$ctlModel`, then the type of
//! `LN$CO$DO`; ctlNum advances when a control sequence starts (select, select-with-value, and
//! operate in the direct models); with constant T the sequence's T is reused by the SBO operate
//! and by cancel; select reads `SBO` and select-with-value writes `SBOw` whatever the model;
//! `changeServerControlModel` only changes the local model; a refused service's LastApplError
//! (an InformationReport that precedes the write response) is kept per object and per connection.

use super::super::iec61850_common::{ControlModel, IEC61850_FC_CO};
use super::super::mms_common::MmsType;
use super::super::mms_type_spec::spec_from_c;
use super::*;
use crate::hal::now_ms;
use crate::iec61850::control::{self, ApplError, ControlParams, ControlReport};
use crate::mms::value::MmsType as ValueType;
use parking_lot::Mutex;
use std::sync::Weak;

/// How many 1 ms rounds a refused service waits for its LastApplError report.
const APPL_ERROR_WAIT_ROUNDS: u32 = 10;

/// Per-connection control state: the connection's LastApplError and T's time quality.
#[derive(Default)]
struct Hub {
    appl_error: Mutex<ApplError>,
    time_quality: Mutex<u8>,
}

/// The hubs of live connections, by handle address. The connection's report listener holds
/// the only lasting strong reference, so a hub dies with its connection.
static HUBS: Mutex<Vec<(usize, Weak<Hub>)>> = Mutex::new(Vec::new());

/// The hub of a connection, created (with its LastApplError listener) on first use.
fn hub(handle: IedConnection, conn: &Connection) -> Arc<Hub> {
    let mut hubs = HUBS.lock();
    hubs.retain(|(_, weak)| weak.strong_count() > 0);
    if let Some(hub) = hubs
        .iter()
        .find(|(h, _)| *h == handle as usize)
        .and_then(|(_, weak)| weak.upgrade())
    {
        return hub;
    }
    let hub = Arc::new(Hub::default());
    let listened = hub.clone();
    conn.add_report_listener(Arc::new(move |report| {
        if let Some(
            ControlReport::LastApplError(_, error)
            | ControlReport::CommandTermination(_, Some(error)),
        ) = control::classify_report(report)
        {
            *listened.appl_error.lock() = error;
        }
    }));
    hubs.push((handle as usize, Arc::downgrade(&hub)));
    hub
}

/// The hub of a connection if it has one.
fn existing_hub(handle: IedConnection) -> Option<Arc<Hub>> {
    HUBS.lock()
        .iter()
        .find(|(h, _)| *h == handle as usize)
        .and_then(|(_, weak)| weak.upgrade())
}

/// What a control object's services read and update.
struct State {
    ctl_model: i32,
    /// Type of the Oper structure: Oper, SBOw and Cancel are built after it (Cancel without Check).
    oper_spec: TypeSpec,
    or_cat: i32,
    or_ident: Vec<u8>,
    ctl_num: u8,
    test: bool,
    interlock_check: bool,
    synchro_check: bool,
    constant_t: bool,
    /// T of the current control sequence.
    sequence_t: Option<[u8; 8]>,
    /// ctlVal of the last operate or select-with-value (cancel repeats it).
    last_ctl_val: Option<MmsValue>,
    last_error: IedClientError,
    appl_error: ApplError,
    on_termination: Option<(
        unsafe extern "C" fn(*mut c_void, ControlObjectClient),
        usize,
    )>,
}

/// The object behind a [`ControlObjectClient`] handle.
pub struct sControlObjectClient {
    reference: std::ffi::CString,
    connection: IedConnection,
    domain: String,
    /// `LN$CO$DO`.
    co_item: String,
    hub: Arc<Hub>,
    state: Arc<Mutex<State>>,
    listener: u64,
}

/// `ControlObjectClient`: handle to an opaque object.
pub type ControlObjectClient = *mut sControlObjectClient;

/// Which service a request is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Select,
    SelectWithValue,
    Operate,
    Cancel,
}

impl sControlObjectClient {
    /// The MMS variable `LN$CO$DO$<component>`.
    fn variable(&self, component: &str) -> VariableRef {
        VariableRef {
            domain_id: Some(self.domain.clone()),
            item_id: format!("{}${component}", self.co_item),
            ..VariableRef::default()
        }
    }

    /// Starts a service: clears the object's LastApplError, advances ctlNum and T as the
    /// reference does, and builds the structure to write (`None` for select).
    fn prepare(
        &self,
        action: Action,
        ctl_val: Option<&MmsValue>,
        oper_time: u64,
    ) -> Result<Option<MmsValue>, ClientError> {
        let quality = *self.hub.time_quality.lock();
        let mut s = self.state.lock();
        s.appl_error = ApplError::default();
        let starts_sequence = match action {
            Action::Select | Action::SelectWithValue => true,
            Action::Operate => !control::is_sbo(s.ctl_model),
            Action::Cancel => false,
        };
        let now = control::utc_time(now_ms(), quality);
        let t = if starts_sequence {
            s.ctl_num = s.ctl_num.wrapping_add(1);
            s.sequence_t = Some(now);
            now
        } else {
            match (s.constant_t, s.sequence_t) {
                (true, Some(t)) => t,
                _ => now,
            }
        };
        let Some(ctl_val) = ctl_val else {
            return Ok(None);
        };
        if action != Action::Cancel {
            s.last_ctl_val = Some(ctl_val.clone());
        }
        let params = ControlParams {
            oper_time_ms: oper_time,
            or_cat: s.or_cat,
            or_ident: s.or_ident.clone(),
            ctl_num: s.ctl_num,
            t,
            test: s.test,
            interlock_check: s.interlock_check,
            synchro_check: s.synchro_check,
        };
        let spec = if action == Action::Cancel {
            without_check(&s.oper_spec)
        } else {
            s.oper_spec.clone()
        };
        control::build_request(&spec, ctl_val, &params)
            .map(Some)
            .ok_or(ClientError::InvalidArgument)
    }

    /// Records a service's outcome as the object's last error.
    fn finish(&self, result: &Result<(), ClientError>) {
        if matches!(result, Err(e) if !matches!(e, ClientError::ConnectionLost | ClientError::Timeout))
        {
            self.await_appl_error();
        }
        self.state.lock().last_error = code_of(result);
    }

    /// Lets the listener record a refusal's LastApplError before the caller asks for it.
    ///
    /// The report precedes the response on the wire, but the connection wakes a synchronous
    /// caller before it queues the report for the callback thread; so this waits for the
    /// callback thread, briefly, until the error arrived (a refusal without one waits
    /// `APPL_ERROR_WAIT_ROUNDS` ms).
    fn await_appl_error(&self) {
        // SAFETY: a control object is used only while its connection lives.
        let Some(conn) = (unsafe { connection(self.connection) }) else {
            return;
        };
        for _ in 0..APPL_ERROR_WAIT_ROUNDS {
            conn.flush_callbacks();
            if self.state.lock().appl_error != ApplError::default() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}

/// The Oper type without its Check component (the shape of Cancel).
fn without_check(oper: &TypeSpec) -> TypeSpec {
    match oper {
        TypeSpec::Structure { packed, components } => TypeSpec::Structure {
            packed: *packed,
            components: components
                .iter()
                .filter(|(name, _)| name != "Check")
                .cloned()
                .collect(),
        },
        other => other.clone(),
    }
}

/// The outcome of a select: the SBO value names the object when the selection succeeded; an
/// empty name means refused (with no error, as the reference reports it).
fn select_result(value: Result<MmsValue, ClientError>) -> Result<bool, ClientError> {
    match value? {
        MmsValue::VisibleString(s) => Ok(!s.is_empty()),
        MmsValue::DataAccessError(code) => Err(ClientError::from_data_access_error(code)),
        _ => Err(ClientError::UnexpectedValue),
    }
}

/// The error of a request the connection loss cut off while it waited for its response:
/// TIMEOUT, as the reference reports it (CONNECTION_LOST stays for a request on a connection
/// already lost, which never gets this far).
fn cut_off(e: ClientError) -> ClientError {
    match e {
        ClientError::ConnectionLost => ClientError::Timeout,
        other => other,
    }
}

/// Borrows the object behind a handle.
///
/// # Safety
/// `handle` is NULL or a live handle.
unsafe fn object<'a>(handle: ControlObjectClient) -> Option<&'a sControlObjectClient> {
    // SAFETY: caller's contract.
    unsafe { handle.as_ref() }
}

/// Reads a control object's state, or `fallback` for a NULL handle.
///
/// # Safety
/// `handle` is NULL or a live handle.
unsafe fn with_state<R>(
    handle: ControlObjectClient,
    fallback: R,
    f: impl FnOnce(&mut State) -> R,
) -> R {
    // SAFETY: caller's contract.
    match unsafe { object(handle) } {
        Some(o) => f(&mut o.state.lock()),
        None => fallback,
    }
}

/// The server's ctlModel and CO type of `reference`, read as `create` does.
fn discover(conn: &Connection, reference: &str) -> Option<(i32, TypeSpec)> {
    let (model_var, co_name) = control::discovery_names(reference)?;
    let model = match conn.read(&model_var).ok()? {
        MmsValue::Integer(i) => i32::try_from(i).ok()?,
        MmsValue::Unsigned(u) => i32::try_from(u).ok()?,
        _ => return None,
    };
    let spec = conn
        .service(
            |id, buf| {
                encode_get_variable_access_attributes_request(id, &co_name, buf);
                Ok(())
            },
            |response| match response {
                ConfirmedServiceResponse::GetVariableAccessAttributes(a) => Ok(a.type_spec),
                _ => Err(ClientError::MalformedMessage),
            },
        )
        .ok()?;
    Some((model, spec))
}

/// Builds the object for `reference` with a model and CO type; NULL when it has no Oper
/// with a ctlVal.
///
/// # Safety
/// `connection` is a live handle.
unsafe fn new_object(
    reference: &str,
    connection: IedConnection,
    conn: &Connection,
    ctl_model: i32,
    co_spec: &TypeSpec,
) -> ControlObjectClient {
    let Ok(co) = object_reference_to_variable(reference, IEC61850_FC_CO) else {
        return std::ptr::null_mut();
    };
    let (Some(domain), Some((_, oper_spec))) = (co.domain_id, co_spec.component("Oper")) else {
        return std::ptr::null_mut();
    };
    // A status-only object with an Oper structure is still an object, with the model
    // STATUS_ONLY (as the reference): the server refuses what the client sends.
    if oper_spec.component("ctlVal").is_none() {
        return std::ptr::null_mut();
    }
    let state = Arc::new(Mutex::new(State {
        ctl_model,
        oper_spec: oper_spec.clone(),
        or_cat: 0,
        or_ident: Vec::new(),
        ctl_num: 0,
        test: false,
        interlock_check: false,
        synchro_check: false,
        constant_t: false,
        sequence_t: None,
        last_ctl_val: None,
        last_error: IED_ERROR_OBJECT_INVALIDATED,
        appl_error: ApplError::default(),
        on_termination: None,
    }));
    let handle = Box::into_raw(Box::new(sControlObjectClient {
        reference: crate::mms::value::c_string_lossy(reference.as_bytes()),
        connection,
        domain: domain.clone(),
        co_item: co.item_id.clone(),
        hub: hub(connection, conn),
        state: state.clone(),
        listener: 0,
    }));
    let (handle_addr, co_item) = (handle as usize, co.item_id);
    let oper_item = format!("{co_item}$Oper");
    let listener = conn.add_report_listener(Arc::new(move |report| {
        let termination = match control::classify_report(report) {
            Some(ControlReport::LastApplError(name, error)) => {
                if control::names_object(&name, &domain, &co_item) {
                    state.lock().appl_error = error;
                }
                None
            }
            Some(ControlReport::CommandTermination(var, error))
                if var.domain_id.as_deref() == Some(domain.as_str())
                    && var.item_id == oper_item =>
            {
                let mut s = state.lock();
                if let Some(error) = error {
                    s.appl_error = error;
                }
                s.on_termination
            }
            _ => None,
        };
        if let Some((function, parameter)) = termination {
            // SAFETY: the application keeps the handler valid while it is installed; destroy
            // uninstalls it before the handle is freed.
            unsafe { function(parameter as *mut c_void, handle_addr as ControlObjectClient) };
        }
    }));
    // SAFETY: freshly allocated above and not yet shared.
    unsafe { (*handle).listener = listener };
    handle
}

/// Creates a control object, asking the server for its control model and type; NULL when the
/// object does not exist or has no Oper structure.
///
/// # Safety
/// `objectReference` is NULL or a C string; `connection` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_create(
    objectReference: *const c_char,
    connection: IedConnection,
) -> ControlObjectClient {
    guard(std::ptr::null_mut(), || {
        // SAFETY: caller's contract.
        let (Ok(reference), Ok(conn)) = (
            unsafe { text(objectReference, ClientError::InvalidArgument) },
            unsafe { connected(connection) },
        ) else {
            return std::ptr::null_mut();
        };
        match discover(conn, reference) {
            // SAFETY: caller's contract.
            Some((model, spec)) => unsafe { new_object(reference, connection, conn, model, &spec) },
            None => std::ptr::null_mut(),
        }
    })
}

/// Creates a control object from a known control model and CO type (no request is sent).
/// A NULL specification gives NULL (the reference crashes).
///
/// # Safety
/// `objectReference` is NULL or a C string; `connection` is NULL or a live handle;
/// `controlObjectSpec` is NULL or a live specification.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_createEx(
    objectReference: *const c_char,
    connection: IedConnection,
    ctlModel: ControlModel,
    controlObjectSpec: *mut MmsVariableSpecification,
) -> ControlObjectClient {
    guard(std::ptr::null_mut(), || {
        // SAFETY: caller's contract.
        let reference = unsafe { text(objectReference, ClientError::InvalidArgument) };
        // SAFETY: caller's contract.
        let spec = unsafe { spec_from_c(controlObjectSpec) };
        // SAFETY: caller's contract.
        let conn = unsafe { connection_ref(connection) };
        match (reference, spec, conn, i32::try_from(ctlModel)) {
            (Ok(reference), Some(spec), Some(conn), Ok(model)) => {
                // SAFETY: caller's contract.
                unsafe { new_object(reference, connection, conn, model, &spec) }
            }
            _ => std::ptr::null_mut(),
        }
    })
}

/// The connection of a handle whatever its state.
///
/// # Safety
/// `handle` is NULL or a live handle.
unsafe fn connection_ref<'a>(handle: IedConnection) -> Option<&'a Connection> {
    // SAFETY: caller's contract.
    unsafe { connection(handle) }
}

/// Frees a control object; its CommandTermination handler is not called afterwards.
///
/// # Safety
/// `self_` is NULL or a live handle, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_destroy(self_: ControlObjectClient) {
    guard((), || {
        if self_.is_null() {
            return;
        }
        // SAFETY: caller's contract: a live handle from create, now given back.
        let object = unsafe { Box::from_raw(self_) };
        object.state.lock().on_termination = None;
        // SAFETY: the application destroys control objects before their connection.
        if let Some(conn) = unsafe { connection(object.connection) } {
            conn.remove_report_listener(object.listener);
        }
    })
}

/// The object reference the control object was created with.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_getObjectReference(
    self_: ControlObjectClient,
) -> *const c_char {
    // SAFETY: caller's contract.
    unsafe { object(self_) }.map_or(std::ptr::null(), |o| o.reference.as_ptr())
}

/// The control model in use.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_getControlModel(
    self_: ControlObjectClient,
) -> ControlModel {
    // SAFETY: caller's contract.
    unsafe { with_state(self_, 0, |s| s.ctl_model as ControlModel) }
}

/// Sets the control model used by this client (no request).
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_setControlModel(
    self_: ControlObjectClient,
    ctlModel: ControlModel,
) {
    // SAFETY: caller's contract.
    unsafe { with_state(self_, (), |s| s.ctl_model = ctlModel as i32) }
}

/// Changes the control model; as on the reference, only the local one (no request is sent).
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_changeServerControlModel(
    self_: ControlObjectClient,
    ctlModel: ControlModel,
) {
    // SAFETY: caller's contract.
    unsafe { ControlObjectClient_setControlModel(self_, ctlModel) }
}

/// The `MmsType` of ctlVal.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_getCtlValType(self_: ControlObjectClient) -> MmsType {
    // SAFETY: caller's contract.
    unsafe {
        with_state(self_, ValueType::DataAccessError as _, |s| {
            s.oper_spec
                .component("ctlVal")
                .map_or(ValueType::DataAccessError, |(_, spec)| spec.mms_type()) as _
        })
    }
}

/// The error of the last service (OBJECT_INVALIDATED before the first).
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_getLastError(
    self_: ControlObjectClient,
) -> IedClientError {
    // SAFETY: caller's contract.
    unsafe { with_state(self_, IED_ERROR_UNKNOWN, |s| s.last_error) }
}

/// The C form of an [`ApplError`].
fn appl_error_to_c(e: ApplError) -> LastApplError {
    LastApplError {
        ctlNum: e.ctl_num,
        error: e.error as ControlLastApplError,
        addCause: e.add_cause as ControlAddCause,
    }
}

/// The LastApplError of this object's last service (zero when it was not refused).
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_getLastApplError(
    self_: ControlObjectClient,
) -> LastApplError {
    // SAFETY: caller's contract.
    appl_error_to_c(unsafe { with_state(self_, ApplError::default(), |s| s.appl_error) })
}

/// The last LastApplError the connection received.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_getLastApplError(self_: IedConnection) -> LastApplError {
    appl_error_to_c(existing_hub(self_).map_or(ApplError::default(), |h| *h.appl_error.lock()))
}

/// Sets the time quality of T in the control requests of this connection.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn IedConnection_setTimeQuality(
    self_: IedConnection,
    leapSecondKnown: bool,
    clockFailure: bool,
    clockNotSynchronized: bool,
    subsecondPrecision: c_int,
) {
    guard((), || {
        // SAFETY: caller's contract.
        if let Some(conn) = unsafe { connection(self_) } {
            *hub(self_, conn).time_quality.lock() = control::time_quality(
                leapSecondKnown,
                clockFailure,
                clockNotSynchronized,
                subsecondPrecision,
            );
        }
    })
}

/// Sets the Test flag of the following requests.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_setTestMode(self_: ControlObjectClient, value: bool) {
    // SAFETY: caller's contract.
    unsafe { with_state(self_, (), |s| s.test = value) }
}

/// Sets the originator (orIdent, orCat) of the following requests.
///
/// # Safety
/// `self_` is NULL or a live handle; `orIdent` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_setOrigin(
    self_: ControlObjectClient,
    orIdent: *const c_char,
    orCat: c_int,
) {
    // SAFETY: caller's contract.
    let ident = unsafe { c_str(orIdent) }.map_or(Vec::new(), |s| s.to_bytes().to_vec());
    // SAFETY: caller's contract.
    unsafe {
        with_state(self_, (), |s| {
            s.or_ident = ident;
            s.or_cat = orCat;
        })
    }
}

/// With `true`, select-with-value's (or a direct operate's) T is reused by operate and cancel.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_useConstantT(
    self_: ControlObjectClient,
    useConstantT: bool,
) {
    // SAFETY: caller's contract.
    unsafe { with_state(self_, (), |s| s.constant_t = useConstantT) }
}

/// Sets the interlock-check bit (deprecated form).
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_enableInterlockCheck(self_: ControlObjectClient) {
    // SAFETY: caller's contract.
    unsafe { ControlObjectClient_setInterlockCheck(self_, true) }
}

/// Sets the synchro-check bit (deprecated form).
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_enableSynchroCheck(self_: ControlObjectClient) {
    // SAFETY: caller's contract.
    unsafe { ControlObjectClient_setSynchroCheck(self_, true) }
}

/// Sets the ctlNum of the next request.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_setCtlNum(self_: ControlObjectClient, ctlNum: u8) {
    // SAFETY: caller's contract.
    unsafe { with_state(self_, (), |s| s.ctl_num = ctlNum) }
}

/// Sets or clears the interlock-check bit of Check.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_setInterlockCheck(
    self_: ControlObjectClient,
    value: bool,
) {
    // SAFETY: caller's contract.
    unsafe { with_state(self_, (), |s| s.interlock_check = value) }
}

/// Sets or clears the synchro-check bit of Check.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_setSynchroCheck(
    self_: ControlObjectClient,
    value: bool,
) {
    // SAFETY: caller's contract.
    unsafe { with_state(self_, (), |s| s.synchro_check = value) }
}

/// Installs the handler called (on the callback thread) when a CommandTermination arrives.
///
/// # Safety
/// `self_` is NULL or a live handle; `handler` stays callable with `handlerParameter` while
/// installed.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_setCommandTerminationHandler(
    self_: ControlObjectClient,
    handler: CommandTerminationHandler,
    handlerParameter: *mut c_void,
) {
    let parameter = handlerParameter as usize;
    // SAFETY: caller's contract.
    unsafe {
        with_state(self_, (), |s| {
            s.on_termination = handler.map(|f| (f, parameter))
        })
    }
}

/// Runs a write-based service (operate, select-with-value, cancel) synchronously.
///
/// # Safety
/// `self_` is NULL or a live handle; `ctlVal` is NULL or a live value.
unsafe fn write_service(
    self_: ControlObjectClient,
    action: Action,
    component: &str,
    ctl_val: *const MmsValue,
    oper_time: u64,
) -> bool {
    guard(false, || {
        // SAFETY: caller's contract.
        let Some(object) = (unsafe { object(self_) }) else {
            return false;
        };
        // SAFETY: caller's contract.
        let result = unsafe { connected(object.connection) }.and_then(|conn| {
            // SAFETY: caller's contract.
            let ctl_val = unsafe { ctl_val.as_ref() }.ok_or(ClientError::InvalidArgument)?;
            let value = object
                .prepare(action, Some(ctl_val), oper_time)?
                .ok_or(ClientError::InvalidArgument)?;
            conn.write(&object.variable(component), &value)
                .map_err(cut_off)
        });
        object.finish(&result);
        result.is_ok()
    })
}

/// Operates (at `operTime` ms since 1970 for a time-activated operate, 0 for now); false with
/// the server's LastApplError when refused.
///
/// # Safety
/// `self_` is NULL or a live handle; `ctlVal` is NULL or a live value.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_operate(
    self_: ControlObjectClient,
    ctlVal: *mut MmsValue,
    operTime: u64,
) -> bool {
    // SAFETY: caller's contract.
    unsafe { write_service(self_, Action::Operate, "Oper", ctlVal, operTime) }
}

/// Selects with value (writes SBOw, enhanced security).
///
/// # Safety
/// `self_` is NULL or a live handle; `ctlVal` is NULL or a live value.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_selectWithValue(
    self_: ControlObjectClient,
    ctlVal: *mut MmsValue,
) -> bool {
    // SAFETY: caller's contract.
    unsafe { write_service(self_, Action::SelectWithValue, "SBOw", ctlVal, 0) }
}

/// Cancels a selection or a time-activated operate (writes Cancel with the last ctlVal sent).
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_cancel(self_: ControlObjectClient) -> bool {
    // SAFETY: caller's contract.
    let Some(value) = (unsafe { cancel_value(self_) }) else {
        return false;
    };
    // SAFETY: caller's contract.
    unsafe { write_service(self_, Action::Cancel, "Cancel", &value, 0) }
}

/// The ctlVal a cancel carries: the last one sent (as the reference), else the zero value of
/// ctlVal's type.
///
/// # Safety
/// `self_` is NULL or a live handle.
unsafe fn cancel_value(self_: ControlObjectClient) -> Option<MmsValue> {
    // SAFETY: caller's contract.
    unsafe {
        with_state(self_, None, |s| {
            s.last_ctl_val.clone().or_else(|| {
                s.oper_spec
                    .component("ctlVal")
                    .and_then(|(_, spec)| spec.default_value())
            })
        })
    }
}

/// Selects (reads SBO, normal security): true when the server names the object.
///
/// # Safety
/// `self_` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_select(self_: ControlObjectClient) -> bool {
    guard(false, || {
        // SAFETY: caller's contract.
        let Some(object) = (unsafe { object(self_) }) else {
            return false;
        };
        // SAFETY: caller's contract.
        let result = unsafe { connected(object.connection) }.and_then(|conn| {
            object.prepare(Action::Select, None, 0)?;
            select_result(conn.read(&object.variable("SBO")).map_err(cut_off))
        });
        // A read has no LastApplError to wait for.
        object.state.lock().last_error = code_of(&result);
        result.unwrap_or(false)
    })
}

/// Starts a control service asynchronously; `handler` gets the outcome.
///
/// # Safety
/// `self_` is NULL or a live handle; `error` is NULL or writable; `ctl_val` is NULL or a live
/// value; `handler` stays callable with `parameter` until it ran.
unsafe fn start_control(
    self_: ControlObjectClient,
    error: *mut IedClientError,
    action: Action,
    ctl_val: Option<*const MmsValue>,
    oper_time: u64,
    handler: ControlObjectClient_ControlActionHandler,
    parameter: *mut c_void,
) -> u32 {
    // SAFETY: caller's contract.
    let Some(object) = (unsafe { object(self_) }) else {
        // SAFETY: caller's contract.
        unsafe { set_error(error, IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT) };
        return 0;
    };
    let action_type = match action {
        Action::Select | Action::SelectWithValue => CONTROL_ACTION_TYPE_SELECT,
        Action::Operate => CONTROL_ACTION_TYPE_OPERATE,
        Action::Cancel => CONTROL_ACTION_TYPE_CANCEL,
    };
    let parameter = parameter as usize;
    let state = object.state.clone();
    // The completion records the last error, then calls the application.
    let complete = move |function: unsafe extern "C" fn(
        u32,
        *mut c_void,
        IedClientError,
        ControlActionType,
        bool,
    ),
                         id: u32,
                         result: Result<bool, ClientError>| {
        let code = code_of(&result);
        state.lock().last_error = code;
        let success = result.unwrap_or(false);
        // SAFETY: the application keeps the handler valid until it ran.
        unsafe { function(id, parameter as *mut c_void, code, action_type, success) }
    };
    // SAFETY: caller's contract.
    unsafe {
        start_async(object.connection, error, handler, |conn, function| {
            if action == Action::Select {
                object.prepare(action, None, 0)?;
                return conn.read_async(&object.variable("SBO"), move |id, r| {
                    complete(function, id, select_result(r.map_err(cut_off)))
                });
            }
            let value = match ctl_val {
                Some(p) => p.as_ref().cloned().ok_or(ClientError::InvalidArgument)?,
                None => cancel_value(self_).ok_or(ClientError::InvalidArgument)?,
            };
            let request = object
                .prepare(action, Some(&value), oper_time)?
                .ok_or(ClientError::InvalidArgument)?;
            let component = match action {
                Action::SelectWithValue => "SBOw",
                Action::Operate => "Oper",
                _ => "Cancel",
            };
            conn.write_async(&object.variable(component), &request, move |id, r| {
                complete(function, id, r.map(|()| true).map_err(cut_off))
            })
        })
    }
}

/// Asynchronous `operate`; returns the invoke ID (0 with `err` set on failure to send).
///
/// # Safety
/// As for `ControlObjectClient_operate`; `err` is NULL or writable; `handler` stays callable
/// with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_operateAsync(
    self_: ControlObjectClient,
    err: *mut IedClientError,
    ctlVal: *mut MmsValue,
    operTime: u64,
    handler: ControlObjectClient_ControlActionHandler,
    parameter: *mut c_void,
) -> u32 {
    guard(0, || {
        // SAFETY: caller's contract.
        unsafe {
            start_control(
                self_,
                err,
                Action::Operate,
                Some(ctlVal),
                operTime,
                handler,
                parameter,
            )
        }
    })
}

/// Asynchronous `select`.
///
/// # Safety
/// As for `ControlObjectClient_select`; `err` is NULL or writable; `handler` stays callable
/// with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_selectAsync(
    self_: ControlObjectClient,
    err: *mut IedClientError,
    handler: ControlObjectClient_ControlActionHandler,
    parameter: *mut c_void,
) -> u32 {
    guard(0, || {
        // SAFETY: caller's contract.
        unsafe { start_control(self_, err, Action::Select, None, 0, handler, parameter) }
    })
}

/// Asynchronous `selectWithValue`.
///
/// # Safety
/// As for `ControlObjectClient_selectWithValue`; `err` is NULL or writable; `handler` stays
/// callable with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_selectWithValueAsync(
    self_: ControlObjectClient,
    err: *mut IedClientError,
    ctlVal: *mut MmsValue,
    handler: ControlObjectClient_ControlActionHandler,
    parameter: *mut c_void,
) -> u32 {
    guard(0, || {
        // SAFETY: caller's contract.
        unsafe {
            start_control(
                self_,
                err,
                Action::SelectWithValue,
                Some(ctlVal),
                0,
                handler,
                parameter,
            )
        }
    })
}

/// Asynchronous `cancel`.
///
/// # Safety
/// As for `ControlObjectClient_cancel`; `err` is NULL or writable; `handler` stays callable
/// with `parameter` until it ran.
#[no_mangle]
pub unsafe extern "C" fn ControlObjectClient_cancelAsync(
    self_: ControlObjectClient,
    err: *mut IedClientError,
    handler: ControlObjectClient_ControlActionHandler,
    parameter: *mut c_void,
) -> u32 {
    guard(0, || {
        // SAFETY: caller's contract.
        unsafe { start_control(self_, err, Action::Cancel, None, 0, handler, parameter) }
    })
}
