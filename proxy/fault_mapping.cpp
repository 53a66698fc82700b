#include "proxy/fault_mapping.hpp"

#include "sim/trace_schema.hpp"

namespace bridgesim::proxy {
namespace {

using sim::FaultKind;

constexpr std::string_view kClientsAct = "the client's own act: the probe's clients enact it, not the proxy";
constexpr std::string_view kInsideServer = "happens inside the server, behind the socket the proxy sees";
constexpr std::string_view kClientToken = "the client's token: the probe mints it, the proxy only forwards it";

struct Shape {
  std::string type;
  std::map<std::string, std::string> attributes;
  bool both_streams = true;
};

std::optional<Shape> shape_of(const sim::Fault& f) {
  const auto n = [&](std::string_view key) { return std::to_string(f.int_param(key, 0)); };
  switch (f.kind) {
    case FaultKind::kLatency: {
      const auto lo = f.int_param("min_ms", 0), hi = f.int_param("max_ms", 0);
      return Shape{"latency", {{"latency", std::to_string((lo + hi) / 2)}, {"jitter", std::to_string((hi - lo) / 2)}}};
    }
    case FaultKind::kLatencySpike:
      return Shape{"latency_spike", {{"per_million", n("per_million")}, {"spike_ms", n("spike_ms")}}};
    case FaultKind::kJitter: {
      const auto half = std::to_string(f.int_param("max_ms", 0) / 2);
      return Shape{"latency", {{"latency", half}, {"jitter", half}}};
    }
    case FaultKind::kReorder: return Shape{"reorder", {{"window_ms", n("window_ms")}}};
    case FaultKind::kPartition: return Shape{"partition", {}};
    case FaultKind::kSlowConsumer:
      return Shape{"slow_reader", {{"read_interval_ms", n("read_interval_ms")}}, false};
    case FaultKind::kServerClose: return Shape{"server_close", {{"frame", f.string_param("frame", "true")}}, false};
    case FaultKind::kReset: return Shape{"reset_peer", {{"timeout", "0"}}, false};
    default: return std::nullopt;
  }
}

std::string_view why_not(const sim::Fault& f) {
  switch (f.kind) {
    case FaultKind::kClientClose: return kClientsAct;
    case FaultKind::kExpiredToken:
    case FaultKind::kForgedToken:
    case FaultKind::kMissingToken:
    case FaultKind::kTokenExpires: return kClientToken;
    default: return kInsideServer;
  }
}

}  // namespace

PlanMapping map_fault_plan(const sim::FaultPlan& plan) {
  PlanMapping out;
  for (std::size_t i = 0; i < plan.faults.size(); ++i) {
    const sim::Fault& f = plan.faults[i];
    const std::string kind(sim::info(f.kind).name);
    const auto shape = shape_of(f);
    if (!shape) {
      out.not_applied.push_back({kind, std::string(why_not(f))});
      continue;
    }
    std::vector<Stream> streams{Stream::kDownstream};
    if (shape->both_streams) streams.push_back(Stream::kUpstream);
    for (const Stream s : streams) {
      Toxic t;
      t.name = kind + "#" + std::to_string(i + 1) + "_" + std::string(stream_name(s));
      t.type = shape->type;
      t.stream = s;
      t.attributes = shape->attributes;
      t.attributes["target"] = f.target;
      out.toxics.push_back(ScheduledToxic{f.at_ns, f.heal_ns, validated(std::move(t))});
    }
  }
  return out;
}

void record_plan(ProxyTrace& trace, const sim::FaultPlan& plan, const PlanMapping& mapping) {
  for (const auto& f : plan.faults) {
    std::string params;
    for (const auto& [k, v] : f.params) params += (params.empty() ? "" : ",") + k + "=" + v;
    trace.record(sim::record::kPlanned,
                 {{"kind", std::string(sim::info(f.kind).name)},
                  {"target", f.target},
                  {"at", sim::format_virtual_time(f.at_ns)},
                  {"heal", sim::format_virtual_time(f.heal_ns)},
                  {"params", params}},
                 sim::actor::kFaults);
  }
  for (const auto& n : mapping.not_applied) {
    trace.record(proxy_record::kNotApplied, {{"kind", n.kind}, {"why", n.why}});
  }
}

}  // namespace bridgesim::proxy
