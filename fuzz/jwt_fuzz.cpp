// JWT verification as WebSocket admission runs it (system/auth.*): the input
// is a token, an Authorization header and a Sec-WebSocket-Protocol list.
// Checks beyond "no crash": a token is accepted only with a user and an
// unexpired exp, a refusal always says why, base64url decoding accepts
// canonical text only and round-trips, and a minted token verifies.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "fuzz/fuzz_check.hpp"
#include "system/auth.hpp"
#include "system/runtime/clock.hpp"

namespace {

using namespace bridgesim;

constexpr std::string_view kSecret = "fuzz-secret";
constexpr std::int64_t kNowS = 1'767'225'600;  // the simulator's epoch

class FixedClock final : public runtime::Clock {
 public:
  runtime::Nanos now_ns() const override { return kNowS * runtime::kNanosPerSecond; }
};

void check_decision(const system::AuthDecision& d) {
  if (d.ok) {
    FUZZ_CHECK(!d.user_id.empty(), "an admitted token names a user");
    FUZZ_CHECK(d.expires_unix_s > kNowS, "an admitted token has not expired");
    FUZZ_CHECK(d.subprotocol.empty() || d.subprotocol == "jwt-auth", "only jwt-auth is echoed");
  } else {
    FUZZ_CHECK(!d.reason.empty(), "a refusal says why");
    FUZZ_CHECK(d.user_id.empty(), "a refusal names no user");
  }
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  while (true) {
    const auto comma = s.find(',');
    out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    s.remove_prefix(comma + 1);
  }
}

bool json_string_round_trips(std::string_view s) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(boost::json::serialize(boost::json::value(boost::json::string_view(s))), ec);
  return !ec && v.is_string() && v.as_string() == s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  std::string error;
  const auto claims = system::verify_hs256(input, kSecret, kNowS, error);
  if (claims) {
    FUZZ_CHECK(!claims->sub.empty() && claims->exp > kNowS, "verified claims have a user and a future exp");
    FUZZ_CHECK(error.empty(), "no error for a verified token");
  } else {
    FUZZ_CHECK(!error.empty(), "a refused token says why");
  }

  const FixedClock clock;
  const system::JwtAuthenticator auth{std::string(kSecret), clock};
  check_decision(auth.verify_locally({"/ws", std::string(input), {}}));
  check_decision(auth.verify_locally({"/ws", "", split_commas(input)}));

  if (const auto decoded = system::base64url_decode(input)) {
    FUZZ_CHECK(system::base64url_encode(*decoded) == input, "base64url decodes canonical text only");
  }
  const auto again = system::base64url_decode(system::base64url_encode(input));
  FUZZ_CHECK(again && *again == input, "base64url round-trips any bytes");

  // docs/protocol.md: a sub is 1 to 128 bytes of [A-Za-z0-9._@:-]; others are refused.
  const bool sub_ok = !input.empty() && input.size() <= 128 &&
                      input.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@:-") ==
                          std::string_view::npos;
  if (!input.empty() && !sub_ok && json_string_round_trips(input)) {
    const std::string token = system::mint_hs256(kSecret, input, kNowS + 60);
    FUZZ_CHECK(!system::verify_hs256(token, kSecret, kNowS, error), "a token whose sub breaks the charset is refused");
  }
  if (sub_ok && json_string_round_trips(input)) {
    const std::string token = system::mint_hs256(kSecret, input, kNowS + 60);
    const auto minted = system::verify_hs256(token, kSecret, kNowS, error);
    FUZZ_CHECK(minted && minted->sub == input && minted->exp == kNowS + 60, "a minted token verifies");
    FUZZ_CHECK(!system::verify_hs256(token, "another-secret", kNowS, error), "another key's token is refused");
  }
  return 0;
}
