#pragma once
// What `bridgesim serve` shows a person with a browser: a small chat page at
// GET / (inline CSS and JS, nothing fetched from elsewhere) that opens the
// WebSocket the way browsers must (token in the subprotocols "jwt-auth",
// "jwt.<base64url(jwt)>"), sends a user_message and lists the events as they
// arrive; and GET /dev-token?user=NAME, which mints a token with the
// development secret so the page works without a token service. Dev tokens
// exist only in development mode (`serve --dev`).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "system/app.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::net {

struct ChatPageOptions {
  // Non-empty only in development mode (`serve --dev`): then
  // GET /dev-token mints with it; otherwise /dev-token is 404.
  std::string dev_secret;
  std::int64_t dev_token_ttl_s = 3'600;
};

// The page itself (text/html): system/net/assets/chat.html, embedded at build
// time (embed_file.cmake) so it is edited as HTML, not as a C++ literal.
std::string_view chat_page_html();

// The answer for GET / and GET /dev-token; nullopt for any other target (the
// system answers those). `clock` stamps the dev token's expiry.
std::optional<system::HttpResponse> chat_page_route(const system::HttpRequest& request, const ChatPageOptions& options,
                                                    const runtime::Clock& clock);

}  // namespace bridgesim::net
