#include "proxy/proxy_trace.hpp"

namespace bridgesim::proxy {

ProxyTrace::ProxyTrace() : start_(std::chrono::steady_clock::now()) {}

std::int64_t ProxyTrace::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count();
}

void ProxyTrace::record(std::string_view kind, std::vector<sim::Field> fields, std::string_view actor) {
  sim::TraceRecord r{now_ns(), std::string(actor), std::string(kind), std::move(fields)};
  const std::lock_guard lock(mutex_);
  if (trace_.size() >= kRecordsMax) {
    ++dropped_;
    return;
  }
  trace_.add(std::move(r));
}

std::vector<sim::TraceRecord> ProxyTrace::records() const {
  const std::lock_guard lock(mutex_);
  return trace_.records();
}

std::string ProxyTrace::to_jsonl() const {
  const std::lock_guard lock(mutex_);
  return trace_.to_jsonl();
}

std::uint64_t ProxyTrace::hash() const {
  const std::lock_guard lock(mutex_);
  return trace_.hash();
}

std::size_t ProxyTrace::dropped() const {
  const std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace bridgesim::proxy
