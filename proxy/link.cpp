// One proxied connection: the HTTP upgrade both ways, then WebSocket frames
// (or bytes, when the server did not answer 101), each through the toxics.
#include <algorithm>

#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "proxy/core.hpp"
#include "system/auth.hpp"
#include "system/net/tls_context.hpp"

namespace bridgesim::proxy::detail {
namespace {

namespace http = boost::beast::http;

constexpr std::size_t kHeadBytesMax = 64 * 1024;
constexpr std::int64_t kLingerMs = 2'000;

// The `sub` claim of the token the upgrade carried, read without verifying
// (targeting, not admission); "" when there is none to read. Boost.JSON
// reads the claims (a hand-rolled scan once took "sub" inside another
// claim's string for the subject).
std::string user_of_token(const std::string& token) {
  const auto first = token.find('.'), second = token.rfind('.');
  if (first == std::string::npos || second == first) return {};
  const auto claims = system::base64url_decode(std::string_view(token).substr(first + 1, second - first - 1));
  if (!claims) return {};
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(*claims, ec);
  if (ec || !parsed.is_object()) return {};
  const auto* sub = parsed.as_object().if_contains("sub");
  if (sub == nullptr || !sub->is_string()) return {};
  std::string out(sub->as_string());
  return system::is_valid_subject(out) ? out : std::string();
}

// The token the upgrade carried: `Authorization: Bearer`, else the first
// offered subprotocol starting with one of the profile's token prefixes
// (bridgesim: `jwt.`; the platform: `jwt.`, `jwt-auth.`, `bearer.`), the
// token raw or base64url-encoded after it.
std::string token_of(const std::string& authorization, const std::vector<std::string>& offered,
                     const std::vector<std::string>& prefixes) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() > kBearer.size() && authorization.rfind(kBearer, 0) == 0) {
    return authorization.substr(kBearer.size());
  }
  for (const auto& entry : offered) {
    for (const auto& prefix : prefixes) {
      if (entry.size() <= prefix.size() || entry.rfind(prefix, 0) != 0) continue;
      const std::string rest = entry.substr(prefix.size());
      if (std::count(rest.begin(), rest.end(), '.') == 2) return rest;  // a raw JWT
      if (auto decoded = system::base64url_decode(rest)) return *decoded;
    }
  }
  return {};
}

std::vector<std::string> split_protocols(std::string_view value) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= value.size()) {
    auto end = value.find(',', at);
    if (end == std::string_view::npos) end = value.size();
    auto item = value.substr(at, end - at);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    at = end + 1;
  }
  return out;
}

std::string_view op_name(const WsFrame& f) {
  switch (f.opcode) {
    case opcode::kText: return "text";
    case opcode::kBinary: return "binary";
    case opcode::kContinuation: return "continuation";
    case opcode::kClose: return "close";
    case opcode::kPing: return "ping";
    default: return "pong";
  }
}

}  // namespace

Link::Link(ProxyCore& core, std::uint64_t id, tcp::socket client)
    : core_(core),
      id_(id),
      client_(std::move(client)),
      server_(core.io(), core.upstream_tls()),
      up_(core.io(), Stream::kUpstream, client_, server_),
      down_(core.io(), Stream::kDownstream, server_, client_),
      timeout_(core.io()) {}

void Link::start() {
  error_code ec;
  const auto peer = client_.socket().remote_endpoint(ec);
  core_.trace().record(proxy_record::kLinkOpen,
                       {{"conn", std::to_string(id_)},
                        {"peer", ec ? std::string("?") : peer.address().to_string() + ":" + std::to_string(peer.port())}});
  server_.socket().async_connect(core_.upstream(), [self = shared_from_this()](const error_code& e) { self->connected(e); });
}

void Link::connected(const error_code& ec) {
  if (closed_) return;
  if (ec) return upstream_failed(ec.message());
  error_code ignored;
  server_.socket().set_option(tcp::no_delay(true), ignored);
  client_.socket().set_option(tcp::no_delay(true), ignored);
  auto* tls = server_.tls();
  if (tls == nullptr) return forward();
  const auto& options = core_.options();
  auto why = std::make_shared<std::string>();
  net::prepare_tls(*tls, options.upstream_host, options.upstream_tls.insecure, why);
  tls->async_handshake(ssl::stream_base::client, [self = shared_from_this(), why](const error_code& e) {
    if (self->closed_) return;
    if (!e) return self->forward();
    const auto& o = self->core_.options();
    self->upstream_failed(net::tls_failure(o.upstream_host + ":" + std::to_string(o.upstream_port), e, *why));
  });
}

// The client learns it with a 502 (its body says why), the trace with the error.
void Link::upstream_failed(const std::string& why) {
  core_.trace().record(proxy_record::kUpstreamFailed, {{"conn", std::to_string(id_)}, {"error", why}});
  auto response = std::make_shared<std::string>("bridgesim proxy: no upstream: " + why + "\r\n");
  *response = "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: " +
              std::to_string(response->size()) + "\r\nConnection: close\r\n\r\n" + *response;
  asio::async_write(client_.socket(), asio::buffer(*response),
                    [self = shared_from_this(), response](const error_code&, std::size_t) {
                      self->close_all("upstream_failed");
                    });
}

void Link::forward() {
  read(up_);
  read(down_);
}

void Link::read(Direction& d) {
  if (d.reading || d.peer_eof || closed_ || (d.eof && !draining_)) return;
  std::size_t bound = core_.options().queued_bytes_max;
  if (core_.pacing(*this, d.stream, false).read_interval_ms > 0) bound = 1;  // slow_reader: stop behind one unit
  if (!draining_ && d.queued_bytes + d.in.size() >= bound && !(d.queue.empty() && d.in.empty())) return;
  d.reading = true;
  d.from.async_read_some(asio::buffer(d.buffer), [self = shared_from_this(), &d](const error_code& ec, std::size_t n) {
    self->on_read(d, ec, n);
  });
}

void Link::on_read(Direction& d, const error_code& ec, std::size_t n) {
  d.reading = false;
  if (closed_) return;
  // A TLS peer that ends without close_notify (stream_truncated) has ended all the same.
  if (ec == asio::error::eof || ec == ssl::error::stream_truncated) {
    d.peer_eof = true;
    if (!d.eof) {
      d.eof = true;
      process(d);
    }
    write(d);
    finish_if_done();
    return;
  }
  if (ec) {
    if (ec != asio::error::operation_aborted) {
      reset_all(d.stream == Stream::kUpstream ? "client_reset" : "server_reset");
    }
    return;
  }
  if (draining_) return read(d);  // discarded: read on to the peer's end, so closing sends no reset
  d.in.append(d.buffer.data(), n);
  process(d);
  read(d);
}

void Link::process(Direction& d) {
  try {
    while (!closed_ && next_unit(d)) {
    }
  } catch (const FrameError& e) {
    core_.trace().record(proxy_record::kLinkClosed, {{"conn", std::to_string(id_)}, {"how", "bad_frame"},
                                                     {"stream", std::string(stream_name(d.stream))},
                                                     {"error", e.what()}});
    close_all("");
  }
}

// Takes one unit off d.in; false when none is complete.
bool Link::next_unit(Direction& d) {
  switch (d.mode) {
    case Mode::kAwaitUpgrade: return false;
    case Mode::kRaw: {
      if (d.in.empty()) return false;
      enqueue(d, std::exchange(d.in, {}), nullptr, 0, "bytes");
      return false;
    }
    case Mode::kHead: {
      const auto end = http_head_end(d.in);
      if (!end) {
        if (d.in.size() > kHeadBytesMax) close_all("head_too_large");
        return false;
      }
      std::string head = d.in.substr(0, *end);
      d.in.erase(0, *end);
      d.mode = d.stream == Stream::kUpstream ? Mode::kAwaitUpgrade : Mode::kRaw;
      // The request head names the user first, so toxics aimed at them delay their upgrade too.
      if (d.stream == Stream::kUpstream) on_request_head(head);
      enqueue(d, head, nullptr, 0, "http");
      if (d.stream == Stream::kDownstream) on_response_head(head);
      return true;
    }
    case Mode::kFrames: {
      auto frame = parse_frame(d.in);
      if (!frame) return false;
      d.in.erase(0, frame->wire.size());
      const bool whole_data = frame->is_data() && frame->fin;
      const std::uint64_t ordinal = whole_data ? ++d.data_frames : 0;
      std::string wire = frame->wire;
      enqueue(d, std::move(wire), &*frame, ordinal, op_name(*frame));
      return true;
    }
  }
  return false;
}

void Link::on_request_head(std::string_view head) {
  http::request_parser<http::empty_body> parser;
  parser.eager(false);
  boost::beast::error_code ec;
  parser.put(asio::buffer(head.data(), head.size()), ec);
  if (ec) return;
  const auto& req = parser.get();
  target_ = std::string(req.target());
  user_ = user_of_token(token_of(std::string(req[http::field::authorization]),
                                 split_protocols(req[http::field::sec_websocket_protocol]),
                                 core_.options().token_prefixes));
}

void Link::on_response_head(std::string_view head) {
  int status = 0;
  if (head.size() >= 12 && head.substr(0, 5) == "HTTP/") status = std::atoi(std::string(head.substr(9, 3)).c_str());
  const Mode mode = status == 101 ? Mode::kFrames : Mode::kRaw;
  up_.mode = down_.mode = mode;
  core_.trace().record(proxy_record::kUpgrade, {{"conn", std::to_string(id_)},
                                                {"target", target_},
                                                {"user", user_},
                                                {"status", std::to_string(status)}});
  process(up_);  // what the client sent after its request
  write(up_);
}

void Link::enqueue(Direction& d, std::string bytes, const WsFrame* frame, std::uint64_t ordinal,
                   std::string_view op) {
  ++d.units;
  const Verdict v = core_.judge(*this, d.stream, frame, ordinal, op);
  if (v.discard || v.drop) return;
  const auto release = std::max(SteadyClock::now() + std::chrono::milliseconds(v.delay_ms), d.last_release);
  d.last_release = release;
  d.queued_bytes += bytes.size();
  d.queue.push_back(Unit{std::move(bytes), release});
  if (v.duplicate && frame != nullptr) {
    std::optional<std::array<std::uint8_t, 4>> mask;
    if (frame->masked) mask = core_.fresh_mask();  // toward the server: masked, with a key of its own
    std::string copy = encode_frame(frame->fin, frame->rsv, frame->opcode, frame->payload, mask);
    d.queued_bytes += copy.size();
    d.queue.push_back(Unit{std::move(copy), release});
  }
  write(d);
}

void Link::write(Direction& d) {
  if (closed_ || d.writing || d.waiting) return;
  if (d.queue.empty()) {
    if (d.eof && !d.shut) {
      d.shut = true;
      error_code ignored;
      // Under TLS too a FIN, without close_notify: the WebSocket close (or the
      // peer's end) has ended the conversation, and a TLS shutdown would
      // contend with the read still pending on the stream.
      d.to.socket().shutdown(tcp::socket::shutdown_send, ignored);
      finish_if_done();
    }
    return;
  }
  if (core_.held(*this, d.stream)) return;  // a partition: kick() resumes
  const auto due = std::max(d.queue.front().release, d.not_before);
  if (due > SteadyClock::now()) {
    d.waiting = true;
    d.timer.expires_at(due);
    d.timer.async_wait([self = shared_from_this(), &d](const error_code& ec) {
      d.waiting = false;
      if (!ec) self->write(d);
    });
    return;
  }
  const Pacing pacing = core_.pacing(*this, d.stream, true);
  Unit& unit = d.queue.front();
  const std::size_t n = pacing.slice_bytes == 0 ? unit.bytes.size() : std::min(pacing.slice_bytes, unit.bytes.size());
  d.writing = true;
  asio::async_write(d.to, asio::buffer(unit.bytes.data(), n),
                    [self = shared_from_this(), &d, pacing](const error_code& ec, std::size_t written) {
                      self->on_written(d, ec, written, pacing);
                    });
}

void Link::on_written(Direction& d, const error_code& ec, std::size_t n, const Pacing& pacing) {
  d.writing = false;
  if (closed_) return;
  if (ec) return reset_all(d.stream == Stream::kUpstream ? "server_write_failed" : "client_write_failed");
  Unit& unit = d.queue.front();
  unit.bytes.erase(0, n);
  d.queued_bytes -= n;
  const bool unit_done = unit.bytes.empty();
  if (unit_done) d.queue.pop_front();
  std::int64_t pause_us = 0;
  if (!unit_done) pause_us += pacing.slice_delay_us;
  if (pacing.rate_kb_s > 0) pause_us += static_cast<std::int64_t>(n) * 1'000'000 / (pacing.rate_kb_s * 1024);
  if (unit_done) pause_us += pacing.read_interval_ms * 1000;
  d.not_before = SteadyClock::now() + std::chrono::microseconds(pause_us);
  read(d);
  write(d);
}

void Link::kick() {
  if (closed_) return;
  read(up_);
  read(down_);
  write(up_);
  write(down_);
}

void Link::arm_timeout(std::int64_t ms) {
  if (timeout_armed_ || closed_) return;
  timeout_armed_ = true;
  timeout_.expires_after(std::chrono::milliseconds(ms));
  timeout_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) self->close_all("timeout");
  });
}

void Link::apply_once(const Toxic& toxic) {
  if (closed_) return;
  if (toxic.type == "reset_peer") {
    const auto ms = toxic.int_attr("timeout");
    if (ms == 0) return reset_all("reset_peer");
    timeout_.expires_after(std::chrono::milliseconds(ms));
    timeout_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->reset_all("reset_peer");
    });
    return;
  }
  // server_close: without a frame the TCP connections just end (the client sees 1006).
  if (toxic.string_attr("frame") != "true" || up_.mode != Mode::kFrames) return close_all("server_close");
  const auto code = static_cast<std::uint16_t>(toxic.int_attr("code"));
  draining_ = true;  // what arrives now is discarded: the close frames are the last frames either way
  down_.queue.push_back(
      Unit{encode_frame(true, 0, opcode::kClose, close_payload(code, "proxy: server_close"), std::nullopt), {}});
  up_.queue.push_back(Unit{encode_frame(true, 0, opcode::kClose, close_payload(1001, "proxy: client gone"),
                                        core_.fresh_mask()),
                           {}});
  up_.eof = down_.eof = true;
  write(up_);
  write(down_);
}

void Link::finish_if_done() {
  if (closed_ || !up_.shut || !down_.shut) return;
  if (up_.peer_eof && down_.peer_eof) return close_all("closed");
  // After a close on the server's behalf: wait (at most kLingerMs) for both
  // peers to end their side, so no unread byte turns the close into a reset.
  if (lingering_) return;
  lingering_ = true;
  timeout_.expires_after(std::chrono::milliseconds(kLingerMs));
  timeout_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) self->close_all("closed");
  });
}

void Link::record_closed(std::string_view how) {
  if (how.empty()) return;
  core_.trace().record(proxy_record::kLinkClosed, {{"conn", std::to_string(id_)},
                                                   {"how", std::string(how)},
                                                   {"up_units", std::to_string(up_.units)},
                                                   {"down_units", std::to_string(down_.units)}});
}

void Link::close_all(std::string_view how) {
  if (closed_) return;
  closed_ = true;
  record_closed(how);
  error_code ignored;
  for (auto* s : {&client_.socket(), &server_.socket()}) {
    // Unread bytes would make close() send a reset: a close is a FIN.
    std::array<char, 4096> sink{};
    while (s->is_open() && s->available(ignored) > 0 && !ignored) s->read_some(asio::buffer(sink), ignored);
    s->shutdown(tcp::socket::shutdown_both, ignored);
    s->close(ignored);
  }
  up_.timer.cancel();
  down_.timer.cancel();
  timeout_.cancel();
  core_.link_closed(id_);
}

void Link::reset_all(std::string_view how) {
  if (closed_) return;
  closed_ = true;
  record_closed(how);
  error_code ignored;
  for (auto* s : {&client_.socket(), &server_.socket()}) {
    s->set_option(asio::socket_base::linger(true, 0), ignored);  // close() now sends RST
    s->close(ignored);
  }
  up_.timer.cancel();
  down_.timer.cancel();
  timeout_.cancel();
  core_.link_closed(id_);
}

}  // namespace bridgesim::proxy::detail
