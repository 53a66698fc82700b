#include "properties/properties.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <boost/json.hpp>

#include "properties/client_view.hpp"

namespace bridgesim::properties {
namespace {

bool is_lifecycle(std::string_view type) {
  return std::find(std::begin(kLifecycle), std::end(kLifecycle), type) != std::end(kLifecycle);
}

bool is_run_event(std::string_view type) { return is_lifecycle(type) || type == "agent_error"; }

Violation at(const std::string& property, const sim::Trace& trace, std::size_t index, std::string message) {
  return Violation{property, index, trace.records()[index].at_ns, std::move(message)};
}

std::string join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ", ";
    out += item;
  }
  return out + "]";
}

// The schema of a run event: common fields, then the type's own payload.
std::string schema_error(const boost::json::object& body) {
  const std::string type = string_field(body, "type");
  for (const char* key : {"run_id", "thread_id", "user_id", "agent_name"}) {
    if (string_field(body, key).empty()) return "field '" + std::string(key) + "' missing or not a non-empty string";
  }
  const auto* seq = body.if_contains("seq");
  if (seq == nullptr || !(seq->is_uint64() || (seq->is_int64() && seq->as_int64() > 0))) return "field 'seq' missing or not a positive integer";
  const auto* ts = body.if_contains("timestamp");
  if (ts == nullptr || !ts->is_number()) return "field 'timestamp' missing or not a number";
  auto need_string = [&](const char* key) -> std::string {
    return string_field(body, key).empty() ? "payload field '" + std::string(key) + "' missing or empty" : "";
  };
  if (type == "agent_thinking") return need_string("reasoning");
  if (type == "tool_executing") {
    if (auto e = need_string("tool_name"); !e.empty()) return e;
    const auto* p = body.if_contains("parameters");
    return p != nullptr && p->is_object() ? "" : "payload field 'parameters' missing or not an object";
  }
  if (type == "tool_completed") {
    if (auto e = need_string("tool_name"); !e.empty()) return e;
    if (body.if_contains("results") == nullptr) return "payload field 'results' missing";
    const auto* d = body.if_contains("duration");
    return d != nullptr && d->is_number() ? "" : "payload field 'duration' missing or not a number";
  }
  if (type == "agent_completed") {
    if (auto e = need_string("status"); !e.empty()) return e;
    return need_string("final_response");
  }
  if (type == "agent_error") return need_string("reason");
  return "";
}

std::uint64_t seq_of(const boost::json::object& body) {
  const auto* seq = body.if_contains("seq");
  if (seq == nullptr) return 0;
  if (seq->is_uint64()) return seq->as_uint64();
  if (seq->is_int64() && seq->as_int64() > 0) return static_cast<std::uint64_t>(seq->as_int64());
  return 0;
}

}  // namespace

std::optional<Violation> check_isolation(const sim::Trace& trace) {
  const ClientView view = build_client_view(trace);
  std::map<std::string, std::set<std::string>> threads_of;  // user -> threads they asked in
  for (const auto& f : view.sent) {
    if (const auto t = string_field(f.body, "thread_id"); !t.empty()) threads_of[f.user].insert(t);
  }
  std::map<std::string, std::string> run_owner;  // run_id -> the user who first received it
  for (const auto& f : view.received) {
    if (!f.parsed) continue;
    const auto owner = view.conn_owner.find(f.conn);
    const std::string& conn_user = owner == view.conn_owner.end() ? f.user : owner->second;
    const std::string type = string_field(f.body, "type");
    const std::string event_user = string_field(f.body, "user_id");
    if (!event_user.empty() && event_user != conn_user) {
      return at("isolation", trace, f.record_index,
                "user " + conn_user + " received " + type + " of user " + event_user + " (run " +
                    string_field(f.body, "run_id") + ", thread " + string_field(f.body, "thread_id") +
                    ") on connection " + f.conn);
    }
    if (!is_run_event(type)) continue;
    const std::string thread = string_field(f.body, "thread_id");
    if (threads_of[conn_user].count(thread) == 0) {
      return at("isolation", trace, f.record_index,
                "user " + conn_user + " received " + type + " for thread '" + thread +
                    "', which is not one of theirs, on connection " + f.conn);
    }
    const std::string run = string_field(f.body, "run_id");
    const auto [it, first] = run_owner.emplace(run, conn_user);
    if (!first && it->second != conn_user) {
      return at("isolation", trace, f.record_index,
                "run " + run + " reached both user " + it->second + " and user " + conn_user);
    }
  }
  return std::nullopt;
}

std::optional<Violation> check_delivery(const sim::Trace& trace) {
  const ClientView view = build_client_view(trace);
  for (const auto& request : view.sent) {
    if (string_field(request.body, "type") != "user_message") continue;
    const std::string thread = string_field(request.body, "thread_id");
    const std::string msg = string_field(request.body, "client_msg_id");
    std::vector<std::string> seen;  // types in arrival order, after dedupe by (run_id, seq)
    std::set<std::pair<std::string, std::uint64_t>> delivered;
    std::set<std::string> runs;
    std::uint64_t last_seq = 0;
    for (const auto& f : view.received) {
      if (f.user != request.user || f.record_index < request.record_index) continue;
      const std::string type = string_field(f.body, "type");
      if (!is_run_event(type) || string_field(f.body, "thread_id") != thread) continue;
      const std::string run = string_field(f.body, "run_id");
      const std::uint64_t seq = seq_of(f.body);
      if (!delivered.insert({run, seq}).second) continue;  // a duplicate: the client drops it
      runs.insert(run);
      if (runs.size() > 1) {
        return at("delivery", trace, f.record_index,
                  "user " + request.user + "'s message " + msg + " started more than one run");
      }
      if (seq != last_seq + 1) {
        return at("delivery", trace, f.record_index,
                  "user " + request.user + " saw " + type + " with seq " + std::to_string(seq) + " after seq " +
                      std::to_string(last_seq) + " (run " + run + "): sequence not gapless and increasing");
      }
      last_seq = seq;
      seen.push_back(type);
      if (type == "agent_error") break;  // a terminal event with a reason is an acceptable outcome
      const std::size_t i = seen.size() - 1;
      if (i >= std::size(kLifecycle) || type != kLifecycle[i]) {
        return at("delivery", trace, f.record_index,
                  "user " + request.user + "'s message " + msg + " got " + type + " in position " +
                      std::to_string(i + 1) + "; expected " +
                      (i < std::size(kLifecycle) ? std::string(kLifecycle[i]) : std::string("nothing more")) +
                      " (seen so far: " + join(seen) + ")");
      }
    }
    const bool errored = !seen.empty() && seen.back() == "agent_error";
    if (!errored && seen.size() != std::size(kLifecycle)) {
      std::vector<std::string> missing;
      for (std::size_t i = seen.size(); i < std::size(kLifecycle); ++i) missing.emplace_back(kLifecycle[i]);
      return at("delivery", trace, request.record_index,
                "user " + request.user + "'s message " + msg + " (thread " + thread + ") received " + join(seen) +
                    " and never " + join(missing));
    }
  }
  return std::nullopt;
}

std::optional<Violation> check_protocol(const sim::Trace& trace) {
  const auto& records = trace.records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.kind == "violation") {
      return at("protocol", trace, i,
                "the server broke the WebSocket state machine on connection " + std::string(r.field("conn")) + ": " +
                    std::string(r.field("what")));
    }
  }
  const ClientView view = build_client_view(trace);
  for (const auto& f : view.received) {
    if (!f.parsed) {
      return at("protocol", trace, f.record_index, "user " + f.user + " received a frame that is not a JSON object");
    }
    const std::string type = string_field(f.body, "type");
    if (type.empty()) return at("protocol", trace, f.record_index, "user " + f.user + " received a frame without 'type'");
    if (!is_run_event(type)) continue;
    if (const std::string error = schema_error(f.body); !error.empty()) {
      return at("protocol", trace, f.record_index, "user " + f.user + " received an invalid " + type + ": " + error);
    }
  }
  return std::nullopt;
}

const std::vector<Property>& property_catalog() {
  static const std::vector<Property> catalog{
      {"delivery", "every user_message yields all five lifecycle events, in order, seq gapless (or agent_error with a reason)",
       check_delivery},
      {"isolation", "no event of one user reaches a connection of another; every event names the right user, thread and run",
       check_isolation},
      {"protocol", "no send before accept or after close; every run event is valid against the schema", check_protocol},
  };
  return catalog;
}

const Property* find_property(std::string_view name) {
  for (const auto& p : property_catalog()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<Violation> check_properties(const sim::Trace& trace, const std::vector<std::string>& names) {
  std::vector<Violation> out;
  auto run = [&](const Property& p) {
    if (auto v = p.check(trace)) out.push_back(std::move(*v));
  };
  if (names.empty()) {
    for (const auto& p : property_catalog()) run(p);
    return out;
  }
  for (const auto& name : names) {
    const Property* p = find_property(name);
    if (p == nullptr) throw std::invalid_argument("unknown property '" + name + "'");
    run(*p);
  }
  return out;
}

}  // namespace bridgesim::properties
