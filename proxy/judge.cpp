// What the toxics do to one unit, and how the writer paces: every decision
// that takes effect is a fault_hit record.
#include <algorithm>
#include <cmath>

#include "proxy/core.hpp"

namespace bridgesim::proxy::detail {
namespace {

bool applies(const ActiveToxic& t, Stream stream, const Link& link) {
  return t.toxic.stream == stream && t.toxic.targets(link.user());
}

// Toxiproxy's toxicity: the chance that the toxic acts on this unit.
bool toxic_now(ActiveToxic& t) {
  if (t.toxic.toxicity >= 1.0) return true;
  return t.rng.chance(static_cast<std::uint32_t>(std::lround(t.toxic.toxicity * 1'000'000)));
}

bool frame_chosen(ActiveToxic& t, const WsFrame* frame, std::uint64_t ordinal) {
  if (frame == nullptr || ordinal == 0) return false;  // only whole data frames
  const auto nth = t.toxic.int_attr("nth");
  if (nth != 0 && static_cast<std::uint64_t>(nth) != ordinal) return false;
  const std::string match = t.toxic.string_attr("match");
  if (!match.empty() && frame->payload.find(match) == std::string::npos) return false;
  return t.rng.chance(static_cast<std::uint32_t>(t.toxic.int_attr("per_million")));
}

std::int64_t latency_ms(ActiveToxic& t) {
  const auto latency = t.toxic.int_attr("latency"), jitter = t.toxic.int_attr("jitter");
  if (jitter == 0) return latency;
  const auto offset = static_cast<std::int64_t>(t.rng.uniform(0, static_cast<std::uint64_t>(2 * jitter))) - jitter;
  return std::max<std::int64_t>(0, latency + offset);
}

}  // namespace

void ProxyCore::fault_hit(const ActiveToxic& t, const Link& link, std::uint64_t ordinal, std::string_view op,
                          std::vector<sim::Field> details) {
  std::vector<sim::Field> fields{{"fault", t.toxic.type},
                                 {"toxic", t.toxic.name},
                                 {"conn", std::to_string(link.id())},
                                 {"stream", std::string(stream_name(t.toxic.stream))},
                                 {"frame", std::to_string(ordinal)},
                                 {"op", std::string(op)}};
  for (auto& f : details) fields.push_back(std::move(f));
  trace_.record(proxy_record::kFaultHit, std::move(fields));
}

Verdict ProxyCore::judge(Link& link, Stream stream, const WsFrame* frame, std::uint64_t ordinal,
                         std::string_view op) {
  Verdict v;
  for (auto& t : toxics_) {
    if (!applies(t, stream, link) || !toxic_now(t)) continue;
    const std::string& type = t.toxic.type;
    if (type == "latency") {
      const auto ms = latency_ms(t);
      v.delay_ms += ms;
      fault_hit(t, link, ordinal, op, {{"delay_ms", std::to_string(ms)}});
    } else if (type == "latency_spike") {
      if (!t.rng.chance(static_cast<std::uint32_t>(t.toxic.int_attr("per_million")))) continue;
      v.delay_ms += t.toxic.int_attr("spike_ms");
      fault_hit(t, link, ordinal, op, {{"delay_ms", std::to_string(t.toxic.int_attr("spike_ms"))}});
    } else if (type == "reorder") {
      const auto window = t.toxic.int_attr("window_ms");
      const auto index = (trace_.now_ns() - t.added_ns) / (window * runtime::kNanosPerMilli);
      const auto draw = t.rng.fork("conn:" + std::to_string(link.id()) + ":" + std::to_string(index)).next_u64();
      const auto ms = static_cast<std::int64_t>(draw % static_cast<std::uint64_t>(window + 1));
      v.delay_ms += ms;
      fault_hit(t, link, ordinal, op, {{"window", std::to_string(index)}, {"delay_ms", std::to_string(ms)}});
    } else if (type == "partition") {
      fault_hit(t, link, ordinal, op, {{"action", "held"}});
    } else if (type == "timeout") {
      v.discard = true;
      fault_hit(t, link, ordinal, op, {{"action", "discarded"}});
      if (t.toxic.int_attr("timeout") > 0) link.arm_timeout(t.toxic.int_attr("timeout"));
    } else if ((type == "drop_frame" || type == "duplicate_frame") && frame_chosen(t, frame, ordinal)) {
      (type == "drop_frame" ? v.drop : v.duplicate) = true;
      fault_hit(t, link, ordinal, op, {{"action", type == "drop_frame" ? "dropped" : "duplicated"}});
    }
  }
  return v;
}

bool ProxyCore::held(const Link& link, Stream stream) const {
  return std::any_of(toxics_.begin(), toxics_.end(),
                     [&](const ActiveToxic& t) { return t.toxic.type == "partition" && applies(t, stream, link); });
}

Pacing ProxyCore::pacing(Link& link, Stream stream, bool record) {
  Pacing p;
  for (auto& t : toxics_) {
    if (!applies(t, stream, link)) continue;
    if (t.toxic.type == "slicer") {
      const auto average = t.toxic.int_attr("average_size"), variation = t.toxic.int_attr("size_variation");
      const auto lo = std::max<std::int64_t>(1, average - variation);
      p.slice_bytes = static_cast<std::size_t>(
          t.rng.uniform(static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(average + variation)));
      p.slice_delay_us = t.toxic.int_attr("delay");
    } else if (t.toxic.type == "bandwidth") {
      // Tenths of a second's worth per write, each followed by its share of the second.
      p.rate_kb_s = t.toxic.int_attr("rate");
      const auto tenth = static_cast<std::size_t>(std::max<std::int64_t>(1, p.rate_kb_s * 1024 / 10));
      p.slice_bytes = p.slice_bytes == 0 ? tenth : std::min(p.slice_bytes, tenth);
    } else if (t.toxic.type == "slow_reader") {
      p.read_interval_ms = t.toxic.int_attr("read_interval_ms");
    } else {
      continue;
    }
    if (record) fault_hit(t, link, 0, "write", {{"action", "paced"}});
  }
  return p;
}

}  // namespace bridgesim::proxy::detail
