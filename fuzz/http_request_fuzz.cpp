// Raw HTTP requests through Beast's request parser configured as the real
// server's HTTP session configures it (system/net/http_session.cpp: a
// string body, body_limit ServerLimits::http_body_bytes_max, the default
// header limit), parsed from a buffer without sockets; a complete request
// goes to the App as the session hands it over (App::handle_http), an
// upgrade to WebSocket admission. Checks: the App answers a valid HTTP
// status with a JSON body, and decides an upgrade exactly once.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/json.hpp>

#include "fuzz/app_fixture.hpp"
#include "fuzz/fuzz_check.hpp"
#include "system/net/server.hpp"

namespace {

using namespace bridgesim;
namespace http = boost::beast::http;
using Request = http::request<http::string_body>;

std::string_view view_of(boost::beast::string_view s) { return {s.data(), s.size()}; }

// The parser fed the whole input, then end of stream; false unless a
// request came out whole. End of stream before any byte is no request (as
// in Beast's read, which calls put_eof only after got_some(): its
// precondition, asserted when asserts are on).
bool parse(std::string_view input, http::request_parser<http::string_body>& parser) {
  parser.body_limit(net::ServerLimits{}.http_body_bytes_max);
  parser.eager(true);
  boost::beast::error_code ec;
  while (!input.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    if (ec == http::error::need_more) break;
    if (ec) return false;
    input.remove_prefix(used);
  }
  if (!parser.is_done()) {
    if (!parser.got_some()) return false;
    parser.put_eof(ec);
  }
  return !ec && parser.is_done();
}

// Sec-WebSocket-Protocol, every occurrence split on ','.
runtime::HandshakeRequest handshake_of(const Request& request) {
  runtime::HandshakeRequest handshake{
      std::string(view_of(request.target())), std::string(view_of(request[http::field::authorization])), {}};
  for (auto [it, end] = request.equal_range(http::field::sec_websocket_protocol); it != end; ++it) {
    std::string_view rest = view_of(it->value());
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto item = rest.substr(0, comma);
      if (!item.empty()) handshake.subprotocols.emplace_back(item);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  return handshake;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  if (!parse({reinterpret_cast<const char*>(data), size}, parser)) return 0;
  const Request request = parser.release();
  fuzz::FuzzApp w;
  if (boost::beast::websocket::is_upgrade(request)) {
    auto conn = std::make_shared<fuzz::RecordingConnection>(100, handshake_of(request));
    w.app().on_connection(conn);
    w.run_for(3 * runtime::kNanosPerSecond);
    FUZZ_CHECK(conn->accepted != conn->rejected, "an upgrade is decided exactly once");
    fuzz::check_frames(*conn, conn->accepted ? *w.app().user_of(conn->id()) : "");
    conn->deliver_closed();
  } else {
    const system::HttpResponse r = w.app().handle_http({view_of(request.method_string()), view_of(request.target()),
                                                        view_of(request[http::field::authorization]), request.body()});
    FUZZ_CHECK(r.status >= 200 && r.status <= 599, "a valid HTTP status");
    boost::system::error_code ec;
    const auto answer = boost::json::parse(r.body, ec);
    FUZZ_CHECK(!ec && answer.is_object(), "the answer is a JSON object");
  }
  w.run_for(60 * runtime::kNanosPerSecond);
  fuzz::check_empty(w.app());
  return 0;
}
