"""A chat backend nobody in the harness wrote: docs/protocol.md (bridgesim's
flat dialect) on the production platform's stack, Starlette on uvicorn
(Debian's python3-starlette / python3-uvicorn), written the way such a
server is written in Python, independently of bridgesim's C++ server.

`--variant NAME` turns on one incident the way it happens in Python code
(VARIANTS below), or one of the alternatives docs/protocol.md allows.
`--dialect platform` speaks the production platform's dialect instead
(docs/protocol.md, "Protocol profiles"): event fields other than the
routing ones under `data`, ISO-8601 timestamps, client fields under
`payload`, the token also in a `jwt.`/`jwt-auth.`/`bearer.` subprotocol.
Listens on 127.0.0.1 only, on an ephemeral port, printed as "listening PORT".

Usage: /usr/bin/python3 chat_server.py --secret S [--variant NAME] [--dialect bridgesim|platform] [--event-gap-ms N]
"""

import argparse
import asyncio
import base64
import datetime
import hashlib
import hmac
import json
import os
import socket
import sys
import time

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
import uvicorn

# Incidents (the probe must catch each) and allowed alternatives (it must pass each).
VARIANTS = {
    "correct": "the protocol as written; refusals are HTTP 403 before the upgrade",
    "refuse_1008": "allowed: refuses by accepting, then closing 1008 before any frame",
    "two_tools_rethink": "allowed: two tool calls per run, agent_thinking repeated between them",
    "iso_timestamps": "allowed: ISO-8601 timestamps",
    "seconds_timestamps": "allowed: timestamps in float seconds",
    "no_resume": "bug: resume is acknowledged with nothing (no replay after a reconnect)",
    "send_after_close": "bug: a send to a closed socket raises and kills the user's run loop",
    "resume_foreign": "bug: resume replays any user's run (no ownership check)",
    "cancel_foreign": "bug: cancel ends any user's run (no ownership check)",
    "ignore_disconnect": "bug: disconnect is not honoured (the socket stays open)",
    "duplicate_events": "bug: every event is sent twice",
    "slow_events": "bug: events 300 ms apart",
    "trust_any_token": "bug: the token's signature is not checked",
    "cross_user_fanout": "bug: events go to every open socket, every user's",
    "first_tab_only": "bug: events go only to the socket that asked, not the user's other tabs",
    "ids_global": "bug: client_msg_id idempotency keyed without the user (replays another user's run)",
    "drop_tool_completed": "bug: tool_completed is never sent",
    "no_tool_name": "bug: tool_executing has no tool_name",
}


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_hs256(token, secret, check_signature=True):
    """The token's sub, or None with the reason."""
    parts = token.split(".")
    if len(parts) != 3:
        return None, "malformed token"
    try:
        claims = json.loads(b64url_decode(parts[1]))
    except ValueError:
        return None, "malformed token"
    if check_signature:
        mac = hmac.new(secret.encode(), (parts[0] + "." + parts[1]).encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(base64.urlsafe_b64encode(mac).rstrip(b"=").decode(), parts[2]):
            return None, "invalid token signature"
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= time.time():
        return None, "token expired"
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        return None, "token has no sub"
    return claims["sub"], ""


# The platform dialect: what stays beside "type", what is renamed on the wire.
PLATFORM_TOP = ("type", "run_id", "thread_id", "user_id", "agent_name", "seq", "timestamp", "tool_name", "results")
PLATFORM_EVENT_NAMES = {"final_response": "result"}
PLATFORM_CLIENT_NAMES = {"content": "text"}
PLATFORM_TOKEN_PREFIXES = {"jwt.": "jwt-auth", "jwt-auth.": "jwt-auth", "bearer.": "bearer"}


def to_platform(frame):
    out, data = {}, {}
    for key, value in frame.items():
        if key == "timestamp" and isinstance(value, int):
            value = datetime.datetime.fromtimestamp(value / 1000, datetime.timezone.utc).isoformat()
        (out if key in PLATFORM_TOP else data)[PLATFORM_EVENT_NAMES.get(key, key)] = value
    out["data"] = data
    return out


def from_platform(message):
    payload = message.get("payload")
    if not isinstance(payload, dict):
        return message  # the router reads the flat object when there is no payload
    out = {k: v for k, v in message.items() if k != "payload"}
    for key, value in payload.items():
        out[PLATFORM_CLIENT_NAMES.get(key, key)] = value
    return out


def platform_token(ws):
    """(token, subprotocol to answer) from the Sec-WebSocket-Protocol entries."""
    offered = [p.strip() for p in ws.headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
    for entry in offered:
        for prefix, answer in PLATFORM_TOKEN_PREFIXES.items():
            if entry.startswith(prefix) and len(entry) > len(prefix):
                token = entry[len(prefix):]
                try:
                    decoded = b64url_decode(token).decode()
                    token = decoded if decoded.count(".") == 2 else token
                except (ValueError, UnicodeDecodeError):
                    pass
                return token, (answer if answer in offered else None)
    return "", None


class Run:
    def __init__(self, run_id, user, thread_id):
        self.run_id, self.user, self.thread_id = run_id, user, thread_id
        self.events = []
        self.done = False
        self.task = None


class Backend:
    def __init__(self, secret, variant, dialect="bridgesim", event_gap_s=0.005):
        self.secret, self.variant, self.dialect = secret, variant, dialect
        self.event_gap_s = event_gap_s  # between a run's events (a run then spans a timed fault)
        self.sockets = {}  # user -> [WebSocket]
        self.runs = {}  # run_id -> Run
        self.by_msg_id = {}  # (user, client_msg_id) or client_msg_id -> run_id
        self.next_conn = 1
        self.closed = set()  # sockets that went away (send_after_close keeps them listed)

    def stamp(self):
        now = time.time()
        if self.variant == "iso_timestamps":
            return datetime.datetime.fromtimestamp(now, datetime.timezone.utc).isoformat()
        if self.variant == "seconds_timestamps":
            return now
        return int(now * 1000)

    async def send(self, ws, frame):
        if self.dialect == "platform":
            frame = to_platform(frame)
        if self.variant == "send_after_close":
            if ws in self.closed:  # what uvicorn does on a closed connection: raise, and the run's loop dies
                raise RuntimeError("send after close")
            await ws.send_text(json.dumps(frame))
            return
        if ws.client_state != WebSocketState.CONNECTED:
            return
        try:
            await ws.send_text(json.dumps(frame))
        except Exception:  # noqa: BLE001 -- a socket closing under us (websockets' ConnectionClosed too) ends
            pass  # only that socket; the run goes on for the user's other sockets and for a resume

    def targets(self, run, origin):
        if self.variant == "cross_user_fanout":
            return [ws for socks in self.sockets.values() for ws in socks]
        if self.variant == "first_tab_only":
            return [origin]
        return list(self.sockets.get(run.user, []))

    async def publish(self, run, origin, frame):
        frame.update({"run_id": run.run_id, "thread_id": run.thread_id, "user_id": run.user,
                      "agent_name": "assistant", "seq": len(run.events) + 1, "timestamp": self.stamp()})
        run.events.append(frame)
        copies = 2 if self.variant == "duplicate_events" else 1
        for ws in self.targets(run, origin):
            for _ in range(copies):
                await self.send(ws, frame)

    def script(self, text):
        tools = 2 if self.variant == "two_tools_rethink" else 1
        events = [{"type": "agent_started"}, {"type": "agent_thinking", "reasoning": "reading: " + text}]
        for i in range(tools):
            if i > 0:
                events += [{"type": "agent_thinking", "reasoning": "again"}] * 2
            name = "search" if i == 0 else "lookup"
            executing = {"type": "tool_executing", "parameters": {"q": text}}
            if self.variant != "no_tool_name":
                executing["tool_name"] = name
            events.append(executing)
            if self.variant != "drop_tool_completed":
                events.append({"type": "tool_completed", "tool_name": name, "results": ["r"], "duration": 0.004})
        events.append({"type": "agent_completed", "status": "success", "final_response": "answer to " + text})
        return events

    async def run_agent(self, run, origin, text):
        gap = 0.3 if self.variant == "slow_events" else self.event_gap_s
        for frame in self.script(text):
            if run.done:
                return
            await asyncio.sleep(gap)
            if run.done:
                return
            await self.publish(run, origin, frame)
        run.done = True


backend = None


async def health(request):
    return JSONResponse({"status": "healthy", "server": "thirdparty-starlette", "variant": backend.variant})


def bearer(ws):
    auth = ws.headers.get("authorization", "")
    return auth[7:] if auth.lower().startswith("bearer ") else ""


async def refuse(ws):
    if backend.variant == "refuse_1008":
        await ws.accept()
        await ws.close(code=1008)
    else:
        await ws.close(code=1008)  # before accept: uvicorn answers the upgrade 403


async def handle(ws, user, frame):
    kind = frame.get("type")
    if kind == "ping":
        return await backend.send(ws, {"type": "pong"})
    if kind == "disconnect":
        if backend.variant != "ignore_disconnect":
            await ws.close(code=1000)
            raise WebSocketDisconnect(1000)
        return None
    if kind == "user_message":
        return await on_user_message(ws, user, frame)
    if kind in ("resume", "cancel"):
        return await on_run_request(ws, user, kind, frame)
    return await backend.send(ws, {"type": "error", "code": "unknown_type", "message": "unknown type"})


async def on_user_message(ws, user, frame):
    fields = [frame.get(k) for k in ("thread_id", "text", "client_msg_id")]
    if not all(isinstance(f, str) and f for f in fields):
        return await backend.send(ws, {"type": "error", "code": "bad_request", "message": "thread_id, text, client_msg_id"})
    thread_id, text, msg_id = fields
    key = msg_id if backend.variant == "ids_global" else (user, msg_id)
    if key in backend.by_msg_id:
        run = backend.runs[backend.by_msg_id[key]]
        for event in list(run.events):
            await backend.send(ws, event)
        return None
    run = Run("run-" + os.urandom(8).hex(), user, thread_id)
    backend.runs[run.run_id] = run
    backend.by_msg_id[key] = run.run_id
    run.task = asyncio.ensure_future(backend.run_agent(run, ws, text))
    return None


async def on_run_request(ws, user, kind, frame):
    run = backend.runs.get(frame.get("run_id"))
    foreign_ok = backend.variant == ("resume_foreign" if kind == "resume" else "cancel_foreign")
    if run is None or (run.user != user and not foreign_ok):
        return await backend.send(ws, {"type": "error", "code": "unknown_run", "message": "unknown run"})
    if kind == "resume":
        if backend.variant == "no_resume":
            return None
        after = frame.get("after_seq", 0)
        for event in list(run.events):
            if isinstance(after, int) and event["seq"] > after:
                await backend.send(ws, event)
        return None
    if run.done:
        return await backend.send(ws, {"type": "error", "code": "run_finished", "message": "run finished"})
    run.done = True
    await backend.publish(run, ws, {"type": "agent_error", "reason": "cancelled by the user"})
    return None


async def chat(ws: WebSocket):
    token, subprotocol = bearer(ws), None
    if not token and backend.dialect == "platform":
        token, subprotocol = platform_token(ws)
    user, why = verify_hs256(token, backend.secret, backend.variant != "trust_any_token")
    if user is None:
        return await refuse(ws)
    await ws.accept(subprotocol=subprotocol)
    conn = backend.next_conn
    backend.next_conn += 1
    backend.sockets.setdefault(user, []).append(ws)
    try:
        await backend.send(ws, {"type": "connection_established", "connection_id": conn, "user_id": user,
                                "session_id": "s-%d" % conn})
        while True:
            text = await ws.receive_text()
            try:
                frame = json.loads(text)
            except ValueError:
                await backend.send(ws, {"type": "error", "code": "invalid_json", "message": "not JSON"})
                continue
            if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
                await backend.send(ws, {"type": "error", "code": "invalid_message", "message": "no type"})
                continue
            if backend.dialect == "platform":
                frame = from_platform(frame)
            await handle(ws, user, frame)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        backend.closed.add(ws)
        if backend.variant != "send_after_close":
            backend.sockets[user].remove(ws)


def main():
    global backend
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret", required=True)
    parser.add_argument("--variant", default="correct", choices=sorted(VARIANTS))
    parser.add_argument("--dialect", default="bridgesim", choices=("bridgesim", "platform"))
    parser.add_argument("--event-gap-ms", type=int, default=5, help="between a run's events")
    args = parser.parse_args()
    backend = Backend(args.secret, args.variant, args.dialect, args.event_gap_ms / 1000.0)
    app = Starlette(routes=[Route("/health", health), WebSocketRoute("/ws", chat)])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)  # connections wait in the backlog until uvicorn serves
    print("listening %d" % sock.getsockname()[1], flush=True)
    config = uvicorn.Config(app, log_level="warning", ws="websockets", lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    sys.exit(main())
