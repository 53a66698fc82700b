#!/usr/bin/python3
"""Source mutator for scripts/mutation-score.sh (standard library only).

No Debian package does mutation testing for C++ (mull, dextool and
mutate_cpp are not packaged), so this is a small lexical mutator: comments
and string literals are blanked first (lint_size.blank_comments_and_strings),
then each operator finds its sites in what is left. Skipped: preprocessor
lines, BRIDGESIM_ASSERT and static_assert arguments, logging calls
(logger->info(...) and the like).

Operators (the classic ones):
  rel_boundary   <  <=  >  >=  flipped to their boundary twin (< to <=, ...)
  rel_negate     a relational operator to its negation (== to !=, < to >=)
  negate_cond    if (c) / while (c) to if (!(c))
  and_or         && to ||, || to &&
  delete_stmt    a call or assignment statement replaced by {}
  swap_args      two adjacent same-looking arguments of a call swapped
  const_return   return e to return true / false (boolean-looking e) or {}
  off_by_one     an integer literal k to (k + 1) or (k - 1)

A mutant's id is FILE:LINE:COL:OPERATOR (1-based), stable while the file
does not change. Commands:
  list ROOT [--net] [--sample N] [--seed S] [--ids]
  apply ROOT ID [--backup B]  write the mutant into ROOT, the original saved to B; print its mutated line
  restore ROOT --backup B     put the saved original back, byte for byte (no-op if none is saved)
  sync SRC DST             copy SRC's source files into DST (only those that differ)
  report RESULTS.tsv EQUIVALENT.txt OUT_DIR   summary: stdout, summary.json, summary.md
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lint_size import blank_comments_and_strings  # noqa: E402

IDENT = re.compile(r"[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*")
SIMPLE_ARG = re.compile(r"[A-Za-z_]\w*(?:(?:::|\.|->)[A-Za-z_]\w*)*$")
GETTER_ARG = re.compile(r"[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)+\(\)$")
INT_LITERAL = re.compile(r"(?<![\w.'])\d+[uUlLzZ]*(?![\w.'])")
NOT_CALLS = {"if", "for", "while", "switch", "return", "sizeof", "catch", "decltype", "static_assert",
             "alignof", "noexcept", "alignas", "BRIDGESIM_ASSERT", "requires", "operator"}
KEYWORDS = NOT_CALLS | {"else", "do", "case", "default", "break", "continue", "goto", "throw", "delete",
                        "new", "co_return", "co_await", "co_yield", "using", "typedef", "template"}
SKIP_CALL = re.compile(r"\b(?:BRIDGESIM_ASSERT|static_assert|logger_?\s*->\s*\w+|spdlog::\w+)\s*\(")
CLOSERS = {"(": ")", "[": "]", "{": "}"}
REL_BOUNDARY = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}
REL_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


class Source:
    """One file: its text, the blanked code and the spans no operator may touch."""

    def __init__(self, rel, text):
        self.rel, self.text = rel, text
        self.code = blank_comments_and_strings(text)
        self.line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.skipped = self._skipped_spans()

    def _skipped_spans(self):
        spans = []
        for m in re.finditer(r"^[ \t]*#.*$", self.code, re.M):
            spans.append((m.start(), m.end()))
        for m in SKIP_CALL.finditer(self.code):
            close = matching(self.code, m.end() - 1)
            spans.append((m.start(), (close if close is not None else m.end()) + 1))
        return spans

    def is_skipped(self, start, end):
        return any(s < end and start < e for s, e in self.skipped)

    def line_col(self, offset):
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self.line_starts[lo] + 1


def matching(code, open_at):
    """Offset of the bracket closing the one at open_at (brackets of (), [], {}), or None."""
    depth = 0
    for i in range(open_at, len(code)):
        c = code[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i
    return None


def statement_end(code, i):
    """Offset just past the ';' ending the statement that contains offset i (depth 0)."""
    depth = 0
    while i < len(code):
        c = code[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth < 0:
                return None
        elif c == ";" and depth == 0:
            return i + 1
        i += 1
    return None


def relational(src):
    for m in re.finditer(r"(?<=\s)(==|!=|<=|>=|<|>)(?=\s)", src.code):
        op = m.group(1)
        if op in REL_BOUNDARY:
            yield m.start(), m.end(), REL_BOUNDARY[op], "rel_boundary"
        yield m.start(), m.end(), REL_NEGATE[op], "rel_negate"


def and_or(src):
    for m in re.finditer(r"(?<=\s)(&&|\|\|)(?=\s)", src.code):
        yield m.start(), m.end(), "||" if m.group(1) == "&&" else "&&", "and_or"


def conditions(src):
    """(keyword offset, open paren, close paren) of every if/while condition."""
    for m in re.finditer(r"\b(if|while)\s*\(", src.code):
        close = matching(src.code, m.end() - 1)
        if close is not None:
            yield m.start(), m.end() - 1, close


def negate_cond(src):
    for _, open_at, close in conditions(src):
        inner_start = open_at + 1
        semicolon = src.code.rfind(";", inner_start, close)  # if (init; cond)
        if semicolon >= 0:
            inner_start = semicolon + 1
        inner = src.text[inner_start:close]
        if re.match(r"\s*(const\s+)?auto\b", inner) or not inner.strip():
            continue
        lead = len(inner) - len(inner.lstrip())
        yield inner_start + lead, close, "!(" + inner.strip() + ")", "negate_cond"


def expression_statement_end(code, p):
    """End of the call or assignment statement starting at p, or None if it is neither."""
    m = IDENT.match(code, p)
    if not m or m.group(0) in KEYWORDS:
        return None
    i, called = m.end(), False
    while i < len(code):
        if code.startswith(".", i) or code.startswith("->", i):
            m = IDENT.match(code, i + (1 if code[i] == "." else 2))
            if not m:
                return None
            i = m.end()
        elif code[i] in "([":
            close = matching(code, i)
            if close is None:
                return None
            called = called or code[i] == "("
            i = close + 1
        else:
            break
    while i < len(code) and code[i] in " \t\n":
        i += 1
    if code.startswith(";", i):
        return i + 1 if called else None
    if re.match(r"(?:[-+*/%&|^]|<<|>>)?=(?!=)|\+\+\s*;|--\s*;", code[i:i + 4]):
        return statement_end(code, i)
    return None


def statement_starts(src):
    code = src.code
    for m in re.finditer(r"^[ \t]*(?=\S)", code, re.M):
        before = code[:m.end()].rstrip()
        if not before or before[-1] in ";{}" or re.search(r"\belse$", before):
            yield m.end()
        elif before[-1] == ")":
            opener = before.rfind("(")  # cheap test: a one-line if/for/while header
            if re.search(r"\b(if|for|while)\s*$", before[:max(opener, 0)]) and matching(code, opener) == len(before) - 1:
                yield m.end()
    for _, _, close in conditions(src):
        j = close + 1
        while j < len(code) and code[j] in " \t":
            j += 1
        if j < len(code) and code[j] not in "{\n":
            yield j


def delete_stmt(src):
    for p in sorted(set(statement_starts(src))):
        end = expression_statement_end(src.code, p)
        if end is not None:
            yield p, end, "{}", "delete_stmt"


def call_arguments(code, open_at, close):
    """(start, end) of each top-level argument between the parentheses, stripped."""
    args, depth, start = [], 0, open_at + 1
    for i in range(open_at + 1, close + 1):
        c = code[i]
        if c in "([{":
            depth += 1
        elif c in ")]}" and i < close:
            depth -= 1
        if (c == "," and depth == 0) or i == close:
            s, e = start, i
            while s < e and code[s].isspace():
                s += 1
            while e > s and code[e - 1].isspace():
                e -= 1
            args.append((s, e))
            start = i + 1
    return args


def same_looking(a, b, code_a):
    if a == b:
        return False
    if (SIMPLE_ARG.match(a) and SIMPLE_ARG.match(b)) or (GETTER_ARG.match(a) and GETTER_ARG.match(b)):
        return a not in ("true", "false", "nullptr") and b not in ("true", "false", "nullptr")
    if INT_LITERAL.fullmatch(a) and INT_LITERAL.fullmatch(b):
        return True
    return a.startswith('"') and b.startswith('"') and code_a.startswith('"')


def swap_args(src):
    for m in re.finditer(r"\b([A-Za-z_]\w*)\s*\(", src.code):
        if m.group(1) in NOT_CALLS:
            continue
        close = matching(src.code, m.end() - 1)
        if close is None:
            continue
        args = call_arguments(src.code, m.end() - 1, close)
        for (s1, e1), (s2, e2) in zip(args, args[1:]):
            a, b = src.text[s1:e1], src.text[s2:e2]
            if same_looking(a, b, src.code[s1:e1]):
                yield s1, e2, b + src.text[e1:s2] + a, "swap_args"


def const_return(src):
    for m in re.finditer(r"\breturn\b", src.code):
        end = statement_end(src.code, m.end())
        if end is None:
            continue
        s, e = m.end(), end - 1
        expr = src.text[s:e].strip()
        if not expr or expr in ("{}", "nullptr", "0", "*this", "std::nullopt"):
            continue
        lead = len(src.text[s:e]) - len(src.text[s:e].lstrip())
        s, e = s + lead, s + lead + len(expr)
        if expr in ("true", "false"):
            yield s, e, "false" if expr == "true" else "true", "const_return"
        elif re.search(r"\s(==|!=|<=|>=|<|>|&&|\|\|)\s", src.code[s:e]) or expr.startswith("!"):
            yield s, e, "true", "const_return"
            yield s, e, "false", "const_return"
        else:
            yield s, e, "{}", "const_return"


def off_by_one(src):
    for m in INT_LITERAL.finditer(src.code):
        k = m.group(0)
        yield m.start(), m.end(), "(" + k + " + 1)", "off_by_one"
        yield m.start(), m.end(), "(" + k + " - 1)", "off_by_one"


OPERATORS = [relational, negate_cond, and_or, delete_stmt, swap_args, const_return, off_by_one]


def mutants_of(src):
    """[(id, start, end, replacement)] of one file, in id order; ids are unique."""
    found = {}
    for operator in OPERATORS:
        for start, end, replacement, name in operator(src):
            if src.is_skipped(start, end) or src.text[start:end] == replacement:
                continue
            line, col = src.line_col(start)
            base = "%s:%d:%d:%s" % (src.rel, line, col, name)
            mid, n = base, 2
            while mid in found:  # two mutants of one operator at one place: the second gets a suffix
                mid, n = "%s.%d" % (base, n), n + 1
            found[mid] = (mid, start, end, replacement)
    return sorted(found.values(), key=lambda m: (m[1], m[0]))


def mutated_line(src, mutant):
    """The line as the mutant reads; for a deleted statement, the statement's first line."""
    mid, start, end, replacement = mutant
    line, _ = src.line_col(start)
    if mid.split(":")[3].startswith("delete_stmt"):
        return "deleted: " + src.text[start:end].split("\n")[0].strip()
    text = src.text[:start] + replacement + src.text[end:]
    return text.split("\n")[line - 1].strip()


def source_files(root, with_net):
    """system/*.cpp, and system/net/*.cpp with --net (system/runtime/ is the seam: not mutated)."""
    files = []
    for folder in ["system"] + (["system/net"] if with_net else []):
        files += [folder + "/" + f for f in os.listdir(os.path.join(root, folder)) if f.endswith(".cpp")]
    return sorted(files)


def load(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return Source(rel, f.read())


def all_mutants(root, with_net):
    out = []
    for rel in source_files(root, with_net):
        src = load(root, rel)
        out += [(src, m) for m in mutants_of(src)]
    return out


def sample(mutants, n, seed):
    """N mutants in draw order: every prefix of a sample is a uniform sample too, so a run cut short still is one."""
    if n is None or n >= len(mutants):
        return mutants
    return [mutants[i] for i in random.Random(seed).sample(range(len(mutants)), n)]


def cmd_list(argv):
    root, with_net, ids_only, n, seed = argv[0], "--net" in argv, "--ids" in argv, None, 1
    if "--sample" in argv:
        n = int(argv[argv.index("--sample") + 1])
    if "--seed" in argv:
        seed = int(argv[argv.index("--seed") + 1])
    everything = all_mutants(root, with_net)
    for src, m in sample(everything, n, seed):
        print(m[0] if ids_only else "%s\t%s" % (m[0], mutated_line(src, m)))
    if not ids_only:
        print("# %d mutants%s" % (len(everything), "" if n is None else ", sample of %d (seed %d)" % (n, seed)),
              file=sys.stderr)
    return 0


def option(argv, name):
    """The value after --name in argv, removing both; None when absent."""
    if name not in argv:
        return None
    i = argv.index(name)
    value = argv[i + 1]
    del argv[i:i + 2]
    return value


def cmd_apply(argv):
    """Write the mutant into ROOT; with --backup B, first save the original to B (and its path to B.path)."""
    backup = option(argv, "--backup")
    root, mutant_id = argv
    if backup and os.path.exists(backup + ".path"):
        print("mutate.py: %s holds a mutated file not restored yet (mutate.py restore)" % backup, file=sys.stderr)
        return 2
    rel = mutant_id.split(":", 1)[0]
    src = load(root, rel)
    for m in mutants_of(src):
        if m[0] == mutant_id:
            if backup:
                shutil.copyfile(os.path.join(root, rel), backup)
                with open(backup + ".path", "w", encoding="utf-8") as f:
                    f.write(rel)
            with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
                f.write(src.text[:m[1]] + m[3] + src.text[m[2]:])
            print(mutated_line(src, m))
            return 0
    print("mutate.py: no mutant %s in %s (has the file changed?)" % (mutant_id, rel), file=sys.stderr)
    return 2


def cmd_restore(argv):
    """Put back the file apply --backup saved, byte for byte, as a new write (so ninja rebuilds it)."""
    backup = option(argv, "--backup")
    (root,) = argv
    if not backup or not os.path.exists(backup + ".path"):
        return 0
    with open(backup + ".path", encoding="utf-8") as f:
        target = os.path.join(root, f.read())
    with open(backup, "rb") as f:
        original = f.read()
    with open(target, "wb") as f:
        f.write(original)
    with open(target, "rb") as f:
        if f.read() != original:
            print("mutate.py: could not restore %s" % target, file=sys.stderr)
            return 3
    os.remove(backup + ".path")
    os.remove(backup)
    return 0


def repository_files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-co", "--exclude-standard", "-z"],
                             check=True, capture_output=True).stdout.decode()
        return [f for f in out.split("\0") if f and os.path.isfile(os.path.join(root, f))]
    except (OSError, subprocess.CalledProcessError):
        found = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in (".git", "out") and not d.startswith("build")]
            found += [os.path.relpath(os.path.join(dirpath, f), root) for f in filenames]
        return found


def cmd_sync(argv):
    """Copy only the files that differ, so the scratch build stays incremental."""
    src_root, dst_root = argv
    copied = 0
    for rel in repository_files(src_root):
        a, b = os.path.join(src_root, rel), os.path.join(dst_root, rel)
        if os.path.isfile(b) and open(a, "rb").read() == open(b, "rb").read():
            continue
        os.makedirs(os.path.dirname(b), exist_ok=True)
        shutil.copyfile(a, b)
        shutil.copymode(a, b)
        copied += 1
    print("mutate.py: synced %d changed files into %s" % (copied, dst_root))
    return 0


def read_equivalent(path):
    reasons = {}
    if os.path.isfile(path):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#"):
                mid, _, reason = line.partition(" ")
                reasons[mid] = reason.strip()
    return reasons


def classify(results, reasons):
    rows = []
    for mid, verdict, seconds, detail, diff in results:
        if verdict == "survived" and mid in reasons:
            verdict, detail = "equivalent", reasons[mid]
        rows.append({"id": mid, "verdict": verdict, "seconds": float(seconds), "detail": detail, "mutated_line": diff})
    return rows


def write_markdown(path, summary, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Mutation score of system/\n\n")
        f.write("| killed | survived | equivalent | stillborn | score | mean s/mutant |\n|---:|---:|---:|---:|---:|---:|\n")
        f.write("| %(killed)d | %(survived)d | %(equivalent)d | %(stillborn)d | %(score_text)s | %(mean_seconds).1f |\n\n"
                % summary)
        f.write("| mutant | verdict | detail | mutated line |\n|---|---|---|---|\n")
        for r in rows:
            f.write("| `%s` | %s | %s | `%s` |\n" % (r["id"], r["verdict"], r["detail"], r["mutated_line"].replace("|", "\\|")))


def cmd_report(argv):
    results_path, equivalent_path, out_dir = argv
    with open(results_path, encoding="utf-8") as f:
        results = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    reasons = read_equivalent(equivalent_path)
    rows = classify(results, reasons)
    count = {v: sum(r["verdict"] == v for r in rows) for v in ("killed", "survived", "equivalent", "stillborn")}
    judged = count["killed"] + count["survived"]
    summary = dict(count, mutants=len(rows), score=(count["killed"] / judged) if judged else None,
                   mean_seconds=(sum(r["seconds"] for r in rows) / len(rows)) if rows else 0.0)
    summary["score_text"] = "n/a" if summary["score"] is None else "%.1f%%" % (100 * summary["score"])
    with open(os.path.join(out_dir, "summary.json"), "w", encoding="utf-8") as f:
        json.dump({"summary": summary, "mutants": rows}, f, indent=2)
        f.write("\n")
    write_markdown(os.path.join(out_dir, "summary.md"), summary, rows)
    print("killed %(killed)d, survived %(survived)d, equivalent %(equivalent)d, stillborn %(stillborn)d: "
          "score %(score_text)s = killed / (killed + survived); %(mean_seconds).1f s per mutant" % summary)
    for r in rows:
        if r["verdict"] == "survived":
            print("  survived %s    %s" % (r["id"], r["mutated_line"]))
    for mid in sorted(reasons):
        verdict = next((r["verdict"] for r in rows if r["id"] == mid), None)
        if verdict == "killed":
            print("  note: %s is listed as equivalent but was killed: delete its line" % mid)
    print("wrote %s/summary.json and %s/summary.md" % (out_dir, out_dir))
    return 0


def main(argv):
    commands = {"list": cmd_list, "apply": cmd_apply, "restore": cmd_restore, "sync": cmd_sync, "report": cmd_report}
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[argv[1]](argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
