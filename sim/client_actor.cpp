#include "sim/client_actor.hpp"

#include <charconv>

namespace bridgesim::sim {
namespace {

constexpr std::string_view kPrefix = "user:";
constexpr std::string_view kTab = "/tab";

}  // namespace

std::string ClientActor::to_string() const { return std::string(kPrefix) + label(); }

std::string ClientActor::label() const { return tab > 1 ? user_id + std::string(kTab) + std::to_string(tab) : user_id; }

std::optional<ClientActor> ClientActor::parse(std::string_view actor) {
  if (actor.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const std::string_view rest = actor.substr(kPrefix.size());
  const auto slash = rest.find('/');
  ClientActor out{std::string(rest.substr(0, slash)), 1};
  if (out.user_id.empty()) return std::nullopt;
  if (slash == std::string_view::npos) return out;
  const std::string_view suffix = rest.substr(slash);
  if (suffix.substr(0, kTab.size()) != kTab) return std::nullopt;
  const std::string_view digits = suffix.substr(kTab.size());
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.tab);
  // Only the form to_string prints: so parse and print are inverses.
  if (ec != std::errc() || end != digits.data() + digits.size() || out.tab < 2 || digits.front() == '0') {
    return std::nullopt;
  }
  return out;
}

std::string user_of_actor(std::string_view actor) {
  const auto client = ClientActor::parse(actor);
  return client ? client->user_id : std::string();
}

std::string client_label(std::string_view actor) {
  const auto client = ClientActor::parse(actor);
  return client ? client->label() : std::string();
}

std::optional<std::string_view> user_of_target(std::string_view target) {
  if (target.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  return target.substr(kPrefix.size());
}

std::string target_of_user(std::string_view user_id) { return std::string(kPrefix) + std::string(user_id); }

}  // namespace bridgesim::sim
