#include "scenarios/variants.hpp"

#include "scenarios/regressions/regressions.hpp"

namespace bridgesim::scenarios {

const std::vector<Variant>& variant_catalog() {
  static const std::vector<Variant> catalog{
      regressions::leaky_manager(),
      regressions::no_resume(),
      regressions::permissive_auth(),
      regressions::send_after_close(),
      regressions::bridge_not_registered(),
      regressions::registry_without_llm(),
      regressions::router_without_disconnect(),
      regressions::router_without_start_agent(),
      regressions::event_without_payload(),
      regressions::emitter_drops_tools(),
      regressions::bridge_without_handler(),
      regressions::send_before_accept(),
      regressions::relay_without_seq(),
      regressions::session_crashes_auth(),
      regressions::other_tab_misses_event(),
      regressions::live_path_skips_seq(),
      regressions::event_sent_twice(),
      regressions::cancel_reason_lost(),
      // Issue 10, detection power.
      regressions::events_trickle(),
      regressions::revoked_admitted(),
      regressions::expired_socket_runs(),
  };
  return catalog;
}

const Variant* find_variant(std::string_view name) {
  for (const auto& v : variant_catalog()) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

}  // namespace bridgesim::scenarios
