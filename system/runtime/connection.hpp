#pragma once
// The server side of one WebSocket connection, as the system sees it.
// Implemented by the simulated network (sim/) and by Beast (system/net/).
//
// Contract, identical in both worlds:
//  * the system calls exactly one of accept() / reject() first;
//  * send_text() before accept() or after close() is a protocol violation:
//    the transport drops the frame and reports it (sim: trace record; real:
//    an error log) — the system must never do it, and asserts so itself;
//  * on_text / on_closed are delivered on the system's single thread;
//  * on_closed is delivered exactly once, whoever closed.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bridgesim::runtime {

using ConnectionId = std::uint64_t;

struct HandshakeRequest {
  std::string target;                     // e.g. "/ws"
  std::string authorization;              // raw Authorization header, may be empty
  std::vector<std::string> subprotocols;  // Sec-WebSocket-Protocol, split on ','
};

// The client's end of a connection, as every transport reports it (the
// simulated network, the Beast client): a handshake ends in exactly one of
// on_open / on_rejected; after on_open, on_text per text frame, then
// on_closed exactly once; nothing after on_rejected or on_closed. Client
// workloads cannot tell the transports apart.
struct ClientCallbacks {
  std::function<void(std::string subprotocol)> on_open;
  std::function<void(int http_status, std::string body)> on_rejected;  // 0: no HTTP answer
  std::function<void(std::string text)> on_text;
  std::function<void(std::uint16_t code, std::string reason)> on_closed;
};

namespace close_code {
constexpr std::uint16_t kNormal = 1000;
constexpr std::uint16_t kGoingAway = 1001;
constexpr std::uint16_t kAbnormal = 1006;  // never sent on the wire: no close frame
constexpr std::uint16_t kPolicyViolation = 1008;
constexpr std::uint16_t kTooBig = 1009;
constexpr std::uint16_t kInternalError = 1011;
constexpr std::uint16_t kTryAgainLater = 1013;
}  // namespace close_code

struct ConnectionEvents {
  std::function<void(std::string text)> on_text;
  std::function<void(std::uint16_t code, std::string reason)> on_closed;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual ConnectionId id() const = 0;
  virtual const HandshakeRequest& handshake() const = 0;
  // Completes the upgrade; `subprotocol` (may be empty) is echoed back.
  virtual void accept(std::string_view subprotocol, ConnectionEvents events) = 0;
  // Refuses the upgrade with an HTTP status (401, 503, ...).
  virtual void reject(int http_status, std::string_view body) = 0;
  virtual void send_text(std::string text) = 0;
  // Sends a close frame; no frame may follow it.
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
  // Frames handed to send_text that the peer has not yet taken: what a slow
  // consumer grows. The system bounds it.
  virtual std::size_t buffered_frames() const { return 0; }
};

}  // namespace bridgesim::runtime
