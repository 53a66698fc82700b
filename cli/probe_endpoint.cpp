#include "cli/probe_endpoint.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace bridgesim::cli {

std::string WsUrl::text() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return std::string(tls ? "wss://" : "ws://") + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + target;
}

WsUrl parse_ws_url(std::string_view url) {
  const std::string shown(url);
  const auto fail = [&shown](const std::string& why) {
    throw ProbeInputError("--url '" + shown + "': " + why +
                          " (expected ws://HOST:PORT/PATH or wss://HOST:PORT/PATH, e.g. ws://127.0.0.1:8080/ws)");
  };
  if (url.empty()) fail("empty");
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) fail("contains a space or a control character");
  }
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) fail("no scheme");
  std::string scheme(url.substr(0, scheme_end));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme != "ws" && scheme != "wss") fail("scheme '" + scheme + "' is not ws or wss");
  const std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) fail("a fragment (#...) has no meaning in a WebSocket URL");
  const auto path_at = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, path_at);
  const std::string_view target = path_at == std::string_view::npos ? std::string_view{} : rest.substr(path_at);
  if (authority.find('@') != std::string_view::npos) {
    fail("credentials in the URL are not supported (tokens are minted with --token-secret)");
  }
  WsUrl out;
  out.tls = scheme == "wss";
  if (out.tls) out.port = 443;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) fail("unterminated [IPv6] address");
    out.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':')
      fail("unexpected '" + std::string(after) + "' after the [IPv6] address");
    has_port = !after.empty();
    if (has_port) port_text = after.substr(1);
  } else {
    const auto colon = authority.find(':');
    if (colon != authority.rfind(':')) fail("an IPv6 address must be in brackets, e.g. ws://[::1]:8080/ws");
    out.host = std::string(authority.substr(0, colon));
    has_port = colon != std::string_view::npos;
    if (has_port) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) fail("no host");
  if (has_port) {
    const bool digits =
        !port_text.empty() && port_text.size() <= 5 &&
        std::all_of(port_text.begin(), port_text.end(), [](unsigned char c) { return std::isdigit(c); });
    const long port = digits ? std::stol(std::string(port_text)) : 0;
    if (port < 1 || port > 65535) fail("port '" + std::string(port_text) + "' is not a number from 1 to 65535");
    out.port = static_cast<std::uint16_t>(port);
  }
  if (target.empty() || target.front() != '/')
    fail("no path: the WebSocket endpoint's path is needed (the protocol's is /ws)");
  out.target = std::string(target);
  return out;
}

}  // namespace bridgesim::cli
