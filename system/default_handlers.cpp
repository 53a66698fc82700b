#include "system/default_handlers.hpp"

#include <cstdint>
#include <utility>

#include <boost/json.hpp>

#include "protocol/frames.hpp"
#include "system/runtime/connection.hpp"

namespace bridgesim::system {
namespace {

std::uint64_t required_seq(const boost::json::object& body, std::string_view field) {
  const auto* v = body.if_contains(field);
  if (v == nullptr) throw BadRequest("bad_request", "missing field '" + std::string(field) + "'");
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
  throw BadRequest("bad_request", "field '" + std::string(field) + "' must be a non-negative integer");
}

}  // namespace

void register_default_handlers(MessageRouter& router, RunService& runs, Messenger& messenger,
                               std::string default_agent) {
  router.add_handler("user_message", [&runs, default_agent = std::move(default_agent)](
                                         const RequestContext& request, const boost::json::object& body) {
    runs.start(request, required_string(body, "thread_id"), required_string(body, "client_msg_id"), default_agent,
               required_string(body, "text"));
  });
  router.add_handler("start_agent", [&runs](const RequestContext& request, const boost::json::object& body) {
    const std::string agent = required_string(body, "agent");
    const std::string thread_id = required_string(body, "thread_id");
    // Each start_agent is a new run; a client that wants retries to be
    // idempotent names the request with client_msg_id, as user_message does.
    const auto* id = body.if_contains("client_msg_id");
    const std::string request_id = id != nullptr && id->is_string() ? std::string(id->as_string()) : std::string();
    runs.start(request, thread_id, request_id, agent, required_string(body, "input"));
  });
  router.add_handler("ping", [&messenger](const RequestContext& request, const boost::json::object&) {
    messenger.send(request.connection_id, protocol::make_pong());
  });
  router.add_handler("disconnect", [&messenger](const RequestContext& request, const boost::json::object&) {
    messenger.close(request.connection_id, runtime::close_code::kNormal, "client requested disconnect");
  });
  router.add_handler("resume", [&runs](const RequestContext& request, const boost::json::object& body) {
    runs.resume(request, required_string(body, "run_id"), required_seq(body, "after_seq"));
  });
  router.add_handler("cancel", [&runs](const RequestContext& request, const boost::json::object& body) {
    runs.cancel(request, required_string(body, "run_id"));
  });
}

}  // namespace bridgesim::system
