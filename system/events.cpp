#include "system/events.hpp"

#include <boost/json/serialize.hpp>

namespace bridgesim::system {

std::string serialize(const AgentEvent& event) {
  boost::json::object frame{
      {"type", event.type},
      {"run_id", event.ctx.run_id},
      {"thread_id", event.ctx.thread_id},
      {"user_id", event.ctx.user_id},
      {"agent_name", event.agent_name},
      {"seq", event.seq},
      {"timestamp", event.timestamp_ns / runtime::kNanosPerMilli},
  };
  for (const auto& [key, value] : event.payload) frame[key] = value;
  return boost::json::serialize(frame);
}

std::string make_error_frame(std::string_view code, std::string_view message) {
  return boost::json::serialize(boost::json::object{{"type", event_type::kError}, {"code", code}, {"message", message}});
}

std::string make_connection_established(std::uint64_t connection_id, std::string_view user_id,
                                        std::string_view session_id) {
  boost::json::object frame{
      {"type", event_type::kConnectionEstablished}, {"connection_id", connection_id}, {"user_id", user_id}};
  if (!session_id.empty()) frame["session_id"] = session_id;
  return boost::json::serialize(frame);
}

std::string make_pong() { return boost::json::serialize(boost::json::object{{"type", event_type::kPong}}); }

}  // namespace bridgesim::system
