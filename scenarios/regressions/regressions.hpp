#pragma once
// One function per incident; each returns the Variant that models it.
#include "scenarios/variants.hpp"

namespace bridgesim::scenarios::regressions {

Variant leaky_manager();
Variant no_resume();
Variant permissive_auth();
Variant send_after_close();
Variant bridge_not_registered();
Variant registry_without_llm();
Variant router_without_disconnect();
Variant router_without_start_agent();
Variant event_without_payload();
Variant emitter_drops_tools();
Variant bridge_without_handler();
Variant send_before_accept();
Variant relay_without_seq();
Variant session_crashes_auth();
Variant other_tab_misses_event();
Variant live_path_skips_seq();
Variant event_sent_twice();
Variant cancel_reason_lost();
// The outbound bound (only `bounds` sees these).
Variant outbound_closed_early();
Variant outbound_never_closed();
// Issue 10, detection power.
Variant events_trickle();
// Reached only by the [mix] workloads (scenarios/regressions/workload_paths.cpp).
Variant idempotency_by_msg_id();
Variant bridge_stops_after_first_tool();
Variant fanout_fixed_at_run_start();
Variant revoked_admitted();
Variant expired_socket_runs();
// Reached only by clients that use POST execute (scenarios/regressions/execute_paths.cpp).
Variant execute_own_authenticator();
Variant execute_skips_room_check();
Variant execute_trusts_body_user();

}  // namespace bridgesim::scenarios::regressions
