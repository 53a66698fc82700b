#!/usr/bin/python3
"""Dependency lint: every folder may include only the folders its row of
ALLOWED names (docs/design.md, "Layout and the dependency rule"). A folder
not in the table is an error too, so a new folder must state its arrows.

tests/ may include any library folder and tests/support, but not cli/
(only tests/cli and tests/probe, which test the executable's own code).

Usage: lint_deps.py [ROOT]   (exit 1 naming file:line on a violation)
"""
import os
import re
import sys

# folder -> folders it may include (itself is always allowed)
ALLOWED = {
    "protocol": set(),
    "system/runtime": set(),
    "system": {"system/runtime", "protocol"},
    "system/net": {"system", "system/runtime", "protocol"},
    "sim": {"system/runtime"},
    "scenarios": {"sim", "system", "system/runtime", "protocol"},
    "properties": {"sim", "system/runtime", "protocol"},
    "reports": {"sim", "system/runtime", "protocol"},
    "harness": {"scenarios", "properties", "reports", "sim", "system", "system/runtime", "protocol"},
    "bench": {"harness", "scenarios", "properties", "reports", "sim", "system", "system/net", "system/runtime", "protocol"},
    "fuzz": {"harness", "scenarios", "properties", "reports", "sim", "system", "system/net", "system/runtime", "protocol"},
    # the fault proxy (docs/proxy.md): real sockets, sim's FaultPlan and trace
    "proxy": {"sim", "system", "system/net", "system/runtime", "protocol"},
    "cli": {"proxy", "bench", "harness", "scenarios", "properties", "reports", "sim", "system", "system/net", "system/runtime",
            "protocol"},
}
EXTENSIONS = (".cpp", ".hpp", ".h", ".cc")
INCLUDE = re.compile(r'^\s*#\s*include\s+(?:"([^"]+)"|<([^>]+)>)')
GENERATED_OK = {"generated"}  # build-time generated headers under a folder


def folder_of(path):
    """The most specific table row a path (or an included path) belongs to."""
    parts = path.split("/")
    if len(parts) >= 3 and "/".join(parts[:2]) in ALLOWED:
        return "/".join(parts[:2])
    return parts[0] if len(parts) >= 2 else None


def check(root):
    problems = []
    for top in sorted(os.listdir(root)):
        base = os.path.join(root, top)
        if not os.path.isdir(base) or top.startswith((".", "build")) or top in ("out", "docs", "scripts", "node_modules"):
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d not in ("node_modules",) and not d.startswith("build"))
            for f in sorted(filenames):
                if not f.endswith(EXTENSIONS):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, f), root)
                problems += check_file(root, rel)
    return problems


def allowed_for(rel):
    if rel.startswith("tests/"):
        if rel.split("/")[1] in ("cli", "probe"):
            return None  # tests of the executable's own code
        return (set(ALLOWED) - {"cli"}) | {"tests"}
    me = folder_of(rel)
    if me not in ALLOWED:
        return "unknown"
    return ALLOWED[me] | {me}


def check_file(root, rel):
    allowed = allowed_for(rel)
    if allowed is None:
        return []
    if allowed == "unknown":
        return [f"{rel}:1: folder '{folder_of(rel)}' has no row in scripts/lint_deps.py (state its arrows)"]
    out = []
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            included = m.group(1) or m.group(2)
            if included.startswith("."):  # relative: resolve against the including file
                included = os.path.normpath(os.path.join(os.path.dirname(rel), included))
            if "/" not in included:
                continue
            target = folder_of(included)
            if target is None or target in GENERATED_OK or target.split("/")[0] not in {k.split("/")[0] for k in ALLOWED} | {"tests"}:
                continue
            if target not in allowed:
                out.append(f"{rel}:{n}: {folder_of(rel) if not rel.startswith('tests/') else 'tests'} may not include "
                           f"{target}/ ({included})")
    return out


OUTSIDE = re.compile(r"\.\./shared|\bDESIGN\.md\b")
TEXT = (".cpp", ".hpp", ".h", ".cc", ".md", ".sh", ".py", ".txt", ".toml", ".cmake", ".mjs", ".html", ".json")


def check_self_contained(root):
    """The repository carries its own design: no file points outside it."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "build")) and d not in ("node_modules", "out"))
        for f in sorted(filenames):
            if not (f.endswith(TEXT) or f == "run"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), root)
            if rel == "scripts/lint_deps.py":
                continue
            with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
                for n, line in enumerate(fh, 1):
                    if OUTSIDE.search(line):
                        out.append(f"{rel}:{n}: points outside the repository ({OUTSIDE.search(line).group(0)}); "
                                   "use docs/design.md or docs/protocol.md")
    return out


def main(argv):
    root = argv[0] if argv else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    problems = check(root) + check_self_contained(root)
    if problems:
        print("lint-deps: includes that break the dependency rule:", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print("lint-deps: every include follows the dependency rule")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
