#pragma once
// RFC 6455 frames as the proxy sees them on the wire, both ways: a client's
// frames are masked, a server's are not. The proxy forwards a frame's bytes
// as they came; a frame it makes itself (a duplicate, a close on someone's
// behalf) follows the same rule: masked with a fresh key toward the server,
// unmasked toward the client. No sockets here: tested byte for byte.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bridgesim::proxy {

// The bytes are not a WebSocket frame stream (reserved opcode, a control
// frame longer than 125 bytes or fragmented, a length beyond the bound).
class FrameError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace opcode {
constexpr std::uint8_t kContinuation = 0x0;
constexpr std::uint8_t kText = 0x1;
constexpr std::uint8_t kBinary = 0x2;
constexpr std::uint8_t kClose = 0x8;
constexpr std::uint8_t kPing = 0x9;
constexpr std::uint8_t kPong = 0xa;
}  // namespace opcode

// The largest frame payload the proxy holds: a larger frame ends the link
// (the proxy never buffers unboundedly; the system's own cap is far below).
constexpr std::uint64_t kFramePayloadMax = 16 * 1024 * 1024;

struct WsFrame {
  bool fin = true;
  std::uint8_t rsv = 0;  // the three RSV bits (a compression extension sets RSV1)
  std::uint8_t opcode = opcode::kText;
  bool masked = false;
  std::array<std::uint8_t, 4> mask{};
  std::string payload;  // unmasked
  std::string wire;     // the frame's bytes exactly as they arrived

  bool is_data() const { return opcode == opcode::kText || opcode == opcode::kBinary; }
  bool is_control() const { return (opcode & 0x8) != 0; }
};

// The first complete frame of `bytes`; nullopt while incomplete. Throws FrameError.
std::optional<WsFrame> parse_frame(std::string_view bytes);

// A frame's bytes: masked with `mask` when given (toward a server), unmasked otherwise.
std::string encode_frame(bool fin, std::uint8_t rsv, std::uint8_t op, std::string_view payload,
                         const std::optional<std::array<std::uint8_t, 4>>& mask);

// A close frame's payload: the code (big-endian) and a reason cut to 123 bytes.
std::string close_payload(std::uint16_t code, std::string_view reason);

// The code a close frame's payload carries; 1005 for an empty payload.
std::uint16_t close_code_of(std::string_view payload);

// Byte offset just past "\r\n\r\n" (an HTTP head's end); nullopt while incomplete.
std::optional<std::size_t> http_head_end(std::string_view bytes);

}  // namespace bridgesim::proxy
