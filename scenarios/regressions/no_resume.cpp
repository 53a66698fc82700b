// Incident: `resume` was accepted but never implemented: a client that
// reconnected mid-run waited forever for the events it missed.
#include "scenarios/regressions/regressions.hpp"

#include "protocol/message_types.hpp"

namespace bridgesim::scenarios::regressions {

Variant no_resume() {
  return Variant{
      "no_resume",
      "resume after a reconnect was accepted and ignored; missed events were never replayed",
      "delivery",
      [](system::Components& c) {
        c.handlers = [inner = c.handlers](system::MessageRouter& router, system::App& app) {
          if (inner) inner(router, app);
          router.add_handler(protocol::client_type::kResume,
                             [](const system::RequestContext&, const boost::json::object&) {});
        };
      },
  };
}

}  // namespace bridgesim::scenarios::regressions
