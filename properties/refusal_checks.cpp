// The refusals checker (issue 10, found by scripts/mutation-score.sh): a
// refused handshake is answered with the status its cause calls for
// (docs/protocol.md, "Refusal"), and names its reason. Without it a server
// answering 502 for "auth service unavailable" or 504 for a broken critical
// path passed every property: a client treats any refusal alike.
#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "properties/checker_support.hpp"
#include "properties/client_view.hpp"
#include "properties/fault_windows.hpp"
#include "properties/properties.hpp"
#include "sim/client_actor.hpp"
#include "sim/fault_catalog.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::properties {
namespace {

namespace rec = sim::record;
namespace rf = sim::record_field;

constexpr std::string_view kWsTarget = "/ws";
// The auth service's timeout (AuthServiceLimits::timeout_ns, 500 ms) plus
// the fault-free link both ways (at most 20 ms each) and a margin.
constexpr runtime::Nanos kHandshakeAnswerNs = 600 * runtime::kNanosPerMilli;

struct Attempt {
  std::string client;  // the client actor
  std::string target;  // the handshake's path
  runtime::Nanos at_ns = 0;
};

// The auth client's circuit breaker as the trace lets one bound it. A
// handshake refused 503 without any call to the service was refused by an
// open breaker, so the calls before must allow one: 3 failures in a row less
// than 1 s ago (a success resets the count, not an open breaker). The count
// follows the answers, not the calls: the service answers within 1 to 3 ms,
// a slow one later (its delay) or the client's 500 ms timeout fails it first
// (a slow call counts as failed: it may have been). Where the trace leaves
// the order open the bound is lenient: a failure counts from its earliest
// answer and holds the breaker open from its latest; a success resets the
// count from its latest answer, and not at all when it may have been
// answered in the same moments as a failure. The numbers are docs/protocol.md's,
// restated (as kConfirmationFreshNs is), not read from AuthServiceLimits: an
// oracle that follows the implementation's constants follows its mistakes.
class BreakerBound {
 public:
  static constexpr int kFailuresToOpen = 3;
  static constexpr runtime::Nanos kOpenForNs = runtime::kNanosPerSecond;
  static constexpr runtime::Nanos kTimeoutNs = 500 * runtime::kNanosPerMilli;

  // Linear in the calls, then O(log calls) per question: a refusal-heavy
  // trace (auth_down with many users) asks once per 503.
  explicit BreakerBound(const sim::Trace& trace) {
    for (const auto& r : trace.records()) {
      if (!sim::is_record(r, sim::actor::kAuthService, rec::kCall)) continue;
      const std::string_view state = r.field(rf::kState);
      const bool slow = state.find("slow") != std::string_view::npos;
      const bool failed = slow || state.find("down") != std::string_view::npos;
      // A slow call's answer (or its timeout) lies anywhere up to the timeout.
      const runtime::Nanos earliest = r.at_ns + kAnswerMinNs;
      const runtime::Nanos latest = r.at_ns + (slow ? kTimeoutNs + kAnswerMaxNs : kAnswerMaxNs);
      calls_.push_back({r.at_ns, earliest, latest, std::string(r.field(rf::kUser)), failed});
    }
    drop_successes_overlapping_a_failure();
    for (const Call& c : calls_) asked_[c.user].push_back(c.at_ns);  // still in trace order: ascending
    // Failures as early, successes as late as they may have been answered; a failure first on a tie.
    std::stable_sort(calls_.begin(), calls_.end(), [](const Call& a, const Call& b) {
      return key(a) != key(b) ? key(a) < key(b) : a.failed && !b.failed;
    });
    // The breaker's state after each call, in that order (closed_at reads a prefix).
    int failures = 0;
    runtime::Nanos open_until = -1;  // a success resets the count, not an open breaker
    runtime::Nanos run_latest = -1;  // the latest any failure of the current run may have come
    for (const Call& c : calls_) {
      failures = c.failed ? failures + 1 : 0;
      run_latest = c.failed ? std::max(run_latest, c.latest_ns) : -1;
      // Any failure of the run may have been the one that opened it (a slow
      // call's timeout lands late): open until 1 s after the latest of them.
      if (failures >= kFailuresToOpen) open_until = std::max(open_until, run_latest + kOpenForNs);
      after_.push_back({key(c), failures, open_until});
    }
  }
  // Calls of `user` in [from, to].
  bool asked(const std::string& user, runtime::Nanos from, runtime::Nanos to) const {
    const auto it = asked_.find(user);
    if (it == asked_.end()) return false;
    const auto first = std::lower_bound(it->second.begin(), it->second.end(), from);
    return first != it->second.end() && *first <= to;
  }
  // "" when the breaker may have been open at `at`, else why not.
  std::string closed_at(runtime::Nanos at) const {
    // The calls answered by `at`: a prefix of the order.
    const auto end = std::upper_bound(after_.begin(), after_.end(), at,
                                      [](runtime::Nanos t, const State& state) { return t < state.key_ns; });
    const State state = end == after_.begin() ? State{} : *(end - 1);
    if (state.open_until_ns < 0) {
      return "no " + std::to_string(kFailuresToOpen) +
             " auth-service calls in a row had failed before it (the "
             "breaker opens after " +
             std::to_string(kFailuresToOpen) + "; " + std::to_string(state.failures) + " had, the last ones)";
    }
    if (at > state.open_until_ns) {
      return "the breaker last opened before " + sim::format_virtual_time(state.open_until_ns - kOpenForNs) +
             ", more than 1 s before";
    }
    return {};
  }

 private:
  // The simulated service answers 1 to 3 ms after the call (sim/sim_auth_service.cpp).
  static constexpr runtime::Nanos kAnswerMinNs = runtime::kNanosPerMilli;
  static constexpr runtime::Nanos kAnswerMaxNs = 3 * runtime::kNanosPerMilli;
  struct Call {
    runtime::Nanos at_ns;
    runtime::Nanos earliest_ns;  // its answer
    runtime::Nanos latest_ns;
    std::string user;
    bool failed;
  };
  struct State {
    runtime::Nanos key_ns = 0;  // the call's place in the order
    int failures = 0;
    runtime::Nanos open_until_ns = -1;
  };
  static runtime::Nanos key(const Call& c) { return c.failed ? c.earliest_ns : c.latest_ns; }

  // A success that may have come before or after a failure: either, so none.
  // Failures by earliest answer, with the latest answer of each prefix: a
  // success overlaps one iff some failure answered no later than the
  // success's latest may still answer after the success's earliest.
  void drop_successes_overlapping_a_failure() {
    std::vector<std::pair<runtime::Nanos, runtime::Nanos>> failed;  // (earliest, latest of the prefix)
    for (const Call& c : calls_) {
      if (c.failed) failed.emplace_back(c.earliest_ns, c.latest_ns);
    }
    std::sort(failed.begin(), failed.end());
    for (std::size_t i = 1; i < failed.size(); ++i) failed[i].second = std::max(failed[i].second, failed[i - 1].second);
    const auto overlaps_a_failure = [&failed](const Call& s) {
      if (s.failed) return false;
      const auto end = std::upper_bound(failed.begin(), failed.end(), s.latest_ns,
                                        [](runtime::Nanos t, const auto& f) { return t < f.first; });
      return end != failed.begin() && (end - 1)->second >= s.earliest_ns;
    };
    calls_.erase(std::remove_if(calls_.begin(), calls_.end(), overlaps_a_failure), calls_.end());
  }

  std::vector<Call> calls_;
  std::vector<State> after_;                                               // the breaker after each of calls_, in order
  std::map<std::string, std::vector<runtime::Nanos>, std::less<>> asked_;  // user -> call times
};

// The status a refusal of this handshake must have, or "" when either of
// 401 and 503 will do; `why` says what decided it.
std::string expected_status(bool healthy, const Attempt& attempt, std::string_view token, std::string& why) {
  // A broken critical path refuses every handshake before routing it (no
  // component of it is touched): 503 whatever the target.
  if (!healthy) {
    why = "the system's critical path is broken (startup ok=false)";
    return "503";
  }
  if (attempt.target != kWsTarget) {
    why = "its target " + attempt.target + " is not " + std::string(kWsTarget);
    return "404";
  }
  if (token != sim::token_kind::kValid) {
    why = "its token is " + std::string(token.empty() ? "unknown" : token);
    return "401";
  }
  return "";
}

std::optional<Violation> judge_reject(const sim::Trace& trace, std::size_t index, bool healthy, const Attempt& attempt,
                                      std::string_view token, const std::vector<FaultWindow>& windows,
                                      const BreakerBound& breaker) {
  const auto& r = trace.records()[index];
  const std::string status(r.field(rf::kStatus));
  const std::string who = sim::client_label(attempt.client) + " (connection " + std::string(r.field(rf::kConn)) + ")";
  std::string why;
  const std::string expected = expected_status(healthy, attempt, token, why);
  if (!expected.empty()) {
    if (status == expected) return std::nullopt;
    return violation_at("refusals", trace, index,
                        who + " was refused " + status + ", but " + why + ": the refusal is " + expected);
  }
  // A valid token on a healthy system: 401 when the identity is denied or
  // the token expired meanwhile, 503 only while the auth service cannot
  // answer, which only an injected fault makes happen.
  if (status == "401") return std::nullopt;
  if (status != "503") {
    return violation_at("refusals", trace, index,
                        who + " holds a valid token and was refused " + status +
                            ": a healthy server refuses a valid token 401 (denied, expired) or 503 (auth service "
                            "unavailable), nothing else");
  }
  const std::string user = sim::user_of_actor(attempt.client);
  if (!breaker.asked(user, attempt.at_ns, r.at_ns)) {
    if (const std::string why = breaker.closed_at(r.at_ns); !why.empty()) {
      return violation_at("refusals", trace, index,
                          who + " holds a valid token and was refused 503 at " + sim::format_virtual_time(r.at_ns) +
                              " without a call to the auth service (an open circuit breaker), but " + why);
    }
  }
  if (fault_explaining(windows, user, r.at_ns, r.at_ns) != nullptr) return std::nullopt;
  return violation_at("refusals", trace, index,
                      who + " holds a valid token and was refused 503 (auth service unavailable) at " +
                          sim::format_virtual_time(r.at_ns) + fault_free_note(user, r.at_ns, r.at_ns));
}

// The breaker's other half: it opens. Once 3 auth-service calls in a row
// have surely failed (docs/protocol.md), the client calls the service no more
// for 1 s from the last of them. Judged strictly where BreakerBound is
// lenient: a failure counts only once surely answered (its latest answer) and
// holds the breaker open for 1 s from its earliest; anything that may have
// succeeded resets the count from its earliest answer to its latest (a slow
// call whose delay may beat the 500 ms timeout may have). The service answers
// within 1 to 3 ms (sim/sim_auth_service.cpp); a slow one after its delay, so
// a delay of at least 500 ms fails at the timeout exactly.
std::optional<Violation> judge_breaker_opens(const sim::Trace& trace) {
  constexpr runtime::Nanos kNsPerMs = runtime::kNanosPerMilli;
  constexpr runtime::Nanos kMinNs = kNsPerMs, kMaxNs = 3 * kNsPerMs;
  constexpr runtime::Nanos kTimeoutNs = 500 * runtime::kNanosPerMilli, kOpenForNs = runtime::kNanosPerSecond;
  const auto& records = trace.records();
  // The least delay_ms of the planned auth_slow faults (which one is active
  // when is the plan's business; a slow call is delayed by at least this).
  runtime::Nanos slow_delay_ns = INT64_MAX;  // INT64_MAX: none planned; -1: one without a delay_ms
  for (const auto& r : records) {
    if (!sim::is_record(r, sim::actor::kFaults, rec::kPlanned) || r.field(rf::kKind) != "auth_slow") continue;
    const std::string params(r.field(rf::kParams));
    const auto at = params.find("delay_ms=");
    const runtime::Nanos delay = at == std::string::npos ? -1 : std::stoll(params.substr(at + 9)) * kNsPerMs;
    slow_delay_ns = std::min(slow_delay_ns, delay);
  }
  struct Answer {
    runtime::Nanos earliest, latest;
  };
  std::vector<Answer> failed, maybe_ok;  // the surely failed calls; the ones that may have succeeded
  std::vector<std::size_t> calls;        // record indices of the calls
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (!sim::is_record(r, sim::actor::kAuthService, rec::kCall)) continue;
    calls.push_back(i);
    const std::string_view state = r.field(rf::kState);
    const bool down = state.find("down") != std::string_view::npos;
    const bool slow = state.find("slow") != std::string_view::npos;
    if (!slow) {
      (down ? failed : maybe_ok).push_back({r.at_ns + kMinNs, r.at_ns + kMaxNs});
    } else if (slow_delay_ns != INT64_MAX && slow_delay_ns >= kTimeoutNs) {
      failed.push_back({r.at_ns + kTimeoutNs, r.at_ns + kTimeoutNs});  // the timeout answers first
    } else if (down) {
      failed.push_back({r.at_ns + kMinNs, r.at_ns + kTimeoutNs});
    } else {
      maybe_ok.push_back({r.at_ns + kMinNs, r.at_ns + kTimeoutNs});
    }
  }
  std::sort(failed.begin(), failed.end(), [](const Answer& a, const Answer& b) { return a.latest < b.latest; });
  std::sort(maybe_ok.begin(), maybe_ok.end(), [](const Answer& a, const Answer& b) { return a.earliest < b.earliest; });
  std::multiset<runtime::Nanos> run;       // earliest answers of the failures since the last possible success
  runtime::Nanos reset_until = INT64_MIN;  // no failure answered no later than this counts
  std::size_t next_failed = 0, next_ok = 0;
  for (const std::size_t index : calls) {
    const runtime::Nanos t = records[index].at_ns;
    for (; next_ok < maybe_ok.size() && maybe_ok[next_ok].earliest <= t; ++next_ok) {
      reset_until = std::max(reset_until, maybe_ok[next_ok].latest);
      while (!run.empty() && *run.begin() <= reset_until) run.erase(run.begin());
    }
    for (; next_failed < failed.size() && failed[next_failed].latest < t; ++next_failed) {
      if (failed[next_failed].earliest > reset_until) run.insert(failed[next_failed].earliest);
    }
    if (run.size() < 3 || t >= *run.rbegin() + kOpenForNs) continue;
    return violation_at("refusals", trace, index,
                        "the auth service was called for " + std::string(records[index].field(rf::kUser)) + " at " +
                            sim::format_virtual_time(t) + ", but " + std::to_string(run.size()) +
                            " calls in a row had surely failed, the last answered from " +
                            sim::format_virtual_time(*run.rbegin()) +
                            " on, with nothing that may have succeeded between: the circuit breaker must be open "
                            "for 1 s after the third failure");
  }
  return std::nullopt;
}

}  // namespace

std::optional<Violation> check_refusals(const sim::Trace& trace, const ClientView&) {
  const auto& records = trace.records();
  const auto windows = fault_windows(trace);
  const BreakerBound breaker(trace);
  bool healthy = true;
  std::map<std::string, std::string> token_of;  // client actor -> the token kind of its latest attempt
  std::map<std::string, Attempt> attempts;      // conn -> handshake
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (sim::is_record(r, sim::actor::kSystem, rec::kStartup)) healthy = r.field(rf::kOk) == "true";
    if (r.kind == rec::kConnect && !sim::user_of_actor(r.actor).empty()) {
      token_of[r.actor] = std::string(r.field(rf::kToken));
    } else if (sim::is_record(r, sim::actor::kNet, rec::kConnect)) {
      attempts[std::string(r.field(rf::kConn))] = {std::string(r.field(rf::kClient)), std::string(r.field(rf::kTarget)),
                                                   r.at_ns};
    } else if (sim::is_record(r, sim::actor::kNet, rec::kReject)) {
      const auto a = attempts.find(std::string(r.field(rf::kConn)));
      if (a == attempts.end()) continue;  // a handshake the trace does not show: nothing to judge it by
      const auto t = token_of.find(a->second.client);
      if (auto v = judge_reject(trace, i, healthy, a->second, t == token_of.end() ? "" : t->second, windows, breaker)) {
        return v;
      }
    } else if (r.kind == rec::kRejected && !sim::user_of_actor(r.actor).empty() && r.field(rf::kBody).empty()) {
      return violation_at("refusals", trace, i,
                          sim::client_label(r.actor) + " was refused " + std::string(r.field(rf::kStatus)) +
                              " with an empty body: a refusal names its reason");
    }
  }
  return judge_breaker_opens(trace);
}

namespace {

// Only what delays frames excuses a slow answer: an auth service that is
// slow or down is what the server's timeout is for.
bool delays_frames(const FaultWindow& w) {
  if (w.kind == "server_closed_slow_consumer") return true;
  const auto kind = sim::fault_kind_from_name(w.kind);
  return !kind || sim::info(*kind).group == "network";
}

}  // namespace

std::optional<Violation> check_handshake_time(const sim::Trace& trace, const ClientView&) {
  const auto& records = trace.records();
  std::vector<FaultWindow> windows;
  for (auto& w : fault_windows(trace)) {
    if (delays_frames(w)) windows.push_back(std::move(w));
  }
  std::map<std::string, std::pair<std::string, runtime::Nanos>> asked;  // conn -> (client, when it connected)
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (sim::is_record(r, sim::actor::kNet, rec::kConnect)) {
      asked[std::string(r.field(rf::kConn))] = {std::string(r.field(rf::kClient)), r.at_ns};
      continue;
    }
    if (!sim::is_record(r, sim::actor::kNet, rec::kAccept) && !sim::is_record(r, sim::actor::kNet, rec::kReject)) {
      continue;
    }
    const auto a = asked.find(std::string(r.field(rf::kConn)));
    if (a == asked.end()) continue;
    const auto [client, from] = a->second;
    asked.erase(a);
    if (r.at_ns - from <= kHandshakeAnswerNs) continue;
    const std::string user = sim::user_of_actor(client);
    if (fault_explaining(windows, user, from, r.at_ns) != nullptr) continue;
    return violation_at("handshake_time", trace, i,
                        sim::client_label(client) + " (connection " + std::string(r.field(rf::kConn)) +
                            ") connected at " + sim::format_virtual_time(from) + " and its handshake was answered (" +
                            r.kind + ") only at " + sim::format_virtual_time(r.at_ns) + ", more than " +
                            sim::format_virtual_time(kHandshakeAnswerNs) +
                            " later: the auth service's timeout (500 ms) must answer it; no network fault for " + user +
                            " or everyone was active in " + format_window(from, r.at_ns));
  }
  return std::nullopt;
}

}  // namespace bridgesim::properties
