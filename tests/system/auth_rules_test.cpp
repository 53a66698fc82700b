// The token rules of issue 13 (RFC 8725; docs/protocol.md section 1): the
// sub charset and length, crit, nbf and iat with the stated skew; and the
// secret minimum (RFC 7518 section 3.2). Each refusal names its reason.
#include <cctype>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "system/auth.hpp"
#include "tests/system/auth_testing.hpp"

namespace bridgesim::system {
namespace {

using namespace auth_testing;  // NOLINT: the shared fixtures of every auth test

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

}  // namespace
}  // namespace bridgesim::system
