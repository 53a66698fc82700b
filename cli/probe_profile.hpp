#pragma once
// The probe's clients speak bridgesim's flat dialect; a protocol profile
// (protocol/profile.hpp) re-spells it on the wire. This transport sits
// between the clients and the live one: what a client sends is encoded
// through the profile, what it receives decoded, the subprotocol offer
// re-spelled, so the clients and the checkers are exactly today's.
#include <memory>
#include <optional>
#include <string>

#include "protocol/profile.hpp"
#include "scenarios/client_world.hpp"

namespace bridgesim::cli {

class ProfiledClientTransport final : public scenarios::ClientTransport {
 public:
  // `inner` and `profile` outlive this object.
  ProfiledClientTransport(scenarios::ClientTransport& inner, const protocol::Profile& profile)
      : inner_(inner), profile_(profile) {}

  std::unique_ptr<scenarios::ClientConnection> connect(std::string client_name, runtime::HandshakeRequest request,
                                                       scenarios::ClientCallbacks callbacks) override;
  std::optional<runtime::ConnectionId> post(std::string client_name, sim::HttpExchange request,
                                            std::function<void(sim::HttpAnswer)> on_answer) override {
    return inner_.post(std::move(client_name), std::move(request), std::move(on_answer));
  }

 private:
  scenarios::ClientTransport& inner_;
  const protocol::Profile& profile_;
};

}  // namespace bridgesim::cli
