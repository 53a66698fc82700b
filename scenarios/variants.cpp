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
      regressions::outbound_closed_early(),
      regressions::outbound_never_closed(),
      // Issue 10, detection power.
      regressions::events_trickle(),
      // Reached only by the [mix] workloads: colliding ids, several tool calls, a late tab.
      regressions::idempotency_by_msg_id(),
      regressions::bridge_stops_after_first_tool(),
      regressions::fanout_fixed_at_run_start(),
      regressions::revoked_admitted(),
      regressions::expired_socket_runs(),
      // Reached only by clients that use POST /api/agent/v2/execute.
      regressions::execute_own_authenticator(),
      regressions::execute_skips_room_check(),
      regressions::execute_trusts_body_user(),
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
