// serve's key=value log values (system/net/log_field.hpp) through the real
// logger: a value a client chose -- a forged newline in a user name, a
// target, a reason -- stays one quoted value on one line (issue 13).
#include <algorithm>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "system/net/log_field.hpp"
#include "system/net/real_runtime.hpp"
#include "system/runtime/log.hpp"

namespace bridgesim::net {
namespace {

using detail::field;

TEST(NetLogField, PlainWordsAreBareEverythingElseIsQuoted) {
  EXPECT_EQ(field("alice"), "alice");
  EXPECT_EQ(field("user.name@example.com:tenant-1"), "user.name@example.com:tenant-1");
  EXPECT_EQ(field(""), "\"\"");
  EXPECT_EQ(field("two words"), "\"two words\"");
  EXPECT_EQ(field("a=b"), "\"a=b\"");
  EXPECT_EQ(field(R"(say "hi" \o/)"), R"("say \"hi\" \\o/")");
  EXPECT_EQ(field("a\nb"), "\"a\nb\"") << "quoted here; the logger escapes the newline";
  EXPECT_EQ(field("\x1b[2J"), "\"\x1b[2J\"");
  EXPECT_EQ(field("jos\xc3\xa9"), "\"jos\xc3\xa9\"");
}

TEST(NetLogField, AForgedNewlineInASubjectCannotWriteASecondLine) {
  RealClock clock;
  std::ostringstream out;
  const runtime::Logger logger = runtime::make_logger(
      "bridgesim", clock, std::make_shared<spdlog::sinks::ostream_sink_st>(out), runtime::LogFormat::kText);
  const std::string forged = "mallory\n[1.000000] [info] bridgesim: ws.open id=1 user=admin peer=10.0.0.1:1";
  // The line websocket_connection.cpp writes for an admitted socket.
  logger->info("ws.open id={} user={} peer={} target={}", 7, field(forged), "127.0.0.1:5", field("/ws?x=\r\n1"));
  const std::string text = out.str();
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_NE(text.find(R"(user="mallory\u000a[1.000000] [info] bridgesim: ws.open id=1 user=admin peer=10.0.0.1:1")"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(target="/ws?x=\u000d\u000a1")"), std::string::npos) << text;
}

}  // namespace
}  // namespace bridgesim::net
