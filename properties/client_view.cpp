#include "properties/client_view.hpp"

#include <boost/json.hpp>

namespace bridgesim::properties {

std::string string_field(const boost::json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->as_string());
}

std::string user_of_actor(std::string_view actor) {
  constexpr std::string_view kUserPrefix = "user:";
  if (actor.substr(0, kUserPrefix.size()) != kUserPrefix) return {};
  const auto rest = actor.substr(kUserPrefix.size());
  return std::string(rest.substr(0, rest.find('/')));
}

ClientView build_client_view(const sim::Trace& trace) {
  ClientView view;
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.actor == "faults" && r.kind == "heal_by") {
      view.heal_by_ns = std::stoll(std::string(r.field("at_ns")));
      if (r.has_field("liveness_bound_ns")) view.liveness_bound_ns = std::stoll(std::string(r.field("liveness_bound_ns")));
      continue;
    }
    const std::string user = user_of_actor(r.actor);
    if (user.empty()) continue;
    if (r.kind == "connect") {
      view.token_kind[r.actor] = std::string(r.field("token"));
      continue;
    }
    if (r.kind == "open") {
      view.conn_owner[std::string(r.field("conn"))] = user;
      view.opens.push_back(i);
      view.open_token[i] = view.token_kind[r.actor];
      continue;
    }
    if (r.kind != "recv" && r.kind != "send") continue;
    Frame frame{i, r.at_ns, r.actor, user, std::string(r.field("conn")), {}, false};
    boost::system::error_code ec;
    auto parsed = boost::json::parse(r.field("frame"), ec);
    if (!ec && parsed.is_object()) {
      frame.body = std::move(parsed.as_object());
      frame.parsed = true;
    }
    (r.kind == "recv" ? view.received : view.sent).push_back(std::move(frame));
  }
  return view;
}

}  // namespace bridgesim::properties
