#pragma once
// One accepted socket until its request is read (Beast's example servers'
// `http_session`): a plain HTTP exchange answered by the system, or the
// hand-off of the socket to a WebSocketConnection on an upgrade. Private to
// system/net.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "system/app.hpp"
#include "system/net/beast_common.hpp"
#include "system/net/http_response.hpp"
#include "system/net/server_state.hpp"

namespace bridgesim::net::detail {

class HttpSession final : public Socket, public std::enable_shared_from_this<HttpSession> {
 public:
  // `health_only`: accepted beyond connections_max (the health reserve):
  // only /health* is answered, anything else 503.
  HttpSession(std::shared_ptr<ServerState> state, std::uint64_t serial, tcp::socket socket, bool health_only);
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
  void refuse_too_large();
  // Beast could not parse the request: 400, 431 or 505, or just closed.
  void refuse_unparsed(error_code ec);
  void upgrade(Request request);
  system::HttpResponse ask_handler(const Request& request);
  // `unread_body`: the request was refused before its body was read.
  void respond(int status, std::string_view content_type, std::string_view body, unsigned version,
               bool unread_body = false);
  void linger();
  void finish() {
    if (finished_ || handed_off_) return;
    finished_ = true;
    state_->forget(serial_);
  }

  std::shared_ptr<ServerState> state_;
  const std::uint64_t serial_;
  const std::string peer_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::array<char, 16 * 1024> discard_{};
  std::size_t discarded_ = 0;
  const bool health_only_;
  bool responding_ = false;
  bool handed_off_ = false;  // the socket (and the registry entry) now belong to a WebSocketConnection
  bool finished_ = false;
};

}  // namespace bridgesim::net::detail
