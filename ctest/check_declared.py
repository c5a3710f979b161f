#!/usr/bin/env python3
"""Checks that every function the library exports that is in the ABI manifest is declared,
with a compatible prototype, in the header functions.tsv names for it.

For each manifest header it writes one C file that includes only that header and calls
every exported function of it (zero/NULL arguments, compound literals for structs), then
compiles it with -Werror=implicit-function-declaration (and the other prototype errors):
a function missing from the header, or declared with other parameter types, fails.

Usage: check_declared.py LIBRARY ABI_DIR INCLUDE_DIR CC WORK_DIR
Prints "N exported manifest functions checked in H headers: D declared, U undeclared".
"""
import csv
import pathlib
import re
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from gen_null_test import split_params  # noqa: E402

STRICT = [
    "-std=c11",
    "-Werror=implicit-function-declaration",
    "-Werror=incompatible-pointer-types",
    "-Werror=int-conversion",
    "-Werror=return-type",
    "-fsyntax-only",
]


def exported(library):
    """Names of the functions the shared library exports."""
    out = subprocess.run(
        ["nm", "-D", "--defined-only", library], check=True, capture_output=True, text=True
    ).stdout
    return {parts[2] for parts in (line.split() for line in out.splitlines())
            if len(parts) == 3 and parts[1] == "T"}


def argument(c_type, kinds):
    """A zero argument of `c_type` (the compiler's spelling of a parameter type)."""
    base = c_type.replace("const ", "").strip()
    if "*" in c_type or "(" in c_type:
        return "NULL"
    if kinds.get(base) in ("struct", "union"):
        return f"({base}){{0}}"
    return f"({base})0"


def main():
    library, abi, include, cc, work = sys.argv[1:6]
    abi, work = pathlib.Path(abi), pathlib.Path(work)
    work.mkdir(parents=True, exist_ok=True)
    with open(abi / "types.tsv", newline="") as f:
        kinds = {r["name"]: r["kind"] for r in csv.DictReader(f, delimiter="\t")}
    with open(abi / "functions.tsv", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    names = exported(library)
    by_header = {}
    for r in rows:
        if r["name"] in names:
            by_header.setdefault(r["header"], []).append(r)
    checked = undeclared = 0
    for header, functions in sorted(by_header.items()):
        lines = [f'#include "{header}"', "#include <stddef.h>", "void calls(void);",
                 "void calls(void)", "{"]
        for r in functions:
            params = [p for p in split_params(r["c_param_types"]) if p not in ("void", "")]
            if "..." in params:
                # A variadic function: its address must have the declared type.
                lines.append(f"    (void){r['name']};")
                continue
            args = ", ".join(argument(p, kinds) for p in params)
            lines.append(f"    (void){r['name']}({args});")
        lines.append("}")
        src = work / f"declared_{header.replace('.h', '')}.c"
        src.write_text("\n".join(lines) + "\n")
        result = subprocess.run([cc, *STRICT, "-I", include, str(src)],
                                capture_output=True, text=True)
        checked += len(functions)
        if result.returncode != 0:
            missing = sorted(set(re.findall(r"implicit declaration of function [‘'](\w+)",
                                            result.stderr)))
            undeclared += max(len(missing), 1)
            print(f"{header}: undeclared {' '.join(missing)}\n{result.stderr.strip()}")
    print(f"{checked} exported manifest functions checked in {len(by_header)} headers: "
          f"{checked - undeclared} declared, {undeclared} undeclared")
    return 1 if undeclared else 0


if __name__ == "__main__":
    sys.exit(main())
