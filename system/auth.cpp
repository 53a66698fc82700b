#include "system/auth.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include "system/auth_service_client.hpp"
#include "system/runtime/invariant.hpp"

namespace bridgesim::system {
namespace {

constexpr std::string_view kSubprotocol = "jwt-auth";
constexpr std::string_view kTokenPrefix = "jwt.";

// A pure function, memoized per thread: the simulated world mints and checks
// the same few tokens in every run (same secret, users and expiry), and
// OpenSSL 3's one-shot HMAC fetches the digest anew on each call. The memo
// is keyed by (key, data) only, never by a signature, and bounded.
std::string hmac_sha256(std::string_view key, std::string_view data) {
  constexpr std::size_t kMemoMax = 1024;
  thread_local std::map<std::string, std::string, std::less<>> memo;
  std::string memo_key = std::to_string(key.size());
  memo_key.append(":").append(key).append(data);
  if (const auto hit = memo.find(memo_key); hit != memo.end()) return hit->second;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  std::string mac(reinterpret_cast<const char*>(out), len);
  if (memo.size() >= kMemoMax) memo.clear();
  memo.emplace(std::move(memo_key), mac);
  return mac;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool looks_like_jwt(std::string_view s) { return std::count(s.begin(), s.end(), '.') == 2; }

}  // namespace

// OpenSSL's EVP base64 does standard base64 with padding; JWT uses the URL
// alphabet without padding, so the text is translated on the way in and out.
std::string base64url_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string std64(text);
  for (char& c : std64) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (c == '+' || c == '/' || c == '=')
      return std::nullopt;
  }
  const std::size_t padding = (4 - std64.size() % 4) % 4;
  std64.append(padding, '=');
  std::string out(3 * std64.size() / 4 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(std64.data()), static_cast<int>(std64.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - padding);  // EVP_DecodeBlock counts padding as zero bytes
  // Canonical encodings only: the last character's unused bits must be
  // zero, or four different strings would decode to one signature.
  if (base64url_encode(out) != text) return std::nullopt;
  return out;
}

std::string mint_hs256(std::string_view secret, std::string_view sub, std::int64_t exp_unix_s) {
  const std::string header = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  const std::string payload =
      base64url_encode(boost::json::serialize(boost::json::object{{"sub", sub}, {"exp", exp_unix_s}}));
  const std::string signing_input = header + "." + payload;
  return signing_input + "." + base64url_encode(hmac_sha256(secret, signing_input));
}

bool is_valid_subject(std::string_view sub) {
  if (sub.empty() || sub.size() > kSubjectBytesMax) return false;
  return std::all_of(sub.begin(), sub.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '@' || c == ':' || c == '-';
  });
}

std::string hs256_secret_problem(std::string_view secret) {
  if (secret.empty()) return "the JWT secret is empty";
  if (secret.size() < kHs256SecretBytesMin) {
    return "the JWT secret is " + std::to_string(secret.size()) + " bytes; HS256 needs at least " +
           std::to_string(kHs256SecretBytesMin) + " (RFC 7518 section 3.2)";
  }
  return {};
}

namespace {

// The header rules: a JSON object, alg exactly HS256, no crit. "" when it passes.
std::string_view header_problem(std::string_view header) {
  boost::system::error_code ec;
  const auto header_json = boost::json::parse(header, ec);
  if (ec || !header_json.is_object()) return "malformed token: header is not a JSON object";
  const auto* alg = header_json.as_object().if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->as_string() != "HS256") return token_refusal::kAlg;
  if (header_json.as_object().contains("crit")) return token_refusal::kCrit;
  return {};
}

// An integer claim: nullopt when absent; `bad` set when present but not an
// integer (a float, a string, out of int64 range).
std::optional<std::int64_t> integer_claim(const boost::json::object& claims, std::string_view name, bool& bad) {
  bad = false;
  const auto* value = claims.if_contains(name);
  if (value == nullptr) return std::nullopt;
  // Boost.JSON parses every integer that fits in int64 as int64 (a uint64
  // only beyond INT64_MAX), so is_int64 is the whole "integer" test.
  if (value->is_int64()) return value->as_int64();
  bad = true;
  return std::nullopt;
}

// The time rules: exp after now; nbf and iat, when present, not after now + skew.
std::string_view time_problem(const boost::json::object& claims, std::int64_t now_unix_s) {
  bool bad = false;
  const auto exp = integer_claim(claims, "exp", bad);
  if (!exp) return token_refusal::kNoExp;
  if (*exp <= now_unix_s) return token_refusal::kExpired;
  const auto nbf = integer_claim(claims, "nbf", bad);
  if (bad) return token_refusal::kBadNbf;
  if (nbf && *nbf > now_unix_s + kClockSkewS) return token_refusal::kNotYetValid;
  const auto iat = integer_claim(claims, "iat", bad);
  if (bad) return token_refusal::kBadIat;
  if (iat && *iat > now_unix_s + kClockSkewS) return token_refusal::kIssuedInFuture;
  return {};
}

std::optional<TokenClaims> refuse(std::string& error, std::string_view reason) {
  error = std::string(reason);
  return std::nullopt;
}

}  // namespace

std::optional<TokenClaims> verify_hs256(std::string_view token, std::string_view secret, std::int64_t now_unix_s,
                                        std::string& error) {
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return refuse(error, "malformed token: expected header.payload.signature");
  }
  const auto header = base64url_decode(token.substr(0, dot1));
  const auto payload = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  const auto signature = base64url_decode(token.substr(dot2 + 1));
  if (!header || !payload || !signature) return refuse(error, "malformed token: bad base64url");
  if (const std::string_view problem = header_problem(*header); !problem.empty()) return refuse(error, problem);
  const std::string expected = hmac_sha256(secret, token.substr(0, dot2));
  if (signature->size() != expected.size() || CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return refuse(error, token_refusal::kSignature);
  }
  boost::system::error_code ec;
  const auto payload_json = boost::json::parse(*payload, ec);
  if (ec || !payload_json.is_object()) return refuse(error, "malformed token: payload is not a JSON object");
  const auto& claims = payload_json.as_object();
  const auto* sub = claims.if_contains("sub");
  if (sub == nullptr || !sub->is_string() || sub->as_string().empty()) return refuse(error, token_refusal::kNoSub);
  if (!is_valid_subject(sub->as_string())) return refuse(error, token_refusal::kBadSub);
  if (const std::string_view problem = time_problem(claims, now_unix_s); !problem.empty()) {
    return refuse(error, problem);
  }
  bool bad = false;
  return TokenClaims{std::string(sub->as_string()), *integer_claim(claims, "exp", bad)};
}

std::string extract_token(const runtime::HandshakeRequest& request, bool& via_subprotocol) {
  via_subprotocol = false;
  const std::string_view auth = trim(request.authorization);
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() > kBearer.size() && auth.substr(0, kBearer.size()) == kBearer) {
    return std::string(trim(auth.substr(kBearer.size())));
  }
  for (const auto& offered : request.subprotocols) {
    const std::string_view p = trim(offered);
    if (p.size() <= kTokenPrefix.size() || p.substr(0, kTokenPrefix.size()) != kTokenPrefix) continue;
    const std::string_view rest = p.substr(kTokenPrefix.size());
    via_subprotocol = true;
    if (looks_like_jwt(rest)) return std::string(rest);  // raw "jwt.<jwt>"
    if (auto decoded = base64url_decode(rest)) return *decoded;
    return std::string(rest);  // undecodable: verification will refuse it
  }
  return {};
}

JwtAuthenticator::JwtAuthenticator(std::string secret, const runtime::Clock& clock, AuthServiceClient* service)
    : secret_(std::move(secret)), clock_(clock), service_(service) {
  if (secret_.empty()) throw std::invalid_argument("JwtAuthenticator: empty secret");
}

void JwtAuthenticator::authenticate(const runtime::HandshakeRequest& request, std::function<void(AuthDecision)> done) {
  AuthDecision local = verify_locally(request);
  if (!local.ok || service_ == nullptr) return done(std::move(local));
  const std::string user = local.user_id;
  // Only the WebSocket handshake can wait for the service's answer; any other
  // target (POST /api/agent/v2/execute) is answered synchronously.
  const bool synchronous = request.target != "/ws";
  service_->check(
      user,
      [local = std::move(local), done = std::move(done)](IdentityVerdict verdict) mutable {
        switch (verdict) {
          case IdentityVerdict::kAllowed:
            BRIDGESIM_ASSERT(local.ok, "only a locally valid token reaches the auth service");
            return done(std::move(local));
          case IdentityVerdict::kDenied:
            return done(AuthDecision{false, {}, {}, 401, "identity refused by the auth service"});
          case IdentityVerdict::kUnavailable:
            return done(AuthDecision{false, {}, {}, 503, "auth service unavailable; retry later"});
        }
      },
      synchronous);
}

AuthDecision JwtAuthenticator::verify_locally(const runtime::HandshakeRequest& request) const {
  AuthDecision decision;
  bool via_subprotocol = false;
  const std::string token = extract_token(request, via_subprotocol);
  if (token.empty()) {
    decision.reason = "missing token";
    return decision;
  }
  std::string error;
  const auto claims = verify_hs256(token, secret_, clock_.now_ns() / runtime::kNanosPerSecond, error);
  if (!claims) {
    decision.reason = error;
    return decision;
  }
  decision.ok = true;
  decision.user_id = claims->sub;
  decision.expires_unix_s = claims->exp;
  BRIDGESIM_ASSERT(is_valid_subject(decision.user_id), "a verified token names a user in the subject charset");
  BRIDGESIM_ASSERT(claims->exp > clock_.now_ns() / runtime::kNanosPerSecond, "a verified token has not expired");
  if (via_subprotocol) decision.subprotocol = std::string(kSubprotocol);
  return decision;
}

}  // namespace bridgesim::system
