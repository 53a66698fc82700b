#!/usr/bin/python3
"""Pointer-keyed containers, seen through type aliases (called by
lint-determinism.sh). A set, map or hash container keyed by a pointer
iterates in address order (or in the order of the addresses' hashes), and
addresses differ between processes and heaps: a fan-out over one is an order
the seed does not decide. Flags, naming file:line:
  * std::{unordered_,}{map,set,multimap,multiset}<K, ...> (and flat_map,
    flat_set) whose key K is a pointer (`Conn*`, `const T*`), a smart pointer
    (unique_ptr, shared_ptr, weak_ptr) or an alias of one (`using P = Conn*;`);
  * std::hash<T*> (or of a pointer alias);
  * an alias of such a container (`using ConnMap = std::unordered_map<Conn*, X>;`,
    `typedef std::set<const T*> S;`, alias templates too), and every use of
    that alias name in the folders searched.
Comments and string literals are ignored.
Usage: lint_pointer_keys.py ROOT FOLDER...   (exit 1 on a finding)
"""
import os
import re
import sys

EXTENSIONS = (".cpp", ".hpp", ".h", ".cc")
CONTAINER = re.compile(r"\b(?:unordered_(?:multi)?(?:map|set)|(?:multi)?(?:map|set)|flat_(?:multi)?(?:map|set)|hash)\s*<")
SMART = re.compile(r"^(?:std::)?(?:unique_ptr|shared_ptr|weak_ptr)\s*<")
USING = re.compile(r"\busing\s+([A-Za-z_]\w*)\s*=\s*([^;]*);")
TYPEDEF = re.compile(r"\btypedef\s+([^;]*?)\b([A-Za-z_]\w*)\s*;")


def blank_comments_and_strings(text):
    """The text with comments and string/char literals replaced by spaces, newlines kept."""
    pattern = re.compile(r'//[^\n]*|/\*.*?\*/|R"([^(]*)\(.*?\)\1"|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def first_argument(text, start):
    """The first template argument of the `<` at text[start - 1]."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c in "<([":
            depth += 1
        elif c in ")]" or (c == ">" and depth > 0):
            depth -= 1
        elif depth == 0 and c in ",>":
            return text[start:i]
        elif c == ";":
            break
        i += 1
    return text[start:i]


def is_pointer_key(arg, pointer_aliases):
    key = re.sub(r"\s+", " ", arg).strip()
    key = re.sub(r"^(?:const|volatile) |(?: const| volatile)$", "", key).strip()
    if key.endswith("*") or SMART.match(key):
        return True
    return re.sub(r"^typename ", "", key).split("::")[-1] in pointer_aliases and "<" not in key


def pointer_keyed_spans(text, pointer_aliases):
    """The offset of every pointer-keyed container or std::hash<T*> in text."""
    for m in CONTAINER.finditer(text):
        if is_pointer_key(first_argument(text, m.end()), pointer_aliases):
            yield m.start()


def read_sources(root, folders):
    files = {}
    for folder in folders:
        for dirpath, _, names in os.walk(os.path.join(root, folder)):
            for name in sorted(names):
                if name.endswith(EXTENSIONS):
                    path = os.path.join(dirpath, name)
                    with open(path, encoding="utf-8", errors="replace") as f:
                        files[os.path.relpath(path, root)] = blank_comments_and_strings(f.read())
    return files


def aliases(files):
    """Names aliasing a pointer type, and names aliasing a pointer-keyed container."""
    definitions = []
    for text in files.values():
        definitions += [(m.group(1), m.group(2)) for m in USING.finditer(text)]
        definitions += [(m.group(2), m.group(1)) for m in TYPEDEF.finditer(text)]
    pointers, containers = set(), set()
    changed = True
    while changed:  # aliases of aliases
        changed = False
        for name, target in definitions:
            if name not in pointers and is_pointer_key(target, pointers):
                pointers.add(name)
                changed = True
            if name not in containers and (any(pointer_keyed_spans(target, pointers)) or
                                           any(re.search(rf"\b{c}\b", target) for c in containers)):
                containers.add(name)
                changed = True
    return pointers, containers


def main(argv):
    root, folders = argv[1], argv[2:]
    files = read_sources(root, [f for f in folders if os.path.isdir(os.path.join(root, f))])
    pointers, containers = aliases(files)
    use = re.compile(r"\b(" + "|".join(sorted(containers)) + r")\b") if containers else None
    original = {}
    hits = []
    for path, text in sorted(files.items()):
        offsets = set(pointer_keyed_spans(text, pointers))
        if use:
            offsets |= {m.start() for m in use.finditer(text)}
        lines = sorted({text.count("\n", 0, o) + 1 for o in offsets})
        if lines and path not in original:
            with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                original[path] = f.read().split("\n")
        hits += [f"{path}:{n}:{original[path][n - 1].strip()}" for n in lines]
    for h in hits:
        print(h)
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
