#pragma once
// A client on a bare POSIX socket, for what net::WsClient cannot tell apart:
// how the connection ended (a close frame, a TCP FIN without one, or a reset)
// and the exact bytes. Loopback only; every read has a hang guard.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "proxy/ws_frame.hpp"

namespace bridgesim::proxy_test {

enum class Ending { kStillOpen, kFin, kReset };

class RawClient {
 public:
  explicit RawClient(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("connect() failed");
    }
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Sends an RFC 6455 upgrade with `token` as a bearer; true once a 101 head arrived.
  bool upgrade(const std::string& token) {
    send(
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer " +
        token + "\r\n\r\n");
    while (!proxy::http_head_end(bytes_)) {
      if (read_some() != Ending::kStillOpen) return false;
    }
    const auto end = *proxy::http_head_end(bytes_);
    const bool ok = bytes_.rfind("HTTP/1.1 101", 0) == 0;
    bytes_.erase(0, end);
    return ok;
  }

  void send(const std::string& bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  void send_text(const std::string& text) {
    send(proxy::encode_frame(true, 0, proxy::opcode::kText, text, std::array<std::uint8_t, 4>{1, 2, 3, 4}));
  }

  // Reads until the connection ends (or the guard passes): how it ended; frames() has what arrived.
  Ending read_to_end(std::chrono::milliseconds guard = std::chrono::milliseconds(10'000)) {
    const auto until = std::chrono::steady_clock::now() + guard;
    while (std::chrono::steady_clock::now() < until) {
      const Ending e = read_some();
      if (e != Ending::kStillOpen) return e;
    }
    return Ending::kStillOpen;
  }

  const std::string& bytes() const { return bytes_; }

  // The complete frames received so far (server frames: unmasked).
  std::vector<proxy::WsFrame> frames() const {
    std::vector<proxy::WsFrame> out;
    std::string_view rest = bytes_;
    while (auto f = proxy::parse_frame(rest)) {
      rest.remove_prefix(f->wire.size());
      out.push_back(std::move(*f));
    }
    return out;
  }

 private:
  Ending read_some() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) return Ending::kStillOpen;
    std::array<char, 16 * 1024> chunk{};
    const auto n = ::recv(fd_, chunk.data(), chunk.size(), 0);
    if (n == 0) return Ending::kFin;
    if (n < 0) return errno == ECONNRESET ? Ending::kReset : Ending::kFin;
    bytes_.append(chunk.data(), static_cast<std::size_t>(n));
    return Ending::kStillOpen;
  }

  int fd_;
  std::string bytes_;
};

}  // namespace bridgesim::proxy_test
