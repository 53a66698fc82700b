#pragma once
// Authentication at the WebSocket handshake: local HS256 JWT verification.
// Fails closed: anything not provably a valid, unexpired token for a user is
// refused before a single event flows.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "system/runtime/clock.hpp"
#include "system/runtime/connection.hpp"

namespace bridgesim::system {

struct AuthDecision {
  bool ok = false;
  std::string user_id;      // set when ok
  std::string subprotocol;  // to echo on accept ("jwt-auth" when the token came that way)
  int http_status = 401;    // when !ok
  std::string reason;       // when !ok, for logs and the 401 body
  // When ok: the token's `exp` (seconds since the Unix epoch); the admitted
  // socket starts no run from then on and is closed 1008 then. 0: never.
  std::int64_t expires_unix_s = 0;
};

// The seam: startup builds one through a factory.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Calls `done` exactly once, now or later (the auth service may be asked).
  virtual void authenticate(const runtime::HandshakeRequest& request, std::function<void(AuthDecision)> done) = 0;
};

struct TokenClaims {
  std::string sub;
  std::int64_t exp = 0;  // seconds since the Unix epoch
};

// The token rules (RFC 8725, docs/protocol.md section 1), in the order they
// are checked:
//  * the header is a JSON object whose `alg` is exactly "HS256" (none, other
//    algorithms and a missing alg are refused) and that has no `crit` (no
//    extension is understood, so RFC 7515 section 4.1.11 says refuse);
//  * the signature verifies (constant time);
//  * `sub` is 1 to kSubjectBytesMax bytes of [A-Za-z0-9._@:-]: it becomes the
//    user id, which is logged and compared, so nothing else may pass;
//  * `exp` is an integer after now (no leeway: the socket closes at exp);
//  * `nbf` and `iat`, when present, are integers no later than now plus
//    kClockSkewS (a server clock slightly behind the issuer's is tolerated).
constexpr std::size_t kSubjectBytesMax = 128;
constexpr std::int64_t kClockSkewS = 30;
// An HS256 key shorter than the hash output is refused (RFC 7518 section 3.2).
constexpr std::size_t kHs256SecretBytesMin = 32;

// The refusal reasons (the 401 body and the log line say them).
namespace token_refusal {
constexpr std::string_view kAlg = "unsupported token: alg must be HS256";
constexpr std::string_view kCrit = "unsupported token: crit header";
constexpr std::string_view kSignature = "invalid token signature";
constexpr std::string_view kNoSub = "token has no 'sub' claim";
constexpr std::string_view kBadSub = "token 'sub' is not 1 to 128 of A-Z a-z 0-9 . _ @ : -";
constexpr std::string_view kNoExp = "token has no integer 'exp' claim";
constexpr std::string_view kExpired = "token expired";
constexpr std::string_view kBadNbf = "token 'nbf' is not an integer";
constexpr std::string_view kNotYetValid = "token not yet valid (nbf)";
constexpr std::string_view kBadIat = "token 'iat' is not an integer";
constexpr std::string_view kIssuedInFuture = "token issued in the future (iat)";
}  // namespace token_refusal

// A user id a token may carry: 1 to kSubjectBytesMax of [A-Za-z0-9._@:-].
bool is_valid_subject(std::string_view sub);

// Why `secret` cannot sign HS256 tokens for a real server ("" when it can):
// empty, or shorter than kHs256SecretBytesMin bytes. Never quotes the secret.
std::string hs256_secret_problem(std::string_view secret);

// Verifies an HS256 JWT by the rules above. Returns the claims or sets
// `error` to one of the token_refusal reasons (or a "malformed token: ..." one).
std::optional<TokenClaims> verify_hs256(std::string_view token, std::string_view secret, std::int64_t now_unix_s,
                                        std::string& error);
// Makes an HS256 JWT for `sub` expiring at `exp_unix_s` (clients, tests, dev tokens).
std::string mint_hs256(std::string_view secret, std::string_view sub, std::int64_t exp_unix_s);

// The token a handshake carries: "Authorization: Bearer <jwt>", or the
// subprotocol pair "jwt-auth, jwt.<base64url(jwt)>" (raw "jwt.<jwt>" too).
// Empty when none; `via_subprotocol` tells which.
std::string extract_token(const runtime::HandshakeRequest& request, bool& via_subprotocol);

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

class AuthServiceClient;

// Verifies the token locally (signature, expiry), then asks the auth service
// about identities it has not confirmed before. Fails closed: a service that
// cannot answer means 503 for a new identity, never "let it in".
class JwtAuthenticator final : public Authenticator {
 public:
  // `service` may be null: local verification only.
  JwtAuthenticator(std::string secret, const runtime::Clock& clock, AuthServiceClient* service = nullptr);
  void authenticate(const runtime::HandshakeRequest& request, std::function<void(AuthDecision)> done) override;
  // The local half alone: token present, signed with our key, not expired.
  AuthDecision verify_locally(const runtime::HandshakeRequest& request) const;

 private:
  std::string secret_;
  const runtime::Clock& clock_;
  AuthServiceClient* service_;
};

}  // namespace bridgesim::system
