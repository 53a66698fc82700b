#pragma once
// Pieces the human and CI reports share (reports/junit.cpp, markdown.cpp,
// html.cpp): names, numbers, failures grouped by property, and the scope
// statement of what a sweep did not test. Internal to reports/.
#include <string>
#include <string_view>
#include <vector>

#include "reports/reports.hpp"

namespace bridgesim::reports::text {

// "%.*f" of `value`.
std::string fixed(double value, int decimals);

// "scenario" or "scenario[variant]".
std::string case_name(const ScenarioResult& r);

// The seeds a result ran, as a human report shows them: "1..67, 135..200";
// "none" when it ran none.
std::string seeds_text(const ScenarioResult& r, std::string_view separator);

// The results' mode ("plain", "swarm"), "mixed" when they differ, "plain"
// for none.
std::string mode_text(const SweepReport& report);

// "PASS", "FAIL" or "INCOMPLETE", the JSON's verdict in capitals.
std::string verdict_word(const SweepReport& report);

// One property's failures in one result, in seed order.
struct PropertyFailures {
  std::string property;
  std::vector<const Failure*> failures;
  std::uint64_t seeds() const;  // distinct failing seeds
};

// Every property a result checked (its order), then any other property a
// failure names (a crash, determinism), each with its failures; a property
// without failures has an empty list.
std::vector<PropertyFailures> by_property(const ScenarioResult& r);

// Failures shown per property and scenario in human reports; the JSON keeps
// them all.
constexpr std::size_t kFailuresShown = 20;

// What a sweep does not test, whatever it ran: the readiness report says so
// next to what it simulated.
const std::vector<std::string>& not_tested();

// "2026-12-02T01:55:14Z" -> "2026-12-02T01:55:14" (JUnit's timestamp has
// no zone); "" stays "".
std::string junit_timestamp(const std::string& iso_utc);

}  // namespace bridgesim::reports::text
