#include "harness/scenario_lookup.hpp"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <system_error>

namespace bridgesim::harness {
namespace {

namespace fs = std::filesystem;

bool has_scenarios(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return false;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".toml") return true;
  }
  return false;
}

std::optional<fs::path> installed_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path next_to_binary = exe.parent_path().parent_path() / "share" / "bridgesim" / "scenarios";
    if (has_scenarios(next_to_binary)) return next_to_binary;
  }
  const fs::path configured(BRIDGESIM_INSTALL_SCENARIO_DIR);
  if (has_scenarios(configured)) return configured;
  return std::nullopt;
}

ScenarioDirChoice choose() {
  std::error_code ec;
  const fs::path here = fs::current_path(ec) / "scenarios";
  if (!ec && has_scenarios(here)) return {here.string(), "the current directory's scenarios/"};
  if (const char* env = std::getenv("BRIDGESIM_SCENARIOS"); env != nullptr && *env != '\0') {
    return {env, "BRIDGESIM_SCENARIOS"};
  }
  if (const auto installed = installed_dir()) return {installed->string(), "the installed share directory"};
  return {BRIDGESIM_SCENARIO_DIR, "the source tree this binary was built from"};
}

}  // namespace

const ScenarioDirChoice& default_scenario_dir_choice() {
  static const ScenarioDirChoice choice = choose();
  return choice;
}

}  // namespace bridgesim::harness
