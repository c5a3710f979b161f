"""Data sets: directory, read (new and refreshed ClientDataSet), write with per-member access
results, dynamic creation (domain-, association- and VMD-specific) and deletion, errors.

Every test runs on the reference client and on ours against a reference server on
tests/fixtures/directory.cfg. All expected values were observed on the reference
(libiec61850 1.6.1).
"""

import contextlib
import ctypes

import pytest

import differential
import harness
from differential import (
    FC_SP, IED_ERROR_ACCESS_DENIED, IED_ERROR_OBJECT_DOES_NOT_EXIST,
    IED_ERROR_OBJECT_REFERENCE_INVALID, IED_ERROR_OK, MMS_DATA_ACCESS_ERROR, c_string_list,
    list_pointers, take_string_list)
import test_directory
from test_directory import PROBE

# The directory.cfg server and connection fixtures of test_directory.
server = test_directory.server
conn = test_directory.conn

IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT = 10
IED_ERROR_OBJECT_EXISTS = 23
IED_ERROR_OBJECT_UNDEFINED = 27
IED_ERROR_UNKNOWN = 99
MMS_ARRAY = 0
DATA_ACCESS_ERROR_SUCCESS = -1
DATA_ACCESS_ERROR_OBJECT_ACCESS_DENIED = 3
DATA_ACCESS_ERROR_TYPE_INCONSISTENT = 7

EVENTS_MEMBERS = ["DIRDev/GGIO1.Ind1.stVal[ST]", "DIRDev/GGIO1.Ind2[ST]"]
SETTINGS_MEMBERS = ["DIRDev/GAPC1.Set1.setVal[SP]", "DIRDev/GAPC1.Set2.setVal[SP]",
                    "DIRDev/GGIO1.Ind1.stVal[ST]", "DIRDev/GAPC1.Str.setVal[SP]"]
NEW_MEMBERS = [b"DIRDev/GGIO1.Ind1.stVal[ST]", b"DIRDev/GAPC1.Set1.setVal[SP]",
               b"DIRDev/GAPC1.Set2[SP]"]


def ds_directory(conn, ref, preset=True):
    """getDataSetDirectory: (member list or None, err, isDeletable as left by the call)."""
    deletable = ctypes.c_bool(preset)
    ll, err = conn.call("getDataSetDirectory", ref, ctypes.byref(deletable))
    return take_string_list(conn.lib, ll), err, deletable.value


def printed(conn, value):
    return conn.lib.MmsValue_printToBuffer(value, conn._print_buf, len(conn._print_buf)).decode()


def data_set_state(conn, ds):
    """(reference, size, MmsType of the values, printed values) of a ClientDataSet."""
    lib = conn.lib
    values = lib.ClientDataSet_getValues(ds)
    return (ctypes.string_at(lib.ClientDataSet_getReference(ds)).decode(),
            lib.ClientDataSet_getDataSetSize(ds), lib.MmsValue_getType(values),
            printed(conn, values))


@contextlib.contextmanager
def read_data_set(conn, ref):
    """readDataSetValues into a new ClientDataSet, destroyed at exit; yields (ds, err)."""
    ds, err = conn.call("readDataSetValues", ref, None)
    try:
        yield ds, err
    finally:
        if ds:
            conn.lib.ClientDataSet_destroy(ds)


def create(conn, ref, members):
    with c_string_list(conn.lib, members) as ll:
        return conn.call("createDataSet", ref, ll)[1]


def write_data_set(conn, ref, make_values):
    """writeDataSetValues with fresh MmsValues; returns (err, access results) where the
    results are the DataAccessError of each returned MmsValue, or None for a NULL list."""
    lib = conn.lib
    values = lib.LinkedList_create()
    for make in make_values:
        lib.LinkedList_add(values, make(lib))
    results = ctypes.c_void_p(0x1234)  # to see that the call writes it
    try:
        err = conn.call("writeDataSetValues", ref, values, ctypes.byref(results))[1]
    finally:
        lib.LinkedList_destroyDeep(values, lib.MmsValue_delete)
    if not results.value:
        return err, None
    assert results.value != 0x1234, "accessResults not written"
    try:
        out = []
        for v in list_pointers(results.value):
            assert lib.MmsValue_getType(v) == MMS_DATA_ACCESS_ERROR
            out.append(lib.MmsValue_getDataAccessError(v))
        return err, out
    finally:
        lib.LinkedList_destroyDeep(results.value, lib.MmsValue_delete)


def int32(n):
    return lambda lib: lib.MmsValue_newIntegerFromInt32(n)


def float32(x):
    return lambda lib: lib.MmsValue_newFloat(x)


def boolean(b):
    return lambda lib: lib.MmsValue_newBoolean(b)


def vstring(s):
    return lambda lib: lib.MmsValue_newVisibleString(s)


@pytest.fixture
def created(conn):
    """Names of data sets a test creates; each is deleted after the test."""
    names = []
    yield names
    for name in names:
        conn.call("deleteDataSet", name)


def set_settings(conn, set1, set2, text):
    for ref, make in ((b"DIRDev/GAPC1.Set1.setVal", int32(set1)),
                      (b"DIRDev/GAPC1.Set2.setVal", float32(set2)),
                      (b"DIRDev/GAPC1.Str.setVal", vstring(text))):
        assert conn.write_value(ref, FC_SP, make(conn.lib)) == IED_ERROR_OK


# --- directory ---------------------------------------------------------------------------

@pytest.mark.parametrize("ref,members", [
    (b"DIRDev/LLN0.Events", EVENTS_MEMBERS),
    (b"DIRDev/LLN0$Events", EVENTS_MEMBERS),
    (b"DIRDev/LLN0.Settings", SETTINGS_MEMBERS),
])
@pytest.mark.parametrize("preset", [True, False])
def test_directory_of_static_data_set(conn, ref, members, preset):
    # Observed on the reference: members as `LD/LN.DO[.DA][FC]` in data set order; data
    # sets of the model are not deletable.
    assert ds_directory(conn, ref, preset) == (members, IED_ERROR_OK, False)


@pytest.mark.parametrize("ref", [
    b"DIRDev/LLN0.Nope", b"NOPE/LLN0.Events", b"DIRDev/GGIO1.Events", b"@Nope", b"garbage",
    b"DIRDev/LLN0",
])
@pytest.mark.parametrize("preset", [True, False])
def test_directory_of_missing_data_set(conn, ref, preset):
    # Observed on the reference: OBJECT_DOES_NOT_EXIST, isDeletable untouched.
    assert ds_directory(conn, ref, preset) == (None, IED_ERROR_OBJECT_DOES_NOT_EXIST, preset)


# --- read ----------------------------------------------------------------------------------

@pytest.mark.parametrize("ref", [b"DIRDev/LLN0.Events", b"DIRDev/LLN0$Events"])
def test_read_static_data_set(conn, ref):
    # Observed on the reference: the ClientDataSet's reference uses `$` after the LN; the
    # values are an MMS array with one element per member (an FCD member is a structure).
    with read_data_set(conn, ref) as (ds, err):
        assert err == IED_ERROR_OK and ds
        assert data_set_state(conn, ds) == (
            "DIRDev/LLN0$Events", 2, MMS_ARRAY,
            "{false,{true,0000000000000,19700101000000.000Z}}")


@pytest.mark.parametrize("ref", [b"DIRDev/LLN0.Nope", b"NOPE/LLN0.Events", b"@Nope",
                                 b"garbage"])
def test_read_missing_data_set(conn, ref):
    assert conn.call("readDataSetValues", ref, None) == (None, IED_ERROR_OBJECT_DOES_NOT_EXIST)


def test_read_refreshes_existing_client_data_set(conn):
    lib = conn.lib
    set_settings(conn, 11, 2.5, b"text")
    with read_data_set(conn, b"DIRDev/LLN0.Settings") as (ds, err):
        assert err == IED_ERROR_OK
        assert data_set_state(conn, ds) == (
            "DIRDev/LLN0$Settings", 4, MMS_ARRAY, "{11,2.500000,false,text}")
        values = lib.ClientDataSet_getValues(ds)
        set_settings(conn, 12, -1.5, b"new")
        # Observed on the reference: the same ClientDataSet comes back, its values object
        # updated in place.
        assert conn.call("readDataSetValues", b"DIRDev/LLN0.Settings", ds) == \
            (ds, IED_ERROR_OK)
        assert lib.ClientDataSet_getValues(ds) == values
        assert data_set_state(conn, ds) == (
            "DIRDev/LLN0$Settings", 4, MMS_ARRAY, "{12,-1.500000,false,new}")
        # Observed on the reference: a failed refresh returns the given ClientDataSet
        # (still owned by the caller) with its previous values.
        assert conn.call("readDataSetValues", b"DIRDev/LLN0.Nope", ds) == \
            (ds, IED_ERROR_OBJECT_DOES_NOT_EXIST)
        assert data_set_state(conn, ds) == (
            "DIRDev/LLN0$Settings", 4, MMS_ARRAY, "{12,-1.500000,false,new}")
    set_settings(conn, 11, 2.5, b"text")


# --- write ---------------------------------------------------------------------------------

def test_write_data_set_values(conn):
    set_settings(conn, 11, 2.5, b"text")
    # Observed on the reference: the call succeeds and gives one DATA_ACCESS_ERROR MmsValue
    # per member (SUCCESS = -1); the ST member is not writable.
    assert write_data_set(conn, b"DIRDev/LLN0.Settings", [
        int32(5), float32(1.25), boolean(True), vstring(b"abc")]) == (IED_ERROR_OK, [
            DATA_ACCESS_ERROR_SUCCESS, DATA_ACCESS_ERROR_SUCCESS,
            DATA_ACCESS_ERROR_OBJECT_ACCESS_DENIED, DATA_ACCESS_ERROR_SUCCESS])
    with read_data_set(conn, b"DIRDev/LLN0.Settings") as (ds, err):
        assert data_set_state(conn, ds)[3] == "{5,1.250000,false,abc}"
    # A value of the wrong type fails for its member only; the others are written.
    assert write_data_set(conn, b"DIRDev/LLN0$Settings", [
        int32(6), int32(1), boolean(True), vstring(b"x")]) == (IED_ERROR_OK, [
            DATA_ACCESS_ERROR_SUCCESS, DATA_ACCESS_ERROR_TYPE_INCONSISTENT,
            DATA_ACCESS_ERROR_OBJECT_ACCESS_DENIED, DATA_ACCESS_ERROR_SUCCESS])
    with read_data_set(conn, b"DIRDev/LLN0.Settings") as (ds, err):
        assert data_set_state(conn, ds)[3] == "{6,1.250000,false,x}"
    set_settings(conn, 11, 2.5, b"text")


def test_write_missing_data_set(conn):
    # Observed on the reference: OBJECT_DOES_NOT_EXIST and *accessResults set to NULL.
    assert write_data_set(conn, b"DIRDev/LLN0.Nope", [int32(1)]) == \
        (IED_ERROR_OBJECT_DOES_NOT_EXIST, None)


# --- create and delete ---------------------------------------------------------------------

@pytest.mark.parametrize("ref,stored", [
    (b"DIRDev/LLN0.Dyn1", "DIRDev/LLN0$Dyn1"),
    (b"DIRDev/GGIO1.Dyn2", "DIRDev/GGIO1$Dyn2"),  # any LN can hold one
    (b"@Assoc1", "@Assoc1"),  # association-specific
    (b"VmdSet", "VmdSet"),  # no "/" nor "@": accepted (a VMD-specific list)
])
def test_create_read_delete(conn, created, ref, stored):
    created.append(ref)
    assert create(conn, ref, NEW_MEMBERS) == IED_ERROR_OK
    # Observed on the reference: an FCD member keeps its form, created data sets are
    # deletable, a second create of the same name is OBJECT_EXISTS.
    members = [m.decode() for m in NEW_MEMBERS]
    assert ds_directory(conn, ref, False) == (members, IED_ERROR_OK, True)
    assert create(conn, ref, NEW_MEMBERS) == IED_ERROR_OBJECT_EXISTS
    with read_data_set(conn, ref) as (ds, err):
        assert err == IED_ERROR_OK
        assert data_set_state(conn, ds)[:3] == (stored, 3, MMS_ARRAY)
        assert printed(conn, conn.lib.ClientDataSet_getValues(ds)).startswith("{false,")
    # Observed on the reference: delete returns true once, then false/OBJECT_DOES_NOT_EXIST.
    assert conn.call("deleteDataSet", ref) == (True, IED_ERROR_OK)
    assert conn.call("deleteDataSet", ref) == (False, IED_ERROR_OBJECT_DOES_NOT_EXIST)
    assert ds_directory(conn, ref) == (None, IED_ERROR_OBJECT_DOES_NOT_EXIST, True)


def test_created_data_sets_are_listed(conn, created):
    created += [b"DIRDev/LLN0.Dyn1", b"DIRDev/GGIO1.Dyn2", b"@Assoc1"]
    for ref in created:
        assert create(conn, ref, NEW_MEMBERS) == IED_ERROR_OK
    # Observed on the reference: domain-specific ones join the LD and LN lists (sorted),
    # association-specific ones do not.
    assert differential.string_list_call(conn, "getLogicalDeviceDataSets", b"DIRDev") == \
        (["GGIO1$Dyn2", "LLN0$Dyn1", "LLN0$Events", "LLN0$Settings"], IED_ERROR_OK)
    assert differential.string_list_call(
        conn, "getLogicalNodeDirectory", b"DIRDev/LLN0", 1) == \
        (["Dyn1", "Events", "Settings"], IED_ERROR_OK)
    assert differential.string_list_call(
        conn, "getLogicalNodeDirectory", b"DIRDev/GGIO1", 1) == (["Dyn2"], IED_ERROR_OK)


def test_members_with_array_element_and_other_device(conn, created):
    created.append(b"DIRDev/LLN0.Mixed")
    members = [b"DIRDev/GAPC1.Arr.vals(2)[SP]", b"DIRAux/LLN0.Mod.stVal[ST]",
               b"DIRDev/GGIO1.Ind1.stVal[ST]", b"DIRDev/GGIO1.Ind1.stVal[ST]"]
    # Observed on the reference: array elements, members of another LD and duplicates are
    # accepted, and listed as given.
    assert create(conn, b"DIRDev/LLN0.Mixed", members) == IED_ERROR_OK
    assert ds_directory(conn, b"DIRDev/LLN0.Mixed") == \
        ([m.decode() for m in members], IED_ERROR_OK, True)
    assert conn.write_value(b"DIRDev/GAPC1.Arr.vals(2)", FC_SP,
                            conn.lib.MmsValue_newIntegerFromInt32(21)) == IED_ERROR_OK
    with read_data_set(conn, b"DIRDev/LLN0.Mixed") as (ds, err):
        assert err == IED_ERROR_OK
        assert data_set_state(conn, ds) == (
            "DIRDev/LLN0$Mixed", 4, MMS_ARRAY, "{21,1,false,false}")


@pytest.mark.parametrize("ref,members,err", [
    # Observed on the reference:
    (b"DIRDev/LLN0.Events", NEW_MEMBERS, IED_ERROR_OBJECT_EXISTS),
    (b"NOPE/LLN0.X", NEW_MEMBERS, IED_ERROR_OBJECT_DOES_NOT_EXIST),
    (b"DIRDev/NOPE1.X", NEW_MEMBERS, IED_ERROR_OBJECT_DOES_NOT_EXIST),
    (b"DIRDev/LLN0", NEW_MEMBERS, IED_ERROR_OBJECT_DOES_NOT_EXIST),
    (b"DIRDev/LLN0.Bad1", [b"DIRDev/GGIO1.Nope.stVal[ST]"], IED_ERROR_OBJECT_UNDEFINED),
    (b"DIRDev/LLN0.Bad2", [b"DIRDev/GGIO1.Ind1.stVal[MX]"], IED_ERROR_OBJECT_UNDEFINED),
    (b"DIRDev/LLN0.Bad3", [b"DIRDev/GGIO1.Ind1.stVal"], IED_ERROR_OBJECT_REFERENCE_INVALID),
    (b"DIRDev/LLN0.Bad4", [b"garbage"], IED_ERROR_OBJECT_REFERENCE_INVALID),
    (b"DIRDev/LLN0.Bad5", [], IED_ERROR_UNKNOWN),
])
def test_create_errors(conn, created, ref, members, err):
    assert create(conn, ref, members) == err
    if err != IED_ERROR_OBJECT_EXISTS:
        created.append(ref)  # in case a library created it anyway
        assert ds_directory(conn, ref)[1] == IED_ERROR_OBJECT_DOES_NOT_EXIST


@pytest.mark.parametrize("ref,err", [
    # Observed on the reference: a data set of the model cannot be deleted.
    (b"DIRDev/LLN0.Events", IED_ERROR_ACCESS_DENIED),
    (b"DIRDev/LLN0.Nope", IED_ERROR_OBJECT_DOES_NOT_EXIST),
    (b"NOPE/LLN0.X", IED_ERROR_OBJECT_DOES_NOT_EXIST),
    (b"@Nope", IED_ERROR_OBJECT_DOES_NOT_EXIST),
])
def test_delete_errors(conn, ref, err):
    assert conn.call("deleteDataSet", ref) == (False, err)
    assert ds_directory(conn, b"DIRDev/LLN0.Events")[1] == IED_ERROR_OK


def test_association_specific_data_set_is_private(conn, created, server):
    created.append(b"@Priv")
    assert create(conn, b"@Priv", NEW_MEMBERS[:1]) == IED_ERROR_OK
    with differential.new_client(conn.lib) as other:
        assert differential.connect_verified(other, server.port, probe=PROBE) == IED_ERROR_OK
        # Observed on the reference: another association neither sees nor deletes it, and
        # may create its own data set of the same name.
        assert other.call("readDataSetValues", b"@Priv", None) == \
            (None, IED_ERROR_OBJECT_DOES_NOT_EXIST)
        assert other.call("deleteDataSet", b"@Priv") == (False, IED_ERROR_OBJECT_DOES_NOT_EXIST)
        assert create(other, b"@Priv", NEW_MEMBERS[1:2]) == IED_ERROR_OK
        assert ds_directory(other, b"@Priv") == (
            ["DIRDev/GAPC1.Set1.setVal[SP]"], IED_ERROR_OK, True)
    assert ds_directory(conn, b"@Priv") == (["DIRDev/GGIO1.Ind1.stVal[ST]"], IED_ERROR_OK, True)


def test_domain_data_set_is_shared(conn, created, server):
    created.append(b"DIRDev/LLN0.Shared")
    assert create(conn, b"DIRDev/LLN0.Shared", NEW_MEMBERS[:1]) == IED_ERROR_OK
    with differential.new_client(conn.lib) as other:
        assert differential.connect_verified(other, server.port, probe=PROBE) == IED_ERROR_OK
        assert ds_directory(other, b"DIRDev/LLN0.Shared") == (
            ["DIRDev/GGIO1.Ind1.stVal[ST]"], IED_ERROR_OK, True)
        # Observed on the reference: another association may delete it.
        assert other.call("deleteDataSet", b"DIRDev/LLN0.Shared") == (True, IED_ERROR_OK)
    assert ds_directory(conn, b"DIRDev/LLN0.Shared")[1] == IED_ERROR_OBJECT_DOES_NOT_EXIST


def test_oversized_request_is_refused(ours):
    """A DefineNamedVariableList larger than the negotiated PDU size (65000 octets) is not
    sent: USER_PROVIDED_INVALID_ARGUMENT at once (the reference sends it and reports
    TIMEOUT; intended_differences.txt). The connection stays usable."""
    with harness.reference_server_ctl(harness.LARGE_MODEL) as srv:
        with differential.new_client(ours) as c:
            for _ in range(3):  # the reference server drops about one connection in a hundred
                if c.connect(srv.port) == IED_ERROR_OK and \
                        c.call("readBooleanValue", b"BIGDev/GGIO1.Ind1.stVal", 0)[1] == IED_ERROR_OK:
                    break
            members = [b"BIGDev/GGIO%d.Ind%d[ST]" % (1 + i // 30, 1 + i % 30) for i in range(3000)]
            assert create(c, b"@Huge", members) == IED_ERROR_USER_PROVIDED_INVALID_ARGUMENT
            assert c.call("readBooleanValue", b"BIGDev/GGIO1.Ind1.stVal", 0)[1] == IED_ERROR_OK


# Members that are array elements, or components of them (tests/fixtures/arrays.cfg).
ARRAYS_MODEL = harness.os.path.join(harness.REPO, "tests", "fixtures", "arrays.cfg")
HARMONICS_MEMBERS = [
    "ARRDev/MHAI1.HA.phsAHar(2)[MX]", "ARRDev/MHAI1.HA.phsAHar(3).cVal[MX]",
    "ARRDev/MHAI1.HA.phsAHar(4).cVal.mag[MX]", "ARRDev/MHAI1.HA.phsAHar(5).cVal.mag.f[MX]",
    "ARRDev/MHAI1.Beh.stVal[ST]", "ARRDev/MHAI1.HA.phsAHar[MX]"]
# Observed on the reference: the values of those members, printed.
HARMONICS_VALUES = ("{{{{2.500000},{0.000000}},0000000000000,19700101000000.000Z},"
                    "{{3.500000},{0.000000}},{4.500000},5.500000,1,{"
                    + ",".join("{{{%d.500000},{0.000000}},0000000000000,19700101000000.000Z}"
                               % i for i in range(6)) + "}}")


@pytest.fixture(scope="module")
def arrays_server():
    with harness.reference_server_ctl(ARRAYS_MODEL) as srv:
        yield srv


def test_members_with_array_elements(lib, arrays_server):
    """Observed on the reference: members narrowed to an element, or to a component of one,
    are listed as `DO(i).component[FC]` and read as their element or component."""
    c = differential.Client(lib)
    try:
        assert c.connect(arrays_server.port) == IED_ERROR_OK
        names, err = differential.string_list_call(c, "getDataSetDirectory",
                                                   b"ARRDev/LLN0.Harmonics", None)
        assert (names, err) == (HARMONICS_MEMBERS, IED_ERROR_OK)
        ds, err = c.call("readDataSetValues", b"ARRDev/LLN0.Harmonics", None)
        assert err == IED_ERROR_OK
        buf = ctypes.create_string_buffer(2048)
        printed = lib.MmsValue_printToBuffer(lib.ClientDataSet_getValues(ds), buf, len(buf))
        assert printed.decode() == HARMONICS_VALUES
        lib.ClientDataSet_destroy(ds)
        # Created by the client, they read back the same.
        for i, member in enumerate(HARMONICS_MEMBERS[:4]):
            name = f"ARRDev/LLN0.New{i}".encode()
            with c_string_list(lib, [member.encode()]) as ll:
                assert c.call("createDataSet", name, ll)[1] == IED_ERROR_OK
            assert differential.string_list_call(c, "getDataSetDirectory", name, None) == \
                ([member], IED_ERROR_OK)
            assert c.call("deleteDataSet", name) == (True, IED_ERROR_OK)
    finally:
        c.destroy()
