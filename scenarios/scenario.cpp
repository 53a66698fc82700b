#include "scenarios/scenario.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

namespace bridgesim::scenarios {
namespace {

std::string where(const std::string& source, const toml::source_region& region) {
  return source + ":" + std::to_string(region.begin.line);
}

[[noreturn]] void fail(const std::string& source, const toml::node& node, const std::string& message) {
  throw ScenarioError(where(source, node.source()) + ": " + message);
}

std::int64_t read_int(const std::string& source, const toml::node& node, std::string_view key, std::int64_t min,
                      std::int64_t max) {
  const auto value = node.value<std::int64_t>();
  if (!node.is_integer() || !value) fail(source, node, "'" + std::string(key) + "' must be an integer");
  if (*value < min || *value > max) {
    fail(source, node,
         "'" + std::string(key) + "' must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
             std::to_string(*value));
  }
  return *value;
}

std::string read_string(const std::string& source, const toml::node& node, std::string_view key) {
  if (!node.is_string()) fail(source, node, "'" + std::string(key) + "' must be a string");
  return std::string(*node.value<std::string_view>());
}

void read_network(const std::string& source, const toml::table& table, Scenario& s) {
  for (const auto& [key, node] : table) {
    if (key == "latency_min_ms") {
      s.network.latency_min_ns = read_int(source, node, key.str(), 0, 60'000) * runtime::kNanosPerMilli;
    } else if (key == "latency_max_ms") {
      s.network.latency_max_ns = read_int(source, node, key.str(), 0, 60'000) * runtime::kNanosPerMilli;
    } else {
      fail(source, node, "unknown key 'network." + std::string(key.str()) + "' (known: latency_min_ms, latency_max_ms)");
    }
  }
  if (s.network.latency_max_ns < s.network.latency_min_ns) {
    throw ScenarioError(where(source, table.source()) + ": network.latency_max_ms must be >= latency_min_ms");
  }
}

}  // namespace

const std::vector<std::string>& workload_names() {
  static const std::vector<std::string> names{"golden_path"};
  return names;
}

Scenario parse_scenario(std::string_view toml_text, const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    throw ScenarioError(source_name + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  Scenario s;
  s.source = source_name;
  bool has_name = false;
  for (const auto& [key, node] : root) {
    const std::string k(key.str());
    if (k == "name") {
      s.name = read_string(source_name, node, k);
      has_name = true;
    } else if (k == "description") {
      s.description = read_string(source_name, node, k);
    } else if (k == "users") {
      s.users = static_cast<int>(read_int(source_name, node, k, 1, 10'000));
    } else if (k == "messages_per_user") {
      s.messages_per_user = static_cast<int>(read_int(source_name, node, k, 1, 1'000));
    } else if (k == "workload") {
      s.workload = read_string(source_name, node, k);
      const auto& known = workload_names();
      if (std::find(known.begin(), known.end(), s.workload) == known.end()) {
        fail(source_name, node, "unknown workload '" + s.workload + "'");
      }
    } else if (k == "start_spread_ms") {
      s.start_spread_ns = read_int(source_name, node, k, 0, 3'600'000) * runtime::kNanosPerMilli;
    } else if (k == "deadline_s") {
      s.deadline_ns = read_int(source_name, node, k, 1, 86'400) * runtime::kNanosPerSecond;
    } else if (k == "network") {
      if (!node.is_table()) fail(source_name, node, "'network' must be a table");
      read_network(source_name, *node.as_table(), s);
    } else if (k == "properties") {
      const auto* list = node.as_array();
      if (list == nullptr) fail(source_name, node, "'properties' must be an array of strings");
      for (const auto& item : *list) s.properties.push_back(read_string(source_name, item, "properties[]"));
    } else {
      fail(source_name, node, "unknown key '" + k + "'");
    }
  }
  if (!has_name) throw ScenarioError(source_name + ":1: missing required key 'name'");
  if (s.name.empty()) throw ScenarioError(source_name + ":1: 'name' must not be empty");
  return s;
}

Scenario load_scenario_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path.string() + ":0: cannot open scenario file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path.string());
}

std::vector<Scenario> load_scenario_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw ScenarioError(dir.string() + ":0: not a directory");
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Scenario> out;
  std::set<std::string> names;
  for (const auto& f : files) {
    out.push_back(load_scenario_file(f));
    if (!names.insert(out.back().name).second) {
      throw ScenarioError(f.string() + ":1: scenario name '" + out.back().name + "' is used by another file");
    }
  }
  return out;
}

Scenario find_scenario(const std::string& name_or_path, const std::filesystem::path& dir) {
  if (name_or_path.size() > 5 && name_or_path.substr(name_or_path.size() - 5) == ".toml") {
    return load_scenario_file(name_or_path);
  }
  for (auto& s : load_scenario_dir(dir)) {
    if (s.name == name_or_path) return s;
  }
  throw ScenarioError("no scenario named '" + name_or_path + "' in " + dir.string() + " (see `bridgesim list`)");
}

}  // namespace bridgesim::scenarios
