//! Functions of `iec61850_config_file_parser.h`: a server model from a config file. The
//! text is parsed by [`crate::model::config_file`]; here the file is read and the parsed
//! steps are replayed through the dynamic model functions, so `IedModel_destroy` frees
//! the result like any dynamic model.
#![allow(non_snake_case)]

use std::ffi::{c_char, CString};
use std::ptr::null_mut;

use super::guard;
use super::hal_filesystem::{FileHandle, FileSystem_readFile};
use super::iec61850_dynamic_model::*;
use super::iec61850_model::*;
use super::mms_value::*;
use crate::mms::MmsValue;
use crate::model::config_file::{self, Step, Value};

/// Largest config file read, in bytes.
const MAX_FILE: usize = 512 << 20;

/// `ConfigFileParser_createModelFromConfigFileEx`: the model of the config file
/// `filename`, or NULL when the file is missing or malformed.
///
/// # Safety
/// `filename` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn ConfigFileParser_createModelFromConfigFileEx(
    filename: *const c_char,
) -> *mut IedModel {
    guard(null_mut(), || {
        // SAFETY: the caller's contract.
        let Some(name) = (unsafe { super::c_str(filename) }) else {
            return null_mut();
        };
        use std::os::unix::ffi::OsStrExt;
        let path = std::ffi::OsStr::from_bytes(name.to_bytes());
        match std::fs::read(path) {
            Ok(text) if text.len() <= MAX_FILE => build(&text),
            _ => null_mut(),
        }
    })
}

/// `ConfigFileParser_createModelFromConfigFile`: the model of the config file open as
/// `fileHandle` (read to its end, not closed), or NULL when malformed.
///
/// # Safety
/// `fileHandle` is NULL or a handle of `FileSystem_openFile`.
#[no_mangle]
pub unsafe extern "C" fn ConfigFileParser_createModelFromConfigFile(
    fileHandle: FileHandle,
) -> *mut IedModel {
    guard(null_mut(), || {
        if fileHandle.is_null() {
            return null_mut();
        }
        let mut text = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            // SAFETY: an open handle and a buffer of the size given.
            let n =
                unsafe { FileSystem_readFile(fileHandle, chunk.as_mut_ptr(), chunk.len() as _) };
            if n <= 0 {
                break;
            }
            text.extend_from_slice(&chunk[..n as usize]);
            if text.len() > MAX_FILE {
                return null_mut();
            }
        }
        build(&text)
    })
}

/// Parses `text` and builds its model (NULL when malformed).
fn build(text: &[u8]) -> *mut IedModel {
    match config_file::parse(text) {
        Ok(description) => instantiate(&description),
        Err(_) => null_mut(),
    }
}

/// A C copy of `s` (names never hold NUL: the parser reads text lines).
fn c(s: &str) -> CString {
    CString::new(s.replace('\0', "")).unwrap_or_default()
}

/// A C copy of an optional name, and its pointer (NULL for None).
fn c_opt(s: &Option<String>) -> Option<CString> {
    s.as_deref().map(c)
}

fn ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
}

/// The C value of a parsed initial value.
fn new_value(v: &Value) -> *mut MmsValue {
    match v {
        Value::Boolean(b) => MmsValue_newBoolean(*b),
        Value::Integer(i) => MmsValue_newIntegerFromInt32(*i),
        Value::Unsigned(u) => MmsValue_newUnsignedFromUint32(*u),
        Value::Float(f) => MmsValue_newFloat(*f),
        Value::Double(d) => MmsValue_newDouble(*d),
        Value::VisibleString(s) | Value::MmsString(s) => {
            let text = CString::new(s.iter().copied().filter(|&b| b != 0).collect::<Vec<_>>())
                .unwrap_or_default();
            // SAFETY: a C string.
            unsafe {
                if matches!(v, Value::MmsString(_)) {
                    MmsValue_newMmsString(text.as_ptr())
                } else {
                    MmsValue_newVisibleString(text.as_ptr())
                }
            }
        }
        Value::BitString { bits, value } => {
            let b = MmsValue_newBitString(*bits);
            // SAFETY: a fresh bit string.
            unsafe { MmsValue_setBitStringFromIntegerBigEndian(b, *value) };
            b
        }
    }
}

/// An open block while replaying: its node (or control block) and, for arrays, its
/// elements in index order.
struct Frame {
    node: *mut ModelNode,
    elements: Vec<*mut ModelNode>,
    gse: *mut GSEControlBlock,
    sv: *mut SVControlBlock,
    data_set: *mut DataSet,
}

impl Frame {
    fn node(node: *mut ModelNode) -> Frame {
        Frame {
            node,
            elements: Vec::new(),
            gse: null_mut(),
            sv: null_mut(),
            data_set: null_mut(),
        }
    }
}

/// The children of an array node, in order.
fn elements_of(node: *mut ModelNode, count: i32) -> Vec<*mut ModelNode> {
    let mut out = Vec::with_capacity(count.max(0) as usize);
    // SAFETY: a live node just built by the dynamic model functions.
    let mut at = unsafe { node.as_ref() }.map_or(null_mut(), |n| n.firstChild);
    while let Some(n) = unsafe { at.as_ref() } {
        out.push(at);
        at = n.sibling;
    }
    out
}

/// Replays the steps; NULL (and nothing left behind) if a creation fails.
fn instantiate(d: &config_file::ModelDescription) -> *mut IedModel {
    let name = c(&d.name);
    // SAFETY: a C string; the model registers itself as ours.
    let model = unsafe { IedModel_create(name.as_ptr()) };
    if model.is_null() {
        return null_mut();
    }
    // SAFETY: every pointer used comes from the dynamic model functions on this model.
    let ok = unsafe { replay(model, &d.steps) };
    if ok {
        model
    } else {
        // SAFETY: our own model, not handed out.
        unsafe { IedModel_destroy(model) };
        null_mut()
    }
}

/// Builds `steps` into `model`; false when a node could not be made.
///
/// # Safety
/// `model` is a live dynamic model.
unsafe fn replay(model: *mut IedModel, steps: &[Step]) -> bool {
    let mut stack: Vec<Frame> = Vec::new();
    let mut node_ln: *mut LogicalNode = null_mut();
    // The reference gives an address read inside an SV block to the last GoCB of the file
    // as well: the walk of its model shows it, so ours does the same.
    let mut last_gse: *mut GSEControlBlock = null_mut();
    for step in steps {
        let top = stack.last().map_or(null_mut(), |f| f.node);
        // SAFETY (whole match): parents are live nodes of `model`, names C strings.
        unsafe {
            match step {
                Step::Device { inst, ld_name } => {
                    let (i, l) = (c(inst), c_opt(ld_name));
                    let d = LogicalDevice_createEx(i.as_ptr(), model, ptr(&l));
                    if d.is_null() {
                        return false;
                    }
                    stack.push(Frame::node(d.cast()));
                }
                Step::Node(name) => {
                    let n = c(name);
                    node_ln = LogicalNode_create(n.as_ptr(), top.cast());
                    if node_ln.is_null() {
                        return false;
                    }
                    stack.push(Frame::node(node_ln.cast()));
                }
                Step::DataObject { name, elements } => {
                    let n = c(name);
                    let o = DataObject_create(n.as_ptr(), top, *elements);
                    if o.is_null() {
                        return false;
                    }
                    let mut f = Frame::node(o.cast());
                    if *elements > 0 {
                        f.elements = elements_of(o.cast(), *elements);
                    }
                    stack.push(f);
                }
                Step::DataAttribute {
                    name,
                    elements,
                    kind,
                    fc,
                    trg_ops,
                    s_addr,
                    value,
                    open,
                } => {
                    let n = c(name);
                    let a = DataAttribute_create(
                        n.as_ptr(),
                        top,
                        *kind,
                        *fc,
                        *trg_ops,
                        *elements,
                        *s_addr,
                    );
                    let Some(attribute) = a.as_mut() else {
                        return false;
                    };
                    if let Some(v) = value {
                        attribute.mmsValue = new_value(v);
                    }
                    if *open {
                        let mut f = Frame::node(a.cast());
                        if *elements > 0 {
                            f.elements = elements_of(a.cast(), *elements);
                        }
                        stack.push(f);
                    }
                }
                Step::Element(i) => {
                    let Some(&e) = stack.last().and_then(|f| f.elements.get(*i as usize)) else {
                        return false;
                    };
                    stack.push(Frame::node(e));
                }
                Step::DataSet(name) => {
                    let n = c(name);
                    let ds = DataSet_create(n.as_ptr(), node_ln);
                    if ds.is_null() {
                        return false;
                    }
                    let mut f = Frame::node(null_mut());
                    f.data_set = ds;
                    stack.push(f);
                }
                Step::Entry {
                    variable,
                    index,
                    component,
                } => {
                    let ds = stack.last().map_or(null_mut(), |f| f.data_set);
                    let (v, comp) = (c(variable), c_opt(component));
                    if DataSetEntry_create(ds, v.as_ptr(), *index, ptr(&comp)).is_null() {
                        return false;
                    }
                }
                Step::Report {
                    name,
                    rpt_id,
                    buffered,
                    data_set,
                    numbers: (conf_rev, trg_ops, options, buf_tm, intg_pd),
                } => {
                    let (n, r, ds) = (c(name), c_opt(rpt_id), c_opt(data_set));
                    let rcb = ReportControlBlock_create(
                        n.as_ptr(),
                        node_ln,
                        ptr(&r),
                        *buffered,
                        ptr(&ds),
                        *conf_rev,
                        *trg_ops,
                        *options,
                        *buf_tm,
                        *intg_pd,
                    );
                    if rcb.is_null() {
                        return false;
                    }
                }
                Step::LogControl {
                    name,
                    data_set,
                    log_ref,
                    trg_ops,
                    int_period,
                    log_ena,
                    reason_code,
                } => {
                    let (n, ds, r) = (c(name), c_opt(data_set), c_opt(log_ref));
                    let lcb = LogControlBlock_create(
                        n.as_ptr(),
                        node_ln,
                        ptr(&ds),
                        ptr(&r),
                        *trg_ops,
                        *int_period,
                        *log_ena,
                        *reason_code,
                    );
                    if lcb.is_null() {
                        return false;
                    }
                }
                Step::Log(name) => {
                    let n = c(name);
                    if Log_create(n.as_ptr(), node_ln).is_null() {
                        return false;
                    }
                }
                Step::Gse {
                    names: (name, app_id, data_set),
                    conf_rev,
                    fixed_offs,
                    times: (min, max),
                    open,
                } => {
                    let (n, a, ds) = (c(name), c(app_id), c(data_set));
                    let g = GSEControlBlock_create(
                        n.as_ptr(),
                        node_ln,
                        a.as_ptr(),
                        ds.as_ptr(),
                        *conf_rev,
                        *fixed_offs,
                        *min,
                        *max,
                    );
                    if g.is_null() {
                        return false;
                    }
                    last_gse = g;
                    if *open {
                        let mut f = Frame::node(null_mut());
                        f.gse = g;
                        stack.push(f);
                    }
                }
                Step::Sv {
                    names: (name, sv_id, data_set),
                    conf_rev,
                    numbers: (smp_mod, smp_rate, opt_flds),
                    unicast,
                    open,
                } => {
                    let (n, s, ds) = (c(name), c(sv_id), c(data_set));
                    let sv = SVControlBlock_create(
                        n.as_ptr(),
                        node_ln,
                        s.as_ptr(),
                        ds.as_ptr(),
                        *conf_rev,
                        *smp_mod,
                        *smp_rate,
                        *opt_flds,
                        *unicast,
                    );
                    if sv.is_null() {
                        return false;
                    }
                    if *open {
                        let mut f = Frame::node(null_mut());
                        f.sv = sv;
                        stack.push(f);
                    }
                }
                Step::SettingGroup { act_sg, num_of_sgs } => {
                    if SettingGroupControlBlock_create(node_ln, *act_sg, *num_of_sgs).is_null() {
                        return false;
                    }
                }
                Step::Address(a) => {
                    let Some(f) = stack.last() else {
                        return false;
                    };
                    let mut mac = a.mac;
                    let address = PhyComAddress_create(
                        a.vlan_priority,
                        a.vlan_id,
                        a.app_id,
                        mac.as_mut_ptr(),
                    );
                    if address.is_null() {
                        return false;
                    }
                    if !f.gse.is_null() {
                        GSEControlBlock_addPhyComAddress(f.gse, address);
                    } else if !f.sv.is_null() {
                        SVControlBlock_addPhyComAddress(f.sv, address);
                        if !last_gse.is_null() {
                            let copy = PhyComAddress_create(
                                a.vlan_priority,
                                a.vlan_id,
                                a.app_id,
                                mac.as_mut_ptr(),
                            );
                            GSEControlBlock_addPhyComAddress(last_gse, copy);
                        }
                    } else {
                        libc::free(address.cast());
                        return false;
                    }
                }
                Step::End => {
                    stack.pop();
                }
            }
        }
    }
    true
}
