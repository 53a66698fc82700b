#pragma once
// The server's logs are key=value lines; a value that is not one plain word
// is quoted so a reader (or a grep) can still split the line.
#include <string>
#include <string_view>

namespace bridgesim::net::detail {

// A log value: bare when it is one plain word, else quoted.
inline std::string field(std::string_view value) {
  const bool bare = !value.empty() && value.find_first_of(" \t\"=\\") == std::string_view::npos;
  if (bare) return std::string(value);
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace bridgesim::net::detail
