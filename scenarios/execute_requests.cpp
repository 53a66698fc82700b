// The clients' execute path ([mix] execute): a request sent as
// POST /api/agent/v2/execute with the client's Bearer token instead of a
// user_message frame. The 202 names the run; its events arrive on the
// client's socket like any other run's, so from then on the socket path
// (dedupe, resume on a gap or a stall) follows it. Refusals the protocol
// says to retry (503, 409, an expired token once refreshed, an identity the
// auth service refused for now) are retried with backoff (50 ms doubling to
// 500 ms, plus up to 50 ms of jitter); after attempts_max
// of them the client asks over its socket instead. Any other refusal ends
// the request: nothing will come of it.
#include <algorithm>
#include <utility>

#include <boost/json.hpp>

#include "protocol/fields.hpp"
#include "scenarios/workloads.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::scenarios {
namespace {

namespace field = protocol::field;

constexpr std::string_view kExecuteTarget = "/api/agent/v2/execute";
// A retry comes within the auth cache's 1 s freshness of the service's late
// answer to the request refused 503 "identity not confirmed" (docs/protocol.md):
// the reconnect backoff (doubling to 2 s) would keep missing it.
constexpr runtime::Nanos kRetryMaxNs = 500 * runtime::kNanosPerMilli;

bool retryable(const sim::HttpAnswer& answer) {
  if (answer.status == 503 || answer.status == 409) return true;
  return answer.status == 401 && answer.body.find("refused by the auth service") != std::string::npos;
}

std::string run_id_of(const std::string& body) {
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) return {};
  const auto* run = parsed.as_object().if_contains(field::kRunId);
  return run != nullptr && run->is_string() ? std::string(run->as_string()) : std::string();
}

}  // namespace

void UserClient::post_execute() {
  Request& r = *current_;
  if (r.http_busy) return;  // its answer, or its retry, is on the way
  boost::json::object body{{field::kThreadId, r.thread_id},
                           {field::kInput, "question " + std::to_string(r.index) + " from " + actor_}};
  if (!plan_.execute_claims_user.empty()) body[field::kUserId] = plan_.execute_claims_user;
  std::string text = boost::json::serialize(body);
  const bool expired = plan_.token_exp_ns >= 0 && now() >= plan_.token_exp_ns;
  const std::string token_kind = expired ? std::string(sim::token_kind::kExpired) : plan_.token_kind;
  const runtime::ConnectionId socket_at_post = socket_ ? socket_->id() : 0;
  const int index = r.index;
  auto conn = std::make_shared<std::string>();
  const auto posted = world_.transport.post(
      actor_,
      sim::HttpExchange{"POST", std::string(kExecuteTarget), plan_.token.empty() ? "" : "Bearer " + plan_.token, text},
      [this, index, socket_at_post, conn](sim::HttpAnswer answer) {
        on_execute_answer(index, socket_at_post, *conn, answer);
      });
  if (!posted) {  // this transport has no HTTP path: ask over the socket
    r.via_execute = false;
    return send_request();
  }
  *conn = std::to_string(*posted);
  r.http_busy = true;
  ++r.http_attempts;
  record(sim::make_http_request_record(now(), actor_, {*conn, "POST", kExecuteTarget, token_kind, text}));
}

void UserClient::on_execute_answer(int index, runtime::ConnectionId socket_at_post, const std::string& conn,
                                   const sim::HttpAnswer& answer) {
  record(sim::make_http_response_record(now(), actor_, conn, answer.status, answer.body));
  if (!current_ || current_->index != index) return;  // its events came first and ended it
  Request& r = *current_;
  r.http_busy = false;
  if (answer.status == 202) {
    if (r.run_id.empty()) r.run_id = run_id_of(answer.body);
    // The run's events went to the sockets open when it started: one that
    // opened since the POST asks for them (a closed one resumes on connect).
    if (socket_ && socket_->is_open() && socket_->id() != socket_at_post && !r.run_id.empty()) resume();
    return;
  }
  // An expired token: retried once a fresh one is held (perhaps already, on the socket's 1008).
  const bool expired = answer.status == 401 && answer.body.find("expired") != std::string::npos &&
                       (refresh_token() || plan_.token_exp_ns < 0);
  if (!retryable(answer) && !expired) return request_done();
  if (r.http_attempts >= plan_.attempts_max) {
    r.via_execute = false;  // refused too often: the socket path instead
    return send_request();
  }
  retry_execute(index);
}

void UserClient::retry_execute(int index) {
  Request& r = *current_;
  r.http_busy = true;
  const int doublings = std::min(r.http_attempts - 1, 20);
  const runtime::Nanos backoff =
      std::min({kRetryMaxNs, plan_.backoff_max_ns, plan_.backoff_base_ns << std::max(0, doublings)});
  world_.timers.call_after(backoff + draw(0, plan_.backoff_base_ns), [this, index] {
    if (!current_ || current_->index != index) return;
    current_->http_busy = false;
    if (current_->run_id.empty()) post_execute();
  });
}

// ---------------------------------------------------------------------------

void HostileClient::post_bad_tokens(runtime::Nanos after_ns) {
  struct Post {
    std::string token;
    std::string_view kind;
    std::string body;  // "": a valid body of its own
  };
  // The bad tokens must each be refused 401, the bad bodies (with h1's own
  // valid token) 422 naming what is wrong; none starts anything.
  const std::vector<Post> posts{{forged_token_, sim::token_kind::kForged, ""},
                                {"", sim::token_kind::kMissing, ""},
                                {expired_token_, sim::token_kind::kExpired, ""},
                                {valid_token_, sim::token_kind::kValid, "[\"not\", \"an object\"]"},
                                {valid_token_, sim::token_kind::kValid, R"({"thread_id":")" + user_id_ + R"(-v2"})"},
                                {valid_token_, sim::token_kind::kValid, R"({"thread_id":7,"input":""})"},
                                {valid_token_, sim::token_kind::kValid,
                                 R"({"thread_id":")" + user_id_ + R"(-v3","input":"q","agent_name":"nobody"})"}};
  runtime::Nanos at = after_ns;
  int n = 0;
  for (const auto& post : posts) {
    const std::string& token = post.token;
    const std::string_view kind = post.kind;
    if (token.empty() && kind != sim::token_kind::kMissing) continue;  // no valid token to send it with
    const std::string body =
        !post.body.empty()
            ? post.body
            : boost::json::serialize(boost::json::object{{field::kThreadId, user_id_ + "-x" + std::to_string(++n)},
                                                         {field::kInput, "run this for me"}});
    world_.timers.call_after(at, [this, token, kind = std::string(kind), body] {
      auto conn = std::make_shared<std::string>();
      const auto posted = world_.transport.post(
          actor_, sim::HttpExchange{"POST", std::string(kExecuteTarget), token.empty() ? "" : "Bearer " + token, body},
          [this, conn](sim::HttpAnswer answer) {
            record(sim::make_http_response_record(now(), actor_, *conn, answer.status, answer.body));
          });
      if (!posted) return;
      *conn = std::to_string(*posted);
      record(sim::make_http_request_record(now(), actor_, {*conn, "POST", kExecuteTarget, kind, body}));
    });
    at += static_cast<runtime::Nanos>(rng_.uniform(1, 20)) * runtime::kNanosPerMilli;
  }
}

}  // namespace bridgesim::scenarios
