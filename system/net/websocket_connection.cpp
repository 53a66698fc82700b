#include "system/net/websocket_connection.hpp"

#include <array>
#include <stdexcept>
#include <utility>

#include "system/net/log_field.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::net::detail {

namespace {

constexpr std::uint16_t kProtocolError = 1002;
constexpr std::uint16_t kUnsupportedData = 1003;

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

}  // namespace

WebSocketConnection::WebSocketConnection(std::shared_ptr<ServerState> server, std::uint64_t serial,
                                         runtime::ConnectionId id, tcp::socket socket, Request request,
                                         std::string peer)
    : server_(std::move(server)),
      serial_(serial),
      id_(id),
      peer_(std::move(peer)),
      ws_(std::move(socket)),
      request_(std::move(request)),
      handshake_(handshake_of(request_)) {}

bool WebSocketConnection::in(std::initializer_list<State> states) const {
  for (const State s : states) {
    if (s == state_) return true;
  }
  return false;
}

void WebSocketConnection::become(State to) {
  using S = State;
  bool legal = false;
  switch (to) {
    case S::kOffered: break;
    case S::kRejected:
    case S::kAccepting: legal = in({S::kOffered}); break;
    case S::kAcceptingDraining:
    case S::kAcceptingClosing: legal = in({S::kAccepting}); break;
    case S::kOpen: legal = in({S::kAccepting}); break;
    case S::kDraining: legal = in({S::kOpen, S::kAcceptingDraining}); break;
    case S::kClosing: legal = in({S::kOpen, S::kAcceptingClosing}); break;
    case S::kCloseSent: legal = in({S::kDraining, S::kClosing}); break;
    case S::kCloseAnswered:
    case S::kCloseFailed: legal = in({S::kCloseSent}); break;
    case S::kEnded: legal = accepted() && !in({S::kCloseSent, S::kEnded}); break;
  }
  if (!legal) {
    server_->logger->error("connection {}: no transition from state {} to {}", id_, static_cast<int>(state_),
                           static_cast<int>(to));
  }
  BRIDGESIM_ASSERT(legal, "a WebSocketConnection changes state along its lifecycle only");
  state_ = to;
}

void WebSocketConnection::offer_to_app() {
  BRIDGESIM_ASSERT(state_ == State::kOffered, "a connection is offered to the system once");
  if (!server_->attached) return cut();
  try {
    server_->handlers.on_connection(shared_from_this());
  } catch (const std::exception& e) {
    server_->logger->error("connection {}: the system threw on the handshake: {}", id_, e.what());
    if (state_ == State::kOffered) reject(500, "internal error");
    if (accepted()) request_close(runtime::close_code::kInternalError, "internal error");
  }
}

void WebSocketConnection::accept(std::string_view subprotocol, runtime::ConnectionEvents events) {
  if (state_ != State::kOffered) {
    return server_->violation(id_, state_ == State::kRejected ? "accept after reject" : "accept called twice");
  }
  become(State::kAccepting);
  events_ = std::move(events);
  if (server_->handlers.user_of) {
    if (auto user = server_->handlers.user_of(id_)) user_ = std::move(*user);
  }
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  if (server_->limits.ws_idle_timeout_ms > 0) {
    timeouts.idle_timeout = ms(server_->limits.ws_idle_timeout_ms);
    timeouts.keep_alive_pings = true;  // a ping at half of it; a peer that answers stays
  }
  ws_.set_option(timeouts);
  // RFC 6455: never a subprotocol the client did not offer.
  std::string selected = select_subprotocol(handshake_.subprotocols, subprotocol);
  if (selected != subprotocol) {
    server_->logger->debug("connection {}: subprotocol '{}' not offered: answering '{}'", id_, field(subprotocol),
                           field(selected));
  }
  ws_.set_option(websocket::stream_base::decorator([sub = std::move(selected)](websocket::response_type& res) {
    res.set(http::field::server, kServerName);
    if (!sub.empty()) res.set(http::field::sec_websocket_protocol, sub);
  }));
  ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::close) on_peer_close_frame();
  });
  ws_.read_message_max(server_->limits.frame_bytes_max);
  ws_.async_accept(request_, [self = shared_from_this()](error_code ec) { self->on_handshake(ec); });
}

void WebSocketConnection::on_handshake(error_code ec) {
  if (ec) {
    server_->logger->debug("connection {}: websocket handshake failed: {}", id_, ec.message());
    deliver_closed(runtime::close_code::kAbnormal, "websocket handshake failed: " + ec.message());
    return finish();
  }
  switch (state_) {
    case State::kAcceptingDraining: become(State::kDraining); break;
    case State::kAcceptingClosing: become(State::kClosing); break;
    default: become(State::kOpen); break;
  }
  opened_at_ = std::chrono::steady_clock::now();
  server_->logger->info("ws.open id={} user={} peer={} target={}", id_, field(user_), peer_, field(handshake_.target));
  read_next();
  pump();
}

void WebSocketConnection::reject(int http_status, std::string_view body) {
  if (state_ != State::kOffered) {
    return server_->violation(id_, state_ == State::kRejected ? "reject called twice" : "reject after accept");
  }
  become(State::kRejected);
  server_->logger->info("ws.rejected id={} status={} reason={} peer={} target={}", id_, http_status, field(body), peer_,
                        field(handshake_.target));
  auto response = make_response(http_status, "text/plain", body, request_.version());
  auto& stream = ws_.next_layer();
  stream.expires_after(ms(server_->limits.request_timeout_ms));
  http::async_write(stream, *response, [self = shared_from_this(), response](error_code, std::size_t) {
    error_code ignored;
    self->ws_.next_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
    self->ws_.next_layer().close();
    self->finish();
  });
}

void WebSocketConnection::send_text(std::string text) {
  if (state_ == State::kOffered) return server_->violation(id_, "send before accept: Need to call accept first");
  if (state_ == State::kRejected) return server_->violation(id_, "send after reject");
  if (system_closed_ || state_ == State::kEnded) {
    return server_->violation(id_, "send after close: Cannot call send once a close message has been sent");
  }
  if (in({State::kAcceptingClosing, State::kClosing, State::kCloseSent, State::kCloseAnswered, State::kCloseFailed})) {
    // The transport is closing on its own (stop, overflow): the system could not know.
    server_->logger->debug("connection {}: frame dropped: closing", id_);
    return;
  }
  if (buffered_frames() >= server_->limits.outbound_frames_max) {
    server_->logger->error("connection {}: outbound queue full ({} frames): dropping them, closing 1013", id_,
                           buffered_frames());
    return shed_queue("outbound queue full: reconnect and resume");
  }
  if (outbound_bytes_ + text.size() > server_->limits.outbound_bytes_max) {
    server_->logger->error("connection {}: {} outbound bytes lagging, over the {} budget: closing 1013", id_,
                           outbound_bytes_, server_->limits.outbound_bytes_max);
    return shed_queue("outbound bytes over budget: reconnect and resume");
  }
  // Over the user's or the server's budget, the connection lagging most goes (maybe this one).
  if (!server_->make_room(*this, user_, text.size())) return;
  count_outbound(text.size());
  queue_.push_back(std::move(text));
  pump();
}

void WebSocketConnection::count_outbound(std::size_t bytes) {
  if (bytes == 0) return;
  outbound_bytes_ += bytes;
  server_->add_outbound(user_, bytes);
}

void WebSocketConnection::uncount_outbound(std::size_t bytes) {
  // Nothing to release, or finish() released it all (a write completing late).
  if (bytes == 0 || (finished_ && outbound_bytes_ == 0)) return;
  BRIDGESIM_ASSERT(outbound_bytes_ >= bytes, "a connection releases only outbound bytes it counted");
  outbound_bytes_ -= bytes;
  server_->remove_outbound(user_, bytes);
}

void WebSocketConnection::drop_queue() {
  std::size_t bytes = 0;
  for (const auto& frame : queue_) bytes += frame.size();
  queue_.clear();
  uncount_outbound(bytes);
}

void WebSocketConnection::shed_queue(std::string_view reason) {
  drop_queue();
  closed_by_ = "server";
  request_close(runtime::close_code::kTryAgainLater, reason);
}

std::size_t WebSocketConnection::sheddable_bytes() const {
  return state_ == State::kOpen ? outbound_bytes_ : 0;  // once closing, what it lags goes with the close
}

void WebSocketConnection::shed() {
  server_->logger->error("connection {}: {} outbound bytes lagging: shed, closing 1013", id_, outbound_bytes_);
  shed_queue("slow consumer: reconnect and resume");
}

void WebSocketConnection::on_peer_close_frame() {
  const std::uint16_t code = status_of(ws_.reason());
  // Only a close frame Beast is about to answer (ours not sent yet) matters.
  if (!in({State::kOpen, State::kDraining, State::kClosing}) || write_ == Write::kClose) return;
  if (code == kNoStatusReceived || is_valid_wire_close_code(code)) return;
  // Beast would echo it (it accepts any code from 3000 up): fail the
  // connection with 1002 instead. One non-blocking write of the close
  // frame when nothing else is being written, then the socket is closed.
  peer_close_invalid_ = true;
  closed_by_ = "server";
  server_->logger->info("connection {}: close code {} is not allowed on the wire: closing 1002", id_, code);
  auto& socket = beast::get_lowest_layer(ws_).socket();
  error_code ec;
  if (write_ == Write::kIdle) {
    constexpr std::array<unsigned char, 4> kProtocolError{0x88, 0x02, 0x03, 0xEA};  // FIN+close, 2 bytes: 1002
    socket.non_blocking(true, ec);
    if (!ec) socket.write_some(asio::buffer(kProtocolError), ec);
  }
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void WebSocketConnection::close(std::uint16_t code, std::string_view reason) {
  if (state_ == State::kOffered) return server_->violation(id_, "close before accept");
  if (state_ == State::kRejected) return server_->violation(id_, "close after reject");
  if (system_closed_ || state_ == State::kEnded) return server_->violation(id_, "close after close");
  system_closed_ = true;
  closed_by_ = "server";
  request_close(code, reason);
}

void WebSocketConnection::request_close(std::uint16_t code, std::string_view reason) {
  // Only the first close is sent; one due already (or the end) wins.
  if (state_ == State::kAccepting) {
    become(State::kAcceptingClosing);
  } else if (state_ == State::kOpen) {
    become(State::kClosing);
  } else {
    return;
  }
  close_frame_ = make_close_reason(code, reason);
  pump();
}

void WebSocketConnection::pump() {
  if (write_ != Write::kIdle || !in({State::kOpen, State::kDraining, State::kClosing})) return;
  if (!queue_.empty()) {
    in_flight_ = std::move(queue_.front());
    queue_.pop_front();
    write_ = Write::kFrame;
    ++frames_out_;
    ws_.text(true);
    ws_.async_write(asio::buffer(in_flight_),
                    [self = shared_from_this()](error_code ec, std::size_t) { self->on_written(ec); });
    return;
  }
  if (state_ != State::kOpen) {
    become(State::kCloseSent);
    write_ = Write::kClose;
    ws_.async_close(close_frame_, [self = shared_from_this()](error_code ec) { self->on_close_sent(ec); });
  }
}

void WebSocketConnection::on_written(error_code ec) {
  BRIDGESIM_ASSERT(write_ == Write::kFrame, "a write completes the frame in the write slot");
  write_ = Write::kIdle;
  uncount_outbound(in_flight_.size());
  in_flight_.clear();
  if (ec) {
    // The read loop sees the failure too and reports the close.
    server_->logger->debug("connection {}: write failed: {}", id_, ec.message());
    return beast::get_lowest_layer(ws_).close();
  }
  pump();
}

void WebSocketConnection::on_close_sent(error_code ec) {
  BRIDGESIM_ASSERT(write_ == Write::kClose, "a close completes the close in the write slot");
  write_ = Write::kIdle;
  const bool answered = !ec || ec == websocket::error::closed;
  become(answered ? State::kCloseAnswered : State::kCloseFailed);
  if (!answered) server_->logger->debug("connection {}: close handshake: {}", id_, ec.message());
  // The read loop may still be waiting for the peer's close frame: it reports then.
  if (!reading_) end_after_close();
}

void WebSocketConnection::end_after_close() {
  BRIDGESIM_ASSERT(in({State::kCloseAnswered, State::kCloseFailed}),
                   "the end after a close follows the close handshake");
  // Our code when the peer answered our close frame, 1006 when it did not.
  if (state_ == State::kCloseAnswered) {
    deliver_closed(close_frame_.code, reason_of(close_frame_));
  } else {
    deliver_closed(runtime::close_code::kAbnormal, "close handshake failed");
  }
  finish();
}

void WebSocketConnection::read_next() {
  BRIDGESIM_ASSERT(!reading_, "one read at a time");
  reading_ = true;
  ws_.async_read(read_buffer_, [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
}

void WebSocketConnection::on_read(error_code ec) {
  BRIDGESIM_ASSERT(reading_, "a read completes the read in flight");
  reading_ = false;
  if (ec) return on_read_ended(ec);
  const bool is_text = ws_.got_text();
  std::string message = beast::buffers_to_string(read_buffer_.data());
  read_buffer_.consume(read_buffer_.size());
  ++frames_in_;
  if (!is_text) {
    closed_by_ = "server";
    request_close(kUnsupportedData, "binary frames are not supported");
  } else if (state_ == State::kOpen) {
    // After a close frame is due, incoming data is ignored (as in the simulated world).
    deliver_text(std::move(message));
  }
  read_next();
}

void WebSocketConnection::on_read_ended(error_code ec) {
  // Beast ends a pending read with operation_aborted while it closes: how
  // the close handshake ended is the close operation's to say.
  if (state_ == State::kCloseSent) return;  // on_close_sent reports
  const bool close_done = in({State::kCloseAnswered, State::kCloseFailed});
  if (close_done && ec != websocket::error::closed) return end_after_close();
  std::uint16_t code = runtime::close_code::kAbnormal;
  std::string reason = ec.message();
  if (ec == websocket::error::closed && close_done) {
    code = close_frame_.code;  // we closed; the peer answered
    reason = reason_of(close_frame_);
  } else if (peer_close_invalid_) {
    code = kProtocolError;
    reason = "invalid close code " + std::to_string(status_of(ws_.reason()));
  } else if (ec == websocket::error::closed) {
    code = status_of(ws_.reason());
    reason = reason_of(ws_.reason());
  } else if (ec == websocket::error::bad_close_code || ec == websocket::error::bad_close_size ||
             ec == websocket::error::bad_close_payload) {
    code = kProtocolError;  // Beast sent the 1002
    closed_by_ = "server";
  } else if (ec == websocket::error::message_too_big) {
    code = runtime::close_code::kTooBig;
    closed_by_ = "server";
    reason = "message larger than " + std::to_string(server_->limits.frame_bytes_max) + " bytes";
  } else {
    server_->logger->debug("connection {}: read failed: {}", id_, ec.message());
  }
  deliver_closed(code, std::move(reason));
  finish();
}

void WebSocketConnection::deliver_text(std::string text) {
  if (state_ == State::kEnded || !events_.on_text) return;
  try {
    events_.on_text(std::move(text));
  } catch (const std::exception& e) {
    server_->logger->error("connection {}: the system threw on a frame: {}", id_, e.what());
    closed_by_ = "server";
    request_close(runtime::close_code::kInternalError, "internal error");
  }
}

void WebSocketConnection::deliver_closed(std::uint16_t code, std::string reason) {
  if (state_ == State::kEnded) return;
  const bool was_open = !in({State::kAccepting, State::kAcceptingDraining, State::kAcceptingClosing});
  become(State::kEnded);
  if (was_open) {
    const auto lived =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - opened_at_);
    server_->logger->info("ws.closed id={} user={} code={} by={} reason={} frames_in={} frames_out={} unsent={} ms={}",
                          id_, field(user_), code, code == runtime::close_code::kAbnormal ? "reset" : closed_by_,
                          field(reason), frames_in_, frames_out_, queue_.size(), lived.count());
  }
  drop_queue();
  auto events = std::exchange(events_, {});
  if (!events.on_closed) return;
  try {
    events.on_closed(code, std::move(reason));
  } catch (const std::exception& e) {
    server_->logger->error("connection {}: the system threw on close: {}", id_, e.what());
  }
}

void WebSocketConnection::begin_shutdown() {
  if (state_ == State::kOffered) return cut();  // a later accept fails its handshake and reports on_closed
  // Rejected: the response is on its way; the socket closes after it. A
  // close already due (or the end) stays as it is.
  if (state_ != State::kAccepting && state_ != State::kOpen) return;
  closed_by_ = "server";
  // Events already handed over go out before the 1001.
  become(state_ == State::kAccepting ? State::kAcceptingDraining : State::kDraining);
  close_frame_ = make_close_reason(runtime::close_code::kGoingAway, "server shutting down");
  pump();
}

void WebSocketConnection::cut() {
  beast::get_lowest_layer(ws_).close();
  finish();
}

void WebSocketConnection::detach() {
  events_ = {};
  cut();
}

void WebSocketConnection::finish() {
  if (finished_) return;
  finished_ = true;
  drop_queue();
  uncount_outbound(outbound_bytes_);  // a frame still in flight
  server_->forget(serial_);
}

}  // namespace bridgesim::net::detail
