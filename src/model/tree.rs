//! A checked, owned snapshot of a C model's structure, taken once (as `IedServer_create`
//! does): every node is verified (names, back-pointers, enum values, depth, cycles) so that
//! the server's index works on safe Rust data; only attribute values stay in C's structs,
//! reached through [`ValueSlot`].

use std::cell::RefCell;
use std::collections::HashSet;
use std::ffi::{c_char, CStr};

use super::graph::{self, MAX_DEPTH, MAX_VISITS};
use crate::ffi::iec61850_common::FunctionalConstraint;
use crate::ffi::iec61850_model::{
    DataAttribute, DataAttributeModelType, DataAttributeType, DataObjectModelType, DataSet,
    IedModel, LogicalNodeModelType, ModelNode, ModelNodeType, ReportControlBlock, IEC61850_BOOLEAN,
    IEC61850_TRGOPS,
};
use crate::ffi::mms_value::new_value;
use crate::mms::MmsValue;

/// Highest functional constraint value with an MMS name (`IEC61850_FC_GO`).
const MAX_FC: FunctionalConstraint = 18;

/// Why a model cannot be served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// The model pointer is NULL.
    #[error("the model is NULL")]
    NullModel,
    /// A node (other than an array element) has no name or a name that is not text.
    #[error("node without a valid name below {0}")]
    BadName(String),
    /// A node's parent pointer is not the node it hangs below.
    #[error("wrong parent pointer at {0}")]
    BadParent(String),
    /// A node type, functional constraint or attribute type is out of range.
    #[error("invalid enum value at {0}")]
    BadEnum(String),
    /// The graph is deeper than [`MAX_DEPTH`], revisits a node or is too large.
    #[error("cycle, runaway depth or too many nodes at {0}")]
    Runaway(String),
}

/// What a node of the tree is.
#[derive(Debug)]
pub enum Kind {
    /// A logical node.
    LogicalNode,
    /// A data object (or an element of a data object array).
    DataObject,
    /// A data attribute (or an element of an attribute array).
    Attribute {
        /// Its functional constraint.
        fc: FunctionalConstraint,
        /// Its basic type.
        ty: DataAttributeType,
        /// Its value in the C struct.
        slot: ValueSlot,
    },
}

/// One node: a logical node, data object or data attribute, with its children in model order.
#[derive(Debug)]
pub struct Node {
    /// The name (empty for an array element).
    pub name: String,
    /// Address of the C node, which identifies it when C hands it back (never dereferenced
    /// outside this module).
    pub addr: usize,
    /// Number of array elements (0: not an array).
    pub element_count: usize,
    /// Its kind.
    pub kind: Kind,
    /// Children in model order (the elements of an array).
    pub children: Vec<Node>,
}

/// A logical device: its MMS domain name and logical nodes.
#[derive(Debug)]
pub struct Device {
    /// Address of the C `LogicalDevice` (handed back to the application's handlers).
    pub addr: usize,
    /// MMS domain name (ldName, or IED name + instance).
    pub domain: String,
    /// The instance name (`LogicalDevice.name`) data set members name it by.
    pub instance: Option<String>,
    /// The logical nodes in model order.
    pub nodes: Vec<Node>,
    /// The configured data sets, in model order.
    pub data_sets: Vec<DataSetDef>,
    /// The report control blocks, in model order.
    pub report_control_blocks: Vec<RcbDef>,
    /// Log (journal) names (`LN$name`), in model order.
    pub logs: Vec<String>,
}

/// A configured data set (`struct sDataSet`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSetDef {
    /// `LN$name`.
    pub name: String,
    /// The members in order.
    pub members: Vec<MemberDef>,
}

/// One member of a data set (`struct sDataSetEntry`): a functionally constrained data
/// (attribute) by its MMS name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberDef {
    /// The member's logical device instance (`None`: the data set's own).
    pub device: Option<String>,
    /// MMS variable name within the device (`GGIO1$ST$Ind1$stVal`).
    pub variable: String,
    /// Array element (`None`: the whole variable).
    pub index: Option<u32>,
    /// Component of that element.
    pub component: Option<String>,
}

/// A configured report control block (`struct sReportControlBlock`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RcbDef {
    /// The logical node holding it.
    pub ln: String,
    /// Its name (`EventsRCB01`).
    pub name: String,
    /// RptID (`None`: the default, the RCB's reference).
    pub rpt_id: Option<String>,
    /// Buffered (BRCB) or not (URCB).
    pub buffered: bool,
    /// The data set name within the logical device (`LN$name`; `None`: none).
    pub data_set: Option<String>,
    /// ConfRev.
    pub conf_rev: u32,
    /// TrgOps bits (`TRG_OPT_*`).
    pub trg_ops: u8,
    /// OptFlds bits (`RPT_OPT_*`).
    pub options: u8,
    /// BufTm (ms).
    pub buf_tm: u32,
    /// IntgPd (ms).
    pub intg_pd: u32,
}

/// The checked structure of a whole model.
#[derive(Debug)]
pub struct Tree {
    /// The logical devices in model order.
    pub devices: Vec<Device>,
}

/// The `MmsValue` of one data attribute: owned by the C model, or by the server for the
/// attributes it adds (control blocks).
#[derive(Debug)]
pub enum ValueSlot {
    /// The value of a C `DataAttribute`.
    Model(*mut DataAttribute),
    /// A value the server keeps itself (guarded by the data model lock like the others).
    Own(RefCell<Option<MmsValue>>),
}

// SAFETY: a slot is only used while the model lives, under the server's data model lock.
unsafe impl Send for ValueSlot {}

impl ValueSlot {
    /// A slot of the server's own holding `value`.
    pub fn own(value: MmsValue) -> ValueSlot {
        ValueSlot::Own(RefCell::new(Some(value)))
    }

    /// A copy of the current value (`None` while the attribute has none).
    pub fn get(&self) -> Option<MmsValue> {
        match self {
            // SAFETY: the attribute was checked live when the tree was taken and outlives
            // it; its value is NULL or one of this library's boxed values.
            ValueSlot::Model(attribute) => unsafe { (**attribute).mmsValue.as_ref() }.cloned(),
            ValueSlot::Own(value) => value.borrow().clone(),
        }
    }

    /// The attribute's value itself, for a structure that lends it out as one of its
    /// elements (`IedServer_getFunctionalConstrainedData`); `init` is stored first when the
    /// attribute has none. `None` for a value of the server's own (control blocks).
    ///
    /// # Safety
    /// The reference aliases the model's value: it must not be used after the model or the
    /// value is freed, and like every access to model values only under the data model lock.
    pub unsafe fn placed(&self, init: impl FnOnce() -> MmsValue) -> Option<&'static mut MmsValue> {
        let ValueSlot::Model(attribute) = self else {
            return None;
        };
        // SAFETY: as in `get`.
        if unsafe { (**attribute).mmsValue.is_null() } {
            self.set(init());
        }
        // SAFETY: as in `get`; non-NULL now. The lifetime is the caller's contract.
        Some(unsafe { &mut *(**attribute).mmsValue })
    }

    /// Replaces the value (a new one is created when the attribute had none).
    pub fn set(&self, value: MmsValue) {
        match self {
            ValueSlot::Model(attribute) => {
                // SAFETY: as in `get`.
                let attribute = unsafe { &mut **attribute };
                // SAFETY: a non-NULL value is one of this library's boxed values.
                match unsafe { attribute.mmsValue.as_mut() } {
                    Some(v) => *v = value,
                    None => attribute.mmsValue = new_value(value),
                }
            }
            ValueSlot::Own(slot) => *slot.borrow_mut() = Some(value),
        }
    }
}

/// The text of a C string (`None` for NULL or invalid UTF-8).
///
/// # Safety
/// `p` is NULL or a NUL-terminated string.
unsafe fn name_of(p: *const c_char) -> Option<String> {
    // SAFETY: the caller's contract.
    (!p.is_null())
        .then(|| {
            unsafe { CStr::from_ptr(p) }
                .to_str()
                .ok()
                .map(str::to_owned)
        })
        .flatten()
}

/// State of one checking walk.
struct Walk {
    seen: HashSet<usize>,
}

impl Walk {
    /// Checks and copies the node `n` (child of `parent`, `depth` levels below its device).
    ///
    /// # Safety
    /// `n` is a non-NULL node of a model whose nodes are live or NULL.
    unsafe fn node(
        &mut self,
        n: *mut ModelNode,
        parent: *mut ModelNode,
        path: &str,
        depth: usize,
        element: bool,
    ) -> Result<Node, ModelError> {
        if depth > MAX_DEPTH || self.seen.len() >= MAX_VISITS || !self.seen.insert(n as usize) {
            return Err(ModelError::Runaway(path.to_owned()));
        }
        // SAFETY: the caller's contract.
        let node = unsafe { &*n };
        // SAFETY: the node's name is NULL or a C string.
        let name = match unsafe { name_of(node.name) } {
            Some(name) if !element => name,
            None if element => String::new(),
            _ => return Err(ModelError::BadName(path.to_owned())),
        };
        let path = format!("{path}.{name}");
        if node.parent != parent {
            return Err(ModelError::BadParent(path));
        }
        let kind = match (node.modelType, depth) {
            (t, 1) if t == LogicalNodeModelType => Kind::LogicalNode,
            (t, 2..) if t == DataObjectModelType => Kind::DataObject,
            (t, 3..) if t == DataAttributeModelType => {
                // SAFETY: a data attribute node is a `DataAttribute`.
                let a = unsafe { &*n.cast::<DataAttribute>() };
                let ty_ok = (IEC61850_BOOLEAN..=IEC61850_TRGOPS).contains(&a.r#type);
                if !ty_ok || !(0..=MAX_FC).contains(&a.fc) {
                    return Err(ModelError::BadEnum(path));
                }
                Kind::Attribute {
                    fc: a.fc,
                    ty: a.r#type,
                    slot: ValueSlot::Model(n.cast()),
                }
            }
            _ => return Err(ModelError::BadEnum(path)),
        };
        let element_count = match &kind {
            Kind::LogicalNode => 0,
            // SAFETY: data objects and attributes share the leading fields up to elementCount.
            _ => usize::try_from(unsafe { (*n.cast::<DataAttribute>()).elementCount }).unwrap_or(0),
        };
        let mut children = Vec::new();
        // SAFETY: the caller's contract covers the subtree.
        for c in unsafe { graph::children(n) }.into_iter().flatten() {
            // SAFETY: as above.
            let child_type: ModelNodeType = unsafe { (*c).modelType };
            let is_element = element_count > 0;
            if is_element && child_type != node.modelType {
                return Err(ModelError::BadEnum(path));
            }
            // SAFETY: as above.
            children.push(unsafe { self.node(c, n, &path, depth + 1, is_element) }?);
        }
        Ok(Node {
            name,
            addr: n as usize,
            element_count,
            kind,
            children,
        })
    }
}

/// Checks `model` and takes its structure.
///
/// # Safety
/// `model` is NULL or a model whose nodes are live or NULL, and outlives the tree's slots.
pub unsafe fn take(model: *mut IedModel) -> Result<Tree, ModelError> {
    // SAFETY: the caller's contract.
    let m = unsafe { model.as_ref() }.ok_or(ModelError::NullModel)?;
    let mut walk = Walk {
        seen: HashSet::new(),
    };
    let mut devices = Vec::new();
    // SAFETY: the caller's contract.
    for d in unsafe { graph::devices(model) } {
        // SAFETY: as above.
        let device = unsafe { &*d };
        // SAFETY: as above.
        let domain = unsafe { graph::domain_name(d) }.ok_or(ModelError::BadName(String::new()))?;
        if device.parent != model.cast() {
            return Err(ModelError::BadParent(domain));
        }
        if !walk.seen.insert(d as usize) {
            return Err(ModelError::Runaway(domain));
        }
        let mut nodes = Vec::new();
        // SAFETY: as above.
        for ln in unsafe { graph::children(d.cast()) }.into_iter().flatten() {
            // SAFETY: as above.
            nodes.push(unsafe { walk.node(ln, d.cast(), &domain, 1, false) }?);
        }
        // SAFETY: a device's instance name is NULL or a C string.
        let inst = unsafe { name_of(device.name) };
        // SAFETY: the model's data set list is NULL-terminated and live.
        let data_sets = unsafe { graph::chain(m.dataSets, |s| s.sibling) }
            // SAFETY: each data set's strings are NULL or C strings.
            .filter(|&s| unsafe { name_of((*s).logicalDeviceName) } == inst)
            // SAFETY: as above; its member list is NULL-terminated and live.
            .filter_map(|s| unsafe { data_set(&*s) })
            .collect();
        // SAFETY: the model's RCB list is NULL-terminated, each RCB's parent NULL or live.
        let report_control_blocks = unsafe { graph::chain(m.rcbs, |r| r.sibling) }
            // SAFETY: as above.
            .filter_map(|r| unsafe { rcb(&*r, d.cast()) })
            .collect();
        // SAFETY: the model's log list is NULL-terminated, each log's parent NULL or live.
        let logs = unsafe { graph::chain(m.logs, |l| l.sibling) }
            .filter_map(|l| unsafe {
                let ln = (*l).parent.as_ref()?;
                (ln.parent == d.cast()).then_some(())?;
                Some(format!("{}${}", name_of(ln.name)?, name_of((*l).name)?))
            })
            .collect();
        devices.push(Device {
            addr: d as usize,
            domain,
            instance: inst,
            nodes,
            data_sets,
            report_control_blocks,
            logs,
        });
    }
    Ok(Tree { devices })
}

/// A data set's name and members (`None` without a name).
///
/// # Safety
/// The data set's strings are NULL or C strings, its member list NULL-terminated and live.
unsafe fn data_set(s: &DataSet) -> Option<DataSetDef> {
    // SAFETY: the caller's contract.
    let name = unsafe { name_of(s.name) }?;
    // SAFETY: the caller's contract.
    let members = unsafe { graph::chain(s.fcdas, |e| e.sibling) }
        .filter_map(|e| {
            // SAFETY: the caller's contract covers every member.
            let e = unsafe { &*e };
            Some(MemberDef {
                // SAFETY: as above.
                device: unsafe { name_of(e.logicalDeviceName) },
                // SAFETY: as above.
                variable: unsafe { name_of(e.variableName) }?,
                index: u32::try_from(e.index).ok(),
                // SAFETY: as above.
                component: unsafe { name_of(e.componentName) },
            })
        })
        .collect();
    Some(DataSetDef { name, members })
}

/// The report control block `r` when it belongs to a logical node of `device`.
///
/// # Safety
/// `r`'s strings are NULL or C strings, its parent NULL or a live logical node.
unsafe fn rcb(r: &ReportControlBlock, device: *mut ModelNode) -> Option<RcbDef> {
    // SAFETY: the caller's contract.
    let ln = unsafe { r.parent.as_ref() }?;
    if ln.parent != device.cast() {
        return None;
    }
    // SAFETY: the caller's contract.
    unsafe {
        Some(RcbDef {
            ln: name_of(ln.name)?,
            name: name_of(r.name)?,
            rpt_id: name_of(r.rptId),
            buffered: r.buffered,
            data_set: name_of(r.dataSetName),
            conf_rev: r.confRef,
            trg_ops: r.trgOps,
            options: r.options,
            buf_tm: r.bufferTime,
            intg_pd: r.intPeriod,
        })
    }
}

/// A model loaded from a config file for tests, destroyed with this value.
#[cfg(test)]
pub struct Loaded(*mut IedModel);

#[cfg(test)]
impl Loaded {
    /// The checked tree (drop it, and whatever indexes it, before this value).
    pub fn tree(&self) -> Tree {
        // SAFETY: the model lives until `self` drops.
        unsafe { take(self.0) }.expect("valid model")
    }
}

#[cfg(test)]
impl Drop for Loaded {
    fn drop(&mut self) {
        // SAFETY: the model came from the config-file parser and is destroyed once.
        unsafe { crate::ffi::iec61850_dynamic_model::IedModel_destroy(self.0) }
    }
}

/// Loads a config-file model (tests).
#[cfg(test)]
pub fn load_config(path: &str) -> Loaded {
    let path = std::ffi::CString::new(path).unwrap();
    // SAFETY: a NUL-terminated path.
    let model = unsafe {
        crate::ffi::iec61850_config_file_parser::ConfigFileParser_createModelFromConfigFileEx(
            path.as_ptr(),
        )
    };
    assert!(!model.is_null(), "config file loads");
    Loaded(model)
}
