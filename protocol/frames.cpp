#include "protocol/frames.hpp"

#include <boost/json/serialize.hpp>

#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"

namespace bridgesim::protocol {

std::string make_run_event(const RunEventHeader& header, const boost::json::object& payload) {
  boost::json::object frame{
      {field::kType, header.type},
      {field::kRunId, header.run_id},
      {field::kThreadId, header.thread_id},
      {field::kUserId, header.user_id},
      {field::kAgentName, header.agent_name},
      {field::kSeq, header.seq},
      {field::kTimestamp, header.timestamp_ms},
  };
  for (const auto& [key, value] : payload) frame[key] = value;
  return boost::json::serialize(frame);
}

std::string make_error_frame(std::string_view code, std::string_view message) {
  return boost::json::serialize(
      boost::json::object{{field::kType, event_type::kError}, {field::kCode, code}, {field::kMessage, message}});
}

std::string make_connection_established(std::uint64_t connection_id, std::string_view user_id,
                                        std::string_view session_id) {
  boost::json::object frame{{field::kType, event_type::kConnectionEstablished},
                            {field::kConnectionId, connection_id},
                            {field::kUserId, user_id}};
  if (!session_id.empty()) frame[field::kSessionId] = session_id;
  return boost::json::serialize(frame);
}

std::string make_pong() { return boost::json::serialize(boost::json::object{{field::kType, event_type::kPong}}); }

}  // namespace bridgesim::protocol
