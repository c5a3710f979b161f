"""A full walk of a server data model (struct sIedModel and everything it links), read the
way py61850 reads it (ctypes structs with the layouts of shared/abi/layouts.tsv) and through
the lookup functions of iec61850_model.h. Two libraries that built the same model must give
the same walk: the differential model tests compare these lines."""
import ctypes

vp, cp = ctypes.c_void_p, ctypes.c_char_p
DA_MODEL_TYPE = 3
FCS = ["ST", "MX", "SP", "SV", "CF", "DC", "SG", "SE", "SR", "OR", "BL", "EX", "CO", "US",
       "MS", "RP", "BR", "LG", "GO"]


class ModelNode(ctypes.Structure):
    _fields_ = [("modelType", ctypes.c_int), ("name", cp), ("parent", vp), ("sibling", vp),
                ("firstChild", vp)]


class DataObject(ctypes.Structure):
    _fields_ = ModelNode._fields_ + [("elementCount", ctypes.c_int),
                                     ("arrayIndex", ctypes.c_int)]


class DataAttribute(ctypes.Structure):
    _fields_ = DataObject._fields_ + [("fc", ctypes.c_int), ("type", ctypes.c_int),
                                      ("triggerOptions", ctypes.c_uint8), ("mmsValue", vp),
                                      ("sAddr", ctypes.c_uint32)]


class LogicalDevice(ctypes.Structure):
    _fields_ = ModelNode._fields_ + [("ldName", cp)]


class IedModel(ctypes.Structure):
    _fields_ = [("name", cp), ("firstChild", vp), ("dataSets", vp), ("rcbs", vp),
                ("gseCBs", vp), ("svCBs", vp), ("sgcbs", vp), ("lcbs", vp), ("logs", vp),
                ("initializer", vp)]


class DataSet(ctypes.Structure):
    _fields_ = [("logicalDeviceName", cp), ("name", cp), ("elementCount", ctypes.c_int),
                ("fcdas", vp), ("sibling", vp)]


class DataSetEntry(ctypes.Structure):
    _fields_ = [("logicalDeviceName", cp), ("isLDNameDynamicallyAllocated", ctypes.c_bool),
                ("variableName", cp), ("index", ctypes.c_int), ("componentName", cp),
                ("value", vp), ("sibling", vp)]


class ReportControlBlock(ctypes.Structure):
    _fields_ = [("parent", vp), ("name", cp), ("rptId", cp), ("buffered", ctypes.c_bool),
                ("dataSetName", cp), ("confRef", ctypes.c_uint32),
                ("trgOps", ctypes.c_uint8), ("options", ctypes.c_uint8),
                ("bufferTime", ctypes.c_uint32), ("intPeriod", ctypes.c_uint32),
                ("clientReservation", ctypes.c_uint8 * 17), ("sibling", vp)]


class LogControlBlock(ctypes.Structure):
    _fields_ = [("parent", vp), ("name", cp), ("dataSetName", cp), ("logRef", cp),
                ("trgOps", ctypes.c_uint8), ("intPeriod", ctypes.c_uint32),
                ("logEna", ctypes.c_bool), ("reasonCode", ctypes.c_bool), ("sibling", vp)]


class Log(ctypes.Structure):
    _fields_ = [("parent", vp), ("name", cp), ("sibling", vp)]


class SettingGroupControlBlock(ctypes.Structure):
    _fields_ = [("parent", vp), ("actSG", ctypes.c_uint8), ("numOfSGs", ctypes.c_uint8),
                ("editSG", ctypes.c_uint8), ("cnfEdit", ctypes.c_bool),
                ("timestamp", ctypes.c_uint64), ("resvTms", ctypes.c_uint16),
                ("sibling", vp)]


class PhyComAddress(ctypes.Structure):
    _fields_ = [("vlanPriority", ctypes.c_uint8), ("vlanId", ctypes.c_uint16),
                ("appId", ctypes.c_uint16), ("dstAddress", ctypes.c_uint8 * 6)]


class GSEControlBlock(ctypes.Structure):
    _fields_ = [("parent", vp), ("name", cp), ("appId", cp), ("dataSetName", cp),
                ("confRev", ctypes.c_uint32), ("fixedOffs", ctypes.c_bool), ("address", vp),
                ("minTime", ctypes.c_int), ("maxTime", ctypes.c_int), ("sibling", vp)]


class SVControlBlock(ctypes.Structure):
    _fields_ = [("parent", vp), ("name", cp), ("svId", cp), ("dataSetName", cp),
                ("optFlds", ctypes.c_uint8), ("smpMod", ctypes.c_uint8),
                ("smpRate", ctypes.c_uint16), ("confRev", ctypes.c_uint32),
                ("dstAddress", vp), ("isUnicast", ctypes.c_bool), ("noASDU", ctypes.c_int),
                ("sibling", vp)]


def chain(first, struct):
    """The nodes of a sibling-linked list: (address, struct) pairs."""
    out, at = [], first
    while at and len(out) < 100000:
        node = struct.from_address(at)
        out.append((at, node))
        at = node.sibling
    return out


class Walker:
    """Walks one model of `lib`; `lines` is the walk; node addresses are replaced by the
    object references they stand for, so that two libraries' walks compare."""

    def __init__(self, lib, model):
        self.lib, self.model = lib, model
        self.lines, self.nodes = [], 0
        self.names = {None: "NULL", 0: "NULL", model: "MODEL"}
        self._buf = ctypes.create_string_buffer(512)
        self._value_buf = ctypes.create_string_buffer(4096)

    def ref(self, node, without_ied=False):
        self.lib.ModelNode_getObjectReferenceEx(node, self._buf, without_ied)
        return self._buf.value.decode()

    def value(self, v):
        if not v:
            return "NULL"
        text = self.lib.MmsValue_printToBuffer(v, self._value_buf, len(self._value_buf))
        return f"{self.lib.MmsValue_getType(v)}:{text.decode()}"

    def say(self, *parts):
        self.lines.append(" ".join(str(p) for p in parts))

    def walk(self):
        L, m = self.lib, IedModel.from_address(self.model)
        self.say("model", m.name, "devices", L.IedModel_getLogicalDeviceCount(self.model))
        for i, (addr, ld) in enumerate(chain(m.firstChild, LogicalDevice)):
            # (The reference crashes in ModelNode_getObjectReference of a device.)
            name = (ld.ldName or m.name + ld.name).decode()
            self.names[addr] = name
            self.say("LD", i, ld.modelType, ld.name, ld.ldName, name,
                     "parent-is-model", ld.parent == self.model,
                     "nodes", L.LogicalDevice_getLogicalNodeCount(addr),
                     "byIndex", L.IedModel_getDeviceByIndex(self.model, i) == addr,
                     "byInst", L.IedModel_getDeviceByInst(self.model, ld.name) == addr,
                     "byName", L.IedModel_getDevice(self.model, name.encode()) == addr)
            self.subtree(addr, 1, ld.name)
        self.say("beyond", L.IedModel_getDeviceByIndex(self.model, len(chain(m.firstChild, LogicalDevice))))
        self.lists(m)
        return self.lines

    def subtree(self, parent, depth, ld_inst):
        L = self.lib
        kids = chain(ModelNode.from_address(parent).firstChild, ModelNode)
        self.say("  " * depth + "children", L.ModelNode_getChildCount(parent), len(kids),
                 "idx-past-end", L.ModelNode_getChildWithIdx(parent, len(kids)))
        for i, (addr, node) in enumerate(kids):
            self.nodes += 1
            full, short = self.ref(addr), self.ref(addr, True)
            self.names[addr] = full
            ind = "  " * depth
            self.say(ind + "node", i, node.modelType, node.name, full, short,
                     "type", L.ModelNode_getType(addr),
                     "parent-ok", node.parent == parent,
                     "getParent-ok", L.ModelNode_getParent(addr) == parent,
                     "idx-ok", L.ModelNode_getChildWithIdx(parent, i) == addr,
                     "byRef", self.names.get(L.IedModel_getModelNodeByObjectReference(
                         self.model, full.encode()), "?"),
                     "byShort", self.names.get(L.IedModel_getModelNodeByShortObjectReference(
                         self.model, short.encode()), "?"))
            if node.name:
                self.say(ind + " getChild", self.names.get(
                    L.ModelNode_getChild(parent, node.name), "?"))
            if node.modelType == 1:
                for fc in range(len(FCS)):
                    self.say(ind + " hasFC", FCS[fc], L.LogicalNode_hasFCData(addr, fc))
            elif node.modelType == 2:
                do = DataObject.from_address(addr)
                self.say(ind + " DO", do.elementCount, do.arrayIndex,
                         [FCS[fc] for fc in range(len(FCS)) if L.DataObject_hasFCData(addr, fc)])
            elif node.modelType == DA_MODEL_TYPE:
                self.attribute(addr, ind, ld_inst, full)
            self.subtree(addr, depth + 1, ld_inst)

    def attribute(self, addr, ind, ld_inst, full):
        L = self.lib
        da = DataAttribute.from_address(addr)
        self.say(ind + " DA", da.elementCount, da.arrayIndex, da.fc, da.type, da.triggerOptions,
                 da.sAddr, "value", self.value(da.mmsValue),
                 "getType", L.DataAttribute_getType(addr), "getFC", L.DataAttribute_getFC(addr),
                 "getTrgOps", L.DataAttribute_getTrgOps(addr))
        if da.mmsValue:
            self.say(ind + " byValue", self.names.get(
                L.IedModel_lookupDataAttributeByMmsValue(self.model, da.mmsValue), "?"))
        # The MMS variable name: LN$FC$DO$DA (array elements have no MMS name of their own).
        path = full.split("/", 1)[1]
        if "(" not in path and 0 <= da.fc < len(FCS):
            ln, rest = path.split(".", 1)
            mms = f"{ln}${FCS[da.fc]}${rest.replace('.', '$')}"
            device = L.IedModel_getDeviceByInst(self.model, ld_inst)
            self.say(ind + " byMms", mms, self.names.get(
                L.LogicalDevice_getChildByMmsVariableName(device, mms.encode()), "?"))

    def lists(self, m):
        L = self.lib
        for addr, ds in chain(m.dataSets, DataSet):
            self.say("DS", ds.logicalDeviceName, ds.name, ds.elementCount,
                     L.DataSet_getSize(addr), ctypes.string_at(L.DataSet_getName(addr)))
            device = L.IedModel_getDeviceByInst(self.model, ds.logicalDeviceName)
            domain = self.names.get(device, "?")
            self.say(" lookup", L.IedModel_lookupDataSet(
                self.model, f"{domain}/{ds.name.decode()}".encode()) == addr)
            ln_name, ds_name = ds.name.decode().split("$", 1)
            ln = L.LogicalDevice_getLogicalNode(device, ln_name.encode())
            self.say(" byLN", L.LogicalNode_getDataSet(ln, ds_name.encode()) == addr)
            first = L.DataSet_getFirstEntry(addr)
            self.say(" first-ok", first == ds.fcdas)
            for eaddr, e in chain(ds.fcdas, DataSetEntry):
                self.say(" DE", e.logicalDeviceName, e.isLDNameDynamicallyAllocated,
                         e.variableName, e.index, e.componentName, self.value(e.value),
                         "next-ok", L.DataSetEntry_getNext(eaddr) == e.sibling)
        for addr, r in chain(m.rcbs, ReportControlBlock):
            self.say("RCB", self.names.get(r.parent, "?"), r.name, r.rptId, r.buffered,
                     r.dataSetName, r.confRef, r.trgOps, r.options, r.bufferTime, r.intPeriod,
                     self.reservation(r.clientReservation),
                     ctypes.string_at(L.ReportControlBlock_getName(addr)),
                     L.ReportControlBlock_isBuffered(addr),
                     self.names.get(L.ReportControlBlock_getParent(addr), "?"))
        for addr, lcb in chain(m.lcbs, LogControlBlock):
            self.say("LCB", self.names.get(lcb.parent, "?"), lcb.name, lcb.dataSetName,
                     lcb.logRef, lcb.trgOps, lcb.intPeriod, lcb.logEna, lcb.reasonCode,
                     ctypes.string_at(L.LogControlBlock_getName(addr)),
                     self.names.get(L.LogControlBlock_getParent(addr), "?"))
        for addr, log in chain(m.logs, Log):
            self.say("LOG", self.names.get(log.parent, "?"), log.name)
        for addr, sg in chain(m.sgcbs, SettingGroupControlBlock):
            ld = ModelNode.from_address(sg.parent).parent
            self.say("SGCB", self.names.get(sg.parent, "?"), sg.actSG, sg.numOfSGs,
                     "byLD", L.LogicalDevice_getSettingGroupControlBlock(ld) == addr)
        for addr, g in chain(m.gseCBs, GSEControlBlock):
            self.say("GoCB", self.names.get(g.parent, "?"), g.name, g.appId, g.dataSetName,
                     g.confRev, g.fixedOffs, g.minTime, g.maxTime, self.address(g.address))
        for addr, s in chain(m.svCBs, SVControlBlock):
            self.say("SVCB", self.names.get(s.parent, "?"), s.name, s.svId, s.dataSetName,
                     s.optFlds, s.smpMod, s.smpRate, s.confRev, s.isUnicast,
                     self.address(s.dstAddress), ctypes.string_at(L.SVControlBlock_getName(addr)),
                     "lookup", L.IedModel_getSVControlBlock(self.model, s.parent, s.name) == addr)

    @staticmethod
    def reservation(octets):
        """A preconfigured client: its type and address (the rest is not initialised)."""
        length = {4: 4, 6: 16}.get(octets[0], 0)
        return bytes(octets[:1 + length]).hex()

    @staticmethod
    def address(p):
        if not p:
            return "NULL"
        a = PhyComAddress.from_address(p)
        return f"{a.vlanPriority}/{a.vlanId}/{a.appId:#x}/{bytes(a.dstAddress).hex()}"


def walk(lib, model):
    """The walk of `model` (lines) and the number of nodes visited."""
    w = Walker(lib, model)
    return w.walk(), w.nodes


def compare(build):
    """Builds a model with `build(lib)` on the reference and on our library, walks and
    destroys both; returns (reference walk, our walk, nodes). Raises when a build fails."""
    import differential
    walks = []
    for which in ("reference", "ours"):
        lib = differential.load(which)
        model = build(lib)
        assert model, f"{which}: no model"
        walks.append(walk(lib, model))
        lib.IedModel_destroy(model)
    (ref_lines, nodes), (our_lines, _) = walks
    return ref_lines, our_lines, nodes


def differences(ref_lines, our_lines):
    """The lines that differ (and a count for lines only one side has)."""
    pairs = [(a, b) for a, b in zip(ref_lines, our_lines) if a != b]
    extra = abs(len(ref_lines) - len(our_lines))
    return pairs, extra


class Summary:
    """Counts of a differential model test module; `line()` is its summary."""

    def __init__(self):
        self.models = self.nodes = self.differ = 0

    def add(self, ref_lines, our_lines, nodes):
        """Records one comparison; returns the differing pairs (for the assertion)."""
        pairs, extra = differences(ref_lines, our_lines)
        self.models += 1
        self.nodes += nodes
        self.differ += len(pairs) + extra
        return pairs, extra

    def line(self):
        return f"{self.models} models compared, {self.nodes} nodes, {self.differ} differ"


def report(pairs, extra, ref_lines, our_lines):
    """An assertion message for a failed comparison."""
    text = "\n".join(f"ref:  {a}\nours: {b}" for a, b in pairs[:20])
    if extra:
        longer = ref_lines if len(ref_lines) > len(our_lines) else our_lines
        text += f"\n{extra} more lines on one side, first: {longer[min(len(ref_lines), len(our_lines))]}"
    return text
