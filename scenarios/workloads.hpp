#pragma once
// Simulated clients. Each records what it sees as trace records with actor
// "user:<id>": open {conn}, send {conn, frame}, recv {conn, frame},
// closed {conn, code}, rejected {status}. Properties judge those records:
// what a user saw is what matters.
#include <optional>
#include <string>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "sim/sim_network.hpp"
#include "sim/trace.hpp"

namespace bridgesim::scenarios {

struct UserPlan {
  std::string user_id;
  std::string token;
  int messages = 1;
  runtime::Nanos think_min_ns = 10 * runtime::kNanosPerMilli;
  runtime::Nanos think_max_ns = 200 * runtime::kNanosPerMilli;
};

// A browser tab on the golden path: connect, send `messages` user_message
// frames one after another (each after the previous run ended), then send
// `disconnect`.
class GoldenPathUser {
 public:
  GoldenPathUser(sim::Scheduler& scheduler, sim::SimNetwork& network, sim::Trace& trace, UserPlan plan, sim::Rng rng);
  void start_at(runtime::Nanos at_ns);
  bool done() const { return done_; }

 private:
  void connect();
  void on_text(std::string text);
  void send_next_message();
  void send(std::string frame);
  void record(std::string kind, std::vector<sim::Field> fields);

  sim::Scheduler& scheduler_;
  sim::SimNetwork& network_;
  sim::Trace& trace_;
  UserPlan plan_;
  sim::Rng rng_;
  std::string actor_;
  std::optional<sim::ClientSocket> socket_;
  int sent_ = 0;
  std::string current_thread_;
  bool done_ = false;
};

}  // namespace bridgesim::scenarios
