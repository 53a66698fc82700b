#pragma once
// `serve --protocol-profile`: the system speaks bridgesim's flat dialect
// only; this connection re-spells it for the peer. Frames the system sends
// are encoded through the profile, client messages decoded before the system
// reads them, the token subprotocols the profile accepts shown to the system
// as `jwt.<t>` and the answer chosen by the profile's rules (the transport
// still selects only what was offered, RFC 6455).
#include <memory>

#include "protocol/profile.hpp"
#include "system/runtime/connection.hpp"

namespace bridgesim::net {

class ProfiledConnection final : public runtime::Connection {
 public:
  ProfiledConnection(std::shared_ptr<runtime::Connection> inner, std::shared_ptr<const protocol::Profile> profile);

  runtime::ConnectionId id() const override { return inner_->id(); }
  const runtime::HandshakeRequest& handshake() const override { return view_; }
  void accept(std::string_view subprotocol, runtime::ConnectionEvents events) override;
  void reject(int http_status, std::string_view body) override { inner_->reject(http_status, body); }
  void send_text(std::string text) override;
  void close(std::uint16_t code, std::string_view reason) override { inner_->close(code, reason); }
  std::size_t buffered_frames() const override { return inner_->buffered_frames(); }

 private:
  std::shared_ptr<runtime::Connection> inner_;
  std::shared_ptr<const protocol::Profile> profile_;
  runtime::HandshakeRequest view_;  // the handshake as the system reads it
};

// True when `profile` changes nothing on the wire (bridgesim's): serve then
// hands the system its connections as they are.
bool profile_is_identity(const protocol::Profile& profile);

}  // namespace bridgesim::net
