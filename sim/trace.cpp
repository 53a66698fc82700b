#include "sim/trace.hpp"

#include <cstdio>

#include <boost/json.hpp>

#include "sim/rng.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::sim {

std::string_view TraceRecord::field(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return {};
}

bool TraceRecord::has_field(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return true;
  }
  return false;
}

void Trace::add(TraceRecord record) {
  // Canonical form: unit separators cannot occur in identifiers and keep the
  // encoding unambiguous without escaping.
  std::string line = std::to_string(record.at_ns);
  line += '\x1f';
  line += record.actor;
  line += '\x1f';
  line += record.kind;
  for (const auto& [key, value] : record.fields) {
    line += '\x1f';
    line += key;
    line += '=';
    line += value;
  }
  line += '\x1e';
  hash_ = fnv1a64(line, hash_);
  records_.push_back(std::move(record));
}

std::string Trace::to_jsonl() const {
  std::string out;
  for (const auto& r : records_) {
    boost::json::object fields;
    for (const auto& [key, value] : r.fields) fields[key] = value;
    boost::json::object line{{"t_ns", r.at_ns}, {"actor", r.actor}, {"kind", r.kind}, {"fields", std::move(fields)}};
    out += boost::json::serialize(line);
    out += '\n';
  }
  return out;
}

std::string hash_hex(std::uint64_t hash) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

std::string format_virtual_time(runtime::Nanos at_ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%06llds", static_cast<long long>(at_ns / runtime::kNanosPerSecond),
                static_cast<long long>((at_ns % runtime::kNanosPerSecond) / runtime::kNanosPerMicro));
  return buf;
}

std::string format_timeline(const Trace& trace, bool colour) {
  const char* dim = colour ? "\x1b[2m" : "";
  const char* bold = colour ? "\x1b[1m" : "";
  const char* red = colour ? "\x1b[31m" : "";
  const char* reset = colour ? "\x1b[0m" : "";
  std::string out;
  char head[160];
  for (const auto& r : trace.records()) {
    const bool bad = r.kind == record::kViolation;
    std::snprintf(head, sizeof head, "%s%12s%s  %-14s %s%-16s%s", dim, format_virtual_time(r.at_ns).c_str(), reset,
                  r.actor.c_str(), bad ? red : bold, r.kind.c_str(), reset);
    out += head;
    for (const auto& [key, value] : r.fields) {
      out += ' ';
      out += key;
      out += '=';
      out += value;
    }
    out += '\n';
  }
  return out;
}

}  // namespace bridgesim::sim
