#pragma once
// The proxy's trace: the project's trace format (sim/trace.hpp; JSONL, one
// record per line) with wall time since the proxy started in t_ns. Actor
// "proxy" for what the proxy did, "faults" for the plan it was given (the
// simulator's `planned` records). Any thread; bounded (records beyond
// kRecordsMax are counted, not kept).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace.hpp"

namespace bridgesim::proxy {

namespace proxy_record {
constexpr std::string_view kActor = "proxy";
constexpr std::string_view kListen = "listen";            // name, listen, upstream, seed
constexpr std::string_view kNotApplied = "not_applied";   // kind, why: a plan fault the proxy cannot apply
constexpr std::string_view kToxicAdded = "toxic_added";   // toxic, type, stream, toxicity, attributes
constexpr std::string_view kToxicRemoved = "toxic_removed";  // toxic
constexpr std::string_view kLinkOpen = "link_open";       // conn, peer
constexpr std::string_view kUpgrade = "upgrade";          // conn, target, user, status
constexpr std::string_view kUpstreamFailed = "upstream_failed";  // conn, error
constexpr std::string_view kLinkClosed = "link_closed";   // conn, how, up_frames, down_frames
// fault_hit (sim's kind): fault (the toxic type), toxic, conn, stream, frame
// (ordinal among the stream's data frames; 0 for other units), op, details.
constexpr std::string_view kFaultHit = "fault_hit";
}  // namespace proxy_record

class ProxyTrace {
 public:
  static constexpr std::size_t kRecordsMax = 1'000'000;

  ProxyTrace();
  // Nanoseconds since construction (steady clock).
  std::int64_t now_ns() const;
  void record(std::string_view kind, std::vector<sim::Field> fields, std::string_view actor = proxy_record::kActor);
  std::vector<sim::TraceRecord> records() const;
  std::string to_jsonl() const;
  std::uint64_t hash() const;
  std::size_t dropped() const;

 private:
  const std::chrono::steady_clock::time_point start_;
  mutable std::mutex mutex_;
  sim::Trace trace_;
  std::size_t dropped_ = 0;
};

}  // namespace bridgesim::proxy
