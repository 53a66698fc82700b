#pragma once
// The server -> client frames, built from plain protocol values. Field order
// is part of the contract: traces hash frames byte for byte.
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace bridgesim::protocol {

// The fields every run event carries, in the order they are written.
struct RunEventHeader {
  std::string_view type;
  std::string_view run_id;
  std::string_view thread_id;
  std::string_view user_id;
  std::string_view agent_name;
  std::uint64_t seq = 0;
  std::int64_t timestamp_ms = 0;  // since the epoch
};

// The header's fields, then the type's own payload merged in flat (a payload
// key equal to a header key replaces that value in place).
std::string make_run_event(const RunEventHeader& header, const boost::json::object& payload);
std::string make_error_frame(std::string_view code, std::string_view message);
// `session_id` is left out when empty (session middleware missing).
std::string make_connection_established(std::uint64_t connection_id, std::string_view user_id,
                                        std::string_view session_id = {});
std::string make_pong();

}  // namespace bridgesim::protocol
