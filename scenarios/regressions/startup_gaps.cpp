// Incidents where startup wired the process incompletely: the bridge never
// registered in AppState, the registry built without its LLM client, the
// router without its `disconnect` or `start_agent` handler. Startup
// validation turns each into a 503 naming the gap; the health property
// fires because nothing in the scenario planned a missing component.
#include "scenarios/regressions/regressions.hpp"

#include "protocol/message_types.hpp"

namespace bridgesim::scenarios::regressions {
namespace {

Variant without_handler(std::string type) {
  return Variant{
      "router_without_" + type,
      "the router was built without the '" + type + "' handler",
      "health",
      [type](system::Components& c) {
        c.handlers = [inner = c.handlers, type](system::MessageRouter& router, system::App& app) {
          if (inner) inner(router, app);
          router.remove_handler(type);
        };
      },
  };
}

}  // namespace

Variant bridge_not_registered() {
  return Variant{
      "bridge_not_registered", "startup never registered the agent-WebSocket bridge in AppState", "health",
      [](system::Components& c) { c.bridge = [](system::BridgeWiring, system::Runtime&) { return nullptr; }; }};
}

Variant registry_without_llm() {
  return Variant{
      "registry_without_llm", "the agent registry was built without its LLM client", "health",
      [](system::Components& c) { c.llm = [](const system::AppConfig&, system::Runtime&) { return nullptr; }; }};
}

Variant router_without_disconnect() { return without_handler(std::string(protocol::client_type::kDisconnect)); }
Variant router_without_start_agent() { return without_handler(std::string(protocol::client_type::kStartAgent)); }

}  // namespace bridgesim::scenarios::regressions
