#!/usr/bin/python3
"""Size lint, as a ratchet: no non-test C++ function over 70 lines
(TigerBeetle's limit) and no C++ file over 500 lines.

Existing violators are listed in scripts/size-ratchet.txt with their size;
the lint fails when a new violator appears, when a listed one grows, and when
a listed one no longer violates (so the list only ever shrinks: delete the
line). Run with --update to rewrite the list from the tree (for a commit that
shrinks it; never to let a new violator in).

Functions are found lexically: comments and string literals (raw strings
included) are blanked, then a brace block opened directly inside a namespace,
a class or the file scope, whose header ends in a parameter list (plus
qualifiers), is a function; its length runs from its header's first line to
its closing brace. Lambdas and nested blocks count towards their function.

Usage: lint_size.py [--update] [ROOT]
"""
import os
import re
import sys

FUNCTION_LINES_MAX = 70
FILE_LINES_MAX = 500
SOURCE_DIRS = ["protocol", "sim", "system", "scenarios", "properties", "reports", "harness", "cli", "bench"]
TEST_DIRS = ["tests"]
EXTENSIONS = (".cpp", ".hpp", ".h", ".cc")
RATCHET = os.path.join("scripts", "size-ratchet.txt")

CONTROL = re.compile(r"\b(if|for|while|switch|catch|do|else|try|return)\b")


def blank_comments_and_strings(text):
    """The text with comments and literals replaced by spaces; newlines kept."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "R" and i + 1 < n and text[i + 1] == '"' and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]{0,16})\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = ")" + m.group(1) + '"'
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2 : j]))
            i = j
        elif c in "\"'":
            prefixed = c == "'" and re.search(r"(^|[^\w])(u8|[LuU])$", text[max(0, i - 3) : i]) is not None
            if c == "'" and i > 0 and text[i - 1].isalnum() and not prefixed:  # digit separator 1'000
                out.append(c)
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * max(0, j - i - 2) + (c if j - i >= 2 else ""))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def classify(header):
    """namespace | class | function | other, from the text before a '{'."""
    h = " ".join(header.split())
    if re.search(r"\bnamespace\b", h) or h.startswith('extern "'):
        return "namespace"
    if re.search(r"\b(class|struct|union)\b", h) and "(" not in h:
        return "class"
    if re.search(r"\benum\b", h):
        return "other"
    if CONTROL.search(h.split("(")[0] if "(" in h else h):
        return "other"
    # A constructor's initializer list reaching a member's brace initializer:
    # `A::A() : x_{1}` -- that brace belongs to the header, not the body.
    if re.search(r"\)\s*(noexcept\s*)?:\s*([\w:<>]+\s*(\([^()]*\)|\{[^{}]*\})\s*,\s*)*[\w:<>]+\s*$", h):
        return "init"
    # A parameter list, then qualifiers: const, noexcept, override, -> T, a
    # constructor's initializer list.
    if re.search(r"\)\s*(const|noexcept|override|final|mutable|&|&&|\s)*(->[^{;]*)?(\s+requires\b.*)?(\s*try)?$", h) or re.search(
        r"\)\s*(noexcept\s*)?:\s*.*[)}]\s*(try)?$", h
    ):
        # `=` before the parameter list: an initializer, unless it is a
        # template's default argument (`template <typename T = X>`).
        before = re.sub(r"template\s*<.*>", "", h.split("(")[0])
        if "=" in before and "operator" not in h:
            return "other"  # an initializer: `auto x = f(...) {` cannot happen, `T v = {`
        return "function"
    return "other"


def function_name(header):
    h = " ".join(header.split())
    m = re.search(r"([~\w:]+(?:operator\s*[^\s(]+)?)\s*\(", h)
    return m.group(1) if m else h[:40]


def functions(text):
    """(name, first_line, lines) of every outermost function body."""
    clean = blank_comments_and_strings(text)
    found = []
    stack = []  # kinds of the open blocks
    header_start = 0  # offset where the current declaration began
    i = 0
    line_of = [0] * (len(clean) + 1)
    line = 1
    for k, ch in enumerate(clean):
        line_of[k] = line
        if ch == "\n":
            line += 1
    line_of[len(clean)] = line
    open_at = []  # (offset of header start, kind, name)
    while i < len(clean):
        ch = clean[i]
        if ch == "{":
            enclosing = stack[-1] if stack else "namespace"
            header = clean[header_start:i]
            kind = classify(header) if enclosing in ("namespace", "class") else "inner"
            if enclosing == "init":
                kind = "init"  # braces inside a member's brace initializer
            if kind == "function":
                first = header_start + (len(header) - len(header.lstrip()))
                open_at.append((first, function_name(header)))
            stack.append(kind)
            if kind != "init":
                header_start = i + 1
        elif ch == "}":
            kind = stack.pop() if stack else "namespace"
            if kind == "function" and open_at:
                first, name = open_at.pop()
                found.append((name, line_of[first], line_of[i] - line_of[first] + 1))
            if kind != "init":  # after `x_{1}` the constructor's header goes on
                header_start = i + 1
        elif ch == ";":
            if not stack or stack[-1] in ("namespace", "class"):
                header_start = i + 1
        elif ch == "#" and (i == 0 or clean[i - 1] == "\n"):
            j = clean.find("\n", i)
            while j > 0 and clean[j - 1] == "\\":
                j = clean.find("\n", j + 1)
            i = len(clean) if j < 0 else j
            header_start = i
            continue
        elif ch == ":" and (not stack or stack[-1] == "class"):
            # access specifiers end a declaration: `public:`
            if re.search(r"\b(public|private|protected)\s*$", clean[header_start:i]):
                header_start = i + 1
        i += 1
    return found


def sources(root, dirs):
    for d in dirs:
        base = os.path.join(root, d)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(x for x in dirnames if x not in ("node_modules", "build"))
            for f in sorted(filenames):
                if f.endswith(EXTENSIONS):
                    yield os.path.relpath(os.path.join(dirpath, f), root)


def measure(root):
    """{key: size} of every violation in the tree."""
    out = {}
    for path in sources(root, SOURCE_DIRS + TEST_DIRS):
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        n = text.count("\n")
        if n > FILE_LINES_MAX:
            out[f"file {path}"] = n
        if path.startswith("tests/"):
            continue
        seen = {}
        for name, first, lines in functions(text):
            if lines > FUNCTION_LINES_MAX:
                key = f"function {path} {name}"
                seen[key] = seen.get(key, 0) + 1
                if seen[key] > 1:
                    key += f"#{seen[key]}"
                out[key] = lines
    return out


def main(argv):
    update = "--update" in argv
    args = [a for a in argv if a != "--update"]
    root = args[0] if args else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    now = measure(root)
    ratchet_path = os.path.join(root, RATCHET)
    if update:
        with open(ratchet_path, "w") as fh:
            fh.write(
                f"# Known violators of the size lint (functions > {FUNCTION_LINES_MAX} lines, files > "
                f"{FILE_LINES_MAX} lines),\n# with their size. scripts/lint_size.py: this list may only shrink.\n"
            )
            for key in sorted(now):
                fh.write(f"{key} {now[key]}\n")
        print(f"lint-size: wrote {len(now)} entries to {RATCHET}")
        return 0
    allowed = {}
    if os.path.exists(ratchet_path):
        with open(ratchet_path) as fh:
            for raw in fh:
                raw = raw.strip()
                if raw and not raw.startswith("#"):
                    key, _, size = raw.rpartition(" ")
                    allowed[key] = int(size)
    problems = []
    for key, size in sorted(now.items()):
        limit = FILE_LINES_MAX if key.startswith("file ") else FUNCTION_LINES_MAX
        if key not in allowed:
            problems.append(f"{key}: {size} lines (limit {limit})")
        elif size > allowed[key]:
            problems.append(f"{key}: grew from {allowed[key]} to {size} lines (limit {limit})")
    for key in sorted(set(allowed) - set(now)):
        problems.append(f"{key}: no longer over the limit; delete its line from {RATCHET}")
    if problems:
        print("lint-size: violations of the size ratchet:", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print(f"lint-size: {len(now)} known violators, none new or grown")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
