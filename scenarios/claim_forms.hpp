#pragma once
// The workload "claim_forms" (issue 10, item 5: found by
// scripts/mutation-score.sh): tokens with the claims the other scenarios
// never mint (every other simulated token carries `sub` and `exp` only),
// and subjects with the punctuation docs/protocol.md allows. User i
// (1-based) takes form (i - 1) % 14:
//   0 integer iat and nbf in the past          admitted
//   1 subject with '_' and '@', integer iat    admitted
//   2 iat 1.5 (not an integer)                 refused 401
//   3 nbf "soon" (not an integer)              refused 401
//   4 iat an hour ahead (past the 30 s skew)   refused 401
//   5 iat and nbf 20 s ahead (within the skew) admitted
//   6 nbf an hour ahead (past the skew)        refused 401
//   7 iat and nbf exactly now + the 30 s skew  admitted (the bound is inclusive)
//   8 exp 2^62, past what a ns clock can hold  admitted, never closed for expiry
//   9 '{' in the subject                       refused 401
//  10 an empty subject                         refused 401
//  11 a subject of 129 bytes (one too many)    refused 401
//  12 a subject of exactly 128 bytes           admitted
//  13 a '*' in the signature (not base64url)   refused 401
// A refused form is recorded with token kind "bad_claims", so `auth` and
// `refusals` demand its 401; `progress` and `delivery` judge the others.
#include <cstdint>
#include <string>
#include <string_view>

namespace bridgesim::scenarios {

inline constexpr std::string_view kWorkloadClaimForms = "claim_forms";

// The user id of claim_forms user i (1-based): "u<i>", with form 1
// "u<i>_tab@example.org", with form 12 "u<i>" padded with 'x' to 128 bytes.
std::string claim_forms_user(int i);

// The token of claim_forms user i, signed with `secret`; `valid` says
// whether the server must admit it.
struct ClaimFormToken {
  std::string token;
  bool valid = true;
};
ClaimFormToken claim_forms_token(int i, std::string_view secret, const std::string& user, std::int64_t now_unix_s,
                                 std::int64_t lifetime_s);

}  // namespace bridgesim::scenarios
