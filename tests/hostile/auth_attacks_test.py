#!/usr/bin/env python3
"""Hostile clients against `bridgesim serve`'s configuration and token
checks (issue 13): a server with no usable secret never starts, and every
token that is not provably valid by docs/protocol.md section 1 is refused at
the handshake, with its reason, without a forged log line.

Loopback only (127.0.0.1, ephemeral ports); every wait has a deadline and
every server this starts is stopped. Debian's python3 with python3-websockets.

Usage: auth_attacks_test.py BRIDGESIM_BINARY
Exit 0 when every check passed; 1 otherwise (each failure is printed).
"""
import asyncio
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

import websockets

STEP_TIMEOUT_S = 5
SECRET = "hostile-suite-secret-" + "x" * 16  # 37 bytes: above the 32-byte minimum
DEV_SECRET = "bridgesim-dev-secret"  # public: system/app.hpp AppConfig::jwt_secret
CLOCK_SKEW_S = 30  # system/auth.hpp kClockSkewS
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)
    return condition


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def token(header, payload, secret=SECRET, signature=None):
    """A JWT over arbitrary header and payload objects, HMAC-SHA256 signed
    unless `signature` (bytes) is given."""
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     b64url(json.dumps(payload, separators=(",", ":")).encode()))
    if signature is None:
        signature = hmac.new(secret.encode(), signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


def claims(sub="alice", **extra):
    return {"sub": sub, "exp": int(time.time()) + 3600, **extra}


HS256 = {"alg": "HS256", "typ": "JWT"}


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "JWT_SECRET"}
    env.update(extra)
    return env


def refused_at_startup(binary, args, env, want_message, what, secret_text=None):
    """serve with `args` exits 2 at once, says `want_message`, never listens."""
    try:
        done = subprocess.run([binary, "serve", "--address", "127.0.0.1", "--port", "0", *args], env=env,
                              capture_output=True, text=True, timeout=STEP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return check(False, f"{what}: serve exits at once (it kept running)")
    check(done.returncode == 2, f"{what}: exit 2 (got {done.returncode})")
    check(want_message in done.stderr, f"{what}: stderr says '{want_message}' (got {done.stderr.strip()!r})")
    check("listening" not in done.stdout, f"{what}: never listens")
    if secret_text:
        check(secret_text not in done.stderr + done.stdout, f"{what}: the secret is not echoed")


def startup_checks(binary):
    refused_at_startup(binary, ["--jwt-secret", ""], clean_env(), "the JWT secret is empty",
                       "--jwt-secret '' (an unset $JWT_SECRET)")
    refused_at_startup(binary, [], clean_env(JWT_SECRET=""), "JWT_SECRET: the JWT secret is empty", "JWT_SECRET=''")
    refused_at_startup(binary, [], clean_env(), "no JWT secret", "no secret at all")
    short = "s" * 31
    refused_at_startup(binary, ["--jwt-secret", short], clean_env(), "31 bytes; HS256 needs at least 32",
                       "a 31-byte secret", secret_text=short)
    refused_at_startup(binary, [], clean_env(JWT_SECRET="tiny-secret"), "HS256 needs at least 32",
                       "a short JWT_SECRET", secret_text="tiny-secret")
    refused_at_startup(binary, ["--jwt-secret", DEV_SECRET], clean_env(), "HS256 needs at least 32",
                       "the public development secret without --dev")
    with tempfile.NamedTemporaryFile("w", suffix=".secret") as f:
        f.write("short-file-secret\n")
        f.flush()
        refused_at_startup(binary, ["--jwt-secret-file", f.name], clean_env(), "HS256 needs at least 32",
                           "a short --jwt-secret-file", secret_text="short-file-secret")
    refused_at_startup(binary, ["--dev"], clean_env(JWT_SECRET=SECRET), "--dev uses the public development secret",
                       "--dev with JWT_SECRET set")
    refused_at_startup(binary, ["--seed", "1"], clean_env(JWT_SECRET=SECRET), "--seed makes run and session ids",
                       "--seed without --dev")


class Server:
    """`bridgesim serve` on 127.0.0.1, an ephemeral port; stderr kept."""

    def __init__(self, binary, args, env):
        self.proc = subprocess.Popen([binary, "serve", "--address", "127.0.0.1", "--port", "0", *args], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
        self.stderr_lines = []
        threading.Thread(target=self._drain, daemon=True).start()
        found = {}

        def read():
            m = re.match(r"listening on http://127\.0\.0\.1:(\d+)", self.proc.stdout.readline())
            if m:
                found["port"] = int(m.group(1))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(STEP_TIMEOUT_S)
        if "port" not in found:
            self.kill()
            raise RuntimeError(f"serve did not listen within {STEP_TIMEOUT_S} s: {self.stderr_lines[-5:]}")
        self.port = found["port"]

    def _drain(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.rstrip("\n"))

    def stop(self):
        """SIGTERM; the exit code (None when it had to be killed)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(STEP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            code = None
        self.kill()
        time.sleep(0.1)  # the drain thread reads the last lines
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def handshake(port, authorization):
    """(status, body) of a WebSocket upgrade request carrying `authorization`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=STEP_TIMEOUT_S)
    try:
        conn.request("GET", "/ws", headers={"Upgrade": "websocket", "Connection": "Upgrade",
                                            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                                            "Sec-WebSocket-Version": "13", "Authorization": authorization})
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace") if response.status != 101 else ""
    finally:
        conn.close()


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=STEP_TIMEOUT_S)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


FORGED_LINE = "[1.000000] [info] bridgesim: ws.open id=1 user=admin peer=10.0.0.1:1 target=/ws"
BAD_SUB = "token 'sub' is not 1 to 128 of A-Z a-z 0-9 . _ @ : -"
now = int(time.time())
ATTACKS = [  # (name, token, the reason the 401 body must say)
    ("forged signature", token(HS256, claims(), secret="not-the-server-secret-but-32-bytes!"),
     "invalid token signature"),
    ("dev-secret token on a real server", token(HS256, claims(), secret=DEV_SECRET), "invalid token signature"),
    ("alg none, unsigned", token({"alg": "none", "typ": "JWT"}, claims(), signature=b""),
     "unsupported token: alg must be HS256"),
    ("alg none, signed", token({"alg": "none"}, claims()), "unsupported token: alg must be HS256"),
    ("alg missing", token({"typ": "JWT"}, claims()), "unsupported token: alg must be HS256"),
    ("alg HS512", token({"alg": "HS512"}, claims()), "unsupported token: alg must be HS256"),
    ("crit header", token({"alg": "HS256", "crit": ["exp"]}, claims()), "unsupported token: crit header"),
    ("nbf in an hour", token(HS256, claims(nbf=now + 3600)), "token not yet valid (nbf)"),
    ("nbf just past the skew", token(HS256, claims(nbf=now + CLOCK_SKEW_S + 20)), "token not yet valid (nbf)"),
    ("iat in an hour", token(HS256, claims(iat=now + 3600)), "token issued in the future (iat)"),
    ("expired", token(HS256, {"sub": "alice", "exp": now - 60}), "token expired"),
    ("sub with a newline forging a log line", token(HS256, claims("mallory\n" + FORGED_LINE)), BAD_SUB),
    ("sub with CR", token(HS256, claims("mallory\r" + FORGED_LINE)), BAD_SUB),
    ("sub with NUL", token(HS256, claims("admin\u0000mallory")), BAD_SUB),
    ("sub with ANSI escapes", token(HS256, claims("\u001b[2J\u001b[31madmin")), BAD_SUB),
    ("sub with a bidi override", token(HS256, claims("admin\u202etxt.exe")), BAD_SUB),
    ("sub with a bidi isolate", token(HS256, claims("\u2066admin\u2069")), BAD_SUB),
    ("sub of 5,000 bytes", token(HS256, claims("a" * 5000)), BAD_SUB),
    ("sub of 129 bytes", token(HS256, claims("a" * 129)), BAD_SUB),
    ("sub with a space", token(HS256, claims("al ice")), BAD_SUB),
    ("sub empty", token(HS256, claims("")), "token has no 'sub' claim"),
]


async def admitted_as(port, jwt):
    """The user_id of connection_established for `jwt` over python3-websockets."""
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws", extra_headers={"Authorization": "Bearer " + jwt},
                                  open_timeout=STEP_TIMEOUT_S) as ws:
        return json.loads(await asyncio.wait_for(ws.recv(), STEP_TIMEOUT_S)).get("user_id")


async def ids_of(port):
    """(connection_id, session_id, run_id) of two sockets opened one after the other on a fresh server."""
    ids = []
    for tab in range(2):
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws",
                                      extra_headers={"Authorization": "Bearer " + token(HS256, claims("alice"))},
                                      open_timeout=STEP_TIMEOUT_S) as ws:
            established = json.loads(await asyncio.wait_for(ws.recv(), STEP_TIMEOUT_S))
            await ws.send(json.dumps({"type": "user_message", "thread_id": f"t{tab}", "text": "hi",
                                      "client_msg_id": f"m{tab}"}))
            run_id = None
            while run_id is None:
                run_id = json.loads(await asyncio.wait_for(ws.recv(), STEP_TIMEOUT_S)).get("run_id")
            ids.append((established.get("connection_id"), established.get("session_id"), run_id))
    return ids


def id_checks(first, second):
    """Ids of two fresh servers: none repeats, and no socket's id tells the next one's."""
    for n, what in enumerate(("connection", "session", "run")):
        values = [ids[n] for ids in first + second]
        check(None not in values and len(set(values)) == len(values),
              f"{what} ids differ across sockets and fresh servers (got {values})")
    for ids in (first, second):
        check(ids[1][0] != ids[0][0] + 1, f"a connection id does not follow from the previous one (got {ids})")


async def token_checks(server):
    # Controls: a valid token, and one within the stated skew, are admitted,
    # so each refusal below is the rule's doing.
    check(await admitted_as(server.port, token(HS256, claims("alice"))) == "alice", "control: a valid token is admitted")
    check(await admitted_as(server.port, token(HS256, claims("bob", nbf=now + 5, iat=now + 5))) == "bob",
          f"control: nbf/iat 5 s ahead (within the {CLOCK_SKEW_S} s skew) is admitted")
    check(await admitted_as(server.port, token(HS256, claims("user.1@example.com:t-2"))) == "user.1@example.com:t-2",
          "control: a sub using every allowed punctuation mark is admitted")
    for name, jwt, reason in ATTACKS:
        status, body = await asyncio.to_thread(handshake, server.port, "Bearer " + jwt)
        check(status == 401 and body == reason, f"{name}: 401 '{reason}' at the handshake (got {status} {body!r})")
        try:
            await admitted_as(server.port, jwt)
            check(False, f"{name}: python3-websockets is refused too")
        except websockets.exceptions.InvalidStatusCode as e:
            check(e.status_code == 401, f"{name}: python3-websockets gets 401 (got {e.status_code})")
    status, _ = await asyncio.to_thread(get, server.port, "/dev-token?user=admin")
    check(status == 404, f"a real secret: GET /dev-token?user=admin is 404 (got {status})")


def log_checks(lines, what):
    text_line = re.compile(r"^\[\d+\.\d{6}\] \[[a-z]+\] bridgesim: ")
    stray = [line for line in lines if not text_line.match(line)]
    check(lines and not stray, f"{what}: every stderr line is one of serve's (stray: {stray[:3]})")
    log = "\n".join(lines)
    check(not any(line.startswith(FORGED_LINE) or ("] " + FORGED_LINE) in line for line in lines),
          f"{what}: the forged line never appears as a line of its own")
    check("\x1b" not in log and "\u202e" not in log and "\u2066" not in log, f"{what}: no raw ESC or bidi control")
    check(SECRET not in log, f"{what}: the secret is never logged")
    check(len(re.findall(r"ws\.rejected id=\d+ status=401", log)) >= len(ATTACKS), f"{what}: each refusal is logged")


def json_log_checks(lines):
    try:
        objects = [json.loads(line) for line in lines]
    except ValueError as e:
        return check(False, f"--log-format json: every line is one JSON object ({e})")
    check(objects and all(set(o) == {"ts", "level", "logger", "msg"} for o in objects),
          "--log-format json: every line is {ts, level, logger, msg}")
    check(any(o["msg"].startswith("ws.rejected") for o in objects), "--log-format json: refusals are logged")


async def main(binary):
    startup_checks(binary)
    with tempfile.NamedTemporaryFile("w", suffix=".secret") as f:
        f.write(SECRET + "\n")
        f.flush()
        server = Server(binary, ["--jwt-secret-file", f.name], clean_env())
        try:
            await token_checks(server)
            first_ids = await ids_of(server.port)
        finally:
            code = server.stop()
        check(code == 0, f"--jwt-secret-file server exits 0 on SIGTERM (got {code})")
        log_checks(server.stderr_lines, "text log")
    server = Server(binary, ["--log-format", "json"], clean_env(JWT_SECRET=SECRET))
    try:
        forged = {name: jwt for name, jwt, _ in ATTACKS}["sub with a newline forging a log line"]
        status, body = await asyncio.to_thread(handshake, server.port, "Bearer " + forged)
        check(status == 401 and body == BAD_SUB, f"JWT_SECRET server: a forged-newline sub is refused (got {status})")
        id_checks(first_ids, await ids_of(server.port))
    finally:
        code = server.stop()
    check(code == 0, f"JWT_SECRET server exits 0 on SIGTERM (got {code})")
    json_log_checks(server.stderr_lines)


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print(__doc__)
        sys.exit(2)
    started = time.monotonic()
    try:
        asyncio.run(asyncio.wait_for(main(sys.argv[1]), 60))
    except Exception as e:  # a broken step must still say what broke
        check(False, f"unexpected {type(e).__name__}: {e}")
    print(f"{'FAIL' if failures else 'PASS'}: {len(failures)} failed, {time.monotonic() - started:.1f}s")
    sys.exit(1 if failures else 0)
