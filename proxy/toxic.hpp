#pragma once
// A toxic, as Toxiproxy names it: {name, type, stream, toxicity, attributes}.
// `stream` is "downstream" (server to client, Toxiproxy's default) or
// "upstream"; `toxicity` is the chance, per WebSocket frame (per chunk on a
// link that is not a WebSocket), that the toxic applies. Every type also
// takes a `target` attribute: "*" or "user:<id>", the user whose token the
// connection's upgrade carried (read, never verified), as scenario files aim
// faults. The types are Toxiproxy's (latency, bandwidth, slicer, timeout,
// reset_peer) and the WebSocket-aware ones the simulator's network faults
// need (latency_spike, reorder, partition, slow_reader, drop_frame,
// duplicate_frame, server_close); toxic_types() lists them with their
// attributes. Boost-free: the probe includes it.
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/fault_catalog.hpp"

namespace bridgesim::proxy {

// A toxic that cannot be built: the message says which field and why.
class ToxicError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

enum class Stream { kUpstream, kDownstream };

std::string_view stream_name(Stream stream);

struct ToxicTypeInfo {
  std::string_view type;
  std::string_view description;
  std::vector<sim::ParamSpec> attributes;  // sim's spec: integers in [min, max], or strings (min > max)
  bool once = false;                       // acts once when added (on every matching link), not per frame
};

const std::vector<ToxicTypeInfo>& toxic_types();
// nullptr for an unknown type.
const ToxicTypeInfo* toxic_type(std::string_view type);

struct Toxic {
  std::string name;
  std::string type;
  Stream stream = Stream::kDownstream;
  double toxicity = 1.0;
  std::map<std::string, std::string> attributes;  // validated; absent ones take the type's fallback

  std::int64_t int_attr(std::string_view key) const;
  std::string string_attr(std::string_view key) const;
  std::string target() const { return string_attr("target"); }
  // Whether a link of user `user` ("" when its upgrade carried no readable token) is aimed at.
  bool targets(std::string_view user) const;
};

// Checks type, stream, toxicity and every attribute; fills the name when
// empty ("<type>_<stream>", as Toxiproxy does). Throws ToxicError.
Toxic validated(Toxic toxic);

// Toxiproxy's JSON form: {"name":..,"type":..,"stream":..,"toxicity":..,"attributes":{..}}.
// Throws ToxicError naming what is wrong (not JSON, a field of the wrong type, ...).
Toxic toxic_from_json(std::string_view json);
std::string toxic_to_json(const Toxic& toxic);

}  // namespace bridgesim::proxy
