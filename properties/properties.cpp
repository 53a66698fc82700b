#include "properties/properties.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <boost/json.hpp>

#include "properties/client_view.hpp"
#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "protocol/schema.hpp"
#include "protocol/seq.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::properties {
namespace {

namespace field = protocol::field;
namespace rf = sim::record_field;
namespace rec = sim::record;
using protocol::event_type::is_run_event;
using protocol::event_type::kLifecycle;

Violation at(const std::string& property, const sim::Trace& trace, std::size_t index, std::string message) {
  return Violation{property, index, trace.records()[index].at_ns, std::move(message)};
}

std::string join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ", ";
    out += item;
  }
  return out + "]";
}

// One request (a user_message), judged as its client accepts events: the
// next seq only; lower is a duplicate, higher a gap the client asks to have
// resumed.
std::optional<Violation> judge_request(const sim::Trace& trace, const ClientView& view, const Frame& request,
                                       const std::set<std::pair<std::string, std::string>>& cancels) {
  const std::string thread = string_field(request.body, field::kThreadId);
  const std::string msg = string_field(request.body, field::kClientMsgId);
  const std::string who = sim::client_label(request.actor);
  std::vector<std::string> accepted;
  std::string run;
  std::uint64_t expected = 1;
  const Frame* terminal = nullptr;
  for (const auto& f : view.received) {
    if (f.actor != request.actor || f.record_index < request.record_index) continue;
    const std::string type = string_field(f.body, field::kType);
    if (!is_run_event(type) || string_field(f.body, field::kThreadId) != thread) continue;
    const std::string this_run = string_field(f.body, field::kRunId);
    if (run.empty()) run = this_run;
    if (this_run != run) {
      return at("delivery", trace, f.record_index,
                who + "'s message " + msg + " started more than one run (" + run + ", " + this_run + ")");
    }
    const std::uint64_t seq = protocol::seq_of(f.body);
    if (seq != expected) continue;
    if (type == protocol::event_type::kAgentError) {
      if (string_field(f.body, field::kReason) == protocol::reasons::kCancelledByTheUser &&
          cancels.count({request.user, run}) == 0) {
        return at("delivery", trace, f.record_index,
                  "run " + run + " of " + who + " was cancelled, but " + request.user + " never asked to cancel it");
      }
    } else if (expected > std::size(kLifecycle) || type != kLifecycle[expected - 1]) {
      return at("delivery", trace, f.record_index,
                who + "'s message " + msg + " got " + type + " as seq " + std::to_string(seq) + "; expected " +
                    (expected <= std::size(kLifecycle) ? std::string(kLifecycle[expected - 1]) : "nothing more") +
                    " (accepted so far: " + join(accepted) + ")");
    }
    accepted.push_back(type);
    ++expected;
    if (protocol::event_type::is_terminal(type)) {
      terminal = &f;
      break;
    }
  }
  if (terminal == nullptr) {
    std::vector<std::string> missing;
    for (std::size_t i = accepted.size(); i < std::size(kLifecycle); ++i) missing.emplace_back(kLifecycle[i]);
    return at("delivery", trace, request.record_index,
              who + "'s message " + msg + " (thread " + thread + ") received " + join(accepted) + " and never " +
                  join(missing));
  }
  if (view.liveness_bound_ns > 0) {
    const runtime::Nanos bound = std::max(request.at_ns, view.heal_by_ns) + view.liveness_bound_ns;
    if (terminal->at_ns > bound) {
      return at("delivery", trace, terminal->record_index,
                who + "'s message " + msg + " ended at " + sim::format_virtual_time(terminal->at_ns) +
                    ", later than its liveness bound " + sim::format_virtual_time(bound));
    }
  }
  return std::nullopt;
}

// A client holding a valid token must get in once faults heal, unless the
// system itself is down (a planned missing component: see `health`).
std::optional<Violation> judge_admission(const sim::Trace& trace, const ClientView& view) {
  const auto& records = trace.records();
  for (const auto& r : records) {
    if (sim::is_record(r, sim::actor::kSystem, rec::kHealth) && r.field(rf::kStatus) == "503") return std::nullopt;
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.kind != rec::kGaveUp || sim::user_of_actor(r.actor).empty()) continue;
    const auto kind = view.token_kind.find(r.actor);
    if (kind != view.token_kind.end() && kind->second == sim::token_kind::kValid) {
      return at("delivery", trace, i,
                sim::client_label(r.actor) +
                    " holds a valid token and was never admitted: " + std::string(r.field(rf::kWhy)));
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Violation> check_isolation(const sim::Trace& trace) {
  return check_isolation(trace, build_client_view(trace));
}

std::optional<Violation> check_isolation(const sim::Trace& trace, const ClientView& view) {
  std::map<std::string, std::set<std::string>> threads_of;  // user -> threads they asked in
  for (const auto& f : view.sent) {
    if (const auto t = string_field(f.body, field::kThreadId); !t.empty()) threads_of[f.user].insert(t);
  }
  std::map<std::string, std::string> run_owner;  // run_id -> the user who first received it
  for (const auto& f : view.received) {
    if (!f.parsed) continue;
    const auto owner = view.conn_owner.find(f.conn);
    const std::string& conn_user = owner == view.conn_owner.end() ? f.user : owner->second;
    const std::string type = string_field(f.body, field::kType);
    const std::string event_user = string_field(f.body, field::kUserId);
    if (!event_user.empty() && event_user != conn_user) {
      return at("isolation", trace, f.record_index,
                "user " + conn_user + " received " + type + " of user " + event_user + " (run " +
                    string_field(f.body, field::kRunId) + ", thread " + string_field(f.body, field::kThreadId) +
                    ") on connection " + f.conn);
    }
    if (!is_run_event(type)) continue;
    const std::string thread = string_field(f.body, field::kThreadId);
    if (threads_of[conn_user].count(thread) == 0) {
      return at("isolation", trace, f.record_index,
                "user " + conn_user + " received " + type + " for thread '" + thread +
                    "', which is not one of theirs, on connection " + f.conn);
    }
    const std::string run = string_field(f.body, field::kRunId);
    const auto [it, first] = run_owner.emplace(run, conn_user);
    if (!first && it->second != conn_user) {
      return at("isolation", trace, f.record_index,
                "run " + run + " reached both user " + it->second + " and user " + conn_user);
    }
  }
  return std::nullopt;
}

std::optional<Violation> check_delivery(const sim::Trace& trace) {
  return check_delivery(trace, build_client_view(trace));
}

std::optional<Violation> check_delivery(const sim::Trace& trace, const ClientView& view) {
  if (auto v = judge_admission(trace, view)) return v;
  std::set<std::pair<std::string, std::string>> cancels;  // (user, run_id) the user itself cancelled
  std::set<std::pair<std::string, std::string>> judged;   // (actor, client_msg_id): retries are one request
  for (const auto& f : view.sent) {
    if (string_field(f.body, field::kType) == protocol::client_type::kCancel) {
      cancels.insert({f.user, string_field(f.body, field::kRunId)});
    }
  }
  for (const auto& request : view.sent) {
    if (string_field(request.body, field::kType) != protocol::client_type::kUserMessage) continue;
    const std::string msg = string_field(request.body, field::kClientMsgId);
    // A malformed request is answered with an error, not a run.
    if (string_field(request.body, field::kThreadId).empty() || msg.empty() ||
        string_field(request.body, field::kText).empty()) {
      continue;
    }
    if (!judged.insert({request.actor, msg}).second) continue;
    if (auto v = judge_request(trace, view, request, cancels)) return v;
  }
  return std::nullopt;
}

std::optional<Violation> check_auth(const sim::Trace& trace) { return check_auth(trace, build_client_view(trace)); }

std::optional<Violation> check_auth(const sim::Trace& trace, const ClientView& view) {
  std::set<std::string> valid_users;  // users with at least one client holding a valid token
  for (const auto& [actor, kind] : view.token_kind) {
    if (kind == sim::token_kind::kValid) valid_users.insert(sim::user_of_actor(actor));
  }
  const auto& records = trace.records();
  // Judged per connection attempt: the token kind of the attempt that opened
  // it. Frames reach only opened connections, so the opens are enough.
  for (const std::size_t i : view.opens) {
    const auto& r = records[i];
    const std::string& kind = view.open_token.at(i);
    if (kind != sim::token_kind::kValid && !kind.empty()) {
      return at("auth", trace, i, sim::client_label(r.actor) + " connected with a " + kind + " token and was accepted");
    }
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto publish = sim::as_publish(records[i]);
    if (publish && valid_users.count(std::string(publish->user)) == 0) {
      return at("auth", trace, i,
                "a run (" + std::string(publish->run) + ") ran for " + std::string(publish->user) +
                    ", an identity that never presented a valid token");
    }
  }
  return std::nullopt;
}

std::optional<Violation> check_health(const sim::Trace& trace) {
  const auto& records = trace.records();
  std::vector<std::string> components;  // planned component_missing faults
  std::optional<std::size_t> health;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (sim::is_record(r, sim::actor::kFaults, rec::kPlanned) && r.field(rf::kKind) == "component_missing") {
      const auto params = std::string(r.field(rf::kParams));
      components.push_back(params.rfind("component=", 0) == 0 ? params.substr(10) : "bridge");
    }
    if (sim::is_record(r, sim::actor::kSystem, rec::kHealth)) health = i;
  }
  const std::string missing = components.empty() ? "" : components.front();
  if (!health) return std::nullopt;  // not a simulated run of the whole system
  const auto& h = records[*health];
  const bool unhealthy = h.field(rf::kStatus) == "503";
  if (!missing.empty() && !unhealthy) {
    return at("health", trace, *health,
              "component '" + missing + "' is missing but /health says " + std::string(h.field(rf::kStatus)));
  }
  if (missing.empty() && unhealthy) {
    return at("health", trace, *health,
              "/health says 503 with every critical component present: " + std::string(h.field(rf::kBody)));
  }
  if (unhealthy) {
    static const std::map<std::string, std::string> named{{"bridge", "agent_websocket_bridge"},
                                                          {"llm", "no LLM client"}};
    for (const auto& component : components) {
      const auto it = named.find(component);
      const std::string expect =
          it != named.end() ? it->second : "no handler for '" + component.substr(component.find(':') + 1) + "'";
      if (h.field(rf::kBody).find(expect) == std::string_view::npos) {
        return at(
            "health", trace, *health,
            "/health 503 does not name the missing component (" + expect + "): " + std::string(h.field(rf::kBody)));
      }
    }
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (records[i].kind == rec::kOpen && !sim::user_of_actor(records[i].actor).empty()) {
        return at("health", trace, i, "a connection was accepted although startup validation failed");
      }
    }
  }
  return std::nullopt;
}

std::optional<Violation> check_resources(const sim::Trace& trace) {
  const auto& records = trace.records();
  for (std::size_t i = records.size(); i-- > 0;) {
    const auto& r = records[i];
    if (!sim::is_record(r, sim::actor::kWorld, rec::kEnd)) continue;
    std::string left;
    for (const auto& [key, value] : r.fields) {
      if (key != rf::kPendingEvents && value != "0") left += (left.empty() ? "" : ", ") + key + "=" + value;
    }
    if (!left.empty()) return at("resources", trace, i, "after everyone left, still held: " + left);
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Violation> check_runs(const sim::Trace& trace) {
  struct Run {
    std::uint64_t last_seq = 0;
    bool terminal = false;
    std::size_t first_index = 0;
  };
  std::map<std::string, Run> runs;
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto publish = sim::as_publish(records[i]);
    if (!publish) continue;
    const std::string id(publish->run);
    const std::string type(publish->type);
    const std::uint64_t seq = publish->seq;
    auto [it, first] = runs.emplace(id, Run{0, false, i});
    Run& run = it->second;
    if (first && type != protocol::event_type::kAgentStarted)
      return at("runs", trace, i, "run " + id + " began with " + type);
    if (run.terminal) return at("runs", trace, i, "run " + id + " emitted " + type + " after its terminal event");
    if (seq != run.last_seq + 1) {
      return at("runs", trace, i,
                "run " + id + " emitted seq " + std::to_string(seq) + " after " + std::to_string(run.last_seq));
    }
    run.last_seq = seq;
    run.terminal = protocol::event_type::is_terminal(type);
  }
  for (const auto& [id, run] : runs) {
    if (!run.terminal)
      return at("runs", trace, run.first_index, "run " + id + " never ended (no agent_completed or agent_error)");
  }
  return std::nullopt;
}

std::optional<Violation> check_protocol(const sim::Trace& trace) {
  return check_protocol(trace, build_client_view(trace));
}

std::optional<Violation> check_protocol(const sim::Trace& trace, const ClientView& view) {
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.kind == rec::kViolation) {
      return at("protocol", trace, i,
                "the server broke the WebSocket state machine on connection " + std::string(r.field(rf::kConn)) + ": " +
                    std::string(r.field(rf::kWhat)));
    }
  }
  for (const auto& f : view.received) {
    if (!f.parsed) {
      return at("protocol", trace, f.record_index, "user " + f.user + " received a frame that is not a JSON object");
    }
    const std::string type = string_field(f.body, field::kType);
    if (type.empty())
      return at("protocol", trace, f.record_index, "user " + f.user + " received a frame without 'type'");
    if (!is_run_event(type)) continue;
    if (const std::string error = protocol::run_event_schema_error(f.body); !error.empty()) {
      return at("protocol", trace, f.record_index, "user " + f.user + " received an invalid " + type + ": " + error);
    }
  }
  return std::nullopt;
}

std::optional<Violation> check_no_crash(const sim::Trace& trace) {
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (sim::is_record(records[i], sim::actor::kWorld, rec::kCrash)) {
      return at("no_crash", trace, i, "an exception escaped the system: " + std::string(records[i].field(rf::kWhat)));
    }
  }
  return std::nullopt;
}

using ViewCheck = std::optional<Violation> (*)(const sim::Trace&, const ClientView&);
// Picks the overload that takes the prebuilt view.
constexpr ViewCheck with_view(ViewCheck check) { return check; }

template <std::optional<Violation> (*Check)(const sim::Trace&)>
std::optional<Violation> ignore_view(const sim::Trace& trace, const ClientView&) {
  return Check(trace);
}

const std::vector<Property>& property_catalog() {
  static const std::vector<Property> catalog{
      {"delivery",
       "a client with a valid token gets in, and every user_message yields all five lifecycle events in seq order as "
       "the client accepts them (or agent_error with a reason), within the liveness bound after faults heal",
       with_view(check_delivery)},
      {"isolation",
       "no event of one user reaches a connection of another; every event names the right user, thread and run",
       with_view(check_isolation)},
      {"protocol", "no send before accept or after close; every run event is valid against the schema",
       with_view(check_protocol)},
      {"auth", "no connection, event or run for an identity without a valid token, degraded auth service or not",
       with_view(check_auth)},
      {"health",
       "/health is 503, naming the component, exactly when a critical component is missing; then nothing is admitted",
       ignore_view<check_health>},
      {"runs",
       "every run the system starts emits agent_started first, seq gapless, and exactly one terminal event, last",
       ignore_view<check_runs>},
      {"resources", "after everyone left: no connection, run, buffer or session is still held",
       ignore_view<check_resources>},
      {"no_crash", "no exception escapes the system (the run records it as a crash)", ignore_view<check_no_crash>},
  };
  return catalog;
}

const Property* find_property(std::string_view name) {
  for (const auto& p : property_catalog()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<Violation> check_properties(const sim::Trace& trace, const std::vector<std::string>& names,
                                        const ClientView* prebuilt) {
  std::optional<ClientView> own;
  if (prebuilt == nullptr) own.emplace(build_client_view(trace));
  const ClientView& view = prebuilt ? *prebuilt : *own;
  std::vector<Violation> out;
  auto run = [&](const Property& p) {
    if (auto v = p.check(trace, view)) out.push_back(std::move(*v));
  };
  if (names.empty()) {
    for (const auto& p : property_catalog()) run(p);
    return out;
  }
  for (const auto& name : names) {
    const Property* p = find_property(name);
    if (p == nullptr) throw std::invalid_argument("unknown property '" + name + "'");
    run(*p);
  }
  return out;
}

}  // namespace bridgesim::properties
