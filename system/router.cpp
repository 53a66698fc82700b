#include "system/router.hpp"

#include "protocol/fields.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::system {

void MessageRouter::add_handler(std::string_view type, Handler handler) {
  if (!handler) throw std::invalid_argument("MessageRouter: empty handler for " + std::string(type));
  handlers_[std::string(type)] = std::move(handler);
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

bool MessageRouter::dispatch(std::string_view type, const RequestContext& request,
                             const boost::json::object& body) const {
  BRIDGESIM_ASSERT(!request.user_id.empty(), "only an authenticated connection's requests are dispatched");
  const auto it = handlers_.find(type);
  if (it == handlers_.end()) return false;
  it->second(request, body);
  return true;
}

std::string required_string(const boost::json::object& body, std::string_view field) {
  const auto* value = body.if_contains(field);
  constexpr auto kBad = protocol::error_codes::kBadRequest;
  if (value == nullptr) throw BadRequest(kBad, "missing field '" + std::string(field) + "'");
  if (!value->is_string()) throw BadRequest(kBad, "field '" + std::string(field) + "' must be a string");
  std::string out(value->as_string());
  if (out.empty()) throw BadRequest(kBad, "field '" + std::string(field) + "' must not be empty");
  return out;
}

}  // namespace bridgesim::system
