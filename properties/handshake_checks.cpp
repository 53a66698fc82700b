// The subprotocol checker (issue 10, item 5: found by
// scripts/mutation-score.sh): the server selects the subprotocol RFC 6455
// and docs/protocol.md allow, judged on the network's accept records
// against what the client offered (its connect record's `handshake`, from
// the workload handshake_forms).
#include <map>
#include <string>

#include "properties/checker_support.hpp"
#include "properties/client_view.hpp"
#include "properties/properties.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::properties {
namespace {

namespace rec = sim::record;
namespace rf = sim::record_field;

// A token offered in Sec-WebSocket-Protocol comes with `jwt-auth`, which the
// server then selects; any other handshake selects none.
std::string expected_subprotocol(std::string_view handshake) {
  return handshake.substr(0, 11) == "subprotocol" ? "jwt-auth" : "";
}

}  // namespace

std::optional<Violation> check_subprotocol(const sim::Trace& trace, const ClientView&) {
  const auto& records = trace.records();
  std::map<std::string, std::string> handshake_of;  // client actor -> how its latest attempt offered the token
  std::map<std::string, std::string> client_of;     // conn -> client actor
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.kind == rec::kConnect && !sim::user_of_actor(r.actor).empty()) {
      handshake_of[r.actor] = std::string(r.field(rf::kHandshake));
    } else if (sim::is_record(r, sim::actor::kNet, rec::kConnect)) {
      client_of[std::string(r.field(rf::kConn))] = std::string(r.field(rf::kClient));
    } else if (sim::is_record(r, sim::actor::kNet, rec::kAccept)) {
      const auto c = client_of.find(std::string(r.field(rf::kConn)));
      if (c == client_of.end()) continue;
      const std::string offered = handshake_of[c->second];
      const std::string expected = expected_subprotocol(offered);
      if (r.field(rf::kSubprotocol) == expected) continue;
      return violation_at("subprotocol", trace, i,
                          sim::client_label(c->second) + " (connection " + std::string(r.field(rf::kConn)) +
                              ") offered its token " + (offered.empty() ? "as a Bearer header" : "as " + offered) +
                              " and the server selected subprotocol '" + std::string(r.field(rf::kSubprotocol)) +
                              "' instead of '" + expected + "'");
    }
  }
  return std::nullopt;
}

}  // namespace bridgesim::properties
