#pragma once
// One connection contract, two transports: the simulated network (virtual
// time, sim::SimNetwork) and Beast on 127.0.0.1 (real sockets, real time,
// net::Server + net::AsyncClientTransport). Each world is single-threaded:
// the test's thread runs the scheduler or the io_context, so every callback
// runs between two steps of the test and the test body reads like a script.
//
// A world serves either "raw" (every handshake is handed to the test, which
// plays the system: accept, reject, send, close) or "app" (the real
// system::App with its default components behind the transport).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "system/app.hpp"
#include "system/runtime/clock.hpp"
#include "system/runtime/connection.hpp"

namespace bridgesim::contract {

struct Close {
  std::uint16_t code = 0;
  std::string reason;
  bool operator==(const Close&) const = default;
};

// What the client's end saw.
struct ClientLog {
  std::optional<std::string> opened;                    // the selected subprotocol
  std::optional<std::pair<int, std::string>> rejected;  // HTTP status and body
  std::vector<std::string> texts;
  std::vector<Close> closes;  // on_closed calls: exactly one once it ended
};

class Client {
 public:
  virtual ~Client() = default;
  virtual void send_text(std::string text) = 0;
  virtual void close(std::uint16_t code, std::string reason) = 0;
  virtual void abort() = 0;
  const ClientLog& log() const { return *log_; }

 protected:
  std::shared_ptr<ClientLog> log_ = std::make_shared<ClientLog>();
};

// Client callbacks (both transports take runtime::ClientCallbacks) that
// record what they see into `log`.
inline runtime::ClientCallbacks recording_callbacks(const std::shared_ptr<ClientLog>& log) {
  runtime::ClientCallbacks c;
  c.on_open = [log](std::string subprotocol) { log->opened = std::move(subprotocol); };
  c.on_rejected = [log](int status, std::string body) { log->rejected = {status, std::move(body)}; };
  c.on_text = [log](std::string text) { log->texts.push_back(std::move(text)); };
  c.on_closed = [log](std::uint16_t code, std::string reason) { log->closes.push_back({code, std::move(reason)}); };
  return c;
}

// The server side of one handshake, as the test (playing the system) sees it.
struct ServerSide {
  std::shared_ptr<runtime::Connection> connection;
  std::vector<std::string> texts;
  std::vector<Close> closes;  // on_closed calls: the contract says exactly one

  // Accepts, recording on_text / on_closed here.
  static void accept(const std::shared_ptr<ServerSide>& side, std::string_view subprotocol) {
    std::weak_ptr<ServerSide> weak = side;
    runtime::ConnectionEvents events;
    events.on_text = [weak](std::string text) {
      if (auto s = weak.lock()) s->texts.push_back(std::move(text));
    };
    events.on_closed = [weak](std::uint16_t code, std::string reason) {
      if (auto s = weak.lock()) s->closes.push_back({code, std::move(reason)});
    };
    side->connection->accept(subprotocol, std::move(events));
  }
};

class World {
 public:
  virtual ~World() = default;
  virtual const char* name() const = 0;

  // Handshakes go to servers(), undecided.
  virtual void serve_raw() = 0;
  // Handshakes go to a system::App with `config` on this world's runtime.
  virtual void serve_app(system::AppConfig config) = 0;

  // Starts a handshake; the client is "user:u1" to the world's faults.
  virtual std::unique_ptr<Client> connect(runtime::HandshakeRequest request) = 0;

  // Runs the world until `done` holds; false when it did not within the
  // world's bound (sim: 60 virtual seconds; Beast: 5 wall seconds).
  virtual bool run_until(const std::function<bool()>& done) = 0;
  // Runs the world a while longer: what is in flight lands.
  virtual void settle() = 0;

  // Contract violations the transport dropped and reported.
  virtual std::uint64_t violations() const = 0;
  // The server goes away as a whole: Beast stops (close 1001 to every
  // socket); the simulated network drops user u1's connections with a close frame.
  virtual void server_going_away() = 0;
  // The clock the system's tokens are checked against.
  virtual const runtime::Clock& clock() const = 0;

  std::vector<std::shared_ptr<ServerSide>>& servers() { return servers_; }

 protected:
  std::vector<std::shared_ptr<ServerSide>> servers_;
};

std::unique_ptr<World> make_sim_world();
std::unique_ptr<World> make_beast_world();

}  // namespace bridgesim::contract
