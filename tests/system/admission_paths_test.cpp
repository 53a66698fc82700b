// The HTTP execute endpoint goes through the app's own authenticator and the
// run log's room check (issue 10, defect 3), and a token that expires during
// a session starts no run after `exp` and is closed 1008 at it (defect 5).
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/app.hpp"
#include "tests/system/app_world.hpp"

namespace bridgesim::system {
namespace {

using testsupport::AppWorld;
using testsupport::FakeConnection;

constexpr std::string_view kExecute = "/api/agent/v2/execute";
const std::string kBody = R"({"thread_id":"t","input":"x"})";

std::string user_message(const std::string& msg_id) {
  return boost::json::serialize(
      boost::json::object{{"type", "user_message"}, {"thread_id", "t"}, {"client_msg_id", msg_id}, {"text", "x"}});
}

HttpResponse execute(App& app, const std::string& authorization) {
  return app.handle_http(HttpRequest{"POST", kExecute, authorization, kBody});
}

// Wraps the default authenticator, recording every request it is asked about.
class RecordingAuthenticator final : public Authenticator {
 public:
  RecordingAuthenticator(std::unique_ptr<Authenticator> inner, std::shared_ptr<std::vector<std::string>> targets)
      : inner_(std::move(inner)), targets_(std::move(targets)) {}
  void authenticate(const runtime::HandshakeRequest& request, std::function<void(AuthDecision)> done) override {
    targets_->push_back(request.target);
    inner_->authenticate(request, std::move(done));
  }

 private:
  std::unique_ptr<Authenticator> inner_;
  std::shared_ptr<std::vector<std::string>> targets_;
};

TEST(SystemHttpExecuteAdmission, ExecuteIsDecidedByTheAppsOwnAuthenticator) {
  auto targets = std::make_shared<std::vector<std::string>>();
  Components c = Components::defaults();
  c.auth = [auth = c.auth, targets](const AppConfig& config, Runtime& rt, AuthServiceClient& service) {
    return std::unique_ptr<Authenticator>(std::make_unique<RecordingAuthenticator>(auth(config, rt, service), targets));
  };
  AppWorld w(c);
  const HttpResponse r = execute(w.app(), "Bearer " + w.token("alice"));
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(*targets, std::vector<std::string>{std::string(kExecute)});
}

// An authenticator variant that refuses everyone must refuse HTTP too.
class RefuseAll final : public Authenticator {
 public:
  void authenticate(const runtime::HandshakeRequest&, std::function<void(AuthDecision)> done) override {
    done(AuthDecision{false, {}, {}, 401, "refused by policy"});
  }
};

TEST(SystemHttpExecuteAdmission, AnAuthenticatorThatRefusesRefusesExecuteToo) {
  Components c = Components::defaults();
  c.auth = [](const AppConfig&, Runtime&, AuthServiceClient&) -> std::unique_ptr<Authenticator> {
    return std::make_unique<RefuseAll>();
  };
  AppWorld w(c);
  const HttpResponse r = execute(w.app(), "Bearer " + w.token("alice"));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(w.app().census().runs_started, 0u);
}

// An auth service that answers only when told to.
class DeferredAuthService final : public runtime::AuthServiceTransport {
 public:
  void check_identity(std::string, std::function<void(runtime::AuthServiceReply)> done) override {
    pending.push_back(std::move(done));
  }
  void answer_all(runtime::AuthServiceReply reply) {
    for (auto& done : std::exchange(pending, {})) done(reply);
  }
  std::vector<std::function<void(runtime::AuthServiceReply)>> pending;
};

TEST(SystemHttpExecuteAdmission, AnIdentityTheServiceHasNotConfirmedYetIs503ThenARetryRuns) {
  sim::Scheduler scheduler{sim::Rng(1).fork("scheduler")};
  sim::Rng random{sim::Rng(1).fork("system")};
  DeferredAuthService service;
  App app({}, Runtime{scheduler, scheduler, random, runtime::make_logger("t", scheduler, false), nullptr, &service},
          Components::defaults());
  const std::string bearer =
      "Bearer " + mint_hs256(app.config().jwt_secret, "alice", scheduler.now_ns() / runtime::kNanosPerSecond + 60);
  EXPECT_EQ(execute(app, bearer).status, 503);
  EXPECT_EQ(service.pending.size(), 1u) << "the service is asked, as at a handshake";
  service.answer_all(runtime::AuthServiceReply::kAllowed);
  EXPECT_EQ(execute(app, bearer).status, 202);
  EXPECT_EQ(app.census().runs_started, 1u);
}

// A revoked identity: 503 while the service is asked, then the retry hears
// the denial (401), without asking again within the second; after it, the
// service is asked again.
TEST(SystemHttpExecuteAdmission, ARevokedIdentityIs503WhileAskedThenARetryIs401) {
  sim::Scheduler scheduler{sim::Rng(1).fork("scheduler")};
  sim::Rng random{sim::Rng(1).fork("system")};
  DeferredAuthService service;
  App app({}, Runtime{scheduler, scheduler, random, runtime::make_logger("t", scheduler, false), nullptr, &service},
          Components::defaults());
  const std::string bearer =
      "Bearer " + mint_hs256(app.config().jwt_secret, "alice", scheduler.now_ns() / runtime::kNanosPerSecond + 60);
  EXPECT_EQ(execute(app, bearer).status, 503);
  ASSERT_EQ(service.pending.size(), 1u);
  service.answer_all(runtime::AuthServiceReply::kDenied);
  const HttpResponse refused = execute(app, bearer);
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(boost::json::parse(refused.body).at("error").as_string(), "unauthorized");
  EXPECT_TRUE(service.pending.empty()) << "a fresh denial is not asked about again";
  scheduler.call_after(2 * runtime::kNanosPerSecond, [] {});  // time moves only to an event
  scheduler.run_until(scheduler.elapsed_ns() + 2 * runtime::kNanosPerSecond);
  EXPECT_EQ(execute(app, bearer).status, 503) << "a stale denial is asked about again";
  EXPECT_EQ(service.pending.size(), 1u);
  EXPECT_EQ(app.census().runs_started, 0u);
}

// An authenticator that throws: execute fails closed with the documented 500.
class ThrowingAuthenticator final : public Authenticator {
 public:
  void authenticate(const runtime::HandshakeRequest&, std::function<void(AuthDecision)>) override {
    throw std::runtime_error("key store unreachable");
  }
};

TEST(SystemHttpExecuteAdmission, AnAuthenticatorThatThrowsIs500WithAnError) {
  Components c = Components::defaults();
  c.auth = [](const AppConfig&, Runtime&, AuthServiceClient&) -> std::unique_ptr<Authenticator> {
    return std::make_unique<ThrowingAuthenticator>();
  };
  AppWorld w(c);
  const HttpResponse r = execute(w.app(), "Bearer " + w.token("alice"));
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_EQ(boost::json::parse(r.body).at("error").as_string(), "authentication failed");
  EXPECT_EQ(w.app().census().runs_started, 0u);
}

TEST(SystemHttpExecuteAdmission, ARunLogFullOfRunsInFlightRefusesExecute503) {
  AppConfig config;
  config.run_log.runs_max = 1;
  AppWorld w(Components::defaults(), config);
  auto alice = w.connect_as("alice");
  alice->deliver_text(user_message("m1"));  // in flight: the log is full
  const HttpResponse refused = execute(w.app(), "Bearer " + w.token("alice"));
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(boost::json::parse(refused.body).at("error").as_string(), "run_not_started");
  EXPECT_EQ(w.app().census().runs_started, 1u);
  w.run();  // the run ends: room again
  EXPECT_EQ(execute(w.app(), "Bearer " + w.token("alice")).status, 202);
}

// Defect 5, the timer: a quiet socket is closed 1008 at its token's `exp`.
TEST(SystemTokenExpiry, ASocketIsClosed1008AtItsTokensExp) {
  AppWorld w;
  auto conn = w.connect("Bearer " + w.token("alice", 3));
  ASSERT_TRUE(conn->accepted);
  conn->deliver_text(user_message("m1"));  // before exp: runs
  w.run();
  EXPECT_TRUE(conn->closes.empty());
  EXPECT_EQ(w.app().census().runs_started, 1u);
  EXPECT_EQ(w.app().census().expiry_timers, 1u);  // the socket's exp is watched
  w.run();                                        // now past exp
  ASSERT_EQ(conn->closes.size(), 1u);
  EXPECT_EQ(conn->closes[0].first, runtime::close_code::kPolicyViolation);
  EXPECT_EQ(conn->closes[0].second, "token expired");
  EXPECT_EQ(conn->contract_breaches, 0);
  conn->deliver_closed(runtime::close_code::kPolicyViolation);
  EXPECT_EQ(w.app().census().connections, 0u);
  EXPECT_EQ(w.app().census().expiry_timers, 0u);  // and no longer, once it closed
}

TEST(SystemTokenExpiry, ASocketClosedBeforeExpIsNotClosedAgain) {
  AppWorld w;
  auto conn = w.connect("Bearer " + w.token("alice", 3));
  conn->deliver_text(R"({"type":"disconnect"})");
  conn->deliver_closed();
  w.run();
  w.run();
  EXPECT_EQ(conn->closes.size(), 1u);
  EXPECT_EQ(conn->closes[0].first, runtime::close_code::kNormal);
  EXPECT_EQ(conn->contract_breaches, 0);
  EXPECT_EQ(w.app().census().expiry_timers, 0u);  // closed before exp: its watch went with it
}

// The system's clock ahead of the timers: a frame that arrives after `exp`
// before the expiry timer ran.
class SkewedClock final : public runtime::Clock {
 public:
  explicit SkewedClock(const runtime::Clock& base) : base_(base) {}
  runtime::Nanos now_ns() const override { return base_.now_ns() + skew_ns; }
  runtime::Nanos skew_ns = 0;

 private:
  const runtime::Clock& base_;
};

TEST(SystemTokenExpiry, ARequestAfterExpStartsNoRunAndGetsTokenExpiredThen1008) {
  sim::Scheduler scheduler{sim::Rng(1).fork("scheduler")};
  sim::Rng random{sim::Rng(1).fork("system")};
  SkewedClock clock(scheduler);
  App app({}, Runtime{clock, scheduler, random, runtime::make_logger("t", scheduler, false)}, Components::defaults());
  auto conn = std::make_shared<FakeConnection>(
      1, runtime::HandshakeRequest{
             "/ws",
             "Bearer " + mint_hs256(app.config().jwt_secret, "alice", clock.now_ns() / runtime::kNanosPerSecond + 5),
             {}});
  app.on_connection(conn);
  ASSERT_TRUE(conn->accepted);
  clock.skew_ns = runtime::seconds(5);  // exactly exp
  conn->deliver_text(user_message("m1"));
  EXPECT_EQ(app.census().runs_started, 0u);
  ASSERT_EQ(AppWorld::types(*conn), (std::vector<std::string>{"connection_established", "error"}));
  EXPECT_EQ(AppWorld::parse(conn->frames[1]).at("code").as_string(), "token_expired");
  ASSERT_EQ(conn->closes.size(), 1u);
  EXPECT_EQ(conn->closes[0].first, runtime::close_code::kPolicyViolation);
  EXPECT_EQ(conn->contract_breaches, 0);
}

}  // namespace
}  // namespace bridgesim::system
