// The Chrome/Perfetto trace export of one run (ui.perfetto.dev): an instant
// per trace record on its actor's track, and a slice per run from
// agent_started to its terminal event.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "protocol/message_types.hpp"
#include "reports/reports.hpp"
#include "sim/trace.hpp"
#include "sim/trace_records.hpp"

namespace bridgesim::reports {

std::string to_perfetto(const sim::Trace& trace) {
  boost::json::array events;
  std::map<std::string, int> tids;
  auto tid = [&](const std::string& actor) {
    const auto [it, added] = tids.emplace(actor, static_cast<int>(tids.size()) + 1);
    if (added) {
      events.push_back(boost::json::object{{"ph", "M"},
                                           {"name", "thread_name"},
                                           {"pid", 1},
                                           {"tid", it->second},
                                           {"args", boost::json::object{{"name", actor}}}});
    }
    return it->second;
  };
  std::map<std::string, std::int64_t> run_start_ns;
  for (const auto& r : trace.records()) {
    boost::json::object args;
    for (const auto& [key, value] : r.fields) args[key] = value;
    const double ts_us = static_cast<double>(r.at_ns) / 1000.0;
    events.push_back(boost::json::object{{"name", r.kind},
                                         {"ph", "i"},
                                         {"s", "t"},
                                         {"ts", ts_us},
                                         {"pid", 1},
                                         {"tid", tid(r.actor)},
                                         {"args", std::move(args)}});
    if (const auto publish = sim::as_publish(r)) {
      const std::string run(publish->run);
      const std::string_view type = publish->type;
      if (type == protocol::event_type::kAgentStarted) run_start_ns[run] = r.at_ns;
      if (protocol::event_type::is_terminal(type) && run_start_ns.count(run)) {
        const auto start = run_start_ns[run];
        events.push_back(boost::json::object{{"name", run + " (" + std::string(publish->user) + ")"},
                                             {"ph", "X"},
                                             {"ts", static_cast<double>(start) / 1000.0},
                                             {"dur", static_cast<double>(r.at_ns - start) / 1000.0},
                                             {"pid", 1},
                                             {"tid", tid("runs:" + std::string(publish->user))},
                                             {"args", boost::json::object{{"outcome", type}}}});
      }
    }
  }
  return boost::json::serialize(boost::json::object{{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}}) +
         "\n";
}

}  // namespace bridgesim::reports
