#include "proxy/ws_frame.hpp"

namespace bridgesim::proxy {
namespace {

std::uint8_t byte_at(std::string_view bytes, std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); }

void check_header(const WsFrame& f, std::uint64_t length) {
  const bool known = f.opcode <= opcode::kBinary || (f.opcode >= opcode::kClose && f.opcode <= opcode::kPong);
  if (!known) throw FrameError("reserved WebSocket opcode " + std::to_string(f.opcode));
  if (f.is_control() && (length > 125 || !f.fin)) {
    throw FrameError("a control frame longer than 125 bytes or fragmented");
  }
  if (length > kFramePayloadMax) {
    throw FrameError("a frame of " + std::to_string(length) + " bytes (the proxy holds at most " +
                     std::to_string(kFramePayloadMax) + ")");
  }
}

}  // namespace

std::optional<WsFrame> parse_frame(std::string_view bytes) {
  if (bytes.size() < 2) return std::nullopt;
  WsFrame f;
  const std::uint8_t b0 = byte_at(bytes, 0), b1 = byte_at(bytes, 1);
  f.fin = (b0 & 0x80) != 0;
  f.rsv = static_cast<std::uint8_t>((b0 >> 4) & 0x7);
  f.opcode = b0 & 0x0f;
  f.masked = (b1 & 0x80) != 0;
  std::uint64_t length = b1 & 0x7f;
  std::size_t at = 2;
  if (length == 126 || length == 127) {
    const std::size_t width = length == 126 ? 2 : 8;
    if (bytes.size() < at + width) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < width; ++i) length = (length << 8) | byte_at(bytes, at + i);
    at += width;
  }
  check_header(f, length);
  if (f.masked) {
    if (bytes.size() < at + 4) return std::nullopt;
    for (std::size_t i = 0; i < 4; ++i) f.mask[i] = byte_at(bytes, at + i);
    at += 4;
  }
  if (bytes.size() < at + length) return std::nullopt;
  f.payload.assign(bytes.substr(at, static_cast<std::size_t>(length)));
  if (f.masked) {
    for (std::size_t i = 0; i < f.payload.size(); ++i) f.payload[i] = static_cast<char>(f.payload[i] ^ f.mask[i % 4]);
  }
  f.wire.assign(bytes.substr(0, at + static_cast<std::size_t>(length)));
  return f;
}

std::string encode_frame(bool fin, std::uint8_t rsv, std::uint8_t op, std::string_view payload,
                         const std::optional<std::array<std::uint8_t, 4>>& mask) {
  std::string out;
  out += static_cast<char>((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (op & 0x0f));
  const std::uint8_t mask_bit = mask ? 0x80 : 0;
  const std::uint64_t n = payload.size();
  if (n < 126) {
    out += static_cast<char>(mask_bit | n);
  } else if (n <= 0xffff) {
    out += static_cast<char>(mask_bit | 126);
    out += static_cast<char>((n >> 8) & 0xff);
    out += static_cast<char>(n & 0xff);
  } else {
    out += static_cast<char>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
  }
  if (!mask) return out.append(payload);
  for (const auto b : *mask) out += static_cast<char>(b);
  for (std::size_t i = 0; i < payload.size(); ++i) out += static_cast<char>(payload[i] ^ (*mask)[i % 4]);
  return out;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
  std::string out;
  out += static_cast<char>(code >> 8);
  out += static_cast<char>(code & 0xff);
  return out.append(reason.substr(0, 123));
}

std::uint16_t close_code_of(std::string_view payload) {
  if (payload.size() < 2) return 1005;
  return static_cast<std::uint16_t>((byte_at(payload, 0) << 8) | byte_at(payload, 1));
}

std::optional<std::size_t> http_head_end(std::string_view bytes) {
  const auto at = bytes.find("\r\n\r\n");
  if (at == std::string_view::npos) return std::nullopt;
  return at + 4;
}

}  // namespace bridgesim::proxy
