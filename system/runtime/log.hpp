#pragma once
// Logging for the system: spdlog, with a pattern flag (%*) that stamps the
// injected clock's time, so simulated runs log virtual time.
//
// Lines cannot be forged: every message is escaped on its way to the sink
// (escape_log_text), so a value a client chose -- a header, a target, a
// frame -- can neither end the line nor rewrite the terminal. Two formats:
// text ("[secs.micros] [level] name: message") and JSON lines (one object
// per line: {"ts","level","logger","msg"}, serialised by Boost.JSON) for log
// pipelines (`serve --log-format json`).
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "system/runtime/clock.hpp"

namespace bridgesim::runtime {

using Logger = std::shared_ptr<spdlog::logger>;

enum class LogFormat { kText, kJson };

// `text` made safe for one log line: C0 controls (newline, CR, NUL, ESC ...),
// DEL, C1 controls, the line and paragraph separators U+2028/U+2029 and the
// bidi controls (U+061C, U+200E/U+200F, U+202A..U+202E, U+2066..U+2069) become
// \uXXXX; a byte that is not part of valid UTF-8 becomes \xNN. Everything else
// (printable ASCII, other UTF-8) is kept. Backslashes are kept too: a value
// that must be read back exactly goes through a quoting helper first
// (system/net/log_field.hpp).
std::string escape_log_text(std::string_view text);

// A logger whose lines carry `clock`'s time as seconds.micros. With
// `to_stderr` false the logger discards everything (the default in sweeps).
Logger make_logger(std::string name, const Clock& clock, bool to_stderr);

// The same, writing every line to `sink` in `format` at level info (tests
// capture lines with an ostream sink).
Logger make_logger(std::string name, const Clock& clock, spdlog::sink_ptr sink, LogFormat format);

// Switches `logger`'s lines to `format`; `clock` stamps them (serve).
void set_log_format(const Logger& logger, const Clock& clock, LogFormat format);

}  // namespace bridgesim::runtime
