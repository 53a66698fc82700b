#pragma once
// Dispatch of client -> server frames by their `type`. Handlers are
// registered at startup; startup validation checks the required ones exist.
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "system/runtime/connection.hpp"

namespace bridgesim::system {

struct RequestContext {
  runtime::ConnectionId connection_id;
  std::string user_id;  // authenticated at handshake; never empty
};

// Thrown by a handler for a request it refuses; becomes an `error` frame.
class BadRequest : public std::runtime_error {
 public:
  BadRequest(std::string_view code, const std::string& message) : std::runtime_error(message), code_(code) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

class MessageRouter {
 public:
  using Handler = std::function<void(const RequestContext&, const boost::json::object&)>;

  void add_handler(std::string_view type, Handler handler);
  bool has_handler(std::string_view type) const { return handlers_.find(type) != handlers_.end(); }
  // The registered handler (empty when none): lets startup wrap one, e.g. with middleware.
  Handler handler(std::string_view type) const;
  void remove_handler(std::string_view type);
  std::vector<std::string> types() const;
  // False when no handler is registered for `type`.
  bool dispatch(std::string_view type, const RequestContext& request, const boost::json::object& body) const;

 private:
  std::map<std::string, Handler, std::less<>> handlers_;
};

// Reads a required string field; throws BadRequest naming the field.
std::string required_string(const boost::json::object& body, std::string_view field);

}  // namespace bridgesim::system
