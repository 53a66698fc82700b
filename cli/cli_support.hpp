#pragma once
// Small pieces every command shares: strict number parsing with ranges,
// "did you mean", glob selection, the colour decision and the version.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bridgesim::cli {

// Decimal digits only (no sign, no spaces, no hex), within [min, max];
// otherwise UsageError naming `what` and the range.
std::uint64_t parse_u64(std::string_view text, std::string_view what, std::uint64_t min = 0,
                        std::uint64_t max = UINT64_MAX);

// "A..B" or "K/N": two parse_u64 numbers around `sep`.
std::pair<std::uint64_t, std::uint64_t> parse_pair(std::string_view text, std::string_view sep, std::string_view what);

// " (did you mean 'x'?)" for the candidate closest to `word` by edit
// distance, when it is close enough to be a typo; "" otherwise.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// Shell-style wildcards: '*' any run, '?' one character, [abc] one of a set.
bool has_glob(std::string_view pattern);
bool glob_match(std::string_view pattern, std::string_view text);

// --color=auto|always|never: auto is on for a terminal unless NO_COLOR is
// set to anything but "" (https://no-color.org).
bool use_colour(const std::string& mode, int fd);
// `text` in the SGR colour `code` ("31" red, "32" green, "33" yellow) when `on`.
std::string paint(bool on, const char* code, const std::string& text);
// The help line every colouring command's --color shares.
constexpr const char* kColorHelp = "Colour: auto (a terminal, unless NO_COLOR is set), always, never";

// "bridgesim 0.1.0 (git 1a2b3c4)", from CMake's project() and the commit at
// configure time.
std::string version_text();

}  // namespace bridgesim::cli
