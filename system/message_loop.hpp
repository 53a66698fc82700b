#pragma once
// An admitted connection's text frames: bounded, parsed as a JSON object
// with a string `type`, and dispatched to the router. A malformed frame or a
// refused request gets an `error` frame; nothing a request does ends the loop.
#include <cstddef>
#include <string>

#include "system/messenger.hpp"
#include "system/router.hpp"
#include "system/runtime/connection.hpp"
#include "system/runtime/log.hpp"
#include "system/websocket_manager.hpp"

namespace bridgesim::system {

class MessageLoop {
 public:
  // Frames longer than `frame_bytes_max` are refused unparsed.
  MessageLoop(const ConnectionManager& manager, const MessageRouter& router, Messenger& messenger,
              std::size_t frame_bytes_max, runtime::Logger logger);

  // One text frame from connection `id`; ignored once the connection is gone.
  void on_text(runtime::ConnectionId id, std::string text);

 private:
  const ConnectionManager& manager_;
  const MessageRouter& router_;
  Messenger& messenger_;
  std::size_t frame_bytes_max_;
  runtime::Logger logger_;
};

}  // namespace bridgesim::system
