#include "cli/probe_report.hpp"

#include <cstdio>
#include <utility>

#include <boost/json.hpp>

#include "cli/duration_text.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::cli {
namespace {

constexpr std::string_view kConfiguration = "configuration";

std::string percentile(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return "-";
  return ms_text(sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5)]);
}

std::string cell(std::string text) {
  for (auto& c : text) {
    if (c == '|' || c == '\n') c = ' ';
  }
  return text;
}

std::string clients_table(const ProbeOutcome& o) {
  std::string md =
      "| client | token | asked | answered | errors | events | finished | last refusal |\n"
      "|---|---|---|---|---|---|---|---|\n";
  for (const auto& c : o.clients) {
    md += "| " + c.actor + " | " + c.token_kind + " | " + std::to_string(c.asked) + " | " +
          std::to_string(c.completed) + " | " + std::to_string(c.errored) + " | " + std::to_string(c.lifecycle_events) +
          " | " + (c.finished ? "yes" : "NO") + " | " + cell(c.last_rejection) + " |\n";
  }
  return md;
}

std::string faults_text(const ProbeOutcome& o) {
  std::string md;
  for (const auto& f : o.applied_faults)
    md += "* applied live: `" + std::string(sim::info(f.kind).name) + "` " + f.target + "\n";
  for (const auto& f : o.proxied_faults)
    md += "* applied by the fault proxy (" + o.proxy_address + "): `" + std::string(sim::info(f.kind).name) + "` " +
          f.target + "\n";
  for (const auto& n : o.not_applied) md += "* not applied: `" + n.what + "` " + n.target + ": " + n.why + "\n";
  return md.empty() ? "* none in the scenario\n" : md;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "-" : out;
}

boost::json::object live_json(const ProbeSpec& spec, const ProbeOutcome& o) {
  boost::json::array clients;
  for (const auto& c : o.clients) {
    clients.push_back({{"client", c.actor},
                       {"token", c.token_kind},
                       {"asked", c.asked},
                       {"answered", c.completed},
                       {"errors", c.errored},
                       {"events", c.lifecycle_events},
                       {"refused", c.rejected},
                       {"last_refusal", c.last_rejection},
                       {"finished", c.finished},
                       {"admitted", c.admitted}});
  }
  boost::json::array applied, not_applied;
  for (const auto& f : o.applied_faults) applied.push_back({{"kind", sim::info(f.kind).name}, {"target", f.target}});
  for (const auto& f : o.proxied_faults) {
    applied.push_back({{"kind", sim::info(f.kind).name}, {"target", f.target}, {"by", "proxy"}});
  }
  for (const auto& n : o.not_applied) not_applied.push_back({{"what", n.what}, {"target", n.target}, {"why", n.why}});
  boost::json::array latency;
  for (const auto ns : o.request_to_terminal_ns) latency.push_back(ns);
  boost::json::object gap{{"max_ns", o.max_event_gap_ns}, {"where", o.max_event_gap_where}};
  if (spec.max_event_gap_ms > 0) gap["bound_ms"] = spec.max_event_gap_ms;
  boost::json::array judged, not_judged;
  for (const auto& p : o.properties) judged.push_back(boost::json::string(p));
  for (const auto& p : o.not_judged) not_judged.push_back(boost::json::string(p));
  boost::json::array warnings;
  for (const auto& w : o.warnings) warnings.push_back(boost::json::string(w));
  return {{"url", spec.url.text()},
          {"warnings", std::move(warnings)},
          {"reached", o.reached},
          {"health", {{"status", o.health_status}, {"body", o.health_body}}},
          {"misconfiguration", o.misconfiguration},
          {"msg_id_prefix", o.msg_id_prefix},
          {"all_finished", o.all_finished},
          {"clients", std::move(clients)},
          {"request_to_terminal_ns", std::move(latency)},
          {"event_gap", std::move(gap)},
          {"faults_applied", std::move(applied)},
          {"faults_not_applied", std::move(not_applied)},
          {"properties_judged", std::move(judged)},
          {"properties_not_judgeable_live", std::move(not_judged)}};
}

}  // namespace

reports::SweepReport probe_report(const ProbeSpec& spec, const ProbeOutcome& outcome, const std::string& command) {
  reports::SweepReport report;
  report.title = "bridgesim probe of " + spec.url.text();
  report.command = command;
  reports::ScenarioResult r;
  r.scenario = "probe:" + spec.scenario.name;
  r.description = "live server " + spec.url.text() + ": " + std::to_string(spec.scenario.users) + " users x " +
                  std::to_string(spec.scenario.tabs) + " tabs x " + std::to_string(spec.scenario.messages_per_user) +
                  " messages, " + std::to_string(spec.scenario.hostile_clients) + " hostile clients, real time";
  for (const auto& w : outcome.warnings) r.description += ". " + w;
  r.properties = outcome.properties;
  r.seeds_run = 1;
  r.seed_first = r.seed_last = spec.seed;
  r.wall_seconds = outcome.wall_seconds;
  for (const auto& v : outcome.violations) r.failures.push_back({spec.seed, v.property, v.message, command});
  if (!outcome.misconfiguration.empty()) {
    r.properties.insert(r.properties.begin(), std::string(kConfiguration));
    r.failures.insert(r.failures.begin(),
                      {spec.seed, std::string(kConfiguration), "not judged: " + outcome.misconfiguration, command});
  }
  r.failing_seeds = r.failures.empty() ? 0 : 1;
  for (const auto& f : outcome.applied_faults) r.faults[std::string(sim::info(f.kind).name)].planned = 1;
  for (const auto& f : outcome.proxied_faults) r.faults[std::string(sim::info(f.kind).name)].planned = 1;
  for (const auto& rec : outcome.trace.records()) {
    if (rec.kind != sim::record::kFaultHit) continue;
    // The proxy's hits name the toxic ("<kind>#<n>_<stream>"), whose type need not be the kind's name.
    const std::string_view toxic = rec.field("toxic");
    const bool by_proxy = rec.actor == "proxy" && toxic.find('#') != std::string_view::npos;
    r.faults[std::string(by_proxy ? toxic.substr(0, toxic.find('#')) : rec.field(sim::record_field::kFault))].hit = 1;
  }
  report.results.push_back(std::move(r));
  return report;
}

std::string live_markdown(const ProbeSpec& spec, const ProbeOutcome& o) {
  std::string md = "## Live probe of " + spec.url.text() + "\n\n";
  for (const auto& w : o.warnings) md += "**" + w + "**\n\n";
  if (!o.misconfiguration.empty()) md += "**Not judged:** " + o.misconfiguration + "\n\n";
  md += o.reached ? "GET /health: " + std::to_string(o.health_status) + " `" + cell(o.health_body) + "`\n\n"
                  : std::string("GET /health: no answer; no client ran\n\n");
  md += "### Clients\n\n" + clients_table(o) + "\n";
  const auto& lat = o.request_to_terminal_ns;
  md += "Request -> terminal event (client side, real time): n=" + std::to_string(lat.size()) +
        " p50=" + percentile(lat, 0.5) + " p99=" + percentile(lat, 0.99) + " max=" + percentile(lat, 1.0) + "\n\n";
  md += "Largest gap between consecutive events of a run: " +
        (o.max_event_gap_ns > 0 ? ms_text(o.max_event_gap_ns) + " (" + o.max_event_gap_where + ")" : std::string("-"));
  md += spec.max_event_gap_ms > 0 ? ", judged against " + std::to_string(spec.max_event_gap_ms) + " ms (event_gap)\n\n"
                                  : ", against the 100 ms bound: informational (judged with --max-event-gap-ms)\n\n";
  md += "### Faults\n\n" + faults_text(o) + "\n";
  md += "### Properties\n\n* judged live: " + join(o.properties) +
        "\n* not judgeable live (the simulator's own records): " + join(o.not_judged) + "\n";
  return md;
}

ProbeDocuments probe_documents(const ProbeSpec& spec, const ProbeOutcome& outcome, const std::string& command) {
  const reports::SweepReport report = probe_report(spec, outcome, command);
  const std::string live = live_markdown(spec, outcome);
  ProbeDocuments d;
  d.junit = reports::to_junit_xml(report);
  const auto suite_end = d.junit.rfind("  </testsuite>");
  if (suite_end != std::string::npos) {
    d.junit.insert(suite_end, "    <system-out>" + reports::xml_escape(live) + "</system-out>\n");
  }
  boost::json::value json = boost::json::parse(reports::to_json(report));
  json.as_object()["live"] = live_json(spec, outcome);
  d.json = boost::json::serialize(json) + "\n";
  d.markdown = reports::to_markdown(report) + "\n" + live;
  d.html = reports::to_html(report);
  const auto body_end = d.html.rfind("</body>");
  const std::string section = "<section id=\"live\"><pre>" + reports::xml_escape(live) + "</pre></section>\n";
  if (body_end != std::string::npos) {
    d.html.insert(body_end, section);
  } else {
    d.html += section;
  }
  return d;
}

}  // namespace bridgesim::cli
