#pragma once
// Components that break exactly one thing the probe checks, swapped into a
// real loopback server (LoopbackServer) through the system's factory seams
// (system::Components), as the incident variants in scenarios/regressions/
// do: an authenticator that trusts any token, managers that rewrite, drop,
// leak or garble the frames they put on the wire, emitters that send an
// event twice or out of order.
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "system/app.hpp"
#include "system/auth.hpp"
#include "system/bridge.hpp"
#include "system/websocket_manager.hpp"

namespace bridgesim::probe_test {

inline std::string frame_type(const std::string& text) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  const auto* t = v.as_object().if_contains(protocol::field::kType);
  return t != nullptr && t->is_string() ? std::string(t->as_string()) : std::string();
}

// Admits every handshake, whatever its token: as the token's unverified
// `sub` when it has one, as "anonymous" when it has none.
class TrustingAuthenticator final : public system::Authenticator {
 public:
  void authenticate(const runtime::HandshakeRequest& request, std::function<void(system::AuthDecision)> done) override {
    bool via_subprotocol = false;
    const std::string token = system::extract_token(request, via_subprotocol);
    std::string sub = "anonymous";
    const auto first = token.find('.');
    const auto second = token.find('.', first == std::string::npos ? first : first + 1);
    if (first != std::string::npos && second != std::string::npos) {
      const auto payload = system::base64url_decode(std::string_view(token).substr(first + 1, second - first - 1));
      boost::system::error_code ec;
      const auto claims = payload ? boost::json::parse(*payload, ec) : boost::json::value();
      const auto* s = !ec && claims.is_object() ? claims.as_object().if_contains("sub") : nullptr;
      if (s != nullptr && s->is_string()) sub = std::string(s->as_string());
    }
    done(system::AuthDecision{true, sub, via_subprotocol ? "jwt-auth" : "", 200, ""});
  }
};

// Refuses every handshake 401, valid tokens included.
class RefusingAuthenticator final : public system::Authenticator {
 public:
  void authenticate(const runtime::HandshakeRequest&, std::function<void(system::AuthDecision)> done) override {
    done(system::AuthDecision{false, "", "", 401, "nobody gets in"});
  }
};

inline void refuse_every_token(system::Components& c) {
  c.auth = [](const system::AppConfig&, system::Runtime&,
              system::AuthServiceClient&) -> std::unique_ptr<system::Authenticator> {
    return std::make_unique<RefusingAuthenticator>();
  };
}

inline void trust_any_token(system::Components& c) {
  c.auth = [](const system::AppConfig&, system::Runtime&,
              system::AuthServiceClient&) -> std::unique_ptr<system::Authenticator> {
    return std::make_unique<TrustingAuthenticator>();
  };
}

// Puts on the wire what `rewrite` makes of each frame (none, one, several)
// instead of the frame itself: replies and events alike, replays included.
using Rewrite = std::function<std::vector<std::string>(const std::string& frame)>;

class RewritingManager final : public system::WebSocketManager {
 public:
  RewritingManager(runtime::Logger logger, std::size_t queue_max, Rewrite rewrite)
      : WebSocketManager(std::move(logger), queue_max), rewrite_(std::move(rewrite)) {}

  void send_to_connection(system::ConnectionId id, std::string text) override {
    for (auto& frame : rewrite_(text)) WebSocketManager::send_to_connection(id, std::move(frame));
  }
  std::size_t send_to_user(std::string_view user_id, const std::string& text) override {
    std::size_t sent = 0;
    for (const auto& frame : rewrite_(text)) sent = WebSocketManager::send_to_user(user_id, frame);
    return sent;
  }

 private:
  Rewrite rewrite_;
};

inline std::function<void(system::Components&)> rewrite_frames(Rewrite rewrite) {
  return [rewrite = std::move(rewrite)](system::Components& c) {
    c.manager = [rewrite](const system::AppConfig& config, system::Runtime& rt) {
      return std::make_unique<RewritingManager>(rt.logger, config.outbound_frames_max, rewrite);
    };
  };
}

// Drops every frame of `type`.
inline std::function<void(system::Components&)> drop_frames_of(std::string type) {
  return rewrite_frames([type = std::move(type)](const std::string& frame) {
    return frame_type(frame) == type ? std::vector<std::string>{} : std::vector<std::string>{frame};
  });
}

// Sends every event of each run to every open connection, its user_id
// rewritten to the recipient's: the leak no user_id comparison can see.
class ScrubbedLeakManager final : public system::WebSocketManager {
 public:
  using WebSocketManager::WebSocketManager;

  std::size_t send_to_user(std::string_view, const std::string& text) override {
    boost::system::error_code ec;
    auto frame = boost::json::parse(text, ec);
    if (ec || !frame.is_object()) return 0;
    std::size_t sent = 0;
    for (const auto id : connection_ids()) {
      const auto user = user_of(id);
      if (!user || state_of(id) != system::ConnectionState::kOpen) continue;
      frame.as_object()[protocol::field::kUserId] = *user;
      WebSocketManager::send_to_connection(id, boost::json::serialize(frame));
      ++sent;
    }
    return sent;
  }
};

inline void leak_scrubbed(system::Components& c) {
  c.manager = [](const system::AppConfig& config, system::Runtime& rt) {
    return std::make_unique<ScrubbedLeakManager>(rt.logger, config.outbound_frames_max);
  };
}

// Emits tool_completed twice, each with its own seq.
class TwiceCompletedEmitter final : public system::UserEmitter {
 public:
  using UserEmitter::UserEmitter;
  void notify_tool_completed(std::string_view tool, boost::json::value results, runtime::Nanos duration) override {
    UserEmitter::notify_tool_completed(tool, results, duration);
    UserEmitter::notify_tool_completed(tool, std::move(results), duration);
  }
};

// Emits tool_completed before tool_executing: the seqs are gapless, the
// order of the types is wrong.
class SwappedToolsEmitter final : public system::UserEmitter {
 public:
  using UserEmitter::UserEmitter;
  void notify_tool_executing(std::string_view tool, boost::json::object parameters) override {
    held_tool_ = std::string(tool);
    held_parameters_ = std::move(parameters);
  }
  void notify_tool_completed(std::string_view tool, boost::json::value results, runtime::Nanos duration) override {
    UserEmitter::notify_tool_completed(tool, std::move(results), duration);
    UserEmitter::notify_tool_executing(held_tool_, std::move(held_parameters_));
  }

 private:
  std::string held_tool_;
  boost::json::object held_parameters_;
};

// Ends every run as if its user had cancelled it; nobody did.
class SelfCancellingEmitter final : public system::UserEmitter {
 public:
  using UserEmitter::UserEmitter;
  void notify_agent_completed(std::string_view) override {
    UserEmitter::notify_agent_error(protocol::reasons::kCancelledByTheUser);
  }
};

template <typename Emitter>
class BridgeWith final : public system::AgentWebSocketBridge {
 public:
  using AgentWebSocketBridge::AgentWebSocketBridge;
  std::unique_ptr<system::UserEmitter> create_user_emitter(system::UserExecutionContext ctx,
                                                           std::string agent_name) override {
    return std::make_unique<Emitter>(*this, std::move(ctx), std::move(agent_name));
  }
};

template <typename Emitter>
void emit_with(system::Components& c) {
  c.bridge = [](system::BridgeWiring wiring, system::Runtime&) {
    return std::make_unique<BridgeWith<Emitter>>(wiring);
  };
}

}  // namespace bridgesim::probe_test
