#pragma once
// The server's logs are key=value lines; a value that is not one plain word
// is quoted so a reader (or a grep) can still split the line. Quoting makes
// the value unambiguous ("\"" and "\\" inside); the logger then escapes what
// could still end the line or move the terminal's cursor (control
// characters, bidi controls, invalid UTF-8: runtime::escape_log_text), so a
// value a client chose can never forge a line.
#include <algorithm>
#include <string>
#include <string_view>

namespace bridgesim::net::detail {

// True for printable ASCII other than space and the characters quoting uses.
inline bool is_plain_log_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte > 0x20 && byte < 0x7F && c != '"' && c != '=' && c != '\\';
}

// A log value: bare when it is one plain word, else quoted.
inline std::string field(std::string_view value) {
  const bool bare = !value.empty() && std::all_of(value.begin(), value.end(), is_plain_log_char);
  if (bare) return std::string(value);
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace bridgesim::net::detail
