#pragma once
// A run's record of what happened: every record has a virtual time, an actor
// (who), a kind (what) and ordered fields. The 64-bit hash over the canonical
// form is how two runs are compared byte for byte. Which actors record which
// kinds with which fields is declared in sim/trace_schema.hpp.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "system/runtime/clock.hpp"

namespace boost::json {
class value;
}

namespace bridgesim::sim {

using Field = std::pair<std::string, std::string>;

struct TraceRecord {
  runtime::Nanos at_ns = 0;  // virtual time since the run's start
  std::string actor;
  std::string kind;
  std::vector<Field> fields;
  // The frame as the client that recorded it parsed it (a recv record of a
  // simulated client): the judge reads it instead of parsing the frame again.
  // A cache, not part of the record: never hashed, written or compared.
  std::shared_ptr<const boost::json::value> parsed_frame = nullptr;

  // The value of field `name`, or empty when absent.
  std::string_view field(std::string_view name) const;
  bool has_field(std::string_view name) const;
};

class Trace {
 public:
  void add(TraceRecord record);
  const std::vector<TraceRecord>& records() const { return records_; }
  std::size_t size() const { return records_.size(); }
  // FNV-1a over every record's canonical line; updated as records are added.
  std::uint64_t hash() const { return hash_; }

  // One JSON object per line: {"t_ns":..,"actor":..,"kind":..,"fields":{..}}.
  std::string to_jsonl() const;

 private:
  std::vector<TraceRecord> records_;
  std::uint64_t hash_ = 14695981039346656037ull;
};

// "0x0123456789abcdef": how hashes are printed everywhere.
std::string hash_hex(std::uint64_t hash);
// "1.234567s": how virtual times are printed in timelines.
std::string format_virtual_time(runtime::Nanos at_ns);
// A human timeline, one line per record.
std::string format_timeline(const Trace& trace, bool colour);

}  // namespace bridgesim::sim
