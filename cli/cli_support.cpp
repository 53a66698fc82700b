#include "cli/cli_support.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "cli/commands.hpp"

namespace bridgesim::cli {

std::uint64_t parse_u64(std::string_view text, std::string_view what, std::uint64_t min, std::uint64_t max) {
  const std::string range = "[" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    throw UsageError(std::string(what) + " must be a whole number in " + range + ", got '" + std::string(text) + "'");
  }
  std::uint64_t value = 0;
  for (const char c : text) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      throw UsageError(std::string(what) + " " + std::string(text) + " is out of range " + range);
    }
    value = value * 10 + digit;
  }
  if (value < min || value > max) {
    throw UsageError(std::string(what) + " " + std::string(text) + " is out of range " + range);
  }
  return value;
}

std::pair<std::uint64_t, std::uint64_t> parse_pair(std::string_view text, std::string_view sep, std::string_view what) {
  const auto at = text.find(sep);
  if (at == std::string_view::npos) {
    throw UsageError(std::string(what) + " must look like " + (sep == ".." ? "A..B" : "K/N") + ", got '" +
                     std::string(text) + "'");
  }
  return {parse_u64(text.substr(0, at), what), parse_u64(text.substr(at + sep.size()), what)};
}

namespace {

// Optimal string alignment: insertions, deletions, substitutions and
// swaps of two neighbours ("rnu" is one edit from "run").
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (best == nullptr || d < best_distance) {
      best = &c;
      best_distance = d;
    }
  }
  // A typo: at most a third of the word wrong (and at least one edit allowed).
  if (best == nullptr || best_distance > std::max<std::size_t>(1, word.size() / 3)) return "";
  return " (did you mean '" + *best + "'?)";
}

bool has_glob(std::string_view pattern) { return pattern.find_first_of("*?[") != std::string_view::npos; }

bool glob_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (std::size_t skip = 0; skip <= text.size(); ++skip) {
      if (glob_match(pattern.substr(1), text.substr(skip))) return true;
    }
    return false;
  }
  if (text.empty()) return false;
  if (pattern.front() == '[') {
    const auto close = pattern.find(']', 1);
    if (close != std::string_view::npos) {
      const auto set = pattern.substr(1, close - 1);
      return set.find(text.front()) != std::string_view::npos && glob_match(pattern.substr(close + 1), text.substr(1));
    }
  }
  if (pattern.front() != '?' && pattern.front() != text.front()) return false;
  return glob_match(pattern.substr(1), text.substr(1));
}

bool use_colour(const std::string& mode, int fd) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') return false;
  return isatty(fd) != 0;
}

std::string paint(bool on, const char* code, const std::string& text) {
  return on ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
}

std::string version_text() {
  std::string out = std::string("bridgesim ") + BRIDGESIM_VERSION;
  const std::string commit = BRIDGESIM_GIT_COMMIT;
  if (!commit.empty()) out += " (git " + commit + ")";
  return out;
}

}  // namespace bridgesim::cli
