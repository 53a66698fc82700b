#include "properties/relay_repair.hpp"

#include <map>
#include <utility>

#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"
#include "system/runtime/bounds.hpp"

namespace bridgesim::properties {

std::set<std::string> unrepairable_runs(const sim::Trace& trace) {
  namespace rf = sim::record_field;
  std::set<std::pair<std::string, std::uint64_t>> dropped, not_logged;
  std::map<std::string, std::size_t> dropped_per_run, published_per_run;
  // last_fault_ns: the relay's last drop or reorder of an event of the run.
  std::map<std::string, runtime::Nanos> last_fault_ns, evicted_ns;
  std::set<std::string> filled_at_bound;
  for (const auto& r : trace.records()) {
    const bool reordered = r.kind == sim::record::kFaultHit && r.field(rf::kFault) == "relay_reorder";
    const bool lost = r.kind == sim::record::kFaultHit && r.field(rf::kFault) == "relay_drop";
    if (reordered || lost) last_fault_ns[std::string(r.field(rf::kRun))] = r.at_ns;
    if (lost) {
      const std::string run(r.field(rf::kRun));
      if (dropped.emplace(run, std::stoull(std::string(r.field(rf::kSeq)))).second) ++dropped_per_run[run];
    } else if (const auto p = sim::as_publish(r)) {
      ++published_per_run[std::string(p->run)];
    } else if (const auto b = sim::as_bound(r)) {
      if (b->action == runtime::bound_action::kNotLogged) not_logged.emplace(std::string(b->subject), b->seq);
      if (b->bound == runtime::bound::kPendingPerRun) filled_at_bound.emplace(b->subject);
      if (b->bound == runtime::bound::kRuns && b->action == runtime::bound_action::kEvicted) {
        evicted_ns.emplace(std::string(b->subject), r.at_ns);
      }
    }
  }
  std::set<std::string> out;
  // Lost, or held back, by the relay until after the log forgot the run
  // (runs_max evicts the oldest finished run): the gap can no longer be
  // filled, and the receiver takes a run the log does not know for one long
  // over, so what arrives then is dropped, not news.
  for (const auto& [run, at] : last_fault_ns) {
    const auto evicted = evicted_ns.find(run);
    if (evicted != evicted_ns.end() && evicted->second <= at + kRelayRepairNs) out.insert(run);
  }
  for (const auto& key : dropped)
    if (not_logged.count(key) > 0) out.insert(key.first);
  // Beyond pending_per_run_max the receiver fills the gap from the log at
  // once; past the log's cap it holds nothing to fill with, so it skips
  // whatever has not arrived yet (slow, or lost) to stay bounded.
  for (const auto& [run, seq] : not_logged)
    if (filled_at_bound.count(run) > 0) out.insert(run);
  for (const auto& [run, n] : dropped_per_run) {  // every event lost: the receiver never heard of the run
    const auto published = published_per_run.find(run);
    if (published != published_per_run.end() && n >= published->second) out.insert(run);
  }
  return out;
}

LostForGood::LostForGood(const sim::Trace& trace)
    : unrepairable_(unrepairable_runs(trace)), windows_(fault_windows(trace)) {
  for (const auto& r : trace.records()) {
    const auto b = sim::as_bound(r);
    if (!b) continue;
    const bool not_logged = b->action == runtime::bound_action::kNotLogged;
    const bool forgotten = b->bound == runtime::bound::kRuns && b->action == runtime::bound_action::kEvicted;
    if (not_logged || forgotten) unreplayable_.emplace(b->subject);
  }
}

bool LostForGood::excuses(const std::string& run, std::string_view user, runtime::Nanos asked_ns) const {
  if (unrepairable_.count(run) > 0) return true;
  return unreplayable_.count(run) > 0 && fault_explaining(windows_, user, asked_ns, INT64_MAX) != nullptr;
}

}  // namespace bridgesim::properties
