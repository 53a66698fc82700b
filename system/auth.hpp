#pragma once
// Authentication at the WebSocket handshake: local HS256 JWT verification.
// Fails closed: anything not provably a valid, unexpired token for a user is
// refused before a single event flows.
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

// Verifies an HS256 JWT: header alg, signature (constant time), sub, exp.
// Returns the claims or sets `error`.
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
