#include "system/net/client.hpp"

#include <deque>
#include <functional>
#include <utility>

#include "system/net/beast_common.hpp"
#include "system/net/tls_context.hpp"

namespace bridgesim::net {

namespace {

constexpr std::string_view kUserAgent = "bridgesim-client";
// After a deadline the socket is cut; its operations then complete at once.
constexpr std::chrono::milliseconds kDrainAfterCut{1'000};
// Beast's own timers fire at the deadline; ours is a backstop just after.
constexpr std::chrono::milliseconds kBackstop{1'000};

// One asynchronous operation's result, shared with its handler so a handler
// that completes after a deadline never writes to a dead stack frame.
struct Outcome {
  bool done = false;
  error_code ec;
};

std::string describe(const std::string& host, std::uint16_t port) { return host + ":" + std::to_string(port); }

// Runs `io` until `done()` or the deadline; false on the deadline.
bool run_until(asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (io.stopped()) io.restart();
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (io.run_one_for(deadline - now) == 0 && io.stopped()) {
      io.restart();
      return done();  // no work left: nothing more can happen
    }
  }
  return true;
}

tcp::resolver::results_type resolve(asio::io_context& io, const std::string& host, std::uint16_t port) {
  tcp::resolver resolver(io);
  error_code ec;
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) throw ClientError("cannot resolve " + describe(host, port) + ": " + ec.message());
  return endpoints;
}

}  // namespace

UpgradeRefused::UpgradeRefused(int http_status, std::string body)
    : ClientError("websocket upgrade refused: HTTP " + std::to_string(http_status) + (body.empty() ? "" : ": " + body)),
      http_status_(http_status),
      body_(std::move(body)) {}

struct WsClient::Impl {
  // Waits for `outcome`; at the deadline cuts the socket and throws.
  void await(const std::shared_ptr<Outcome>& outcome, std::chrono::milliseconds timeout, const std::string& what) {
    const auto done = [&outcome] { return outcome->done; };
    if (run_until(io, done, timeout)) return;
    cut();
    run_until(io, done, kDrainAfterCut);
    throw ClientError(what + ": timed out after " + std::to_string(timeout.count()) + " ms");
  }

  void cut() {
    beast::get_lowest_layer(ws).close();
    open = false;
  }

  void start_read() {
    reading = true;
    ws.async_read(read_buffer, [this](error_code ec, std::size_t) { on_read(ec); });
  }

  void on_read(error_code ec) {
    reading = false;
    if (!ec) {
      inbox.push_back(beast::buffers_to_string(read_buffer.data()));
      read_buffer.consume(read_buffer.size());
      return;
    }
    open = false;
    if (closed) return;
    // A close frame that arrived counts even when echoing it failed (the
    // server may drop the socket right after its close frame).
    const auto& peer = ws.reason();
    if (ec == websocket::error::closed || peer.code != websocket::close_code::none) {
      closed = CloseInfo{status_of(peer), reason_of(peer)};
    } else {
      closed = CloseInfo{1006, ec.message()};
    }
  }

  asio::io_context io{1};
  websocket::stream<beast::tcp_stream> ws{io};
  websocket::response_type handshake_response;
  beast::flat_buffer read_buffer;
  std::deque<std::string> inbox;
  std::string subprotocol;
  std::optional<CloseInfo> closed;
  bool connected = false;
  bool open = false;
  bool reading = false;
  bool closing = false;
};

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}

WsClient::~WsClient() {
  try {
    close(1000, {}, std::chrono::milliseconds(1'000));
  } catch (...) {
    // Best effort: a destructor must not throw.
  }
}

void WsClient::connect(const std::string& host, std::uint16_t port, const ClientHandshake& handshake,
                       Duration timeout) {
  Impl& c = *impl_;
  if (c.connected) throw ClientError("WsClient::connect: already connected");
  c.connected = true;
  const std::string where = describe(host, port);
  const auto endpoints = resolve(c.io, host, port);

  auto& stream = beast::get_lowest_layer(c.ws);
  stream.expires_after(timeout);
  auto connected = std::make_shared<Outcome>();
  stream.async_connect(endpoints, [connected](error_code ec, const tcp::endpoint&) {
    connected->ec = ec;
    connected->done = true;
  });
  c.await(connected, timeout + kBackstop, "connect to " + where);
  if (connected->ec) throw ClientError("cannot connect to " + where + ": " + connected->ec.message());
  stream.expires_never();

  auto options = websocket::stream_base::timeout::suggested(beast::role_type::client);
  options.handshake_timeout = timeout;
  c.ws.set_option(options);
  c.ws.set_option(websocket::stream_base::decorator([handshake](websocket::request_type& request) {
    request.set(http::field::user_agent, kUserAgent);
    if (!handshake.bearer_token.empty()) request.set(http::field::authorization, "Bearer " + handshake.bearer_token);
    if (!handshake.subprotocols.empty()) {
      std::string joined;
      for (const auto& p : handshake.subprotocols) joined += (joined.empty() ? "" : ", ") + p;
      request.set(http::field::sec_websocket_protocol, joined);
    }
  }));
  auto upgraded = std::make_shared<Outcome>();
  c.ws.async_handshake(c.handshake_response, where, handshake.target, [upgraded](error_code ec) {
    upgraded->ec = ec;
    upgraded->done = true;
  });
  c.await(upgraded, timeout + kBackstop, "websocket handshake with " + where + handshake.target);
  if (upgraded->ec == websocket::error::upgrade_declined) {
    c.cut();
    throw UpgradeRefused(c.handshake_response.result_int(), c.handshake_response.body());
  }
  if (upgraded->ec) {
    c.cut();
    throw ClientError("websocket handshake with " + where + handshake.target + " failed: " + upgraded->ec.message());
  }
  c.subprotocol = std::string(c.handshake_response[http::field::sec_websocket_protocol]);
  c.open = true;
}

const std::string& WsClient::subprotocol() const { return impl_->subprotocol; }

void WsClient::send_text(std::string_view text, Duration timeout) {
  Impl& c = *impl_;
  if (!c.open || c.closing) {
    throw ClientError("send_text: the connection is closed" +
                      (c.closed ? " (" + std::to_string(c.closed->code) + " " + c.closed->reason + ")" : ""));
  }
  auto frame = std::make_shared<std::string>(text);
  auto written = std::make_shared<Outcome>();
  c.ws.text(true);
  c.ws.async_write(asio::buffer(*frame), [frame, written](error_code ec, std::size_t) {
    written->ec = ec;
    written->done = true;
  });
  c.await(written, timeout, "send_text");
  if (written->ec) throw ClientError("send_text failed: " + written->ec.message());
}

std::optional<std::string> WsClient::read_text(Duration timeout) {
  Impl& c = *impl_;
  if (c.inbox.empty() && c.open) {
    if (!c.reading) c.start_read();
    run_until(
        c.io, [&c] { return !c.inbox.empty() || !c.open; }, timeout);
  }
  if (c.inbox.empty()) return std::nullopt;
  std::string text = std::move(c.inbox.front());
  c.inbox.pop_front();
  return text;
}

void WsClient::close(std::uint16_t code, std::string_view reason, Duration timeout) {
  Impl& c = *impl_;
  if (!c.open || c.closing) return;
  c.closing = true;
  if (!c.closed) c.closed = CloseInfo{code, std::string(reason)};
  auto closed = std::make_shared<Outcome>();
  c.ws.async_close(make_close_reason(code, reason), [closed](error_code ec) {
    closed->ec = ec;
    closed->done = true;
  });
  // The close handshake completes both our close and any pending read.
  const auto done = [&c, &closed] { return closed->done && !c.reading; };
  if (!run_until(c.io, done, timeout)) {
    c.cut();
    run_until(c.io, done, kDrainAfterCut);
  }
  c.open = false;
}

bool WsClient::is_open() const { return impl_->open && !impl_->closing; }

const std::optional<CloseInfo>& WsClient::close_info() const { return impl_->closed; }

namespace {

// The request and the response on a connected stream (plain or TLS).
template <class Stream>
HttpResult exchange(Stream& stream, asio::io_context& io, const std::string& where, const std::string& target) {
  error_code ec;
  const auto run = [&io] {
    io.restart();
    io.run();
  };
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, where);
  request.set(http::field::user_agent, kUserAgent);
  request.keep_alive(false);
  http::async_write(stream, request, [&ec](error_code e, std::size_t) { ec = e; });
  run();
  if (ec) throw ClientError("GET " + where + target + ": sending the request failed: " + ec.message());

  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::async_read(stream, buffer, response, [&ec](error_code e, std::size_t) { ec = e; });
  run();
  if (ec) throw ClientError("GET " + where + target + ": reading the response failed: " + ec.message());
  return HttpResult{static_cast<int>(response.result_int()), std::string(response[http::field::content_type]),
                    std::move(response.body())};
}

}  // namespace

HttpResult http_get(const std::string& host, std::uint16_t port, const std::string& target,
                    std::chrono::milliseconds timeout, const TlsClientOptions& tls) {
  asio::io_context io{1};
  const std::string where = describe(host, port);
  const auto endpoints = resolve(io, host, port);
  error_code ec;
  const auto run = [&io] {
    io.restart();
    io.run();
  };
  if (!tls.enabled) {
    beast::tcp_stream stream(io);
    // One deadline for the whole exchange; Beast cuts the socket when it passes.
    stream.expires_after(timeout);
    stream.async_connect(endpoints, [&ec](error_code e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) throw ClientError("GET " + where + target + ": cannot connect: " + ec.message());
    HttpResult result = exchange(stream, io, where, target);
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return result;
  }
  const auto context = make_client_tls_context(tls);
  beast::ssl_stream<beast::tcp_stream> stream(io, *context);
  beast::get_lowest_layer(stream).expires_after(timeout);
  beast::get_lowest_layer(stream).async_connect(endpoints, [&ec](error_code e, const tcp::endpoint&) { ec = e; });
  run();
  if (ec) throw ClientError("GET " + where + target + ": cannot connect: " + ec.message());
  const auto why = std::make_shared<std::string>();
  prepare_tls(stream, host, tls.insecure, why);
  stream.async_handshake(ssl::stream_base::client, [&ec](error_code e) { ec = e; });
  run();
  if (ec) throw ClientError("GET https://" + where + target + ": " + tls_failure(where, ec, *why));
  HttpResult result = exchange(stream, io, where, target);
  error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
  return result;
}

}  // namespace bridgesim::net
