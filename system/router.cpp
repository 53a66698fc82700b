#include "system/router.hpp"

namespace bridgesim::system {

void MessageRouter::add_handler(std::string type, Handler handler) {
  if (!handler) throw std::invalid_argument("MessageRouter: empty handler for " + type);
  handlers_[std::move(type)] = std::move(handler);
}

MessageRouter::Handler MessageRouter::handler(std::string_view type) const {
  const auto it = handlers_.find(type);
  return it == handlers_.end() ? Handler{} : it->second;
}

void MessageRouter::remove_handler(std::string_view type) {
  const auto it = handlers_.find(type);
  if (it != handlers_.end()) handlers_.erase(it);
}

std::vector<std::string> MessageRouter::types() const {
  std::vector<std::string> out;
  for (const auto& [type, handler] : handlers_) out.push_back(type);
  return out;
}

bool MessageRouter::dispatch(std::string_view type, const RequestContext& request, const boost::json::object& body) const {
  const auto it = handlers_.find(type);
  if (it == handlers_.end()) return false;
  it->second(request, body);
  return true;
}

std::string required_string(const boost::json::object& body, std::string_view field) {
  const auto* value = body.if_contains(field);
  if (value == nullptr) throw BadRequest("bad_request", "missing field '" + std::string(field) + "'");
  if (!value->is_string()) throw BadRequest("bad_request", "field '" + std::string(field) + "' must be a string");
  std::string out(value->as_string());
  if (out.empty()) throw BadRequest("bad_request", "field '" + std::string(field) + "' must not be empty");
  return out;
}

}  // namespace bridgesim::system
