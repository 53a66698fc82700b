// The scenario TOML loader (scenarios/scenario.*). Any input is a scenario
// or a ScenarioError ("file:line: message"), never another exception; a
// scenario written back with to_toml (what shrink writes) loads again and
// writes the same text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "scenarios/scenario.hpp"

using namespace bridgesim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  scenarios::Scenario s;
  try {
    s = scenarios::parse_scenario(input, "fuzz.toml");
  } catch (const scenarios::ScenarioError& e) {
    const std::string message = e.what();
    FUZZ_CHECK(message.rfind("fuzz.toml:", 0) == 0, "a scenario error names the file and line");
    return 0;
  }
  FUZZ_CHECK(!s.name.empty(), "a loaded scenario has a name");
  const std::string written = scenarios::to_toml(s, s.faults);
  scenarios::Scenario again;
  try {
    again = scenarios::parse_scenario(written, "written.toml");
  } catch (const scenarios::ScenarioError& e) {
    std::fprintf(stderr, "to_toml wrote a file that does not load: %s\n---\n%s---\n", e.what(), written.c_str());
    FUZZ_CHECK(false, "what to_toml writes loads back");
  }
  FUZZ_CHECK(scenarios::to_toml(again, again.faults) == written, "to_toml of the loaded file writes the same text");
  return 0;
}
