#include "system/net/async_client.hpp"

#include <chrono>
#include <deque>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "system/net/beast_common.hpp"
#include "system/net/tls_context.hpp"

namespace bridgesim::net {

namespace {

constexpr std::string_view kUserAgent = "bridgesim-probe";

std::string host_header(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string join_subprotocols(const std::vector<std::string>& subprotocols) {
  std::string joined;
  for (const auto& p : subprotocols) joined += (joined.empty() ? "" : ", ") + p;
  return joined;
}

}  // namespace

namespace detail {

// What every session offers its handle; Session<Ws> is one for a plain
// (ws://) or a TLS (wss://) stream.
class AsyncSession {
 public:
  virtual ~AsyncSession() = default;
  virtual runtime::ConnectionId id() const = 0;
  virtual bool is_open() const = 0;
  virtual void start() = 0;
  virtual void send_text(std::string text) = 0;
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
  virtual void abort() = 0;
  virtual void reset() = 0;
  virtual void set_read_interval(std::int64_t ms) = 0;
  virtual void detach() = 0;
};

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

// One connection: resolve, connect, (TLS,) upgrade, then a read loop and a
// write queue with one write (or the close frame) in flight at a time.
// Handlers own the session, so it lives until its last operation completed;
// the handle only detaches from it.
template <class Ws>
class Session final : public AsyncSession, public std::enable_shared_from_this<Session<Ws>> {
 public:
  static constexpr bool kTls = std::is_same_v<Ws, TlsWs>;

  template <class... StreamArgs>
  Session(asio::io_context& io, runtime::ConnectionId id, std::string host, std::uint16_t port,
          runtime::HandshakeRequest request, AsyncClientCallbacks callbacks, AsyncClientOptions options,
          std::shared_ptr<ssl::context> tls_context, StreamArgs&... stream_args)
      : id_(id),
        host_(std::move(host)),
        port_(port),
        where_(host_header(host_, port_)),
        request_(std::move(request)),
        callbacks_(std::move(callbacks)),
        options_(std::move(options)),
        tls_context_(std::move(tls_context)),
        resolver_(io),
        ws_(io, stream_args...),
        read_pause_(io) {}

  runtime::ConnectionId id() const override { return id_; }
  bool is_open() const override { return state_ == State::kOpen; }

  void start() override {
    resolver_.async_resolve(
        host_, std::to_string(port_),
        [self = this->shared_from_this()](error_code ec, const tcp::resolver::results_type& endpoints) {
          self->on_resolved(ec, endpoints);
        });
  }

  void send_text(std::string text) override {
    if (state_ != State::kOpen) return;
    outbox_.push_back(std::move(text));
    pump();
  }

  void close(std::uint16_t code, std::string_view reason) override {
    if (state_ != State::kOpen) return;
    state_ = State::kClosing;
    close_ = make_close_reason(code, reason);
    pump();
  }

  void abort() override {
    if (state_ == State::kEnded) return;
    state_ = State::kEnded;
    cut();
    // Later, never from inside the caller: the contract every transport keeps.
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
      auto callbacks = std::exchange(self->callbacks_, {});
      if (callbacks.on_closed) callbacks.on_closed(runtime::close_code::kAbnormal, "aborted");
    });
  }

  // Like abort(), but the TCP connection ends with a reset (RST: SO_LINGER
  // 0, then close) instead of a FIN.
  void reset() override {
    if (state_ == State::kEnded) return;
    error_code ignored;
    auto& socket = beast::get_lowest_layer(ws_).socket();
    if (socket.is_open()) socket.set_option(asio::socket_base::linger(true, 0), ignored);
    abort();
  }

  // From the next frame on, waits this long after each frame before reading
  // the next (0: read at once): the socket's buffers fill, TCP pushes back.
  void set_read_interval(std::int64_t ms) override { read_interval_ms_ = std::max<std::int64_t>(ms, 0); }

  // The owner went away: nothing may call it again.
  void detach() override {
    callbacks_ = {};
    if (state_ == State::kEnded) return;
    state_ = State::kEnded;
    cut();
  }

 private:
  enum class State { kConnecting, kOpen, kClosing, kEnded };

  void on_resolved(error_code ec, const tcp::resolver::results_type& endpoints) {
    if (state_ == State::kEnded) return;
    if (ec) return refuse(0, "cannot resolve " + where_ + ": " + ec.message());
    auto& stream = beast::get_lowest_layer(ws_);
    stream.expires_after(std::chrono::milliseconds(options_.connect_timeout_ms));
    stream.async_connect(
        endpoints, [self = this->shared_from_this()](error_code e, const tcp::endpoint&) { self->on_connected(e); });
  }

  void on_connected(error_code ec) {
    if (state_ == State::kEnded) return;
    if (ec) return refuse(0, "cannot connect to " + where_ + ": " + ec.message());
    if constexpr (kTls) {
      // The TLS handshake under the handshake limit too, so a silent peer cannot hold it.
      prepare_tls(ws_.next_layer(), host_, options_.tls.insecure, tls_refusal_);
      beast::get_lowest_layer(ws_).expires_after(std::chrono::milliseconds(options_.handshake_timeout_ms));
      ws_.next_layer().async_handshake(ssl::stream_base::client,
                                       [self = this->shared_from_this()](error_code e) { self->on_tls(e); });
    } else {
      upgrade();
    }
  }

  void on_tls(error_code ec) {
    if (state_ == State::kEnded) return;
    if (ec) return refuse(0, tls_failure(where_, ec, *tls_refusal_));
    upgrade();
  }

  void upgrade() {
    // From here the WebSocket's own timeouts apply (Beast wants the stream's off).
    beast::get_lowest_layer(ws_).expires_never();
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
    timeouts.handshake_timeout = std::chrono::milliseconds(options_.handshake_timeout_ms);
    ws_.set_option(timeouts);
    ws_.read_message_max(options_.read_message_max);
    ws_.set_option(websocket::stream_base::decorator(
        [authorization = request_.authorization,
         subprotocols = join_subprotocols(request_.subprotocols)](websocket::request_type& request) {
          request.set(http::field::user_agent, kUserAgent);
          if (!authorization.empty()) request.set(http::field::authorization, authorization);
          if (!subprotocols.empty()) request.set(http::field::sec_websocket_protocol, subprotocols);
        }));
    ws_.async_handshake(response_, where_, request_.target,
                        [self = this->shared_from_this()](error_code e) { self->on_handshake(e); });
  }

  void on_handshake(error_code ec) {
    if (state_ == State::kEnded) return;
    if (ec == websocket::error::upgrade_declined) {
      return refuse(static_cast<int>(response_.result_int()), std::move(response_.body()));
    }
    if (ec) return refuse(0, "websocket handshake with " + where_ + request_.target + " failed: " + ec.message());
    state_ = State::kOpen;
    read_next();
    const std::string subprotocol(response_[http::field::sec_websocket_protocol]);
    if (callbacks_.on_open) {
      auto on_open = callbacks_.on_open;  // the callback may detach us
      on_open(subprotocol);
    }
  }

  // The handshake ended without a connection: on_rejected, and nothing after.
  void refuse(int http_status, std::string body) {
    state_ = State::kEnded;
    cut();
    auto callbacks = std::exchange(callbacks_, {});
    if (callbacks.on_rejected) callbacks.on_rejected(http_status, std::move(body));
  }

  void read_next() {
    ws_.async_read(read_buffer_, [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    if (state_ == State::kEnded) return;
    if (ec) return end_after_read_error(ec);
    std::string text = beast::buffers_to_string(read_buffer_.data());
    read_buffer_.consume(read_buffer_.size());
    // While our close is on its way, frames are dropped (as in the simulated network).
    if (state_ == State::kOpen && callbacks_.on_text) {
      auto on_text = callbacks_.on_text;  // the callback may detach us
      on_text(std::move(text));
    }
    if (state_ == State::kEnded) return;
    if (read_interval_ms_ == 0) return read_next();
    read_pause_.expires_after(std::chrono::milliseconds(read_interval_ms_));
    read_pause_.async_wait([self = this->shared_from_this()](error_code e) {
      if (!e && self->state_ != State::kEnded) self->read_next();
    });
  }

  void end_after_read_error(error_code ec) {
    const auto& peer = ws_.reason();
    if (ec == websocket::error::closed && close_sent_) {
      return end(close_->code, reason_of(*close_));  // we closed; the peer answered
    }
    if (ec == websocket::error::closed || peer.code != websocket::close_code::none) {
      return end(status_of(peer), reason_of(peer));
    }
    end(runtime::close_code::kAbnormal, ec.message());
  }

  // One write, or the close frame after the last write, at a time.
  void pump() {
    if (writing_ || state_ == State::kEnded) return;
    if (!outbox_.empty()) {
      writing_ = true;
      ws_.text(true);
      ws_.async_write(asio::buffer(outbox_.front()),
                      [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_written(ec); });
      return;
    }
    if (close_ && !close_sent_) {
      writing_ = close_sent_ = true;
      ws_.async_close(*close_, [self = this->shared_from_this()](error_code ec) { self->on_close_sent(ec); });
    }
  }

  void on_written(error_code ec) {
    writing_ = false;
    outbox_.pop_front();
    if (state_ == State::kEnded) return;
    if (ec) return cut();  // the read loop sees the broken connection and reports it
    pump();
  }

  void on_close_sent(error_code ec) {
    writing_ = false;
    if (state_ == State::kEnded) return;
    // Normally the read loop ends on the peer's close frame and reports it.
    if (ec && ec != websocket::error::closed) cut();
  }

  // The connection is over: on_closed exactly once.
  void end(std::uint16_t code, std::string reason) {
    state_ = State::kEnded;
    cut();
    auto callbacks = std::exchange(callbacks_, {});
    if (callbacks.on_closed) callbacks.on_closed(code, std::move(reason));
  }

  void cut() {
    resolver_.cancel();
    read_pause_.cancel();
    beast::get_lowest_layer(ws_).close();
  }

  const runtime::ConnectionId id_;
  const std::string host_;
  const std::uint16_t port_;
  const std::string where_;  // host:port, also the Host header
  const runtime::HandshakeRequest request_;
  AsyncClientCallbacks callbacks_;
  const AsyncClientOptions options_;
  const std::shared_ptr<ssl::context> tls_context_;  // kept while the stream uses it
  const std::shared_ptr<std::string> tls_refusal_ = std::make_shared<std::string>();
  tcp::resolver resolver_;
  Ws ws_;
  websocket::response_type response_;
  beast::flat_buffer read_buffer_;
  std::deque<std::string> outbox_;  // front() is in flight while writing_
  std::optional<websocket::close_reason> close_;
  asio::steady_timer read_pause_;
  std::int64_t read_interval_ms_ = 0;
  State state_ = State::kConnecting;
  bool writing_ = false;
  bool close_sent_ = false;
};

}  // namespace detail

AsyncClientConnection::AsyncClientConnection(std::shared_ptr<detail::AsyncSession> session)
    : session_(std::move(session)) {}

AsyncClientConnection::~AsyncClientConnection() { session_->detach(); }

runtime::ConnectionId AsyncClientConnection::id() const { return session_->id(); }
bool AsyncClientConnection::is_open() const { return session_->is_open(); }
void AsyncClientConnection::send_text(std::string text) { session_->send_text(std::move(text)); }
void AsyncClientConnection::close(std::uint16_t code, std::string reason) { session_->close(code, reason); }
void AsyncClientConnection::abort() { session_->abort(); }
void AsyncClientConnection::reset() { session_->reset(); }
void AsyncClientConnection::set_read_interval(std::int64_t ms) { session_->set_read_interval(ms); }

AsyncClientTransport::AsyncClientTransport(boost::asio::io_context& io, std::string host, std::uint16_t port,
                                           AsyncClientOptions options)
    : io_(io),
      host_(std::move(host)),
      port_(port),
      options_(std::move(options)),
      tls_context_(options_.tls.enabled ? make_client_tls_context(options_.tls) : nullptr) {}

std::unique_ptr<AsyncClientConnection> AsyncClientTransport::connect(runtime::HandshakeRequest request,
                                                                     AsyncClientCallbacks callbacks) {
  std::shared_ptr<detail::AsyncSession> session;
  if (tls_context_) {
    session = std::make_shared<detail::Session<detail::TlsWs>>(
        io_, next_id_++, host_, port_, std::move(request), std::move(callbacks), options_, tls_context_, *tls_context_);
  } else {
    session = std::make_shared<detail::Session<detail::PlainWs>>(io_, next_id_++, host_, port_, std::move(request),
                                                                 std::move(callbacks), options_, nullptr);
  }
  session->start();
  return std::make_unique<AsyncClientConnection>(std::move(session));
}

}  // namespace bridgesim::net
