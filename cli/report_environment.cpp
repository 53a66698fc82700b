#include "cli/report_environment.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "build_commit.hpp"

namespace bridgesim::cli {

reports::Environment current_environment() {
  reports::Environment e;
  // Wall time for the report's date only: never in a trace or a result.
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  char date[32] = "";
  if (gmtime_r(&now, &utc) != nullptr) std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &utc);
  e.generated_at = date;
  e.version = BRIDGESIM_VERSION;
  e.commit = BRIDGESIM_COMMIT;
  char host[256] = "";
  if (gethostname(host, sizeof host - 1) == 0) e.host = host;
  return e;
}

void describe_run(reports::SweepReport& report, const std::string& command, const std::string& html_path,
                  const std::string& json_path) {
  report.command = command;
  report.environment = current_environment();
  report.json_beside = json_beside(html_path, json_path);
}

std::string json_beside(const std::string& html_path, const std::string& json_path) {
  if (html_path.empty() || json_path.empty()) return {};
  namespace fs = std::filesystem;
  const fs::path folder = fs::absolute(fs::path(html_path)).lexically_normal().parent_path();
  return fs::absolute(fs::path(json_path)).lexically_normal().lexically_relative(folder).generic_string();
}

}  // namespace bridgesim::cli
