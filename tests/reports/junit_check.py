#!/usr/bin/python3
"""Reads bridgesim JUnit files with junitparser (Debian's python3-junitparser),
the way a CI plugin would, and checks what a CI user relies on.

Usage: junit_check.py NAMES A.xml B.xml ...
  every file has the same testcase names (suite.classname + name), none with
  a seed range or a shard in it;
  every suite has tests, failures, errors, skipped, time, timestamp, hostname;
  every failure message names its property, a seed and a replay command.
junit_check.py TIMED F.xml   every suite's time is above zero.
junit_check.py FAILS F.xml N   exactly N testcases fail.
Exit 1 naming each problem.
"""
import re
import sys

from junitparser import Failure, JUnitXml

problems = []


def cases(path):
    xml = JUnitXml.fromfile(path)
    out = []
    for suite in xml:
        for attr in ("tests", "failures", "errors", "skipped", "time", "timestamp", "hostname"):
            if suite._elem.get(attr) is None:
                problems.append(f"{path}: suite {suite.name} lacks {attr}")
        for case in suite:
            out.append((suite, case))
    return out


def check_names(paths):
    seen = None
    for path in paths:
        names = sorted(f"{case.classname}.{case.name}" for _, case in cases(path))
        for n in names:
            if re.search(r"\d+\.\.\d+|shard|seeds? \d", n):
                problems.append(f"{path}: testcase name carries seeds or a shard: {n}")
        if seen is not None and names != seen:
            problems.append(f"{path}: testcase names differ from {paths[0]}: {sorted(set(names) ^ set(seen))}")
        seen = seen or names
    for path in paths:
        for _, case in cases(path):
            for result in case.result:
                if not isinstance(result, Failure) or result.type != "PropertyViolation":
                    continue
                m = result.message or ""
                if not (m.startswith(case.name + " violated") and re.search(r"seed \d+", m)
                        and re.search(r"replay: \S*bridgesim replay --scenario ", m)):
                    problems.append(f"{path}: {case.name}: failure message lacks property, seed or replay: {m}")


def check_timed(path):
    for suite in JUnitXml.fromfile(path):
        if not suite.time > 0:
            problems.append(f"{path}: suite {suite.name} has time {suite.time}")


def check_fails(path, want):
    failing = [case.name for _, case in cases(path) if any(isinstance(r, Failure) for r in case.result)]
    if len(failing) != want:
        problems.append(f"{path}: {len(failing)} failing testcases ({failing}), want {want}")


def main(argv):
    mode, args = argv[0], argv[1:]
    if mode == "NAMES":
        check_names(args)
    elif mode == "TIMED":
        check_timed(args[0])
    elif mode == "FAILS":
        check_fails(args[0], int(args[1]))
    for p in problems:
        print("FAIL " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
