#include "system/session.hpp"

#include <cstdio>

#include "system/runtime/invariant.hpp"

namespace bridgesim::system {

std::string SessionMiddleware::open(runtime::ConnectionId id, const std::string& user_id) {
  BRIDGESIM_ASSERT(!user_id.empty(), "sessions are opened for authenticated users only");
  char buf[40];
  std::snprintf(buf, sizeof buf, "sess-%016llx", static_cast<unsigned long long>(random_.next_u64()));
  const bool fresh = sessions_.emplace(id, buf).second;
  BRIDGESIM_ASSERT(fresh, "a connection opens one session");
  return buf;
}

}  // namespace bridgesim::system
