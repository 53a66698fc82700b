#pragma once
// Where `bridgesim probe` connects: a live server's WebSocket endpoint as a
// ws:// or wss:// URL, and the error a probe that cannot run as asked throws.
#include <cstdint>
#include <string>
#include <string_view>

#include "cli/commands.hpp"

namespace bridgesim::cli {

// The probe cannot run as asked: a bad URL or option, an unreachable server.
// The CLI exits 2 with its message.
class ProbeInputError : public UsageError {
 public:
  using UsageError::UsageError;
};

struct WsUrl {
  std::string host;            // a name or an address; an IPv6 address without brackets
  std::uint16_t port = 80;     // 443 for wss:// when absent
  std::string target = "/ws";  // path (+ query): the handshake's request target
  bool tls = false;            // wss://
  std::string text() const;    // ws[s]://HOST:PORT/TARGET again
};

// ws[s]://HOST[:PORT]/PATH[?QUERY] (HOST a name, an IPv4 address or [IPv6];
// PORT 80, or 443 for wss, when absent). Throws ProbeInputError saying exactly what is wrong.
WsUrl parse_ws_url(std::string_view url);

}  // namespace bridgesim::cli
