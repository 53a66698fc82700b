#include "system/session.hpp"

#include <cstdio>

namespace bridgesim::system {

std::string SessionMiddleware::open(runtime::ConnectionId id, const std::string& user_id) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "sess-%016llx", static_cast<unsigned long long>(random_.next_u64()));
  sessions_[id] = buf;
  (void)user_id;
  return buf;
}

}  // namespace bridgesim::system
