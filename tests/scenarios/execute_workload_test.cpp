// [mix] execute end to end on the simulated network: clients POST a share
// of their requests to /api/agent/v2/execute and follow each 202's run on
// their socket; attackers' bad tokens are refused 401 and their claims of
// another user's id ignored; a full run log is answered 503 and retried; a
// scenario without the mix makes no HTTP request at all.
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "scenarios/scenario.hpp"
#include "scenarios/world.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::scenarios {
namespace {

namespace rec = sim::record;
namespace rf = sim::record_field;

RunResult run_of(const std::string& name, std::uint64_t seed) {
  RunConfig config;
  config.seed = seed;
  return run_scenario(find_scenario(name, BRIDGESIM_SCENARIO_DIR), config);
}

std::string json_string(std::string_view text, std::string_view key) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  const auto* f = v.as_object().if_contains(key);
  return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string();
}

struct Answer {
  std::string actor;
  int status = 0;
  std::string body;
  std::string token;   // of the request
  std::string thread;  // of the request
};

// Every execute answer a client got, with what its request carried.
std::vector<Answer> answers(const sim::Trace& trace) {
  std::map<std::string, std::pair<std::string, std::string>> requests;  // conn -> (token, thread)
  std::vector<Answer> out;
  for (const auto& r : trace.records()) {
    if (const auto q = sim::as_http_request(r))
      requests[std::string(q->conn)] = {std::string(q->token), json_string(q->body, "thread_id")};
    if (const auto a = sim::as_http_response(r)) {
      const auto& [token, thread] = requests.at(std::string(a->conn));
      out.push_back({r.actor, a->status, std::string(a->body), token, thread});
    }
  }
  return out;
}

TEST(ExecuteWorkload, ClientsPostAShareOfTheirRequestsAndFollowEachRunOnTheirSocket) {
  std::map<std::string, int> posted, sent;  // user actor -> requests over execute / as user_message
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const RunResult run = run_of("execute_endpoint", seed);
    std::set<std::pair<std::string, std::string>> completed;  // (actor, run) that got agent_completed
    for (const auto& r : run.trace.records()) {
      if (r.kind == rec::kRecv && json_string(r.field(rf::kFrame), "type") == "agent_completed")
        completed.insert({r.actor, json_string(r.field(rf::kFrame), "run_id")});
      if (r.kind == rec::kSend && json_string(r.field(rf::kFrame), "type") == "user_message") ++sent[r.actor];
    }
    for (const Answer& a : answers(run.trace)) {
      if (a.status != 202) continue;
      ++posted[a.actor];
      const std::string run_id = json_string(a.body, "run_id");
      EXPECT_EQ(json_string(a.body, "user_id"), sim::user_of_actor(a.actor)) << a.body;
      EXPECT_EQ(json_string(a.body, "thread_id"), a.thread);
      EXPECT_TRUE(completed.count({a.actor, run_id})) << a.actor << " never saw " << run_id << " complete";
    }
  }
  for (const char* user : {"user:u1", "user:u2", "user:u3"}) {
    EXPECT_GT(posted[user], 5) << user;
    EXPECT_GT(sent[user], 5) << user;
  }
  EXPECT_GT(posted["user:h1/tab3"], 5);  // the attacker's tab asks over execute only
  EXPECT_EQ(sent["user:h1/tab3"], 0);
}

TEST(ExecuteWorkload, BadTokensAreRefused401BadBodies422AndABodysUserIdIsIgnored) {
  const RunResult run = run_of("execute_endpoint", 1);
  std::multiset<std::string> refused;
  std::multiset<std::string> invalid;  // the fields each 422 names
  for (const Answer& a : answers(run.trace)) {
    if (a.actor == "user:h1" && a.token == "valid") {  // a bad body with h1's own valid token
      EXPECT_EQ(a.status, 422) << a.body;
      EXPECT_EQ(json_string(a.body, "error"), "validation_error");
      const boost::json::value answer = boost::json::parse(a.body);  // kept: the loop reads into it
      for (const auto& [name, why] : answer.at("fields").as_object()) invalid.insert(name);
    } else if (a.actor == "user:h1") {
      EXPECT_EQ(a.status, 401) << a.token << ": " << a.body;
      EXPECT_EQ(json_string(a.body, "error"), "unauthorized");
      refused.insert(a.token);
    }
    if (a.actor == "user:h1/tab3" && a.status == 202) {
      EXPECT_EQ(json_string(a.body, "user_id"), "h1");
    }
  }
  EXPECT_EQ(refused, (std::multiset<std::string>{"expired", "forged", "missing"}));
  EXPECT_EQ(invalid, (std::multiset<std::string>{"agent_name", "body", "input", "input", "thread_id"}));
}

TEST(ExecuteWorkload, AFullRunLogAnswers503AndTheClientRetriesUntil202) {
  int refusals = 0;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const RunResult run = run_of("execute_run_log", seed);
    std::set<std::string> refused, admitted;  // threads
    for (const Answer& a : answers(run.trace)) {
      if (a.status == 503) {
        EXPECT_EQ(json_string(a.body, "error"), "run_not_started") << a.body;
        refused.insert(a.thread);
      }
      if (a.status == 202) admitted.insert(a.thread);
    }
    refusals += static_cast<int>(refused.size());
    for (const auto& thread : refused) EXPECT_TRUE(admitted.count(thread)) << thread << " never got in";
  }
  EXPECT_GT(refusals, 0) << "a run log of 2 runs with 4 users asking at once refuses some";
}

TEST(ExecuteWorkload, WithoutTheMixNobodyPosts) {
  for (const char* name : {"golden_path", "hostile", "auth_revoked"}) {
    const RunResult run = run_of(name, 1);
    for (const auto& r : run.trace.records()) {
      EXPECT_NE(r.kind, rec::kHttpRequest) << name;
      EXPECT_NE(r.kind, rec::kHttp) << name;
    }
  }
}

}  // namespace
}  // namespace bridgesim::scenarios
