#include "scenarios/scenario.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "scenarios/system_section_reader.hpp"
#include "scenarios/workload_mix_toml.hpp"
#include "sim/client_actor.hpp"

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
    } else if (key == "latency_min_us") {
      s.network.latency_min_ns = read_int(source, node, key.str(), 0, 60'000'000) * runtime::kNanosPerMicro;
    } else if (key == "latency_max_us") {
      s.network.latency_max_ns = read_int(source, node, key.str(), 0, 60'000'000) * runtime::kNanosPerMicro;
    } else {
      fail(source, node,
           "unknown key 'network." + std::string(key.str()) +
               "' (known: latency_min_ms, latency_max_ms, latency_min_us, latency_max_us)");
    }
  }
  if (s.network.latency_max_ns < s.network.latency_min_ns) {
    throw ScenarioError(where(source, table.source()) + ": network.latency_max_ms must be >= latency_min_ms");
  }
}

std::string key_list(const std::vector<std::string_view>& keys) {
  std::string out;
  for (const auto k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

sim::Fault read_fault(const std::string& source, const toml::table& table) {
  sim::Fault f;
  const auto* kind_node = table.get("kind");
  if (kind_node == nullptr) throw ScenarioError(where(source, table.source()) + ": [[fault]] needs 'kind'");
  const std::string kind_name = read_string(source, *kind_node, "kind");
  const auto kind = sim::fault_kind_from_name(kind_name);
  if (!kind) {
    std::vector<std::string_view> names;
    for (const auto& k : sim::fault_kinds()) names.push_back(k.name);
    fail(source, *kind_node, "unknown fault kind '" + kind_name + "' (known: " + key_list(names) + ")");
  }
  f.kind = *kind;
  const auto& info = sim::info(f.kind);
  bool has_heal = false;
  for (const auto& [key, node] : table) {
    const std::string k(key.str());
    if (k == "kind") continue;
    if (k == "at_ms") {
      f.at_ns = read_int(source, node, k, 0, 86'400'000) * runtime::kNanosPerMilli;
    } else if (k == "heal_ms") {
      f.heal_ns = read_int(source, node, k, 0, 86'400'000) * runtime::kNanosPerMilli;
      has_heal = true;
    } else if (k == "target") {
      f.target = read_string(source, node, k);
    } else {
      const auto* spec = [&]() -> const sim::ParamSpec* {
        for (const auto& p : info.params) {
          if (p.name == k) return &p;
        }
        return nullptr;
      }();
      if (spec == nullptr) {
        std::vector<std::string_view> known{"kind", "at_ms", "heal_ms", "target"};
        for (const auto& p : info.params) known.push_back(p.name);
        fail(source, node, "unknown key '" + k + "' for fault '" + kind_name + "' (known: " + key_list(known) + ")");
      }
      if (node.is_integer())
        f.params[k] = std::to_string(*node.value<std::int64_t>());
      else if (node.is_string())
        f.params[k] = std::string(*node.value<std::string_view>());
      else if (node.is_boolean())
        f.params[k] = *node.value<bool>() ? "true" : "false";
      else
        fail(source, node, "'" + k + "' must be an integer, a string or a boolean");
    }
  }
  if (!has_heal) f.heal_ns = info.whole_run ? 86'400 * runtime::kNanosPerSecond : f.at_ns + runtime::kNanosPerSecond;
  // Validate this one entry now, so the message points at its line.
  sim::FaultPlan one;
  one.faults.push_back(f);
  try {
    one.validate(fault_catalog());
  } catch (const std::invalid_argument& e) {
    std::string message = e.what();
    message = message.substr(message.find(": ") + 2);
    throw ScenarioError(where(source, table.source()) + ": fault '" + kind_name + "': " + message);
  }
  return f;
}

void read_swarm(const std::string& source, const toml::table& table, Scenario& s) {
  s.swarm = true;
  for (const auto& [key, node] : table) {
    const std::string k(key.str());
    if (k == "enabled") {
      if (!node.is_boolean()) fail(source, node, "'swarm.enabled' must be true or false");
      s.swarm = *node.value<bool>();
    } else if (k == "max_faults") {
      s.swarm_config.faults_max = static_cast<int>(read_int(source, node, k, 0, 64));
    } else if (k == "window_ms") {
      s.swarm_config.window_ns = read_int(source, node, k, 1, 3'600'000) * runtime::kNanosPerMilli;
    } else if (k == "max_duration_ms") {
      s.swarm_config.duration_max_ns = read_int(source, node, k, 1, 3'600'000) * runtime::kNanosPerMilli;
    } else if (k == "kinds") {
      const auto* list = node.as_array();
      if (list == nullptr) fail(source, node, "'swarm.kinds' must be an array of fault kind names");
      for (const auto& item : *list) {
        const std::string name = read_string(source, item, "swarm.kinds[]");
        const auto kind = sim::fault_kind_from_name(name);
        if (!kind) fail(source, item, "unknown fault kind '" + name + "'");
        s.swarm_config.kinds.push_back(*kind);
      }
    } else {
      fail(source, node,
           "unknown key 'swarm." + k + "' (known: enabled, kinds, max_faults, window_ms, max_duration_ms)");
    }
  }
}

}  // namespace

std::string to_toml(const Scenario& s, const sim::FaultPlan& faults) {
  const auto quoted = [](const std::string& text) { return sim::toml_quoted(text); };
  std::string out = "name = " + quoted(s.name) + "\n";
  out += "description = " + quoted(s.description) + "\n";
  out += "users = " + std::to_string(s.users) + "\n";
  out += "tabs = " + std::to_string(s.tabs) + "\n";
  out += "hostile_clients = " + std::to_string(s.hostile_clients) + "\n";
  out += "messages_per_user = " + std::to_string(s.messages_per_user) + "\n";
  out += "workload = " + quoted(s.workload) + "\n";
  out += "start_spread_ms = " + std::to_string(s.start_spread_ns / runtime::kNanosPerMilli) + "\n";
  out += "deadline_s = " + std::to_string(s.deadline_ns / runtime::kNanosPerSecond) + "\n";
  out += "liveness_bound_s = " + std::to_string(s.liveness_bound_ns / runtime::kNanosPerSecond) + "\n";
  if (faults.heal_by_ns > 0)
    out += "heal_by_ms = " + std::to_string(faults.heal_by_ns / runtime::kNanosPerMilli) + "\n";
  out += "properties = [";
  for (std::size_t i = 0; i < s.properties.size(); ++i) out += (i ? ", " : "") + quoted(s.properties[i]);
  out += "]\n\n" + system_section_toml(s.system) + "\n[network]\n";
  // Microseconds: the default latencies are below a millisecond.
  out += "latency_min_us = " + std::to_string(s.network.latency_min_ns / runtime::kNanosPerMicro) + "\n";
  out += "latency_max_us = " + std::to_string(s.network.latency_max_ns / runtime::kNanosPerMicro) + "\n";
  out += s.mix.to_toml();
  out += faults.to_toml();
  return out;
}

const std::vector<std::string>& workload_names() {
  static const std::vector<std::string> names{"golden_path", "cancel_mid_run", "handshake_forms", "claim_forms"};
  return names;
}

namespace {

// A key about who runs and for how long; false when `k` is none of them.
bool read_run_key(const std::string& source, const std::string& k, const toml::node& node, Scenario& s) {
  if (k == "name") {
    s.name = read_string(source, node, k);
  } else if (k == "description") {
    s.description = read_string(source, node, k);
  } else if (k == "users") {
    s.users = static_cast<int>(read_int(source, node, k, 1, 10'000));
  } else if (k == "tabs") {
    s.tabs = static_cast<int>(read_int(source, node, k, 1, 16));
  } else if (k == "hostile_clients") {
    s.hostile_clients = static_cast<int>(read_int(source, node, k, 0, 100));
  } else if (k == "liveness_bound_s") {
    s.liveness_bound_ns = read_int(source, node, k, 1, 86'400) * runtime::kNanosPerSecond;
  } else if (k == "messages_per_user") {
    s.messages_per_user = static_cast<int>(read_int(source, node, k, 1, 1'000));
  } else if (k == "workload") {
    s.workload = read_string(source, node, k);
    const auto& known = workload_names();
    if (std::find(known.begin(), known.end(), s.workload) == known.end()) {
      fail(source, node, "unknown workload '" + s.workload + "'");
    }
  } else if (k == "start_spread_ms") {
    s.start_spread_ns = read_int(source, node, k, 0, 3'600'000) * runtime::kNanosPerMilli;
  } else if (k == "deadline_s") {
    s.deadline_ns = read_int(source, node, k, 1, 86'400) * runtime::kNanosPerSecond;
  } else {
    return false;
  }
  return true;
}

// A key naming faults, the system, the network or the properties; false
// when `k` is none of them.
bool read_section_key(const std::string& source, const std::string& k, const toml::node& node, Scenario& s) {
  if (k == "heal_by_ms") {
    s.faults.heal_by_ns = read_int(source, node, k, 0, 86'400'000) * runtime::kNanosPerMilli;
  } else if (k == "fault") {
    const auto* list = node.as_array();
    if (list == nullptr) fail(source, node, "'fault' must be an array of tables: write [[fault]]");
    for (const auto& item : *list) {
      if (!item.is_table()) fail(source, item, "each [[fault]] must be a table");
      s.faults.faults.push_back(read_fault(source, *item.as_table()));
    }
  } else if (k == "system") {
    read_system_section(source, node, s.system);
  } else if (k == "mix") {
    read_workload_mix(source, node, s.mix);
  } else if (k == "swarm") {
    if (!node.is_table()) fail(source, node, "'swarm' must be a table: write [swarm]");
    read_swarm(source, *node.as_table(), s);
  } else if (k == "network") {
    if (!node.is_table()) fail(source, node, "'network' must be a table");
    read_network(source, *node.as_table(), s);
  } else if (k == "properties") {
    const auto* list = node.as_array();
    if (list == nullptr) fail(source, node, "'properties' must be an array of strings");
    for (const auto& item : *list) s.properties.push_back(read_string(source, item, "properties[]"));
  } else {
    return false;
  }
  return true;
}

// The 1-based user number of "u<digits>", or 0 when it is not one or is out
// of every range a scenario allows (no overflow whatever the digits).
std::int64_t user_number(std::string_view id) {
  if (id.size() < 2 || id.front() != 'u' || id.size() > 12) return 0;
  std::int64_t n = 0;
  for (const char c : id.substr(1)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

// Fixed faults heal by heal_by (default: the latest heal among them) and aim
// at users the scenario has; `lines` holds each fault's line.
void finish_faults(const std::string& source, const std::vector<std::int64_t>& lines, Scenario& s) {
  for (const auto& f : s.faults.faults) {
    if (!sim::info(f.kind).whole_run) s.faults.heal_by_ns = std::max(s.faults.heal_by_ns, f.heal_ns);
  }
  for (std::size_t i = 0; i < s.faults.faults.size(); ++i) {
    const auto& f = s.faults.faults[i];
    const auto user = sim::user_of_target(f.target);
    if (user && user->starts_with('u')) {
      const std::int64_t n = user_number(*user);
      if (n < 1 || n > s.users) {
        const std::string line = i < lines.size() ? std::to_string(lines[i]) : "1";
        throw ScenarioError(source + ":" + line + ": fault #" + std::to_string(i + 1) + " targets '" + f.target +
                            "', but users are u1..u" + std::to_string(s.users));
      }
    }
  }
}

// The line of each [[fault]] entry and each properties[] item, in order.
std::vector<std::int64_t> item_lines(const toml::table& root, std::string_view key) {
  std::vector<std::int64_t> out;
  if (const auto* list = root[key].as_array()) {
    for (const auto& item : *list) out.push_back(static_cast<std::int64_t>(item.source().begin.line));
  }
  return out;
}

}  // namespace

Scenario parse_scenario(std::string_view toml_text, const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    throw ScenarioError(source_name + ":" + std::to_string(e.source().begin.line) + ": " +
                        std::string(e.description()));
  }
  Scenario s;
  s.source = source_name;
  bool has_name = false;
  for (const auto& [key, node] : root) {
    const std::string k(key.str());
    has_name |= k == "name";
    if (!read_run_key(source_name, k, node, s) && !read_section_key(source_name, k, node, s)) {
      fail(source_name, node, "unknown key '" + k + "'");
    }
  }
  if (!has_name) throw ScenarioError(source_name + ":1: missing required key 'name'");
  if (s.name.empty()) fail(source_name, *root.get("name"), "'name' must not be empty");
  finish_faults(source_name, item_lines(root, "fault"), s);
  s.property_lines = item_lines(root, "properties");
  s.swarm_config.users = s.users;
  return s;
}

Scenario load_scenario_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    throw ScenarioError(path.string() + ":0: cannot open scenario file: no such file");
  // A FIFO, a device or a directory would block or make no sense: refused.
  if (!std::filesystem::is_regular_file(status))
    throw ScenarioError(path.string() + ":0: not a regular file (a scenario is a .toml file)");
  if (std::filesystem::file_size(path, ec) > kScenarioFileMax || ec)
    throw ScenarioError(path.string() + ":0: larger than " + std::to_string(kScenarioFileMax) + " bytes");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path.string() + ":0: cannot open scenario file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ScenarioError(path.string() + ":0: cannot read scenario file");
  return parse_scenario(text.str(), path.string());
}

ScenarioDir scan_scenario_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw ScenarioError(dir.string() + ":0: not a directory");
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".toml") files.push_back(it->path());
  }
  if (ec) throw ScenarioError(dir.string() + ":0: cannot list: " + ec.message());
  std::sort(files.begin(), files.end());
  ScenarioDir out;
  std::set<std::string> names;
  for (const auto& f : files) {
    try {
      Scenario s = load_scenario_file(f);
      if (!names.insert(s.name).second) {
        throw ScenarioError(f.string() + ":1: scenario name '" + s.name + "' is used by another file");
      }
      out.scenarios.push_back(std::move(s));
    } catch (const ScenarioError& e) {
      out.errors.emplace_back(e.what());
    }
  }
  return out;
}

std::vector<Scenario> load_scenario_dir(const std::filesystem::path& dir) {
  auto scanned = scan_scenario_dir(dir);
  if (!scanned.errors.empty()) {
    std::string message;
    for (const auto& e : scanned.errors) message += (message.empty() ? "" : "\n") + e;
    throw ScenarioError(message);
  }
  return std::move(scanned.scenarios);
}

Scenario find_scenario(const std::string& name_or_path, const std::filesystem::path& dir) {
  if (name_or_path.size() > 5 && name_or_path.substr(name_or_path.size() - 5) == ".toml") {
    return load_scenario_file(name_or_path);
  }
  // A broken file elsewhere in the folder does not hide a good one.
  auto scanned = scan_scenario_dir(dir);
  for (auto& s : scanned.scenarios) {
    if (s.name == name_or_path) return s;
  }
  std::string message = "no scenario named '" + name_or_path + "' in " + dir.string() + " (see `bridgesim list`)";
  for (const auto& e : scanned.errors) message += "\n" + e;
  throw ScenarioError(message);
}

}  // namespace bridgesim::scenarios
