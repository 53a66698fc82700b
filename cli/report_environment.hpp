#pragma once
// The facts a readiness report is signed against, gathered where the
// reports are written (`run`, `report`): the UTC date, bridgesim's version,
// the commit it was built from, the host. The reports themselves stay plain
// data in, text out (reports/).
#include <string>

#include "reports/reports.hpp"

namespace bridgesim::cli {

reports::Environment current_environment();

// Fills in what `run` tells the reports about itself: the command line, the
// environment and the JSON written beside the HTML.
void describe_run(reports::SweepReport& report, const std::string& command, const std::string& html_path,
                  const std::string& json_path);

// The JSON summary's path relative to the HTML report's folder, for the
// HTML to link it; "" unless both are written.
std::string json_beside(const std::string& html_path, const std::string& json_path);

}  // namespace bridgesim::cli
