#include "cli/timeline.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "cli/cli_support.hpp"
#include "cli/commands.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::cli {
namespace {

bool actor_matches(const TimelineFilter& f, const std::string& actor) {
  if (f.actors.empty()) return true;
  return std::any_of(f.actors.begin(), f.actors.end(),
                     [&](const std::string& glob) { return glob_match(glob, actor); });
}

bool keeps(const TimelineFilter& f, const sim::TraceRecord& r) {
  if (f.until && r.at_ns > *f.until) return false;
  if (!f.conn.empty() && r.field("conn") != f.conn) return false;
  return actor_matches(f, r.actor);
}

std::string joined(const std::set<std::string>& names, std::size_t max) {
  std::string out;
  std::size_t n = 0;
  for (const auto& s : names) {
    if (n++ == max) return out + ", ...";
    out += (out.empty() ? "" : ", ") + s;
  }
  return out;
}

}  // namespace

runtime::Nanos parse_virtual_time(const std::string& text, const std::string& what) {
  static const std::vector<std::pair<std::string, std::int64_t>> units{
      {"ms", runtime::kNanosPerMilli}, {"us", runtime::kNanosPerMicro}, {"ns", 1}, {"s", runtime::kNanosPerSecond}};
  std::string number = text;
  std::int64_t unit = runtime::kNanosPerSecond;
  for (const auto& [suffix, scale] : units) {
    if (text.size() > suffix.size() && text.ends_with(suffix)) {
      number = text.substr(0, text.size() - suffix.size());
      unit = scale;
      break;
    }
  }
  const auto dot = number.find('.');
  const std::string whole = number.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : number.substr(dot + 1);
  const auto bad = [&] {
    return UsageError(what + " must be a virtual time such as 1.5s, 250ms, 20us or 7ns, got '" + text + "'");
  };
  if (whole.empty() || whole.find_first_not_of("0123456789") != std::string::npos ||
      fraction.find_first_not_of("0123456789") != std::string::npos || whole.size() > 6 || fraction.size() > 9)
    throw bad();
  std::int64_t ns = std::stoll(whole) * unit;
  for (std::int64_t scale = unit / 10; !fraction.empty() && scale > 0; scale /= 10) {
    ns += (fraction.front() - '0') * scale;
    fraction.erase(0, 1);
  }
  return ns;
}

void check_filter(const sim::Trace& trace, const TimelineFilter& filter) {
  std::set<std::string> actors, conns;
  for (const auto& r : trace.records()) {
    actors.insert(r.actor);
    if (r.has_field("conn")) conns.emplace(r.field("conn"));
  }
  for (const auto& glob : filter.actors) {
    if (std::none_of(actors.begin(), actors.end(), [&](const std::string& a) { return glob_match(glob, a); }))
      throw UsageError("--actor '" + glob + "' matches no actor of this run" +
                       did_you_mean(glob, {actors.begin(), actors.end()}) + "; actors: " + joined(actors, 12));
  }
  if (!filter.conn.empty() && conns.count(filter.conn) == 0)
    throw UsageError("--conn " + filter.conn + " is no connection of this run; connections: " + joined(conns, 20));
}

std::string format_timeline(const sim::Trace& trace, const std::vector<properties::Violation>& violations,
                            const TimelineFilter& filter, bool colour) {
  std::map<std::size_t, std::string> marks;  // record index -> the properties found there
  for (const auto& v : violations) marks[v.record_index] += (marks[v.record_index].empty() ? "" : ", ") + v.property;
  const std::size_t width = std::to_string(trace.size()).size();
  std::string out;
  char head[200];
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (!keeps(filter, r)) continue;
    const auto mark = marks.find(i);
    const bool bad = r.kind == sim::record::kViolation || mark != marks.end();
    char at[32];
    std::snprintf(at, sizeof at, "%12s", sim::format_virtual_time(r.at_ns).c_str());
    std::snprintf(head, sizeof head, "#%-*zu %s  %-14s %s", static_cast<int>(width), i, paint(colour, "2", at).c_str(),
                  r.actor.c_str(), paint(colour, bad ? "31" : "1", r.kind).c_str());
    out += head;
    // The kind's column stays as wide with or without the colour codes.
    out.append(r.kind.size() < 16 ? 16 - r.kind.size() : 0, ' ');
    for (const auto& [key, value] : r.fields) out += " " + key + "=" + value;
    if (mark != marks.end()) out += "  " + paint(colour, "1;31", "<== VIOLATION " + mark->second);
    out += '\n';
  }
  return out;
}

}  // namespace bridgesim::cli
