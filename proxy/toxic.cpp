#include "proxy/toxic.hpp"

#include <charconv>
#include <cmath>

#include <boost/json.hpp>

#include "sim/client_actor.hpp"

namespace bridgesim::proxy {
namespace {

constexpr std::int64_t kStr = 1, kNoMax = 0;  // min > max: a string attribute
constexpr std::int64_t kMsMax = 3'600'000;

std::vector<sim::ParamSpec> frame_choice() {
  // Which data frames (text or binary) a drop or duplicate picks: those whose
  // payload contains `match` ("" = any), only the nth of the stream (1-based;
  // 0 = every one), each with chance per_million.
  return {{"match", "", kStr, kNoMax}, {"nth", "0", 0, 1'000'000'000}, {"per_million", "1000000", 0, 1'000'000}};
}

std::vector<ToxicTypeInfo> build_types() {
  return {
      {"latency", "each frame waits latency +- jitter ms (order within a connection kept)",
       {{"latency", "0", 0, kMsMax}, {"jitter", "0", 0, kMsMax}}},
      {"latency_spike", "a fraction of frames (per_million) wait spike_ms longer",
       {{"per_million", "50000", 0, 1'000'000}, {"spike_ms", "500", 1, kMsMax}}},
      {"reorder", "each connection waits its own [0, window_ms] per window, so connections overtake each other",
       {{"window_ms", "100", 1, kMsMax}}},
      {"partition", "frames are held (not lost) until the toxic is removed", {}},
      {"timeout", "no data passes; the connection is closed after timeout ms (0: held until removed)",
       {{"timeout", "0", 0, kMsMax}}},
      {"reset_peer", "both sockets are reset (TCP RST, no close frame) timeout ms after the toxic is added",
       {{"timeout", "0", 0, kMsMax}},
       true},
      {"bandwidth", "at most rate KB/s pass", {{"rate", "100", 1, 1'000'000'000}}},
      {"slicer", "each write is cut into pieces of average_size +- size_variation bytes, delay us apart",
       {{"average_size", "64", 1, 1 << 20}, {"size_variation", "0", 0, 1 << 20}, {"delay", "0", 0, 10'000'000}}},
      {"slow_reader", "one frame per read_interval_ms is delivered; the proxy stops reading behind it (backpressure)",
       {{"read_interval_ms", "50", 1, kMsMax}}},
      {"drop_frame", "chosen data frames are not forwarded", frame_choice()},
      {"duplicate_frame", "chosen data frames are forwarded twice (a client frame re-masked)", frame_choice()},
      {"server_close", "the connections are closed as a server would: with a close frame (code) or without",
       {{"frame", "true", kStr, kNoMax, {"true", "false"}}, {"code", "1001", 1000, 4999}},
       true},
  };
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

const sim::ParamSpec kTargetSpec{"target", "*", kStr, kNoMax};

const sim::ParamSpec* attribute_spec(const ToxicTypeInfo& info, std::string_view key) {
  if (key == kTargetSpec.name) return &kTargetSpec;
  for (const auto& p : info.attributes) {
    if (p.name == key) return &p;
  }
  return nullptr;
}

std::string known_attributes(const ToxicTypeInfo& info) {
  std::string known;
  for (const auto& p : info.attributes) known += std::string(p.name) + ", ";
  return known + "target";
}

void check_attribute(const ToxicTypeInfo& info, const std::string& key, const std::string& value) {
  const std::string where = "toxic type " + std::string(info.type) + ": attribute '" + key + "' ";
  const sim::ParamSpec* spec = attribute_spec(info, key);
  if (spec == nullptr) throw ToxicError(where + "is unknown (known: " + known_attributes(info) + ")");
  if (sim::is_int_param(*spec)) {
    const auto v = parse_int(value);
    if (!v || *v < spec->min || *v > spec->max) {
      throw ToxicError(where + "must be an integer in [" + std::to_string(spec->min) + ", " +
                       std::to_string(spec->max) + "], got " + value);
    }
    return;
  }
  if (!spec->choices.empty()) {
    for (const auto& c : spec->choices) {
      if (c == value) return;
    }
    throw ToxicError(where + "must be true or false, got " + value);
  }
  if (key == "target" && value != "*" && !sim::user_of_target(value)) {
    throw ToxicError(where + "must be \"*\" or \"user:<id>\", got \"" + value + "\"");
  }
}

}  // namespace

std::string_view stream_name(Stream stream) { return stream == Stream::kUpstream ? "upstream" : "downstream"; }

const std::vector<ToxicTypeInfo>& toxic_types() {
  static const std::vector<ToxicTypeInfo> types = build_types();
  return types;
}

const ToxicTypeInfo* toxic_type(std::string_view type) {
  for (const auto& t : toxic_types()) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

std::int64_t Toxic::int_attr(std::string_view key) const {
  const auto it = attributes.find(std::string(key));
  if (it != attributes.end()) {
    if (auto v = parse_int(it->second)) return *v;
  }
  const auto* info = toxic_type(type);
  const auto* spec = info == nullptr ? nullptr : attribute_spec(*info, key);
  if (spec != nullptr) {
    if (auto v = parse_int(spec->fallback)) return *v;
  }
  return 0;
}

std::string Toxic::string_attr(std::string_view key) const {
  const auto it = attributes.find(std::string(key));
  if (it != attributes.end()) return it->second;
  const auto* info = toxic_type(type);
  const auto* spec = info == nullptr ? nullptr : attribute_spec(*info, key);
  return spec == nullptr ? std::string() : spec->fallback;
}

bool Toxic::targets(std::string_view user) const {
  const std::string t = target();
  if (t == "*") return true;
  const auto wanted = sim::user_of_target(t);
  return wanted && !user.empty() && *wanted == user;
}

Toxic validated(Toxic toxic) {
  const ToxicTypeInfo* info = toxic_type(toxic.type);
  if (info == nullptr) {
    std::string known;
    for (const auto& t : toxic_types()) known += (known.empty() ? "" : ", ") + std::string(t.type);
    throw ToxicError("unknown toxic type '" + toxic.type + "' (known: " + known + ")");
  }
  if (!(toxic.toxicity >= 0.0 && toxic.toxicity <= 1.0)) throw ToxicError("toxicity must lie in [0, 1]");
  for (const auto& [key, value] : toxic.attributes) check_attribute(*info, key, value);
  if (toxic.name.empty()) toxic.name = toxic.type + "_" + std::string(stream_name(toxic.stream));
  return toxic;
}

namespace {

std::string attribute_text(const std::string& key, const boost::json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  if (v.is_double() && std::floor(v.as_double()) == v.as_double() && std::abs(v.as_double()) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(v.as_double()));
  }
  throw ToxicError("attribute '" + key + "' must be an integer, a string or a boolean");
}

std::string string_field(const boost::json::object& o, std::string_view key, std::string fallback) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  if (!v->is_string()) throw ToxicError("field '" + std::string(key) + "' must be a string");
  return std::string(v->as_string());
}

}  // namespace

Toxic toxic_from_json(std::string_view json) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(json, ec);
  if (ec) throw ToxicError("the body is not JSON: " + ec.message());
  if (!doc.is_object()) throw ToxicError("the body must be a JSON object");
  const auto& o = doc.as_object();
  Toxic t;
  t.name = string_field(o, "name", "");
  t.type = string_field(o, "type", "");
  if (t.type.empty()) throw ToxicError("field 'type' is required");
  const std::string stream = string_field(o, "stream", "downstream");
  if (stream != "downstream" && stream != "upstream") {
    throw ToxicError("field 'stream' must be \"downstream\" or \"upstream\", got \"" + stream + "\"");
  }
  t.stream = stream == "upstream" ? Stream::kUpstream : Stream::kDownstream;
  if (const auto* v = o.if_contains("toxicity")) {
    if (!v->is_number()) throw ToxicError("field 'toxicity' must be a number in [0, 1]");
    t.toxicity = v->to_number<double>();
  }
  if (const auto* v = o.if_contains("attributes")) {
    if (!v->is_object()) throw ToxicError("field 'attributes' must be an object");
    for (const auto& [key, value] : v->as_object()) t.attributes[key] = attribute_text(key, value);
  }
  return validated(std::move(t));
}

std::string toxic_to_json(const Toxic& toxic) {
  boost::json::object attributes;
  const ToxicTypeInfo* info = toxic_type(toxic.type);
  if (info != nullptr) {
    for (const auto& p : info->attributes) {
      if (sim::is_int_param(p)) {
        attributes[p.name] = toxic.int_attr(p.name);
      } else if (!p.choices.empty()) {
        attributes[p.name] = toxic.string_attr(p.name) == "true";
      } else {
        attributes[p.name] = toxic.string_attr(p.name);
      }
    }
  }
  attributes["target"] = toxic.target();
  boost::json::object o{{"name", toxic.name},
                        {"type", toxic.type},
                        {"stream", stream_name(toxic.stream)},
                        {"toxicity", toxic.toxicity},
                        {"attributes", std::move(attributes)}};
  return boost::json::serialize(o);
}

}  // namespace bridgesim::proxy
