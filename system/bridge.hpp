#pragma once
// The agent -> WebSocket bridge. Made once at startup and kept in AppState.
// An agent never sees the manager: it gets a UserEmitter bound to one user's
// context, which has no way to address anybody else.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "system/context.hpp"
#include "system/runtime/clock.hpp"
#include "system/websocket_manager.hpp"

namespace bridgesim::system {

class AgentWebSocketBridge;

class UserEmitter {
 public:
  UserEmitter(AgentWebSocketBridge& bridge, UserExecutionContext ctx, std::string agent_name);
  virtual ~UserEmitter() = default;
  UserEmitter(const UserEmitter&) = delete;
  UserEmitter& operator=(const UserEmitter&) = delete;

  virtual void notify_agent_started();
  virtual void notify_agent_thinking(std::string_view reasoning);
  virtual void notify_tool_executing(std::string_view tool_name, boost::json::object parameters);
  virtual void notify_tool_completed(std::string_view tool_name, boost::json::value results, runtime::Nanos duration_ns);
  virtual void notify_agent_completed(std::string_view final_response);
  virtual void notify_agent_error(std::string_view reason);

  const UserExecutionContext& context() const { return ctx_; }
  std::uint64_t events_emitted() const { return next_seq_ - 1; }

 protected:
  // Stamps seq (gapless from 1) and the common fields, then hands the frame
  // to the bridge.
  void emit(std::string_view type, boost::json::object payload);

 private:
  AgentWebSocketBridge& bridge_;
  const UserExecutionContext ctx_;
  const std::string agent_name_;
  std::uint64_t next_seq_ = 1;
  bool finished_ = false;  // agent_completed or agent_error was emitted
};

class AgentWebSocketBridge {
 public:
  AgentWebSocketBridge(ConnectionManager& manager, const runtime::Clock& clock);
  virtual ~AgentWebSocketBridge() = default;

  virtual std::unique_ptr<UserEmitter> create_user_emitter(UserExecutionContext ctx, std::string agent_name);
  // The one path from an emitter to sockets: only to the context's own user.
  virtual void deliver(const UserExecutionContext& ctx, const std::string& frame);

  const runtime::Clock& clock() const { return clock_; }
  std::uint64_t frames_delivered() const { return frames_delivered_; }

 protected:
  ConnectionManager& manager_;
  const runtime::Clock& clock_;
  std::uint64_t frames_delivered_ = 0;
};

}  // namespace bridgesim::system
