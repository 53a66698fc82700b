#pragma once
// The server side of one WebSocket (Beast's example servers'
// `websocket_session`): the runtime::Connection the system sees. Its own
// write queue with one outstanding write (or close) at a time, one read
// loop, and one lifecycle (State) whose every change goes through become().
// Private to system/net.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "system/net/beast_common.hpp"
#include "system/net/http_response.hpp"
#include "system/net/server_state.hpp"
#include "system/runtime/connection.hpp"

namespace bridgesim::net::detail {

class WebSocketConnection final : public runtime::Connection,
                                  public Socket,
                                  public std::enable_shared_from_this<WebSocketConnection> {
 public:
  WebSocketConnection(std::shared_ptr<ServerState> server, std::uint64_t serial, runtime::ConnectionId id,
                      tcp::socket socket, Request request, std::string peer);
  ~WebSocketConnection() override { finish(); }

  runtime::ConnectionId id() const override { return id_; }
  const runtime::HandshakeRequest& handshake() const override { return handshake_; }
  std::size_t buffered_frames() const override { return queue_.size() + (write_ == Write::kFrame ? 1 : 0); }

  // Hands the connection to the system, which accepts or rejects it (now or later).
  void offer_to_app();

  void accept(std::string_view subprotocol, runtime::ConnectionEvents events) override;
  void reject(int http_status, std::string_view body) override;
  void send_text(std::string text) override;
  void close(std::uint16_t code, std::string_view reason) override;

  void begin_shutdown() override;
  void cut() override;
  void detach() override;
  std::size_t sheddable_bytes() const override;
  std::string_view user() const override { return user_; }
  void shed() override;

 private:
  // The lifecycle. A close frame becomes due on its own (the system's
  // close(), a transport limit, stop()) and may do so before the handshake
  // has completed: the kAccepting* states are those that wait for it.
  enum class State {
    kOffered,            // handed to the system, which has not decided yet
    kRejected,           // refused: the HTTP answer is on its way, then the socket closes
    kAccepting,          // accepted: the WebSocket handshake is in flight
    kAcceptingDraining,  // ... and stop() is due, as kDraining once open
    kAcceptingClosing,   // ... and a close is due, as kClosing once open
    kOpen,               // frames flow both ways
    kDraining,           // stop(): frames the system still sends go out before the 1001
    kClosing,            // a close frame is due after the queued frames; new frames are dropped
    kCloseSent,          // async_close is in flight
    kCloseAnswered,      // the peer answered our close frame; the read loop has yet to end
    kCloseFailed,        // the close handshake failed; the read loop has yet to end
    kEnded,              // on_closed delivered: the system hears nothing more
  };
  // What the single write slot carries.
  enum class Write { kIdle, kFrame, kClose };

  // Every change of state_: a broken invariant (BRIDGESIM_ASSERT) when `to`
  // cannot follow the current state (a bug in this class, never the system's doing).
  void become(State to);
  bool in(std::initializer_list<State> states) const;
  bool accepted() const { return !in({State::kOffered, State::kRejected}); }

  void on_handshake(error_code ec);
  void read_next();
  void on_read(error_code ec);
  void on_read_ended(error_code ec);
  // A close frame is due: after the queued frames, then nothing more.
  void request_close(std::uint16_t code, std::string_view reason);
  void pump();
  void on_written(error_code ec);
  void on_close_sent(error_code ec);
  void end_after_close();
  // The byte budgets (ServerLimits::outbound_*): every frame queued is
  // counted here and in the server's totals until written or dropped.
  void count_outbound(std::size_t bytes);
  void uncount_outbound(std::size_t bytes);
  void drop_queue();
  // Drops the queue and closes 1013 (slow consumer).
  void shed_queue(std::string_view reason);
  // Beast's control callback saw the peer's close frame (before it answers it).
  void on_peer_close_frame();
  void deliver_text(std::string text);
  void deliver_closed(std::uint16_t code, std::string reason);
  void finish();

  std::shared_ptr<ServerState> server_;
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
  State state_ = State::kOffered;
  // The close frame due: valid from kAcceptingDraining, kAcceptingClosing,
  // kDraining or kClosing on.
  websocket::close_reason close_frame_;
  Write write_ = Write::kIdle;
  bool reading_ = false;             // an async_read is in flight
  bool system_closed_ = false;       // the system called close(): its later calls are violations
  bool finished_ = false;            // left the server's registry
  bool peer_close_invalid_ = false;  // the peer's close code is not allowed on the wire: failed 1002
  std::size_t outbound_bytes_ = 0;   // queued and in flight
  std::deque<std::string> queue_;
  std::string in_flight_;
};

}  // namespace bridgesim::net::detail
