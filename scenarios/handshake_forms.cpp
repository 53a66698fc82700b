#include "scenarios/handshake_forms.hpp"

#include <array>

#include "system/auth.hpp"

namespace bridgesim::scenarios {

std::string_view handshake_form_of(int offset, int n) {
  static constexpr std::array<std::string_view, 4> kForms{handshake_form::kBearer, handshake_form::kPaddedBearer,
                                                          handshake_form::kSubprotocol,
                                                          handshake_form::kSubprotocolBase64};
  if (n <= 1) return handshake_form::kWrongPath;
  return kForms[static_cast<std::size_t>(offset + n - 2) % kForms.size()];
}

runtime::HandshakeRequest make_handshake(std::string_view form, const std::string& token) {
  if (token.empty()) return {"/ws", "", {}};
  if (form == handshake_form::kWrongPath) return {std::string(kWrongPathTarget), "Bearer " + token, {}};
  if (form == handshake_form::kPaddedBearer) return {"/ws", " \tBearer " + token + " \t", {}};
  if (form == handshake_form::kSubprotocol) return {"/ws", "", {"jwt-auth", "jwt." + token}};
  if (form == handshake_form::kSubprotocolBase64) {
    return {"/ws", "", {"jwt-auth", "jwt." + system::base64url_encode(token)}};
  }
  return {"/ws", "Bearer " + token, {}};
}

}  // namespace bridgesim::scenarios
