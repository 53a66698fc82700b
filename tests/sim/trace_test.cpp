// sim::Trace: the hash tells runs apart by every part of every record; the
// JSONL export is one valid JSON object per record. The trace schema: client
// actor ids parse and print as inverses, and the typed makers write their
// fields in the schema's order (the hash depends on it).
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "sim/client_actor.hpp"
#include "sim/fault_hit.hpp"
#include "sim/trace.hpp"
#include "sim/trace_records.hpp"

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

void expect_record(const TraceRecord& r, runtime::Nanos at_ns, const std::string& actor, const std::string& kind,
                   const std::vector<Field>& fields) {
  EXPECT_EQ(r.at_ns, at_ns);
  EXPECT_EQ(r.actor, actor);
  EXPECT_EQ(r.kind, kind);
  EXPECT_EQ(r.fields, fields) << kind;
}

TEST(TraceSchema, ClientActorsParseAndPrintAsInverses) {
  const auto first = ClientActor::parse("user:u1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->user_id, "u1");
  EXPECT_EQ(first->tab, 1);
  EXPECT_EQ(first->to_string(), "user:u1");
  EXPECT_EQ(first->label(), "u1");
  const auto tab = ClientActor::parse("user:u12/tab3");
  ASSERT_TRUE(tab);
  EXPECT_EQ(tab->user_id, "u12");
  EXPECT_EQ(tab->tab, 3);
  EXPECT_EQ(tab->to_string(), "user:u12/tab3");
  EXPECT_EQ(tab->label(), "u12/tab3");
  EXPECT_EQ((ClientActor{"h1", 1}).to_string(), "user:h1");
  EXPECT_EQ((ClientActor{"u2", 2}).to_string(), "user:u2/tab2");
}

TEST(TraceSchema, OnlyClientActorIdsParse) {
  for (const char* actor : {"net", "relay", "faults", "user:", "user", "User:u1", "user:u1/tab1", "user:u1/tab",
                            "user:u1/tabx", "user:u1/tab2x", "user:u1/tab02", "user:u1/x", "user:/tab2"}) {
    EXPECT_FALSE(ClientActor::parse(actor)) << actor;
    EXPECT_EQ(user_of_actor(actor), "") << actor;
    EXPECT_EQ(client_label(actor), "") << actor;
  }
  EXPECT_EQ(user_of_actor("user:u1/tab2"), "u1");
  EXPECT_EQ(client_label("user:u1/tab2"), "u1/tab2");
}

TEST(TraceSchema, FaultTargetsNameAUserByTheWholeRest) {
  EXPECT_EQ(user_of_target("user:u2"), std::optional<std::string_view>("u2"));
  // Unlike a client's actor id, a target's tab suffix is part of the name.
  EXPECT_EQ(user_of_target("user:u2/tab2"), std::optional<std::string_view>("u2/tab2"));
  EXPECT_EQ(user_of_target("user:"), std::optional<std::string_view>(""));
  EXPECT_FALSE(user_of_target("*"));
  EXPECT_FALSE(user_of_target("users:u2"));
  EXPECT_EQ(target_of_user("u7"), "user:u7");
  EXPECT_EQ(user_of_target(target_of_user("h1")), std::optional<std::string_view>("h1"));
}

TEST(TraceSchema, ClientRecordMakersWriteTheSchemasFieldsInOrder) {
  expect_record(make_connect_record(1, "user:u1", 2, "valid"), 1, "user:u1", "connect",
                {{"attempt", "2"}, {"token", "valid"}});
  expect_record(make_open_record(2, "user:u1", "7"), 2, "user:u1", "open", {{"conn", "7"}});
  expect_record(make_rejected_record(3, "user:u1", 503, "busy"), 3, "user:u1", "rejected",
                {{"status", "503"}, {"body", "busy"}});
  expect_record(make_closed_record(4, "user:u1", "", 1006), 4, "user:u1", "closed", {{"conn", ""}, {"code", "1006"}});
  expect_record(make_send_record(5, "user:u1", "7", "{}"), 5, "user:u1", "send", {{"conn", "7"}, {"frame", "{}"}});
  expect_record(make_recv_record(6, "user:u1", "7", "[]"), 6, "user:u1", "recv", {{"conn", "7"}, {"frame", "[]"}});
  expect_record(make_stalled_record(7, "user:u1", "u1-t1"), 7, "user:u1", "stalled", {{"thread", "u1-t1"}});
  expect_record(make_gave_up_record(8, "user:u1", "refused with 401"), 8, "user:u1", "gave_up",
                {{"why", "refused with 401"}});
  expect_record(make_done_record(9, "user:u1"), 9, "user:u1", "done", {});
  expect_record(fault_hit(10, "user:u1", FaultKind::kClientClose, {{"how", "abort"}, {"after", "handshake"}}), 10,
                "user:u1", "fault_hit", {{"fault", "client_close"}, {"how", "abort"}, {"after", "handshake"}});
}

TEST(TraceSchema, PublishRecordsRoundTrip) {
  const TraceRecord r = make_publish_record(11, "u1", "run-1", 3, "tool_executing");
  expect_record(r, 11, "relay", "publish",
                {{"user", "u1"}, {"run", "run-1"}, {"seq", "3"}, {"type", "tool_executing"}});
  const auto p = as_publish(r);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->user, "u1");
  EXPECT_EQ(p->run, "run-1");
  EXPECT_EQ(p->seq, 3u);
  EXPECT_EQ(p->type, "tool_executing");
  EXPECT_FALSE(as_publish({11, "relay", "fault_hit", {{"seq", "3"}}}));
  EXPECT_FALSE(as_publish({11, "net", "publish", {{"seq", "3"}}}));
}

TEST(TraceSchema, HealByCarriesAnOptionalLivenessBound) {
  const auto with = as_heal_by({0, "faults", "heal_by", {{"at_ns", "5"}, {"liveness_bound_ns", "30"}}});
  ASSERT_TRUE(with);
  EXPECT_EQ(with->at_ns, 5);
  EXPECT_EQ(with->liveness_bound_ns, std::optional<runtime::Nanos>(30));
  const auto without = as_heal_by({0, "faults", "heal_by", {{"at_ns", "5"}}});
  ASSERT_TRUE(without);
  EXPECT_FALSE(without->liveness_bound_ns);
  EXPECT_FALSE(as_heal_by({0, "faults", "planned", {{"at_ns", "5"}}}));
}

}  // namespace
}  // namespace bridgesim::sim
