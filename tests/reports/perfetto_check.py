#!/usr/bin/python3
"""The Perfetto export of a failing replay, read back and held against the
replay's own trace (JSON lines) and violations: a process per node (server,
relay, auth_service, each client), a track per connection on both ends, a
flow arrow from each publish to every receive of that event, an instant at
each violation on the track of the record it was found at.

Usage: perfetto_check.py BRIDGESIM_BINARY   (exit 1 naming each problem)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def main(binary):
    tmp = tempfile.mkdtemp()
    perfetto, trace = os.path.join(tmp, "p.json"), os.path.join(tmp, "t.jsonl")
    out = subprocess.run([binary, "replay", "--scenario", "golden_path", "--seed", "3", "--variant", "leaky_manager",
                          "--no-color", "--perfetto", perfetto, "--trace", trace],
                         capture_output=True, text=True).stdout
    violations = [(m[0], int(m[1])) for m in re.findall(r"^VIOLATION (\S+) at record #(\d+)", out, re.M)]
    check(violations, "the replay reports no violation (leaky_manager should break isolation)")
    records = [json.loads(line) for line in open(trace)]
    events = json.load(open(perfetto))["traceEvents"]
    processes = {e["pid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
    threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    by_name = {name: pid for pid, name in processes.items()}
    clients = {r["actor"] for r in records if r["actor"].startswith("user:")}
    for node in ["server", "relay", "auth_service"] + ["client " + c for c in sorted(clients)]:
        check(node in by_name, f"no process named {node!r} (processes: {sorted(by_name)})")

    # Each record lands, in order, as one event (instant or 1 µs slice) named by its kind.
    placed = [e for e in events if e["ph"] == "i" and not e["name"].startswith("VIOLATION")
              or e["ph"] == "X" and e.get("cat") == "record"]
    placed.sort(key=lambda e: e["ts"])
    check(len(placed) == len(records), f"{len(placed)} record events for {len(records)} records")
    where = []
    for r in records:
        match = [e for e in placed if e["name"] == r["kind"] and abs(e["ts"] - r["t_ns"] / 1000) < 1e-6
                 and e["args"] == r["fields"]]
        check(match, f"record {r} has no event")
        where.append((match[0]["pid"], match[0]["tid"]) if match else None)
    for r, w in zip(records, where):
        if w is None or "conn" not in r["fields"]:
            continue
        conn = r["fields"]["conn"]
        if r["actor"] == "net":
            check(processes[w[0]] == "server" and threads[w].startswith(f"conn {conn} ("),
                  f"net record {r} is on {processes[w[0]]}/{threads[w]}, not the server's conn {conn} track")
        elif r["actor"].startswith("user:"):
            check(processes[w[0]] == "client " + r["actor"] and threads[w] == f"conn {conn}",
                  f"client record {r} is on {processes[w[0]]}/{threads[w]}")
    conns = {r["fields"]["conn"] for r in records if r["actor"] == "net"}
    check(len(conns) >= 2, f"the replay should use several connections, got {conns}")
    server_tracks = {t for (pid, _), t in threads.items() if processes[pid] == "server" and t.startswith("conn ")}
    check(len(server_tracks) == len(conns), f"server tracks {sorted(server_tracks)} for connections {sorted(conns)}")

    # Flows: every receive of a published event, from its publish.
    published = {}
    for r in records:
        if r["actor"] == "relay" and r["kind"] == "publish":
            published[(r["fields"]["run"], int(r["fields"]["seq"]))] = r
    want = []
    for r in records:
        if r["actor"].startswith("user:") and r["kind"] == "recv":
            frame = json.loads(r["fields"]["frame"])
            key = (frame.get("run_id"), frame.get("seq"))
            if key in published:
                want.append((published[key]["t_ns"], r["t_ns"], r["actor"]))
    starts = {e["id"]: e for e in events if e["ph"] == "s"}
    ends = {e["id"]: e for e in events if e["ph"] == "f"}
    got = sorted((round(starts[i]["ts"] * 1000), round(ends[i]["ts"] * 1000), processes[ends[i]["pid"]][7:])
                 for i in ends if i in starts and processes[starts[i]["pid"]] == "relay")
    check(len(want) > 5, f"only {len(want)} receives of published events")
    check(got == sorted(want), f"flows {got[:3]}... differ from publish->receive pairs {sorted(want)[:3]}...")
    check(len(starts) == len(ends) == len(want), f"{len(starts)} flow starts, {len(ends)} ends, {len(want)} receives")

    marks = [e for e in events if e["name"].startswith("VIOLATION ")]
    check(len(marks) == len(violations), f"{len(marks)} violation instants for {len(violations)} violations")
    for prop, index in violations:
        mark = [e for e in marks if e["name"] == "VIOLATION " + prop and e["args"]["record_index"] == index]
        check(mark and mark[0]["ph"] == "i" and (mark[0]["pid"], mark[0]["tid"]) == where[index]
              and abs(mark[0]["ts"] - records[index]["t_ns"] / 1000) < 1e-6,
              f"no instant for {prop} at record #{index} on its track")
    for p in problems:
        print("FAIL " + p)
    print(f"{'FAIL' if problems else 'PASS'}: {len(problems)} problems; {len(want)} flows, {len(marks)} violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
