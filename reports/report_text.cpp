#include "reports/report_text.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

namespace bridgesim::reports::text {

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string case_name(const ScenarioResult& r) {
  return r.variant.empty() ? r.scenario : r.scenario + "[" + r.variant + "]";
}

std::string seeds_text(const ScenarioResult& r, std::string_view separator) {
  const auto ranges = covered_ranges(r);
  return ranges.empty() ? "none" : ranges_text(ranges, separator);
}

std::string mode_text(const SweepReport& report) {
  std::set<std::string> modes;
  for (const auto& r : report.results) modes.insert(r.mode);
  if (modes.empty()) return "plain";
  return modes.size() == 1 ? *modes.begin() : "mixed";
}

std::string verdict_word(const SweepReport& report) {
  const std::string verdict = report.verdict();
  return verdict == "pass" ? "PASS" : verdict == "fail" ? "FAIL" : "INCOMPLETE";
}

std::uint64_t PropertyFailures::seeds() const {
  std::set<std::uint64_t> distinct;
  for (const auto* f : failures) distinct.insert(f->seed);
  return distinct.size();
}

std::vector<PropertyFailures> by_property(const ScenarioResult& r) {
  std::vector<PropertyFailures> out;
  auto slot = [&out](const std::string& property) -> PropertyFailures& {
    const auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.property == property; });
    if (it != out.end()) return *it;
    return out.emplace_back(PropertyFailures{property, {}});
  };
  for (const auto& p : r.properties) slot(p);
  for (const auto& f : r.failures) slot(f.property).failures.push_back(&f);
  for (auto& p : out) {
    std::stable_sort(p.failures.begin(), p.failures.end(),
                     [](const Failure* a, const Failure* b) { return a->seed < b->seed; });
  }
  return out;
}

const std::vector<std::string>& not_tested() {
  static const std::vector<std::string> list{
      "the real network: every connection ran on the simulated network (sim/), with its faults and virtual time",
      "the real auth service: tokens were checked against the simulated auth service, not the production one",
      "the production platform itself: its deployment, load balancers, process limits, configuration and data "
      "were not exercised",
      "real wall-clock timing: latencies are virtual time and say nothing of the production machines' speed"};
  return list;
}

std::string junit_timestamp(const std::string& iso_utc) {
  if (!iso_utc.empty() && iso_utc.back() == 'Z') return iso_utc.substr(0, iso_utc.size() - 1);
  return iso_utc;
}

}  // namespace bridgesim::reports::text
