#include "system/net/profiled_connection.hpp"

namespace bridgesim::net {

ProfiledConnection::ProfiledConnection(std::shared_ptr<runtime::Connection> inner,
                                       std::shared_ptr<const protocol::Profile> profile)
    : inner_(std::move(inner)), profile_(std::move(profile)), view_(inner_->handshake()) {
  view_.subprotocols = protocol::server_view_of_offer(*profile_, view_.subprotocols);
}

void ProfiledConnection::accept(std::string_view subprotocol, runtime::ConnectionEvents events) {
  if (events.on_text) {
    events.on_text = [on_text = std::move(events.on_text), profile = profile_](std::string text) {
      on_text(protocol::decode_client_message(*profile, text));
    };
  }
  // The system answers a subprotocol only when the token came in one; the
  // profile then says which.
  std::string answer(subprotocol);
  if (!answer.empty() && !profile_->subprotocols_default()) {
    answer = protocol::select_subprotocol(*profile_, inner_->handshake().subprotocols);
  }
  inner_->accept(answer, std::move(events));
}

void ProfiledConnection::send_text(std::string text) {
  inner_->send_text(protocol::encode_server_frame(*profile_, text));
}

bool profile_is_identity(const protocol::Profile& profile) {
  return profile.events_flat() && profile.clients_flat() && profile.subprotocols_default();
}

}  // namespace bridgesim::net
