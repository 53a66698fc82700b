#include "system/net/http_session.hpp"

#include <chrono>
#include <utility>

#include <spdlog/common.h>

#include "system/net/log_field.hpp"
#include "system/net/websocket_connection.hpp"

namespace bridgesim::net::detail {

namespace {

// A request refused before its body was read (413): the rest of the body is
// read and discarded for up to this long / this much, so closing the socket
// does not reset the connection before the client has read the answer.
constexpr std::chrono::milliseconds kLingerTime{1'000};
constexpr std::size_t kLingerBytesMax = 1024 * 1024;

std::string peer_of(const tcp::socket& socket) {
  error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  const auto address = endpoint.address();
  return (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
         std::to_string(endpoint.port());
}

bool is_health(std::string_view target) {
  return target == "/health" || target == "/health/live" || target == "/health/ready";
}

// Beast reports any version but 1.0 and 1.1 as bad_version: "HTTP/d.d" is
// a well-formed version we do not support (505), anything else a bad
// request line (400). `head`: the unparsed bytes, the request line first.
bool is_unsupported_version(std::string_view head) {
  const auto end = head.find("\r\n");
  const std::string_view line = head.substr(0, end);
  const auto space = line.rfind(' ');
  if (end == std::string_view::npos || space == std::string_view::npos) return false;
  const std::string_view v = line.substr(space + 1);
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return v.size() == 8 && v.substr(0, 5) == "HTTP/" && digit(v[5]) && v[6] == '.' && digit(v[7]);
}

// The answer to a request Beast could not parse; 0 for none (the peer went
// away, or was too slow: the socket is just closed).
int status_for_parse_error(error_code ec, std::string_view head) {
  using E = http::error;
  if (ec == E::body_limit) return 413;
  if (ec == E::header_limit) return 431;
  if (ec == E::bad_version) return is_unsupported_version(head) ? 505 : 400;
  for (const E bad :
       {E::bad_line_ending, E::bad_method, E::bad_target, E::bad_field, E::bad_value, E::bad_content_length,
        E::multiple_content_length, E::bad_transfer_encoding, E::bad_chunk, E::bad_chunk_extension, E::bad_obs_fold}) {
    if (ec == bad) return 400;
  }
  return 0;
}

// What the parser let through that RFC 9112 and docs/protocol.md refuse:
// empty when the request is fine.
std::string_view malformed(const Request& request) {
  if (request.count(http::field::authorization) > 1) return "more than one Authorization header";
  if (request.count(http::field::content_length) > 1) return "more than one Content-Length header";
  if (request[http::field::content_length].find(',') != beast::string_view::npos) return "a Content-Length list";
  return {};
}

}  // namespace

HttpSession::HttpSession(std::shared_ptr<ServerState> state, std::uint64_t serial, tcp::socket socket, bool health_only)
    : state_(std::move(state)),
      serial_(serial),
      peer_(peer_of(socket)),
      stream_(std::move(socket)),
      health_only_(health_only) {}

void HttpSession::start() {
  parser_.emplace();
  parser_->body_limit(state_->limits.http_body_bytes_max);
  parser_->header_limit(static_cast<std::uint32_t>(state_->limits.http_header_bytes_max));
  stream_.expires_after(
      ms(health_only_ ? state_->limits.health_request_timeout_ms : state_->limits.request_timeout_ms));
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](error_code ec, std::size_t) { self->on_request(ec); });
}

void HttpSession::on_request(error_code ec) {
  if (ec == http::error::body_limit) return refuse_too_large();
  if (ec) return refuse_unparsed(ec);
  Request request = parser_->release();
  const unsigned version = request.version();
  if (!state_->attached || state_->stopping) {
    return respond(503, "application/json", R"({"error":"server shutting down"})", version);
  }
  if (const std::string_view why = malformed(request); !why.empty()) {
    state_->logger->debug("http: status=400 ({}) peer={}", why, peer_);
    return respond(400, "application/json", R"({"error":"bad request","message":")" + std::string(why) + "\"}", version,
                   true);
  }
  if (health_only_ && (websocket::is_upgrade(request) || !is_health(view_of(request.target())))) {
    state_->logger->debug("refusing a request: {} connections is the limit", state_->limits.connections_max);
    return respond(503, "application/json", R"({"error":"too many connections"})", version);
  }
  if (websocket::is_upgrade(request)) return upgrade(std::move(request));
  const system::HttpResponse response = ask_handler(request);
  // Health probes come every few seconds: a healthy answer is not news.
  const bool routine = request.target() == "/health" && response.status == 200;
  state_->logger->log(routine ? spdlog::level::debug : spdlog::level::info,
                      "http method={} target={} status={} peer={}", view_of(request.method_string()),
                      field(view_of(request.target())), response.status, peer_);
  respond(response.status, response.content_type, response.body, version);
}

void HttpSession::refuse_too_large() {
  const auto& header = parser_->get();
  state_->logger->info("http method={} target={} status=413 peer={}", view_of(header.method_string()),
                       field(view_of(header.target())), peer_);
  respond(413, "application/json",
          R"({"error":"request too large","limit_bytes":)" + std::to_string(state_->limits.http_body_bytes_max) + "}",
          header.version() == 10 ? 10 : 11, true);
}

void HttpSession::refuse_unparsed(error_code ec) {
  const auto head = beast::buffers_to_string(buffer_.data());
  const int status = status_for_parse_error(ec, head);
  if (status == 0) {
    if (ec != http::error::end_of_stream && ec != asio::error::operation_aborted && ec != beast::error::timeout) {
      state_->logger->debug("http: reading a request failed: {}", ec.message());
    }
    return cut();
  }
  state_->logger->debug("http: status={} ({}) peer={}", status, ec.message(), peer_);
  const char* what = status == 431   ? "request headers too large"
                     : status == 505 ? "HTTP version not supported"
                                     : "bad request";
  respond(status, "application/json", std::string(R"({"error":")") + what + R"(","message":")" + ec.message() + "\"}",
          11, true);
}

system::HttpResponse HttpSession::ask_handler(const Request& request) {
  system::HttpRequest view;
  view.method = view_of(request.method_string());
  view.target = view_of(request.target());
  view.authorization = view_of(request[http::field::authorization]);
  view.body = request.body();
  try {
    return state_->handlers.on_http(view);
  } catch (const std::exception& e) {
    state_->logger->error("http: the system threw on {} {}: {}", view.method, view.target, e.what());
    return {500, "application/json", R"({"error":"internal error"})"};
  }
}

void HttpSession::upgrade(Request request) {
  const runtime::ConnectionId id = state_->draw_connection_id(serial_);
  auto connection =
      std::make_shared<WebSocketConnection>(state_, serial_, id, stream_.release_socket(), std::move(request), peer_);
  handed_off_ = true;
  state_->track(serial_, connection);  // same socket, new owner
  state_->logger->debug("connection {}: upgrade requested for {}", id, connection->handshake().target);
  connection->offer_to_app();
}

void HttpSession::respond(int status, std::string_view content_type, std::string_view body, unsigned version,
                          bool unread_body) {
  responding_ = true;
  auto response = make_response(status, content_type, body, version);
  stream_.expires_after(ms(state_->limits.request_timeout_ms));
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

}  // namespace bridgesim::net::detail
