#pragma once
// What the auth tests share: a fixed secret and clock, an HS256 signer that
// does not go through the code under test, the refusal a token gets, and
// generators of subjects (any UTF-8; the documented charset).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "system/auth.hpp"

namespace bridgesim::system::auth_testing {

constexpr std::string_view kSecret = "test-secret";
constexpr std::int64_t kNow = 1'800'000'000;  // seconds since the epoch
constexpr std::int64_t kLater = kNow + 3600;

// An HS256 token over arbitrary header and payload JSON, signed here with
// OpenSSL directly (not through the code under test's signer).
inline std::string sign(std::string_view header_json, std::string_view payload_json,
                        std::string_view secret = kSecret) {
  const std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + base64url_encode(std::string(reinterpret_cast<const char*>(mac), len));
}

constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

// The refusal reason, or "" when the token verifies.
inline std::string refusal(std::string_view token, std::string_view secret = kSecret, std::int64_t now = kNow) {
  std::string error;
  const auto claims = verify_hs256(token, secret, now, error);
  if (claims) return "";
  EXPECT_FALSE(error.empty()) << "a refusal always says why";
  return error.empty() ? "(no reason)" : error;
}

// Subjects as JSON strings can hold them: any Unicode, quotes, controls.
inline rc::Gen<std::string> utf8_subject() {
  return rc::gen::map(rc::gen::nonEmpty(rc::gen::container<std::vector<std::uint32_t>>(rc::gen::oneOf(
                          rc::gen::inRange<std::uint32_t>(0, 0x80), rc::gen::inRange<std::uint32_t>(0x80, 0xD800),
                          rc::gen::inRange<std::uint32_t>(0xE000, 0x110000)))),
                      [](const std::vector<std::uint32_t>& cps) {
                        std::string out;
                        for (std::uint32_t cp : cps) {
                          if (cp < 0x80) {
                            out += static_cast<char>(cp);
                          } else if (cp < 0x800) {
                            out += static_cast<char>(0xC0 | (cp >> 6));
                            out += static_cast<char>(0x80 | (cp & 0x3F));
                          } else if (cp < 0x10000) {
                            out += static_cast<char>(0xE0 | (cp >> 12));
                            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                            out += static_cast<char>(0x80 | (cp & 0x3F));
                          } else {
                            out += static_cast<char>(0xF0 | (cp >> 18));
                            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
                            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                            out += static_cast<char>(0x80 | (cp & 0x3F));
                          }
                        }
                        return out;
                      });
}

// Subjects of the documented charset: 1 to 128 of [A-Za-z0-9._@:-].
inline rc::Gen<std::string> valid_subject() {
  static constexpr std::string_view kCharset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@:-";
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, kSubjectBytesMax + 1), [](std::size_t size) {
    return rc::gen::container<std::string>(size, rc::gen::elementOf(kCharset));
  });
}

}  // namespace bridgesim::system::auth_testing
