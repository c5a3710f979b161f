"""The common data classes of iec61850_cdc.h built on the reference and on our library and
compared node by node (model_walk.py): every CDC/CAC function of the ABI manifest, with
each option bit alone, all options together, every control model with and without each
control option, and each bool parameter value. The cases are generated from the manifest's
prototypes and constants, so a new function or option is covered without editing this."""
import csv
import ctypes
import os

import pytest

import differential
from model_walk import Summary, compare, report
from test_type_spec_diff import intended_differences

ABI = differential.ABI_DIR
FC_ST, FC_MX, FC_CF = 0, 1, 4


def _rows(name):
    with open(os.path.join(ABI, name), newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


FUNCTIONS = [r for r in _rows("functions.tsv") if r["header"] == "iec61850_cdc.h"]
CONSTANTS = {r["constant"]: int(r["value"]) for r in _rows("enums.tsv")
             if r["header"] == "iec61850_cdc.h"}


def _single_bits(prefix, exclude=()):
    """The one-bit constants starting with `prefix` (composites such as PHASES_ALL left out)."""
    return sorted({v for k, v in CONSTANTS.items() if k.startswith(prefix)
                   and not any(k.startswith(e) for e in exclude) and v and v & (v - 1) == 0})


OPTION_BITS = _single_bits("CDC_OPTION_", exclude=("CDC_OPTION_61400_",))
WP_BITS = _single_bits("CDC_OPTION_61400_")
CTL_MODELS = sorted(v for k, v in CONSTANTS.items() if k.startswith("CDC_CTL_MODEL_") and v < 16)
CTL_BITS = _single_bits("CDC_CTL_", exclude=tuple(f"CDC_CTL_MODEL_{m}" for m in
                                                  ("NONE", "DIRECT", "SBO")))
ALL_OPTIONS = sum(OPTION_BITS)
ALL_WP = sum(WP_BITS)
ALL_CTL = sum(CTL_BITS)


def _params(row):
    """(name, C type) of the parameters after the name and parent."""
    out = []
    for p in row["params"].split(",")[2:]:
        ctype, name = p.strip().rsplit(" ", 1)
        out.append((name, ctype))
    return out


def cases(row):
    """(label, {parameter: value}) for one function: the defaults, then one parameter varied
    at a time, then everything at once."""
    params = _params(row)
    names = [n for n, _ in params]
    base = {}
    for name, ctype in params:
        base[name] = {"fc": FC_MX, "triggerOptions": 3, "maxPts": 4}.get(name, 0)
        if ctype == "bool":
            base[name] = False
    out = [("default", dict(base))]

    def vary(label, **changes):
        out.append((label, {**base, **changes}))

    if "options" in names:
        for bit in OPTION_BITS:
            vary(f"options={bit:#x}", options=bit)
        vary("options=all", options=ALL_OPTIONS)
        vary("options=~0", options=0xFFFFFFFF)
    if "wpOptions" in names:
        for bit in WP_BITS:
            vary(f"wp={bit:#x}", wpOptions=bit)
        vary("wp=all", wpOptions=ALL_WP)
    if "controlOptions" in names:
        for model in CTL_MODELS:
            vary(f"ctl={model}", controlOptions=model)
            for bit in CTL_BITS:
                vary(f"ctl={model}|{bit:#x}", controlOptions=model | bit)
            vary(f"ctl={model}|all", controlOptions=model | ALL_CTL)
    for name, ctype in params:
        if ctype == "bool":
            vary(f"{name}=true", **{name: True})
    if "fc" in names:
        for fc in (FC_ST, FC_CF):
            vary(f"fc={fc}", fc=fc)
        for trg in (0, 0x1F):
            vary(f"trg={trg:#x}", triggerOptions=trg)
    if "maxPts" in names:
        for pts in (0, 1, 32):
            vary(f"maxPts={pts}", maxPts=pts)
    everything = {}
    for name, ctype in params:
        everything[name] = {"options": ALL_OPTIONS, "wpOptions": ALL_WP,
                            "controlOptions": CTL_MODELS[-1] | ALL_CTL}.get(name, base[name])
        if ctype == "bool":
            everything[name] = True
    out.append(("everything", everything))
    if "controlOptions" in names:
        for model in CTL_MODELS:
            out.append((f"everything ctl={model}",
                        {**everything, "controlOptions": model | ALL_CTL}))
    return [(label, [values[n] for n in names]) for label, values in out]


CASES = [(row["name"], label, args) for row in FUNCTIONS for label, args in cases(row)]


def builder(function, args):
    """A model with one logical node holding the CDC (or, for a CAC, a data object holding
    the attribute)."""
    def build(L):
        m = L.IedModel_create(b"CDC")
        ln = L.LogicalNode_create(b"GGIO1", L.LogicalDevice_create(b"LD", m))
        parent, name = ln, b"Obj"
        if function.startswith("CAC_"):
            parent, name = L.DataObject_create(b"Obj", ln, 0), b"Attr"
        node = getattr(L, function)(name, parent, *args)
        assert node, f"{function} returned NULL"
        return m
    return build


SUMMARY = Summary()
INTENDED = intended_differences()


@pytest.mark.parametrize("function,label,args", CASES,
                         ids=[f"{f}-{label}" for f, label, _ in CASES])
def test_same_cdc_on_both_libraries(function, label, args):
    ref_lines, our_lines, nodes = compare(builder(function, args))
    pairs, extra = SUMMARY.add(ref_lines, our_lines, nodes)
    if function in INTENDED:
        return
    assert not pairs and not extra, report(pairs, extra, ref_lines, our_lines)


def test_every_cdc_function_is_covered():
    assert {f for f, _, _ in CASES} == {r["name"] for r in FUNCTIONS}
    assert len(FUNCTIONS) == 42


@pytest.mark.parametrize("row", FUNCTIONS, ids=[r["name"] for r in FUNCTIONS])
def test_null_name_or_parent_is_null_on_ours(row):
    """(Ours only: the reference dereferences them.)"""
    L = differential.load("ours")
    m = L.IedModel_create(b"CDC")
    ln = L.LogicalNode_create(b"GGIO1", L.LogicalDevice_create(b"LD", m))
    args = [a for a in cases(row)[0][1]]
    fn = getattr(L, row["name"])
    assert not fn(None, ln, *args)
    assert not fn(b"X", None, *args)
    assert not ctypes.cast(ln, ctypes.POINTER(ctypes.c_void_p))[4]  # no child was added
    L.IedModel_destroy(m)


def test_every_case_built_walked_and_destroyed_on_ours():
    """Every case on our library alone: scripts/valgrind.sh runs this under memcheck (its
    `-k ours`), so a leak of a CDC model is a definite leak there. (No walk: the
    differential test walks them, and under memcheck the walks take minutes.)"""
    from model_walk import ModelNode
    L = differential.load("ours")
    for function, _, args in CASES:
        model = builder(function, args)(L)
        ln = ModelNode.from_address(ModelNode.from_address(
            ctypes.cast(model, ctypes.POINTER(ctypes.c_void_p))[1]).firstChild)
        assert ln.firstChild, function
        L.IedModel_destroy(model)


def test_summary():
    """Runs last in this module: the counts of what was compared."""
    print("\n" + SUMMARY.line())
    assert SUMMARY.models == len(CASES)
    listed = {f for f in INTENDED if f.startswith(("CDC_", "CAC_"))}
    assert SUMMARY.differ == 0 or listed
