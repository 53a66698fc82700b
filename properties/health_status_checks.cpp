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

}  // namespace

std::optional<Violation> check_health_status(const sim::Trace& trace, const ClientView&) {
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (!sim::is_record(r, sim::actor::kSystem, rec::kHealth)) continue;
    const std::string status(r.field(rf::kStatus));
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
