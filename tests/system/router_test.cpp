// MessageRouter: dispatch by type to the registered handler; required
// string fields fail with an error naming the field.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "system/router.hpp"

namespace bridgesim::system {
namespace {

TEST(SystemRouter, DispatchesToTheHandlerOfTheType) {
  MessageRouter router;
  std::vector<std::string> calls;
  RequestContext seen{0, ""};
  boost::json::object seen_body;
  router.add_handler("ping", [&](const RequestContext& r, const boost::json::object& body) {
    calls.push_back("ping");
    seen = r;
    seen_body = body;
  });
  router.add_handler("cancel", [&](const RequestContext&, const boost::json::object&) { calls.push_back("cancel"); });
  const boost::json::object body{{"type", "ping"}, {"n", 1}};
  EXPECT_TRUE(router.dispatch("ping", RequestContext{7, "alice"}, body));
  EXPECT_EQ(calls, std::vector<std::string>{"ping"});
  EXPECT_EQ(seen.connection_id, 7u);
  EXPECT_EQ(seen.user_id, "alice");
  EXPECT_EQ(seen_body, body);
  EXPECT_TRUE(router.dispatch("cancel", RequestContext{7, "alice"}, {}));
  EXPECT_EQ(calls, (std::vector<std::string>{"ping", "cancel"}));
}

TEST(SystemRouter, UnknownTypeReturnsFalseAndCallsNothing) {
  MessageRouter router;
  int calls = 0;
  router.add_handler("ping", [&](const RequestContext&, const boost::json::object&) { ++calls; });
  EXPECT_FALSE(router.dispatch("nope", RequestContext{1, "alice"}, {}));
  EXPECT_FALSE(router.dispatch("Ping", RequestContext{1, "alice"}, {}));
  EXPECT_FALSE(router.dispatch("", RequestContext{1, "alice"}, {}));
  EXPECT_EQ(calls, 0);
}

TEST(SystemRouter, HandlerExceptionsReachTheCaller) {
  MessageRouter router;
  router.add_handler("bad",
                     [](const RequestContext&, const boost::json::object&) { throw BadRequest("bad_request", "no"); });
  try {
    router.dispatch("bad", RequestContext{1, "alice"}, {});
    FAIL() << "expected BadRequest";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.code(), "bad_request");
    EXPECT_STREQ(e.what(), "no");
  }
}

TEST(SystemRouter, RegistrationQueriesAndRemoval) {
  MessageRouter router;
  EXPECT_THROW(router.add_handler("ping", nullptr), std::invalid_argument);
  EXPECT_FALSE(router.has_handler("ping"));
  int which = 0;
  router.add_handler("ping", [&](const RequestContext&, const boost::json::object&) { which = 1; });
  router.add_handler("ping", [&](const RequestContext&, const boost::json::object&) { which = 2; });  // replaces
  router.add_handler("disconnect", [](const RequestContext&, const boost::json::object&) {});
  EXPECT_TRUE(router.has_handler("ping"));
  EXPECT_EQ(router.types(), (std::vector<std::string>{"disconnect", "ping"}));
  router.dispatch("ping", RequestContext{1, "a"}, {});
  EXPECT_EQ(which, 2);
  EXPECT_TRUE(static_cast<bool>(router.handler("ping")));
  EXPECT_FALSE(static_cast<bool>(router.handler("nope")));
  router.remove_handler("disconnect");
  router.remove_handler("never-there");
  EXPECT_FALSE(router.has_handler("disconnect"));
  EXPECT_FALSE(router.dispatch("disconnect", RequestContext{1, "a"}, {}));
  EXPECT_EQ(router.types(), std::vector<std::string>{"ping"});
}

// The BadRequest a required_string call throws, or nothing.
std::optional<BadRequest> required_string_error(const boost::json::object& body, std::string_view field) {
  try {
    required_string(body, field);
  } catch (const BadRequest& e) {
    return e;
  }
  return std::nullopt;
}

TEST(SystemRouter, RequiredStringReturnsThePresentValue) {
  EXPECT_EQ(required_string({{"thread_id", "t-1"}}, "thread_id"), "t-1");
}

TEST(SystemRouter, RequiredStringErrorsNameTheField) {
  const struct {
    boost::json::object body;
    const char* says;
  } cases[] = {
      {{}, "missing"},
      {{{"other", "x"}}, "missing"},
      {{{"thread_id", 42}}, "must be a string"},
      {{{"thread_id", nullptr}}, "must be a string"},
      {{{"thread_id", boost::json::array{"t"}}}, "must be a string"},
      {{{"thread_id", ""}}, "must not be empty"},
  };
  for (const auto& c : cases) {
    const auto error = required_string_error(c.body, "thread_id");
    ASSERT_TRUE(error) << boost::json::serialize(c.body);
    EXPECT_EQ(error->code(), "bad_request");
    const std::string message = error->what();
    EXPECT_NE(message.find("'thread_id'"), std::string::npos) << message;
    EXPECT_NE(message.find(c.says), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace bridgesim::system
