#include "scenarios/claim_forms.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include "system/auth.hpp"

namespace bridgesim::scenarios {
namespace {

constexpr int kForms = 14;

int form_of(int i) { return (i - 1) % kForms; }

// An HS256 JWT of these claims (system::mint_hs256 writes sub and exp only).
std::string sign(std::string_view secret, const boost::json::object& claims) {
  const std::string signing_input = system::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                                    system::base64url_encode(boost::json::serialize(claims));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac, &len);
  return signing_input + "." + system::base64url_encode(std::string(reinterpret_cast<const char*>(mac), len));
}

}  // namespace

std::string claim_forms_user(int i) {
  const std::string user = "u" + std::to_string(i);
  if (form_of(i) == 1) return user + "_tab@example.org";
  // The longest subject admitted: exactly kSubjectBytesMax bytes.
  if (form_of(i) == 12) return user + std::string(system::kSubjectBytesMax - user.size(), 'x');
  return user;
}

ClaimFormToken claim_forms_token(int i, std::string_view secret, const std::string& user, std::int64_t now_unix_s,
                                 std::int64_t lifetime_s) {
  std::string sub = user;
  if (form_of(i) == 9) sub += "{x}";
  if (form_of(i) == 10) sub.clear();
  if (form_of(i) == 11) sub.append(system::kSubjectBytesMax + 1 - sub.size(), 'y');  // one byte too long
  boost::json::object claims{{"sub", sub}, {"exp", now_unix_s + lifetime_s}};
  bool valid = true;
  switch (form_of(i)) {
    case 0:
      claims["iat"] = now_unix_s - 10;
      claims["nbf"] = now_unix_s - 10;
      break;
    case 1: claims["iat"] = now_unix_s; break;
    case 2:
      claims["iat"] = 1.5;
      valid = false;
      break;
    case 3:
      claims["nbf"] = "soon";
      valid = false;
      break;
    case 4:
      claims["iat"] = now_unix_s + 3600;
      valid = false;
      break;
    case 5:
      claims["iat"] = now_unix_s + 20;
      claims["nbf"] = now_unix_s + 20;
      break;
    case 6:
      claims["nbf"] = now_unix_s + 3600;
      valid = false;
      break;
    case 8:
      // Past the last second a nanosecond clock can hold: valid, and never closed for expiry.
      claims["exp"] = std::int64_t{1} << 62;
      break;
    case 9: valid = false; break;   // '{' in the subject
    case 10: valid = false; break;  // an empty subject
    case 11: valid = false; break;  // a subject of kSubjectBytesMax + 1 bytes
    case 12: break;                 // a subject of exactly kSubjectBytesMax bytes
    case 13: {
      // A signature with a character outside base64url, in a segment of a
      // decodable length: refused by the decoder, not by the comparison.
      std::string token = sign(secret, claims);
      token.back() = '*';
      return {token, false};
    }
    default:
      // At the skew's edge: valid while the handshake falls in the second the token was minted in (every
      // claim_forms user connects within its first 0.4 s).
      claims["iat"] = now_unix_s + system::kClockSkewS;
      claims["nbf"] = now_unix_s + system::kClockSkewS;
      break;
  }
  return {sign(secret, claims), valid};
}

}  // namespace bridgesim::scenarios
