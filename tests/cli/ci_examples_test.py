#!/usr/bin/python3
"""The CI examples in docs/ci/ work as written (issue 14, item 6): the GitHub
Actions matrix and the Kubernetes Indexed Job are read as YAML, their shard
counts must agree with their commands, and their commands run here, with the
binary under test and fewer seeds: every shard, then the merge, which must
say PASS; without one shard's file the merge must exit 2.
Usage: ci_examples_test.py BRIDGESIM_BINARY DOCS_CI_DIR"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

binary, docs = os.path.abspath(sys.argv[1]), sys.argv[2]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if not re.match(r"(GTEST_|TEST_|JOB_COMPLETION_INDEX|XML_OUTPUT_FILE)", k)}
    env.update(extra)
    return env


def fewer_seeds(command):
    return command.replace("--seeds 1000", "--seeds 6").replace('"1000"', '"6"')


def shell(command, cwd, env=None):
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env or clean_env(),
                          capture_output=True, text=True, timeout=300)


def github():
    with open(os.path.join(docs, "github-actions.yml")) as f:
        flow = yaml.safe_load(f)
    shards = flow["jobs"]["sweep"]["strategy"]["matrix"]["shard"]
    sweep = next(s["run"] for s in flow["jobs"]["sweep"]["steps"] if s.get("name") == "sweep")
    merge = next(s["run"] for s in flow["jobs"]["report"]["steps"] if s.get("name") == "merge")
    total = re.search(r"--shard \$\{\{ matrix.shard \}\}/(\d+)", sweep)
    check(total is not None and int(total.group(1)) == len(shards) and shards == list(range(1, len(shards) + 1)),
          f"github: the matrix {shards} is the N of --shard K/N")
    with tempfile.TemporaryDirectory() as tmp:
        for k in shards:
            cmd = fewer_seeds(sweep).replace("${{ matrix.shard }}", str(k)).replace("build/cli/bridgesim", binary)
            r = shell(cmd, tmp)
            check(r.returncode == 0 and os.path.exists(f"{tmp}/out/shard-{k}.json"), f"github: shard {k} ran ({r.returncode})")
        r = shell(merge.replace("build/cli/bridgesim", binary), tmp)
        check(r.returncode == 0 and "verdict PASS" in r.stdout and os.path.exists(f"{tmp}/out/readiness.html"),
              f"github: the merge says PASS ({r.returncode}: {r.stdout.strip()} {r.stderr.strip()})")
        if os.path.exists(f"{tmp}/out/shard-2.json"):
            os.remove(f"{tmp}/out/shard-2.json")
        r = shell(merge.replace("build/cli/bridgesim", binary), tmp)
        check(r.returncode == 2 and "never ran" in r.stderr, f"github: a lost shard fails the merge ({r.returncode})")


def kubernetes():
    with open(os.path.join(docs, "kubernetes-indexed-job.yaml")) as f:
        sweep_job, report_job = list(yaml.safe_load_all(f))
    spec = sweep_job["spec"]
    n = spec["completions"]
    args = spec["template"]["spec"]["containers"][0]["args"]
    check(spec["completionMode"] == "Indexed" and args[args.index("--shard-count") + 1] == str(n),
          f"kubernetes: --shard-count is the Job's completions ({n})")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            argv = [fewer_seeds(a).replace("$(JOB_COMPLETION_INDEX)", str(i)).replace("/results", tmp) for a in args]
            argv[0] = binary if argv[0] == "bridgesim" else argv[0]
            r = subprocess.run(argv, env=clean_env(JOB_COMPLETION_INDEX=str(i)), capture_output=True, text=True,
                               timeout=300)
            check(r.returncode == 0 and f"shard {i + 1}/{n} (from JOB_COMPLETION_INDEX={i}" in r.stderr,
                  f"kubernetes: pod {i} ran shard {i + 1}/{n} ({r.returncode})")
        container = report_job["spec"]["template"]["spec"]["containers"][0]
        check(container["command"] == ["sh", "-c"], "kubernetes: the merge runs in a shell (the glob)")
        merge = container["args"][0].replace("/results", tmp).replace("bridgesim ", binary + " ", 1)
        r = shell(merge, tmp)
        check(r.returncode == 0 and "verdict PASS" in r.stdout and os.path.exists(f"{tmp}/readiness.html"),
              f"kubernetes: the merge says PASS ({r.returncode}: {r.stderr.strip()})")
        if os.path.exists(f"{tmp}/shard-0.json"):
            os.remove(f"{tmp}/shard-0.json")
        r = shell(merge, tmp)
        check(r.returncode == 2 and "never ran" in r.stderr, f"kubernetes: a lost pod fails the merge ({r.returncode})")


github()
kubernetes()
print(f"ci examples: {len(failures)} failed")
sys.exit(1 if failures else 0)
