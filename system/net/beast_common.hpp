#pragma once
// Private to system/net's Beast code (the server's parts, client.cpp,
// async_client.cpp): the Beast headers, the short names they use, and the
// RFC 6455 details both ends of a WebSocket share. Never include it from a
// public header (server.hpp, client.hpp, async_client.hpp, app_server.hpp).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

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

}  // namespace bridgesim::net
