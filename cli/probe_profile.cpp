#include "cli/probe_profile.hpp"

namespace bridgesim::cli {
namespace {

class ProfiledConnection final : public scenarios::ClientConnection {
 public:
  ProfiledConnection(std::unique_ptr<scenarios::ClientConnection> inner, const protocol::Profile& profile)
      : inner_(std::move(inner)), profile_(profile) {}
  runtime::ConnectionId id() const override { return inner_->id(); }
  bool is_open() const override { return inner_->is_open(); }
  void send_text(std::string text) override { inner_->send_text(protocol::encode_client_message(profile_, text)); }
  void close(std::uint16_t code, std::string reason) override { inner_->close(code, std::move(reason)); }
  void abort() override { inner_->abort(); }

 private:
  std::unique_ptr<scenarios::ClientConnection> inner_;
  const protocol::Profile& profile_;
};

}  // namespace

std::unique_ptr<scenarios::ClientConnection> ProfiledClientTransport::connect(std::string client_name,
                                                                              runtime::HandshakeRequest request,
                                                                              scenarios::ClientCallbacks callbacks) {
  request.subprotocols = protocol::client_offer(profile_, request.subprotocols);
  if (callbacks.on_text) {
    callbacks.on_text = [on_text = std::move(callbacks.on_text), &profile = profile_](std::string text) {
      on_text(protocol::decode_server_frame(profile, text));
    };
  }
  return std::make_unique<ProfiledConnection>(
      inner_.connect(std::move(client_name), std::move(request), std::move(callbacks)), profile_);
}

}  // namespace bridgesim::cli
