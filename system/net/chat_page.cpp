#include "system/net/chat_page.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "system/auth.hpp"

namespace bridgesim::net {

namespace {

constexpr std::size_t kUserNameMax = 64;

// A user name a dev token may carry: 1..64 of [A-Za-z0-9._-].
bool is_plain_user_name(std::string_view name) {
  if (name.empty() || name.size() > kUserNameMax) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

// The value of `key` in a query string ("a=1&user=x"); nullopt when absent.
std::optional<std::string_view> query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return std::nullopt;
}

system::HttpResponse json(int status, const boost::json::object& body) {
  return {status, "application/json", boost::json::serialize(body)};
}

system::HttpResponse dev_token(std::string_view query, const ChatPageOptions& options, const runtime::Clock& clock) {
  if (options.dev_secret.empty()) return json(404, {{"error", "not found"}});
  const auto user = query_value(query, "user");
  if (!user || !is_plain_user_name(*user)) {
    return json(422, {{"error", "validation_error"},
                      {"fields", boost::json::object{{"user", "1 to 64 of the characters A-Z a-z 0-9 . _ -"}}}});
  }
  const std::int64_t exp = clock.now_ns() / runtime::kNanosPerSecond + options.dev_token_ttl_s;
  return json(200, {{"user", *user}, {"token", system::mint_hs256(options.dev_secret, *user, exp)}, {"exp", exp}});
}

}  // namespace

std::optional<system::HttpResponse> chat_page_route(const system::HttpRequest& request, const ChatPageOptions& options,
                                                    const runtime::Clock& clock) {
  const auto question = request.target.find('?');
  const std::string_view path = request.target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : request.target.substr(question + 1);
  if (path != "/" && path != "/index.html" && path != "/dev-token") return std::nullopt;
  if (request.method != "GET") return json(405, {{"error", "method not allowed"}});
  if (path == "/dev-token") return dev_token(query, options, clock);
  return system::HttpResponse{200, "text/html; charset=utf-8", std::string(chat_page_html())};
}

}  // namespace bridgesim::net
