"""Loads libiec61850-compatible libraries with C prototypes and runs calls side by side.

`Library(path)` is a ctypes library whose functions get their prototypes on first
use: from the explicit table below (enough for the client tests, and what a fresh
checkout relies on), otherwise from the ABI manifest `functions.tsv` when present
(env RS61850_ABI_DIR, default /work/shared/abi).

`Differential(ours, reference)` runs one call on each library with the same inputs:

    d = Differential()
    conn = d.call("IedConnection_create")            # Pair(ours=..., reference=...)
    d.call("IedConnection_connect", conn, ERR, b"127.0.0.1", port)
    r = d.call("IedConnection_readInt32Value", conn, ERR, b"LD/LN.DO.DA", FC_ST)
    assert r.ours == r.reference                     # each side: (return, err)

A `Pair` argument passes its own element to each library (handles); `ERR` (or any
`Out(ctype)`) allocates an out-parameter per library whose final value is appended
to that side's result as a tuple `(return_value, out1, ...)`.
"""

import contextlib
import csv
import ctypes
import os
from typing import Any, NamedTuple

import harness

# Enum values of the C API (abi/enums.tsv).
IED_ERROR_OK = 0
IED_ERROR_NOT_CONNECTED = 1
IED_ERROR_ALREADY_CONNECTED = 2
IED_ERROR_CONNECTION_LOST = 3
IED_ERROR_CONNECTION_REJECTED = 5
IED_ERROR_OBJECT_REFERENCE_INVALID = 12
IED_ERROR_UNEXPECTED_VALUE_RECEIVED = 13
IED_ERROR_ACCESS_DENIED = 21
IED_ERROR_OBJECT_DOES_NOT_EXIST = 22
IED_ERROR_TYPE_INCONSISTENT = 25
IED_ERROR_UNKNOWN = 99
IED_STATE_CLOSED = 0
IED_STATE_CONNECTING = 1
IED_STATE_CONNECTED = 2
IED_STATE_CLOSING = 3
FC_ST, FC_MX, FC_SP, FC_CF, FC_DC, FC_EX, FC_CO = 0, 1, 2, 4, 5, 11, 12
MMS_STRUCTURE, MMS_BOOLEAN, MMS_BIT_STRING, MMS_INTEGER, MMS_UNSIGNED = 1, 2, 3, 4, 5
MMS_FLOAT, MMS_OCTET_STRING, MMS_VISIBLE_STRING, MMS_STRING = 6, 7, 8, 13
MMS_UTC_TIME, MMS_DATA_ACCESS_ERROR = 14, 15
DATA_ACCESS_ERROR_OBJECT_NON_EXISTENT = 10

ABI_DIR = os.environ.get("RS61850_ABI_DIR", "/work/shared/abi")

vp = ctypes.c_void_p
i32 = ctypes.c_int32
u32 = ctypes.c_uint32
cstr = ctypes.c_char_p
PINT = ctypes.POINTER(ctypes.c_int)

# name: (restype, argtypes). Returned `char*` that the caller must free is `vp`.
PROTOTYPES = {
    "IedConnection_create": (vp, []),
    "IedConnection_createEx": (vp, [vp, ctypes.c_bool]),
    "IedConnection_destroy": (None, [vp]),
    "IedConnection_connect": (None, [vp, PINT, cstr, ctypes.c_int]),
    "IedConnection_close": (None, [vp]),
    "IedConnection_abort": (None, [vp, PINT]),
    "IedConnection_release": (None, [vp, PINT]),
    "IedConnection_getState": (ctypes.c_int, [vp]),
    "IedConnection_installStateChangedHandler": (None, [vp, vp, vp]),
    "IedConnection_installConnectionClosedHandler": (None, [vp, vp, vp]),
    "IedConnection_setConnectTimeout": (None, [vp, u32]),
    "IedConnection_setRequestTimeout": (None, [vp, u32]),
    "IedConnection_getRequestTimeout": (u32, [vp]),
    "IedConnection_setMaxOutstandingCalls": (None, [vp, ctypes.c_int, ctypes.c_int]),
    "IedConnection_setLocalAddress": (None, [vp, cstr, ctypes.c_int]),
    "IedConnection_tick": (ctypes.c_bool, [vp]),
    "IedConnection_readObject": (vp, [vp, PINT, cstr, ctypes.c_int]),
    "IedConnection_writeObject": (None, [vp, PINT, cstr, ctypes.c_int, vp]),
    "IedConnection_readBooleanValue": (ctypes.c_bool, [vp, PINT, cstr, ctypes.c_int]),
    "IedConnection_readInt32Value": (i32, [vp, PINT, cstr, ctypes.c_int]),
    "IedConnection_readInt64Value": (ctypes.c_int64, [vp, PINT, cstr, ctypes.c_int]),
    "IedConnection_readUnsigned32Value": (u32, [vp, PINT, cstr, ctypes.c_int]),
    "IedConnection_readFloatValue": (ctypes.c_float, [vp, PINT, cstr, ctypes.c_int]),
    "IedConnection_readStringValue": (vp, [vp, PINT, cstr, ctypes.c_int]),
    "IedConnection_readQualityValue": (ctypes.c_uint16, [vp, PINT, cstr, ctypes.c_int]),
    "IedConnection_readTimestampValue": (vp, [vp, PINT, cstr, ctypes.c_int, vp]),
    "IedConnection_writeBooleanValue": (None, [vp, PINT, cstr, ctypes.c_int, ctypes.c_bool]),
    "IedConnection_writeInt32Value": (None, [vp, PINT, cstr, ctypes.c_int, i32]),
    "IedConnection_writeUnsigned32Value": (None, [vp, PINT, cstr, ctypes.c_int, u32]),
    "IedConnection_writeFloatValue": (None, [vp, PINT, cstr, ctypes.c_int, ctypes.c_float]),
    "IedConnection_writeVisibleStringValue": (None, [vp, PINT, cstr, ctypes.c_int, cstr]),
    "MmsValue_delete": (None, [vp]),
    "MmsValue_getType": (ctypes.c_int, [vp]),
    "MmsValue_getDataAccessError": (ctypes.c_int, [vp]),
    "MmsValue_printToBuffer": (cstr, [vp, ctypes.c_char_p, ctypes.c_int]),
    "MmsValue_newBoolean": (vp, [ctypes.c_bool]),
    "MmsValue_newIntegerFromInt32": (vp, [i32]),
    "MmsValue_newIntegerFromInt64": (vp, [ctypes.c_int64]),
    "MmsValue_newIntegerFromInt8": (vp, [ctypes.c_int8]),
    "MmsValue_newIntegerFromInt16": (vp, [ctypes.c_int16]),
    "MmsValue_newUnsignedFromUint32": (vp, [u32]),
    "MmsValue_newFloat": (vp, [ctypes.c_float]),
    "MmsValue_newDouble": (vp, [ctypes.c_double]),
    "MmsValue_newVisibleString": (vp, [cstr]),
    "MmsValue_newMmsString": (vp, [cstr]),
    "MmsValue_newOctetString": (vp, [ctypes.c_int, ctypes.c_int]),
    "MmsValue_setOctetString": (None, [vp, cstr, ctypes.c_int]),
    "MmsValue_getOctetStringSize": (ctypes.c_uint16, [vp]),
    "MmsValue_getOctetStringBuffer": (ctypes.POINTER(ctypes.c_uint8), [vp]),
    "MmsValue_newUtcTimeByMsTime": (vp, [ctypes.c_uint64]),
    "MmsValue_getUtcTimeInMs": (ctypes.c_uint64, [vp]),
    "MmsValue_newBitString": (vp, [ctypes.c_int]),
    "MmsValue_setBitStringFromInteger": (None, [vp, u32]),
    "MmsValue_getBitStringAsInteger": (u32, [vp]),
    "MmsValue_getBitStringSize": (ctypes.c_int, [vp]),
    "MmsValue_getBoolean": (ctypes.c_bool, [vp]),
    "MmsValue_toInt32": (i32, [vp]),
    "MmsValue_toInt64": (ctypes.c_int64, [vp]),
    "MmsValue_toUint32": (u32, [vp]),
    "MmsValue_toFloat": (ctypes.c_float, [vp]),
    "MmsValue_toDouble": (ctypes.c_double, [vp]),
    "MmsValue_toString": (cstr, [vp]),
    "MmsValue_getArraySize": (u32, [vp]),
    "MmsValue_getElement": (vp, [vp, ctypes.c_int]),
    "LinkedList_destroy": (None, [vp]),
    "LinkedList_size": (ctypes.c_int, [vp]),
}

_C_SCALARS = {
    "void": None, "_Bool": ctypes.c_bool, "bool": ctypes.c_bool,
    "char": ctypes.c_char, "int": ctypes.c_int, "unsigned int": ctypes.c_uint,
    "long": ctypes.c_long, "float": ctypes.c_float, "double": ctypes.c_double,
    "int8_t": ctypes.c_int8, "int16_t": ctypes.c_int16, "int32_t": i32,
    "int64_t": ctypes.c_int64, "uint8_t": ctypes.c_uint8, "uint16_t": ctypes.c_uint16,
    "uint32_t": u32, "uint64_t": ctypes.c_uint64, "size_t": ctypes.c_size_t,
}


class UnsupportedPrototype(Exception):
    """The manifest's prototype passes a struct by value: declare it explicitly."""


def _typedefs():
    path = os.path.join(ABI_DIR, "types.tsv")
    if not os.path.exists(path):
        return {}
    with open(path, newline="") as f:
        return {row["name"]: row for row in csv.DictReader(f, delimiter="\t")}


def _ctype(spelling, typedefs, is_return):
    """ctypes type for a C type spelling from the manifest."""
    t = " ".join(spelling.replace("const ", "").split())
    if t.endswith("*"):
        base = t[:-1].strip()
        # A returned `char*` is owned by the caller (freed later), `const char*` is not.
        if base == "char" and (not is_return or spelling.startswith("const")):
            return cstr
        return vp
    if t in _C_SCALARS:
        return _C_SCALARS[t]
    td = typedefs.get(t)
    if td is None:
        raise UnsupportedPrototype(f"unknown type {spelling!r}")
    kind = td["kind"]
    if kind in ("opaque-pointer", "pointer", "callback"):
        return vp
    if kind == "enum":
        return ctypes.c_uint if "unsigned" in td["c_type"] else ctypes.c_int
    if kind == "scalar":
        return _ctype(td["c_type"], typedefs, is_return)
    raise UnsupportedPrototype(f"{spelling!r} is a {kind} passed by value")


def _manifest():
    path = os.path.join(ABI_DIR, "functions.tsv")
    if not os.path.exists(path):
        return {}
    with open(path, newline="") as f:
        return {row["name"]: row for row in csv.DictReader(f, delimiter="\t")}


_MANIFEST = None
_TYPEDEFS = None


def prototype(name):
    """(restype, argtypes) for `name`: explicit table first, then the ABI manifest."""
    global _MANIFEST, _TYPEDEFS
    if name in PROTOTYPES:
        return PROTOTYPES[name]
    if _MANIFEST is None:
        _MANIFEST, _TYPEDEFS = _manifest(), _typedefs()
    row = _MANIFEST.get(name)
    if row is None:
        raise KeyError(f"no prototype for {name} (not in the table nor {ABI_DIR})")
    params = [p for p in row["c_param_types"].split(",") if p.strip()]
    if params == ["void"]:
        params = []
    args = [_ctype(p, _TYPEDEFS, False) for p in params]
    return _ctype(row["return_type"], _TYPEDEFS, True), args


class Library:
    """A ctypes library whose functions carry their C prototypes."""

    def __init__(self, path):
        self.path = path
        self.dll = ctypes.CDLL(path)
        self._funcs = {}

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        fn = self._funcs.get(name)
        if fn is None:
            fn = getattr(self.dll, name)
            fn.restype, fn.argtypes = prototype(name)
            self._funcs[name] = fn
        return fn

    def has(self, name):
        """Whether the library exports `name`."""
        return hasattr(self.dll, name)


def load(which):
    """Library for "reference" or "ours" (a missing library raises, never skips)."""
    return Library(harness.lib_path(which))


class Pair(NamedTuple):
    """One value per library: our result first, the reference's second."""
    ours: Any
    reference: Any


class Out:
    """Out-parameter marker: a fresh `ctype` per library, its value joins the result."""

    def __init__(self, ctype=ctypes.c_int, init=-1):
        self.ctype = ctype
        self.init = init


ERR = Out()  # an IedClientError* out-parameter, preset to -1 to see it written


class Differential:
    """Runs each call on our library and on the reference library."""

    def __init__(self, ours=None, reference=None):
        self.ours = ours or load("ours")
        self.reference = reference or load("reference")

    def call(self, name, *args):
        """Calls `name` on both libraries; returns Pair of results."""
        return Pair(*(self._call_one(lib, i, name, args)
                      for i, lib in enumerate((self.ours, self.reference))))

    @staticmethod
    def _call_one(lib, side, name, args):
        outs = []
        actual = []
        for a in args:
            if isinstance(a, Pair):
                actual.append(a[side])
            elif isinstance(a, Out):
                cell = a.ctype(a.init)
                outs.append(cell)
                actual.append(ctypes.byref(cell))
            else:
                actual.append(a)
        ret = getattr(lib, name)(*actual)
        if outs:
            return (ret, *[c.value for c in outs])
        return ret


IED_ERROR_UNSET = -1


class Client:
    """One IedConnection of a Library, with error-code-returning call helpers."""

    def __init__(self, lib, handle=None):
        self.lib = lib
        self.handle = handle if handle is not None else lib.IedConnection_create()
        self._print_buf = ctypes.create_string_buffer(1024)

    def call(self, name, *args):
        """Calls IedConnection_<name>(handle, &err, *args); returns (result, err)."""
        err = ctypes.c_int(IED_ERROR_UNSET)
        ret = getattr(self.lib, "IedConnection_" + name)(self.handle, ctypes.byref(err), *args)
        return ret, err.value

    def connect(self, port, host=b"127.0.0.1"):
        """Connects; returns the IedClientError."""
        return self.call("connect", host, port)[1]

    def state(self):
        """IedConnection_getState."""
        return self.lib.IedConnection_getState(self.handle)

    def read_printed(self, ref, fc):
        """readObject printed with MmsValue_printToBuffer: (MmsType or None, text, err)."""
        value, err = self.call("readObject", _ref(ref), fc)
        if not value:
            return None, None, err
        try:
            mms_type = self.lib.MmsValue_getType(value)
            text = self.lib.MmsValue_printToBuffer(value, self._print_buf, len(self._print_buf))
            return mms_type, text.decode(), err
        finally:
            self.lib.MmsValue_delete(value)

    def write_value(self, ref, fc, value):
        """writeObject with an MmsValue that is deleted afterwards; returns err."""
        try:
            return self.call("writeObject", _ref(ref), fc, value)[1]
        finally:
            self.lib.MmsValue_delete(value)

    def read_string(self, ref, fc):
        """readStringValue as (bytes or None, err), freeing the returned C string."""
        ptr, err = self.call("readStringValue", _ref(ref), fc)
        if not ptr:
            return None, err
        text = ctypes.string_at(ptr)
        _libc().free(ctypes.c_void_p(ptr))
        return text, err

    def destroy(self):
        """close + destroy."""
        if self.handle:
            self.lib.IedConnection_close(self.handle)
            self.lib.IedConnection_destroy(self.handle)
            self.handle = None


def _ref(ref):
    return ref if isinstance(ref, bytes) else ref.encode()


_LIBC = None


def _libc():
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(None)
        _LIBC.free.argtypes = [ctypes.c_void_p]
        _LIBC.free.restype = None
    return _LIBC


@contextlib.contextmanager
def new_client(lib, threads=None):
    """A fresh Client of `lib` (createEx when `threads` is given), destroyed at exit."""
    handle = None if threads is None else lib.IedConnection_createEx(None, threads)
    client = Client(lib, handle)
    try:
        yield client
    finally:
        client.destroy()


def connect_verified(client, port, attempts=3, probe=(b"DEMOMeas/GAPC1.IntIn.stVal", FC_ST)):
    """Connects and checks the association with readInt32Value of `probe` (an integer
    attribute's reference and FC), retrying when the reference server dropped the fresh
    connection (see harness.retry_dropped_connections)."""
    for _ in range(attempts):
        err = client.connect(port)
        if err == IED_ERROR_OK:
            err = client.call("readInt32Value", *probe)[1]
            if err == IED_ERROR_OK:
                return err
        client.lib.IedConnection_close(client.handle)
    return err


class _ListNode(ctypes.Structure):
    """A LinkedList element as py61850 walks it: {data, next}, the head's data is NULL."""


_ListNode._fields_ = [("data", ctypes.c_void_p), ("next", ctypes.POINTER(_ListNode))]


def list_pointers(ll):
    """The data pointers of a LinkedList (after its NULL-data head), walked like py61850."""
    out = []
    node = ctypes.cast(ll, ctypes.POINTER(_ListNode)).contents.next
    while node:
        out.append(node.contents.data)
        node = node.contents.next
    return out


def take_string_list(lib, ll):
    """The strings of a returned LinkedList of char*, which is then freed with
    LinkedList_destroy (the caller owns list and strings); None for a NULL list."""
    if not ll:
        return None
    try:
        return [ctypes.string_at(p).decode() for p in list_pointers(ll)]
    finally:
        lib.LinkedList_destroy(ll)


def string_list_call(client, name, *args):
    """IedConnection_<name> returning a LinkedList of strings: (list or None, err)."""
    ll, err = client.call(name, *args)
    return take_string_list(client.lib, ll), err


@contextlib.contextmanager
def c_string_list(lib, items):
    """A LinkedList of the C strings `items` (bytes), owned by the caller: the strings
    stay alive in Python and the list is freed with LinkedList_destroyStatic."""
    buffers = [ctypes.create_string_buffer(i) for i in items]
    ll = lib.LinkedList_create()
    for b in buffers:
        lib.LinkedList_add(ll, ctypes.cast(b, ctypes.c_void_p))
    try:
        yield ll
    finally:
        lib.LinkedList_destroyStatic(ll)
