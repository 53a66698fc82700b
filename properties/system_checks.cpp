// The checkers judged at the source, from what the system and the relay
// recorded: health, runs, resources, no_crash.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "properties/checker_support.hpp"
#include "properties/properties.hpp"
#include "protocol/message_types.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::properties {
namespace {

namespace rf = sim::record_field;
namespace rec = sim::record;

// Whether /health's body lists the session middleware under "degraded".
bool lists_session_degraded(std::string_view body) {
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) return false;
  const auto* degraded = parsed.as_object().if_contains("degraded");
  if (degraded == nullptr || !degraded->is_array()) return false;
  const auto& list = degraded->as_array();
  return std::any_of(list.begin(), list.end(), [](const boost::json::value& v) {
    return v.is_string() && std::string_view(v.as_string()).rfind("session:", 0) == 0;
  });
}

}  // namespace

std::optional<Violation> check_health(const sim::Trace& trace) {
  const auto& records = trace.records();
  std::vector<std::string> components;  // planned component_missing faults
  bool session_missing = false;         // a planned session_missing fault
  std::optional<std::size_t> health;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (sim::is_record(r, sim::actor::kFaults, rec::kPlanned) && r.field(rf::kKind) == "component_missing") {
      const auto params = std::string(r.field(rf::kParams));
      components.push_back(params.rfind("component=", 0) == 0 ? params.substr(10) : "bridge");
    }
    session_missing |= sim::is_record(r, sim::actor::kFaults, rec::kPlanned) && r.field(rf::kKind) == "session_missing";
    if (sim::is_record(r, sim::actor::kSystem, rec::kHealth)) health = i;
  }
  const std::string missing = components.empty() ? "" : components.front();
  if (!health) return std::nullopt;  // not a simulated run of the whole system
  const auto& h = records[*health];
  // The optional session middleware: off is not a failure, but /health says so.
  if (lists_session_degraded(h.field(rf::kBody)) != session_missing) {
    return violation_at("health", trace, *health,
                        session_missing ? "the session middleware is not installed but /health does not list it "
                                          "degraded: " +
                                              std::string(h.field(rf::kBody))
                                        : "/health lists the session middleware degraded, yet it is installed: " +
                                              std::string(h.field(rf::kBody)));
  }
  const bool unhealthy = h.field(rf::kStatus) == "503";
  if (!missing.empty() && !unhealthy) {
    return violation_at("health", trace, *health,
                        "component '" + missing + "' is missing but /health says " + std::string(h.field(rf::kStatus)));
  }
  if (missing.empty() && unhealthy) {
    return violation_at("health", trace, *health,
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
        return violation_at(
            "health", trace, *health,
            "/health 503 does not name the missing component (" + expect + "): " + std::string(h.field(rf::kBody)));
      }
    }
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (records[i].kind == rec::kOpen && !sim::user_of_actor(records[i].actor).empty()) {
        return violation_at("health", trace, i, "a connection was accepted although startup validation failed");
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
    if (!left.empty()) return violation_at("resources", trace, i, "after everyone left, still held: " + left);
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
      return violation_at("runs", trace, i, "run " + id + " began with " + type);
    if (run.terminal)
      return violation_at("runs", trace, i, "run " + id + " emitted " + type + " after its terminal event");
    if (seq != run.last_seq + 1) {
      return violation_at(
          "runs", trace, i,
          "run " + id + " emitted seq " + std::to_string(seq) + " after " + std::to_string(run.last_seq));
    }
    run.last_seq = seq;
    run.terminal = protocol::event_type::is_terminal(type);
  }
  for (const auto& [id, run] : runs) {
    if (!run.terminal)
      return violation_at("runs", trace, run.first_index,
                          "run " + id + " never ended (no agent_completed or agent_error)");
  }
  return std::nullopt;
}

std::optional<Violation> check_no_crash(const sim::Trace& trace) {
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (sim::is_record(records[i], sim::actor::kWorld, rec::kCrash)) {
      return violation_at("no_crash", trace, i,
                          "an exception escaped the system: " + std::string(records[i].field(rf::kWhat)));
    }
  }
  return std::nullopt;
}

}  // namespace bridgesim::properties
