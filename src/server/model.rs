//! The server's index of a data model (IEC 61850-8-1 mapping): MMS domains, the names of
//! their variables (`LN`, `LN$FC`, `LN$FC$DO$DA...`), the type specification and value
//! tree of each variable, and the attribute values they read and write.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;

use crate::ffi::iec61850_common::FunctionalConstraint;
use crate::ffi::iec61850_model::*;
use crate::iec61850::{fc_from_name, fc_name};
use crate::mms::type_spec::TypeSpec;
use crate::mms::value::Node as ValueNode;
use crate::mms::MmsValue;
use crate::model::tree::{DataSetDef, Kind, Node, Tree, ValueSlot};

use super::reporting::{rcb_node, Place, Reporting};

/// Functional constraints that make up an LN's MMS structure, in the reference's order
/// (observed: ST, CO, CF, DC, SP and MX, SP, SG; DC, RP, BR, EX; the place of MX before
/// ST and of the other FCs follows IEC 61850-8-1's mapping tables).
pub(super) const LN_FCS: [FunctionalConstraint; 17] =
    [1, 0, 12, 4, 5, 2, 6, 3, 7, 15, 16, 11, 8, 9, 10, 13, 14];

/// One MMS domain (logical device).
#[derive(Debug)]
pub struct Domain {
    /// Address of the C `LogicalDevice`.
    pub addr: usize,
    /// The domain name.
    pub name: String,
    /// The logical nodes in model order.
    nodes: Vec<Node>,
    /// Every variable name, in the reference's name order.
    pub variables: Vec<String>,
    /// Named variable list (data set) names, in name order.
    pub data_sets: Vec<String>,
    /// Journal (log) names, in name order.
    pub journals: Vec<String>,
    /// The logical device's instance name (data set members name devices by it).
    instance: Option<String>,
    /// The configured data sets.
    data_set_defs: Vec<DataSetDef>,
    /// The RCBs: (LN position, child position, buffered, reference).
    rcbs: Vec<(usize, usize, bool, String)>,
    /// MMS names of the model's attributes by their C `DataAttribute` address.
    attributes: HashMap<usize, String>,
}

/// The index of a whole model.
#[derive(Debug)]
pub struct ModelIndex {
    /// Domains in name order.
    pub domains: Vec<Domain>,
    /// The report control blocks' engine (under the data model lock, as the index).
    pub reporting: RefCell<Reporting>,
}

/// A resolved MMS variable: a logical node (all its FCs), one FC of it, or a member.
#[derive(Debug, Clone, Copy)]
pub enum Variable<'a> {
    /// `LN`: the structure of its functional constraints.
    Ln(&'a Node),
    /// `LN$FC` or `LN$FC$DO...`: a node seen through one functional constraint.
    Member(&'a Node, FunctionalConstraint),
}

/// The reference's name order: `A a B b … Z z`, then `$`, `_`, digits, anything else.
pub fn name_order(a: &str, b: &str) -> Ordering {
    fn rank(c: u8) -> u16 {
        match c {
            b'A'..=b'Z' => u16::from(c - b'A') * 2,
            b'a'..=b'z' => u16::from(c - b'a') * 2 + 1,
            b'$' => 52,
            b'_' => 53,
            b'0'..=b'9' => 54 + u16::from(c - b'0'),
            _ => 64 + u16::from(c),
        }
    }
    a.bytes().map(rank).cmp(b.bytes().map(rank))
}

/// Sorts names in [`name_order`].
fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort_by(|a, b| name_order(a, b));
    names
}

/// Whether `node` is or contains an attribute with `fc`.
pub(super) fn has_fc(node: &Node, fc: FunctionalConstraint) -> bool {
    match node.kind {
        Kind::Attribute { fc: f, .. } => f == fc,
        _ => node.children.iter().any(|c| has_fc(c, fc)),
    }
}

/// The children of `node` seen through `fc` (array elements are all kept).
pub(super) fn fc_children(node: &Node, fc: FunctionalConstraint) -> impl Iterator<Item = &Node> {
    node.children
        .iter()
        .filter(move |c| node.element_count > 0 || has_fc(c, fc))
}

/// The MMS type of a basic attribute type (IEC 61850-8-1, as the reference declares it).
pub(super) fn basic_spec(ty: DataAttributeType) -> TypeSpec {
    let bits = |n: i32| TypeSpec::BitString(n);
    match ty {
        IEC61850_BOOLEAN => TypeSpec::Boolean,
        IEC61850_INT8 | IEC61850_ENUMERATED => TypeSpec::Integer(8),
        IEC61850_INT16 => TypeSpec::Integer(16),
        IEC61850_INT32 => TypeSpec::Integer(32),
        IEC61850_INT64 => TypeSpec::Integer(64),
        IEC61850_INT128 => TypeSpec::Integer(128),
        IEC61850_INT8U => TypeSpec::Unsigned(8),
        IEC61850_INT16U => TypeSpec::Unsigned(16),
        IEC61850_INT24U => TypeSpec::Unsigned(24),
        IEC61850_INT32U => TypeSpec::Unsigned(32),
        IEC61850_FLOAT32 => TypeSpec::Float {
            format_width: 32,
            exponent_width: 8,
        },
        IEC61850_FLOAT64 => TypeSpec::Float {
            format_width: 64,
            exponent_width: 11,
        },
        IEC61850_OCTET_STRING_64 => TypeSpec::OctetString(-64),
        IEC61850_OCTET_STRING_6 => TypeSpec::OctetString(-6),
        IEC61850_OCTET_STRING_8 => TypeSpec::OctetString(8),
        IEC61850_VISIBLE_STRING_32 => TypeSpec::VisibleString(-32),
        IEC61850_VISIBLE_STRING_64 => TypeSpec::VisibleString(-64),
        IEC61850_VISIBLE_STRING_65 => TypeSpec::VisibleString(-65),
        IEC61850_VISIBLE_STRING_129 => TypeSpec::VisibleString(-129),
        IEC61850_VISIBLE_STRING_255 => TypeSpec::VisibleString(-255),
        IEC61850_UNICODE_STRING_255 => TypeSpec::MmsString(-255),
        IEC61850_TIMESTAMP => TypeSpec::UtcTime,
        IEC61850_QUALITY => bits(-13),
        IEC61850_CHECK => bits(-2),
        IEC61850_CODEDENUM => bits(2),
        IEC61850_GENERIC_BITSTRING => bits(0),
        IEC61850_ENTRY_TIME => TypeSpec::BinaryTime(true),
        IEC61850_PHYCOMADDR => TypeSpec::Structure {
            packed: false,
            components: vec![
                ("Addr".into(), TypeSpec::OctetString(6)),
                ("PRIORITY".into(), TypeSpec::Unsigned(8)),
                ("VID".into(), TypeSpec::Unsigned(16)),
                ("APPID".into(), TypeSpec::Unsigned(16)),
            ],
        },
        IEC61850_CURRENCY => TypeSpec::VisibleString(-3),
        IEC61850_OPTFLDS => bits(-10),
        // The tree only holds checked types; TRGOPS is the last one.
        _ => bits(-6),
    }
}

/// Whether a basic attribute keeps its value in its own slot (PHYCOMADDR is one value).
pub(super) fn is_leaf(node: &Node) -> bool {
    matches!(node.kind, Kind::Attribute { ty, .. } if ty != IEC61850_CONSTRUCTED)
        && node.element_count == 0
}

/// The type of `node` seen through `fc`.
fn node_spec(node: &Node, fc: FunctionalConstraint) -> TypeSpec {
    if let Kind::Attribute { ty, .. } = node.kind {
        if is_leaf(node) {
            return basic_spec(ty);
        }
    }
    if node.element_count > 0 {
        let element = node
            .children
            .first()
            .map_or(TypeSpec::Boolean, |e| node_spec(e, fc));
        return TypeSpec::Array {
            packed: false,
            count: node.element_count as u32,
            element: Box::new(element),
        };
    }
    TypeSpec::Structure {
        packed: false,
        components: fc_children(node, fc)
            .map(|c| (c.name.clone(), node_spec(c, fc)))
            .collect(),
    }
}

/// The value of `node` seen through `fc` (unset leaves read as their type's default).
fn node_value(node: &Node, fc: FunctionalConstraint) -> MmsValue {
    if let Kind::Attribute { slot, ty, .. } = &node.kind {
        if is_leaf(node) {
            return slot
                .get()
                .or_else(|| basic_spec(*ty).default_value())
                .unwrap_or(MmsValue::Boolean(false));
        }
    }
    let elements = fc_children(node, fc)
        .map(|c| Some(ValueNode::new(node_value(c, fc))))
        .collect();
    if node.element_count > 0 {
        MmsValue::Array(elements)
    } else {
        MmsValue::Structure(elements)
    }
}

/// Stores `value` (already checked against the node's type) into the leaves below `node`.
fn store(node: &Node, fc: FunctionalConstraint, value: &MmsValue) {
    if let Kind::Attribute { slot, .. } = &node.kind {
        if is_leaf(node) {
            slot.set(value.clone());
            return;
        }
    }
    for (c, v) in fc_children(node, fc).zip(value.elements()) {
        if let Some(v) = v {
            store(c, fc, v);
        }
    }
}

/// Creates the values of leaves that have none (as `IedServer_create` does).
fn create_values(node: &Node) {
    if let Kind::Attribute { slot, ty, .. } = &node.kind {
        if is_leaf(node) && slot.get().is_none() {
            if let Some(v) = basic_spec(*ty).default_value() {
                slot.set(v);
            }
        }
    }
    node.children.iter().for_each(create_values);
}

/// Records the MMS names of the C attributes at and below `node` (array elements and what
/// they hold under their array's name).
fn attribute_names(
    node: &Node,
    fc: FunctionalConstraint,
    prefix: &str,
    out: &mut HashMap<usize, String>,
) {
    let name = format!("{prefix}${}", node.name);
    if node.element_count > 0 {
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if let Kind::Attribute {
                slot: ValueSlot::Model(attribute),
                ..
            } = &n.kind
            {
                out.insert(*attribute as usize, name.clone());
            }
            stack.extend(n.children.iter());
        }
        return;
    }
    if let Kind::Attribute {
        slot: ValueSlot::Model(attribute),
        ..
    } = &node.kind
    {
        out.insert(*attribute as usize, name.clone());
    }
    for c in fc_children(node, fc) {
        attribute_names(c, fc, &name, out);
    }
}

/// Appends the names of `node` and its FC members below `prefix` (arrays are not descended).
fn member_names(node: &Node, fc: FunctionalConstraint, prefix: &str, out: &mut Vec<String>) {
    let name = format!("{prefix}${}", node.name);
    if node.element_count == 0 {
        for c in fc_children(node, fc) {
            member_names(c, fc, &name, out);
        }
    }
    out.push(name);
}

impl Domain {
    /// Indexes one device of the tree, adding its control blocks to their logical nodes
    /// (`ms`: the server's start time, their first time stamps).
    fn new(mut device: crate::model::tree::Device, ms: u64) -> Domain {
        let mut rcbs = Vec::new();
        for def in &device.report_control_blocks {
            let Some(at) = device.nodes.iter().position(|n| n.name == def.ln) else {
                continue;
            };
            let ln = &mut device.nodes[at];
            let fc = if def.buffered { "BR" } else { "RP" };
            let reference = format!("{}/{}${fc}${}", device.domain, def.ln, def.name);
            rcbs.push((at, ln.children.len(), def.buffered, reference));
            ln.children.push(rcb_node(def, &device.domain, ms));
        }
        let mut attributes = HashMap::new();
        let mut variables = Vec::new();
        for ln in &device.nodes {
            create_values(ln);
            variables.push(ln.name.clone());
            for fc in LN_FCS.into_iter().filter(|&fc| has_fc(ln, fc)) {
                let prefix = format!("{}${}", ln.name, fc_name(fc).unwrap_or_default());
                for c in fc_children(ln, fc) {
                    member_names(c, fc, &prefix, &mut variables);
                    attribute_names(c, fc, &prefix, &mut attributes);
                }
                variables.push(prefix);
            }
        }
        Domain {
            addr: device.addr,
            name: device.domain,
            nodes: device.nodes,
            variables: sorted(variables),
            data_sets: sorted(device.data_sets.iter().map(|d| d.name.clone()).collect()),
            journals: sorted(device.logs),
            instance: device.instance,
            data_set_defs: device.data_sets,
            rcbs,
            attributes,
        }
    }

    /// The MMS name of the model attribute at `attribute` (a C `DataAttribute`).
    pub fn attribute_name(&self, attribute: usize) -> Option<&str> {
        self.attributes.get(&attribute).map(String::as_str)
    }

    /// The logical nodes in model order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The variable named `item` (`LN`, `LN$FC`, `LN$FC$DO$DA...`).
    pub fn variable(&self, item: &str) -> Option<Variable<'_>> {
        let mut steps = item.split('$');
        let ln_name = steps.next()?;
        let ln = self.nodes.iter().find(|n| n.name == ln_name)?;
        let Some(fc) = steps.next() else {
            return Some(Variable::Ln(ln));
        };
        let fc = fc_from_name(fc).filter(|&fc| LN_FCS.contains(&fc) && has_fc(ln, fc))?;
        let mut at = ln;
        for step in steps {
            if at.element_count > 0 {
                return None;
            }
            at = fc_children(at, fc).find(|c| c.name == step)?;
        }
        Some(Variable::Member(at, fc))
    }
}

impl<'a> Variable<'a> {
    /// Its MMS type.
    pub fn spec(self) -> TypeSpec {
        match self {
            Variable::Ln(ln) => TypeSpec::Structure {
                packed: false,
                components: LN_FCS
                    .into_iter()
                    .filter(|&fc| has_fc(ln, fc))
                    .map(|fc| (fc_name(fc).unwrap_or_default().into(), node_spec(ln, fc)))
                    .collect(),
            },
            Variable::Member(node, fc) => node_spec(node, fc),
        }
    }

    /// Its current value.
    pub fn value(self) -> MmsValue {
        match self {
            Variable::Ln(ln) => MmsValue::structure(
                LN_FCS
                    .into_iter()
                    .filter(|&fc| has_fc(ln, fc))
                    .map(|fc| node_value(ln, fc))
                    .collect(),
            ),
            Variable::Member(node, fc) => node_value(node, fc),
        }
    }

    /// The functional constraint (`None` for a whole LN).
    pub fn fc(self) -> Option<FunctionalConstraint> {
        match self {
            Variable::Ln(_) => None,
            Variable::Member(_, fc) => Some(fc),
        }
    }

    /// Array element `index` of an array member.
    pub fn element(self, index: u32) -> Option<Variable<'a>> {
        match self {
            Variable::Member(node, fc) if node.element_count > 0 => node
                .children
                .get(index as usize)
                .map(|e| Variable::Member(e, fc)),
            _ => None,
        }
    }

    /// The component `name` of a structured member.
    pub fn component(self, name: &str) -> Option<Variable<'a>> {
        match self {
            Variable::Member(node, fc) if node.element_count == 0 => fc_children(node, fc)
                .find(|c| c.name == name)
                .map(|c| Variable::Member(c, fc)),
            _ => None,
        }
    }

    /// Stores `value` (which must match [`Variable::spec`]) into the model.
    pub fn store(self, value: &MmsValue) {
        match self {
            Variable::Ln(ln) => {
                let fcs = LN_FCS.into_iter().filter(|&fc| has_fc(ln, fc));
                for (fc, v) in fcs.zip(value.elements()) {
                    if let Some(v) = v {
                        store(ln, fc, v);
                    }
                }
            }
            Variable::Member(node, fc) => store(node, fc, value),
        }
    }
}

impl ModelIndex {
    /// Indexes a checked model tree, creating the values of attributes that have none;
    /// `ms` is the server's start time (ms since 1970).
    pub fn new(tree: Tree, ms: u64) -> ModelIndex {
        let mut domains: Vec<Domain> = tree
            .devices
            .into_iter()
            .map(|d| Domain::new(d, ms))
            .collect();
        domains.sort_by(|a, b| name_order(&a.name, &b.name));
        let rcbs = domains
            .iter()
            .enumerate()
            .flat_map(|(d, domain)| {
                domain
                    .rcbs
                    .iter()
                    .map(move |(ln, child, buffered, reference)| {
                        let place = Place {
                            domain: d,
                            ln: *ln,
                            child: *child,
                        };
                        (place, *buffered, reference.clone())
                    })
            })
            .collect();
        ModelIndex {
            domains,
            reporting: RefCell::new(Reporting::new(rcbs, ms)),
        }
    }

    /// The node of a control block.
    pub fn node(&self, place: Place) -> Option<&Node> {
        self.domains
            .get(place.domain)?
            .nodes
            .get(place.ln)?
            .children
            .get(place.child)
    }

    /// The configured data set `name` (`LN$name`) of `domain`.
    pub fn data_set(&self, domain: &str, name: &str) -> Option<&DataSetDef> {
        self.domain(domain)?
            .data_set_defs
            .iter()
            .find(|d| d.name == name)
    }

    /// The domain of the logical device with instance name `instance`.
    pub fn domain_of_instance(&self, instance: &str) -> Option<&str> {
        self.domains
            .iter()
            .find(|d| d.instance.as_deref() == Some(instance))
            .map(|d| d.name.as_str())
    }

    /// The domain and MMS name of the model attribute at `attribute` (a C `DataAttribute`).
    pub fn attribute(&self, attribute: usize) -> Option<(&str, &str)> {
        self.domains
            .iter()
            .find_map(|d| Some((d.name.as_str(), d.attribute_name(attribute)?)))
    }

    /// The place of the control block `variable` names (`LN$RP$name[$attribute]`) in
    /// `domain`, and the attribute.
    pub fn control_block<'a>(
        &self,
        domain: &str,
        variable: &'a str,
    ) -> Option<(Place, Option<&'a str>)> {
        let d = self.domains.iter().position(|x| x.name == domain)?;
        let mut steps = variable.splitn(4, '$');
        let (ln, fc, name) = (steps.next()?, steps.next()?, steps.next()?);
        let attribute = steps.next();
        if fc != "RP" && fc != "BR" {
            return None;
        }
        let domain = &self.domains[d];
        domain.rcbs.iter().find_map(|&(l, c, buffered, _)| {
            let node = domain.nodes.get(l)?;
            let rcb = node.children.get(c)?;
            (node.name == ln && rcb.name == name && (fc == "BR") == buffered).then_some((
                Place {
                    domain: d,
                    ln: l,
                    child: c,
                },
                attribute,
            ))
        })
    }

    /// The domain named `name`.
    pub fn domain(&self, name: &str) -> Option<&Domain> {
        self.domains.iter().find(|d| d.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tree::load_config;

    #[test]
    fn name_order_is_the_references() {
        let names = sorted(
            ["b$x", "B", "a", "A_", "A$", "A1", "A"]
                .map(String::from)
                .to_vec(),
        );
        assert_eq!(names, ["A", "A$", "A_", "A1", "a", "B", "b$x"]);
    }

    #[test]
    fn directory_model_is_indexed() {
        let loaded = load_config("tests/fixtures/directory.cfg");
        let index = ModelIndex::new(loaded.tree(), 0);
        let names: Vec<_> = index.domains.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["DIRAux", "DIRDev"]);
        let dev = index.domain("DIRDev").unwrap();
        assert!(dev.variables.iter().any(|v| v == "GAPC1$SP$Arr$vals"));
        let arr = dev.variable("GAPC1$SP$Arr$vals").unwrap();
        assert!(matches!(arr.spec(), TypeSpec::Array { count: 5, .. }));
        assert_eq!(arr.element(2).unwrap().value(), MmsValue::Integer(0));
        assert!(arr.element(5).is_none());
        assert!(dev.variable("GAPC1$ST").is_none());
        assert!(dev.variable("GAPC1$SP$Nope").is_none());
        let set1 = dev.variable("GAPC1$SP$Set1$setVal").unwrap();
        assert_eq!(set1.value(), MmsValue::Integer(11));
        set1.store(&MmsValue::Integer(5));
        assert_eq!(set1.value(), MmsValue::Integer(5));
    }
}
