#include "cli/seed_selection.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cli/cli_support.hpp"
#include "cli/commands.hpp"

namespace bridgesim::cli {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string read_text(const std::string& path, const char* what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw UsageError(std::string(what) + " " + path + ": " + std::strerror(errno));
  // A FIFO or a device would block or never end.
  if (!S_ISREG(st.st_mode)) throw UsageError(std::string(what) + " " + path + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(std::string(what) + " " + path + ": cannot read it");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

// One engine's pair of variables: both or neither.
std::optional<EnvShard> env_pair(const char* index_name, const char* total_name) {
  const char* index = env(index_name);
  const char* total = env(total_name);
  if (index == nullptr && total == nullptr) return std::nullopt;
  if (index == nullptr || total == nullptr)
    throw UsageError(std::string(index == nullptr ? total_name : index_name) + " is set but " +
                     (index == nullptr ? index_name : total_name) + " is not: cannot tell which shard to run");
  const std::uint64_t n = parse_u64(total, total_name, 1, UINT64_MAX);
  const std::uint64_t k = parse_u64(index, index_name, 0, n - 1);
  return EnvShard{k + 1, n, std::string(index_name) + "=" + index + " " + total_name + "=" + total};
}

// The shell word after `flag` in a printed command (shell_quote's quoting undone).
std::string word_after(const std::string& command, const std::string& flag) {
  const auto at = command.find(flag);
  if (at == std::string::npos) return {};
  std::string out;
  bool quoted = false;
  for (std::size_t i = at + flag.size(); i < command.size(); ++i) {
    const char c = command[i];
    if (c == '\'') {
      quoted = !quoted;
    } else if (c == ' ' && !quoted) {
      break;
    } else if (c == '\\' && !quoted && i + 1 < command.size()) {
      out += command[++i];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::vector<std::uint64_t> read_seed_file(const std::string& path, std::uint64_t max) {
  const std::string text = read_text(path, "--seeds-from");
  std::set<std::uint64_t> seeds;
  std::istringstream lines(text);
  std::string line;
  for (std::size_t number = 1; std::getline(lines, line); ++number) {
    const std::string item = trim(line.substr(0, line.find('#')));
    if (item.empty()) continue;
    const std::string where = path + ":" + std::to_string(number);
    try {
      std::uint64_t a = 0, b = 0;
      if (item.find("..") != std::string::npos) {
        std::tie(a, b) = parse_pair(item, "..", "a seed range");
        if (b < a) throw UsageError("the range " + item + " is empty (B < A)");
      } else {
        a = b = parse_u64(item, "a seed");
      }
      if (b - a >= max || seeds.size() + (b - a) >= max)
        throw UsageError("more than " + std::to_string(max) + " seeds in all: split the file");
      for (std::uint64_t s = a;; ++s) {
        seeds.insert(s);
        if (s == b) break;
      }
    } catch (const UsageError& e) {
      throw UsageError(where + ": " + e.what() + " (a line holds one seed or A..B; # starts a comment)");
    }
  }
  return {seeds.begin(), seeds.end()};
}

std::optional<EnvShard> shard_from_environment(std::optional<std::uint64_t> shard_count) {
  std::vector<EnvShard> found;
  for (const auto& pair :
       {env_pair("GTEST_SHARD_INDEX", "GTEST_TOTAL_SHARDS"), env_pair("TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS")}) {
    if (pair) found.push_back(*pair);
  }
  const char* job = env("JOB_COMPLETION_INDEX");
  if (job != nullptr && !shard_count)
    throw UsageError(std::string("JOB_COMPLETION_INDEX=") + job +
                     " is set (a Kubernetes Indexed Job) but not the shard count: pass --shard-count N (the Job's "
                     "completions), or --shard 1/1 to run the whole sweep in every pod");
  if (job == nullptr && shard_count)
    throw UsageError("--shard-count needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) in the environment");
  if (job != nullptr) {
    const std::uint64_t k = parse_u64(job, "JOB_COMPLETION_INDEX", 0, *shard_count - 1);
    found.push_back({k + 1, *shard_count,
                     std::string("JOB_COMPLETION_INDEX=") + job + " --shard-count " + std::to_string(*shard_count)});
  }
  if (found.empty()) return std::nullopt;
  for (const auto& other : found) {
    if (other.index != found.front().index || other.total != found.front().total)
      throw UsageError("the environment asks for two different shards: " + found.front().from + " and " + other.from);
  }
  return found.front();
}

std::string shard_environment_names() {
  std::string out;
  for (const char* name : {"GTEST_TOTAL_SHARDS", "TEST_TOTAL_SHARDS", "JOB_COMPLETION_INDEX"}) {
    if (env(name) != nullptr) out += (out.empty() ? "" : ", ") + std::string(name);
  }
  return out;
}

void touch_shard_status_file() {
  const char* path = env("TEST_SHARD_STATUS_FILE");
  if (path == nullptr) return;
  std::FILE* f = std::fopen(path, "ab");
  if (f == nullptr || std::fclose(f) != 0)
    throw UsageError(std::string("cannot touch TEST_SHARD_STATUS_FILE ") + path + ": " + std::strerror(errno));
}

reports::Partition parse_partition(const std::string& text) {
  const auto colon = text.find(':');
  const std::string kind = colon == std::string::npos ? "" : text.substr(0, colon);
  if (kind != "hash" && kind != "count")
    throw UsageError("--partition must be hash:K/N or count:K/N, got '" + text + "'");
  const auto [k, n] = parse_pair(text.substr(colon + 1), "/", "--partition");
  if (n == 0 || k == 0 || k > n) throw UsageError("--partition " + text + " needs 1 <= K <= N");
  return {kind, k, n, {}};
}

std::vector<RerunCase> failures_to_rerun(const std::string& path) {
  const auto report = reports::from_json(read_text(path, "--rerun-failed"), path);
  std::vector<RerunCase> out;
  for (const auto& r : report.results) {
    if (r.failures.empty()) continue;
    RerunCase c{r.scenario, r.variant, r.mode == "swarm", false, {}};
    // A scenario that ran from a file outside the scenario folder is named
    // by its path in the replay command.
    const std::string named = word_after(r.failures.front().replay_command, " replay --scenario ");
    if (named.size() > 5 && named.ends_with(".toml")) c.scenario = named;
    std::set<std::uint64_t> seeds;
    for (const auto& f : r.failures) {
      seeds.insert(f.seed);
      c.determinism |= f.property == "determinism";
    }
    if (seeds.size() != r.failing_seeds)
      throw UsageError(path + ": " + r.scenario + " has " + std::to_string(r.failing_seeds) + " failing seeds but " +
                       std::to_string(seeds.size()) + " with failures listed: not a complete result file");
    c.seeds.assign(seeds.begin(), seeds.end());
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace bridgesim::cli
