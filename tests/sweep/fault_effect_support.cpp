#include "tests/sweep/fault_effect_support.hpp"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "protocol/fields.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/world.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::fault_effect {
namespace {

namespace rec = sim::record;
namespace rf = sim::record_field;

std::string text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

Runs run_both(const std::string& faults, std::uint64_t seed, int users) {
  const std::string head =
      "name = \"fault_effect\"\nusers = " + std::to_string(users) + "\nmessages_per_user = 1\nstart_spread_ms = 0\n\n";
  const auto with = scenarios::parse_scenario(head + faults, "fault_effect_test.toml");
  const auto without = scenarios::parse_scenario(head, "fault_effect_test.toml");
  return {scenarios::run_scenario(with, {seed, nullptr, false}).trace,
          scenarios::run_scenario(without, {seed, nullptr, false}).trace};
}

std::vector<const sim::TraceRecord*> records(const sim::Trace& trace, std::string_view actor, std::string_view kind) {
  std::vector<const sim::TraceRecord*> out;
  for (const auto& r : trace.records()) {
    if (sim::is_record(r, actor, kind)) out.push_back(&r);
  }
  return out;
}

std::optional<runtime::Nanos> first_at(const sim::Trace& trace, std::string_view actor, std::string_view kind) {
  const auto found = records(trace, actor, kind);
  if (found.empty()) return std::nullopt;
  return found.front()->at_ns;
}

std::vector<const sim::TraceRecord*> net_records(const sim::Trace& trace, std::string_view client,
                                                 std::string_view kind) {
  std::set<std::string> conns;
  for (const auto* r : records(trace, sim::actor::kNet, rec::kConnect)) {
    if (r->field(rf::kClient) == client) conns.insert(std::string(r->field(rf::kConn)));
  }
  std::vector<const sim::TraceRecord*> out;
  for (const auto* r : records(trace, sim::actor::kNet, kind)) {
    if (conns.count(std::string(r->field(rf::kConn)))) out.push_back(r);
  }
  return out;
}

std::vector<Received> received(const sim::Trace& trace, std::string_view client) {
  namespace field = protocol::field;
  std::vector<Received> out;
  for (const auto* r : records(trace, client, rec::kRecv)) {
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(r->field(rf::kFrame), ec);
    if (ec || !parsed.is_object()) continue;
    const auto& frame = parsed.as_object();
    Received got;
    got.at_ns = r->at_ns;
    got.type = text_of(frame, field::kType);
    got.run = text_of(frame, field::kRunId);
    if (const auto* seq = frame.if_contains(field::kSeq); seq != nullptr && seq->is_int64()) {
      got.seq = static_cast<std::uint64_t>(seq->as_int64());
    }
    got.code = text_of(frame, field::kCode);
    got.has_session = frame.contains(field::kSessionId);
    out.push_back(std::move(got));
  }
  return out;
}

bool received_type(const sim::Trace& trace, std::string_view client, std::string_view type) {
  const auto got = received(trace, client);
  return std::any_of(got.begin(), got.end(), [type](const Received& r) { return r.type == type; });
}

std::vector<Delivery> deliveries(const sim::Trace& trace, std::string_view client) {
  const auto got = received(trace, client);
  std::vector<Delivery> out;
  for (const auto& r : trace.records()) {
    const auto published = sim::as_publish(r);
    if (!published || "user:" + std::string(published->user) != client) continue;
    Delivery d{r.at_ns, std::nullopt};
    for (const auto& g : got) {
      if (g.run == published->run && g.seq == published->seq) {
        d.received_ns = g.at_ns;
        break;
      }
    }
    out.push_back(d);
  }
  return out;
}

runtime::Nanos max_delay(const std::vector<Delivery>& d) {
  runtime::Nanos out = 0;
  for (const auto& x : d) {
    if (x.received_ns) out = std::max(out, *x.received_ns - x.published_ns);
  }
  return out;
}

runtime::Nanos min_delay(const std::vector<Delivery>& d) {
  std::optional<runtime::Nanos> out;
  for (const auto& x : d) {
    if (x.received_ns) out = std::min(out.value_or(*x.received_ns - x.published_ns), *x.received_ns - x.published_ns);
  }
  return out.value_or(0);
}

std::vector<std::string> closed_codes(const sim::Trace& trace, std::string_view client) {
  std::vector<std::string> out;
  for (const auto* r : records(trace, client, rec::kClosed)) out.emplace_back(r->field(rf::kCode));
  return out;
}

}  // namespace bridgesim::fault_effect
