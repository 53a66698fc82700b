#include "system/messenger.hpp"

#include <utility>

#include "protocol/frames.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::system {

// A handler runs only on a valid critical path, which has a manager.
void Messenger::send(runtime::ConnectionId id, std::string frame) {
  BRIDGESIM_ASSERT(manager_ != nullptr, "a handler sends only on a valid critical path (with a manager)");
  manager_->send_to_connection(id, std::move(frame));
}

void Messenger::send_error(runtime::ConnectionId id, std::string_view code, std::string_view message) {
  BRIDGESIM_ASSERT(manager_ != nullptr, "a handler sends only on a valid critical path (with a manager)");
  manager_->send_to_connection(id, protocol::make_error_frame(code, message));
}

void Messenger::close(runtime::ConnectionId id, std::uint16_t code, std::string_view reason) {
  BRIDGESIM_ASSERT(manager_ != nullptr, "a handler closes only on a valid critical path (with a manager)");
  manager_->close(id, code, reason);
}

}  // namespace bridgesim::system
