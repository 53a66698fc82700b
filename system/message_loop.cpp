#include "system/message_loop.hpp"

#include <exception>
#include <utility>

#include <boost/json.hpp>

#include "protocol/fields.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::system {

MessageLoop::MessageLoop(const ConnectionManager& manager, const MessageRouter& router, Messenger& messenger,
                         std::size_t frame_bytes_max, runtime::Logger logger)
    : manager_(manager),
      router_(router),
      messenger_(messenger),
      frame_bytes_max_(frame_bytes_max),
      logger_(std::move(logger)) {}

void MessageLoop::on_text(runtime::ConnectionId id, std::string text) {
  const auto user = manager_.user_of(id);
  if (!user) return;  // closed meanwhile
  BRIDGESIM_ASSERT(!user->empty(), "an admitted connection belongs to a user");
  if (text.size() > frame_bytes_max_) {
    return messenger_.send_error(
        id, protocol::error_codes::kFrameTooLarge,
        "frame of " + std::to_string(text.size()) + " bytes exceeds the limit of " + std::to_string(frame_bytes_max_));
  }
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(text, ec);
  if (ec)
    return messenger_.send_error(id, protocol::error_codes::kInvalidJson, "frame is not valid JSON: " + ec.message());
  if (!parsed.is_object())
    return messenger_.send_error(id, protocol::error_codes::kInvalidMessage, "frame must be a JSON object");
  const auto& body = parsed.as_object();
  const auto* type = body.if_contains(protocol::field::kType);
  if (type == nullptr || !type->is_string()) {
    return messenger_.send_error(id, protocol::error_codes::kInvalidMessage, "frame has no string 'type'");
  }
  const RequestContext request{id, *user};
  try {
    if (!router_.dispatch(type->as_string(), request, body)) {
      messenger_.send_error(id, protocol::error_codes::kUnknownType,
                            "unknown message type '" + std::string(type->as_string()) + "'");
    }
  } catch (const BadRequest& e) {
    messenger_.send_error(id, e.code(), e.what());
  } catch (const std::exception& e) {
    // The message loop never dies from one request.
    logger_->error("handler for '{}' failed: {}", std::string(type->as_string()), e.what());
    messenger_.send_error(id, protocol::error_codes::kInternalError, "request failed; retry");
  }
}

}  // namespace bridgesim::system
