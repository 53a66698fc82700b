// The body of POST /api/agent/v2/execute (system/http_api.*), from a caller
// with a valid token, on a small App where alice also has a socket open.
// Checks: the answer is one of the documented statuses with a JSON object
// body; a 202 names a run and alice's socket sees only well-formed run
// events of her own; once she leaves, the App holds nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "fuzz/app_fixture.hpp"
#include "fuzz/fuzz_check.hpp"

using namespace bridgesim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  fuzz::FuzzApp w;
  auto alice = w.connect_as("alice");
  const std::string authorization = "Bearer " + w.token("alice");
  const system::HttpResponse r = w.app().handle_http({"POST", "/api/agent/v2/execute", authorization, body});
  FUZZ_CHECK(r.status == 202 || r.status == 409 || r.status == 422 || r.status == 503, "a documented status");
  boost::system::error_code ec;
  const auto answer = boost::json::parse(r.body, ec);
  FUZZ_CHECK(!ec && answer.is_object(), "the answer is a JSON object");
  if (r.status == 202) {
    const auto* run = answer.as_object().if_contains("run_id");
    FUZZ_CHECK(run != nullptr && run->is_string() && !run->as_string().empty(), "a started run is named");
  }
  w.run_for(3 * runtime::kNanosPerSecond);
  fuzz::check_frames(*alice, "alice");
  alice->deliver_closed();
  w.run_for(60 * runtime::kNanosPerSecond);
  fuzz::check_empty(w.app());
  return 0;
}
