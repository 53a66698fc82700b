#pragma once
// Private to system/net's Beast code (the server's parts, client.cpp,
// async_client.cpp): the Beast headers, the short names they use, and the
// RFC 6455 details both ends of a WebSocket share. Never include it from a
// public header (server.hpp, client.hpp, async_client.hpp, app_server.hpp).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace bridgesim::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using beast::error_code;

// RFC 6455: a close frame's reason fits in 123 bytes.
constexpr std::size_t kCloseReasonMax = 123;
// RFC 6455: the status to report for a close frame that carried none.
constexpr std::uint16_t kNoStatusReceived = 1005;

// A close frame's payload; a longer reason is cut to fit.
inline websocket::close_reason make_close_reason(std::uint16_t code, std::string_view reason) {
  websocket::close_reason frame(code);
  reason = reason.substr(0, kCloseReasonMax);
  frame.reason.assign(reason.data(), reason.size());
  return frame;
}

// The status a received close frame reports.
inline std::uint16_t status_of(const websocket::close_reason& frame) {
  return frame.code == websocket::close_code::none ? kNoStatusReceived : static_cast<std::uint16_t>(frame.code);
}

inline std::string reason_of(const websocket::close_reason& frame) {
  return std::string(frame.reason.data(), frame.reason.size());
}

// RFC 6455 section 7.4 and the IANA registry: the codes a close frame may
// carry on the wire. Beast accepts 5000 and above too; we do not.
inline bool is_valid_wire_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;  // registered (3xxx) and private (4xxx)
  switch (code) {
    case 1000:
    case 1001:
    case 1002:
    case 1003:
    case 1007:
    case 1008:
    case 1009:
    case 1010:
    case 1011:
    case 1012:
    case 1013:
    case 1014: return true;
    default: return false;  // 1004-1006 and 1015 are reserved, never sent; the rest unassigned
  }
}

// RFC 6455 section 4.2.2: the subprotocol the server answers is one the
// client offered, or none. `wanted` is the system's choice; docs/protocol.md
// section 1: "jwt-auth" when offered, else the `jwt.<token>` entry the token
// came in (the first such entry, as system/auth.cpp reads it), else none.
inline std::string select_subprotocol(const std::vector<std::string>& offered, std::string_view wanted) {
  if (wanted.empty()) return {};
  const auto is_offered = [&](std::string_view p) {
    return std::find(offered.begin(), offered.end(), p) != offered.end();
  };
  if (is_offered(wanted)) return std::string(wanted);
  if (wanted == "jwt-auth") {
    constexpr std::string_view kTokenPrefix = "jwt.";
    for (const auto& p : offered) {
      if (p.size() > kTokenPrefix.size() && std::string_view(p).substr(0, kTokenPrefix.size()) == kTokenPrefix)
        return p;
    }
  }
  return {};
}

}  // namespace bridgesim::net
