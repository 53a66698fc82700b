// The run-event schema: every builder's output meets it, and it rejects each
// missing or mistyped field with a sentence naming the field.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "protocol/fields.hpp"
#include "protocol/frames.hpp"
#include "protocol/message_types.hpp"
#include "protocol/payloads.hpp"
#include "protocol/schema.hpp"

namespace bridgesim::protocol {
namespace {

namespace json = boost::json;

json::object payload_of(std::string_view type) {
  if (type == event_type::kAgentThinking) return thinking_payload("because");
  if (type == event_type::kToolExecuting) return tool_executing_payload("search", {{"q", "x"}});
  if (type == event_type::kToolCompleted) return tool_completed_payload("search", json::array{1, 2}, 0.25);
  if (type == event_type::kAgentCompleted) return agent_completed_payload("done");
  if (type == event_type::kAgentError) return agent_error_payload("tool failed");
  return {};
}

json::object built(std::string_view type) {
  const RunEventHeader header{type, "run-1", "t-1", "u1", "assistant", 3, 1'767'225'600'017};
  return json::parse(make_run_event(header, payload_of(type))).as_object();
}

std::vector<std::string_view> run_event_types() {
  std::vector<std::string_view> types(std::begin(event_type::kLifecycle), std::end(event_type::kLifecycle));
  types.push_back(event_type::kAgentError);
  return types;
}

TEST(ProtocolSchema, EveryBuiltRunEventIsValid) {
  for (const auto type : run_event_types()) EXPECT_EQ(run_event_schema_error(built(type)), "") << type;
}

TEST(ProtocolSchema, PayloadsCarryTheWiresFieldsInOrder) {
  const RunEventHeader header{event_type::kToolCompleted, "r", "t", "u", "a", 4, 9};
  EXPECT_EQ(make_run_event(header, tool_completed_payload("search", json::array{}, 0.5)),
            R"({"type":"tool_completed","run_id":"r","thread_id":"t","user_id":"u","agent_name":"a","seq":4,)"
            R"("timestamp":9,"tool_name":"search","results":[],"duration":5E-1})");
  EXPECT_EQ(json::serialize(agent_completed_payload("done")), R"({"status":"success","final_response":"done"})");
  EXPECT_EQ(json::serialize(tool_executing_payload("search", {{"q", "x"}})),
            R"({"tool_name":"search","parameters":{"q":"x"}})");
  EXPECT_EQ(json::serialize(thinking_payload("r")), R"({"reasoning":"r"})");
  EXPECT_EQ(json::serialize(agent_error_payload("x")), R"({"reason":"x"})");
}

TEST(ProtocolSchema, RejectsEachMissingCommonField) {
  for (const auto type : run_event_types()) {
    for (const auto key : {field::kRunId, field::kThreadId, field::kUserId, field::kAgentName}) {
      auto frame = built(type);
      frame.erase(key);
      EXPECT_EQ(run_event_schema_error(frame), "field '" + std::string(key) + "' missing or not a non-empty string")
          << type;
      frame[key] = "";
      EXPECT_NE(run_event_schema_error(frame), "") << type << " with an empty " << key;
    }
    auto frame = built(type);
    frame.erase(field::kSeq);
    EXPECT_EQ(run_event_schema_error(frame), "field 'seq' missing or not a positive integer");
    frame[field::kSeq] = 0;
    EXPECT_EQ(run_event_schema_error(frame), "field 'seq' missing or not a positive integer");
    frame[field::kSeq] = "1";
    EXPECT_EQ(run_event_schema_error(frame), "field 'seq' missing or not a positive integer");
    frame = built(type);
    frame.erase(field::kTimestamp);
    EXPECT_EQ(run_event_schema_error(frame), "field 'timestamp' missing or neither a number nor an ISO-8601 string");
  }
}

TEST(ProtocolSchema, RejectsEachMissingPayloadField) {
  for (const auto type : run_event_types()) {
    for (const auto& [key, value] : payload_of(type)) {
      auto frame = built(type);
      frame.erase(key);
      const std::string error = run_event_schema_error(frame);
      EXPECT_NE(error.find("payload field '" + std::string(key) + "' missing"), std::string::npos)
          << type << ": " << error;
    }
  }
}

TEST(ProtocolSchema, RejectsMistypedPayloadFields) {
  auto frame = built(event_type::kToolExecuting);
  frame[field::kParameters] = "q=x";
  EXPECT_EQ(run_event_schema_error(frame), "payload field 'parameters' missing or not an object");
  frame = built(event_type::kToolCompleted);
  frame[field::kDuration] = "0.25";
  EXPECT_EQ(run_event_schema_error(frame), "payload field 'duration' missing or not a number");
  frame = built(event_type::kAgentCompleted);
  frame[field::kStatus] = "";
  EXPECT_EQ(run_event_schema_error(frame), "payload field 'status' missing or empty");
}

TEST(ProtocolSchema, OtherTypesAreJudgedOnTheCommonFieldsOnly) {
  auto frame = built(event_type::kAgentStarted);
  frame[field::kType] = "something_else";
  EXPECT_EQ(run_event_schema_error(frame), "");
}

}  // namespace
}  // namespace bridgesim::protocol
