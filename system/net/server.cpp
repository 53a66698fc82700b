#include "system/net/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "system/app.hpp"
#include "system/net/beast_common.hpp"
#include "system/runtime/connection.hpp"
#include "system/runtime/log.hpp"

namespace bridgesim::net {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

namespace {

constexpr std::string_view kServerName = "bridgesim";
constexpr std::uint16_t kUnsupportedData = 1003;
// A request refused before its body was read (413): the rest of the body is
// read and discarded for up to this long / this much, so closing the socket
// does not reset the connection before the client has read the answer.
constexpr std::chrono::milliseconds kLingerTime{1'000};
constexpr std::size_t kLingerBytesMax = 1024 * 1024;

std::chrono::milliseconds ms(std::int64_t n) { return std::chrono::milliseconds(n); }

std::string_view view_of(beast::string_view s) { return {s.data(), s.size()}; }

// A log value: bare when it is one plain word, else quoted (key=value logs).
std::string field(std::string_view value) {
  const bool bare = !value.empty() && value.find_first_of(" \t\"=\\") == std::string_view::npos;
  if (bare) return std::string(value);
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string peer_of(const tcp::socket& socket) {
  error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  const auto address = endpoint.address();
  return (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
         std::to_string(endpoint.port());
}

std::shared_ptr<Response> make_response(int status, std::string_view content_type, std::string_view body,
                                        unsigned version) {
  auto response = std::make_shared<Response>();
  response->version(version);
  response->result(static_cast<unsigned>(status));
  response->set(http::field::server, kServerName);
  response->set(http::field::content_type, content_type);
  response->set(http::field::cache_control, "no-store");
  response->keep_alive(false);
  response->body() = std::string(body);
  response->prepare_payload();
  return response;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

runtime::HandshakeRequest handshake_of(const Request& request) {
  runtime::HandshakeRequest handshake;
  handshake.target = std::string(request.target());
  handshake.authorization = std::string(request[http::field::authorization]);
  // The header may repeat; each occurrence is a comma-separated list.
  for (auto [it, end] = request.equal_range(http::field::sec_websocket_protocol); it != end; ++it) {
    std::string_view rest(it->value().data(), it->value().size());
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view item = trim(rest.substr(0, comma));
      if (!item.empty()) handshake.subprotocols.emplace_back(item);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  return handshake;
}

// What the server needs of every socket it tracks, HTTP or WebSocket.
class Socket {
 public:
  virtual ~Socket() = default;
  // stop(): end politely (a 1001 close frame, or close an idle HTTP socket).
  virtual void begin_shutdown() = 0;
  // Close the socket now; pending operations complete with an error.
  virtual void cut() = 0;
  // The Server is going away: never call the App again, then cut.
  virtual void detach() = 0;
};

}  // namespace

namespace detail {

struct ServerCore : std::enable_shared_from_this<ServerCore> {
  ServerCore(asio::io_context& io_context, ServerLimits server_limits, ServerHandlers server_handlers)
      : io(io_context),
        limits(server_limits),
        handlers(std::move(server_handlers)),
        logger(handlers.logger),
        acceptor(io_context),
        retry_timer(io_context),
        grace_timer(io_context) {}

  void listen(const std::string& address, std::uint16_t port);
  void accept_next();
  void on_accept(error_code ec, tcp::socket socket);
  void track(std::uint64_t serial, std::weak_ptr<Socket> socket);
  void forget(std::uint64_t serial);
  void begin_stop(std::function<void()> drained);
  void check_drained();
  void detach_all();
  void violation(runtime::ConnectionId id, std::string_view what);
  std::vector<std::shared_ptr<Socket>> snapshot() const;

  asio::io_context& io;
  const ServerLimits limits;
  ServerHandlers handlers;
  bool attached = true;  // false once the Server is destroyed: call no handler
  runtime::Logger logger;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;  // accept failed (e.g. out of file descriptors): try again shortly
  asio::steady_timer grace_timer;  // stop(): how long close handshakes may take
  std::map<std::uint64_t, std::weak_ptr<Socket>> live;  // by socket serial (accept order)
  std::uint64_t next_serial = 1;
  runtime::ConnectionId next_connection_id = 1;
  bool stopping = false;
  std::vector<std::function<void()>> on_drained;
  std::atomic<std::uint16_t> port{0};
  std::atomic<std::size_t> live_count{0};
  std::atomic<std::uint64_t> violations{0};
};

}  // namespace detail

using detail::ServerCore;

namespace {

// The server side of one WebSocket: the runtime::Connection the system sees.
// Own write queue, one outstanding write (or close) at a time; one read loop.
class BeastConnection final : public runtime::Connection,
                              public Socket,
                              public std::enable_shared_from_this<BeastConnection> {
 public:
  BeastConnection(std::shared_ptr<ServerCore> core, std::uint64_t serial, runtime::ConnectionId id, tcp::socket socket,
                  Request request, std::string peer)
      : core_(std::move(core)),
        serial_(serial),
        id_(id),
        peer_(std::move(peer)),
        ws_(std::move(socket)),
        request_(std::move(request)),
        handshake_(handshake_of(request_)) {}

  ~BeastConnection() override { finish(); }

  runtime::ConnectionId id() const override { return id_; }
  const runtime::HandshakeRequest& handshake() const override { return handshake_; }
  std::size_t buffered_frames() const override { return queue_.size() + (frame_in_flight_ ? 1 : 0); }

  // Hands the connection to the system, which accepts or rejects it (now or later).
  void offer_to_app();

  void accept(std::string_view subprotocol, runtime::ConnectionEvents events) override;
  void reject(int http_status, std::string_view body) override;
  void send_text(std::string text) override;
  void close(std::uint16_t code, std::string_view reason) override;

  void begin_shutdown() override;
  void cut() override;
  void detach() override;

 private:
  enum class Decision { kPending, kAccepted, kRejected };

  void on_handshake(error_code ec);
  void read_next();
  void on_read(error_code ec);
  // A close frame is due: after the queued frames, then nothing more.
  void request_close(std::uint16_t code, std::string_view reason);
  void pump();
  void on_written(error_code ec);
  void on_close_sent(error_code ec);
  void end_after_close();
  void deliver_text(std::string text);
  void deliver_closed(std::uint16_t code, std::string reason);
  void finish();

  std::shared_ptr<ServerCore> core_;
  const std::uint64_t serial_;
  const runtime::ConnectionId id_;
  const std::string peer_;  // address:port, for the logs
  std::string user_ = "?";  // who the system accepted, for the logs
  std::chrono::steady_clock::time_point opened_at_;
  std::uint64_t frames_in_ = 0;
  std::uint64_t frames_out_ = 0;
  const char* closed_by_ = "client";  // who started the close, for the logs
  websocket::stream<beast::tcp_stream> ws_;
  Request request_;
  const runtime::HandshakeRequest handshake_;
  beast::flat_buffer read_buffer_;
  runtime::ConnectionEvents events_;
  Decision decision_ = Decision::kPending;
  bool open_ = false;                             // the WebSocket handshake completed
  bool reading_ = false;                          // an async_read is in flight
  bool system_closed_ = false;                    // the system called close()
  std::optional<websocket::close_reason> close_;  // a close frame is due (system's or transport's)
  bool flush_before_close_ = false;               // frames the system sends until the close frame starts still go first
  bool close_sent_ = false;                       // async_close started
  std::optional<bool> close_answered_;            // async_close completed: did the peer answer?
  bool writing_ = false;                          // an async_write or async_close is in flight
  bool frame_in_flight_ = false;                  // in_flight_ holds the frame being written
  std::deque<std::string> queue_;
  std::string in_flight_;
  bool ended_ = false;     // on_closed delivered: no more App calls
  bool finished_ = false;  // left the server's registry
};

void BeastConnection::offer_to_app() {
  if (!core_->attached) return cut();
  try {
    core_->handlers.on_connection(shared_from_this());
  } catch (const std::exception& e) {
    core_->logger->error("connection {}: the system threw on the handshake: {}", id_, e.what());
    if (decision_ == Decision::kPending) reject(500, "internal error");
    if (decision_ == Decision::kAccepted) request_close(runtime::close_code::kInternalError, "internal error");
  }
}

void BeastConnection::accept(std::string_view subprotocol, runtime::ConnectionEvents events) {
  if (decision_ != Decision::kPending) {
    return core_->violation(id_, decision_ == Decision::kAccepted ? "accept called twice" : "accept after reject");
  }
  decision_ = Decision::kAccepted;
  events_ = std::move(events);
  if (core_->handlers.user_of) {
    if (auto user = core_->handlers.user_of(id_)) user_ = std::move(*user);
  }
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(websocket::stream_base::decorator([sub = std::string(subprotocol)](websocket::response_type& res) {
    res.set(http::field::server, kServerName);
    if (!sub.empty()) res.set(http::field::sec_websocket_protocol, sub);
  }));
  ws_.read_message_max(core_->limits.max_frame_bytes);
  ws_.async_accept(request_, [self = shared_from_this()](error_code ec) { self->on_handshake(ec); });
}

void BeastConnection::on_handshake(error_code ec) {
  if (ec) {
    core_->logger->debug("connection {}: websocket handshake failed: {}", id_, ec.message());
    deliver_closed(runtime::close_code::kAbnormal, "websocket handshake failed: " + ec.message());
    return finish();
  }
  open_ = true;
  opened_at_ = std::chrono::steady_clock::now();
  core_->logger->info("ws.open id={} user={} peer={} target={}", id_, field(user_), peer_, field(handshake_.target));
  read_next();
  pump();
}

void BeastConnection::reject(int http_status, std::string_view body) {
  if (decision_ != Decision::kPending) {
    return core_->violation(id_, decision_ == Decision::kAccepted ? "reject after accept" : "reject called twice");
  }
  decision_ = Decision::kRejected;
  core_->logger->info("ws.rejected id={} status={} reason={} peer={} target={}", id_, http_status, field(body), peer_,
                      field(handshake_.target));
  auto response = make_response(http_status, "text/plain", body, request_.version());
  auto& stream = ws_.next_layer();
  stream.expires_after(ms(core_->limits.request_timeout_ms));
  http::async_write(stream, *response, [self = shared_from_this(), response](error_code, std::size_t) {
    error_code ignored;
    self->ws_.next_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
    self->ws_.next_layer().close();
    self->finish();
  });
}

void BeastConnection::send_text(std::string text) {
  if (decision_ == Decision::kPending) return core_->violation(id_, "send before accept: Need to call accept first");
  if (decision_ == Decision::kRejected) return core_->violation(id_, "send after reject");
  if (system_closed_ || ended_) {
    return core_->violation(id_, "send after close: Cannot call send once a close message has been sent");
  }
  if (close_ && (close_sent_ || !flush_before_close_)) {
    // The transport is closing on its own (stop, overflow): the system could not know.
    core_->logger->debug("connection {}: frame dropped: closing", id_);
    return;
  }
  if (buffered_frames() >= core_->limits.outbound_queue_max) {
    core_->logger->error("connection {}: outbound queue full ({} frames): dropping them, closing 1013", id_,
                         buffered_frames());
    queue_.clear();
    closed_by_ = "server";
    return request_close(runtime::close_code::kTryAgainLater, "outbound queue full: reconnect and resume");
  }
  queue_.push_back(std::move(text));
  pump();
}

void BeastConnection::close(std::uint16_t code, std::string_view reason) {
  if (decision_ == Decision::kPending) return core_->violation(id_, "close before accept");
  if (decision_ == Decision::kRejected) return core_->violation(id_, "close after reject");
  if (system_closed_ || ended_) return core_->violation(id_, "close after close");
  system_closed_ = true;
  closed_by_ = "server";
  request_close(code, reason);
}

void BeastConnection::request_close(std::uint16_t code, std::string_view reason) {
  if (close_ || ended_) return;
  close_ = make_close_reason(code, reason);
  pump();
}

void BeastConnection::pump() {
  if (!open_ || writing_ || ended_) return;
  if (!queue_.empty()) {
    in_flight_ = std::move(queue_.front());
    queue_.pop_front();
    writing_ = frame_in_flight_ = true;
    ++frames_out_;
    ws_.text(true);
    ws_.async_write(asio::buffer(in_flight_),
                    [self = shared_from_this()](error_code ec, std::size_t) { self->on_written(ec); });
    return;
  }
  if (close_ && !close_sent_) {
    close_sent_ = writing_ = true;
    ws_.async_close(*close_, [self = shared_from_this()](error_code ec) { self->on_close_sent(ec); });
  }
}

void BeastConnection::on_written(error_code ec) {
  writing_ = frame_in_flight_ = false;
  in_flight_.clear();
  if (ec) {
    // The read loop sees the failure too and reports the close.
    core_->logger->debug("connection {}: write failed: {}", id_, ec.message());
    return beast::get_lowest_layer(ws_).close();
  }
  pump();
}

void BeastConnection::on_close_sent(error_code ec) {
  writing_ = false;
  close_answered_ = !ec || ec == websocket::error::closed;
  if (!*close_answered_) core_->logger->debug("connection {}: close handshake: {}", id_, ec.message());
  // The read loop may still be waiting for the peer's close frame: it reports then.
  if (!reading_) end_after_close();
}

void BeastConnection::end_after_close() {
  // Our code when the peer answered our close frame, 1006 when it did not.
  if (close_answered_.value_or(false)) {
    deliver_closed(close_->code, reason_of(*close_));
  } else {
    deliver_closed(runtime::close_code::kAbnormal, "close handshake failed");
  }
  finish();
}

void BeastConnection::read_next() {
  reading_ = true;
  ws_.async_read(read_buffer_, [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
}

void BeastConnection::on_read(error_code ec) {
  reading_ = false;
  if (!ec) {
    const bool is_text = ws_.got_text();
    std::string message = beast::buffers_to_string(read_buffer_.data());
    read_buffer_.consume(read_buffer_.size());
    ++frames_in_;
    if (!is_text) {
      closed_by_ = "server";
      request_close(kUnsupportedData, "binary frames are not supported");
    } else if (!close_) {
      // After a close frame is due, incoming data is ignored (as in the simulated world).
      deliver_text(std::move(message));
    }
    return read_next();
  }
  // Beast ends a pending read with operation_aborted while it closes: how
  // the close handshake ended is the close operation's to say.
  if (close_sent_ && !close_answered_) return;  // on_close_sent reports
  if (close_sent_ && ec != websocket::error::closed) return end_after_close();
  std::uint16_t code = runtime::close_code::kAbnormal;
  std::string reason = ec.message();
  if (ec == websocket::error::closed && close_sent_) {
    code = close_->code;  // we closed; the peer answered
    reason = reason_of(*close_);
  } else if (ec == websocket::error::closed) {
    code = status_of(ws_.reason());
    reason = reason_of(ws_.reason());
  } else if (ec == websocket::error::message_too_big) {
    code = runtime::close_code::kTooBig;
    closed_by_ = "server";
    reason = "message larger than " + std::to_string(core_->limits.max_frame_bytes) + " bytes";
  } else {
    core_->logger->debug("connection {}: read failed: {}", id_, ec.message());
  }
  deliver_closed(code, std::move(reason));
  finish();
}

void BeastConnection::deliver_text(std::string text) {
  if (ended_ || !events_.on_text) return;
  try {
    events_.on_text(std::move(text));
  } catch (const std::exception& e) {
    core_->logger->error("connection {}: the system threw on a frame: {}", id_, e.what());
    closed_by_ = "server";
    request_close(runtime::close_code::kInternalError, "internal error");
  }
}

void BeastConnection::deliver_closed(std::uint16_t code, std::string reason) {
  if (ended_) return;
  ended_ = true;
  if (open_) {
    const auto lived =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - opened_at_);
    core_->logger->info("ws.closed id={} user={} code={} by={} reason={} frames_in={} frames_out={} unsent={} ms={}",
                        id_, field(user_), code, code == runtime::close_code::kAbnormal ? "reset" : closed_by_,
                        field(reason), frames_in_, frames_out_, queue_.size(), lived.count());
  }
  queue_.clear();
  auto events = std::exchange(events_, {});
  if (!events.on_closed) return;
  try {
    events.on_closed(code, std::move(reason));
  } catch (const std::exception& e) {
    core_->logger->error("connection {}: the system threw on close: {}", id_, e.what());
  }
}

void BeastConnection::begin_shutdown() {
  switch (decision_) {
    case Decision::kPending: return cut();  // a later accept fails its handshake and reports on_closed
    case Decision::kAccepted:
      if (close_ || ended_) return;
      closed_by_ = "server";
      flush_before_close_ = true;  // events already handed over go out before the 1001
      return request_close(runtime::close_code::kGoingAway, "server shutting down");
    case Decision::kRejected: return;  // the response is on its way; the socket closes after it
  }
}

void BeastConnection::cut() {
  beast::get_lowest_layer(ws_).close();
  finish();
}

void BeastConnection::detach() {
  events_ = {};
  cut();
}

void BeastConnection::finish() {
  if (finished_) return;
  finished_ = true;
  core_->forget(serial_);
}

// One accepted socket until its request is read: a plain HTTP exchange, or
// the hand-off of the socket to a BeastConnection on an upgrade.
class HttpSession final : public Socket, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<ServerCore> core, std::uint64_t serial, tcp::socket socket, bool over_limit)
      : core_(std::move(core)),
        serial_(serial),
        peer_(peer_of(socket)),
        stream_(std::move(socket)),
        over_limit_(over_limit) {}

  ~HttpSession() override { finish(); }

  void start();
  void begin_shutdown() override {
    if (!responding_) cut();
  }
  void cut() override {
    if (!handed_off_) stream_.close();
    finish();
  }
  void detach() override { cut(); }

 private:
  void on_request(error_code ec);
  void upgrade(Request request);
  system::HttpResponse ask_handler(const Request& request);
  // `unread_body`: the request was refused before its body was read.
  void respond(int status, std::string_view content_type, std::string_view body, unsigned version,
               bool unread_body = false);
  void linger();
  void finish() {
    if (finished_ || handed_off_) return;
    finished_ = true;
    core_->forget(serial_);
  }

  std::shared_ptr<ServerCore> core_;
  const std::uint64_t serial_;
  const std::string peer_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::array<char, 16 * 1024> discard_{};
  std::size_t discarded_ = 0;
  const bool over_limit_;
  bool responding_ = false;
  bool handed_off_ = false;  // the socket (and the registry entry) now belong to a BeastConnection
  bool finished_ = false;
};

void HttpSession::start() {
  parser_.emplace();
  parser_->body_limit(core_->limits.max_http_body_bytes);
  stream_.expires_after(ms(core_->limits.request_timeout_ms));
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](error_code ec, std::size_t) { self->on_request(ec); });
}

void HttpSession::on_request(error_code ec) {
  if (ec == http::error::body_limit) {
    const auto& header = parser_->get();
    core_->logger->info("http method={} target={} status=413 peer={}", view_of(header.method_string()),
                        field(view_of(header.target())), peer_);
    return respond(
        413, "application/json",
        R"({"error":"request too large","limit_bytes":)" + std::to_string(core_->limits.max_http_body_bytes) + "}",
        header.version() == 10 ? 10 : 11, true);
  }
  if (ec) {
    if (ec != http::error::end_of_stream && ec != asio::error::operation_aborted) {
      core_->logger->debug("http: reading a request failed: {}", ec.message());
    }
    return cut();
  }
  Request request = parser_->release();
  const unsigned version = request.version();
  if (!core_->attached || core_->stopping) {
    return respond(503, "application/json", R"({"error":"server shutting down"})", version);
  }
  if (over_limit_) {
    core_->logger->warn("refusing a request: {} connections is the limit", core_->limits.max_connections);
    return respond(503, "application/json", R"({"error":"too many connections"})", version);
  }
  if (websocket::is_upgrade(request)) return upgrade(std::move(request));
  const system::HttpResponse response = ask_handler(request);
  // Health probes come every few seconds: a healthy answer is not news.
  const bool routine = request.target() == "/health" && response.status == 200;
  core_->logger->log(routine ? spdlog::level::debug : spdlog::level::info, "http method={} target={} status={} peer={}",
                     view_of(request.method_string()), field(view_of(request.target())), response.status, peer_);
  respond(response.status, response.content_type, response.body, version);
}

system::HttpResponse HttpSession::ask_handler(const Request& request) {
  system::HttpRequest view;
  view.method = view_of(request.method_string());
  view.target = view_of(request.target());
  view.authorization = view_of(request[http::field::authorization]);
  view.body = request.body();
  try {
    return core_->handlers.on_http(view);
  } catch (const std::exception& e) {
    core_->logger->error("http: the system threw on {} {}: {}", view.method, view.target, e.what());
    return {500, "application/json", R"({"error":"internal error"})"};
  }
}

void HttpSession::upgrade(Request request) {
  const runtime::ConnectionId id = core_->next_connection_id++;
  auto connection =
      std::make_shared<BeastConnection>(core_, serial_, id, stream_.release_socket(), std::move(request), peer_);
  handed_off_ = true;
  core_->track(serial_, connection);  // same socket, new owner
  core_->logger->debug("connection {}: upgrade requested for {}", id, connection->handshake().target);
  connection->offer_to_app();
}

void HttpSession::respond(int status, std::string_view content_type, std::string_view body, unsigned version,
                          bool unread_body) {
  responding_ = true;
  auto response = make_response(status, content_type, body, version);
  stream_.expires_after(ms(core_->limits.request_timeout_ms));
  http::async_write(stream_, *response, [self = shared_from_this(), response, unread_body](error_code ec, std::size_t) {
    error_code ignored;
    self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (!ec && unread_body) return self->linger();
    self->cut();
  });
}

void HttpSession::linger() {
  stream_.expires_after(kLingerTime);
  stream_.async_read_some(asio::buffer(discard_), [self = shared_from_this()](error_code ec, std::size_t n) {
    self->discarded_ += n;
    if (ec || self->discarded_ > kLingerBytesMax) return self->cut();
    self->linger();
  });
}

}  // namespace

namespace detail {

void ServerCore::listen(const std::string& address, std::uint16_t wanted_port) {
  error_code ec;
  const auto fail = [&](std::string_view step) {
    throw std::runtime_error("server: cannot listen on " + address + ":" + std::to_string(wanted_port) + " (" +
                             std::string(step) + "): " + ec.message());
  };
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) fail("address");
  const tcp::endpoint endpoint(ip, wanted_port);
  acceptor.open(endpoint.protocol(), ec);
  if (ec) fail("open");
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) fail("reuse_address");
  acceptor.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
  port = acceptor.local_endpoint(ec).port();
  if (ec) fail("local_endpoint");
}

void ServerCore::accept_next() {
  acceptor.async_accept(
      [self = shared_from_this()](error_code ec, tcp::socket socket) { self->on_accept(ec, std::move(socket)); });
}

void ServerCore::on_accept(error_code ec, tcp::socket socket) {
  if (stopping || !attached || !acceptor.is_open()) return;
  if (ec) {
    logger->warn("accept failed: {}; retrying in 100 ms", ec.message());
    retry_timer.expires_after(std::chrono::milliseconds(100));
    retry_timer.async_wait([self = shared_from_this()](error_code timer_ec) {
      if (!timer_ec && !self->stopping) self->accept_next();
    });
    return;
  }
  // Events are small frames that must leave at once: without TCP_NODELAY a
  // frame can wait for the peer's delayed ACK (40 ms on Linux), which put the
  // saturated emit-to-receive tail above the 50 ms bound (docs/benchmarks.md).
  error_code nodelay_ec;
  socket.set_option(tcp::no_delay(true), nodelay_ec);
  if (nodelay_ec) logger->debug("TCP_NODELAY not set: {}", nodelay_ec.message());
  const bool over_limit = live.size() >= limits.max_connections;
  const std::uint64_t serial = next_serial++;
  auto session = std::make_shared<HttpSession>(shared_from_this(), serial, std::move(socket), over_limit);
  track(serial, session);
  session->start();
  accept_next();
}

void ServerCore::track(std::uint64_t serial, std::weak_ptr<Socket> socket) {
  live[serial] = std::move(socket);
  live_count = live.size();
}

void ServerCore::forget(std::uint64_t serial) {
  live.erase(serial);
  live_count = live.size();
  check_drained();
}

std::vector<std::shared_ptr<Socket>> ServerCore::snapshot() const {
  std::vector<std::shared_ptr<Socket>> sockets;
  for (const auto& [serial, weak] : live) {
    if (auto socket = weak.lock()) sockets.push_back(std::move(socket));
  }
  return sockets;
}

void ServerCore::begin_stop(std::function<void()> drained) {
  if (drained) on_drained.push_back(std::move(drained));
  if (!stopping) {
    stopping = true;
    error_code ignored;
    acceptor.close(ignored);
    retry_timer.cancel();
    logger->info("server stopping: {} sockets open", live.size());
    // Armed first: check_drained() cancels it as soon as the last socket goes.
    grace_timer.expires_after(std::chrono::milliseconds(limits.shutdown_grace_ms));
    grace_timer.async_wait([self = shared_from_this()](error_code ec) {
      if (ec || self->live.empty()) return;
      self->logger->warn("{} sockets still open after {} ms: cutting them", self->live.size(),
                         self->limits.shutdown_grace_ms);
      for (const auto& socket : self->snapshot()) socket->cut();
      self->live.clear();  // entries whose session is already gone count as closed
      self->live_count = 0;
      self->check_drained();
    });
    for (const auto& socket : snapshot()) socket->begin_shutdown();
  }
  check_drained();
}

void ServerCore::check_drained() {
  if (!stopping || !live.empty() || on_drained.empty()) return;
  grace_timer.cancel();
  // Posted: completions of the sockets just closed run first.
  asio::post(io, [callbacks = std::exchange(on_drained, {})] {
    for (const auto& callback : callbacks) callback();
  });
}

void ServerCore::detach_all() {
  attached = false;
  stopping = true;
  on_drained.clear();
  error_code ignored;
  acceptor.close(ignored);
  retry_timer.cancel();
  grace_timer.cancel();
  for (const auto& socket : snapshot()) socket->detach();
}

void ServerCore::violation(runtime::ConnectionId id, std::string_view what) {
  ++violations;
  logger->error("protocol violation on connection {}: {}", id, what);
}

}  // namespace detail

ServerHandlers handlers_for(system::App& app) {
  ServerHandlers handlers;
  handlers.on_connection = [&app](std::shared_ptr<runtime::Connection> connection) {
    app.on_connection(std::move(connection));
  };
  handlers.on_http = [&app](const system::HttpRequest& request) { return app.handle_http(request); };
  handlers.user_of = [&app](runtime::ConnectionId id) -> std::optional<std::string> { return app.user_of(id); };
  handlers.logger = app.runtime().logger;
  return handlers;
}

Server::Server(asio::io_context& io, const std::string& address, std::uint16_t port, ServerLimits limits,
               system::App& app)
    : Server(io, address, port, limits, handlers_for(app)) {}

Server::Server(asio::io_context& io, const std::string& address, std::uint16_t port, ServerLimits limits,
               ServerHandlers handlers) {
  if (limits.max_frame_bytes == 0 || limits.max_connections == 0 || limits.outbound_queue_max == 0 ||
      limits.max_http_body_bytes == 0) {
    throw std::invalid_argument(
        "ServerLimits: max_frame_bytes, max_http_body_bytes, max_connections and outbound_queue_max must be > 0");
  }
  if (!handlers.on_connection || !handlers.on_http || !handlers.logger) {
    throw std::invalid_argument("ServerHandlers: on_connection, on_http and logger are required");
  }
  core_ = std::make_shared<ServerCore>(io, limits, std::move(handlers));
  core_->listen(address, port);
  core_->accept_next();
  core_->logger->info("listening on {}:{} (max_connections={} max_frame_bytes={} max_http_body_bytes={})", address,
                      core_->port.load(), limits.max_connections, limits.max_frame_bytes, limits.max_http_body_bytes);
}

Server::~Server() { core_->detach_all(); }

std::uint16_t Server::port() const { return core_->port; }

void Server::stop(std::function<void()> on_drained) {
  asio::post(core_->io,
             [core = core_, on_drained = std::move(on_drained)]() mutable { core->begin_stop(std::move(on_drained)); });
}

std::size_t Server::live_connections() const { return core_->live_count; }

std::uint64_t Server::protocol_violations() const { return core_->violations; }

}  // namespace bridgesim::net
