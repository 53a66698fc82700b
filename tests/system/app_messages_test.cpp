// App at runtime: admission by token, the golden path over one socket,
// isolation between users, and a message loop that survives bad input.
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "tests/system/app_world.hpp"

namespace bridgesim::system {
namespace {

using testsupport::AppWorld;
using testsupport::FakeConnection;

const std::vector<std::string> kFiveEvents{"agent_started", "agent_thinking", "tool_executing", "tool_completed",
                                           "agent_completed"};

std::string user_message(const std::string& thread, const std::string& msg_id, const std::string& text = "hello") {
  return boost::json::serialize(
      boost::json::object{{"type", "user_message"}, {"thread_id", thread}, {"client_msg_id", msg_id}, {"text", text}});
}

// Runs one user_message on `conn` to its end; returns the run's id.
std::string finished_run(AppWorld& w, FakeConnection& conn) {
  const std::size_t before = conn.frames.size();
  conn.deliver_text(user_message("t", "m1"));
  w.run();
  return std::string(AppWorld::parse(conn.frames.at(before)).at("run_id").as_string());
}

TEST(SystemAppAdmission, UnauthenticatedConnectionsAreRejected401AndNeverAccepted) {
  AppWorld w;
  const std::int64_t now_s = w.scheduler().now_ns() / runtime::kNanosPerSecond;
  const std::vector<std::shared_ptr<FakeConnection>> refused{
      w.connect(""),
      w.connect("Bearer not.a.token"),
      w.connect("Bearer " + mint_hs256("someone-elses-secret", "alice", now_s + 60)),
      w.connect("Bearer " + w.token("alice", 0)),  // expires now
      w.connect("", {"jwt-auth", "jwt.garbage"}),
  };
  for (const auto& conn : refused) {
    EXPECT_TRUE(conn->rejected) << conn->handshake().authorization;
    EXPECT_EQ(conn->reject_status, 401);
    EXPECT_FALSE(conn->accepted);
    EXPECT_TRUE(conn->frames.empty());
    EXPECT_EQ(conn->contract_breaches, 0);
  }
  EXPECT_EQ(w.app().census().connections, 0u);
  EXPECT_EQ(w.app().census().runs_started, 0u);
}

TEST(SystemAppAdmission, WrongTargetIs404) {
  AppWorld w;
  auto conn = w.connect("Bearer " + w.token("alice"), {}, "/other");
  EXPECT_TRUE(conn->rejected);
  EXPECT_EQ(conn->reject_status, 404);
}

TEST(SystemAppAdmission, AuthenticatedConnectionIsAcceptedThenGreeted) {
  AppWorld w;
  auto conn = w.connect_as("alice");
  ASSERT_TRUE(conn->accepted);
  EXPECT_FALSE(conn->rejected);
  EXPECT_EQ(conn->subprotocol, "");
  ASSERT_EQ(conn->frames.size(), 1u);
  const auto hello = AppWorld::parse(conn->frames[0]);
  EXPECT_EQ(hello.at("type").as_string(), "connection_established");
  EXPECT_EQ(hello.at("user_id").as_string(), "alice");
  EXPECT_EQ(hello.at("connection_id").to_number<std::uint64_t>(), conn->id());
  EXPECT_EQ(w.app().user_of(conn->id()), "alice");
}

TEST(SystemAppAdmission, SubprotocolTokenIsAcceptedWithJwtAuth) {
  AppWorld w;
  auto conn = w.connect("", {"jwt-auth", "jwt." + base64url_encode(w.token("alice"))});
  ASSERT_TRUE(conn->accepted);
  EXPECT_EQ(conn->subprotocol, "jwt-auth");
  EXPECT_EQ(AppWorld::parse(conn->frames.at(0)).at("user_id").as_string(), "alice");
}

TEST(SystemAppGoldenPath, UserMessageYieldsTheFiveEventsInOrder) {
  AppWorld w;
  auto conn = w.connect_as("alice");
  conn->deliver_text(user_message("thread-9", "m1"));
  w.run();
  ASSERT_EQ(AppWorld::types(*conn, 1), kFiveEvents);
  const std::string run_id(AppWorld::parse(conn->frames[1]).at("run_id").as_string());
  EXPECT_FALSE(run_id.empty());
  for (std::size_t i = 1; i < conn->frames.size(); ++i) {
    const auto f = AppWorld::parse(conn->frames[i]);
    EXPECT_EQ(f.at("seq").to_number<std::uint64_t>(), i);
    EXPECT_EQ(f.at("run_id").as_string(), run_id);
    EXPECT_EQ(f.at("user_id").as_string(), "alice");
    EXPECT_EQ(f.at("thread_id").as_string(), "thread-9");
  }
  EXPECT_EQ(w.app().census().active_runs, 0u);
  EXPECT_EQ(conn->contract_breaches, 0);
}

TEST(SystemAppGoldenPath, EventsReachEveryTabOfTheUserAndNoOtherUser) {
  AppWorld w;
  auto alice1 = w.connect_as("alice");
  auto alice2 = w.connect_as("alice");
  auto bob = w.connect_as("bob");
  alice1->deliver_text(user_message("t", "m1"));
  w.run();
  EXPECT_EQ(AppWorld::types(*alice1, 1), kFiveEvents);
  EXPECT_EQ(AppWorld::types(*alice2, 1), kFiveEvents);
  EXPECT_EQ(AppWorld::types(*bob), std::vector<std::string>{"connection_established"});
}

TEST(SystemAppGoldenPath, ARetriedMessageDoesNotStartASecondRun) {
  AppWorld w;
  auto conn = w.connect_as("alice");
  conn->deliver_text(user_message("t", "m1"));
  w.run();
  conn->deliver_text(user_message("t", "m1"));
  w.run();
  EXPECT_EQ(w.app().census().runs_started, 1u);
  // The retry replays the same run.
  ASSERT_EQ(conn->frames.size(), 11u);
  EXPECT_EQ(conn->frames[6], conn->frames[1]);
  EXPECT_EQ(conn->frames[10], conn->frames[5]);
}

// Fixed bug, kept as a regression test (system/default_handlers.cpp, register_default_handlers): the `start_agent`
// handler passes thread_id as RunService::start's request_id, i.e. as the
// idempotency key (user, client_msg_id). So a second start_agent on the same
// thread -- a new input in the same conversation -- starts no run: it replays
// the first run (the new input is silently ignored), and once the RunLog has
// forgotten that run (10 s after it ended) every start_agent on the thread
// gets an `unknown_run` error ("no run '...' to resume") until the key is
// evicted.
TEST(SystemAppGoldenPath, EachStartAgentOnAThreadStartsItsOwnRun) {
  AppWorld w;
  auto conn = w.connect_as("alice");
  auto start_agent = [](const std::string& input) {
    return boost::json::serialize(
        boost::json::object{{"type", "start_agent"}, {"agent", "assistant"}, {"thread_id", "t1"}, {"input", input}});
  };
  conn->deliver_text(start_agent("first question"));
  w.run();
  conn->deliver_text(start_agent("second question"));
  w.run();
  EXPECT_EQ(w.app().census().runs_started, 2u);
  w.scheduler().run_until(w.scheduler().elapsed_ns() + runtime::seconds(20));
  const std::size_t before = conn->frames.size();
  conn->deliver_text(start_agent("third question, much later"));
  w.run();
  EXPECT_EQ(w.app().census().runs_started, 3u);
  EXPECT_EQ(AppWorld::types(*conn, before), kFiveEvents);
}

// Fixed bug, kept as a regression test (system/run_service.cpp, RunService::start): docs/architecture.md says that
// beyond idempotency_keys_max the *oldest* key is forgotten, but the code erases runs_by_request_.begin(), the
// lexicographically smallest (user, client_msg_id). Here "a" (newer) is forgotten instead of "b" (oldest), so a retry
// of "a" starts a duplicate run; and users whose ids sort first always lose their idempotency protection first.
TEST(SystemAppGoldenPath, IdempotencyForgetsTheOldestKeyFirst) {
  AppConfig config;
  config.idempotency_keys_max = 2;
  AppWorld w(Components::defaults(), config);
  auto conn = w.connect_as("alice");
  for (const char* id : {"b", "a", "c"}) {
    conn->deliver_text(user_message("t", id));
    w.run();
  }
  ASSERT_EQ(w.app().census().runs_started, 3u);
  conn->deliver_text(user_message("t", "a"));  // a retry of a key younger than "b"
  w.run();
  EXPECT_EQ(w.app().census().runs_started, 3u);
}

TEST(SystemAppGoldenPath, ResumeReplaysOnlyToTheRunsOwner) {
  AppWorld w;
  auto first = w.connect_as("alice");
  const std::string run_id = finished_run(w, *first);
  const std::string resume =
      boost::json::serialize(boost::json::object{{"type", "resume"}, {"run_id", run_id}, {"after_seq", 2}});
  // Another user gets the same answer as for a run that never existed.
  auto bob = w.connect_as("bob");
  bob->deliver_text(resume);
  ASSERT_EQ(AppWorld::types(*bob, 1), std::vector<std::string>{"error"});
  EXPECT_EQ(AppWorld::parse(bob->frames[1]).at("code").as_string(), "unknown_run");
  // The run is still there for its owner, from any of her connections.
  auto second = w.connect_as("alice");
  second->deliver_text(resume);
  ASSERT_EQ(AppWorld::types(*second, 1),
            (std::vector<std::string>{"tool_executing", "tool_completed", "agent_completed"}));
  EXPECT_EQ(AppWorld::parse(second->frames[1]).at("seq").to_number<int>(), 3);
  EXPECT_EQ(second->frames[1], first->frames[3]);
}

TEST(SystemAppGoldenPath, ResumeAfterTheRunLogForgotTheRunIsUnknownRun) {
  AppWorld w;
  auto conn = w.connect_as("alice");
  const std::string run_id = finished_run(w, *conn);
  w.scheduler().run_until(w.scheduler().elapsed_ns() + w.app().config().run_log.retention_ns);
  conn->deliver_text(
      boost::json::serialize(boost::json::object{{"type", "resume"}, {"run_id", run_id}, {"after_seq", 0}}));
  EXPECT_EQ(AppWorld::parse(conn->frames.back()).at("code").as_string(), "unknown_run");
}

// A retry whose run the log has forgotten is a new request: replaying
// nothing (or unknown_run) would lose the user's message.
TEST(SystemAppGoldenPath, ARetryAfterTheRunLogForgotItsRunStartsANewRun) {
  AppWorld w;
  auto conn = w.connect_as("alice");
  finished_run(w, *conn);
  w.scheduler().run_until(w.scheduler().elapsed_ns() + w.app().config().run_log.retention_ns);
  const std::size_t before = conn->frames.size();
  conn->deliver_text(user_message("t", "m1"));
  w.run();
  EXPECT_EQ(w.app().census().runs_started, 2u);
  EXPECT_EQ(AppWorld::types(*conn, before), kFiveEvents);
}

// A full run log makes room by forgetting the oldest finished run; with
// every slot in flight a new run is refused out loud, never run unlogged
// (it could not be resumed, nor its relay gaps filled).
TEST(SystemAppGoldenPath, AFullRunLogEvictsFinishedRunsAndRefusesBeyondRunsInFlight) {
  AppConfig config;
  config.run_log.runs_max = 2;
  AppWorld w(Components::defaults(), config);
  auto conn = w.connect_as("alice");
  for (const char* id : {"a", "b", "c"}) {  // each finishes before the next
    const std::size_t before = conn->frames.size();
    conn->deliver_text(user_message("t", id));
    w.run();
    EXPECT_EQ(AppWorld::types(*conn, before), kFiveEvents) << id;
  }
  EXPECT_EQ(w.app().census().logged_runs, 2u);
  const std::size_t before = conn->frames.size();
  for (const char* id : {"d", "e", "f"}) conn->deliver_text(user_message("t", id));  // all at once
  ASSERT_GT(conn->frames.size(), before);
  const auto refusal = AppWorld::parse(conn->frames.back());
  EXPECT_EQ(refusal.at("type").as_string(), "error");
  EXPECT_EQ(refusal.at("code").as_string(), "run_not_started");
  w.run();
  EXPECT_EQ(w.app().census().runs_started, 5u);
  EXPECT_LE(w.app().census().logged_runs, 2u);
}

TEST(SystemAppGoldenPath, DisconnectClosesNormallyAndTheClosedConnectionIsForgotten) {
  AppWorld w;
  auto conn = w.connect_as("alice");
  conn->deliver_text(R"({"type":"disconnect"})");
  ASSERT_EQ(conn->closes.size(), 1u);
  EXPECT_EQ(conn->closes[0].first, runtime::close_code::kNormal);
  EXPECT_EQ(w.app().census().connections, 1u) << "CLOSING until the transport confirms";
  conn->deliver_closed();
  EXPECT_EQ(w.app().census().connections, 0u);
  EXPECT_EQ(w.app().census().sessions, 0u);
  EXPECT_EQ(conn->contract_breaches, 0);
}

TEST(SystemAppGoldenPath, AConnectionClosedMidRunIsNeverSentTo) {
  AppWorld w;
  auto conn = w.connect_as("alice");
  conn->deliver_text(user_message("t", "m1"));
  conn->deliver_closed(runtime::close_code::kAbnormal);
  w.run();
  EXPECT_EQ(AppWorld::types(*conn, 1), std::vector<std::string>{"agent_started"});
  EXPECT_EQ(conn->contract_breaches, 0);
  EXPECT_EQ(w.app().census().active_runs, 0u) << "the run still ends";
}

struct BadFrame {
  std::string name;
  std::string text;
  std::string code;
};

std::vector<BadFrame> bad_frames() {
  const std::size_t limit = AppConfig{}.frame_bytes_max;
  std::string oversized = R"({"type":"ping","pad":")";
  oversized += std::string(limit, 'x') + "\"}";
  return {
      {"NotJson", "not json", "invalid_json"},
      {"Empty", "", "invalid_json"},
      {"TruncatedJson", R"({"type":"ping")", "invalid_json"},
      {"Array", "[]", "invalid_message"},
      {"Number", "42", "invalid_message"},
      {"EmptyObject", "{}", "invalid_message"},
      {"NonStringType", R"({"type":5})", "invalid_message"},
      {"UnknownType", R"({"type":"nope"})", "unknown_type"},
      {"UserMessageWithoutThread", R"({"type":"user_message","client_msg_id":"m1","text":"hi"})", "bad_request"},
      {"UserMessageWithNumericThread", R"({"type":"user_message","thread_id":1,"client_msg_id":"m1","text":"hi"})",
       "bad_request"},
      {"StartAgentUnknownAgent", R"({"type":"start_agent","agent":"nobody","thread_id":"t","input":"x"})",
       "run_not_started"},
      {"ResumeNegativeSeq", R"({"type":"resume","run_id":"r","after_seq":-1})", "bad_request"},
      {"ResumeUnknownRun", R"({"type":"resume","run_id":"r","after_seq":0})", "unknown_run"},
      {"CancelUnknownRun", R"({"type":"cancel","run_id":"r"})", "unknown_run"},
      {"Oversized", oversized, "frame_too_large"},
  };
}

void PrintTo(const BadFrame& frame, std::ostream* os) { *os << frame.name; }

class SystemAppBadFrame : public ::testing::TestWithParam<BadFrame> {};

TEST_P(SystemAppBadFrame, GetsExactlyOneErrorAndTheConnectionStaysUsable) {
  AppWorld w;
  auto conn = w.connect_as("alice");
  const std::size_t before = conn->frames.size();
  conn->deliver_text(GetParam().text);
  w.run();
  ASSERT_EQ(conn->frames.size(), before + 1);
  const auto error = AppWorld::parse(conn->frames.back());
  EXPECT_EQ(error.at("type").as_string(), "error");
  EXPECT_EQ(error.at("code").as_string(), GetParam().code);
  EXPECT_FALSE(error.at("message").as_string().empty());
  EXPECT_TRUE(conn->closes.empty());
  EXPECT_EQ(w.app().census().runs_started, 0u);
  conn->deliver_text(R"({"type":"ping"})");
  EXPECT_EQ(AppWorld::types(*conn, before + 1), std::vector<std::string>{"pong"});
  conn->deliver_text(user_message("t", "m1"));
  w.run();
  EXPECT_EQ(AppWorld::types(*conn, before + 2), kFiveEvents);
  EXPECT_EQ(conn->contract_breaches, 0);
}

INSTANTIATE_TEST_SUITE_P(SystemApp, SystemAppBadFrame, ::testing::ValuesIn(bad_frames()),
                         [](const ::testing::TestParamInfo<BadFrame>& info) { return info.param.name; });

TEST(SystemAppMessages, MissingFieldErrorNamesTheField) {
  AppWorld w;
  auto conn = w.connect_as("alice");
  conn->deliver_text(R"({"type":"user_message","client_msg_id":"m1","text":"hi"})");
  const std::string message(AppWorld::parse(conn->frames.back()).at("message").as_string());
  EXPECT_NE(message.find("thread_id"), std::string::npos) << message;
}

// With several fields missing, the error names the same one whatever the
// compiler: validation is sequenced, not left to argument evaluation order
// (a clang build once named another field than a g++ build, and so traced
// other bytes).
TEST(SystemAppMessages, SeveralMissingFieldsNameTheSameFieldOnEveryCompiler) {
  AppWorld w;
  auto conn = w.connect_as("alice");
  conn->deliver_text(R"({"type":"user_message"})");
  EXPECT_EQ(AppWorld::parse(conn->frames.back()).at("message").as_string(), "missing field 'text'");
  conn->deliver_text(R"({"type":"user_message","text":"hi"})");
  EXPECT_EQ(AppWorld::parse(conn->frames.back()).at("message").as_string(), "missing field 'client_msg_id'");
  conn->deliver_text(R"({"type":"resume"})");
  EXPECT_EQ(AppWorld::parse(conn->frames.back()).at("message").as_string(), "missing field 'after_seq'");
}

TEST(SystemAppMessages, AFrameExactlyAtTheLimitIsServed) {
  AppWorld w;
  auto conn = w.connect_as("alice");
  std::string frame = R"({"type":"ping","pad":")";
  frame += std::string(w.app().config().frame_bytes_max - frame.size() - 2, 'x') + "\"}";
  ASSERT_EQ(frame.size(), w.app().config().frame_bytes_max);
  conn->deliver_text(frame);
  EXPECT_EQ(AppWorld::types(*conn, 1), std::vector<std::string>{"pong"});
}

TEST(SystemAppMessages, AHandlerThatThrowsGetsInternalErrorAndTheLoopGoesOn) {
  Components c = Components::defaults();
  c.handlers = [](MessageRouter& router, App& app) {
    register_default_handlers(router, app);
    router.add_handler("boom",
                       [](const RequestContext&, const boost::json::object&) { throw std::runtime_error("kaput"); });
  };
  AppWorld w(c);
  auto conn = w.connect_as("alice");
  conn->deliver_text(R"({"type":"boom"})");
  ASSERT_EQ(conn->frames.size(), 2u);
  EXPECT_EQ(AppWorld::parse(conn->frames[1]).at("code").as_string(), "internal_error");
  conn->deliver_text(R"({"type":"ping"})");
  EXPECT_EQ(AppWorld::types(*conn, 2), std::vector<std::string>{"pong"});
}

}  // namespace
}  // namespace bridgesim::system
