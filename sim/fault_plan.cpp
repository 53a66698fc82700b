#include "sim/fault_plan.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <boost/json.hpp>

#include "sim/client_actor.hpp"

namespace bridgesim::sim {
namespace {

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

std::int64_t Fault::int_param(std::string_view key, std::int64_t fallback) const {
  const auto it = params.find(std::string(key));
  if (it != params.end()) {
    if (auto v = parse_int(it->second)) return *v;
  }
  if (const auto* spec = spec_of(info(kind), key)) {
    if (auto v = parse_int(spec->fallback)) return *v;
  }
  return fallback;
}

std::string Fault::string_param(std::string_view key, std::string fallback) const {
  const auto it = params.find(std::string(key));
  if (it != params.end()) return it->second;
  // A param whose choices the world supplies has no fallback in sim's rows.
  const auto* spec = spec_of(info(kind), key);
  if (spec != nullptr && !spec->fallback.empty()) return spec->fallback;
  return fallback;
}

bool Fault::targets(std::string_view user_id) const {
  if (target == "*" || user_id.empty()) return true;
  const auto user = user_of_target(target);
  return user && *user == user_id;
}

const Fault* FaultPlan::active(FaultKind kind, runtime::Nanos now, std::string_view user_id) const {
  for (const auto& f : faults) {
    if (f.kind == kind && f.active_at(now) && f.targets(user_id)) return &f;
  }
  return nullptr;
}

const Fault* FaultPlan::find(FaultKind kind, std::string_view user_id) const {
  for (const auto& f : faults) {
    if (f.kind == kind && f.targets(user_id)) return &f;
  }
  return nullptr;
}

void FaultPlan::validate(const FaultCatalog& catalog) const {
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const Fault& f = faults[i];
    const auto& k = info(catalog, f.kind);
    const std::string where = "fault #" + std::to_string(i + 1) + " (" + std::string(k.name) + "): ";
    if (f.at_ns < 0) throw std::invalid_argument(where + "'at_ms' must be >= 0");
    if (f.heal_ns < f.at_ns) throw std::invalid_argument(where + "'heal_ms' must be >= 'at_ms'");
    if (heal_by_ns > 0 && f.heal_ns > heal_by_ns) throw std::invalid_argument(where + "heals after the plan's heal_by");
    if (k.targeted && !user_of_target(f.target)) {
      throw std::invalid_argument(where + "needs a target \"user:<id>\", got \"" + f.target + "\"");
    }
    if (!k.targeted && f.target != "*" && !user_of_target(f.target)) {
      throw std::invalid_argument(where + "target must be \"*\" or \"user:<id>\", got \"" + f.target + "\"");
    }
    for (const auto& [key, value] : f.params) {
      const ParamSpec* spec = spec_of(k, key);
      if (spec == nullptr) {
        std::string known;
        for (const auto& p : k.params) known += (known.empty() ? "" : ", ") + std::string(p.name);
        throw std::invalid_argument(where + "unknown param '" + key + "' (known: " + (known.empty() ? "none" : known) +
                                    ")");
      }
      if (is_int_param(*spec)) {
        const auto v = parse_int(value);
        if (!v || *v < spec->min || *v > spec->max) {
          throw std::invalid_argument(where + "param '" + key + "' must be an integer in [" +
                                      std::to_string(spec->min) + ", " + std::to_string(spec->max) + "], got " + value);
        }
      } else if (!spec->choices.empty() &&
                 std::find(spec->choices.begin(), spec->choices.end(), value) == spec->choices.end()) {
        std::string allowed;
        for (const auto& c : spec->choices) allowed += (allowed.empty() ? "" : ", ") + std::string(c);
        throw std::invalid_argument(where + "param '" + key + "' must be one of " + allowed + ", got " + value);
      }
    }
  }
}

std::string toml_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string FaultPlan::to_toml() const {
  std::string out;
  for (const auto& f : faults) {
    out += "\n[[fault]]\nkind = \"" + std::string(info(f.kind).name) + "\"\n";
    out += "at_ms = " + std::to_string(f.at_ns / runtime::kNanosPerMilli) + "\n";
    out += "heal_ms = " + std::to_string(f.heal_ns / runtime::kNanosPerMilli) + "\n";
    out += "target = " + toml_quoted(f.target) + "\n";
    for (const auto& [key, value] : f.params) {
      const ParamSpec* spec = spec_of(info(f.kind), key);
      const bool as_int = spec != nullptr && is_int_param(*spec) && parse_int(value).has_value();
      out += key + " = " + (as_int ? value : toml_quoted(value)) + "\n";
    }
  }
  return out;
}

std::string FaultPlan::to_json() const {
  boost::json::array list;
  for (const auto& f : faults) {
    boost::json::object params;
    for (const auto& [key, value] : f.params) params[key] = value;
    list.push_back(boost::json::object{{"kind", info(f.kind).name},
                                       {"at_ns", f.at_ns},
                                       {"heal_ns", f.heal_ns},
                                       {"target", f.target},
                                       {"params", std::move(params)}});
  }
  return boost::json::serialize(boost::json::object{{"heal_by_ns", heal_by_ns}, {"faults", std::move(list)}});
}

namespace {

// Intensity: between a tenth and twice the default, within bounds; a string
// param one of its choices.
void draw_params(Rng& rng, const FaultKindInfo& k, Fault& f) {
  for (const auto& p : k.params) {
    if (is_int_param(p)) {
      const auto fallback = *parse_int(p.fallback);
      const auto lo = std::max(p.min, fallback / 10);
      const auto hi = std::min(p.max, std::max(lo, fallback * 2));
      f.params[std::string(p.name)] =
          std::to_string(rng.uniform(static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(hi)));
    } else if (!p.choices.empty()) {
      f.params[std::string(p.name)] = p.choices[rng.uniform(0, p.choices.size() - 1)];
    }
  }
  if (k.kind == FaultKind::kLatency) {
    const auto a = f.int_param("min_ms", 0), b = f.int_param("max_ms", 0);
    f.params["min_ms"] = std::to_string(std::min(a, b));
    f.params["max_ms"] = std::to_string(std::max(a, b));
  }
}

Fault draw_fault(Rng& rng, const FaultKindInfo& k, const SwarmConfig& config) {
  Fault f;
  f.kind = k.kind;
  // Whole milliseconds: a drawn plan written out as [[fault]] entries
  // (at_ms, heal_ms) must replay exactly.
  const auto ms = [&](runtime::Nanos lo, runtime::Nanos hi) {
    return static_cast<runtime::Nanos>(rng.uniform(static_cast<std::uint64_t>(lo / runtime::kNanosPerMilli),
                                                   static_cast<std::uint64_t>(hi / runtime::kNanosPerMilli))) *
           runtime::kNanosPerMilli;
  };
  f.at_ns = k.whole_run ? 0 : ms(0, config.window_ns);
  f.heal_ns = f.at_ns + ms(runtime::kNanosPerMilli, config.duration_max_ns);
  if (k.targeted) {
    const auto user = rng.uniform(1, static_cast<std::uint64_t>(std::max(1, config.users)));
    f.target = target_of_user("u" + std::to_string(user));
  }
  draw_params(rng, k, f);
  return f;
}

}  // namespace

FaultPlan draw_swarm_plan(Rng& rng, const SwarmConfig& config) {
  std::vector<const FaultKindInfo*> pool;
  for (const auto& k : config.catalog != nullptr ? *config.catalog : fault_kinds()) {
    if (config.kinds.empty() || std::find(config.kinds.begin(), config.kinds.end(), k.kind) != config.kinds.end()) {
      pool.push_back(&k);
    }
  }
  FaultPlan plan;
  if (pool.empty() || config.faults_max <= 0) return plan;
  // Swarm: first pick which kinds this seed enables, then how many faults.
  std::vector<const FaultKindInfo*> enabled;
  for (const auto* k : pool) {
    // A missing critical component turns the whole run into "nothing is
    // admitted", hiding every other fault: drawn rarely.
    const std::uint32_t odds = k->kind == FaultKind::kComponentMissing ? 50'000 : 500'000;
    if (rng.chance(odds)) enabled.push_back(k);
  }
  if (enabled.empty()) enabled.push_back(pool[rng.uniform(0, pool.size() - 1)]);
  const auto count = static_cast<int>(rng.uniform(1, static_cast<std::uint64_t>(config.faults_max)));
  for (int i = 0; i < count; ++i) {
    plan.faults.push_back(draw_fault(rng, *enabled[rng.uniform(0, enabled.size() - 1)], config));
  }
  plan.heal_by_ns = config.window_ns + config.duration_max_ns;
  return plan;
}

}  // namespace bridgesim::sim
