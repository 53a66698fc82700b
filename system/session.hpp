#pragma once
// Session middleware: per-connection session ids for features such as
// "continue where I left off". Optional: without it those features degrade;
// auth and the message loop never depend on it.
#include <cstdint>
#include <map>
#include <string>

#include "system/runtime/connection.hpp"
#include "system/runtime/random.hpp"

namespace bridgesim::system {

class SessionMiddleware {
 public:
  explicit SessionMiddleware(runtime::Random& random) : random_(random) {}
  virtual ~SessionMiddleware() = default;
  virtual std::string open(runtime::ConnectionId id, const std::string& user_id);
  virtual void close(runtime::ConnectionId id) { sessions_.erase(id); }
  std::size_t open_sessions() const { return sessions_.size(); }

 private:
  runtime::Random& random_;
  std::map<runtime::ConnectionId, std::string> sessions_;
};

}  // namespace bridgesim::system
