#pragma once
// A raw TCP client for the hostile-peer tests: bytes exactly as written
// (what no well-behaved client library sends), reads with a deadline that
// is only a hang guard. POSIX sockets, loopback only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bridgesim::net::testing {

// A server frame (unmasked): its opcode and payload.
struct Frame {
  unsigned opcode = 0;  // 0x1 text, 0x8 close, 0x9 ping, ...
  std::string payload;
};

// The complete frames at the start of `bytes` (an incomplete tail is left).
inline std::vector<Frame> parse_frames(std::string_view bytes) {
  std::vector<Frame> frames;
  std::size_t at = 0;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  while (at + 2 <= bytes.size()) {
    std::uint64_t length = byte(at + 1) & 0x7f;
    std::size_t header = 2;
    if (length == 126 || length == 127) {
      const std::size_t width = length == 126 ? 2 : 8;
      if (at + 2 + width > bytes.size()) break;
      length = 0;
      for (std::size_t i = 0; i < width; ++i) length = (length << 8) | byte(at + 2 + i);
      header += width;
    }
    if (at + header + length > bytes.size()) break;
    frames.push_back(Frame{byte(at) & 0x0fu, std::string(bytes.substr(at + header, length))});
    at += header + length;
  }
  return frames;
}

// The code of the first close frame among `frames`; nullopt when none.
inline std::optional<std::uint16_t> close_code_of(const std::vector<Frame>& frames) {
  for (const auto& frame : frames) {
    if (frame.opcode == 0x8 && frame.payload.size() >= 2) {
      return static_cast<std::uint16_t>((static_cast<unsigned char>(frame.payload[0]) << 8) |
                                        static_cast<unsigned char>(frame.payload[1]));
    }
  }
  return std::nullopt;
}

inline std::size_t text_frames(const std::vector<Frame>& frames) {
  std::size_t n = 0;
  for (const auto& frame : frames) n += frame.opcode == 0x1 ? 1 : 0;
  return n;
}

// A masked client close frame with `code` (mask 0: the payload as is).
inline std::string client_close_frame(std::uint16_t code) {
  std::string frame{'\x88', '\x82', '\0', '\0', '\0', '\0'};
  frame.push_back(static_cast<char>(code >> 8));
  frame.push_back(static_cast<char>(code & 0xff));
  return frame;
}

class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect() failed");
    }
  }
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  // Writes all of `bytes`; false if the peer is gone.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Whatever arrives until the peer closes (or resets), or `guard` passes:
  // the bytes, and whether the peer ended the connection.
  struct Received {
    std::string bytes;
    bool ended = false;
  };
  Received read_until_end(std::chrono::milliseconds guard = std::chrono::milliseconds(10'000)) {
    Received received;
    const auto deadline = std::chrono::steady_clock::now() + guard;
    std::array<char, 16 * 1024> chunk{};
    while (true) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return received;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return received;
      const auto n = ::recv(fd_, chunk.data(), chunk.size(), 0);
      if (n <= 0) {
        received.ended = true;
        return received;
      }
      received.bytes.append(chunk.data(), static_cast<std::size_t>(n));
    }
  }

  // Reads until `n` text frames have arrived (or the peer ends, or `guard` passes).
  std::vector<Frame> read_text_frames(std::size_t n,
                                      std::chrono::milliseconds guard = std::chrono::milliseconds(10'000)) {
    std::string bytes;
    const auto deadline = std::chrono::steady_clock::now() + guard;
    std::array<char, 16 * 1024> chunk{};
    while (text_frames(parse_frames(bytes)) < n) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      const auto got = ::recv(fd_, chunk.data(), chunk.size(), 0);
      if (got <= 0) break;
      bytes.append(chunk.data(), static_cast<std::size_t>(got));
    }
    return parse_frames(bytes);
  }

  // Reads until a close frame has arrived (or the peer ends, or `guard`
  // passes), answers it with the same code as a well-behaved client does,
  // and reads on until the peer ends: every frame received.
  std::vector<Frame> read_until_close(std::chrono::milliseconds guard = std::chrono::milliseconds(10'000)) {
    std::string bytes;
    const auto deadline = std::chrono::steady_clock::now() + guard;
    std::array<char, 16 * 1024> chunk{};
    while (!close_code_of(parse_frames(bytes))) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      const auto got = ::recv(fd_, chunk.data(), chunk.size(), 0);
      if (got <= 0) break;
      bytes.append(chunk.data(), static_cast<std::size_t>(got));
    }
    if (const auto code = close_code_of(parse_frames(bytes))) {
      send(client_close_frame(*code));
      ::shutdown(fd_, SHUT_WR);  // the client's end of the TCP close too
      read_until_end(guard);
    }
    return parse_frames(bytes);
  }

  // Reads until `bytes` holds `marker` (or the peer ends, or `guard` passes).
  std::string read_until(std::string_view marker, std::chrono::milliseconds guard = std::chrono::milliseconds(10'000)) {
    std::string bytes;
    const auto deadline = std::chrono::steady_clock::now() + guard;
    char c = 0;
    while (bytes.find(marker) == std::string::npos) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      if (::recv(fd_, &c, 1, 0) <= 0) break;
      bytes.push_back(c);
    }
    return bytes;
  }

 private:
  int fd_;
};

// The status of an HTTP answer ("HTTP/1.1 400 Bad Request..."); 0 if none.
inline int status_of_answer(std::string_view answer) {
  if (answer.size() < 12 || answer.substr(0, 5) != "HTTP/") return 0;
  return std::stoi(std::string(answer.substr(9, 3)));
}

// An RFC 6455 upgrade request (no token: for servers that accept anyone).
inline std::string upgrade_request(std::string_view extra_headers = {}) {
  return "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
         std::string(extra_headers) + "\r\n";
}

}  // namespace bridgesim::net::testing
