//! The text model format of `ConfigFileParser_createModelFromConfigFileEx`, parsed without
//! I/O into a [`ModelDescription`]: the creation steps, in file order, that the dynamic
//! model functions replay.
//!
//! One block per line, no leading white space: `MODEL(name){`, `LD(inst [ldName]){`,
//! `LN(name){`, `DO(name count){`, `DA(name count type fc trgOps sAddr)[=value][;|{]`,
//! `[index]{` / `[index];` (array elements), `DS(name){` with `DE(var [index [component]]);`,
//! `RC(...)`, `LC(...)`, `LOG(name)`, `GC(...)[{ PA(...) }]`, `SMVC(...)[{ PA(...) }]`,
//! `SG(actSG numOfSGs)`, and `}` closing a block. Values and numbers are read the way the
//! reference library reads them (C `%i`/`%u`/`%f` conversions: a prefix, wrapped to the
//! field's width), so models equal its models node by node.

use std::fmt;

/// Deepest block nesting accepted (the model walks stop at 64 levels).
pub const MAX_NESTING: usize = 48;
/// Longest line accepted, in bytes.
pub const MAX_LINE: usize = 64 * 1024;
/// Most elements of one array.
pub const MAX_ELEMENTS: i64 = 65_535;
/// Most creation steps of one file.
pub const MAX_STEPS: usize = 8 << 20;

/// A parse error: the 1-based line and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// 1-based line number (the line after the last one for a truncated file).
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for Error {}

/// An initial attribute value, already converted to the attribute's basic type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// BOOLEAN.
    Boolean(bool),
    /// INT8 .. INT128 and ENUMERATED (an MMS integer).
    Integer(i32),
    /// INT8U .. INT32U.
    Unsigned(u32),
    /// FLOAT32.
    Float(f32),
    /// FLOAT64.
    Double(f64),
    /// VISIBLE_STRING_* and CURRENCY.
    VisibleString(Vec<u8>),
    /// UNICODE_STRING_255 (an MMS string).
    MmsString(Vec<u8>),
    /// OPTFLDS (10 bits) and TRGOPS (6 bits), set big-endian from an integer.
    BitString {
        /// Size in bits.
        bits: i32,
        /// The integer the bits are set from.
        value: u32,
    },
}

/// A physical communication address (`PA(prio vlanId appId mac)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// VLAN priority.
    pub vlan_priority: u8,
    /// VLAN id.
    pub vlan_id: u16,
    /// APPID.
    pub app_id: u16,
    /// Destination MAC address.
    pub mac: [u8; 6],
}

/// One creation step; `End` closes the innermost open device, node, object, attribute,
/// element, data set or control block.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A logical device (opens).
    Device {
        /// Instance name.
        inst: String,
        /// Functional name (the MMS domain name when present).
        ld_name: Option<String>,
    },
    /// A logical node (opens).
    Node(String),
    /// A data object, an array when `elements` > 0 (opens).
    DataObject {
        /// Name.
        name: String,
        /// Array elements (0: not an array).
        elements: i32,
    },
    /// A data attribute; opens when `open`.
    DataAttribute {
        /// Name.
        name: String,
        /// Array elements (0: not an array).
        elements: i32,
        /// DataAttributeType.
        kind: i32,
        /// FunctionalConstraint.
        fc: i32,
        /// Trigger options.
        trg_ops: u8,
        /// Short address.
        s_addr: u32,
        /// Initial value.
        value: Option<Value>,
        /// Whether a block of children or elements follows.
        open: bool,
    },
    /// Enters the array element `index` of the open object or attribute (opens).
    Element(i32),
    /// A data set of the open logical node (opens).
    DataSet(String),
    /// A data set entry.
    Entry {
        /// Variable name (`LN$FC$...`, optionally `LD/` first).
        variable: String,
        /// Array index or -1.
        index: i32,
        /// Component below the array element.
        component: Option<String>,
    },
    /// A report control block.
    Report {
        /// Name.
        name: String,
        /// RptID (None for `-`).
        rpt_id: Option<String>,
        /// Buffered.
        buffered: bool,
        /// Data set (None for `-`).
        data_set: Option<String>,
        /// confRev, trgOps, options, bufTime, intgPd.
        numbers: (u32, u8, u8, u32, u32),
    },
    /// A log control block.
    LogControl {
        /// Name.
        name: String,
        /// Data set (None for `-`).
        data_set: Option<String>,
        /// Log reference (None for `-`).
        log_ref: Option<String>,
        /// Trigger options.
        trg_ops: u8,
        /// Integrity period.
        int_period: u32,
        /// logEna.
        log_ena: bool,
        /// reasonCode.
        reason_code: bool,
    },
    /// A log.
    Log(String),
    /// A GOOSE control block; opens when `open`.
    Gse {
        /// Name, appId, data set.
        names: (String, String, String),
        /// confRev.
        conf_rev: u32,
        /// fixedOffs.
        fixed_offs: bool,
        /// minTime, maxTime.
        times: (i32, i32),
        /// Whether an address block follows.
        open: bool,
    },
    /// A sampled values control block; opens when `open`.
    Sv {
        /// Name, svId, data set.
        names: (String, String, String),
        /// confRev.
        conf_rev: u32,
        /// smpMod, smpRate, optFlds.
        numbers: (u8, u16, u8),
        /// isUnicast.
        unicast: bool,
        /// Whether an address block follows.
        open: bool,
    },
    /// A setting group control block.
    SettingGroup {
        /// actSG.
        act_sg: u8,
        /// numOfSGs.
        num_of_sgs: u8,
    },
    /// The address of the open GOOSE or SV control block.
    Address(Address),
    /// Closes the innermost open step.
    End,
}

/// A parsed model: its name and the creation steps, balanced (every opening step has its
/// `End`).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDescription {
    /// IED name.
    pub name: String,
    /// Creation steps in file order.
    pub steps: Vec<Step>,
}

/// What an open block is, for the lines it may contain.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Block {
    Model,
    Device,
    Node,
    /// A data object: its array size and whether its parent is a data object.
    Object {
        elements: i32,
        nested: bool,
    },
    /// A data attribute: its array size.
    Attribute {
        elements: i32,
    },
    /// An element of an object array or of an attribute array.
    Element,
    DataSet,
    Control,
}

/// Highest `DataAttributeType` (`IEC61850_TRGOPS`).
const MAX_TYPE: i32 = 32;

/// Highest functional constraint (`IEC61850_FC_GO`).
const MAX_FC: i32 = 18;

/// Parses a whole file.
pub fn parse(text: &[u8]) -> Result<ModelDescription, Error> {
    let mut parser = Parser {
        stack: Vec::new(),
        steps: Vec::new(),
        name: None,
        closed: false,
    };
    let mut count = 0;
    // The last "line" after the final newline is empty: not a line.
    let text = text.strip_suffix(b"\n").unwrap_or(text);
    for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
        count = i + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        parser.line(line).map_err(|message| Error {
            line: i + 1,
            message,
        })?;
    }
    match (parser.closed, parser.name) {
        (true, Some(name)) => Ok(ModelDescription {
            name,
            steps: parser.steps,
        }),
        _ => Err(Error {
            line: count + 1,
            message: "the file ends inside a block".into(),
        }),
    }
}

struct Parser {
    stack: Vec<Block>,
    steps: Vec<Step>,
    name: Option<String>,
    closed: bool,
}

type Res<T> = Result<T, String>;

impl Parser {
    fn push_step(&mut self, step: Step) -> Res<()> {
        if self.steps.len() >= MAX_STEPS {
            return Err("too many blocks".into());
        }
        self.steps.push(step);
        Ok(())
    }

    fn open(&mut self, block: Block, step: Option<Step>) -> Res<()> {
        if self.stack.len() >= MAX_NESTING {
            return Err("blocks nested too deeply".into());
        }
        if let Some(step) = step {
            self.push_step(step)?;
        }
        self.stack.push(block);
        Ok(())
    }

    fn line(&mut self, line: &[u8]) -> Res<()> {
        if line.len() > MAX_LINE {
            return Err("line too long".into());
        }
        if self.closed {
            return Err("text after the model".into());
        }
        let line = std::str::from_utf8(line).map_err(|_| "not UTF-8 text".to_string())?;
        if line.starts_with('}') {
            return self.close();
        }
        let Some(top) = self.stack.last().copied() else {
            let args = args(line, "MODEL(").ok_or("expected MODEL(name)")?;
            self.name = Some(args.first().copied().unwrap_or("").to_string());
            return self.open(Block::Model, None);
        };
        match top {
            Block::Model => {
                let a = args(line, "LD(").ok_or("expected LD(inst) or }")?;
                let inst = field(&a, 0)?.to_string();
                let ld_name = a.get(1).map(|s| s.to_string());
                self.open(Block::Device, Some(Step::Device { inst, ld_name }))
            }
            Block::Device => {
                let a = args(line, "LN(").ok_or("expected LN(name) or }")?;
                let name = field(&a, 0)?.to_string();
                self.open(Block::Node, Some(Step::Node(name)))
            }
            Block::Node => self.node_line(line),
            Block::Object { elements, nested } => {
                if line.starts_with('[') {
                    if elements == 0 || !nested {
                        return Err("array element outside an object array".into());
                    }
                    return self.element(line, elements, false);
                }
                if elements > 0 {
                    return Err("an object array holds [index] elements only".into());
                }
                self.member_line(line)
            }
            Block::Attribute { elements } => {
                if line.starts_with('[') {
                    if elements == 0 {
                        return Err("array element outside an attribute array".into());
                    }
                    return self.element(line, elements, true);
                }
                if elements > 0 {
                    return Err("an attribute array holds [index] elements only".into());
                }
                self.member_line(line)
            }
            Block::Element => self.member_line(line),
            Block::DataSet => {
                let rest = line.strip_prefix("DE(").ok_or("expected DE(...) or }")?;
                let inner = rest.split(')').next().unwrap_or("");
                let (variable, tail) = match inner.split_once(' ') {
                    Some((v, t)) => (v, Some(t)),
                    None => (inner, None),
                };
                let (index, component) = match tail {
                    None => (-1, None),
                    Some(t) => {
                        let (i, c) = match t.split_once(' ') {
                            Some((i, c)) => (i, Some(c.to_string())),
                            None => (t, None),
                        };
                        (c_int(i).map_or(0, |v| v as i32), c)
                    }
                };
                self.push_step(Step::Entry {
                    variable: variable.to_string(),
                    index,
                    component,
                })
            }
            Block::Control => {
                let a = args(line, "PA(").ok_or("expected PA(...) or }")?;
                let mac = field(&a, 3)?;
                let bytes = mac.as_bytes();
                if bytes.len() < 12 {
                    return Err("MAC address of 6 octets expected".into());
                }
                let mut octets = [0u8; 6];
                for (i, o) in octets.iter_mut().enumerate() {
                    let pair = std::str::from_utf8(&bytes[2 * i..2 * i + 2]).unwrap_or("");
                    *o = u8::from_str_radix(pair, 16).map_err(|_| "bad MAC address")?;
                }
                self.push_step(Step::Address(Address {
                    vlan_priority: int(&a, 0)? as u8,
                    vlan_id: int(&a, 1)? as u16,
                    app_id: int(&a, 2)? as u16,
                    mac: octets,
                }))
            }
        }
    }

    fn close(&mut self) -> Res<()> {
        match self.stack.pop() {
            None => Err("} without a block".into()),
            Some(Block::Model) => {
                self.closed = true;
                Ok(())
            }
            Some(_) => self.push_step(Step::End),
        }
    }

    fn element(&mut self, line: &str, elements: i32, attribute: bool) -> Res<()> {
        let rest = &line[1..];
        let (index, tail) = rest.split_once(']').ok_or("expected [index]")?;
        let index = c_int(index).ok_or("bad element index")?;
        if index < 0 || index >= i64::from(elements) {
            return Err("element index out of range".into());
        }
        match tail {
            "{" => self.open(Block::Element, Some(Step::Element(index as i32))),
            ";" | "" if attribute => Ok(()),
            _ => Err("expected [index]{ or [index];".into()),
        }
    }

    /// A line of a logical node: data objects, data sets and control blocks.
    fn node_line(&mut self, line: &str) -> Res<()> {
        if let Some(a) = args(line, "DO(") {
            let (name, elements) = (field(&a, 0)?.to_string(), count(&a, 1)?);
            let step = Step::DataObject { name, elements };
            return self.open_or_leaf(
                line,
                Block::Object {
                    elements,
                    nested: false,
                },
                step,
            );
        }
        if let Some(a) = args(line, "DS(") {
            let name = field(&a, 0)?.to_string();
            return self.open(Block::DataSet, Some(Step::DataSet(name)));
        }
        if let Some(a) = args(line, "RC(") {
            if opens(line) {
                return Err("a report control block has no block".into());
            }
            return self.push_step(Step::Report {
                name: field(&a, 0)?.to_string(),
                rpt_id: dash(field(&a, 1)?),
                buffered: int(&a, 2)? != 0,
                data_set: dash(field(&a, 3)?),
                numbers: (
                    uint(&a, 4)?,
                    uint(&a, 5)? as u8,
                    uint(&a, 6)? as u8,
                    uint(&a, 7)?,
                    uint(&a, 8)?,
                ),
            });
        }
        if let Some(a) = args(line, "LC(") {
            return self.push_step(Step::LogControl {
                name: field(&a, 0)?.to_string(),
                data_set: dash(field(&a, 1)?),
                log_ref: dash(field(&a, 2)?),
                trg_ops: uint(&a, 3)? as u8,
                int_period: uint(&a, 4)?,
                log_ena: int(&a, 5)? != 0,
                reason_code: int(&a, 6)? != 0,
            });
        }
        if let Some(rest) = line.strip_prefix("LOG(") {
            // The name is the first word, cut at a ')' after its first character: an empty
            // name ("LOG();") keeps ");", as the reference reads it.
            let word = rest.split(' ').next().unwrap_or("");
            let name = match word.get(1..).and_then(|w| w.find(')')) {
                Some(i) => &word[..i + 1],
                None => word,
            };
            return self.push_step(Step::Log(name.to_string()));
        }
        if let Some(a) = args(line, "GC(") {
            let step = Step::Gse {
                names: first_names(&a)?,
                conf_rev: uint(&a, 3)?,
                fixed_offs: int(&a, 4)? != 0,
                times: (int(&a, 5)? as i32, int(&a, 6)? as i32),
                open: opens(line),
            };
            return self.open_or_leaf(line, Block::Control, step);
        }
        if let Some(a) = args(line, "SMVC(") {
            let step = Step::Sv {
                names: first_names(&a)?,
                conf_rev: uint(&a, 3)?,
                numbers: (int(&a, 4)? as u8, int(&a, 5)? as u16, int(&a, 6)? as u8),
                unicast: int(&a, 7)? != 0,
                open: opens(line),
            };
            return self.open_or_leaf(line, Block::Control, step);
        }
        if let Some(a) = args(line, "SG(") {
            return self.push_step(Step::SettingGroup {
                act_sg: int(&a, 0)? as u8,
                num_of_sgs: int(&a, 1)? as u8,
            });
        }
        Err("unknown line in a logical node".into())
    }

    /// A line inside a data object, attribute or element: objects and attributes.
    fn member_line(&mut self, line: &str) -> Res<()> {
        let parent_is_object = matches!(self.stack.last(), Some(Block::Object { .. }));
        if let Some(a) = args(line, "DO(") {
            if !parent_is_object && !self.in_object_element() {
                return Err("a data object inside a data attribute".into());
            }
            let (name, elements) = (field(&a, 0)?.to_string(), count(&a, 1)?);
            let step = Step::DataObject { name, elements };
            return self.open_or_leaf(
                line,
                Block::Object {
                    elements,
                    nested: true,
                },
                step,
            );
        }
        let a = args(line, "DA(").ok_or("expected DO(...), DA(...) or }")?;
        let elements = count(&a, 1)?;
        let kind = int(&a, 2)? as i32;
        let fc = int(&a, 3)? as i32;
        // Types and FCs the model headers define; the reference takes any number, a server
        // could not encode an attribute of another.
        if !(0..=MAX_TYPE).contains(&kind) {
            return Err("unknown data attribute type".into());
        }
        if !(0..=MAX_FC).contains(&fc) {
            return Err("unknown functional constraint".into());
        }
        let value = match line.split_once(")=") {
            Some((_, text)) => parse_value(kind, text),
            None => None,
        };
        let open = opens(line) && !line.contains(")=");
        let step = Step::DataAttribute {
            name: field(&a, 0)?.to_string(),
            elements,
            kind,
            fc,
            trg_ops: uint(&a, 4)? as u8,
            s_addr: uint(&a, 5)?,
            value,
            open,
        };
        if open {
            self.open(Block::Attribute { elements }, Some(step))
        } else {
            self.push_step(step)
        }
    }

    /// Whether the innermost element block is an element of an object array.
    fn in_object_element(&self) -> bool {
        let n = self.stack.len();
        n >= 2
            && self.stack[n - 1] == Block::Element
            && matches!(self.stack[n - 2], Block::Object { .. })
    }

    fn open_or_leaf(&mut self, line: &str, block: Block, step: Step) -> Res<()> {
        if opens(line) {
            self.open(block, Some(step))
        } else {
            self.push_step(step)
        }
    }
}

/// Whether a block line opens a block (ends with `{`).
fn opens(line: &str) -> bool {
    line.trim_end().ends_with('{')
}

/// The white-space separated arguments of `KEY(a b c)...`, or None if the line is not one.
fn args<'a>(line: &'a str, key: &str) -> Option<Vec<&'a str>> {
    let rest = line.strip_prefix(key)?;
    let inner = rest.split(')').next().unwrap_or("");
    Some(inner.split_whitespace().collect())
}

fn field<'a>(a: &[&'a str], i: usize) -> Res<&'a str> {
    a.get(i)
        .copied()
        .ok_or_else(|| format!("argument {} missing", i + 1))
}

/// `-` stands for no name.
fn dash(s: &str) -> Option<String> {
    (s != "-").then(|| s.to_string())
}

/// The first three arguments as names (a control block's name, id and data set).
fn first_names(a: &[&str]) -> Res<(String, String, String)> {
    Ok((
        field(a, 0)?.to_string(),
        field(a, 1)?.to_string(),
        field(a, 2)?.to_string(),
    ))
}

fn int(a: &[&str], i: usize) -> Res<i64> {
    c_int(field(a, i)?).ok_or_else(|| format!("argument {} is not a number", i + 1))
}

fn uint(a: &[&str], i: usize) -> Res<u32> {
    c_uint(field(a, i)?).ok_or_else(|| format!("argument {} is not a number", i + 1))
}

/// An array size: 0 ..= MAX_ELEMENTS (negative means none).
fn count(a: &[&str], i: usize) -> Res<i32> {
    let n = int(a, i)?;
    if n > MAX_ELEMENTS {
        return Err("array too large".into());
    }
    Ok(n.max(0) as i32)
}

/// The digits of `s` in `radix` from its start, with the count of bytes used.
fn digits(s: &[u8], radix: u32) -> (u128, usize) {
    let mut value: u128 = 0;
    let mut n = 0;
    while let Some(d) = s.get(n).and_then(|&c| (c as char).to_digit(radix)) {
        // Saturate far beyond 64 bits; the callers clamp as strtol/strtoul do.
        value = value
            .saturating_mul(u128::from(radix))
            .saturating_add(u128::from(d));
        n += 1;
    }
    (value, n)
}

/// Leading white space, then an optional sign: (negative, rest).
fn sign(s: &str) -> (bool, &[u8]) {
    let s = s
        .trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c'])
        .as_bytes();
    match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

/// C's `%i` into an `int`: a decimal, `0x` hex or `0` octal prefix (strtol, saturated to
/// 64 bits), then wrapped to 32 bits; None without digits.
pub fn c_int(s: &str) -> Option<i64> {
    let (negative, s) = sign(s);
    let (value, n) = if s.len() > 2 && s[0] == b'0' && (s[1] | 0x20) == b'x' {
        match digits(&s[2..], 16) {
            (_, 0) => (0, 1),
            (v, n) => (v, n + 2),
        }
    } else if s.first() == Some(&b'0') {
        digits(s, 8)
    } else {
        digits(s, 10)
    };
    if n == 0 {
        return None;
    }
    let long = if negative {
        if value > 1u128 << 63 {
            i64::MIN
        } else {
            (value as i128).wrapping_neg() as i64
        }
    } else if value > i64::MAX as u128 {
        i64::MAX
    } else {
        value as i64
    };
    Some(i64::from(long as i32))
}

/// C's `%u` into an `unsigned int`: decimal (strtoul, saturated to 64 bits, a minus sign
/// negates modulo 2^64), wrapped to 32 bits; None without digits.
pub fn c_uint(s: &str) -> Option<u32> {
    let (negative, s) = sign(s);
    let (value, n) = digits(s, 10);
    if n == 0 {
        return None;
    }
    let long = if value > u64::MAX as u128 {
        u64::MAX
    } else if negative {
        (value as u64).wrapping_neg()
    } else {
        value as u64
    };
    Some(long as u32)
}

/// C's `strtod` of a prefix of `s` (decimal, hex, inf, nan); None without a number.
pub fn c_double(s: &str) -> Option<f64> {
    let (negative, b) = sign(s);
    let apply = |v: f64| if negative { -v } else { v };
    let lower: Vec<u8> = b.iter().take(8).map(|c| c.to_ascii_lowercase()).collect();
    if lower.starts_with(b"inf") {
        return Some(apply(f64::INFINITY));
    }
    if lower.starts_with(b"nan") {
        return Some(apply(f64::NAN));
    }
    if b.len() > 2 && b[0] == b'0' && (b[1] | 0x20) == b'x' {
        return Some(apply(hex_float(&b[2..]).unwrap_or(0.0)));
    }
    let mut n = 0;
    let mut mantissa = 0;
    while n < b.len() && b[n].is_ascii_digit() {
        n += 1;
        mantissa += 1;
    }
    if n < b.len() && b[n] == b'.' {
        n += 1;
        while n < b.len() && b[n].is_ascii_digit() {
            n += 1;
            mantissa += 1;
        }
    }
    if mantissa == 0 {
        return None;
    }
    if n < b.len() && (b[n] | 0x20) == b'e' {
        let mut e = n + 1;
        if e < b.len() && (b[e] == b'+' || b[e] == b'-') {
            e += 1;
        }
        let start = e;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        if e > start {
            n = e;
        }
    }
    let text = std::str::from_utf8(&b[..n]).ok()?;
    text.parse::<f64>().ok().map(apply)
}

/// The value of hex float digits after `0x` (`h[.h][p[+-]d]`); None without digits.
fn hex_float(b: &[u8]) -> Option<f64> {
    let mut value = 0.0f64;
    let mut n = 0;
    let mut any = false;
    while let Some(d) = b.get(n).and_then(|&c| (c as char).to_digit(16)) {
        value = value * 16.0 + f64::from(d);
        n += 1;
        any = true;
    }
    if b.get(n) == Some(&b'.') {
        n += 1;
        let mut scale = 1.0 / 16.0;
        while let Some(d) = b.get(n).and_then(|&c| (c as char).to_digit(16)) {
            value += f64::from(d) * scale;
            scale /= 16.0;
            n += 1;
            any = true;
        }
    }
    if !any {
        return None;
    }
    if b.get(n).is_some_and(|c| (c | 0x20) == b'p') {
        let rest = std::str::from_utf8(&b[n + 1..]).unwrap_or("");
        let (negative, d) = sign(rest);
        let (e, k) = digits(d, 10);
        if k > 0 {
            let e = e.min(100_000) as i32;
            value *= 2f64.powi(if negative { -e } else { e });
        }
    }
    Some(value)
}

/// A string value: the text after its first character (the opening quote) up to the next
/// `"` or the end of the line.
fn string_value(text: &str) -> Vec<u8> {
    let rest = text.as_bytes().get(1..).unwrap_or(b"");
    let end = rest.iter().position(|&c| c == b'"').unwrap_or(rest.len());
    rest[..end].to_vec()
}

/// The initial value of an attribute of DataAttributeType `kind` written as `text` (what
/// follows `=`), or None where the reference leaves the attribute without a value.
pub fn parse_value(kind: i32, text: &str) -> Option<Value> {
    match kind {
        0 => c_int(text).map(|v| Value::Boolean(v != 0)),
        1..=5 | 12 => c_int(text).map(|v| Value::Integer(v as i32)),
        6..=9 => c_uint(text).map(Value::Unsigned),
        10 => c_double(text).map(|v| Value::Float(v as f32)),
        11 => c_double(text).map(Value::Double),
        16..=20 | 30 => Some(Value::VisibleString(string_value(text))),
        21 => Some(Value::MmsString(string_value(text))),
        31 | 32 => c_int(text).map(|v| Value::BitString {
            bits: if kind == 31 { 10 } else { 6 },
            value: v as u32,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "MODEL(T){\nLD(Dev){\nLN(LLN0){\nDO(Y 0){\n";
    const TAIL: &str = "}\n}\n}\n}\n";

    fn with(body: &str) -> Result<ModelDescription, Error> {
        parse(format!("{HEAD}{body}{TAIL}").as_bytes())
    }

    #[test]
    fn numbers_read_like_c() {
        assert_eq!(c_int("0x10"), Some(16));
        assert_eq!(c_int("010"), Some(8));
        assert_eq!(c_int(" -5abc"), Some(-5));
        assert_eq!(c_int("99999999999"), Some(1215752191));
        assert_eq!(c_int("4294967296"), Some(0));
        assert_eq!(c_int("abc"), None);
        assert_eq!(c_uint("-2"), Some(4294967294));
        assert_eq!(c_uint("0x10"), Some(0));
        assert_eq!(c_uint("010"), Some(10));
        assert_eq!(c_double("1e3"), Some(1000.0));
        assert_eq!(c_double("-0x1p3"), Some(-8.0));
        assert_eq!(c_double("5abc"), Some(5.0));
        assert!(c_double("nan").unwrap().is_nan());
        assert_eq!(c_double("x"), None);
    }

    #[test]
    fn values_by_type() {
        assert_eq!(parse_value(0, "-1"), Some(Value::Boolean(true)));
        assert_eq!(parse_value(3, "\"ab\""), None);
        assert_eq!(
            parse_value(20, "\"a b\";"),
            Some(Value::VisibleString(b"a b".to_vec()))
        );
        assert_eq!(
            parse_value(20, "ab;"),
            Some(Value::VisibleString(b"b;".to_vec()))
        );
        assert_eq!(parse_value(13, "\"ab\""), None);
        assert_eq!(
            parse_value(31, "2"),
            Some(Value::BitString { bits: 10, value: 2 })
        );
    }

    #[test]
    fn blocks_and_steps() {
        let m =
            with("DA(x 0 3 0 1 0)=4;\nDA(c 2 27 0 0 0){\n[1]{\nDA(v 0 10 1 0 0);\n}\n}\n").unwrap();
        assert_eq!(m.name, "T");
        assert!(matches!(
            &m.steps[3],
            Step::DataAttribute {
                value: Some(Value::Integer(4)),
                ..
            }
        ));
        assert!(matches!(&m.steps[5], Step::Element(1)));
        let opens = m.steps.iter().filter(|s| !matches!(s, Step::End)).count();
        assert!(opens > 0);
    }

    #[test]
    fn errors_have_lines() {
        let e = with("  DA(x 0 3 0 0 0);\n").unwrap_err();
        assert_eq!(e.line, 5);
        assert!(with("DA(x 0 3 0 0);\n").is_err());
        assert!(with("FOO(x);\n").is_err());
        assert!(parse(b"").is_err());
        assert!(parse(b"MODEL(T){\nLD(D){\n").is_err());
        assert!(parse(b"MODEL(T){\n}\n}\n").is_err());
        assert!(parse(b"MODEL(T){\n}\ngarbage\n").is_err());
        assert!(with("DA(c 2 27 0 0 0){\n[2]{\n}\n}\n").is_err());
    }

    #[test]
    fn nesting_is_bounded_and_garbage_never_panics() {
        let mut deep = String::from("MODEL(T){\nLD(D){\nLN(L){\n");
        for _ in 0..100 {
            deep.push_str("DO(X 0){\n");
        }
        assert!(parse(deep.as_bytes())
            .unwrap_err()
            .message
            .contains("deeply"));
        let mut seed = 12345u32;
        for len in 0..300 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
                    b"MODEL(LD{})DA 0123[];=\"\n$-x"[(seed >> 16) as usize % 27]
                })
                .collect();
            let _ = parse(&bytes);
        }
    }
}

#[cfg(test)]
mod fixture_tests {
    /// The project's own fixtures parse.
    #[test]
    fn project_fixtures_parse() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let extra = std::env::var("RS61850_CFG_DIRS").unwrap_or_default();
        let dirs = std::iter::once(dir.to_string())
            .chain(extra.split(':').filter(|s| !s.is_empty()).map(String::from));
        for d in dirs {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "cfg") {
                    let text = std::fs::read(&path).unwrap();
                    if let Err(e) = super::parse(&text) {
                        panic!("{}: {e}", path.display());
                    }
                }
            }
        }
    }
}
