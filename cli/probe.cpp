#include "cli/probe.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>

#include "cli/probe_live_loop.hpp"
#include "cli/probe_metrics.hpp"
#include "properties/client_view.hpp"
#include "properties/properties.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "system/net/client.hpp"

namespace bridgesim::cli {

const std::vector<std::string>& client_side_properties() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& p : properties::property_catalog()) {
      if (p.judged_live) out.push_back(p.name);
    }
    return out;
  }();
  return names;
}

namespace {

constexpr std::chrono::milliseconds kHealthTimeout{5'000};

namespace rec = sim::record;
namespace rf = sim::record_field;
using sim::make_field;

sim::TraceRecord probe_record(std::string_view kind, std::vector<sim::Field> fields) {
  return {0, std::string(sim::actor::kProbe), std::string(kind), std::move(fields)};
}

bool is_token_fault(sim::FaultKind kind) { return sim::info(kind).injector == sim::Injector::kClientToken; }

std::vector<std::string> effective_properties(const ProbeSpec& spec) {
  std::vector<std::string> names = spec.properties;
  if (names.empty()) {
    for (const auto& p : spec.scenario.properties) {
      const auto& client_side = client_side_properties();
      if (std::find(client_side.begin(), client_side.end(), p) != client_side.end()) names.push_back(p);
    }
  }
  if (names.empty()) names = client_side_properties();
  for (const auto& name : names) {
    if (properties::find_property(name) == nullptr) {
      throw ProbeInputError("unknown property '" + name + "' (see `bridgesim list`)");
    }
  }
  return names;
}

void check_scenario(const ProbeSpec& spec, ProbeOutcome& out) {
  const scenarios::Scenario& s = spec.scenario;
  if (s.users < 0 || s.tabs < 1 || s.messages_per_user < 0 || s.hostile_clients < 0) {
    throw ProbeInputError("scenario " + s.name + ": users, messages and hostile clients must be >= 0, tabs >= 1");
  }
  if (!(spec.deadline_s > 0)) throw ProbeInputError("--deadline-s must be positive");
  std::set<std::string> ignored;
  for (const auto& f : s.faults.faults) {
    if (is_token_fault(f.kind)) {
      out.applied_faults.push_back(f);
    } else {
      ignored.insert(std::string(sim::info(f.kind).name));
    }
  }
  if (s.swarm) ignored.insert("swarm");
  out.ignored_faults.assign(ignored.begin(), ignored.end());
}

// The server's real /health answer, recorded as the probe saw it.
void check_health(const ProbeSpec& spec, ProbeOutcome& out, const std::function<void(const std::string&)>& say) {
  try {
    const auto health = net::http_get(spec.url.host, spec.url.port, "/health", kHealthTimeout);
    out.health_status = health.status;
    out.health_body = health.body;
  } catch (const net::ClientError& e) {
    throw ProbeInputError("cannot reach " + spec.url.text() + ": " + e.what());
  }
  say("GET /health -> " + std::to_string(out.health_status) + " " + out.health_body);
  out.trace.add(probe_record(rec::kHealth, {make_field(rf::kStatus, std::to_string(out.health_status)),
                                            make_field(rf::kBody, out.health_body)}));
}

// The probe's own records of what it does: the token faults its clients
// enact, then what it is about to run.
void record_start(const ProbeSpec& spec, ProbeOutcome& out) {
  const scenarios::Scenario& s = spec.scenario;
  for (const auto& f : out.applied_faults) {
    out.trace.add(probe_record(rec::kTokenFault, {make_field(rf::kKind, std::string(sim::info(f.kind).name)),
                                                  make_field(rf::kTarget, f.target)}));
  }
  out.trace.add(probe_record(
      rec::kStart,
      {make_field(rf::kUrl, spec.url.text()), make_field(rf::kScenario, s.name),
       make_field(rf::kUsers, std::to_string(s.users)), make_field(rf::kTabs, std::to_string(s.tabs)),
       make_field(rf::kMessagesPerUser, std::to_string(s.messages_per_user)),
       make_field(rf::kHostileClients, std::to_string(s.hostile_clients)),
       make_field(rf::kSeed, std::to_string(spec.seed)), make_field(rf::kHealth, std::to_string(out.health_status))}));
}

// A user client still trying to get in when the probe stopped (its
// not_admitted record) has, in effect, given up: with a valid token that is
// a delivery failure, judged as `delivery` judges a client that ran out of
// attempts. The probe judges it from its own record rather than writing a
// client record the client never made.
std::optional<properties::Violation> not_admitted_violation(const sim::Trace& trace,
                                                            const properties::ClientView& view) {
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (!sim::is_record(r, sim::actor::kProbe, rec::kNotAdmitted)) continue;
    const std::string client(r.field(rf::kClient));
    const auto kind = view.token_kind.find(client);
    if (kind == view.token_kind.end() || kind->second != sim::token_kind::kValid) continue;
    return properties::Violation{
        "delivery", i, r.at_ns,
        sim::client_label(client) + " holds a valid token and was never admitted: " + std::string(r.field(rf::kWhy))};
  }
  return std::nullopt;
}

// The checkers' verdict, plus the probe's own delivery judgement when the
// checkers found none; violations stay in the order of `out.properties`.
void judge(ProbeOutcome& out, const properties::ClientView& view) {
  out.violations = properties::check_properties(out.trace, out.properties, &view);
  const auto& names = out.properties;
  const auto delivery = std::find(names.begin(), names.end(), "delivery");
  if (delivery == names.end()) return;
  const auto is_delivery = [](const properties::Violation& v) { return v.property == "delivery"; };
  if (std::any_of(out.violations.begin(), out.violations.end(), is_delivery)) return;
  auto v = not_admitted_violation(out.trace, view);
  if (!v) return;
  const auto rank = [&names](const std::string& p) { return std::find(names.begin(), names.end(), p) - names.begin(); };
  const auto before = std::find_if(out.violations.begin(), out.violations.end(),
                                   [&](const properties::Violation& o) { return rank(o.property) > rank("delivery"); });
  out.violations.insert(before, std::move(*v));
}

}  // namespace

ProbeOutcome probe(const ProbeSpec& spec) {
  const auto say = [&spec](const std::string& line) {
    if (spec.progress) spec.progress(line);
  };
  ProbeOutcome out;
  out.properties = effective_properties(spec);
  check_scenario(spec, out);
  if (spec.check_health) check_health(spec, out, say);
  record_start(spec, out);

  const auto started = std::chrono::steady_clock::now();
  const LiveRun run = run_live(spec, out.trace, say);
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.all_finished = run.all_finished;

  properties::ClientView view = properties::build_client_view(out.trace);
  // The probe injects no timed fault, so every request is judged against the
  // scenario's liveness bound from its own send (the bound is given to the
  // judge here, not written into the trace as if a fault plan had said so).
  view.heal_by_ns = 0;
  view.liveness_bound_ns = spec.scenario.liveness_bound_ns;
  judge(out, view);
  out.clients = summarize(out.trace, view, run.actors, run.finished);
  measure_gaps(view, out);
  measure_requests(view, out);
  return out;
}

}  // namespace bridgesim::cli
