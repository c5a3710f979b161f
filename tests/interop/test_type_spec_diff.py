"""Differential test of mms_type_spec.h and the spec-based MmsValue functions of mms_value.h
(MmsValue_createArray/newStructure/newDefaultValue/getSubElement/getMaxEncodedSize,
MmsVariableSpecification_getMaxEncodedSize) against the reference libiec61850 1.6.1.

MmsVariableSpecification trees are built in C memory (malloc, the packed layout of
layouts.tsv) so that either library may read and free them; a second test runs both
libraries on the trees the reference client itself returns from
IedConnection_getVariableSpecification against a reference server.

Prints "N functions compared, M differ" and fails on any difference whose function is not
listed, with a reason, in intended_differences.txt.

Inputs the reference crashes on are not sent to it: NULL handles, MmsValue_newStructure of a
non-structure type, isValueOfType of containers with unset elements.
A type code outside MmsType inside a tree is not compared: such a tree is invalid for us
(every function answers as for NULL) while the reference counts the node as 0 octets in
getMaxEncodedSize. MmsValue_getSizeInMemory and MmsValue_cloneToBuffer are compared in
test_data_api_diff.py.
"""

import ctypes as C
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import differential  # noqa: E402
import harness  # noqa: E402

INTENDED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "intended_differences.txt")

libc = C.CDLL(None)
libc.calloc.restype, libc.calloc.argtypes = C.c_void_p, [C.c_size_t, C.c_size_t]
libc.strdup.restype, libc.strdup.argtypes = C.c_void_p, [C.c_char_p]


def intended_differences():
    """{function: reason} from intended_differences.txt (`function<TAB>reason` lines)."""
    out = {}
    if os.path.exists(INTENDED):
        with open(INTENDED) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    name, _, reason = line.rstrip("\n").partition("\t")
                    out[name.strip()] = reason.strip()
    return out


# --- the C layout of struct sMmsVariableSpecification (packed, 28 bytes) ----------------------

class _Array(C.Structure):
    _fields_ = [("elementCount", C.c_int), ("elements", C.c_void_p)]


class _Float(C.Structure):
    _fields_ = [("exponentWidth", C.c_uint8), ("formatWidth", C.c_uint8)]


class _TypeSpec(C.Union):
    _fields_ = [("array", _Array), ("structure", _Array), ("integer", C.c_int), ("floatingpoint", _Float)]


class Spec(C.Structure):
    _pack_ = 1
    _fields_ = [("type", C.c_int), ("name", C.c_void_p), ("typeSpec", _TypeSpec)]


assert C.sizeof(Spec) == 28 and Spec.typeSpec.offset == 12

ARRAY, STRUCT, BOOL, BITS, INT, UINT, FLOAT, OCT, VIS, GT, BT, BCD, OID, STR, UTC = range(15)


def build(t, name=None):
    """A malloc'ed tree: ("struct", [(name, t)]), ("array", n, t), ("float", fw, ew), (type, int)."""
    p = libc.calloc(1, C.sizeof(Spec))
    s = Spec.from_address(p)
    s.name = libc.strdup(name) if name is not None else None
    if t[0] == "struct":
        s.type = STRUCT
        s.typeSpec.structure.elementCount = len(t[1])
        arr = libc.calloc(max(len(t[1]), 1), 8)
        for i, (n, ct) in enumerate(t[1]):
            C.c_void_p.from_address(arr + 8 * i).value = build(ct, n)
        s.typeSpec.structure.elements = arr
    elif t[0] == "array":
        s.type = ARRAY
        s.typeSpec.array.elementCount = t[1]
        s.typeSpec.array.elements = build(t[2])
    elif t[0] == "float":
        s.type = FLOAT
        s.typeSpec.floatingpoint.formatWidth, s.typeSpec.floatingpoint.exponentWidth = t[1], t[2]
    else:
        s.type = t[0]
        s.typeSpec.integer = t[1] if len(t) > 1 else 0
    return p


QUALITY = (BITS, -13)
MV = ("struct", [(b"mag", ("struct", [(b"f", ("float", 32, 8))])), (b"q", QUALITY), (b"t", (UTC,))])
OPER = ("struct", [(b"ctlVal", (BOOL,)), (b"origin", ("struct", [(b"orCat", (INT, 8)), (b"orIdent", (OCT, -64))])),
                   (b"ctlNum", (UINT, 8)), (b"T", (UTC,)), (b"Test", (BOOL,)), (b"Check", (BITS, -2))])
CO = ("struct", [(b"Oper", OPER)])
NESTED = ("struct", [(b"arrs", ("array", 2, ("struct", [(b"x", (BOOL,)), (b"y", ("struct", [(b"z", (UINT, 16))]))]))),
                     (b"k", (INT, 8)), (b"x", (VIS, 5))])
SCALARS = [(BOOL,), (BITS, 13), (BITS, -13), (INT, 8), (INT, 32), (INT, 64), (UINT, 8), (UINT, 32), ("float", 32, 8),
           ("float", 64, 11), (OCT, 8), (OCT, -64), (VIS, 32), (VIS, -255), (BT, 4), (BT, 6), (STR, -255), (STR, 10),
           (UTC,), (GT,), (BCD, 4), (OID,), ("array", 3, (INT, 32)), ("array", 0, (BOOL,)), ("struct", []), (99,),
           ("struct", [(b"a", (BOOL,)), (b"g", (GT,))]), ("array", 2, ("struct", [(b"g", (BCD, 1))]))]
TREES = {"MV": MV, "CO": CO, "NESTED": NESTED}


class Lib:
    """A differential.Library that records which functions were called."""

    def __init__(self, which):
        self.lib = differential.load(which)
        self.called = set()

    def __getattr__(self, name):
        self.called.add(name)
        return getattr(self.lib, name)


@pytest.fixture(scope="module")
def libs():
    return Lib("ours"), Lib("reference")


def text(L, v):
    if not v:
        return None
    buf = C.create_string_buffer(1024)
    L.MmsValue_printToBuffer(v, buf, 1024)
    return buf.value


def name_of(L, spec):
    return L.MmsVariableSpecification_getName(spec) if spec else None  # const char*: bytes


def names(L, lst):
    if not lst:
        return None
    out, e = [], L.LinkedList_getNext(lst)
    while e:
        out.append(C.string_at(L.LinkedList_getData(e)))
        e = L.LinkedList_getNext(e)
    L.LinkedList_destroy(lst)
    return out


# --- scenarios: each returns [(function, detail, observed), ...] ------------------------------

def sc_trees(L):
    out = []
    for tname, t in TREES.items():
        s = build(t)
        out.append(("MmsVariableSpecification_getType", tname, L.MmsVariableSpecification_getType(s)))
        out.append(("MmsVariableSpecification_getName", tname, name_of(L, s)))
        out.append(("MmsVariableSpecification_getSize", tname, L.MmsVariableSpecification_getSize(s)))
        out.append(("MmsVariableSpecification_getMaxEncodedSize", tname, L.MmsVariableSpecification_getMaxEncodedSize(s)))
        out.append(("MmsVariableSpecification_getStructureElements", tname,
                    names(L, L.MmsVariableSpecification_getStructureElements(s))))
        idx = C.c_int(-5)
        for n in [b"mag", b"q", b"Oper", b"nope", b"arrs", b"x", b""]:
            c = L.MmsVariableSpecification_getChildSpecificationByName(s, n, C.byref(idx))
            out.append(("MmsVariableSpecification_getChildSpecificationByName", (tname, n), (name_of(L, c), idx.value)))
        for i in [-1, 0, 1, 2, 3, 30]:
            c = L.MmsVariableSpecification_getChildSpecificationByIndex(s, i)
            out.append(("MmsVariableSpecification_getChildSpecificationByIndex", (tname, i), name_of(L, c)))
        for p in [b"mag$f", b"q", b"Oper$origin$orIdent", b"Oper$origin", b"Oper$", b"mag$x", b"$mag", b"",
                  b"arrs$x", b"arrs$y$z", b"arrs$1", b"arrs(1)", b"k$", b"k$z", b"arrs$", b"x"]:
            c = L.MmsVariableSpecification_getNamedVariableRecursive(s, p)
            out.append(("MmsVariableSpecification_getNamedVariableRecursive", (tname, p), name_of(L, c)))
        first = L.MmsVariableSpecification_getChildSpecificationByIndex(s, 0)
        out.append(("MmsVariableSpecification_getArrayElementSpecification", tname,
                    (bool(L.MmsVariableSpecification_getArrayElementSpecification(s)),
                     name_of(L, L.MmsVariableSpecification_getNamedVariableRecursive(
                         L.MmsVariableSpecification_getArrayElementSpecification(first) or first, b"x")))))
        v = L.MmsValue_newDefaultValue(s)
        out.append(("MmsValue_newDefaultValue", tname, text(L, v)))
        out.append(("MmsValue_getMaxEncodedSize", ("default", tname), L.MmsValue_getMaxEncodedSize(v)))
        out.append(("MmsVariableSpecification_isValueOfType", tname, L.MmsVariableSpecification_isValueOfType(s, v)))
        v2 = L.MmsValue_newStructure(s)
        out.append(("MmsValue_newStructure", tname, text(L, v2)))
        L.MmsValue_delete(v2)
        a = L.MmsValue_createArray(s, 2)
        out.append(("MmsValue_createArray", tname, text(L, a)))
        out.append(("MmsValue_getMaxEncodedSize", ("array", tname), L.MmsValue_getMaxEncodedSize(a)))
        L.MmsValue_delete(a)
        for p in [b"mag", b"mag$f", b"q", b"Oper", b"Oper$ctlNum", b"Oper$origin$orCat", b"arrs", b"arrs$x",
                  b"arrs$1", b"k", b"x", b"k$z", b"", b"arrs$", b"zz"]:
            cv = L.MmsVariableSpecification_getChildValue(s, v, p)
            out.append(("MmsVariableSpecification_getChildValue", (tname, p), text(L, cv)))
            sv = L.MmsValue_getSubElement(v, s, p)
            out.append(("MmsValue_getSubElement", (tname, p), (text(L, sv), sv == cv)))
        L.MmsValue_delete(v)
        L.MmsVariableSpecification_destroy(s)
    return out


def sc_scalars(L):
    out = []
    for t in SCALARS:
        s = build(t)
        out.append(("MmsVariableSpecification_getType", t, L.MmsVariableSpecification_getType(s)))
        out.append(("MmsVariableSpecification_getSize", t, L.MmsVariableSpecification_getSize(s)))
        out.append(("MmsVariableSpecification_getExponentWidth", t, L.MmsVariableSpecification_getExponentWidth(s)))
        out.append(("MmsVariableSpecification_getArrayElementSpecification", t,
                    bool(L.MmsVariableSpecification_getArrayElementSpecification(s))))
        out.append(("MmsVariableSpecification_getChildSpecificationByIndex", t,
                    bool(L.MmsVariableSpecification_getChildSpecificationByIndex(s, 0))))
        out.append(("MmsVariableSpecification_getStructureElements", t,
                    names(L, L.MmsVariableSpecification_getStructureElements(s))))
        out.append(("MmsVariableSpecification_getMaxEncodedSize", t, L.MmsVariableSpecification_getMaxEncodedSize(s)))
        v = L.MmsValue_newDefaultValue(s)
        out.append(("MmsValue_newDefaultValue", t,
                    v and (text(L, v), L.MmsValue_getTypeString(v))))
        out.append(("MmsValue_getMaxEncodedSize", ("default", t), v and L.MmsValue_getMaxEncodedSize(v)))
        out.append(("MmsVariableSpecification_isValueOfType", t, bool(v) and L.MmsVariableSpecification_isValueOfType(s, v)))
        L.MmsValue_delete(v)
        for n in (2, 0):
            a = L.MmsValue_createArray(s, n)
            out.append(("MmsValue_createArray", (t, n), text(L, a)))
            out.append(("MmsValue_getMaxEncodedSize", ("array", t, n), a and L.MmsValue_getMaxEncodedSize(a)))
            L.MmsValue_delete(a)
        L.MmsVariableSpecification_destroy(s)
    return out


def _values(L):
    def st(*elements):
        s = L.MmsValue_createEmptyStructure(len(elements))
        for i, e in enumerate(elements):
            L.MmsValue_setElement(s, i, e)
        return s

    def arr(n):
        a = L.MmsValue_createEmptyArray(n)
        for i in range(n):
            L.MmsValue_setElement(a, i, L.MmsValue_newIntegerFromInt32(i))
        return a

    return {
        "bs13": lambda: L.MmsValue_newBitString(13), "bs2": lambda: L.MmsValue_newBitString(2),
        "i32": lambda: L.MmsValue_newIntegerFromInt32(5), "u": lambda: L.MmsValue_newUnsignedFromUint32(5),
        "f": lambda: L.MmsValue_newFloat(1), "d": lambda: L.MmsValue_newDouble(1),
        "os8": lambda: L.MmsValue_newOctetString(8, 8), "os2_64": lambda: L.MmsValue_newOctetString(2, 64),
        "vs": lambda: L.MmsValue_newVisibleString(b"abc"), "ms": lambda: L.MmsValue_newMmsString(b"abc"),
        "bt4": lambda: L.MmsValue_newBinaryTime(True), "bt6": lambda: L.MmsValue_newBinaryTime(False),
        "b": lambda: L.MmsValue_newBoolean(True), "utc": lambda: L.MmsValue_newUtcTime(1),
        "dae": lambda: L.MmsValue_newDataAccessError(1), "st0": lambda: L.MmsValue_createEmptyStructure(0),
        "st_ib": lambda: st(L.MmsValue_newIntegerFromInt32(1), L.MmsValue_newBoolean(True)),
        "st_bi": lambda: st(L.MmsValue_newBoolean(True), L.MmsValue_newIntegerFromInt32(1)),
        "arr2": lambda: arr(2), "arr3": lambda: arr(3),
    }


def sc_is_value_of_type(L):
    out = []
    specs = {"bs13": (BITS, 13), "bs-13": (BITS, -13), "bs2": (BITS, 2), "i8": (INT, 8), "u8": (UINT, 8),
             "f32": ("float", 32, 8), "f64": ("float", 64, 11), "os8": (OCT, 8), "os-64": (OCT, -64), "os2": (OCT, 2),
             "vs1": (VIS, 1), "vs-255": (VIS, -255), "ms": (STR, -255), "bt4": (BT, 4), "bt6": (BT, 6), "b": (BOOL,),
             "utc": (UTC,), "st_ib": ("struct", [(b"a", (INT, 32)), (b"b", (BOOL,))]), "arr2": ("array", 2, (INT, 32)),
             "arr3": ("array", 3, (INT, 8)), "arrb": ("array", 2, (BOOL,)), "st0": ("struct", [])}
    values = _values(L)
    for sn, t in specs.items():
        s = build(t)
        for vn, mk in values.items():
            v = mk()
            out.append(("MmsVariableSpecification_isValueOfType", (sn, vn), L.MmsVariableSpecification_isValueOfType(s, v)))
            L.MmsValue_delete(v)
        L.MmsVariableSpecification_destroy(s)
    for vn, mk in values.items():
        v = mk()
        out.append(("MmsValue_getMaxEncodedSize", vn, L.MmsValue_getMaxEncodedSize(v)))
        L.MmsValue_delete(v)
    return out


SCENARIOS = [sc_trees, sc_scalars, sc_is_value_of_type]


def compare(ours, ref, results_ours, results_ref):
    """Prints the summary; returns {function: [difference lines]} not allowed by the file."""
    allowed = intended_differences()
    differ = {}
    assert [repr(r[:2]) for r in results_ours] == [repr(r[:2]) for r in results_ref]
    for (fn, detail, got), (_, _, want) in zip(results_ours, results_ref):
        if repr(got) != repr(want):
            differ.setdefault(fn, []).append(f"{fn}{detail!r}: ours {got!r}, reference {want!r}")
    compared = {fn for fn, _, _ in results_ours}
    print(f"{len(compared)} functions compared, {len(differ)} differ")
    for fn, lines in sorted(differ.items()):
        print(f"  {fn} ({'intended: ' + allowed[fn] if fn in allowed else 'NOT INTENDED'})")
        for line in lines[:3]:
            print("    " + line)
    return {fn: lines for fn, lines in differ.items() if fn not in allowed}


def test_type_spec_api_matches_reference(libs):
    ours, ref = libs
    a = [r for sc in SCENARIOS for r in sc(ours)]
    b = [r for sc in SCENARIOS for r in sc(ref)]
    bad = compare(ours, ref, a, b)
    assert not bad, f"{len(bad)} functions differ from the reference: {sorted(bad)}"


def test_trees_from_the_reference_client(libs):
    """Both libraries read the trees the reference's IedConnection_getVariableSpecification returns."""
    ours, ref = libs
    refs = [(b"DEMOProt/LLN0.Mod", 0), (b"DEMOMeas/MMXU1.TotW", 1), (b"DEMOProt/GGIO1.SPCSO1", 12),
            (b"DEMOMeas/GAPC1", 0), (b"DEMOProt/LLN0.NamPlt", 5)]
    paths = [b"stVal", b"q", b"t", b"mag$f", b"Oper$origin$orIdent", b"Oper$ctlNum", b"IntIn$stVal", b"vendor", b"x"]
    with harness.reference_server_ctl() as server:
        err = C.c_int(-1)
        con = ref.IedConnection_create()
        ref.IedConnection_connect(con, C.byref(err), b"127.0.0.1", server.port)
        assert err.value == 0
        results = {"ours": [], "reference": []}
        try:
            for objref, fc in refs:
                spec = ref.IedConnection_getVariableSpecification(con, C.byref(err), objref, fc)
                assert spec and err.value == 0, objref
                for side, L in (("ours", ours), ("reference", ref)):
                    r = results[side]
                    r.append(("MmsVariableSpecification_getMaxEncodedSize", objref,
                              L.MmsVariableSpecification_getMaxEncodedSize(spec)))
                    r.append(("MmsVariableSpecification_getStructureElements", objref,
                              names(L, L.MmsVariableSpecification_getStructureElements(spec))))
                    v = L.MmsValue_newDefaultValue(spec)
                    r.append(("MmsValue_newDefaultValue", objref, text(L, v)))
                    r.append(("MmsVariableSpecification_isValueOfType", objref,
                              L.MmsVariableSpecification_isValueOfType(spec, v)))
                    for p in paths:
                        c = L.MmsVariableSpecification_getNamedVariableRecursive(spec, p)
                        r.append(("MmsVariableSpecification_getNamedVariableRecursive", (objref, p),
                                  (name_of(L, c), L.MmsVariableSpecification_getSize(c) if c else None,
                                   L.MmsVariableSpecification_getType(c) if c else None)))
                        r.append(("MmsValue_getSubElement", (objref, p), text(L, L.MmsValue_getSubElement(v, spec, p))))
                    L.MmsValue_delete(v)
                ref.MmsVariableSpecification_destroy(spec)
        finally:
            ref.IedConnection_close(con)
            ref.IedConnection_destroy(con)
    bad = compare(ours, ref, results["ours"], results["reference"])
    assert not bad, f"{len(bad)} functions differ from the reference: {sorted(bad)}"


def test_null_arguments_are_safe(libs):
    """Our functions accept NULL everywhere (the reference crashes on most of them)."""
    ours, _ = libs
    ours.MmsVariableSpecification_destroy(None)
    assert ours.MmsVariableSpecification_getType(None) == 15
    assert ours.MmsVariableSpecification_getName(None) is None
    assert ours.MmsVariableSpecification_getSize(None) == -1
    assert ours.MmsVariableSpecification_getExponentWidth(None) == -1
    assert not ours.MmsVariableSpecification_getChildSpecificationByName(None, b"x", None)
    assert not ours.MmsVariableSpecification_getChildSpecificationByIndex(None, 0)
    assert not ours.MmsVariableSpecification_getNamedVariableRecursive(None, b"x")
    assert not ours.MmsVariableSpecification_getStructureElements(None)
    assert not ours.MmsVariableSpecification_getArrayElementSpecification(None)
    assert not ours.MmsVariableSpecification_isValueOfType(None, None)
    assert not ours.MmsVariableSpecification_getChildValue(None, None, None)
    assert ours.MmsVariableSpecification_getMaxEncodedSize(None) == 0
    assert not ours.MmsValue_newDefaultValue(None)
    assert not ours.MmsValue_newStructure(None)
    assert not ours.MmsValue_createArray(None, 2)
    assert not ours.MmsValue_getSubElement(None, None, None)
    assert ours.MmsValue_getMaxEncodedSize(None) == 0
    s = build(MV)
    assert not ours.MmsValue_newStructure(ours.MmsVariableSpecification_getChildSpecificationByIndex(s, 1))
    assert not ours.MmsValue_createArray(s, -1)
    assert not ours.MmsVariableSpecification_getChildValue(s, None, b"q")
    unset = ours.MmsValue_createEmptyStructure(3)
    assert not ours.MmsVariableSpecification_isValueOfType(s, unset)
    ours.MmsValue_delete(unset)
    ours.MmsVariableSpecification_destroy(s)
