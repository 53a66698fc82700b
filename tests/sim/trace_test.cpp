// sim::Trace: the hash tells runs apart by every part of every record; the
// JSONL export is one valid JSON object per record.
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "sim/trace.hpp"

namespace bridgesim::sim {
namespace {

TraceRecord sample() { return {1'500, "net", "send", {{"conn", "3"}, {"bytes", "42"}}}; }

std::uint64_t hash_of(const std::vector<TraceRecord>& records) {
  Trace trace;
  for (const auto& r : records) trace.add(r);
  return trace.hash();
}

TEST(SimTrace, EqualRecordsGiveEqualHashes) {
  EXPECT_EQ(hash_of({sample(), sample()}), hash_of({sample(), sample()}));
  Trace empty_a, empty_b;
  EXPECT_EQ(empty_a.hash(), empty_b.hash());
}

TEST(SimTrace, HashChangesWithEveryPartOfARecord) {
  const std::uint64_t base = hash_of({sample()});
  auto changed = [&](auto edit) {
    TraceRecord r = sample();
    edit(r);
    return hash_of({r});
  };
  EXPECT_NE(changed([](TraceRecord& r) { r.at_ns += 1; }), base);
  EXPECT_NE(changed([](TraceRecord& r) { r.actor = "app"; }), base);
  EXPECT_NE(changed([](TraceRecord& r) { r.kind = "recv"; }), base);
  EXPECT_NE(changed([](TraceRecord& r) { r.fields[0].first = "con"; }), base);
  EXPECT_NE(changed([](TraceRecord& r) { r.fields[1].second = "43"; }), base);
  EXPECT_NE(changed([](TraceRecord& r) { r.fields.push_back({"x", ""}); }), base);
  EXPECT_NE(changed([](TraceRecord& r) { r.fields.pop_back(); }), base);
  EXPECT_NE(changed([](TraceRecord& r) { std::swap(r.fields[0], r.fields[1]); }), base);
  Trace empty;
  EXPECT_NE(base, empty.hash());
}

TEST(SimTrace, HashSeesRecordBoundariesAndOrder) {
  const TraceRecord a{1, "net", "a", {}}, b{2, "net", "b", {}};
  EXPECT_NE(hash_of({a, b}), hash_of({b, a}));
  EXPECT_NE(hash_of({a}), hash_of({a, a}));
  // Text moved across a separator is a different record.
  EXPECT_NE(hash_of({{1, "ab", "c", {}}}), hash_of({{1, "a", "bc", {}}}));
  EXPECT_NE(hash_of({{1, "a", "b", {{"k", "v"}}}}), hash_of({{1, "a", "b", {{"kv", ""}}}}));
  EXPECT_NE(hash_of({{12, "a", "b", {}}}), hash_of({{1, "2a", "b", {}}}));
}

TEST(SimTrace, HashIsUpdatedAsRecordsAreAdded) {
  Trace trace;
  const std::uint64_t h0 = trace.hash();
  trace.add(sample());
  const std::uint64_t h1 = trace.hash();
  trace.add(sample());
  EXPECT_NE(h0, h1);
  EXPECT_NE(h1, trace.hash());
  EXPECT_EQ(trace.size(), 2u);
}

TEST(SimTrace, FieldLookup) {
  const TraceRecord r = sample();
  EXPECT_EQ(r.field("conn"), "3");
  EXPECT_EQ(r.field("bytes"), "42");
  EXPECT_TRUE(r.has_field("bytes"));
  EXPECT_FALSE(r.has_field("missing"));
  EXPECT_EQ(r.field("missing"), "");
}

TEST(SimTrace, JsonlIsOneValidObjectPerRecord) {
  Trace trace;
  trace.add(sample());
  trace.add({2'000, "app", "frame", {{"text", "{\"type\":\"pong\"}\nline two \x1f \\ \xc3\xa9"}}});
  trace.add({3'000, "client", "closed", {}});
  std::istringstream lines(trace.to_jsonl());
  std::string line;
  std::vector<boost::json::object> parsed;
  while (std::getline(lines, line)) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    ASSERT_TRUE(v.is_object()) << line;
    parsed.push_back(v.as_object());
  }
  ASSERT_EQ(parsed.size(), trace.size());
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const TraceRecord& r = trace.records()[i];
    EXPECT_EQ(parsed[i].at("t_ns").to_number<std::int64_t>(), r.at_ns);
    EXPECT_EQ(parsed[i].at("actor").as_string(), r.actor);
    EXPECT_EQ(parsed[i].at("kind").as_string(), r.kind);
    const auto& fields = parsed[i].at("fields").as_object();
    EXPECT_EQ(fields.size(), r.fields.size());
    for (const auto& [key, value] : r.fields) EXPECT_EQ(fields.at(key).as_string(), value) << key;
  }
}

TEST(SimTrace, HashHexAndVirtualTimeFormats) {
  EXPECT_EQ(hash_hex(0x0123456789abcdefull), "0x0123456789abcdef");
  EXPECT_EQ(hash_hex(0), "0x0000000000000000");
  EXPECT_EQ(format_virtual_time(runtime::seconds(1) + runtime::millis(234) + 567 * runtime::kNanosPerMicro),
            "1.234567s");
  EXPECT_EQ(format_virtual_time(0), "0.000000s");
}

}  // namespace
}  // namespace bridgesim::sim
