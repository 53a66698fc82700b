#include "system/session.hpp"

#include <fmt/format.h>

#include "system/runtime/invariant.hpp"

namespace bridgesim::system {

std::string SessionMiddleware::open(runtime::ConnectionId id, const std::string& user_id) {
  BRIDGESIM_ASSERT(!user_id.empty(), "sessions are opened for authenticated users only");
  std::string session_id = fmt::format("sess-{:016x}", random_.next_u64());
  const bool fresh = sessions_.emplace(id, session_id).second;
  BRIDGESIM_ASSERT(fresh, "a connection opens one session");
  return session_id;
}

}  // namespace bridgesim::system
