#pragma once
// A simulated or probing client's actor id: "user:<id>" for a user's first
// connection, "user:<id>/tab<n>" (n >= 2) for its other tabs. Attackers are
// users too ("user:h1"). Parsed and printed here only.
#include <optional>
#include <string>
#include <string_view>

namespace bridgesim::sim {

struct ClientActor {
  std::string user_id;  // whose identity the client holds
  int tab = 1;

  // "user:u1/tab2"
  std::string to_string() const;
  // "u1/tab2": how a checker's sentence names the client.
  std::string label() const;
  // nullopt when `actor` is not a client's id.
  static std::optional<ClientActor> parse(std::string_view actor);
};

// The user part of a client's actor id ("user:u1/tab2" -> "u1"); "" when not
// a client.
std::string user_of_actor(std::string_view actor);
// The client's label ("user:u1/tab2" -> "u1/tab2"); "" when not a client.
std::string client_label(std::string_view actor);

// A fault's target names a user as "user:<id>" (or everyone, "*"): the same
// prefix as a client's actor id, but the whole rest is the user id.
// "user:u2" -> "u2"; nullopt when `target` is not "user:...".
std::optional<std::string_view> user_of_target(std::string_view target);
// "u2" -> "user:u2".
std::string target_of_user(std::string_view user_id);

}  // namespace bridgesim::sim
