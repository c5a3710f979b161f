//! The common data classes (IEC 61850-7-3) of `iec61850_cdc.h` as descriptions: for each
//! CDC and common attribute class (CAC) the children it builds, in order, given its
//! options. `ffi::iec61850_cdc` instantiates a description with the dynamic-model
//! functions. The children, names, types, FCs, trigger options and their order are those
//! the reference libiec61850 1.6.1 builds (observed; tests/interop/test_model_cdc.py),
//! including where it departs from the standard.

/// `CDC_OPTION_*` and `CDC_CTL_*` bits (the values of `iec61850_cdc.h`).
pub mod bits {
    /// Substitution attributes (subEna, subVal, subQ, subID).
    pub const PICS_SUBST: u32 = 1;
    /// blkEna.
    pub const BLK_ENA: u32 = 2;
    /// d.
    pub const DESC: u32 = 4;
    /// dU.
    pub const DESC_UNICODE: u32 = 8;
    /// cdcNs and cdcName.
    pub const AC_DLNDA: u32 = 16;
    /// dataNs.
    pub const AC_DLN: u32 = 32;
    /// units.
    pub const UNIT: u32 = 64;
    /// Frozen values of BCR.
    pub const FROZEN_VALUE: u32 = 128;
    /// addr of SEC.
    pub const ADDR: u32 = 256;
    /// addInfo of SEC.
    pub const ADDINFO: u32 = 512;
    /// instMag / instCVal.
    pub const INST_MAG: u32 = 1024;
    /// range.
    pub const RANGE: u32 = 2048;
    /// multiplier of units.
    pub const UNIT_MULTIPLIER: u32 = 4096;
    /// sVC.
    pub const AC_SCAV: u32 = 8192;
    /// min / minVal.
    pub const MIN: u32 = 16384;
    /// max / maxVal.
    pub const MAX: u32 = 32768;
    /// ang of vectors.
    pub const AC_CLC_O: u32 = 65536;
    /// rangeAng.
    pub const RANGE_ANG: u32 = 131072;
    /// Phase A.
    pub const PHASE_A: u32 = 262144;
    /// Phase B.
    pub const PHASE_B: u32 = 524288;
    /// Phase C.
    pub const PHASE_C: u32 = 1048576;
    /// Neutral.
    pub const PHASE_NEUT: u32 = 2097152;
    /// Phases A, B and C.
    pub const PHASES_ABC: u32 = PHASE_A | PHASE_B | PHASE_C;
    /// All phases and neutral.
    pub const PHASES_ALL: u32 = PHASES_ABC | PHASE_NEUT;
    /// stepSize.
    pub const STEP_SIZE: u32 = 4194304;
    /// angRef.
    pub const ANGLE_REF: u32 = 8388608;
    /// DPL hwRev.
    pub const DPL_HWREV: u32 = 131072;
    /// DPL swRev.
    pub const DPL_SWREV: u32 = 262144;
    /// DPL serNum.
    pub const DPL_SERNUM: u32 = 524288;
    /// DPL model.
    pub const DPL_MODEL: u32 = 1048576;
    /// DPL location.
    pub const DPL_LOCATION: u32 = 2097152;
    /// LPL configRev.
    pub const AC_LN0_M: u32 = 16777216;
    /// LPL ldNs.
    pub const AC_LN0_EX: u32 = 33554432;
    /// LPL lnNs.
    pub const AC_DLD_M: u32 = 67108864;

    /// Control model: status only.
    pub const CTL_MODEL_NONE: u32 = 0;
    /// Control model: direct with normal security.
    pub const CTL_MODEL_DIRECT_NORMAL: u32 = 1;
    /// Control model: select before operate with normal security.
    pub const CTL_MODEL_SBO_NORMAL: u32 = 2;
    /// Control model: direct with enhanced security.
    pub const CTL_MODEL_DIRECT_ENHANCED: u32 = 3;
    /// Control model: select before operate with enhanced security.
    pub const CTL_MODEL_SBO_ENHANCED: u32 = 4;
    /// Cancel.
    pub const CTL_MODEL_HAS_CANCEL: u32 = 16;
    /// operTm in the operate structures.
    pub const CTL_MODEL_IS_TIME_ACTIVATED: u32 = 32;
    /// origin.
    pub const CTL_OPTION_ORIGIN: u32 = 64;
    /// ctlNum.
    pub const CTL_OPTION_CTL_NUM: u32 = 128;
    /// stSeld.
    pub const CTL_OPTION_ST_SELD: u32 = 256;
    /// opRcvd.
    pub const CTL_OPTION_OP_RCVD: u32 = 512;
    /// opOk.
    pub const CTL_OPTION_OP_OK: u32 = 1024;
    /// tOpOk.
    pub const CTL_OPTION_T_OP_OK: u32 = 2048;
    /// sboTimeout (the reference builds none).
    pub const CTL_OPTION_SBO_TIMEOUT: u32 = 4096;
    /// sboClass (the reference builds none).
    pub const CTL_OPTION_SBO_CLASS: u32 = 8192;
    /// operTimeout (the reference builds none).
    pub const CTL_OPTION_OPER_TIMEOUT: u32 = 16384;

    /// IEC 61400-25 minMxVal.
    pub const W_MIN_MX_VAL: u32 = 1024;
    /// IEC 61400-25 maxMxVal.
    pub const W_MAX_MX_VAL: u32 = 2048;
    /// IEC 61400-25 totAvVal.
    pub const W_TOT_AV_VAL: u32 = 4096;
    /// IEC 61400-25 sdvVal.
    pub const W_SDV_VAL: u32 = 8192;
    /// IEC 61400-25 spAcs.
    pub const W_SP_ACS: u32 = 65536;
    /// IEC 61400-25 chaPerRs.
    pub const W_CHA_PER_RS: u32 = 131072;
    /// IEC 61400-25 cmAcs.
    pub const W_CM_ACS: u32 = 262144;
    /// IEC 61400-25 ctTot / tmTot.
    pub const W_TM_TOT: u32 = 524288;
    /// IEC 61400-25 daily counting.
    pub const W_COUNTING_DAILY: u32 = 1048576;
    /// IEC 61400-25 monthly counting.
    pub const W_COUNTING_MONTHLY: u32 = 2097152;
    /// IEC 61400-25 yearly counting.
    pub const W_COUNTING_YEARLY: u32 = 4194304;
    /// IEC 61400-25 total counting.
    pub const W_COUNTING_TOTAL: u32 = 8388608;
}

use bits::*;

// The header's DataAttributeType and FC values.
use crate::ffi::iec61850_common::{
    IEC61850_FC_BL as BL, IEC61850_FC_CF as CF, IEC61850_FC_CO as CO, IEC61850_FC_DC as DC,
    IEC61850_FC_EX as EX, IEC61850_FC_MX as MX, IEC61850_FC_OR as OR, IEC61850_FC_SP as SP,
    IEC61850_FC_ST as ST, IEC61850_FC_SV as SV,
};
use crate::ffi::iec61850_model::{
    IEC61850_BOOLEAN as BOOLEAN, IEC61850_CHECK as CHECK, IEC61850_CODEDENUM as CODEDENUM,
    IEC61850_CONSTRUCTED as CONSTRUCTED, IEC61850_ENUMERATED as ENUMERATED,
    IEC61850_FLOAT32 as FLOAT32, IEC61850_INT16U as INT16U, IEC61850_INT32 as INT32,
    IEC61850_INT32U as INT32U, IEC61850_INT64 as INT64, IEC61850_INT8 as INT8,
    IEC61850_INT8U as INT8U, IEC61850_OCTET_STRING_64 as OCTET_STRING_64,
    IEC61850_QUALITY as QUALITY, IEC61850_TIMESTAMP as TIMESTAMP,
    IEC61850_UNICODE_STRING_255 as UNICODE_STRING_255,
    IEC61850_VISIBLE_STRING_129 as VISIBLE_STRING_129,
    IEC61850_VISIBLE_STRING_255 as VISIBLE_STRING_255,
    IEC61850_VISIBLE_STRING_64 as VISIBLE_STRING_64,
};

// Trigger options.
const DCHG: u8 = 1;
const QCHG: u8 = 2;
const DUPD: u8 = 4;

/// What a described node is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A data object (its children follow).
    Object,
    /// A data attribute.
    Attribute {
        /// DataAttributeType.
        ty: i32,
        /// FunctionalConstraint.
        fc: i32,
        /// Trigger options.
        trg: u8,
        /// Array elements (0: not an array).
        elements: i32,
        /// An initial INT32 value (ctlModel).
        value: Option<i32>,
    },
}

/// One node of a CDC description and its children.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Name of the node.
    pub name: &'static str,
    /// Data object or attribute.
    pub kind: Kind,
    /// Children, in order.
    pub children: Vec<Node>,
}

fn da(name: &'static str, ty: i32, fc: i32, trg: u8) -> Node {
    Node {
        name,
        kind: Kind::Attribute {
            ty,
            fc,
            trg,
            elements: 0,
            value: None,
        },
        children: Vec::new(),
    }
}

fn array(name: &'static str, ty: i32, fc: i32, trg: u8, elements: i32) -> Node {
    Node {
        name,
        kind: Kind::Attribute {
            ty,
            fc,
            trg,
            elements,
            value: None,
        },
        children: Vec::new(),
    }
}

fn constructed(name: &'static str, fc: i32, trg: u8, children: Vec<Node>) -> Node {
    Node {
        children,
        ..da(name, CONSTRUCTED, fc, trg)
    }
}

fn object(name: &'static str, children: Vec<Node>) -> Node {
    Node {
        name,
        kind: Kind::Object,
        children,
    }
}

/// Pushes `node` when `cond` holds.
fn push_if(out: &mut Vec<Node>, cond: bool, node: impl FnOnce() -> Node) {
    if cond {
        out.push(node());
    }
}

fn has(options: u32, bit: u32) -> bool {
    options & bit != 0
}

// ---- Common attribute classes ----

/// CAC AnalogueValue: `f` (FLOAT32) or `i` (INT32).
pub fn analogue_value(name: &'static str, fc: i32, trg: u8, integer: bool) -> Node {
    let value = if integer {
        da("i", INT32, fc, trg)
    } else {
        da("f", FLOAT32, fc, trg)
    };
    constructed(name, fc, trg, vec![value])
}

/// CAC ValWithTrans: posVal and, optionally, transInd.
pub fn val_with_trans(name: &'static str, fc: i32, trg: u8, transient: bool) -> Node {
    let mut c = vec![da("posVal", INT8, fc, trg)];
    push_if(&mut c, transient, || da("transInd", BOOLEAN, fc, trg));
    constructed(name, fc, trg, c)
}

/// CAC Vector: mag and, with AC_CLC_O, ang.
pub fn vector(name: &'static str, options: u32, fc: i32, trg: u8) -> Node {
    let mut c = vec![analogue_value("mag", fc, trg, false)];
    push_if(&mut c, has(options, AC_CLC_O), || {
        analogue_value("ang", fc, trg, false)
    });
    constructed(name, fc, trg, c)
}

/// CAC Point: xVal, yVal and, optionally, zVal.
pub fn point(name: &'static str, fc: i32, trg: u8, z: bool) -> Node {
    let mut c = vec![da("xVal", FLOAT32, fc, trg), da("yVal", FLOAT32, fc, trg)];
    push_if(&mut c, z, || da("zVal", FLOAT32, fc, trg));
    constructed(name, fc, trg, c)
}

/// CAC ScaledValueConfig.
pub fn scaled_value_config(name: &'static str) -> Node {
    constructed(
        name,
        CF,
        DCHG,
        vec![
            da("scaleFactor", FLOAT32, CF, DCHG),
            da("offset", FLOAT32, CF, DCHG),
        ],
    )
}

/// CAC Unit: SIUnit and, optionally, multiplier.
pub fn unit(name: &'static str, magnitude: bool) -> Node {
    let mut c = vec![da("SIUnit", ENUMERATED, CF, DCHG)];
    push_if(&mut c, magnitude, || da("multiplier", ENUMERATED, CF, DCHG));
    constructed(name, CF, DCHG, c)
}

// ---- Shared parts of the CDCs ----

/// q and t.
fn quality_time(out: &mut Vec<Node>, fc: i32) {
    out.push(da("q", QUALITY, fc, QCHG));
    out.push(da("t", TIMESTAMP, fc, 0));
}

/// The description and name space attributes that end every CDC.
fn tail(out: &mut Vec<Node>, options: u32) {
    push_if(out, has(options, DESC), || {
        da("d", VISIBLE_STRING_255, DC, 0)
    });
    push_if(out, has(options, DESC_UNICODE), || {
        da("dU", UNICODE_STRING_255, DC, 0)
    });
    if has(options, AC_DLNDA) {
        out.push(da("cdcNs", VISIBLE_STRING_255, EX, 0));
        out.push(da("cdcName", VISIBLE_STRING_255, EX, 0));
    }
    push_if(out, has(options, AC_DLN), || {
        da("dataNs", VISIBLE_STRING_255, EX, 0)
    });
}

/// Substitution (with `sub_val` as subVal) and blocking.
fn subst_blk(out: &mut Vec<Node>, options: u32, sub_val: impl FnOnce() -> Node) {
    if has(options, PICS_SUBST) {
        out.push(da("subEna", BOOLEAN, SV, 0));
        out.push(sub_val());
        out.push(da("subQ", QUALITY, SV, 0));
        out.push(da("subID", VISIBLE_STRING_64, SV, 0));
    }
    push_if(out, has(options, BLK_ENA), || da("blkEna", BOOLEAN, BL, 0));
}

/// The units attribute (multiplier with UNIT_MULTIPLIER).
fn units(options: u32) -> Node {
    unit("units", has(options, UNIT_MULTIPLIER))
}

/// An originator structure.
fn originator(fc: i32) -> Node {
    constructed(
        "origin",
        fc,
        0,
        vec![
            da("orCat", ENUMERATED, fc, 0),
            da("orIdent", OCTET_STRING_64, fc, 0),
        ],
    )
}

/// The control's status-side origin and ctlNum, which come first.
fn control_origin(out: &mut Vec<Node>, ctl: u32, fc: i32) {
    push_if(out, has(ctl, CTL_OPTION_ORIGIN), || originator(fc));
    push_if(out, has(ctl, CTL_OPTION_CTL_NUM), || {
        da("ctlNum", INT8U, fc, 0)
    });
}

/// stSeld (in `fc`) and, when `operate_status`, opRcvd, opOk and tOpOk.
fn control_status(out: &mut Vec<Node>, ctl: u32, fc: i32, operate_status: bool) {
    push_if(out, has(ctl, CTL_OPTION_ST_SELD), || {
        da("stSeld", BOOLEAN, fc, DCHG)
    });
    if operate_status {
        push_if(out, has(ctl, CTL_OPTION_OP_RCVD), || {
            da("opRcvd", BOOLEAN, OR, DCHG)
        });
        push_if(out, has(ctl, CTL_OPTION_OP_OK), || {
            da("opOk", BOOLEAN, OR, DCHG)
        });
        push_if(out, has(ctl, CTL_OPTION_T_OP_OK), || {
            da("tOpOk", TIMESTAMP, OR, DCHG)
        });
    }
}

/// An operate structure (SBOw, Oper, Cancel); Cancel has no Check.
fn operate(name: &'static str, ctl: u32, ctl_val: &dyn Fn() -> Node, check: bool) -> Node {
    let mut c = vec![ctl_val()];
    push_if(&mut c, has(ctl, CTL_MODEL_IS_TIME_ACTIVATED), || {
        da("operTm", TIMESTAMP, CO, 0)
    });
    c.push(originator(CO));
    c.push(da("ctlNum", INT8U, CO, 0));
    c.push(da("T", TIMESTAMP, CO, 0));
    c.push(da("Test", BOOLEAN, CO, 0));
    push_if(&mut c, check, || da("Check", CHECK, CO, 0));
    constructed(name, CO, 0, c)
}

/// ctlModel (set to the control model) and, unless status only, the control structures.
fn controls(out: &mut Vec<Node>, ctl: u32, ctl_val: &dyn Fn() -> Node) {
    let model = ctl & 7;
    let mut ctl_model = da("ctlModel", ENUMERATED, CF, DCHG);
    if let Kind::Attribute { value, .. } = &mut ctl_model.kind {
        *value = Some(model as i32);
    }
    out.push(ctl_model);
    if model == CTL_MODEL_NONE {
        return;
    }
    push_if(out, model == CTL_MODEL_SBO_NORMAL, || {
        da("SBO", VISIBLE_STRING_129, CO, 0)
    });
    push_if(out, model == CTL_MODEL_SBO_ENHANCED, || {
        operate("SBOw", ctl, ctl_val, true)
    });
    out.push(operate("Oper", ctl, ctl_val, true));
    push_if(out, has(ctl, CTL_MODEL_HAS_CANCEL), || {
        operate("Cancel", ctl, ctl_val, false)
    });
}

// ---- Status information ----

/// SPS, DPS, INS, ENS and VSS: stVal of type `ty`, subVal of `sub_ty`.
fn single_status(options: u32, ty: i32, sub_ty: i32) -> Vec<Node> {
    let mut c = vec![da("stVal", ty, ST, DCHG | DUPD)];
    quality_time(&mut c, ST);
    subst_blk(&mut c, options, || da("subVal", sub_ty, SV, 0));
    tail(&mut c, options);
    c
}

/// CDC SPS.
pub fn sps(options: u32) -> Vec<Node> {
    single_status(options, BOOLEAN, BOOLEAN)
}

/// CDC DPS.
pub fn dps(options: u32) -> Vec<Node> {
    single_status(options, CODEDENUM, CODEDENUM)
}

/// CDC INS.
pub fn ins(options: u32) -> Vec<Node> {
    single_status(options, INT32, INT32)
}

/// CDC ENS.
pub fn ens(options: u32) -> Vec<Node> {
    single_status(options, ENUMERATED, ENUMERATED)
}

/// CDC VSS (the reference's subVal is BOOLEAN).
pub fn vss(options: u32) -> Vec<Node> {
    single_status(options, VISIBLE_STRING_255, BOOLEAN)
}

/// CDC BCR.
pub fn bcr(options: u32) -> Vec<Node> {
    let frozen = has(options, FROZEN_VALUE);
    let mut c = vec![da("actVal", INT64, ST, DCHG)];
    if frozen {
        c.push(da("frVal", INT64, ST, DUPD));
        c.push(da("frTm", TIMESTAMP, ST, 0));
    }
    quality_time(&mut c, ST);
    push_if(&mut c, has(options, UNIT), || {
        da("units", ENUMERATED, CF, DCHG)
    });
    c.push(da("pulsQty", FLOAT32, CF, DCHG));
    if frozen {
        c.push(da("frEna", BOOLEAN, CF, DCHG));
        c.push(da("strTm", TIMESTAMP, CF, DCHG));
        c.push(da("frPd", INT32, CF, DCHG));
        c.push(da("frRs", BOOLEAN, CF, DCHG));
    }
    tail(&mut c, options);
    c
}

/// CDC SEC.
pub fn sec(options: u32) -> Vec<Node> {
    let mut c = vec![
        da("cnt", INT32U, ST, DCHG),
        da("sev", ENUMERATED, ST, 0),
        da("t", TIMESTAMP, ST, 0),
    ];
    push_if(&mut c, has(options, ADDR), || {
        da("addr", OCTET_STRING_64, ST, 0)
    });
    push_if(&mut c, has(options, ADDINFO), || {
        da("addInfo", VISIBLE_STRING_64, ST, 0)
    });
    tail(&mut c, options);
    c
}

/// CDC ACD (with direction attributes) and ACT (without).
fn protection(options: u32, directional: bool) -> Vec<Node> {
    let mut c = Vec::new();
    let phases: [(u32, &'static str, &'static str); 5] = [
        (0, "general", "dirGeneral"),
        (PHASE_A, "phsA", "dirPhsA"),
        (PHASE_B, "phsB", "dirPhsB"),
        (PHASE_C, "phsC", "dirPhsC"),
        (PHASE_NEUT, "neut", "dirNeut"),
    ];
    for (bit, name, dir) in phases {
        if bit == 0 || has(options, bit) {
            c.push(da(name, BOOLEAN, ST, DCHG));
            push_if(&mut c, directional, || da(dir, ENUMERATED, ST, DCHG));
        }
    }
    quality_time(&mut c, ST);
    tail(&mut c, options);
    c
}

/// CDC ACD.
pub fn acd(options: u32) -> Vec<Node> {
    protection(options, true)
}

/// CDC ACT.
pub fn act(options: u32) -> Vec<Node> {
    protection(options, false)
}

/// CDC HST: hstVal is an array of `max_pts` elements.
pub fn hst(options: u32, max_pts: u16) -> Vec<Node> {
    let mut c = vec![array("hstVal", INT32, ST, DCHG | DUPD, i32::from(max_pts))];
    quality_time(&mut c, ST);
    c.push(da("numPts", INT16U, CF, 0));
    c.push(units(options));
    c.push(da("maxPts", INT16U, CF, 0));
    tail(&mut c, options);
    c
}

// ---- Measurands ----

/// CDC MV.
pub fn mv(options: u32, integer: bool) -> Vec<Node> {
    let mut c = Vec::new();
    push_if(&mut c, has(options, INST_MAG), || {
        analogue_value("instMag", MX, 0, integer)
    });
    c.push(analogue_value("mag", MX, DCHG | DUPD, integer));
    push_if(&mut c, has(options, RANGE), || {
        da("range", ENUMERATED, MX, DCHG)
    });
    quality_time(&mut c, MX);
    tail(&mut c, options);
    c
}

/// CDC CMV.
pub fn cmv(options: u32) -> Vec<Node> {
    let mut c = Vec::new();
    push_if(&mut c, has(options, INST_MAG), || {
        vector("instCVal", options, MX, 0)
    });
    c.push(vector("cVal", options, MX, DCHG | DUPD));
    push_if(&mut c, has(options, RANGE), || {
        da("range", ENUMERATED, MX, DCHG)
    });
    push_if(&mut c, has(options, RANGE_ANG), || {
        da("rangeAng", ENUMERATED, MX, DCHG)
    });
    quality_time(&mut c, MX);
    tail(&mut c, options);
    c
}

/// CDC SAV.
pub fn sav(options: u32, integer: bool) -> Vec<Node> {
    let mut c = vec![analogue_value("instMag", MX, 0, integer)];
    quality_time(&mut c, MX);
    push_if(&mut c, has(options, UNIT), || units(options));
    push_if(&mut c, has(options, AC_SCAV), || scaled_value_config("sVC"));
    push_if(&mut c, has(options, MIN), || {
        analogue_value("min", CF, DCHG, integer)
    });
    push_if(&mut c, has(options, MAX), || {
        analogue_value("max", CF, DCHG, integer)
    });
    tail(&mut c, options);
    c
}

/// WYE and DEL: a CMV per phase (with all options), then angRef.
fn phases(options: u32, names: &[&'static str]) -> Vec<Node> {
    let mut c: Vec<Node> = names.iter().map(|n| object(n, cmv(options))).collect();
    push_if(&mut c, has(options, ANGLE_REF), || {
        da("angRef", ENUMERATED, CF, DCHG)
    });
    tail(&mut c, options);
    c
}

/// CDC WYE (all six members whatever the phase options).
pub fn wye(options: u32) -> Vec<Node> {
    phases(options, &["phsA", "phsB", "phsC", "neut", "net", "res"])
}

/// CDC DEL.
pub fn del(options: u32) -> Vec<Node> {
    phases(options, &["phsAB", "phsBC", "phsCA"])
}

// ---- Descriptions ----

/// CDC LPL.
pub fn lpl(options: u32) -> Vec<Node> {
    let mut c = vec![
        da("vendor", VISIBLE_STRING_255, DC, 0),
        da("swRev", VISIBLE_STRING_255, DC, 0),
    ];
    push_if(&mut c, has(options, AC_LN0_M), || {
        da("configRev", VISIBLE_STRING_255, DC, 0)
    });
    push_if(&mut c, has(options, AC_LN0_EX), || {
        da("ldNs", VISIBLE_STRING_255, EX, 0)
    });
    push_if(&mut c, has(options, AC_DLD_M), || {
        da("lnNs", VISIBLE_STRING_255, EX, 0)
    });
    tail(&mut c, options);
    c
}

/// CDC DPL.
pub fn dpl(options: u32) -> Vec<Node> {
    let mut c = vec![da("vendor", VISIBLE_STRING_255, DC, 0)];
    let optional: [(u32, &'static str); 5] = [
        (DPL_HWREV, "hwRev"),
        (DPL_SWREV, "swRev"),
        (DPL_SERNUM, "serNum"),
        (DPL_MODEL, "model"),
        (DPL_LOCATION, "location"),
    ];
    for (bit, name) in optional {
        push_if(&mut c, has(options, bit), || {
            da(name, VISIBLE_STRING_255, DC, 0)
        });
    }
    tail(&mut c, options);
    c
}

// ---- Settings ----

/// SPG, VSG and ENG: setVal of type `ty`.
fn single_setting(options: u32, ty: i32) -> Vec<Node> {
    let mut c = vec![da("setVal", ty, SP, DCHG)];
    tail(&mut c, options);
    c
}

/// CDC SPG.
pub fn spg(options: u32) -> Vec<Node> {
    single_setting(options, BOOLEAN)
}

/// CDC VSG.
pub fn vsg(options: u32) -> Vec<Node> {
    single_setting(options, VISIBLE_STRING_255)
}

/// CDC ENG.
pub fn eng(options: u32) -> Vec<Node> {
    single_setting(options, ENUMERATED)
}

/// CDC ING.
pub fn ing(options: u32) -> Vec<Node> {
    let mut c = vec![da("setVal", INT32, SP, DCHG)];
    push_if(&mut c, has(options, UNIT), || units(options));
    push_if(&mut c, has(options, MIN), || da("minVal", INT32, SP, DCHG));
    push_if(&mut c, has(options, MAX), || da("maxVal", INT32, SP, DCHG));
    push_if(&mut c, has(options, STEP_SIZE), || {
        da("stepSize", INT32U, SP, DCHG)
    });
    tail(&mut c, options);
    c
}

/// CDC ASG.
pub fn asg(options: u32, integer: bool) -> Vec<Node> {
    let mut c = vec![analogue_value("setMag", SP, DCHG, integer)];
    push_if(&mut c, has(options, UNIT), || units(options));
    push_if(&mut c, has(options, AC_SCAV), || scaled_value_config("sVC"));
    push_if(&mut c, has(options, MIN), || {
        analogue_value("minVal", CF, DCHG, integer)
    });
    push_if(&mut c, has(options, MAX), || {
        analogue_value("maxVal", CF, DCHG, integer)
    });
    push_if(&mut c, has(options, STEP_SIZE), || {
        analogue_value("stepSize", CF, DCHG, integer)
    });
    tail(&mut c, options);
    c
}

// ---- Controls ----

/// SPC, DPC, INC and ENC: stVal of type `ty`, ctlVal of `ctl_ty`.
fn status_control(options: u32, ctl: u32, ty: i32, ctl_ty: i32, limits: bool) -> Vec<Node> {
    let mut c = Vec::new();
    control_origin(&mut c, ctl, ST);
    c.push(da("stVal", ty, ST, DCHG | DUPD));
    quality_time(&mut c, ST);
    controls(&mut c, ctl, &|| da("ctlVal", ctl_ty, CO, 0));
    control_status(&mut c, ctl, ST, true);
    subst_blk(&mut c, options, || da("subVal", ty, SV, 0));
    if limits {
        push_if(&mut c, has(options, MIN), || da("minVal", INT32, CF, 0));
        push_if(&mut c, has(options, MAX), || da("maxVal", INT32, CF, 0));
        push_if(&mut c, has(options, STEP_SIZE), || {
            da("stepSize", INT32U, CF, 0)
        });
    }
    tail(&mut c, options);
    c
}

/// CDC SPC.
pub fn spc(options: u32, ctl: u32) -> Vec<Node> {
    status_control(options, ctl, BOOLEAN, BOOLEAN, false)
}

/// CDC DPC (a BOOLEAN ctlVal, as in the standard).
pub fn dpc(options: u32, ctl: u32) -> Vec<Node> {
    status_control(options, ctl, CODEDENUM, BOOLEAN, false)
}

/// CDC INC.
pub fn inc(options: u32, ctl: u32) -> Vec<Node> {
    status_control(options, ctl, INT32, INT32, true)
}

/// CDC ENC.
pub fn enc(options: u32, ctl: u32) -> Vec<Node> {
    status_control(options, ctl, ENUMERATED, ENUMERATED, false)
}

/// BSC (CODEDENUM ctlVal, persistent) and ISC (INT8 ctlVal, limits): a ValWithTrans status.
fn step_control(options: u32, ctl: u32, transient: bool, bsc: bool) -> Vec<Node> {
    let mut c = Vec::new();
    control_origin(&mut c, ctl, ST);
    c.push(val_with_trans("valWTr", ST, DCHG, transient));
    quality_time(&mut c, ST);
    push_if(&mut c, bsc, || da("persistent", BOOLEAN, CF, DCHG));
    let ctl_type = if bsc { CODEDENUM } else { INT8 };
    controls(&mut c, ctl, &|| da("ctlVal", ctl_type, CO, 0));
    control_status(&mut c, ctl, ST, true);
    subst_blk(&mut c, options, || {
        val_with_trans("subVal", SV, 0, transient)
    });
    if !bsc {
        push_if(&mut c, has(options, MIN), || da("minVal", INT32, CF, 0));
        push_if(&mut c, has(options, MAX), || da("maxVal", INT32, CF, 0));
    }
    tail(&mut c, options);
    c
}

/// CDC BSC.
pub fn bsc(options: u32, ctl: u32, transient: bool) -> Vec<Node> {
    step_control(options, ctl, transient, true)
}

/// CDC ISC.
pub fn isc(options: u32, ctl: u32, transient: bool) -> Vec<Node> {
    step_control(options, ctl, transient, false)
}

/// The analogue control's measured value, q and t.
fn analogue_status(c: &mut Vec<Node>, ctl: u32, integer: bool) {
    control_origin(c, ctl, MX);
    c.push(analogue_value("mxVal", MX, DCHG, integer));
    quality_time(c, MX);
}

/// CDC APC.
pub fn apc(options: u32, ctl: u32, integer: bool) -> Vec<Node> {
    let mut c = Vec::new();
    analogue_status(&mut c, ctl, integer);
    control_status(&mut c, ctl, MX, true);
    subst_blk(&mut c, options, || analogue_value("subVal", SV, 0, integer));
    controls(&mut c, ctl, &|| analogue_value("ctlVal", CO, 0, integer));
    tail(&mut c, options);
    c
}

/// CDC BAC: the reference builds the control part twice, first with an INT8 ctlVal
/// (without the operate status), then with an analogue one after persistent.
pub fn bac(options: u32, ctl: u32, integer: bool) -> Vec<Node> {
    let mut c = Vec::new();
    analogue_status(&mut c, ctl, integer);
    control_status(&mut c, ctl, MX, false);
    controls(&mut c, ctl, &|| da("ctlVal", INT8, CO, 0));
    subst_blk(&mut c, options, || analogue_value("subVal", SV, 0, integer));
    c.push(da("persistent", BOOLEAN, CF, DCHG));
    controls(&mut c, ctl, &|| analogue_value("ctlVal", CO, 0, integer));
    push_if(&mut c, has(options, MIN), || {
        analogue_value("minVal", CF, 0, integer)
    });
    push_if(&mut c, has(options, MAX), || {
        analogue_value("maxVal", CF, 0, integer)
    });
    push_if(&mut c, has(options, STEP_SIZE), || {
        analogue_value("stepSize", CF, 0, integer)
    });
    tail(&mut c, options);
    c
}

// ---- IEC 61400-25 ----

/// A status member built as another CDC without options.
fn member(name: &'static str, children: Vec<Node>) -> Node {
    object(name, children)
}

/// The direct-operate reset command with an originator of the IEC 61400-25 CDCs.
const RESET_CTL: u32 = CTL_MODEL_DIRECT_NORMAL | CTL_OPTION_ORIGIN;

/// CDC SPV.
pub fn spv(options: u32, ctl: u32, wp: u32, cha_man_rs: bool) -> Vec<Node> {
    let mut c = Vec::new();
    push_if(&mut c, cha_man_rs, || {
        member("chaManRs", spc(0, CTL_MODEL_DIRECT_NORMAL))
    });
    c.push(member("actVal", apc(0, ctl, false)));
    let values: [(u32, &'static str); 4] = [
        (W_MIN_MX_VAL, "minMxVal"),
        (W_MAX_MX_VAL, "maxMxVal"),
        (W_TOT_AV_VAL, "totAvVal"),
        (W_SDV_VAL, "sdvVal"),
    ];
    for (bit, name) in values {
        push_if(&mut c, has(wp, bit), || analogue_value(name, MX, 0, false));
    }
    push_if(&mut c, has(options, UNIT), || units(options));
    push_if(&mut c, has(options, MIN), || {
        analogue_value("minVal", CF, DCHG, false)
    });
    push_if(&mut c, has(options, MAX), || {
        analogue_value("maxVal", CF, DCHG, false)
    });
    push_if(&mut c, has(wp, W_SP_ACS), || da("spAcs", CODEDENUM, CF, 0));
    push_if(&mut c, has(wp, W_CHA_PER_RS), || {
        da("chaPerRs", CODEDENUM, CF, 0)
    });
    tail(&mut c, options);
    c
}

/// CDC STV.
pub fn stv(options: u32, old_status: bool) -> Vec<Node> {
    let mut c = vec![member("actSt", ins(0))];
    push_if(&mut c, old_status, || member("oldSt", ins(0)));
    tail(&mut c, options);
    c
}

/// CDC CMD (the reference builds neither cmTm nor cmCt).
pub fn cmd(options: u32, ctl: u32, wp: u32, old_status: bool) -> Vec<Node> {
    let mut c = vec![member("actSt", inc(0, ctl))];
    push_if(&mut c, old_status, || member("oldSt", ins(0)));
    push_if(&mut c, has(wp, W_CM_ACS), || da("cmAcs", INT8U, CF, 0));
    tail(&mut c, options);
    c
}

/// CDC ALM.
pub fn alm(options: u32, old_status: bool) -> Vec<Node> {
    let mut c = vec![member("almAck", spc(0, RESET_CTL)), member("actSt", ins(0))];
    push_if(&mut c, old_status, || member("oldSt", ins(0)));
    tail(&mut c, options);
    c
}

/// CTE and TMS: the counters (the reference names the yearly counter mly too).
fn counting(options: u32, wp: u32, his_rs: bool, names: [&'static str; 3]) -> Vec<Node> {
    let [actual, old, total] = names;
    let mut c = vec![member("manRs", spc(0, RESET_CTL))];
    push_if(&mut c, his_rs, || member("hisRs", inc(0, RESET_CTL)));
    c.push(member(actual, ins(0)));
    c.push(member(old, ins(0)));
    push_if(&mut c, has(wp, W_TM_TOT), || da(total, INT32U, ST, 0));
    push_if(&mut c, has(wp, W_COUNTING_DAILY), || {
        array("dly", INT32U, ST, DCHG, 32)
    });
    push_if(&mut c, has(wp, W_COUNTING_MONTHLY), || {
        array("mly", INT32U, ST, DCHG, 13)
    });
    push_if(&mut c, has(wp, W_COUNTING_YEARLY), || {
        array("mly", INT32U, ST, DCHG, 21)
    });
    push_if(&mut c, has(wp, W_COUNTING_TOTAL), || {
        da("tot", INT32U, ST, DCHG)
    });
    tail(&mut c, options);
    c
}

/// CDC CTE.
pub fn cte(options: u32, wp: u32, his_rs: bool) -> Vec<Node> {
    counting(options, wp, his_rs, ["actCtVal", "oldCtVal", "ctTot"])
}

/// CDC TMS.
pub fn tms(options: u32, wp: u32, his_rs: bool) -> Vec<Node> {
    counting(options, wp, his_rs, ["actTmVal", "oldTmVal", "tmTot"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(nodes: &[Node]) -> Vec<&str> {
        nodes.iter().map(|n| n.name).collect()
    }

    #[test]
    fn status_only_control_has_ctl_model_zero() {
        let c = spc(0, 0);
        assert_eq!(names(&c), ["stVal", "q", "t", "ctlModel"]);
        assert!(matches!(c[3].kind, Kind::Attribute { value: Some(0), .. }));
    }

    #[test]
    fn sbo_enhanced_with_cancel_and_options() {
        let c = spc(
            DESC,
            CTL_MODEL_SBO_ENHANCED | CTL_MODEL_HAS_CANCEL | CTL_OPTION_ORIGIN,
        );
        assert_eq!(
            names(&c),
            ["origin", "stVal", "q", "t", "ctlModel", "SBOw", "Oper", "Cancel", "d"]
        );
        assert_eq!(names(&c[7].children).last(), Some(&"Test"));
    }

    #[test]
    fn wye_has_every_phase() {
        assert_eq!(
            names(&wye(0)),
            ["phsA", "phsB", "phsC", "neut", "net", "res"]
        );
    }
}
