#include "bench/fanout.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string_view>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include "bench/loopback_system.hpp"
#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "protocol/seq.hpp"
#include "system/net/async_client.hpp"
#include "system/runtime/connection.hpp"

namespace bridgesim::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace field = protocol::field;
namespace event_type = protocol::event_type;
// The default scripted agent's run is the lifecycle, in seq order (docs/protocol.md).
using event_type::kLifecycle;
constexpr std::uint64_t kEventsPerRun = std::size(kLifecycle);
constexpr auto kTick = std::chrono::milliseconds(20);
constexpr auto kLeaveTimeout = std::chrono::seconds(10);

// How a churning tab leaves, in rotation.
enum class Leave { kCloseFrame, kDisconnectMessage, kTcpClose };

std::string_view string_field(const boost::json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return v->get_string();
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// One tab of a user: its current connection and what it saw of the user's
// current request.
struct Tab {
  // Null between the end of one connection and the next connect.
  std::unique_ptr<net::AsyncClientConnection> connection;
  bool established = false;    // connection_established received on `connection`
  bool leaving = false;        // left (or was dropped) mid-request; reconnecting
  bool must_see = false;       // open for the whole current request: needs all five events
  bool done = false;           // saw the current request's agent_completed
  std::uint64_t last_seq = 0;  // of the current request, on `connection`
};

struct User {
  std::string id;
  std::string token;
  std::vector<Tab> tabs;
  std::uint64_t requests = 0;  // sent
  bool in_flight = false;
  bool finished = false;
  std::string thread_id;  // of the current request; one thread per request
  std::string run_id;     // of the current request, from its first event
  Clock::time_point sent_at;
  int awaiting_reconnect = 0;
  std::unique_ptr<asio::steady_timer> think;
};

class Workload {
 public:
  explicit Workload(const FanoutOptions& options)
      : options_(options),
        nonce_("w" + std::to_string(++workloads_started) + "-"),
        transport_(io_, options.host, options.port,
                   net::AsyncClientOptions{options.connect_timeout.count(), options.connect_timeout.count()}),
        ticker_(io_) {}

  FanoutResult run() {
    if (options_.users <= 0 || options_.tabs <= 0 || options_.churn_tabs < 0 || options_.churn_tabs >= options_.tabs) {
      violation("bad options: users and tabs must be > 0 and 0 <= churn_tabs < tabs");
      return std::move(result_);
    }
    if (options_.requests_per_user == 0 && options_.duration.count() <= 0) {
      violation("bad options: give requests_per_user or a duration");
      return std::move(result_);
    }
    users_.resize(static_cast<std::size_t>(options_.users));
    for (int u = 0; u < options_.users; ++u) {
      User& user = users_[static_cast<std::size_t>(u)];
      user.id = "u" + std::to_string(u + 1);
      user.token = mint_token(options_.jwt_secret, user.id);
      user.tabs.resize(static_cast<std::size_t>(options_.tabs));
      user.think = std::make_unique<asio::steady_timer>(io_);
    }
    phase_ = Phase::kConnecting;
    started_ = phase_started_ = Clock::now();
    for (int u = 0; u < options_.users; ++u) {
      for (int t = 0; t < options_.tabs; ++t) connect(u, t);
    }
    tick();
    io_.run();
    return std::move(result_);
  }

 private:
  enum class Phase { kConnecting, kLoading, kLeaving, kDone };

  // Callbacks of the tab's current connection only: a replaced connection's
  // handle is gone, and with it its callbacks.
  void on_frame(int u, int t, std::string_view text, std::int64_t received_ns) {
    ++result_.frames;
    User& user = users_[static_cast<std::size_t>(u)];
    unsigned char scratch[4096];
    boost::json::monotonic_resource memory(scratch, sizeof scratch);
    error_code ec;
    const boost::json::value parsed = boost::json::parse(text, ec, &memory);
    if (ec || !parsed.is_object())
      return violation(user.id + ": a frame that is not a JSON object: " + std::string(text));
    const auto& body = parsed.get_object();
    const std::string_view type = string_field(body, field::kType);
    const std::string_view user_id = string_field(body, field::kUserId);
    if (body.contains(field::kUserId) && user_id != user.id) {
      return violation("isolation: a connection of " + user.id + " received " + std::string(type) + " naming user '" +
                       std::string(user_id) + "'");
    }
    if (type == event_type::kConnectionEstablished) return on_established(u, t);
    if (type == event_type::kPong) return;
    if (type == event_type::kError || type == event_type::kAgentError) {
      return violation(user.id + ": " + std::string(type) + " frame: " + std::string(text));
    }
    const auto lifecycle = std::find(std::begin(kLifecycle), std::end(kLifecycle), type);
    if (lifecycle == std::end(kLifecycle)) return violation(user.id + ": unexpected frame: " + std::string(text));
    ++result_.event_frames;
    const std::string run_id(string_field(body, field::kRunId));
    const std::string_view thread_id = string_field(body, field::kThreadId);
    const std::uint64_t seq = protocol::seq_of(body);
    const auto [owner, first_seen] = run_owner_.try_emplace(run_id, user.id);
    if (!first_seen && owner->second != user.id) {
      return violation("isolation: run " + run_id + " of " + owner->second + " reached a connection of " + user.id);
    }
    if (thread_id.substr(0, user.id.size()) != user.id || thread_id.substr(user.id.size(), 1) != "-") {
      return violation("isolation: " + user.id + " received an event of thread '" + std::string(thread_id) + "'");
    }
    if (options_.stamps != nullptr) {
      if (const auto emitted = options_.stamps->find(run_id, seq)) result_.latency_ns.push_back(received_ns - *emitted);
    }
    Tab& tab = user.tabs[static_cast<std::size_t>(t)];
    // Frames of an earlier request (a churned tab may see the tail of one):
    // isolation was all to check.
    if (!user.in_flight || thread_id != user.thread_id) return;
    if (user.run_id.empty()) user.run_id = run_id;
    if (run_id != user.run_id) {
      return violation(user.id + ": request " + user.thread_id + " saw two runs: " + user.run_id + " and " + run_id);
    }
    const std::string where = user.id + " tab " + std::to_string(t) + " run " + run_id;
    if (seq == 0 || seq > kEventsPerRun || kLifecycle[seq - 1] != type) {
      return violation(where + ": " + std::string(type) + " with seq " + std::to_string(seq));
    }
    if (seq <= tab.last_seq || (tab.must_see && seq != tab.last_seq + 1)) {
      violation(where + ": seq " + std::to_string(seq) + " after seq " + std::to_string(tab.last_seq) +
                (seq <= tab.last_seq ? " (duplicate or reordered)" : " (gap)"));
    }
    tab.last_seq = std::max(tab.last_seq, seq);
    if (seq == kEventsPerRun) {
      tab.done = true;
      maybe_complete(u);
    }
  }

  // Closed, or never opened (refused, unreachable).
  void on_ended(int u, int t, const std::string& why) {
    User& user = users_[static_cast<std::size_t>(u)];
    Tab& tab = user.tabs[static_cast<std::size_t>(t)];
    const bool was_established = tab.established;
    tab.connection.reset();
    tab.established = false;
    if (phase_ == Phase::kLeaving || phase_ == Phase::kDone) {
      if (--open_ == 0) finish();
      return;
    }
    if (phase_ == Phase::kConnecting || !was_established) {
      violation(user.id + " tab " + std::to_string(t) + ": could not connect: " + why);
      if (phase_ == Phase::kConnecting) return begin_leave();
      return;  // a reconnect that failed: the request stalls and is reported
    }
    if (!tab.leaving) {
      // The server ended a connection nobody asked to close: report, and
      // come back so the user can go on.
      violation(user.id + " tab " + std::to_string(t) + ": connection ended unasked: " + why);
      if (tab.must_see && !tab.done) tab.must_see = false;
      tab.leaving = true;
      ++user.awaiting_reconnect;
    }
    connect(u, t);
  }

  void violation(std::string message) {
    ++result_.violation_count;
    if (result_.violations.size() < options_.max_violation_messages) result_.violations.push_back(std::move(message));
  }

  void connect(int u, int t) {
    User& user = users_[static_cast<std::size_t>(u)];
    Tab& tab = user.tabs[static_cast<std::size_t>(t)];
    tab.established = false;
    tab.last_seq = 0;
    net::AsyncClientCallbacks callbacks;
    callbacks.on_text = [this, u, t](std::string text) { on_frame(u, t, text, steady_now_ns()); };
    callbacks.on_rejected = [this, u, t](int status, std::string body) {
      on_ended(u, t, "refused: HTTP " + std::to_string(status) + " " + body);
    };
    callbacks.on_closed = [this, u, t](std::uint16_t code, std::string reason) {
      on_ended(u, t, "closed " + std::to_string(code) + " " + reason);
    };
    tab.connection =
        transport_.connect(runtime::HandshakeRequest{"/ws", "Bearer " + user.token, {}}, std::move(callbacks));
  }

  void leave(net::AsyncClientConnection& connection, Leave how) {
    switch (how) {
      case Leave::kCloseFrame: return connection.close(runtime::close_code::kNormal, "bye");
      case Leave::kDisconnectMessage:
        return connection.send_text(
            boost::json::serialize(boost::json::object{{field::kType, protocol::client_type::kDisconnect}}));
      case Leave::kTcpClose: return connection.abort();
    }
  }

  void on_established(int u, int t) {
    User& user = users_[static_cast<std::size_t>(u)];
    Tab& tab = user.tabs[static_cast<std::size_t>(t)];
    if (tab.established) return;
    tab.established = true;
    ++result_.handshakes;
    if (phase_ == Phase::kConnecting) {
      if (++established_initially_ ==
          static_cast<std::size_t>(options_.users) * static_cast<std::size_t>(options_.tabs)) {
        start_load();
      }
      return;
    }
    if (phase_ == Phase::kLeaving) return leave(*tab.connection, Leave::kCloseFrame);
    if (tab.leaving) {
      tab.leaving = false;
      --user.awaiting_reconnect;
      maybe_complete(u);
    }
  }

  void start_load() {
    const auto now = Clock::now();
    result_.connect_seconds = seconds_between(phase_started_, now);
    phase_ = Phase::kLoading;
    load_started_ = last_completion_ = now;
    load_deadline_ = now + options_.duration;
    for (int u = 0; u < options_.users; ++u) {
      if (options_.think_time.count() == 0) {
        send_request(u);
        continue;
      }
      // Staggered, so paced users do not all ask at the same instant.
      users_[static_cast<std::size_t>(u)].think->expires_after(options_.think_time * u / options_.users);
      users_[static_cast<std::size_t>(u)].think->async_wait([this, u](error_code ec) {
        if (!ec) next_or_finish(u);
      });
    }
  }

  bool should_stop(const User& user) const {
    if (phase_ != Phase::kLoading) return true;
    if (options_.requests_per_user > 0) return user.requests >= options_.requests_per_user;
    return Clock::now() >= load_deadline_;
  }

  void next_or_finish(int u) {
    User& user = users_[static_cast<std::size_t>(u)];
    if (user.finished) return;
    if (should_stop(user)) {
      user.finished = true;
      return check_all_finished();
    }
    send_request(u);
  }

  void send_request(int u) {
    User& user = users_[static_cast<std::size_t>(u)];
    const std::uint64_t index = user.requests++;
    const int stable_tabs = options_.tabs - options_.churn_tabs;
    const bool churn = options_.churn_tabs > 0 && index % 2 == 0;
    // Churning requests come from a stable tab; the others from a tab that
    // came back, so fresh connections ask too.
    int requester = static_cast<int>(index % static_cast<std::uint64_t>(options_.tabs));
    if (options_.churn_tabs > 0) {
      const auto k = index / 2;
      requester = churn ? static_cast<int>(k % static_cast<std::uint64_t>(stable_tabs))
                        : stable_tabs + static_cast<int>(k % static_cast<std::uint64_t>(options_.churn_tabs));
    }
    user.thread_id = user.id + "-" + nonce_ + "r" + std::to_string(index);
    user.run_id.clear();
    for (int t = 0; t < options_.tabs; ++t) {
      Tab& tab = user.tabs[static_cast<std::size_t>(t)];
      tab.must_see = tab.established && !tab.leaving && !(churn && t >= stable_tabs);
      tab.done = false;
      tab.last_seq = 0;
    }
    Tab& asking = user.tabs[static_cast<std::size_t>(requester)];
    if (!asking.established) {
      violation(user.id + ": tab " + std::to_string(requester) + " is not connected when it should ask");
      user.finished = true;
      return check_all_finished();
    }
    user.in_flight = true;
    user.sent_at = Clock::now();
    ++result_.requests_sent;
    asking.connection->send_text(
        boost::json::serialize(boost::json::object{{field::kType, protocol::client_type::kUserMessage},
                                                   {field::kThreadId, user.thread_id},
                                                   {field::kText, "what is the weather?"},
                                                   {field::kClientMsgId, user.thread_id}}));
    if (!churn) return;
    for (int t = stable_tabs; t < options_.tabs; ++t) {
      Tab& tab = user.tabs[static_cast<std::size_t>(t)];
      if (!tab.connection || tab.leaving) continue;
      tab.leaving = true;
      ++user.awaiting_reconnect;
      ++result_.churn_leaves;
      leave(*tab.connection, static_cast<Leave>((index / 2 + static_cast<std::uint64_t>(t)) % 3));
    }
  }

  void maybe_complete(int u) {
    User& user = users_[static_cast<std::size_t>(u)];
    if (!user.in_flight || user.awaiting_reconnect > 0) return;
    for (const Tab& tab : user.tabs) {
      if (tab.must_see && !tab.done) return;
    }
    user.in_flight = false;
    ++result_.requests_completed;
    last_completion_ = Clock::now();
    if (options_.stamps != nullptr) options_.stamps->forget(user.run_id);
    if (options_.think_time.count() == 0 || should_stop(user)) return next_or_finish(u);
    user.think->expires_after(options_.think_time);
    user.think->async_wait([this, u](error_code ec) {
      if (!ec) next_or_finish(u);
    });
  }

  void check_all_finished() {
    for (const User& user : users_) {
      if (!user.finished) return;
    }
    begin_leave();
  }

  void begin_leave() {
    if (phase_ == Phase::kLeaving || phase_ == Phase::kDone) return;
    if (phase_ == Phase::kLoading) result_.load_seconds = seconds_between(load_started_, last_completion_);
    phase_ = Phase::kLeaving;
    phase_started_ = Clock::now();
    for (User& user : users_) {
      user.finished = true;
      user.think->cancel();
      for (Tab& tab : user.tabs) {
        if (!tab.connection) continue;
        ++open_;
        // Not established yet: left once it is (or ends by itself).
        if (tab.established) leave(*tab.connection, Leave::kCloseFrame);
      }
    }
    if (open_ == 0) finish();
  }

  void finish() {
    if (phase_ == Phase::kDone) return;
    result_.leave_seconds = seconds_between(phase_started_, Clock::now());
    phase_ = Phase::kDone;
    ticker_.cancel();
  }

  // Deadlines: connecting, each request, leaving.
  void tick() {
    const auto now = Clock::now();
    if (phase_ == Phase::kConnecting && now - phase_started_ > options_.connect_timeout) {
      violation("only " + std::to_string(established_initially_) + " connections established within " +
                std::to_string(options_.connect_timeout.count()) + " ms");
      begin_leave();
    }
    if (options_.give_up_after.count() > 0 && now - started_ > options_.give_up_after &&
        (phase_ == Phase::kConnecting || phase_ == Phase::kLoading)) {
      violation("gave up: the workload ran longer than " + std::to_string(options_.give_up_after.count()) + " ms");
      begin_leave();
    }
    if (phase_ == Phase::kLoading) {
      for (int u = 0; u < options_.users; ++u) {
        User& user = users_[static_cast<std::size_t>(u)];
        if (!user.in_flight || now - user.sent_at <= options_.request_timeout) continue;
        violation(describe_stall(user));
        user.in_flight = false;
        user.finished = true;
        check_all_finished();
      }
    }
    if (phase_ == Phase::kLeaving && now - phase_started_ > kLeaveTimeout) {
      violation(std::to_string(open_) + " connections still open " + std::to_string(kLeaveTimeout.count()) +
                " s after everyone asked to leave");
      finish();
      io_.stop();
      return;
    }
    if (phase_ == Phase::kDone) return;
    ticker_.expires_after(kTick);
    ticker_.async_wait([this](error_code ec) {
      if (!ec) tick();
    });
  }

  std::string describe_stall(const User& user) const {
    std::string missing;
    for (std::size_t t = 0; t < user.tabs.size(); ++t) {
      const Tab& tab = user.tabs[t];
      if (tab.must_see && !tab.done) missing += " tab" + std::to_string(t) + "@seq" + std::to_string(tab.last_seq);
    }
    return "stall: " + user.id + " request " + user.thread_id + " (run " +
           (user.run_id.empty() ? std::string("none") : user.run_id) + ") incomplete after " +
           std::to_string(options_.request_timeout.count()) + " ms; waiting for:" + (missing.empty() ? " -" : missing) +
           "; reconnects pending: " + std::to_string(user.awaiting_reconnect);
  }

  // client_msg_id is the thread id: unique per process, not only per
  // workload, or a later workload's message would be taken for a retry of
  // an earlier one (the App remembers (user, client_msg_id) for
  // idempotency) and answered with the old run instead of a new one.
  static inline std::atomic<std::uint64_t> workloads_started{0};

  const FanoutOptions& options_;
  const std::string nonce_;
  asio::io_context io_{1};
  net::AsyncClientTransport transport_;
  asio::steady_timer ticker_;
  std::vector<User> users_;
  std::map<std::string, std::string, std::less<>> run_owner_;  // run id -> the user that saw it first
  Phase phase_ = Phase::kConnecting;
  Clock::time_point started_;
  Clock::time_point phase_started_;
  Clock::time_point load_started_;
  Clock::time_point load_deadline_;
  Clock::time_point last_completion_;
  std::size_t established_initially_ = 0;
  std::size_t open_ = 0;  // while leaving: connections not ended yet
  FanoutResult result_;
};

}  // namespace

FanoutResult run_fanout(const FanoutOptions& options) {
  Workload workload(options);
  return workload.run();
}

std::int64_t quantile(std::vector<std::int64_t>& samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const double clamped = std::clamp(q, 0.0, 1.0);
  // Nearest rank: the smallest sample with at least q of all at or below it.
  auto rank = static_cast<std::size_t>(clamped * static_cast<double>(samples.size()) + 0.999999);
  rank = std::clamp<std::size_t>(rank, 1, samples.size());
  return samples[rank - 1];
}

}  // namespace bridgesim::bench
