#pragma once
// Typed makers and readers for the records whose fields are read back
// (sim/trace_schema.hpp names them all). A maker writes the fields in the
// schema's order, which the trace hash depends on; a reader returns nullopt
// for a record of another actor or kind.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace.hpp"
#include "system/runtime/bounds.hpp"

namespace bridgesim::sim {

bool is_record(const TraceRecord& r, std::string_view actor, std::string_view kind);
// One field named by the schema (record_field::*).
Field make_field(std::string_view name, std::string value);

// --- relay publish: one event as the relay carried it -----------------------
struct PublishRecord {
  std::string_view user;
  std::string_view run;
  std::uint64_t seq = 0;
  std::string_view type;
};
TraceRecord make_publish_record(runtime::Nanos at_ns, std::string user, std::string run, std::uint64_t seq,
                                std::string type);
// Throws std::invalid_argument / std::out_of_range for a seq that is not a number.
std::optional<PublishRecord> as_publish(const TraceRecord& r);

// --- faults heal_by: when every fault has healed, and the liveness bound ----
struct HealByRecord {
  runtime::Nanos at_ns = 0;
  std::optional<runtime::Nanos> liveness_bound_ns;
};
std::optional<HealByRecord> as_heal_by(const TraceRecord& r);

// --- system bound: a bound the system reached (system/runtime/bounds.hpp) ---
struct BoundRecord {
  std::string_view bound;
  std::string_view action;
  std::string_view user;
  std::string_view subject;
  std::uint64_t seq = 0;
  std::uint64_t held = 0;
  std::uint64_t max = 0;
};
TraceRecord make_bound_record(runtime::Nanos at_ns, const runtime::BoundHit& hit);
// Throws std::invalid_argument / std::out_of_range for a count that is not a number.
std::optional<BoundRecord> as_bound(const TraceRecord& r);

// --- net outbound: the lag the network saw (what = "close" or "send") ------
struct OutboundRecord {
  std::string_view conn;
  std::string_view what;
  std::uint64_t frames = 0;
  std::uint64_t max = 0;
};
TraceRecord make_outbound_record(runtime::Nanos at_ns, std::string conn, std::string_view what, std::uint64_t frames,
                                 std::uint64_t max);
std::optional<OutboundRecord> as_outbound(const TraceRecord& r);

// --- clients ----------------------------------------------------------------
TraceRecord make_connect_record(runtime::Nanos at_ns, std::string actor, int attempt, std::string token_kind);
TraceRecord make_open_record(runtime::Nanos at_ns, std::string actor, std::string conn);
TraceRecord make_rejected_record(runtime::Nanos at_ns, std::string actor, int status, std::string body);
// `conn` is "" when the client no longer knows its connection.
TraceRecord make_closed_record(runtime::Nanos at_ns, std::string actor, std::string conn, int code);
TraceRecord make_send_record(runtime::Nanos at_ns, std::string actor, std::string conn, std::string frame);
TraceRecord make_recv_record(runtime::Nanos at_ns, std::string actor, std::string conn, std::string frame);
TraceRecord make_stalled_record(runtime::Nanos at_ns, std::string actor, std::string thread);
TraceRecord make_gave_up_record(runtime::Nanos at_ns, std::string actor, std::string why);
TraceRecord make_done_record(runtime::Nanos at_ns, std::string actor);

// --- HTTP: a client's request, the server's answer as the network saw it,
// and the answer as the client got it (all three name the request's conn) --
struct HttpRequestRecord {
  std::string_view conn;
  std::string_view method;
  std::string_view target;
  std::string_view token;  // sim::token_kind of the token it carried
  std::string_view body;
};
struct HttpAnswerRecord {
  std::string_view conn;
  std::string_view client;  // net http: the client's actor id ("" in http_response)
  int status = 0;
  std::string_view body;  // http_response: the body the client got ("" in net http)
};
TraceRecord make_http_request_record(runtime::Nanos at_ns, std::string actor, const HttpRequestRecord& request);
TraceRecord make_http_served_record(runtime::Nanos at_ns, std::string conn, std::string client, std::string target,
                                    int status);
TraceRecord make_http_response_record(runtime::Nanos at_ns, std::string actor, std::string conn, int status,
                                      std::string body);
// nullopt for another kind, or a client record of a non-client actor.
std::optional<HttpRequestRecord> as_http_request(const TraceRecord& r);
// Throws std::invalid_argument / std::out_of_range for a status that is not a number.
std::optional<HttpAnswerRecord> as_http_served(const TraceRecord& r);
std::optional<HttpAnswerRecord> as_http_response(const TraceRecord& r);
// fault_hit records: sim/fault_hit.hpp (named by the fault catalog).

}  // namespace bridgesim::sim
