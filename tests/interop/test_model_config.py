"""Models loaded from config files (ConfigFileParser_createModelFromConfigFileEx) on the
reference and on our library, compared node by node (model_walk), and malformed files that
must give NULL on ours without a crash."""
import glob
import os
import subprocess
import sys

import pytest

from model_walk import Summary, compare, report

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("RS61850_SHARED", "/work/shared/fixtures")
FILES = sorted(glob.glob(os.path.join(SHARED, "models", "*.cfg"))
               + glob.glob(os.path.join(SHARED, "scl-cfg", "*.cfg"))
               + glob.glob(os.path.join(HERE, "..", "fixtures", "*.cfg")))
# The reference crashes on these (a data attribute directly under an array data object):
# ours returns NULL.
REFERENCE_CRASHES = {"dotnet-tests-model2.cfg"}

HEAD = "MODEL(T){\nLD(Dev){\nLN(LLN0){\nDO(Y 0){\n"
TAIL = "}\n}\n}\n}\n"
VALUES = ["0", "1", "-1", "1.5", "0x10", "010", "99999999999", "-4294967297", "5abc",
          '"ab"', "ab", '"a b;c"', "1e3"]
EVERY_FORM = ("MODEL(ALL){\nLD(Prot){\nLN(LLN0){\nDO(Mod 0){\n"
              + "".join(f"DA(a{t}_{i} 0 {t} {t % 19} {t % 7} {i})={v};\n"
                        for t in range(0, 33) for i, v in enumerate(VALUES))
              + "DA(arr 3 3 1 1 0){\n[0];\n[1];\n[2];\n}\nDA(plain 2 10 1 1 0);\n"
              "DA(c 2 27 0 0 0){\n[0]{\nDA(x 0 3 0 0 0)=4;\n}\n[1]{\nDA(x 0 3 0 0 0)=5;\n}\n}\n"
              "DO(HA 0){\nDO(Har 2){\n[0]{\nDA(f 0 10 1 5 0)=1.5;\n}\n[1]{\n"
              "DA(f 0 10 1 5 0)=2.5;\n}\n}\n}\n}\n"
              "DS(ds1){\nDE(LLN0$ST$Mod$a3_0);\nDE(LLN0$MX$Mod$arr 1);\nDE(LLN0$ST$Mod$c 1 x);\n"
              "DE(Meas/MMXU1$MX$TotW$mag);\n}\n"
              "RC(r1 - 0 - 1 24 175 50 1000);\nRC(r2 id 1 ds1 2 24 175 50 1000);\n"
              "LC(l1 - - 19 0 0 1);\nLC(l2 ds1 Prot/LLN0$l2 19 5 1 0);\nLOG();\nLOG(l2);\n"
              "GC(g1 app ds1 2 0 -1 -1){\nPA(4 273 4096 010ccd010001);\n}\n"
              "GC(g2 app - 2 1 10 20);\n"
              "SMVC(s1 null ds1 1 2 3 4 1){\nPA(5 123 4000 010CCD040001);\n}\n"
              "SMVC(s2 id ds1 1 2 3 4 0);\nSG(1 3)\n}\n}\n"
              "LD(Meas Functional){\nLN(MMXU1){\nDO(TotW 0){\nDA(mag 0 10 1 1 0)=2.5;\n}\n}\n}\n}\n")

SUMMARY = Summary()


@pytest.fixture(scope="module")
def every_form(tmp_path_factory):
    path = tmp_path_factory.mktemp("cfg") / "every_form.cfg"
    path.write_text(EVERY_FORM)
    return str(path)


def load(path):
    return lambda L: L.ConfigFileParser_createModelFromConfigFileEx(path.encode())


@pytest.mark.parametrize("path", FILES + ["EVERY_FORM"], ids=os.path.basename)
def test_same_model_on_both_libraries(path, every_form):
    if path == "EVERY_FORM":
        path = every_form
    if os.path.basename(path) in REFERENCE_CRASHES:
        assert run_ours_only(path) == "NULL"
        return
    ref_lines, our_lines, nodes = compare(load(path))
    pairs, extra = SUMMARY.add(ref_lines, our_lines, nodes)
    assert not pairs and not extra, report(pairs, extra, ref_lines, our_lines)


def malformed():
    good = HEAD + "DA(x 0 3 0 0 0)=4;\n" + TAIL
    cases = {f"truncated_{n}": good[:n] for n in range(0, len(good) - 1, 7)}
    cases.update({
        "empty": "", "unbalanced_extra_brace": good + "}\n", "missing_brace": good[:-2],
        "bad_number": HEAD + "DA(x a 3 0 0 0);\n" + TAIL,
        "missing_argument": HEAD + "DA(x 0 3 0 0);\n" + TAIL,
        "unknown_line": HEAD + "FOO(x);\n" + TAIL,
        "leading_space": HEAD + "  DA(x 0 3 0 0 0);\n" + TAIL,
        "garbage_after": good + "garbage\n",
        "binary": "\x00\xff\x13MODEL(\x01",
        "huge_nesting": "MODEL(T){\nLD(D){\nLN(L){\n" + "DO(X 0){\n" * 5000 + "}\n" * 5003,
        "bad_mac": HEAD + "}\nGC(g app ds 2 0 -1 -1){\nPA(4 273 4096 01zz);\n}\n}\n}\n}\n",
        "short_pa": HEAD + "}\nGC(g app ds 2 0 -1 -1){\nPA(4 273);\n}\n}\n}\n}\n",
        "element_out_of_range": HEAD + "DA(c 2 27 0 0 0){\n[2]{\n}\n}\n" + TAIL,
        "da_in_ln": "MODEL(T){\nLD(D){\nLN(L){\nDA(x 0 3 0 0 0)=4;\n}\n}\n}\n",
        "rc_short": HEAD + "}\nRC(r id 1 ds 2 24 175 50);\n}\n}\n}\n",
        "huge_array": HEAD + "DA(x 99999999 3 0 0 0);\n" + TAIL,
        "comment": HEAD + "# comment\n" + TAIL,
        # The reference builds these (types and FCs it does not define); ours refuses them
        # (intended_differences.txt: DataAttribute_create).
        "unknown_type": HEAD + "DA(x 0 33 0 0 0);\n" + TAIL,
        "unknown_fc": HEAD + "DA(x 0 3 19 0 0);\n" + TAIL,
    })
    return cases


MALFORMED = malformed()
# The reference returns a model for a file whose closing braces are missing
# (intended_differences.txt): ours returns NULL; compared only where it gives NULL too.
REF_ACCEPTS_TRUNCATED_TAIL = True


def run_ours_only(path):
    code = ("import sys; sys.path.insert(0, %r); import differential;"
            "L = differential.load('ours');"
            "m = L.ConfigFileParser_createModelFromConfigFileEx(%r);"
            "print('NULL' if not m else 'MODEL'); L.IedModel_destroy(m)") % (HERE, path.encode())
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_gives_null(name, tmp_path):
    path = tmp_path / "bad.cfg"
    text = MALFORMED[name]
    path.write_bytes(text.encode("latin-1"))
    assert run_ours_only(str(path)) == "NULL"


def test_missing_file_and_null():
    import differential
    L = differential.load("ours")
    assert not L.ConfigFileParser_createModelFromConfigFileEx(b"/nonexistent/x.cfg")
    assert not L.ConfigFileParser_createModelFromConfigFileEx(None)
    assert not L.ConfigFileParser_createModelFromConfigFile(None)


def test_from_file_handle():
    """A FileHandle of our FileSystem_openFile is what createModelFromConfigFile reads."""
    import differential
    for which in ("reference", "ours"):
        L = differential.load(which)
        f = L.FileSystem_openFile(FILES[0].encode(), False)
        m = L.ConfigFileParser_createModelFromConfigFile(f)
        L.FileSystem_closeFile(f)
        assert m, which
        L.IedModel_destroy(m)


def test_summary():
    """Runs last in this module: the counts of what was compared."""
    print("\n" + SUMMARY.line())
    assert SUMMARY.differ == 0


def test_ours_parse_and_destroy_in_process(tmp_path):
    """Every file and every malformed variant in this process on our library (what
    scripts/valgrind.sh runs under memcheck: no leak, no invalid access)."""
    import differential
    L = differential.load("ours")
    for path in FILES:
        m = L.ConfigFileParser_createModelFromConfigFileEx(path.encode())
        assert bool(m) == (os.path.basename(path) not in REFERENCE_CRASHES), path
        L.IedModel_destroy(m)
    bad = tmp_path / "bad.cfg"
    for name, text in MALFORMED.items():
        bad.write_bytes(text.encode("latin-1"))
        assert not L.ConfigFileParser_createModelFromConfigFileEx(str(bad).encode()), name
