//! The functionally constrained data (FCD) of each data object, as
//! `IedServer_getFunctionalConstrainedData` lends it out: one structure per data object and
//! functional constraint, built when the server is created and freed with it. Its leaves
//! are the model's own attribute values, not copies, so a change made through either shows
//! in the other (and in what clients read).
//!
//! Observed on the reference: every data object, nested ones included, has a structure for
//! each FC found below it except CO (control attributes are not in its value cache); the
//! structure of a nested data object is the very element of its parent's; an array data
//! object gives an array; the same pointer comes back on every call and the caller must
//! not free it. (The reference crashes for array elements, which have a structure here.)

use std::collections::HashMap;

use super::model::{basic_spec, fc_children, has_fc, is_leaf, ModelIndex, LN_FCS};
use crate::ffi::iec61850_common::{FunctionalConstraint, IEC61850_FC_CO};
use crate::mms::value::Node as ValueNode;
use crate::mms::MmsValue;
use crate::model::tree::{Kind, Node};

/// The FCD structures of a model, by (C address of the data object, FC).
pub struct FcData {
    /// `Box::into_raw` values, freed on drop.
    values: HashMap<(usize, FunctionalConstraint), *mut MmsValue>,
}

impl FcData {
    /// The structures of every data object of `index`; attributes without a value get
    /// their type's default first.
    ///
    /// # Safety
    /// The structures alias the model's attribute values: they must be used (through
    /// [`FcData::get`]) only while the model lives and under the data model lock.
    pub unsafe fn new(index: &ModelIndex) -> FcData {
        let mut data = FcData {
            values: HashMap::new(),
        };
        for ln in index.domains.iter().flat_map(|d| d.nodes()) {
            // SAFETY: the caller's contract.
            unsafe { data.objects_below(ln) };
        }
        data
    }

    /// The structure of the data object at C address `object` for `fc` (`None` when it
    /// has no attribute with `fc`, for CO, or for anything that is not one of its data
    /// objects).
    pub fn get(&self, object: usize, fc: FunctionalConstraint) -> Option<*mut MmsValue> {
        self.values.get(&(object, fc)).copied()
    }

    /// Builds the structures of the data objects below `node`.
    ///
    /// # Safety
    /// As for [`FcData::new`].
    unsafe fn objects_below(&mut self, node: &Node) {
        for c in &node.children {
            if matches!(c.kind, Kind::DataObject) {
                for fc in LN_FCS {
                    if fc != IEC61850_FC_CO && has_fc(c, fc) {
                        // SAFETY: the caller's contract.
                        unsafe { self.structure(c, fc) };
                    }
                }
                // SAFETY: the caller's contract.
                unsafe { self.objects_below(c) };
            }
        }
    }

    /// The structure of data object `node` for `fc`, built on first use.
    ///
    /// # Safety
    /// As for [`FcData::new`].
    unsafe fn structure(&mut self, node: &Node, fc: FunctionalConstraint) -> *mut MmsValue {
        if let Some(v) = self.get(node.addr, fc) {
            return v;
        }
        // SAFETY: the caller's contract.
        let v = Box::into_raw(Box::new(unsafe { self.compose(node, fc) }));
        self.values.insert((node.addr, fc), v);
        v
    }

    /// The structure (array for an array node) of `node`'s children with `fc`.
    ///
    /// # Safety
    /// As for [`FcData::new`].
    unsafe fn compose(&mut self, node: &Node, fc: FunctionalConstraint) -> MmsValue {
        let elements = fc_children(node, fc)
            // SAFETY: the caller's contract.
            .map(|c| Some(unsafe { self.element(c, fc) }))
            .collect();
        if node.element_count > 0 {
            MmsValue::Array(elements)
        } else {
            MmsValue::Structure(elements)
        }
    }

    /// The element for child `c`: a basic attribute's own value, a nested data object's
    /// own structure, or a structure of its own for a constructed attribute or an array.
    ///
    /// # Safety
    /// As for [`FcData::new`].
    unsafe fn element(&mut self, c: &Node, fc: FunctionalConstraint) -> ValueNode {
        match &c.kind {
            Kind::Attribute { slot, ty, .. } if is_leaf(c) => {
                let init = || {
                    basic_spec(*ty)
                        .default_value()
                        .unwrap_or(MmsValue::Boolean(false))
                };
                // SAFETY: the caller's contract is the slot's.
                match unsafe { slot.placed(init) } {
                    Some(value) => ValueNode::Placed(value),
                    None => ValueNode::new(slot.get().unwrap_or_else(init)),
                }
            }
            Kind::DataObject => {
                // SAFETY: the caller's contract.
                let v = unsafe { self.structure(c, fc) };
                // SAFETY: a box of `values`, freed only when `self` drops, with the parent
                // that places it (a placed element is never freed or read on drop).
                ValueNode::Placed(unsafe { &mut *v })
            }
            // SAFETY: the caller's contract.
            _ => ValueNode::new(unsafe { self.compose(c, fc) }),
        }
    }
}

impl Drop for FcData {
    fn drop(&mut self) {
        for (_, v) in self.values.drain() {
            // SAFETY: from Box::into_raw in `structure`, freed once; the structures that
            // place it are not read while they drop.
            drop(unsafe { Box::from_raw(v) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::iec61850_common::{IEC61850_FC_CF, IEC61850_FC_MX, IEC61850_FC_ST};
    use crate::model::tree::load_config;

    /// The data object `path` (names below the LN) of LN `ln` in domain `domain`.
    fn object<'a>(index: &'a ModelIndex, domain: &str, ln: &str, path: &[&str]) -> &'a Node {
        let d = index.domain(domain).unwrap();
        let mut at = d.nodes().iter().find(|n| n.name == ln).unwrap();
        for step in path {
            at = at.children.iter().find(|c| c.name == *step).unwrap();
        }
        at
    }

    /// The element at `path` below the structure `v` (its address).
    fn at(v: *mut MmsValue, path: &[usize]) -> *const MmsValue {
        // SAFETY: a live structure of the test's FcData; only read here.
        let mut at: &MmsValue = unsafe { &*v };
        for &i in path {
            at = at.elements()[i].as_deref().unwrap();
        }
        at
    }

    #[test]
    fn structures_lend_the_models_values() {
        let loaded = load_config("tests/fixtures/arrays.cfg");
        let index = ModelIndex::new(loaded.tree(), 0);
        // SAFETY: used while the model lives, on this thread only.
        let data = unsafe { FcData::new(&index) };
        let ha = object(&index, "ARRDev", "MHAI1", &["HA"]);
        let har = object(&index, "ARRDev", "MHAI1", &["HA", "phsAHar"]);
        let v = data.get(ha.addr, IEC61850_FC_MX).unwrap();
        // SAFETY (all reads below): live structures of `data`, read between changes.
        assert_eq!(unsafe { &*v }.elements().len(), 1);
        let nested = data.get(har.addr, IEC61850_FC_MX).unwrap();
        assert_eq!(
            at(v, &[0]),
            nested.cast_const(),
            "a nested object is its own structure"
        );
        assert!(matches!(unsafe { &*nested }, MmsValue::Array(e) if e.len() == 6));
        // Element 0 of the array: {cVal {mag {f}, ang {f}}, q, t}; mag.f is the model's 0.5.
        let f = at(v, &[0, 0, 0, 0, 0]);
        assert_eq!(unsafe { (*f).clone() }, MmsValue::Float(0.5));
        // The leaf is the model's value: a change to it shows through the structure.
        let Kind::Attribute { slot, .. } =
            &har.children[0].children[0].children[0].children[0].kind
        else {
            panic!("f is an attribute")
        };
        slot.set(MmsValue::Float(9.0));
        assert_eq!(
            unsafe { (*at(v, &[0, 0, 0, 0, 0])).clone() },
            MmsValue::Float(9.0)
        );
        assert!(data.get(ha.addr, IEC61850_FC_ST).is_none());
        assert!(data.get(ha.addr, IEC61850_FC_CF).is_some());
        assert!(data.get(har.children[2].addr, IEC61850_FC_MX).is_some());
        drop(data);
        // The model's values survive the structures.
        assert_eq!(slot.get(), Some(MmsValue::Float(9.0)));
    }

    #[test]
    fn control_attributes_have_no_structure() {
        let loaded = load_config("tests/fixtures/demo.cfg");
        let index = ModelIndex::new(loaded.tree(), 0);
        // SAFETY: used while the model lives, on this thread only.
        let data = unsafe { FcData::new(&index) };
        let spcso = object(&index, "DEMOProt", "GGIO1", &["SPCSO2"]);
        assert!(data.get(spcso.addr, IEC61850_FC_CO).is_none());
        let st = data.get(spcso.addr, IEC61850_FC_ST).unwrap();
        // SAFETY: a live structure of `data`.
        assert_eq!(unsafe { &*st }.elements().len(), 3);
        let ln = index.domain("DEMOProt").unwrap().nodes()[0].addr;
        assert!(data.get(ln, IEC61850_FC_ST).is_none());
    }
}
