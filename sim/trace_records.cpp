#include "sim/trace_records.hpp"

#include <utility>

#include "sim/client_actor.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::sim {
namespace {

TraceRecord client_record(runtime::Nanos at_ns, std::string actor, std::string_view kind, std::vector<Field> fields) {
  return TraceRecord{at_ns, std::move(actor), std::string(kind), std::move(fields)};
}

Field field(std::string_view name, std::string value) { return make_field(name, std::move(value)); }

}  // namespace

Field make_field(std::string_view name, std::string value) { return {std::string(name), std::move(value)}; }

bool is_record(const TraceRecord& r, std::string_view actor, std::string_view kind) {
  return r.actor == actor && r.kind == kind;
}

TraceRecord make_publish_record(runtime::Nanos at_ns, std::string user, std::string run, std::uint64_t seq,
                                std::string type) {
  return TraceRecord{at_ns,
                     std::string(actor::kRelay),
                     std::string(record::kPublish),
                     {field(record_field::kUser, std::move(user)), field(record_field::kRun, std::move(run)),
                      field(record_field::kSeq, std::to_string(seq)), field(record_field::kType, std::move(type))}};
}

std::optional<PublishRecord> as_publish(const TraceRecord& r) {
  if (!is_record(r, actor::kRelay, record::kPublish)) return std::nullopt;
  return PublishRecord{r.field(record_field::kUser), r.field(record_field::kRun),
                       std::stoull(std::string(r.field(record_field::kSeq))), r.field(record_field::kType)};
}

std::optional<HealByRecord> as_heal_by(const TraceRecord& r) {
  if (!is_record(r, actor::kFaults, record::kHealBy)) return std::nullopt;
  HealByRecord out{std::stoll(std::string(r.field(record_field::kAtNs))), std::nullopt};
  if (r.has_field(record_field::kLivenessBoundNs)) {
    out.liveness_bound_ns = std::stoll(std::string(r.field(record_field::kLivenessBoundNs)));
  }
  return out;
}

TraceRecord make_bound_record(runtime::Nanos at_ns, const runtime::BoundHit& hit) {
  return TraceRecord{
      at_ns,
      std::string(actor::kSystem),
      std::string(record::kBound),
      {field(record_field::kBound, std::string(hit.bound)), field(record_field::kAction, std::string(hit.action)),
       field(record_field::kUser, hit.user), field(record_field::kSubject, hit.subject),
       field(record_field::kSeq, std::to_string(hit.seq)), field(record_field::kHeld, std::to_string(hit.held)),
       field(record_field::kMax, std::to_string(hit.max))}};
}

std::optional<BoundRecord> as_bound(const TraceRecord& r) {
  if (!is_record(r, actor::kSystem, record::kBound)) return std::nullopt;
  auto number = [&r](std::string_view name) { return std::stoull(std::string(r.field(name))); };
  return BoundRecord{r.field(record_field::kBound),   r.field(record_field::kAction), r.field(record_field::kUser),
                     r.field(record_field::kSubject), number(record_field::kSeq),     number(record_field::kHeld),
                     number(record_field::kMax)};
}

TraceRecord make_outbound_record(runtime::Nanos at_ns, std::string conn, std::string_view what, std::uint64_t frames,
                                 std::uint64_t max) {
  return TraceRecord{
      at_ns,
      std::string(actor::kNet),
      std::string(record::kOutbound),
      {field(record_field::kConn, std::move(conn)), field(record_field::kWhat, std::string(what)),
       field(record_field::kFrames, std::to_string(frames)), field(record_field::kMax, std::to_string(max))}};
}

std::optional<OutboundRecord> as_outbound(const TraceRecord& r) {
  if (!is_record(r, actor::kNet, record::kOutbound)) return std::nullopt;
  return OutboundRecord{r.field(record_field::kConn), r.field(record_field::kWhat),
                        std::stoull(std::string(r.field(record_field::kFrames))),
                        std::stoull(std::string(r.field(record_field::kMax)))};
}

TraceRecord make_connect_record(runtime::Nanos at_ns, std::string actor, int attempt, std::string token_kind) {
  return client_record(
      at_ns, std::move(actor), record::kConnect,
      {field(record_field::kAttempt, std::to_string(attempt)), field(record_field::kToken, std::move(token_kind))});
}

TraceRecord make_open_record(runtime::Nanos at_ns, std::string actor, std::string conn) {
  return client_record(at_ns, std::move(actor), record::kOpen, {field(record_field::kConn, std::move(conn))});
}

TraceRecord make_rejected_record(runtime::Nanos at_ns, std::string actor, int status, std::string body) {
  return client_record(
      at_ns, std::move(actor), record::kRejected,
      {field(record_field::kStatus, std::to_string(status)), field(record_field::kBody, std::move(body))});
}

TraceRecord make_closed_record(runtime::Nanos at_ns, std::string actor, std::string conn, int code) {
  return client_record(at_ns, std::move(actor), record::kClosed,
                       {field(record_field::kConn, std::move(conn)), field(record_field::kCode, std::to_string(code))});
}

TraceRecord make_send_record(runtime::Nanos at_ns, std::string actor, std::string conn, std::string frame) {
  return client_record(at_ns, std::move(actor), record::kSend,
                       {field(record_field::kConn, std::move(conn)), field(record_field::kFrame, std::move(frame))});
}

TraceRecord make_recv_record(runtime::Nanos at_ns, std::string actor, std::string conn, std::string frame) {
  return client_record(at_ns, std::move(actor), record::kRecv,
                       {field(record_field::kConn, std::move(conn)), field(record_field::kFrame, std::move(frame))});
}

TraceRecord make_stalled_record(runtime::Nanos at_ns, std::string actor, std::string thread) {
  return client_record(at_ns, std::move(actor), record::kStalled, {field(record_field::kThread, std::move(thread))});
}

TraceRecord make_gave_up_record(runtime::Nanos at_ns, std::string actor, std::string why) {
  return client_record(at_ns, std::move(actor), record::kGaveUp, {field(record_field::kWhy, std::move(why))});
}

TraceRecord make_done_record(runtime::Nanos at_ns, std::string actor) {
  return client_record(at_ns, std::move(actor), record::kDone, {});
}

TraceRecord make_http_request_record(runtime::Nanos at_ns, std::string actor, const HttpRequestRecord& request) {
  return client_record(
      at_ns, std::move(actor), record::kHttpRequest,
      {field(record_field::kConn, std::string(request.conn)), field(record_field::kMethod, std::string(request.method)),
       field(record_field::kTarget, std::string(request.target)),
       field(record_field::kToken, std::string(request.token)), field(record_field::kBody, std::string(request.body))});
}

TraceRecord make_http_served_record(runtime::Nanos at_ns, std::string conn, std::string client, std::string target,
                                    int status) {
  return TraceRecord{
      at_ns,
      std::string(actor::kNet),
      std::string(record::kHttp),
      {field(record_field::kConn, std::move(conn)), field(record_field::kClient, std::move(client)),
       field(record_field::kTarget, std::move(target)), field(record_field::kStatus, std::to_string(status))}};
}

TraceRecord make_http_response_record(runtime::Nanos at_ns, std::string actor, std::string conn, int status,
                                      std::string body) {
  return client_record(
      at_ns, std::move(actor), record::kHttpResponse,
      {field(record_field::kConn, std::move(conn)), field(record_field::kStatus, std::to_string(status)),
       field(record_field::kBody, std::move(body))});
}

std::optional<HttpRequestRecord> as_http_request(const TraceRecord& r) {
  if (r.kind != record::kHttpRequest || !ClientActor::parse(r.actor)) return std::nullopt;
  return HttpRequestRecord{r.field(record_field::kConn), r.field(record_field::kMethod), r.field(record_field::kTarget),
                           r.field(record_field::kToken), r.field(record_field::kBody)};
}

std::optional<HttpAnswerRecord> as_http_served(const TraceRecord& r) {
  if (!is_record(r, actor::kNet, record::kHttp)) return std::nullopt;
  return HttpAnswerRecord{r.field(record_field::kConn),
                          r.field(record_field::kClient),
                          std::stoi(std::string(r.field(record_field::kStatus))),
                          {}};
}

std::optional<HttpAnswerRecord> as_http_response(const TraceRecord& r) {
  if (r.kind != record::kHttpResponse || !ClientActor::parse(r.actor)) return std::nullopt;
  return HttpAnswerRecord{r.field(record_field::kConn),
                          {},
                          std::stoi(std::string(r.field(record_field::kStatus))),
                          r.field(record_field::kBody)};
}

}  // namespace bridgesim::sim
