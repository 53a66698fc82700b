#include "cli/probe.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <set>

#include "cli/probe_live_checks.hpp"
#include "cli/probe_live_loop.hpp"
#include "cli/probe_metrics.hpp"
#include "properties/client_view.hpp"
#include "properties/properties.hpp"
#include "proxy/fault_mapping.hpp"
#include "proxy/fault_proxy.hpp"
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

bool judged_live(const std::string& name) {
  const auto& live = client_side_properties();
  return std::find(live.begin(), live.end(), name) != live.end();
}

bool probe_own(const std::string& name) { return name == kFanout || name == kEventGap; }

// The scenario's simulator-only property and its live counterpart.
std::string live_counterpart(const std::string& name) {
  if (name == "streams") return std::string(kFanout);
  if (name == "timeliness") return std::string(kEventGap);
  return name;
}

// What is judged: --property as given, else the scenario's (live ones, and
// the live counterparts of streams and timeliness), else every live one.
// Asked for but not judgeable live: out.not_judged; nothing left: an input error.
void choose_properties(const ProbeSpec& spec, ProbeOutcome& out) {
  std::vector<std::string> asked = spec.properties;
  const bool explicit_list = !asked.empty();
  if (asked.empty()) {
    for (const auto& p : spec.scenario.properties) asked.push_back(live_counterpart(p));
  }
  if (asked.empty()) {
    asked = client_side_properties();
    asked.push_back(std::string(kFanout));
  }
  if (spec.max_event_gap_ms > 0 && !explicit_list) asked.push_back(std::string(kEventGap));
  for (const auto& name : asked) {
    if (properties::find_property(name) == nullptr && !probe_own(name)) {
      throw ProbeInputError("unknown property '" + name + "' (see `bridgesim list`; the probe adds fanout, event_gap)");
    }
    const bool live = judged_live(name) || probe_own(name);
    auto& into = live ? out.properties : out.not_judged;
    if (std::find(into.begin(), into.end(), name) == into.end()) into.push_back(name);
  }
  if (explicit_list && out.properties.empty()) {
    throw ProbeInputError(
        "none of the properties asked for can be judged on a live server (they read the "
        "simulator's own records); live: delivery, isolation, protocol, auth, fanout, event_gap");
  }
  for (const auto& p : properties::property_catalog()) {
    if (!p.judged_live && std::find(out.not_judged.begin(), out.not_judged.end(), p.name) == out.not_judged.end())
      out.not_judged.push_back(p.name);
  }
}

// Unique per invocation: 8 random hex digits.
std::string draw_msg_id_prefix() {
  std::random_device device;
  char text[16];
  std::snprintf(text, sizeof text, "p%08x-", static_cast<unsigned>(device()));
  return text;
}

void check_scenario(const ProbeSpec& spec, ProbeOutcome& out) {
  const scenarios::Scenario& s = spec.scenario;
  if (s.users < 0 || s.tabs < 1 || s.messages_per_user < 0 || s.hostile_clients < 0) {
    throw ProbeInputError("scenario " + s.name + ": users, messages and hostile clients must be >= 0, tabs >= 1");
  }
  if (!(spec.deadline_s > 0)) throw ProbeInputError("--deadline-s must be positive");
  const LiveFaultPlan plan = plan_live_faults(s, spec.via_proxy);
  out.applied_faults = plan.by_clients;
  out.applied_faults.insert(out.applied_faults.end(), plan.by_probe.begin(), plan.by_probe.end());
  out.proxied_faults = plan.by_proxy;
  out.not_applied = plan.not_applied;
}

// --via-proxy: a fault proxy in this process, between the clients and the
// server, applying the scenario's network faults at their times (counted
// from now, just before the clients start) with toxics drawn from the seed.
std::unique_ptr<proxy::FaultProxy> start_fault_proxy(ProbeSpec& live, ProbeOutcome& out,
                                                     const std::function<void(const std::string&)>& say) {
  proxy::ProxyOptions options;
  options.name = "probe";
  options.seed = live.seed;
  options.upstream_host = live.url.host;
  options.upstream_port = live.url.port;
  options.token_prefixes = live.profile.accept_prefixes;  // aims a user's toxics in either dialect
  // A wss:// server: TLS (verified as asked) from the proxy on; the clients
  // speak plain ws:// to the proxy on loopback, so it can read their frames.
  options.upstream_tls = live.tls;
  auto p = std::make_unique<proxy::FaultProxy>(options);
  sim::FaultPlan plan;
  plan.faults = out.proxied_faults;
  const auto mapping = proxy::map_fault_plan(plan);
  proxy::record_plan(p->trace(), plan, mapping);
  p->schedule(mapping.toxics);
  out.proxy_address = p->listen_address();
  say("via fault proxy " + out.proxy_address + " -> " + (options.upstream_tls.enabled ? "wss://" : "") +
      p->upstream_address() + ": " + std::to_string(out.proxied_faults.size()) + " network faults, " +
      std::to_string(mapping.toxics.size()) + " toxics scheduled");
  live.url.host = "127.0.0.1";
  live.url.port = p->port();
  live.url.tls = false;
  live.tls = {};
  return p;
}

// The proxy's records (its own clock, started just before the clients')
// among the probe's, in time order: one trace of the probe.
void merge_proxy_trace(sim::Trace& trace, const std::vector<sim::TraceRecord>& proxied) {
  std::vector<sim::TraceRecord> all = trace.records();
  all.insert(all.end(), proxied.begin(), proxied.end());
  std::stable_sort(all.begin(), all.end(),
                   [](const sim::TraceRecord& a, const sim::TraceRecord& b) { return a.at_ns < b.at_ns; });
  sim::Trace merged;
  for (auto& r : all) merged.add(std::move(r));
  trace = std::move(merged);
}

// The server's real /health answer, recorded as the probe saw it.
void check_health(const ProbeSpec& spec, ProbeOutcome& out, const std::function<void(const std::string&)>& say) {
  // A server that does not answer /health is recorded and reported, not thrown: the reports say so.
  try {
    const auto health = net::http_get(spec.url.host, spec.url.port, "/health", kHealthTimeout, spec.tls);
    out.health_status = health.status;
    out.health_body = health.body;
  } catch (const net::ClientError& e) {
    out.reached = false;
    out.misconfiguration = "cannot reach " + spec.url.text() + ": " + e.what();
    say("GET /health -> no answer: " + out.misconfiguration);
    return;
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
    if (sim::info(f.kind).injector != sim::Injector::kClientToken) continue;
    out.trace.add(probe_record(rec::kTokenFault, {make_field(rf::kKind, std::string(sim::info(f.kind).name)),
                                                  make_field(rf::kTarget, f.target)}));
  }
  std::vector<sim::Field> fields{make_field(rf::kUrl, spec.url.text()),
                                 make_field(rf::kScenario, s.name),
                                 make_field(rf::kUsers, std::to_string(s.users)),
                                 make_field(rf::kTabs, std::to_string(s.tabs)),
                                 make_field(rf::kMessagesPerUser, std::to_string(s.messages_per_user)),
                                 make_field(rf::kHostileClients, std::to_string(s.hostile_clients)),
                                 make_field(rf::kSeed, std::to_string(spec.seed)),
                                 make_field(rf::kHealth, std::to_string(out.health_status)),
                                 make_field("msg_id_prefix", out.msg_id_prefix)};
  // The wire dialect, when not bridgesim's own (the clients' frames in the trace are bridgesim's either way).
  if (spec.profile.name != "bridgesim") fields.push_back(make_field("protocol_profile", spec.profile.source));
  if (spec.via_proxy) fields.push_back(make_field("via_proxy", "true"));
  out.trace.add(probe_record(rec::kStart, std::move(fields)));
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

bool has(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The checkers' verdict (catalog properties), then the probe's own checks,
// each under the property it belongs to and only when that property has no
// violation yet; in the order of `out.properties`.
void judge(const ProbeSpec& spec, ProbeOutcome& out, const properties::ClientView& view) {
  std::vector<std::string> catalog_names;
  for (const auto& p : out.properties) {
    if (!probe_own(p)) catalog_names.push_back(p);
  }
  out.violations = catalog_names.empty() ? std::vector<properties::Violation>{}
                                         : properties::check_properties(out.trace, catalog_names, &view);
  const auto add = [&out](std::optional<properties::Violation> v) {
    if (!v || !has(out.properties, v->property)) return;
    const auto same = [&v](const properties::Violation& o) { return o.property == v->property; };
    if (std::none_of(out.violations.begin(), out.violations.end(), same)) out.violations.push_back(std::move(*v));
  };
  add(not_admitted_violation(out.trace, view));
  add(check_disconnect_honoured(out.trace, spec.disconnect_timeout_ns));
  add(check_foreign_cancel(out.trace, view));
  add(check_fanout(out.trace, view));
  if (has(out.properties, kEventGap)) {
    add(check_event_gap(out.trace, view,
                        spec.max_event_gap_ms > 0 ? spec.max_event_gap_ms : kEventGapBoundNs / 1'000'000));
  }
  const auto rank = [&out](const std::string& p) {
    return std::find(out.properties.begin(), out.properties.end(), p) - out.properties.begin();
  };
  std::stable_sort(out.violations.begin(), out.violations.end(),
                   [&](const properties::Violation& a, const properties::Violation& b) {
                     return rank(a.property) < rank(b.property);
                   });
}

// Every client holding a valid token refused alike, none ever admitted:
// the probe is pointed wrong, not the server broken.
std::string misconfiguration_of(const std::vector<ClientSummary>& clients) {
  int valid = 0, refused_alike = 0, unreachable = 0;
  std::string first_refusal;
  for (const auto& c : clients) {
    if (c.token_kind != sim::token_kind::kValid || c.actor.find("/tab") != std::string::npos) continue;
    if (c.actor.rfind("user:h", 0) == 0) continue;  // attackers are not users
    ++valid;
    if (c.admitted) return "";
    const std::string status = c.last_rejection.substr(0, c.last_rejection.find(' '));
    if (first_refusal.empty()) first_refusal = c.last_rejection;
    if ((status == "401" || status == "403") && status == first_refusal.substr(0, first_refusal.find(' '))) {
      ++refused_alike;
    }
    // 0: no connection; a 502 from the probe's own fault proxy: it could not reach (or verify) the server.
    if (status == "0" || (status == "502" && c.last_rejection.find(" bridgesim proxy: no upstream") == 3)) {
      ++unreachable;
    }
  }
  if (valid == 0) return "";
  if (refused_alike == valid) {
    return "every client holding a valid token was refused " + first_refusal +
           ": the tokens are likely signed with a secret the server does not hold (pass the server's HS256 "
           "secret with --token-secret)";
  }
  if (unreachable == valid) return "no client reached the server (" + first_refusal + ")";
  return "";
}

}  // namespace

ProbeOutcome probe(const ProbeSpec& spec) {
  const auto say = [&spec](const std::string& line) {
    if (spec.progress) spec.progress(line);
  };
  ProbeOutcome out;
  if (spec.tls.enabled && spec.tls.insecure) {
    out.warnings.push_back(net::insecure_warning(spec.url.text()));
    say(out.warnings.back());
  }
  choose_properties(spec, out);
  check_scenario(spec, out);
  ProbeSpec live = spec;
  if (live.msg_id_prefix.empty()) live.msg_id_prefix = draw_msg_id_prefix();
  out.msg_id_prefix = live.msg_id_prefix;
  if (spec.check_health) check_health(spec, out, say);
  if (!out.reached) return out;
  record_start(live, out);

  std::unique_ptr<proxy::FaultProxy> fault_proxy;
  if (spec.via_proxy) fault_proxy = start_fault_proxy(live, out, say);
  const auto started = std::chrono::steady_clock::now();
  const LiveRun run = run_live(live, out.trace, say);
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.all_finished = run.all_finished;
  if (fault_proxy) {
    fault_proxy->stop();
    merge_proxy_trace(out.trace, fault_proxy->trace().records());
  }

  properties::ClientView view = properties::build_client_view(out.trace);
  // The probe injects no timed fault into the server, so every request is
  // judged against the scenario's liveness bound from its own send (the
  // bound is given to the judge here, not written into the trace as if a
  // fault plan had said so).
  view.heal_by_ns = 0;
  view.liveness_bound_ns = spec.scenario.liveness_bound_ns;
  out.clients = summarize(out.trace, view, run.actors, run.finished);
  out.misconfiguration = misconfiguration_of(out.clients);
  judge(live, out, view);
  measure_gaps(view, out);
  measure_requests(view, out);
  return out;
}

}  // namespace bridgesim::cli
