#include "system/default_handlers.hpp"

#include <cstdint>
#include <utility>

#include <boost/json.hpp>

#include "protocol/fields.hpp"
#include "protocol/frames.hpp"
#include "protocol/message_types.hpp"
#include "system/critical_path.hpp"
#include "system/runtime/connection.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::system {
namespace {

namespace client = protocol::client_type;
namespace field = protocol::field;

std::uint64_t required_seq(const boost::json::object& body, std::string_view field) {
  const auto* v = body.if_contains(field);
  if (v == nullptr) throw BadRequest(protocol::error_codes::kBadRequest, "missing field '" + std::string(field) + "'");
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
  throw BadRequest(protocol::error_codes::kBadRequest,
                   "field '" + std::string(field) + "' must be a non-negative integer");
}

}  // namespace

void register_default_handlers(MessageRouter& router, RunService& runs, Messenger& messenger,
                               std::string default_agent) {
  router.add_handler(client::kUserMessage, [&runs, default_agent = std::move(default_agent)](
                                               const RequestContext& request, const boost::json::object& body) {
    // Validated in a fixed order (a call's arguments are evaluated in an
    // unspecified one, so the missing field named would differ by compiler):
    // the order g++ happened to use, so traces stay as they were.
    std::string text = required_string(body, field::kText);
    std::string client_msg_id = required_string(body, field::kClientMsgId);
    std::string thread_id = required_string(body, field::kThreadId);
    runs.start(request, std::move(thread_id), std::move(client_msg_id), default_agent, std::move(text));
  });
  router.add_handler(client::kStartAgent, [&runs](const RequestContext& request, const boost::json::object& body) {
    const std::string agent = required_string(body, field::kAgent);
    const std::string thread_id = required_string(body, field::kThreadId);
    // Each start_agent is a new run; a client that wants retries to be
    // idempotent names the request with client_msg_id, as user_message does.
    const auto* id = body.if_contains(field::kClientMsgId);
    const std::string request_id = id != nullptr && id->is_string() ? std::string(id->as_string()) : std::string();
    runs.start(request, thread_id, request_id, agent, required_string(body, field::kInput));
  });
  router.add_handler(client::kPing, [&messenger](const RequestContext& request, const boost::json::object&) {
    messenger.send(request.connection_id, protocol::make_pong());
  });
  router.add_handler(client::kDisconnect, [&messenger](const RequestContext& request, const boost::json::object&) {
    messenger.close(request.connection_id, runtime::close_code::kNormal, "client requested disconnect");
  });
  router.add_handler(client::kResume, [&runs](const RequestContext& request, const boost::json::object& body) {
    const std::uint64_t after_seq = required_seq(body, field::kAfterSeq);  // first, as above
    runs.resume(request, required_string(body, field::kRunId), after_seq);
  });
  router.add_handler(client::kCancel, [&runs](const RequestContext& request, const boost::json::object& body) {
    runs.cancel(request, required_string(body, field::kRunId));
  });
  for (const auto type : kRequiredHandlers) {
    BRIDGESIM_ASSERT(router.has_handler(type), "the production handler set covers every required handler");
  }
}

}  // namespace bridgesim::system
