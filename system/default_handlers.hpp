#pragma once
// The production handler set: user_message, start_agent, ping, disconnect,
// resume, cancel (critical_path.hpp's kRequiredHandlers). Handlers reach the
// system only through the run service and the messenger.
#include <string>

#include "system/messenger.hpp"
#include "system/router.hpp"
#include "system/run_service.hpp"

namespace bridgesim::system {

// `default_agent` runs a user_message; the services must outlive the router.
void register_default_handlers(MessageRouter& router, RunService& runs, Messenger& messenger,
                               std::string default_agent);

}  // namespace bridgesim::system
