#pragma once
// Who a unit of work is for. Built per request from the authenticated
// connection and the request body; immutable; never shared across users.
#include <string>

namespace bridgesim::system {

struct UserExecutionContext {
  const std::string user_id;
  const std::string thread_id;
  const std::string run_id;
  const std::string request_id;
};

}  // namespace bridgesim::system
