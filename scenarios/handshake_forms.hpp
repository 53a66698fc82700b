#pragma once
// The workload "handshake_forms" (issue 10, item 5: found by
// scripts/mutation-score.sh): every client presents its token the ways
// docs/protocol.md allows, not only as a plain `Authorization: Bearer`
// header, and first knocks on a path that is not /ws. Without it the
// sweep never reached the trimming of the header, the subprotocol paths
// of extract_token or the 404 of a wrong target.
#include <string>
#include <string_view>

#include "system/runtime/connection.hpp"

namespace bridgesim::scenarios {

namespace handshake_form {
inline constexpr std::string_view kWrongPath = "wrong_path";        // GET /chat with a valid Bearer: 404
inline constexpr std::string_view kBearer = "bearer";               // Authorization: Bearer <jwt>
inline constexpr std::string_view kPaddedBearer = "padded_bearer";  // " \tBearer <jwt> \t": trimmed
inline constexpr std::string_view kSubprotocol = "subprotocol";     // Sec-WebSocket-Protocol: jwt-auth, jwt.<jwt>
inline constexpr std::string_view kSubprotocolBase64 = "subprotocol_base64";  // jwt-auth, jwt.<base64url(jwt)>
}  // namespace handshake_form

// The target a wrong_path handshake asks for.
inline constexpr std::string_view kWrongPathTarget = "/chat";

// The form of a client's n-th handshake (1-based): the first goes to the
// wrong path, the others cycle through the four token forms from `offset`.
std::string_view handshake_form_of(int offset, int n);

// The handshake request of `form` carrying `token` ("" : no token at all).
runtime::HandshakeRequest make_handshake(std::string_view form, const std::string& token);

}  // namespace bridgesim::scenarios
