#include "system/messenger.hpp"

#include <utility>

#include "protocol/frames.hpp"

namespace bridgesim::system {

void Messenger::send(runtime::ConnectionId id, std::string frame) {
  manager_->send_to_connection(id, std::move(frame));
}

void Messenger::send_error(runtime::ConnectionId id, std::string_view code, std::string_view message) {
  manager_->send_to_connection(id, protocol::make_error_frame(code, message));
}

void Messenger::close(runtime::ConnectionId id, std::uint16_t code, std::string_view reason) {
  manager_->close(id, code, reason);
}

}  // namespace bridgesim::system
