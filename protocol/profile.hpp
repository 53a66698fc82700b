#pragma once
// Protocol profiles (docs/protocol.md, "Protocol profiles"): the wire shape
// of a dialect as data, read from a TOML file. The system, the simulator and
// the checkers speak bridgesim's flat dialect only; a profile translates at
// the edge of a real socket: `probe` re-encodes what its clients send and
// decodes what they receive, `serve` the other way round. The bridgesim
// profile is the identity: its codecs return the text unchanged.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bridgesim::protocol {

// A profile file that cannot be used: "FILE:LINE: what is wrong".
class ProfileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class TimestampForm { kEpochMs, kIso8601 };

using Renames = std::vector<std::pair<std::string, std::string>>;  // bridgesim name -> wire name

struct Profile {
  std::string name = "bridgesim";
  std::string source = "builtin:bridgesim";  // the file it came from, or "builtin:NAME"
  // Server -> client frames.
  std::string envelope;                // "": every field flat beside `type`
  std::vector<std::string> top_level;  // with an envelope: the fields kept beside `type` and `timestamp`
  TimestampForm timestamp = TimestampForm::kEpochMs;
  Renames event_renames;
  // Client -> server messages.
  std::string client_wrapper;  // "": flat; else every field but `type` under it
  Renames client_renames;
  // Subprotocols: the client offers `offer` then `token_prefix` + token; the
  // server takes a token from any `accept_prefixes` entry and answers the
  // first `select` rule matching an offered entry ({match, answer}: a match
  // ending in '.' is a prefix; answer "=" is the matched entry itself).
  std::string token_prefix = "jwt.";
  std::vector<std::string> offer{"jwt-auth"};
  std::vector<std::string> accept_prefixes{"jwt."};
  std::vector<std::pair<std::string, std::string>> select{{"jwt-auth", "jwt-auth"}, {"jwt.", "="}};

  bool events_flat() const;   // server frames are bridgesim's own
  bool clients_flat() const;  // client messages are bridgesim's own
  bool subprotocols_default() const;
};

// Parses a profile; `source_name` names it in errors (ProfileError,
// "SOURCE:LINE: ...").
Profile parse_profile(std::string_view toml_text, const std::string& source_name);
// NAME (a shipped profile: bridgesim, platform) or a FILE path (anything
// with a '/' or ending in .toml). Throws ProfileError.
Profile load_profile(const std::string& name_or_file);
std::vector<std::string> shipped_profile_names();

// The codecs. Text that is not a JSON object passes through unchanged: the
// peer's own checks judge it, as without a profile. Decoding a server frame
// reads the fields the profile puts under the envelope from there only (a
// flat frame decodes without them, and the client's checks fail it); a
// client message without its wrapper is read flat, as the platform's router
// does. None of them throws on any input.
std::string encode_server_frame(const Profile& profile, const std::string& flat);
std::string decode_server_frame(const Profile& profile, const std::string& wire);
std::string encode_client_message(const Profile& profile, const std::string& flat);
std::string decode_client_message(const Profile& profile, const std::string& wire);

// The client's offer: bridgesim's entries (`jwt-auth`, `jwt.<t>`) re-spelled
// in the profile's. The server's view: token entries of any accepted prefix
// re-spelled `jwt.<t>` (what the system reads), and its answer to an offer.
std::vector<std::string> client_offer(const Profile& profile, const std::vector<std::string>& bridgesim_offer);
std::vector<std::string> server_view_of_offer(const Profile& profile, const std::vector<std::string>& offered);
std::string select_subprotocol(const Profile& profile, const std::vector<std::string>& offered);

// ISO-8601 in UTC with microseconds, as Python's isoformat() writes it:
// 2026-12-02T15:40:00.123000+00:00. Parsing takes any fraction (cut to
// milliseconds), `Z` or a +-HH:MM offset, or none (UTC).
std::string iso8601_from_epoch_ms(std::int64_t ms);
std::optional<std::int64_t> epoch_ms_from_iso8601(std::string_view text);

}  // namespace bridgesim::protocol
