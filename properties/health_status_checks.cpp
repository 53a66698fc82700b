// health_status: what /health answers, judged on the status line and the
// body's status (issue 10, item 5: found by scripts/mutation-score.sh; the
// `health` property judges only whether it is 503 and what the 503 names).
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "properties/checker_support.hpp"
#include "properties/properties.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::properties {
namespace {

namespace rf = sim::record_field;
namespace rec = sim::record;

// The body's "status" ("" when it is not a JSON object with a string status).
std::string body_status(std::string_view body) {
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) return {};
  const auto* status = parsed.as_object().if_contains("status");
  return status != nullptr && status->is_string() ? std::string(status->as_string()) : std::string();
}

// What a route asked at startup must answer (docs/protocol.md section 5);
// `health` is /health's status line, which /health/ready repeats.
std::string route_problem(const sim::TraceRecord& r, const std::string& health) {
  const std::string method(r.field(rf::kMethod)), target(r.field(rf::kTarget)), status(r.field(rf::kStatus));
  const std::string what = method + " " + target + " answered " + status;
  if (method == "GET" && target == "/health/live") {
    if (status != "200" || body_status(r.field(rf::kBody)) != "live") {
      return what + " " + std::string(r.field(rf::kBody)) + ", not 200 {\"status\":\"live\"}";
    }
    return {};
  }
  if (method == "GET" && target == "/health/ready") return status == health ? "" : what + ", not /health's " + health;
  if (target == "/health" || target == "/api/agent/v2/execute" || target == "/health/live") {
    return status == "405" ? "" : what + ", not 405 (a known path, the wrong method)";
  }
  return status == "404" ? "" : what + ", not 404 (no such path)";
}

}  // namespace

std::optional<Violation> check_health_status(const sim::Trace& trace, const ClientView&) {
  const auto& records = trace.records();
  std::string health;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (sim::is_record(r, sim::actor::kSystem, rec::kRoute)) {
      if (const std::string why = route_problem(r, health); !why.empty()) {
        return violation_at("health_status", trace, i, why);
      }
      continue;
    }
    if (!sim::is_record(r, sim::actor::kSystem, rec::kHealth)) continue;
    const std::string status(r.field(rf::kStatus));
    health = status;
    const std::string said = body_status(r.field(rf::kBody));
    const std::string expect = status == "200" ? "ok" : status == "503" ? "unhealthy" : "";
    if (expect.empty()) {
      return violation_at("health_status", trace, i, "/health answered " + status + ", neither 200 nor 503");
    }
    if (said != expect) {
      return violation_at("health_status", trace, i,
                          "/health answered " + status + " with status '" + said + "', not '" + expect +
                              "': " + std::string(r.field(rf::kBody)));
    }
  }
  return std::nullopt;
}

}  // namespace bridgesim::properties
