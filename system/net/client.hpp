#pragma once
// A small blocking WebSocket / HTTP client on Beast, for tests and `probe`:
// it drives any server that speaks the wire protocol (docs/protocol.md). Every call
// has a deadline; failures are exceptions that say what went wrong. Beast
// stays behind this header (pimpl), so users do not compile it.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "system/net/tls.hpp"

namespace bridgesim::net {

// Could not connect, the handshake failed, a read or write broke, a deadline passed.
class ClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The server answered the upgrade with an HTTP status other than 101.
class UpgradeRefused : public ClientError {
 public:
  UpgradeRefused(int http_status, std::string body);
  int http_status() const { return http_status_; }
  const std::string& body() const { return body_; }

 private:
  int http_status_;
  std::string body_;
};

struct ClientHandshake {
  std::string target = "/ws";
  std::string bearer_token;               // sent as "Authorization: Bearer <token>" when non-empty
  std::vector<std::string> subprotocols;  // sent as Sec-WebSocket-Protocol when non-empty
};

struct CloseInfo {
  std::uint16_t code = 0;  // 1006 when the connection ended without a close frame
  std::string reason;
};

class WsClient {
 public:
  using Duration = std::chrono::milliseconds;

  WsClient();
  ~WsClient();  // closes (1000) if still open, without throwing
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // TCP connect plus WebSocket handshake. Throws UpgradeRefused (with the
  // HTTP status and body) or ClientError. One connect per client.
  void connect(const std::string& host, std::uint16_t port, const ClientHandshake& handshake,
               Duration timeout = Duration(5'000));
  // The subprotocol the server selected ("" when none).
  const std::string& subprotocol() const;

  void send_text(std::string_view text, Duration timeout = Duration(5'000));
  // The next text frame; nullopt on timeout or once the connection is closed
  // (see close_info()). A timeout leaves the connection usable.
  std::optional<std::string> read_text(Duration timeout);
  // Sends a close frame and waits for the server's; frames still in flight are kept for read_text.
  void close(std::uint16_t code = 1000, std::string_view reason = {}, Duration timeout = Duration(5'000));

  bool is_open() const;
  // Set once the connection ended: the peer's close frame (or ours, if we closed first).
  const std::optional<CloseInfo>& close_info() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct HttpResult {
  int status = 0;
  std::string content_type;
  std::string body;
};

// One request on a fresh connection ("Connection: close"), over TLS when
// tls.enabled (a refused certificate names the reason). Throws ClientError.
HttpResult http_get(const std::string& host, std::uint16_t port, const std::string& target,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(5'000),
                    const TlsClientOptions& tls = {});

}  // namespace bridgesim::net
