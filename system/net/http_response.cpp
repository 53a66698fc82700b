#include "system/net/http_response.hpp"

#include <string>

namespace bridgesim::net::detail {

std::shared_ptr<Response> make_response(int status, std::string_view content_type, std::string_view body,
                                        unsigned version) {
  auto response = std::make_shared<Response>();
  response->version(version);
  response->result(static_cast<unsigned>(status));
  response->set(http::field::server, kServerName);
  response->set(http::field::content_type, content_type);
  response->set(http::field::cache_control, "no-store");
  response->keep_alive(false);
  response->body() = std::string(body);
  response->prepare_payload();
  return response;
}

}  // namespace bridgesim::net::detail
