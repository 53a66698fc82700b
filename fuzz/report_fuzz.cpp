// The report JSON reader (reports/merge.cpp: from_json, what `bridgesim
// report` reads back, then merge and the renderers it runs). Any input is a
// report or a ReportError, never another exception; a report read back
// writes the same JSON it reads from; merging it alone or with itself
// either works (and what the merge writes reads back) or is a ReportError;
// every renderer takes what was read.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "reports/reports.hpp"

using namespace bridgesim;

namespace {

void render(const reports::SweepReport& r) {
  (void)reports::to_junit_xml(r);
  (void)reports::to_markdown(r);
  (void)reports::to_html(r);
  (void)r.verdict();
  (void)r.trace_digest();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  reports::SweepReport report;
  try {
    report = reports::from_json(input, "fuzz.json");
  } catch (const reports::ReportError&) {
    return 0;
  }
  const std::string written = reports::to_json(report);
  const reports::SweepReport again = reports::from_json(written, "written.json");
  FUZZ_CHECK(reports::to_json(again) == written, "a report read back writes the same JSON");
  render(report);
  for (const std::size_t copies : {1, 2}) {
    reports::SweepReport merged;
    try {
      merged = reports::merge(std::vector<reports::SweepReport>(copies, report));
    } catch (const reports::ReportError&) {
      continue;
    }
    FUZZ_CHECK(copies == 1 || report.total_runs() == 0, "a seed merged twice is refused");
    render(merged);
    const std::string merged_json = reports::to_json(merged);
    try {
      (void)reports::from_json(merged_json, "merged.json");
    } catch (const reports::ReportError& e) {
      std::fprintf(stderr, "a merge wrote a report that does not read back: %s\n", e.what());
      FUZZ_CHECK(false, "what a merge writes reads back");
    }
  }
  return 0;
}
