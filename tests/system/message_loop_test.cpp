// MessageLoop: a frame is bounded, parsed and dispatched; every refusal is
// an `error` frame with its code, and nothing a handler throws ends the loop.
#include <memory>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/message_loop.hpp"
#include "system/messenger.hpp"
#include "system/router.hpp"
#include "system/runtime/log.hpp"
#include "system/websocket_manager.hpp"
#include "tests/system/fake_connection.hpp"

namespace bridgesim::system {
namespace {

using testsupport::FakeConnection;

struct LoopWorld {
  LoopWorld() {
    router.add_handler("echo", [this](const RequestContext& request, const boost::json::object&) {
      messenger.send(request.connection_id, request.user_id);
    });
    router.add_handler("refuse",
                       [](const RequestContext&, const boost::json::object&) { throw BadRequest("nope", "refused"); });
    router.add_handler("crash",
                       [](const RequestContext&, const boost::json::object&) { throw std::runtime_error("kaput"); });
    manager.add(conn, "alice");
    manager.accept(1, "", {});
  }
  // The code of the last frame, which must be an `error`.
  std::string error_code() const {
    const auto frame = boost::json::parse(conn->frames.back()).as_object();
    EXPECT_EQ(frame.at("type").as_string(), "error");
    return std::string(frame.at("code").as_string());
  }

  sim::Scheduler clock{sim::Rng(1)};
  WebSocketManager manager{runtime::make_logger("loop", clock, false)};
  Messenger messenger{&manager};
  MessageRouter router;
  MessageLoop loop{manager, router, messenger, 64, runtime::make_logger("loop", clock, false)};
  std::shared_ptr<FakeConnection> conn = std::make_shared<FakeConnection>(1);
};

TEST(SystemMessageLoop, DispatchesByTypeAsTheConnectionsUser) {
  LoopWorld w;
  w.loop.on_text(1, R"({"type":"echo"})");
  ASSERT_EQ(w.conn->frames.size(), 1u);
  EXPECT_EQ(w.conn->frames[0], "alice");
}

TEST(SystemMessageLoop, EveryMalformedFrameIsNamed) {
  LoopWorld w;
  w.loop.on_text(1, std::string(65, ' '));
  EXPECT_EQ(w.error_code(), "frame_too_large");
  w.loop.on_text(1, "{");
  EXPECT_EQ(w.error_code(), "invalid_json");
  w.loop.on_text(1, "[]");
  EXPECT_EQ(w.error_code(), "invalid_message");
  w.loop.on_text(1, R"({"type":7})");
  EXPECT_EQ(w.error_code(), "invalid_message");
  w.loop.on_text(1, R"({"type":"nothing"})");
  EXPECT_EQ(w.error_code(), "unknown_type");
  EXPECT_EQ(w.conn->frames.size(), 5u);
}

TEST(SystemMessageLoop, RefusalsAndCrashesAreErrorsAndTheLoopGoesOn) {
  LoopWorld w;
  w.loop.on_text(1, R"({"type":"refuse"})");
  EXPECT_EQ(w.error_code(), "nope");
  w.loop.on_text(1, R"({"type":"crash"})");
  EXPECT_EQ(w.error_code(), "internal_error");
  w.loop.on_text(1, R"({"type":"echo"})");
  EXPECT_EQ(w.conn->frames.back(), "alice");
}

TEST(SystemMessageLoop, AFrameFromAClosedConnectionIsIgnored) {
  LoopWorld w;
  w.manager.on_closed(1);
  w.loop.on_text(1, R"({"type":"echo"})");
  EXPECT_TRUE(w.conn->frames.empty());
  EXPECT_EQ(w.conn->contract_breaches, 0);
}

}  // namespace
}  // namespace bridgesim::system
