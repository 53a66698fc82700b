#include "properties/client_view.hpp"

#include <boost/json.hpp>

#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::properties {

std::string string_field(const boost::json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->as_string());
}

ClientView build_client_view(const sim::Trace& trace) {
  ClientView view;
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (const auto heal_by = sim::as_heal_by(r)) {
      view.heal_by_ns = heal_by->at_ns;
      if (heal_by->liveness_bound_ns) view.liveness_bound_ns = *heal_by->liveness_bound_ns;
      continue;
    }
    const std::string user = sim::user_of_actor(r.actor);
    if (user.empty()) continue;
    if (r.kind == sim::record::kConnect) {
      view.token_kind[r.actor] = std::string(r.field(sim::record_field::kToken));
      continue;
    }
    if (r.kind == sim::record::kOpen) {
      view.conn_owner[std::string(r.field(sim::record_field::kConn))] = user;
      view.opens.push_back(i);
      view.open_token[i] = view.token_kind[r.actor];
      continue;
    }
    const bool http = r.kind == sim::record::kHttpRequest;
    if (r.kind != sim::record::kRecv && r.kind != sim::record::kSend && !http) continue;
    std::shared_ptr<const boost::json::value> json = http ? nullptr : r.parsed_frame;
    if (json == nullptr) {
      boost::system::error_code ec;
      auto parsed = boost::json::parse(r.field(http ? sim::record_field::kBody : sim::record_field::kFrame), ec);
      if (!ec && parsed.is_object()) json = std::make_shared<const boost::json::value>(std::move(parsed));
    }
    static const boost::json::object kEmpty;
    const bool parsed = json != nullptr && json->is_object();
    const boost::json::object& body = parsed ? json->as_object() : kEmpty;
    (http                           ? view.executed
     : r.kind == sim::record::kRecv ? view.received
                                    : view.sent)
        .push_back(Frame{i, r.at_ns, r.actor, user, std::string(r.field(sim::record_field::kConn)), std::move(json),
                         body, parsed});
  }
  return view;
}

}  // namespace bridgesim::properties
