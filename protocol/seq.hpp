#pragma once
// A run event's `seq`: per run, gapless from 1.
#include <cstdint>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace bridgesim::protocol {

// A valid seq: a positive integer, however the JSON parser stored it.
bool is_seq(const boost::json::value& value);
// The frame's seq; 0 when absent or not a positive integer (0 is never a
// valid seq, so a caller needs no second test).
std::uint64_t seq_of(const boost::json::object& frame);

}  // namespace bridgesim::protocol
