#include "system/net/chat_page.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "system/auth.hpp"

namespace bridgesim::net {

namespace {

constexpr std::size_t kUserNameMax = 64;

// A user name a dev token may carry: 1..64 of [A-Za-z0-9._-].
bool is_plain_user_name(std::string_view name) {
  if (name.empty() || name.size() > kUserNameMax) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

// The value of `key` in a query string ("a=1&user=x"); nullopt when absent.
std::optional<std::string_view> query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return std::nullopt;
}

system::HttpResponse json(int status, const boost::json::object& body) {
  return {status, "application/json", boost::json::serialize(body)};
}

system::HttpResponse dev_token(std::string_view query, const ChatPageOptions& options, const runtime::Clock& clock) {
  if (options.dev_secret.empty()) return json(404, {{"error", "not found"}});
  const auto user = query_value(query, "user");
  if (!user || !is_plain_user_name(*user)) {
    return json(422, {{"error", "validation_error"},
                      {"fields", boost::json::object{{"user", "1 to 64 of the characters A-Z a-z 0-9 . _ -"}}}});
  }
  const std::int64_t exp = clock.now_ns() / runtime::kNanosPerSecond + options.dev_token_ttl_s;
  return json(200, {{"user", *user}, {"token", system::mint_hs256(options.dev_secret, *user, exp)}, {"exp", exp}});
}

}  // namespace

std::optional<system::HttpResponse> chat_page_route(const system::HttpRequest& request, const ChatPageOptions& options,
                                                    const runtime::Clock& clock) {
  const auto question = request.target.find('?');
  const std::string_view path = request.target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : request.target.substr(question + 1);
  if (path != "/" && path != "/index.html" && path != "/dev-token") return std::nullopt;
  if (request.method != "GET") return json(405, {{"error", "method not allowed"}});
  if (path == "/dev-token") return dev_token(query, options, clock);
  return system::HttpResponse{200, "text/html; charset=utf-8", std::string(chat_page_html())};
}

std::string_view chat_page_html() {
  static constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bridgesim chat</title>
<style>
  :root { --fg: #1d2330; --muted: #6b7385; --line: #dfe3ea; --accent: #2f6feb; --ok: #1a7f37; --bad: #c0392b; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #f6f7f9; }
  main { max-width: 760px; margin: 24px auto; padding: 0 16px; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  .sub { color: var(--muted); margin: 0 0 16px; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin-bottom: 14px; }
  label { display: block; font-weight: 600; font-size: 13px; margin-bottom: 4px; }
  .row { display: flex; gap: 8px; align-items: center; }
  input, textarea { font: inherit; padding: 7px 9px; border: 1px solid var(--line); border-radius: 6px; width: 100%; }
  textarea { font: 12px/1.3 ui-monospace, monospace; height: 54px; resize: vertical; }
  button { font: inherit; padding: 7px 14px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; white-space: nowrap; }
  button.secondary { background: #fff; color: var(--accent); }
  button:disabled { opacity: .5; cursor: default; }
  #status { font-size: 13px; color: var(--muted); margin-top: 8px; }
  #status.ok { color: var(--ok); } #status.bad { color: var(--bad); }
  ol#events { list-style: none; margin: 0; padding: 0; }
  ol#events li { display: grid; grid-template-columns: 44px 190px 1fr; gap: 8px; padding: 6px 4px; border-bottom: 1px solid var(--line); font-size: 14px; }
  ol#events li:last-child { border-bottom: 0; }
  .seq { color: var(--muted); font-variant-numeric: tabular-nums; }
  .type { font-weight: 600; font-family: ui-monospace, monospace; font-size: 13px; }
  .lifecycle .type { color: var(--accent); }
  .agent_completed .type { color: var(--ok); }
  .error .type, .agent_error .type { color: var(--bad); }
  .detail { overflow-wrap: anywhere; }
  #empty { color: var(--muted); font-size: 14px; }
</style>
</head>
<body>
<main>
  <h1>bridgesim chat</h1>
  <p class="sub">Opens <code>/ws</code> with the token in the <code>jwt-auth</code> subprotocol, sends a message, lists the events.</p>

  <section>
    <label for="user">User</label>
    <div class="row">
      <input id="user" value="alice" autocomplete="off">
      <button id="dev-token" class="secondary" type="button">dev token</button>
    </div>
    <label for="token" style="margin-top:10px">Token (paste one, or get a dev token)</label>
    <textarea id="token" spellcheck="false" placeholder="eyJhbGciOiJIUzI1NiIs..."></textarea>
    <div class="row" style="margin-top:8px">
      <button id="connect" type="button">connect</button>
      <button id="disconnect" class="secondary" type="button" disabled>disconnect</button>
    </div>
    <div id="status" role="status">not connected</div>
  </section>

  <section>
    <label for="message">Message</label>
    <form id="send-form" class="row">
      <input id="message" value="What is the weather in Paris?" autocomplete="off">
      <button id="send" type="submit" disabled>send</button>
    </form>
  </section>

  <section>
    <label>Events</label>
    <div id="empty">none yet</div>
    <ol id="events"></ol>
  </section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const LIFECYCLE = ["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"];
let socket = null;
let sent = 0;

function setStatus(text, kind) {
  const s = $("status");
  s.textContent = text;
  s.className = kind || "";
}

function base64url(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function detailOf(e) {
  switch (e.type) {
    case "connection_established": return "connection " + e.connection_id + " as " + e.user_id;
    case "agent_started": return (e.agent_name || "") + " run " + (e.run_id || "");
    case "agent_thinking": return e.reasoning || "";
    case "tool_executing": return (e.tool_name || "") + " " + JSON.stringify(e.parameters || {});
    case "tool_completed": return (e.tool_name || "") + " (" + (Number(e.duration) * 1000).toFixed(1) + " ms) " + JSON.stringify(e.results || {});
    case "agent_completed": return (e.status || "") + ": " + (e.final_response || "");
    case "agent_error": return e.reason || "";
    case "error": return (e.code || "") + ": " + (e.message || "");
    default: return "";
  }
}

function show(e) {
  $("empty").style.display = "none";
  const li = document.createElement("li");
  li.className = "event " + e.type + (LIFECYCLE.includes(e.type) ? " lifecycle" : "");
  li.dataset.type = e.type;
  if (e.seq !== undefined) li.dataset.seq = String(e.seq);
  const cells = [e.seq !== undefined ? "#" + e.seq : "", e.type, detailOf(e)];
  ["seq", "type", "detail"].forEach((cls, i) => {
    const span = document.createElement("span");
    span.className = cls;
    span.textContent = cells[i];
    li.appendChild(span);
  });
  $("events").appendChild(li);
}

async function getDevToken() {
  const user = $("user").value.trim();
  try {
    const response = await fetch("/dev-token?user=" + encodeURIComponent(user));
    const body = await response.json();
    if (!response.ok) {
      const why = response.status === 404 ? "dev tokens are off (the server has its own secret): paste a token"
                                          : JSON.stringify(body.fields || body);
      return setStatus("dev token refused (" + response.status + "): " + why, "bad");
    }
    $("token").value = body.token;
    setStatus("dev token for " + body.user + " ready", "");
  } catch (err) {
    setStatus("dev token failed: " + err, "bad");
  }
}

function connect() {
  const token = $("token").value.trim();
  if (!token) return setStatus("no token: paste one or click \"dev token\"", "bad");
  if (socket) socket.close(1000, "reconnect");
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
  const ws = new WebSocket(url, ["jwt-auth", "jwt." + base64url(token)]);
  socket = ws;
  setStatus("connecting...", "");
  ws.onopen = () => {
    $("send").disabled = false;
    $("disconnect").disabled = false;
  };
  ws.onmessage = (m) => {
    let e;
    try { e = JSON.parse(m.data); } catch (err) { e = { type: "unparsed", text: String(m.data) }; }
    if (e.type === "connection_established") setStatus("connected as " + e.user_id, "ok");
    show(e);
  };
  ws.onclose = (c) => {
    if (socket !== ws) return;
    socket = null;
    $("send").disabled = true;
    $("disconnect").disabled = true;
    // A refused upgrade (401, 503) reaches a page only as 1006.
    setStatus("closed " + c.code + (c.reason ? " " + c.reason : "") +
              (c.code === 1006 ? " (refused or dropped: is the token valid?)" : ""), c.code === 1000 ? "" : "bad");
  };
}

function send(event) {
  event.preventDefault();
  const text = $("message").value.trim();
  if (!socket || socket.readyState !== WebSocket.OPEN || !text) return;
  sent += 1;
  socket.send(JSON.stringify({ type: "user_message", thread_id: "web-thread", text: text,
                               client_msg_id: "web-" + Date.now() + "-" + sent }));
}

$("dev-token").addEventListener("click", getDevToken);
$("connect").addEventListener("click", connect);
$("disconnect").addEventListener("click", () => { if (socket) socket.close(1000, "bye"); });
$("send-form").addEventListener("submit", send);
</script>
</body>
</html>
)html";
  return kPage;
}

}  // namespace bridgesim::net
