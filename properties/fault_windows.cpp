#include "properties/fault_windows.hpp"

#include <charconv>
#include <map>

#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::properties {
namespace {
constexpr std::string_view kTryAgainLaterCode = "1013";
}  // namespace

std::optional<runtime::Nanos> parse_virtual_time(std::string_view text) {
  if (text.size() < 2 || text.back() != 's') return std::nullopt;
  text.remove_suffix(1);
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
  if (ec != std::errc{} || end != whole.data() + whole.size() || whole.empty() || fraction.size() > 9) {
    return std::nullopt;
  }
  runtime::Nanos ns = 0;
  runtime::Nanos scale = runtime::kNanosPerSecond;
  for (const char c : fraction) {
    if (c < '0' || c > '9') return std::nullopt;
    scale /= 10;
    ns += (c - '0') * scale;
  }
  return seconds * runtime::kNanosPerSecond + ns;
}

std::vector<FaultWindow> fault_windows(const sim::Trace& trace) {
  namespace rf = sim::record_field;
  std::vector<FaultWindow> out;
  std::map<std::string, std::string, std::less<>> client_of;  // conn -> client actor
  for (const auto& r : trace.records()) {
    if (sim::is_record(r, sim::actor::kNet, sim::record::kConnect)) {
      client_of[std::string(r.field(rf::kConn))] = std::string(r.field(rf::kClient));
    }
    // The server shedding a lagging reader (1013, try again later) is its
    // designed backpressure, whatever the outbound bound was set to.
    if (sim::is_record(r, sim::actor::kNet, sim::record::kClose) && r.field(rf::kBy) == "server" &&
        r.field(rf::kCode) == kTryAgainLaterCode) {
      const auto it = client_of.find(r.field(rf::kConn));
      const std::string user = it == client_of.end() ? "" : sim::user_of_actor(it->second);
      out.push_back({"server_closed_slow_consumer", user.empty() ? "*" : sim::target_of_user(user), r.at_ns,
                     r.at_ns + kFaultSettleNs});
      continue;
    }
    if (!sim::is_record(r, sim::actor::kFaults, sim::record::kPlanned)) continue;
    const auto at = parse_virtual_time(r.field(rf::kAt));
    const auto heal = parse_virtual_time(r.field(rf::kHeal));
    // A plan record we cannot read explains everything: never a false alarm.
    const runtime::Nanos from = at.value_or(0);
    const runtime::Nanos to = heal ? *heal + kFaultSettleNs : INT64_MAX;
    std::string target(r.field(rf::kTarget));
    out.push_back({std::string(r.field(rf::kKind)), target.empty() ? "*" : target, from, to});
  }
  return out;
}

const FaultWindow* fault_explaining(const std::vector<FaultWindow>& windows, std::string_view user,
                                    runtime::Nanos from_ns, runtime::Nanos to_ns) {
  for (const auto& w : windows) {
    const auto target_user = sim::user_of_target(w.target);
    const bool for_user = w.target == "*" || !target_user || *target_user == user;
    if (for_user && w.from_ns <= to_ns && from_ns <= w.to_ns) return &w;
  }
  return nullptr;
}

bool auth_service_degraded(const std::vector<FaultWindow>& windows, runtime::Nanos at_ns) {
  for (const auto& w : windows) {
    const bool degrades = w.kind == "auth_down" || w.kind == "auth_slow" || w.kind == "auth_flapping";
    if (degrades && w.from_ns <= at_ns && at_ns <= w.to_ns) return true;
  }
  return false;
}

std::string format_window(runtime::Nanos from_ns, runtime::Nanos to_ns) {
  return "[" + sim::format_virtual_time(from_ns) + ", " + sim::format_virtual_time(to_ns) + "]";
}

std::string fault_free_note(std::string_view user, runtime::Nanos from_ns, runtime::Nanos to_ns) {
  return "; no fault for " + std::string(user) + " or everyone was active in " + format_window(from_ns, to_ns) +
         " (each fault counts until its heal + " + sim::format_virtual_time(kFaultSettleNs) + ")";
}

}  // namespace bridgesim::properties
