#include "properties/client_view.hpp"

#include <boost/json.hpp>

namespace bridgesim::properties {

std::string string_field(const boost::json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->as_string());
}

ClientView build_client_view(const sim::Trace& trace) {
  constexpr std::string_view kUserPrefix = "user:";
  ClientView view;
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.actor.compare(0, kUserPrefix.size(), kUserPrefix) != 0) continue;
    const std::string user = r.actor.substr(kUserPrefix.size());
    if (r.kind == "open") {
      view.conn_owner[std::string(r.field("conn"))] = user;
      continue;
    }
    if (r.kind != "recv" && r.kind != "send") continue;
    Frame frame{i, r.at_ns, user, std::string(r.field("conn")), {}, false};
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
