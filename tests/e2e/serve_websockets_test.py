#!/usr/bin/env python3
"""`bridgesim serve` driven by a client nobody here wrote: Debian's
python3-websockets (and urllib for HTTP), with HS256 tokens minted in plain
Python. Everything on 127.0.0.1, ephemeral ports; every wait has a deadline.

Usage: serve_websockets_test.py BRIDGESIM_BINARY
Exit 0 when every check passed; 1 otherwise (each failure is printed).
"""
import asyncio
import base64
import hashlib
import hmac
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import websockets

DEV_SECRET = "bridgesim-dev-secret"  # system/app.hpp: AppConfig::jwt_secret (serve --dev only)
OWN_SECRET = "e2e-own-secret-of-at-least-32-bytes"  # HS256 needs 32 bytes or more
LIFECYCLE = ["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"]
STEP_TIMEOUT_S = 5
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)
    return condition


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def mint_hs256(secret: str, sub: str, exp: int) -> str:
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = b64url(json.dumps({"sub": sub, "exp": exp}, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(signature)}"


class Server:
    """`bridgesim serve --port 0 EXTRA...` as a child process; stderr is kept."""

    def __init__(self, binary, *extra):
        env = {k: v for k, v in os.environ.items() if k != "JWT_SECRET"}  # --dev refuses a second secret
        self.proc = subprocess.Popen([binary, "serve", "--address", "127.0.0.1", "--port", "0", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.stderr_lines = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.port = self._read_port()

    def _drain_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.rstrip("\n"))

    def _read_port(self):
        found = {}

        def read():
            line = self.proc.stdout.readline()
            m = re.match(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if m:
                found["port"] = int(m.group(1))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(STEP_TIMEOUT_S)
        if "port" not in found:
            self.kill()
            raise RuntimeError("serve printed no 'listening on http://127.0.0.1:PORT' within "
                               f"{STEP_TIMEOUT_S} s; stderr: {self.stderr_lines[-5:]}")
        return found["port"]

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}/ws"

    def terminate(self, timeout_s=STEP_TIMEOUT_S):
        """SIGTERM; the exit code, or None when it did not exit in time (then killed)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log(self):
        return "\n".join(self.stderr_lines)


def http(method, url, body=None, token=None):
    """(status, content type, body text) for one request."""
    request = urllib.request.Request(url, data=body, method=method)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=STEP_TIMEOUT_S) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


async def recv_json(ws):
    return json.loads(await asyncio.wait_for(ws.recv(), STEP_TIMEOUT_S))


async def read_run(ws, run_id=None):
    """Frames until agent_completed (of `run_id` when given)."""
    frames = []
    while True:
        frame = await recv_json(ws)
        frames.append(frame)
        if frame.get("type") == "agent_completed" and (run_id is None or frame.get("run_id") == run_id):
            return frames


def check_run(frames, user, what):
    run = [f for f in frames if f.get("type") in LIFECYCLE]
    check([f["type"] for f in run] == LIFECYCLE, f"{what}: the five events in order (got {[f['type'] for f in run]})")
    check([f.get("seq") for f in run] == [1, 2, 3, 4, 5], f"{what}: seq 1..5")
    check(all(f.get("user_id") == user for f in run), f"{what}: every event names user {user}")
    check(len({f.get("run_id") for f in run}) == 1, f"{what}: one run id")
    return run[0].get("run_id") if run else None


async def websocket_checks(server):
    now = int(time.time())
    alice = mint_hs256(DEV_SECRET, "alice", now + 3600)
    async with websockets.connect(server.ws_url(), extra_headers={"Authorization": "Bearer " + alice},
                                  open_timeout=STEP_TIMEOUT_S) as ws:
        established = await recv_json(ws)
        check(established.get("type") == "connection_established" and established.get("user_id") == "alice",
              "Bearer token: connection_established for alice")
        await ws.send(json.dumps({"type": "user_message", "thread_id": "py-t1", "text": "hello from python",
                                  "client_msg_id": "py-m1"}))
        check_run(await read_run(ws), "alice", "user_message over the WebSocket")

        # HTTP execute: alice's identity is confirmed (she opened a WebSocket);
        # the run's events come to this socket.
        status, _, body = http("POST", server.url("/api/agent/v2/execute"),
                               json.dumps({"thread_id": "py-t2", "input": "from http"}).encode(), alice)
        run_id = json.loads(body).get("run_id") if status == 202 else None
        check(status == 202 and run_id, f"POST /api/agent/v2/execute: 202 with a run_id (got {status} {body})")
        if run_id:
            frames = await read_run(ws, run_id)
            check_run([f for f in frames if f.get("run_id") == run_id], "alice", "execute's run on alice's socket")

        status, _, body = http("POST", server.url("/api/agent/v2/execute"), b'{"thread_id": 7}', alice)
        fields = json.loads(body).get("fields", {}) if status == 422 else {}
        check(status == 422 and "thread_id" in fields and "input" in fields,
              f"execute with a bad body: 422 naming thread_id and input (got {status} {body})")
        status, _, body = http("POST", server.url("/api/agent/v2/execute"), b"not json", alice)
        check(status == 422, f"execute with a non-JSON body: 422 (got {status})")
        status, _, body = http("POST", server.url("/api/agent/v2/execute"), b"x" * (100 * 1024), alice)
        check(status == 413, f"execute with a 100 KiB body: 413 (got {status} {body})")
        status, _, _ = http("POST", server.url("/api/agent/v2/execute"),
                            json.dumps({"thread_id": "t", "input": "i"}).encode())
        check(status == 401, f"execute without a token: 401 (got {status})")
        stranger = mint_hs256(DEV_SECRET, "never-connected", now + 3600)
        status, _, body = http("POST", server.url("/api/agent/v2/execute"),
                               json.dumps({"thread_id": "t", "input": "i"}).encode(), stranger)
        # The handshake's authenticator decides, as for /ws: serve's auth service
        # (allow-all) confirms a new identity at once, no WebSocket needed first.
        check(status == 202, f"execute for an identity that never opened a WebSocket: 202 (got {status} {body})")

    # Subprotocol token, as a browser sends it.
    bob = mint_hs256(DEV_SECRET, "bob", now + 3600)
    async with websockets.connect(server.ws_url(), subprotocols=["jwt-auth", "jwt." + b64url(bob.encode())],
                                  open_timeout=STEP_TIMEOUT_S) as ws:
        check(ws.subprotocol == "jwt-auth", f"subprotocol token: server selects jwt-auth (got {ws.subprotocol})")
        check((await recv_json(ws)).get("user_id") == "bob", "subprotocol token: connection_established for bob")

    for name, token in [("forged", mint_hs256("not-the-secret", "mallory", now + 3600)),
                        ("expired", mint_hs256(DEV_SECRET, "alice", now - 3600)),
                        ("garbage", "not.a.jwt")]:
        try:
            async with websockets.connect(server.ws_url(), extra_headers={"Authorization": "Bearer " + token},
                                          open_timeout=STEP_TIMEOUT_S):
                check(False, f"{name} token: refused")
        except websockets.exceptions.InvalidStatusCode as e:
            check(e.status_code == 401, f"{name} token: HTTP 401 before the upgrade (got {e.status_code})")


async def shutdown_checks(server):
    """SIGTERM with a socket open: it gets 1001, the process exits 0."""
    carol = mint_hs256(DEV_SECRET, "carol", int(time.time()) + 3600)
    async with websockets.connect(server.ws_url(), extra_headers={"Authorization": "Bearer " + carol},
                                  open_timeout=STEP_TIMEOUT_S) as ws:
        await recv_json(ws)
        await ws.send(json.dumps({"type": "user_message", "thread_id": "py-t3", "text": "last one",
                                  "client_msg_id": "py-m3"}))
        check_run(await read_run(ws), "carol", "run before shutdown")
        loop = asyncio.get_running_loop()
        exit_code = loop.run_in_executor(None, server.terminate)
        try:
            await asyncio.wait_for(ws.recv(), STEP_TIMEOUT_S)
            check(False, "SIGTERM: no frame after the run, only the close")
        except websockets.exceptions.ConnectionClosed as e:
            check(e.code == 1001, f"SIGTERM: open socket closed 1001 going away (got {e.code})")
        code = await exit_code
    check(code == 0, f"SIGTERM: serve exits 0 (got {code})")


def http_checks(server):
    status, content_type, body = http("GET", server.url("/health"))
    check(status == 200 and json.loads(body).get("status") == "ok", f"GET /health: 200 ok (got {status} {body})")
    status, content_type, body = http("GET", server.url("/"))
    check(status == 200 and content_type.startswith("text/html") and "new WebSocket(" in body,
          f"GET /: the chat page (got {status} {content_type})")
    status, _, body = http("GET", server.url("/dev-token?user=dana"))
    token = json.loads(body).get("token") if status == 200 else ""
    check(status == 200 and token.count(".") == 2, f"GET /dev-token with the dev secret: a token (got {status})")
    status, _, _ = http("GET", server.url("/dev-token?user=no%20spaces"))
    check(status == 422, f"GET /dev-token with a bad name: 422 (got {status})")
    return token


async def dev_token_works(server, token):
    async with websockets.connect(server.ws_url(), extra_headers={"Authorization": "Bearer " + token},
                                  open_timeout=STEP_TIMEOUT_S) as ws:
        check((await recv_json(ws)).get("user_id") == "dana", "the dev token opens a WebSocket as dana")


async def own_secret_checks(binary):
    """With --jwt-secret: no dev tokens, and dev-secret tokens are refused."""
    server = Server(binary, "--jwt-secret", OWN_SECRET)
    try:
        status, _, _ = http("GET", server.url("/dev-token?user=dana"))
        check(status == 404, f"--jwt-secret: GET /dev-token is 404 (got {status})")
        dev = mint_hs256(DEV_SECRET, "dana", int(time.time()) + 3600)
        try:
            async with websockets.connect(server.ws_url(), extra_headers={"Authorization": "Bearer " + dev},
                                          open_timeout=STEP_TIMEOUT_S):
                check(False, "--jwt-secret: a dev-secret token is refused")
        except websockets.exceptions.InvalidStatusCode as e:
            check(e.status_code == 401, f"--jwt-secret: a dev-secret token gets 401 (got {e.status_code})")
        own = mint_hs256(OWN_SECRET, "erin", int(time.time()) + 3600)
        async with websockets.connect(server.ws_url(), extra_headers={"Authorization": "Bearer " + own},
                                      open_timeout=STEP_TIMEOUT_S) as ws:
            check((await recv_json(ws)).get("user_id") == "erin", "--jwt-secret: its own tokens work")
        check(server.terminate() == 0, "--jwt-secret server exits 0 on SIGTERM")
    finally:
        server.kill()


def log_checks(log):
    check(re.search(r"ws\.open id=\d+ user=alice peer=127\.0\.0\.1:\d+", log) is not None,
          "log: ws.open with id, user and peer")
    check(re.search(r"ws\.closed id=\d+ user=alice code=1000 by=client", log) is not None,
          "log: ws.closed with id, user and close code")
    check(re.search(r"ws\.closed id=\d+ user=carol code=1001 by=server", log) is not None,
          "log: the shutdown close 1001 is logged")
    check(re.search(r"ws\.rejected id=\d+ status=401", log) is not None, "log: refused upgrades are logged")
    check("eyJ" not in log, "log: no token is ever logged")


async def main(binary):
    server = Server(binary, "--dev")
    try:
        token = http_checks(server)
        if token:
            await dev_token_works(server, token)
        await websocket_checks(server)
        await shutdown_checks(server)
        time.sleep(0.1)  # the stderr reader catches the last lines
        log_checks(server.log())
        if os.environ.get("E2E_SHOW_LOG"):
            print(server.log())
    finally:
        server.kill()
    await own_secret_checks(binary)


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
