// Auth: HS256 JWT verification (fails closed on anything not provably a
// valid, unexpired token for a user), token extraction from the handshake,
// and the authenticator that turns both into an admission decision.
#include <cctype>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "system/auth.hpp"
#include "system/auth_service_client.hpp"

namespace bridgesim::system {
namespace {

constexpr std::string_view kSecret = "test-secret";
constexpr std::int64_t kNow = 1'800'000'000;  // seconds since the epoch
constexpr std::int64_t kLater = kNow + 3600;

// An HS256 token over arbitrary header and payload JSON, signed here with
// OpenSSL directly (not through the code under test's signer).
std::string sign(std::string_view header_json, std::string_view payload_json, std::string_view secret = kSecret) {
  const std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + base64url_encode(std::string(reinterpret_cast<const char*>(mac), len));
}

constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

// The refusal reason, or "" when the token verifies.
std::string refusal(std::string_view token, std::string_view secret = kSecret, std::int64_t now = kNow) {
  std::string error;
  const auto claims = verify_hs256(token, secret, now, error);
  if (claims) return "";
  EXPECT_FALSE(error.empty()) << "a refusal always says why";
  return error.empty() ? "(no reason)" : error;
}

// --- base64url ------------------------------------------------------------

TEST(SystemAuthBase64Url, KnownVectorsUseTheUrlAlphabetWithoutPadding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");  // standard base64: "+/8="
  EXPECT_EQ(base64url_decode("-_8"), std::string("\xfb\xff"));
}

TEST(SystemAuthBase64Url, DecodeRefusesTheStandardAlphabetPaddingAndImpossibleLengths) {
  EXPECT_EQ(base64url_decode("+/8="), std::nullopt);
  EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);  // 5 chars: no byte count fits
  EXPECT_EQ(base64url_decode("Zm9*"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm 9"), std::nullopt);
}

RC_GTEST_PROP(SystemAuthBase64Url, RoundTripsArbitraryBytes, (const std::string& bytes)) {
  const std::string text = base64url_encode(bytes);
  RC_ASSERT(text.size() == (bytes.size() * 4 + 2) / 3);
  for (char c : text) RC_ASSERT(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
  const auto back = base64url_decode(text);
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == bytes);
}

// --- verify_hs256 ---------------------------------------------------------

TEST(SystemAuthJwt, MintedTokenVerifiesWithItsClaims) {
  const std::string token = mint_hs256(kSecret, "alice", kLater);
  std::string error;
  const auto claims = verify_hs256(token, kSecret, kNow, error);
  ASSERT_TRUE(claims) << error;
  EXPECT_EQ(claims->sub, "alice");
  EXPECT_EQ(claims->exp, kLater);
}

TEST(SystemAuthJwt, MintAgreesWithAnIndependentSigner) {
  const std::string payload = R"({"sub":"alice","exp":)" + std::to_string(kLater) + "}";
  EXPECT_EQ(mint_hs256(kSecret, "alice", kLater), sign(kHs256Header, payload));
}

TEST(SystemAuthJwt, AThirdPartyTokenPassesTheSignatureCheck) {
  // The well-known jwt.io example token: the signature is right, so the only
  // complaint left is that it carries no `exp`.
  const std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
      "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  EXPECT_EQ(refusal(token, "your-256-bit-secret"), "token has no integer 'exp' claim");
  EXPECT_EQ(refusal(token, "another-secret"), "invalid token signature");
}

// Subjects as JSON strings can hold them: any Unicode, quotes, controls.
rc::Gen<std::string> utf8_subject() {
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
rc::Gen<std::string> valid_subject() {
  static constexpr std::string_view kCharset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@:-";
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, kSubjectBytesMax + 1), [](std::size_t size) {
    return rc::gen::container<std::string>(size, rc::gen::elementOf(kCharset));
  });
}

RC_GTEST_PROP(SystemAuthJwt, MintVerifyRoundTripsAnyValidSubject, ()) {
  const std::string sub = *valid_subject();
  const std::int64_t exp = *rc::gen::inRange<std::int64_t>(kNow + 1, kNow + 10'000'000);
  std::string error;
  const auto claims = verify_hs256(mint_hs256(kSecret, sub, exp), kSecret, kNow, error);
  RC_ASSERT(claims.has_value());
  RC_ASSERT(claims->sub == sub);
  RC_ASSERT(claims->exp == exp);
}

// A subject with any character outside the charset is refused, signed or not:
// it would become a user id in logs and in every comparison.
RC_GTEST_PROP(SystemAuthJwt, AnySubjectOutsideTheCharsetIsRefused, ()) {
  const std::string sub = *utf8_subject();
  RC_PRE(!is_valid_subject(sub));
  RC_ASSERT(refusal(mint_hs256(kSecret, sub, kLater)) == std::string(token_refusal::kBadSub));
}

TEST(SystemAuthJwt, HostileSubjectsAreRefusedWithAReason) {
  for (const std::string& sub :
       {std::string("alice\nbob"), std::string("alice\r"), std::string("al\0ce", 6), std::string("\x1b[31mroot"),
        std::string("admin\xe2\x80\xae"),  // U+202E RIGHT-TO-LEFT OVERRIDE
        std::string("\xe2\x81\xa6x"),      // U+2066 LEFT-TO-RIGHT ISOLATE
        std::string("al ice"), std::string("alice/bob"), std::string("ali\"ce"), std::string("jos\xc3\xa9"),
        std::string(kSubjectBytesMax + 1, 'a'), std::string(5'000, 'a')}) {
    EXPECT_EQ(refusal(mint_hs256(kSecret, sub, kLater)), token_refusal::kBadSub) << "sub of " << sub.size() << " bytes";
  }
  EXPECT_EQ(refusal(mint_hs256(kSecret, std::string(kSubjectBytesMax, 'a'), kLater)), "");
  EXPECT_EQ(refusal(mint_hs256(kSecret, "user.name_1@example.com:tenant-2", kLater)), "");
  EXPECT_EQ(refusal(mint_hs256(kSecret, "", kLater)), token_refusal::kNoSub);
}

TEST(SystemAuthJwt, IsValidSubjectMatchesTheDocumentedCharset) {
  for (int c = 0; c < 256; ++c) {
    const std::string one(1, static_cast<char>(c));
    const bool documented = std::isalnum(c) != 0 || c == '.' || c == '_' || c == '@' || c == ':' || c == '-';
    EXPECT_EQ(is_valid_subject(one), documented && c < 0x80) << "byte " << c;
  }
}

TEST(SystemAuthJwt, ForgedSignatureIsRefused) {
  const std::string alice = mint_hs256(kSecret, "alice", kLater);
  const std::string mallory = mint_hs256(kSecret, "mallory", kLater);
  // Alice's header and payload with Mallory's (valid, but not matching) signature.
  const std::string spliced = alice.substr(0, alice.rfind('.')) + mallory.substr(mallory.rfind('.'));
  EXPECT_EQ(refusal(spliced), "invalid token signature");
  // A payload naming someone else under Alice's signature.
  const std::string swapped = alice.substr(0, alice.find('.')) +
                              mallory.substr(mallory.find('.'), mallory.rfind('.') - mallory.find('.')) +
                              alice.substr(alice.rfind('.'));
  EXPECT_EQ(refusal(swapped), "invalid token signature");
  EXPECT_EQ(refusal(alice.substr(0, alice.rfind('.') + 1)), "invalid token signature");  // no signature
}

TEST(SystemAuthJwt, WrongSecretIsRefused) {
  EXPECT_EQ(refusal(mint_hs256("other-secret", "alice", kLater)), "invalid token signature");
  EXPECT_EQ(refusal(mint_hs256(kSecret, "alice", kLater), "test-secreT"), "invalid token signature");
}

TEST(SystemAuthJwt, ExpiredWhenExpIsNotAfterNow) {
  EXPECT_EQ(refusal(mint_hs256(kSecret, "alice", kNow)), "token expired");
  EXPECT_EQ(refusal(mint_hs256(kSecret, "alice", kNow - 1)), "token expired");
  EXPECT_EQ(refusal(mint_hs256(kSecret, "alice", 0)), "token expired");
  EXPECT_EQ(refusal(mint_hs256(kSecret, "alice", kNow + 1)), "");
}

TEST(SystemAuthJwt, MissingOrBadClaimsAreRefused) {
  const std::string exp = std::to_string(kLater);
  EXPECT_EQ(refusal(sign(kHs256Header, R"({"exp":)" + exp + "}")), "token has no 'sub' claim");
  EXPECT_EQ(refusal(sign(kHs256Header, R"({"sub":"","exp":)" + exp + "}")), "token has no 'sub' claim");
  EXPECT_EQ(refusal(sign(kHs256Header, R"({"sub":42,"exp":)" + exp + "}")), "token has no 'sub' claim");
  EXPECT_EQ(refusal(sign(kHs256Header, R"({"sub":"alice"})")), "token has no integer 'exp' claim");
  EXPECT_EQ(refusal(sign(kHs256Header, R"({"sub":"alice","exp":")" + exp + R"("})")),
            "token has no integer 'exp' claim");
  EXPECT_EQ(refusal(sign(kHs256Header, R"({"sub":"alice","exp":1e99})")), "token has no integer 'exp' claim");
  EXPECT_EQ(refusal(sign(kHs256Header, R"(["alice"])")), "malformed token: payload is not a JSON object");
  EXPECT_EQ(refusal(sign(kHs256Header, R"({"sub":"alice","exp":)" + exp + "}")), "");
}

TEST(SystemAuthJwt, OnlyHs256IsAccepted) {
  const std::string payload = R"({"sub":"alice","exp":)" + std::to_string(kLater) + "}";
  const std::string alg_refusal = "unsupported token: alg must be HS256";
  // alg "none" with no signature, and even with a valid HMAC over it.
  EXPECT_EQ(refusal(base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(payload) + "."), alg_refusal);
  EXPECT_EQ(refusal(sign(R"({"alg":"none","typ":"JWT"})", payload)), alg_refusal);
  EXPECT_EQ(refusal(sign(R"({"alg":"HS512"})", payload)), alg_refusal);
  EXPECT_EQ(refusal(sign(R"({"alg":"hs256"})", payload)), alg_refusal);
  EXPECT_EQ(refusal(sign(R"({"typ":"JWT"})", payload)), alg_refusal);
  EXPECT_EQ(refusal(sign(R"({"alg":["HS256"]})", payload)), alg_refusal);
  EXPECT_EQ(refusal(sign(R"("HS256")", payload)), "malformed token: header is not a JSON object");
  EXPECT_EQ(refusal(sign(R"({"alg":"HS256"})", payload)), "");
}

TEST(SystemAuthJwt, ACritHeaderIsRefusedWhateverItLists) {
  // RFC 7515 section 4.1.11: extensions listed in crit must be understood;
  // this verifier understands none.
  const std::string payload = R"({"sub":"alice","exp":)" + std::to_string(kLater) + "}";
  EXPECT_EQ(refusal(sign(R"({"alg":"HS256","crit":["exp"]})", payload)), token_refusal::kCrit);
  EXPECT_EQ(refusal(sign(R"({"alg":"HS256","crit":["b64"],"b64":false})", payload)), token_refusal::kCrit);
  EXPECT_EQ(refusal(sign(R"({"alg":"HS256","crit":[]})", payload)), token_refusal::kCrit);
  EXPECT_EQ(refusal(sign(R"({"alg":"HS256","crit":null})", payload)), token_refusal::kCrit);
  EXPECT_EQ(refusal(sign(R"({"alg":"HS256","kid":"k1"})", payload)), "") << "other header fields are ignored";
}

std::string with_times(const std::string& extra) {
  return sign(kHs256Header, R"({"sub":"alice","exp":)" + std::to_string(kLater) + extra + "}");
}

TEST(SystemAuthJwt, NbfInTheFutureBeyondTheSkewIsRefused) {
  EXPECT_EQ(refusal(with_times(",\"nbf\":" + std::to_string(kNow + kClockSkewS + 1))), token_refusal::kNotYetValid);
  EXPECT_EQ(refusal(with_times(",\"nbf\":" + std::to_string(kNow + 3600))), token_refusal::kNotYetValid);
  EXPECT_EQ(refusal(with_times(",\"nbf\":" + std::to_string(kNow + kClockSkewS))), "") << "within the skew";
  EXPECT_EQ(refusal(with_times(",\"nbf\":" + std::to_string(kNow - 10))), "");
  EXPECT_EQ(refusal(with_times(R"(,"nbf":"soon")")), token_refusal::kBadNbf);
  EXPECT_EQ(refusal(with_times(R"(,"nbf":1.5)")), token_refusal::kBadNbf);
}

TEST(SystemAuthJwt, IatInTheFutureBeyondTheSkewIsRefused) {
  EXPECT_EQ(refusal(with_times(",\"iat\":" + std::to_string(kNow + kClockSkewS + 1))), token_refusal::kIssuedInFuture);
  EXPECT_EQ(refusal(with_times(",\"iat\":" + std::to_string(kNow + kClockSkewS))), "") << "within the skew";
  EXPECT_EQ(refusal(with_times(",\"iat\":" + std::to_string(kNow - 60))), "");
  EXPECT_EQ(refusal(with_times(R"(,"iat":[1])")), token_refusal::kBadIat);
  EXPECT_EQ(refusal(with_times(R"(,"iat":18446744073709551615)")), token_refusal::kBadIat);
}

TEST(SystemAuthJwt, TheTimeRulesFollowTheCallersNow) {
  // One token, nbf = iat = kNow + 100: refused until the clock is within the skew.
  const std::string token =
      with_times(",\"nbf\":" + std::to_string(kNow + 100) + ",\"iat\":" + std::to_string(kNow + 100));
  EXPECT_EQ(refusal(token, kSecret, kNow), token_refusal::kNotYetValid);
  EXPECT_EQ(refusal(token, kSecret, kNow + 100 - kClockSkewS), "");
}

TEST(SystemAuthSecret, ShorterThan32BytesOrEmptyIsAProblem) {
  EXPECT_EQ(kHs256SecretBytesMin, 32u);
  EXPECT_EQ(hs256_secret_problem(""), "the JWT secret is empty");
  EXPECT_EQ(hs256_secret_problem(std::string(31, 'x')),
            "the JWT secret is 31 bytes; HS256 needs at least 32 (RFC 7518 section 3.2)");
  EXPECT_EQ(hs256_secret_problem(std::string(32, 'x')), "");
  EXPECT_EQ(hs256_secret_problem(std::string(4096, 'x')), "");
}

TEST(SystemAuthJwt, GarbageIsRefused) {
  const std::string valid = mint_hs256(kSecret, "alice", kLater);
  for (const std::string& garbage :
       {std::string(), std::string("abc"), std::string("a.b"), std::string("a.b.c.d"), std::string(".."),
        std::string("..."), std::string("!!!.???.***"), std::string("a.b.c"), valid + ".", "." + valid, valid + " ",
        std::string("Bearer ") + valid, std::string(valid.size(), 'A')}) {
    EXPECT_NE(refusal(garbage), "") << "accepted: '" << garbage << "'";
  }
}

// Every single-byte change of a valid token is refused -- except in the
// signature's last character, covered by the  test below.
RC_GTEST_PROP(SystemAuthJwt, ChangingAnyByteBeforeTheLastIsRefused, ()) {
  const std::string token = mint_hs256(kSecret, *valid_subject(), kLater);
  const std::size_t at = *rc::gen::inRange<std::size_t>(0, token.size() - 1);
  const char replacement = *rc::gen::distinctFrom(token[at]);
  std::string changed = token;
  changed[at] = replacement;
  std::string error;
  RC_ASSERT_FALSE(verify_hs256(changed, kSecret, kNow, error).has_value());
}

// Fixed bug, kept as a regression test (system/auth.cpp, base64url_decode): non-canonical base64url is
// accepted. The 32-byte signature takes 43 characters, whose last one
// carries 2 unused bits; EVP_DecodeBlock ignores them, so the 3 other
// characters with the same top 4 bits decode to the same signature and a
// token altered in its last character still verifies (token malleability:
// 4 distinct strings are one valid token; a revocation list or cache keyed
// on the token text can be bypassed). The decoder should refuse a final
// character with non-zero unused bits (RFC 4648 section 3.5).
TEST(SystemAuthJwt, ChangingTheSignaturesLastCharacterIsRefused) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (const std::string sub : {"alice", "bob", "carol", "dave"}) {
    const std::string token = mint_hs256(kSecret, sub, kLater);
    const std::size_t last = kAlphabet.find(token.back());
    ASSERT_NE(last, std::string_view::npos);
    for (std::size_t low = 0; low < 4; ++low) {
      const std::size_t sibling = (last & ~std::size_t{3}) | low;
      if (sibling == last) continue;
      std::string changed = token;
      changed.back() = kAlphabet[sibling];
      EXPECT_NE(refusal(changed), "") << "accepted '" << changed << "' for '" << token << "'";
    }
  }
}

// --- extract_token --------------------------------------------------------

TEST(SystemAuthExtract, FromBearerHeader) {
  bool via_subprotocol = true;
  EXPECT_EQ(extract_token({"/ws", "Bearer a.b.c", {}}, via_subprotocol), "a.b.c");
  EXPECT_FALSE(via_subprotocol);
  EXPECT_EQ(extract_token({"/ws", "  Bearer   a.b.c  ", {}}, via_subprotocol), "a.b.c");
  EXPECT_EQ(extract_token({"/ws", "Basic dXNlcjpwYXNz", {}}, via_subprotocol), "");
  EXPECT_EQ(extract_token({"/ws", "Bearer ", {}}, via_subprotocol), "");
  EXPECT_FALSE(via_subprotocol);
}

TEST(SystemAuthExtract, FromBase64UrlSubprotocol) {
  const std::string jwt = mint_hs256(kSecret, "alice", kLater);
  bool via_subprotocol = false;
  EXPECT_EQ(extract_token({"/ws", "", {"jwt-auth", "jwt." + base64url_encode(jwt)}}, via_subprotocol), jwt);
  EXPECT_TRUE(via_subprotocol);
  // Order of the offered subprotocols does not matter.
  via_subprotocol = false;
  EXPECT_EQ(extract_token({"/ws", "", {"jwt." + base64url_encode(jwt), "jwt-auth"}}, via_subprotocol), jwt);
  EXPECT_TRUE(via_subprotocol);
}

TEST(SystemAuthExtract, FromRawJwtSubprotocol) {
  const std::string jwt = mint_hs256(kSecret, "alice", kLater);
  bool via_subprotocol = false;
  EXPECT_EQ(extract_token({"/ws", "", {"jwt-auth", " jwt." + jwt + " "}}, via_subprotocol), jwt);
  EXPECT_TRUE(via_subprotocol);
}

TEST(SystemAuthExtract, NoTokenIsEmpty) {
  bool via_subprotocol = true;
  EXPECT_EQ(extract_token({"/ws", "", {}}, via_subprotocol), "");
  EXPECT_FALSE(via_subprotocol);
  EXPECT_EQ(extract_token({"/ws", "", {"jwt-auth", "jwt.", "chat"}}, via_subprotocol), "");
  EXPECT_FALSE(via_subprotocol);
}

TEST(SystemAuthExtract, BearerWinsOverSubprotocol) {
  bool via_subprotocol = true;
  EXPECT_EQ(extract_token({"/ws", "Bearer from.the.header", {"jwt-auth", "jwt.from.sub.protocol"}}, via_subprotocol),
            "from.the.header");
  EXPECT_FALSE(via_subprotocol);
}

// --- JwtAuthenticator -----------------------------------------------------

class SystemAuthAuthenticator : public ::testing::Test {
 protected:
  std::int64_t now_s() const { return clock_.now_ns() / runtime::kNanosPerSecond; }
  std::string token(const std::string& sub, std::int64_t ttl_s = 3600) {
    return mint_hs256(kSecret, sub, now_s() + ttl_s);
  }

  sim::Scheduler clock_{sim::Rng(1)};
  JwtAuthenticator auth_{std::string(kSecret), clock_};
};

TEST_F(SystemAuthAuthenticator, BearerTokenAdmitsTheSubjectWithoutSubprotocol) {
  const AuthDecision d = auth_.verify_locally({"/ws", "Bearer " + token("alice"), {}});
  EXPECT_TRUE(d.ok) << d.reason;
  EXPECT_EQ(d.user_id, "alice");
  EXPECT_EQ(d.subprotocol, "");
}

TEST_F(SystemAuthAuthenticator, SubprotocolTokenSelectsJwtAuth) {
  const AuthDecision encoded =
      auth_.verify_locally({"/ws", "", {"jwt-auth", "jwt." + base64url_encode(token("alice"))}});
  EXPECT_TRUE(encoded.ok) << encoded.reason;
  EXPECT_EQ(encoded.user_id, "alice");
  EXPECT_EQ(encoded.subprotocol, "jwt-auth");
  const AuthDecision raw = auth_.verify_locally({"/ws", "", {"jwt-auth", "jwt." + token("bob")}});
  EXPECT_TRUE(raw.ok) << raw.reason;
  EXPECT_EQ(raw.user_id, "bob");
  EXPECT_EQ(raw.subprotocol, "jwt-auth");
}

TEST_F(SystemAuthAuthenticator, RefusalsAre401WithAReason) {
  const std::vector<runtime::HandshakeRequest> bad{
      {"/ws", "", {}},
      {"/ws", "Bearer " + mint_hs256("wrong", "alice", now_s() + 60), {}},
      {"/ws", "Bearer " + mint_hs256(kSecret, "alice", now_s()), {}},
      {"/ws", "", {"jwt-auth", "jwt.bm90IGEgdG9rZW4"}},
  };
  for (const auto& request : bad) {
    const AuthDecision d = auth_.verify_locally(request);
    EXPECT_FALSE(d.ok);
    EXPECT_EQ(d.http_status, 401);
    EXPECT_FALSE(d.reason.empty());
    EXPECT_EQ(d.user_id, "");
  }
  EXPECT_EQ(auth_.verify_locally({"/ws", "", {}}).reason, "missing token");
}

TEST_F(SystemAuthAuthenticator, ExpiryFollowsTheInjectedClock) {
  const runtime::HandshakeRequest request{"/ws", "Bearer " + token("alice", 10), {}};
  clock_.post_after(runtime::seconds(9), [] {});
  clock_.post_after(runtime::seconds(10), [] {});
  clock_.run_until(runtime::seconds(9));
  EXPECT_TRUE(auth_.verify_locally(request).ok);
  clock_.run_until(runtime::seconds(10));
  EXPECT_EQ(auth_.verify_locally(request).reason, "token expired");
}

TEST_F(SystemAuthAuthenticator, WithoutAServiceAuthenticateAnswersOnceWithTheLocalDecision) {
  int calls = 0;
  AuthDecision got;
  auth_.authenticate({"/ws", "Bearer " + token("alice"), {}}, [&](AuthDecision d) {
    ++calls;
    got = d;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(got.ok);
  EXPECT_EQ(got.user_id, "alice");
}

TEST(SystemAuthAuthenticatorConfig, EmptySecretIsRefused) {
  sim::Scheduler clock{sim::Rng(1)};
  EXPECT_THROW(JwtAuthenticator("", clock), std::invalid_argument);
}

// An auth service whose every answer is `reply`, counting calls.
class FixedAuthService final : public runtime::AuthServiceTransport {
 public:
  explicit FixedAuthService(runtime::AuthServiceReply reply) : reply_(reply) {}
  void check_identity(std::string, std::function<void(runtime::AuthServiceReply)> done) override {
    ++calls;
    done(reply_);
  }
  int calls = 0;

 private:
  runtime::AuthServiceReply reply_;
};

struct ServiceCase {
  runtime::AuthServiceReply reply;
  bool ok;
  int status;
};

TEST(SystemAuthWithService, ServiceVerdictDecidesAfterLocalVerificationAndFailsClosed) {
  for (const ServiceCase c : {ServiceCase{runtime::AuthServiceReply::kAllowed, true, 0},
                              ServiceCase{runtime::AuthServiceReply::kDenied, false, 401},
                              ServiceCase{runtime::AuthServiceReply::kUnavailable, false, 503}}) {
    sim::Scheduler clock{sim::Rng(1)};
    FixedAuthService transport(c.reply);
    AuthServiceClient service(transport, clock, clock, AuthServiceLimits{});
    JwtAuthenticator auth(std::string(kSecret), clock, &service);
    const std::int64_t now_s = clock.now_ns() / runtime::kNanosPerSecond;
    std::vector<AuthDecision> decisions;
    auth.authenticate({"/ws", "Bearer " + mint_hs256(kSecret, "alice", now_s + 60), {}},
                      [&](AuthDecision d) { decisions.push_back(d); });
    clock.run_until(runtime::seconds(5));
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].ok, c.ok);
    if (c.ok) {
      EXPECT_EQ(decisions[0].user_id, "alice");
    } else {
      EXPECT_EQ(decisions[0].http_status, c.status);
      EXPECT_EQ(decisions[0].user_id, "");
    }
    // A token that fails locally never reaches the service.
    const int calls_before = transport.calls;
    auth.authenticate({"/ws", "Bearer " + mint_hs256("forged", "alice", now_s + 60), {}},
                      [&](AuthDecision d) { decisions.push_back(d); });
    EXPECT_EQ(transport.calls, calls_before);
    ASSERT_EQ(decisions.size(), 2u);
    EXPECT_FALSE(decisions[1].ok);
    EXPECT_EQ(decisions[1].http_status, 401);
  }
}

}  // namespace
}  // namespace bridgesim::system
