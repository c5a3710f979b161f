#!/usr/bin/env python3
"""Records the reference server's answers to reference-client requests, for the Rust
service-layer comparison (tests/fixtures/refserver_answers.txt). Run by hand:
  for m in demo.cfg directory.cfg types.cfg; do .venv/bin/python tests/interop/capture_server_answers.py $m
  done > tests/fixtures/refserver_answers.txt
Each line: `<model> <label> <request hex> <response hex>` (MMS PDUs). The server keeps the
reference's default write access policies (unlike refserver.py, which opens CF and DC)."""
import ctypes
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import differential  # noqa: E402
import harness  # noqa: E402
from proxy import RewritingProxy, invoke_id, mms_pdu  # noqa: E402

FIXTURES = os.path.join(HERE, "..", "fixtures")
ST, MX, SP, CF, DC = 0, 1, 2, 4, 5


def serve(lib, model):
    """A started reference IedServer on `model`: (server, port)."""
    vp = ctypes.c_void_p
    lib.ConfigFileParser_createModelFromConfigFileEx.restype = vp
    lib.ConfigFileParser_createModelFromConfigFileEx.argtypes = [ctypes.c_char_p]
    lib.IedServer_create.restype = vp
    lib.IedServer_create.argtypes = [vp]
    lib.IedServer_start.argtypes = [vp, ctypes.c_int]
    m = lib.ConfigFileParser_createModelFromConfigFileEx(model.encode())
    server = lib.IedServer_create(m)
    for port in range(20000 + os.getpid() % 20000, 65000):
        lib.IedServer_start(server, port)
        if lib.IedServer_isRunning(ctypes.c_void_p(server)):
            return server, port
    raise RuntimeError("no port")


class Recorder:
    """Pairs each confirmed request the client sends with the server's answer."""

    def __init__(self):
        self.requests, self.pairs, self.label = {}, [], None
        self.lock = threading.Lock()

    def answer(self, tpkt):
        pdu = mms_pdu(tpkt)
        if pdu and pdu[0] == 0xA0:
            with self.lock:
                self.requests[invoke_id(pdu)] = (self.label, pdu)
        return None

    def rewrite(self, tpkt):
        pdu = mms_pdu(tpkt)
        if pdu and pdu[0] in (0xA1, 0xA2):
            with self.lock:
                label, req = self.requests.pop(response_invoke_id(pdu))
                self.pairs.append((label, req, pdu))
        return tpkt


def response_invoke_id(pdu):
    """The invokeID of a confirmed response, or of a confirmed-error ([0] IMPLICIT)."""
    if pdu[0] == 0xA2:
        return invoke_id(bytes([0xA0]) + pdu[1:2] + b"\x02" + pdu[3:])
    return invoke_id(pdu)


def main():
    ref = differential.load("reference")
    for cfg, steps in PLAN:
        if cfg not in sys.argv[1:]:
            continue
        server, port = serve(ref.dll, os.path.join(FIXTURES, cfg))
        rec = Recorder()
        proxy = RewritingProxy(port, rewrite=rec.rewrite, answer=rec.answer)
        client = differential.Client(ref)
        assert client.connect(proxy.port) == 0
        mms = ref.IedConnection_getMmsConnection(client.handle)
        for label, fn in steps:
            rec.label = label
            fn(ref, client, mms)
            time.sleep(0.05)
        client.destroy()
        proxy.close()
        ref.dll.IedServer_stop(ctypes.c_void_p(server))
        for label, req, resp in rec.pairs:
            print(cfg, label, req.hex(), resp.hex())


def mms_call(name, *args):
    def run(ref, client, mms):
        err = ctypes.c_int(0)
        getattr(ref, "MmsConnection_" + name)(mms, ctypes.byref(err), *args)
    return run


def ied(name, *args):
    def run(ref, client, mms):
        client.call(name, *args)
    return run


def write(ref_, fc, make):
    def run(ref, client, mms):
        client.write_value(ref_, fc, make(ref))
    return run


def vis(s):
    return lambda ref: ref.MmsValue_newVisibleString(s)


DEMO = [
    ("identify", mms_call("identify")),
    ("server_directory", ied("getServerDirectory", False)),
    ("ld_directory_prot", ied("getLogicalDeviceDirectory", b"DEMOProt")),
    ("ld_variables_meas", ied("getLogicalDeviceVariables", b"DEMOMeas")),
    ("ld_directory_missing", ied("getLogicalDeviceDirectory", b"DEMONope")),
    ("ld_data_sets_meas", ied("getLogicalDeviceDataSets", b"DEMOMeas")),
    ("journals_meas", mms_call("getDomainJournals", b"DEMOMeas")),
    ("gvaa_ln", mms_call("getVariableAccessAttributes", b"DEMOProt", b"GGIO1")),
    ("gvaa_ln_fc", ied("getVariableSpecification", b"DEMOMeas/MMXU1", MX)),
    ("gvaa_do", ied("getVariableSpecification", b"DEMOProt/GGIO1.SPCSO1", ST)),
    ("gvaa_lln0_meas", mms_call("getVariableAccessAttributes", b"DEMOMeas", b"LLN0")),
    ("gvaa_gapc", mms_call("getVariableAccessAttributes", b"DEMOMeas", b"GAPC1")),
    ("gvaa_missing", ied("getVariableSpecification", b"DEMOProt/GGIO1.Nope", ST)),
    ("read_ln_fc", ied("readObject", b"DEMOMeas/MMXU1", MX)),
    ("read_ln_fc_st", ied("readObject", b"DEMOProt/GGIO1", ST)),
    ("read_do", ied("readObject", b"DEMOProt/LLN0.NamPlt", DC)),
    ("read_da", ied("readObject", b"DEMOMeas/MMXU1.TotW.mag.f", MX)),
    ("read_missing", ied("readObject", b"DEMOProt/GGIO1.Nope", ST)),
    ("read_missing_ln", ied("readObject", b"DEMOProt/XXXX1.Nope", ST)),
    ("read_missing_ld", ied("readObject", b"DEMONope/LLN0.Mod", ST)),
    ("write_st_denied", write(b"DEMOProt/GGIO1.Ind1.stVal", ST, lambda r: r.MmsValue_newBoolean(True))),
    ("write_cf", write(b"DEMOMeas/LLN0.Mod.ctlModel", CF, lambda r: r.MmsValue_newIntegerFromInt32(1))),
    ("write_dc", write(b"DEMOProt/LLN0.NamPlt.vendor", DC, vis(b"x"))),
    ("write_mx_denied", write(b"DEMOMeas/MMXU1.TotW.mag.f", MX, lambda r: r.MmsValue_newFloat(1.0))),
    ("write_missing", write(b"DEMOProt/GGIO1.Nope", ST, lambda r: r.MmsValue_newBoolean(True))),
]
DIRECTORY = [
    ("ld_directory_aux", ied("getLogicalDeviceDirectory", b"DIRAux")),
    ("ld_variables_dev", ied("getLogicalDeviceVariables", b"DIRDev")),
    ("gvaa_gapc", mms_call("getVariableAccessAttributes", b"DIRDev", b"GAPC1")),
    ("gvaa_mmxu", mms_call("getVariableAccessAttributes", b"DIRDev", b"MMXU1")),
    ("read_gapc_sp", ied("readObject", b"DIRDev/GAPC1", SP)),
    ("read_array", ied("readObject", b"DIRDev/GAPC1.Arr.vals", SP)),
    ("read_array_element", ied("readObject", b"DIRDev/GAPC1.Arr.vals(2)", SP)),
    ("read_array_element_out", ied("readObject", b"DIRDev/GAPC1.Arr.vals(9)", SP)),
    ("read_mmxu_mx", ied("readObject", b"DIRDev/MMXU1", MX)),
    ("write_sp_int", write(b"DIRDev/GAPC1.Set1.setVal", SP, lambda r: r.MmsValue_newIntegerFromInt32(42))),
    ("read_sp_after", ied("readObject", b"DIRDev/GAPC1.Set1.setVal", SP)),
    ("write_sp_bad_type", write(b"DIRDev/GAPC1.Set1.setVal", SP, lambda r: r.MmsValue_newBoolean(True))),
    ("write_sp_float", write(b"DIRDev/GAPC1.Set2.setVal", SP, lambda r: r.MmsValue_newFloat(7.5))),
    ("write_sp_string", write(b"DIRDev/GAPC1.Str.setVal", SP, vis(b"new"))),
    ("write_sp_string_long", write(b"DIRDev/GAPC1.Str.setVal", SP, vis(b"x" * 300))),
    ("read_str_after", ied("readObject", b"DIRDev/GAPC1.Str.setVal", SP)),
    ("write_se", write(b"DIRDev/GAPC1.SgVal.setVal", 6, lambda r: r.MmsValue_newIntegerFromInt32(3))),
]
# One attribute of every DataAttributeType: their MMS types and the values of unset ones.
TYPES = [
    ("gvaa_all_types", mms_call("getVariableAccessAttributes", b"TYPLD0", b"GGIO1")),
    ("read_all_types", ied("readObject", b"TYPLD0/GGIO1.All", ST)),
]
PLAN = [("demo.cfg", DEMO), ("directory.cfg", DIRECTORY), ("types.cfg", TYPES)]

if __name__ == "__main__":
    main()
