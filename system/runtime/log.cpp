#include "system/runtime/log.hpp"

#include <cstdint>
#include <cstdio>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <boost/json.hpp>

namespace bridgesim::runtime {
namespace {

std::string clock_text(const Clock& clock) {
  const Nanos now = clock.now_ns();
  return fmt::format("{}.{:06}", now / kNanosPerSecond, (now % kNanosPerSecond) / kNanosPerMicro);
}

class ClockFlag final : public spdlog::custom_flag_formatter {
 public:
  explicit ClockFlag(const Clock& clock) : clock_(clock) {}
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string text = clock_text(clock_);
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<ClockFlag>(clock_); }

 private:
  const Clock& clock_;
};

// %~: the message, escaped (it replaces spdlog's raw %v).
class EscapedMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string text = escape_log_text(std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<EscapedMessageFlag>(); }
};

// One JSON object per line. Boost.JSON escapes quotes, backslashes and C0
// controls; the rest escape_log_text would escape is escaped after
// serialising (those characters can only sit inside the strings).
class JsonLinesFormatter final : public spdlog::formatter {
 public:
  explicit JsonLinesFormatter(const Clock& clock) : clock_(clock) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto level = spdlog::level::to_string_view(msg.level);
    const boost::json::object line{{"ts", clock_text(clock_)},
                                   {"level", std::string_view(level.data(), level.size())},
                                   {"logger", std::string_view(msg.logger_name.data(), msg.logger_name.size())},
                                   {"msg", std::string_view(msg.payload.data(), msg.payload.size())}};
    const std::string text = escape_json_line(boost::json::serialize(line));
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLinesFormatter>(clock_); }

  static std::string escape_json_line(std::string_view serialized);

 private:
  const Clock& clock_;
};

// The length of the valid UTF-8 sequence at `s[i]` and its code point; 0
// when the bytes there are not valid UTF-8 (overlong, surrogate, > U+10FFFF,
// truncated).
std::size_t utf8_at(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  return len;
}

// Characters that can end a line, move the cursor or reorder what a reader sees.
bool is_unsafe(std::uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// escape_log_text with a choice for invalid bytes: \xNN in text, U+FFFD in
// JSON (which has no byte escapes).
std::string escape(std::string_view text, bool json) {
  std::string out;
  out.reserve(text.size());
  char buf[8];
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = utf8_at(text, i, cp);
    if (len == 0) {
      if (json) {
        out += "\\ufffd";
      } else {
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(text[i]));
        out += buf;
      }
      ++i;
      continue;
    }
    if (is_unsafe(cp)) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string JsonLinesFormatter::escape_json_line(std::string_view serialized) { return escape(serialized, true); }

std::unique_ptr<spdlog::formatter> formatter_for(const Clock& clock, LogFormat format) {
  if (format == LogFormat::kJson) return std::make_unique<JsonLinesFormatter>(clock);
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<ClockFlag>('*', clock).add_flag<EscapedMessageFlag>('~').set_pattern("[%*] [%^%l%$] %n: %~");
  return formatter;
}

}  // namespace

std::string escape_log_text(std::string_view text) { return escape(text, false); }

Logger make_logger(std::string name, const Clock& clock, spdlog::sink_ptr sink, LogFormat format) {
  auto logger = std::make_shared<spdlog::logger>(std::move(name), std::move(sink));
  logger->set_formatter(formatter_for(clock, format));
  logger->set_level(spdlog::level::info);
  return logger;
}

Logger make_logger(std::string name, const Clock& clock, bool to_stderr) {
  if (!to_stderr) {
    // Silenced: no sink and no formatter, since nothing is ever formatted
    // (the simulator builds one per run: a pattern compiled per run was
    // measurable, issue 15).
    auto logger = std::make_shared<spdlog::logger>(std::move(name));
    logger->set_level(spdlog::level::off);
    return logger;
  }
  return make_logger(std::move(name), clock, std::make_shared<spdlog::sinks::stderr_color_sink_st>(), LogFormat::kText);
}

void set_log_format(const Logger& logger, const Clock& clock, LogFormat format) {
  logger->set_formatter(formatter_for(clock, format));
}

}  // namespace bridgesim::runtime
