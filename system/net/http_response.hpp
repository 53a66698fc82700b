#pragma once
// The server's HTTP vocabulary, shared by the HTTP session (every answer it
// writes) and the WebSocket connection (an upgrade the system rejects).
// Private to system/net (it carries Beast types).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "system/net/beast_common.hpp"

namespace bridgesim::net::detail {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// The Server header of every answer, HTTP and WebSocket upgrade alike.
inline constexpr std::string_view kServerName = "bridgesim";

inline std::chrono::milliseconds ms(std::int64_t n) { return std::chrono::milliseconds(n); }

inline std::string_view view_of(beast::string_view s) { return {s.data(), s.size()}; }

// A complete answer that closes the connection (no keep-alive, no caching).
// Shared: the async write that sends it must keep it alive.
std::shared_ptr<Response> make_response(int status, std::string_view content_type, std::string_view body,
                                        unsigned version);

}  // namespace bridgesim::net::detail
