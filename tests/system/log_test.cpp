// The logger cannot be made to forge a line: every message is escaped on its
// way to the sink (runtime::escape_log_text), in the text and the JSON-lines
// format alike (issue 13).
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <boost/json.hpp>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/runtime/log.hpp"

namespace bridgesim::runtime {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A logger writing to a string, in `format`.
struct CapturedLog {
  explicit CapturedLog(LogFormat format)
      : logger(make_logger("test", clock, std::make_shared<spdlog::sinks::ostream_sink_st>(out), format)) {}
  std::vector<std::string> lines() const { return lines_of(out.str()); }
  // The stamp every line carries: the scheduler's start, seconds.micros.
  std::string stamp() const { return std::to_string(clock.now_ns() / kNanosPerSecond) + ".000000"; }

  sim::Scheduler clock{sim::Rng(1)};
  std::ostringstream out;
  Logger logger;
};

// What an attacker would put in a value to write a line of their own.
const std::string kForgedLine = "mallory\n[0.000000] [info] test: ws.open id=1 user=admin";

TEST(RuntimeLogEscape, ControlCharactersBecomeEscapes) {
  EXPECT_EQ(escape_log_text("a\nb"), "a\\u000ab");
  EXPECT_EQ(escape_log_text("a\r\tb"), "a\\u000d\\u0009b");
  EXPECT_EQ(escape_log_text(std::string("a\0b", 3)), "a\\u0000b");
  EXPECT_EQ(escape_log_text("\x1b[31mred"), "\\u001b[31mred");
  EXPECT_EQ(escape_log_text("del\x7f"), "del\\u007f");
  EXPECT_EQ(escape_log_text("c1\xc2\x9b"), "c1\\u009b");  // U+009B, the 8-bit CSI
}

TEST(RuntimeLogEscape, BidiControlsAndLineSeparatorsBecomeEscapes) {
  EXPECT_EQ(escape_log_text("admin\xe2\x80\xae"), "admin\\u202e");  // RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(escape_log_text("\xe2\x80\xaa\xe2\x80\xac"), "\\u202a\\u202c");
  EXPECT_EQ(escape_log_text("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u2066x\\u2069");
  EXPECT_EQ(escape_log_text("a\xe2\x80\xa8"
                            "b\xe2\x80\xa9"),
            "a\\u2028b\\u2029");
  EXPECT_EQ(escape_log_text("\xe2\x80\x8f\xd8\x9c"), "\\u200f\\u061c");
}

TEST(RuntimeLogEscape, InvalidUtf8BytesBecomeHexAndValidTextStays) {
  EXPECT_EQ(escape_log_text("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(escape_log_text("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(escape_log_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(escape_log_text("cut\xe2\x80"), "cut\\xe2\\x80");     // truncated
  EXPECT_EQ(escape_log_text("jos\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x99\x82"), "jos\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x99\x82");
  EXPECT_EQ(escape_log_text(R"(key="va\"l" x=1)"), R"(key="va\"l" x=1)");
}

TEST(RuntimeLogText, AForgedNewlineStaysOnTheOneLine) {
  CapturedLog log(LogFormat::kText);
  log.logger->info("ws.open id=7 user={}", kForgedLine);
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 1u) << log.out.str();
  EXPECT_NE(lines[0].find("user=mallory\\u000a[0.000000]"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find('\r'), std::string::npos);
}

TEST(RuntimeLogText, TheLinePatternIsKept) {
  CapturedLog log(LogFormat::kText);
  log.logger->warn("disk {}", "full");
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_EQ(log.lines()[0], "[" + log.stamp() + "] [warning] test: disk full");
}

TEST(RuntimeLogJson, OneObjectPerLineWithTheMessageIntact) {
  CapturedLog log(LogFormat::kJson);
  log.logger->info("ws.open id=7 user={}", kForgedLine);
  log.logger->error("second \"quoted\" \\ line");
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 2u) << log.out.str();
  const auto first = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(first.at("msg").as_string(), "ws.open id=7 user=" + kForgedLine) << "JSON escapes, the parser restores";
  EXPECT_EQ(first.at("level").as_string(), "info");
  EXPECT_EQ(first.at("logger").as_string(), "test");
  EXPECT_EQ(first.at("ts").as_string(), log.stamp());
  EXPECT_EQ(boost::json::parse(lines[1]).at("msg").as_string(), "second \"quoted\" \\ line");
}

TEST(RuntimeLogJson, BidiControlsAreEscapedAndInvalidUtf8IsReplaced) {
  CapturedLog log(LogFormat::kJson);
  log.logger->info("user={}", "admin\xe2\x80\xae\x1b[2J\xff");
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find("\xe2\x80\xae"), std::string::npos) << "no raw override on the line";
  EXPECT_EQ(lines[0].find('\x1b'), std::string::npos) << "no raw ESC on the line";
  EXPECT_EQ(boost::json::parse(lines[0]).at("msg").as_string(), "user=admin\xe2\x80\xae\x1b[2J\xef\xbf\xbd");
}

TEST(RuntimeLogFormat, SetLogFormatSwitchesAnExistingLogger) {
  CapturedLog log(LogFormat::kText);
  set_log_format(log.logger, log.clock, LogFormat::kJson);
  log.logger->info("hello");
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_EQ(boost::json::parse(log.lines()[0]).at("msg").as_string(), "hello");
}

}  // namespace
}  // namespace bridgesim::runtime
