// The profile codecs: bridgesim's flat frames to and from a profile's wire
// shape, and ISO-8601 timestamps in integer arithmetic (no time zone
// database, no locale: the same bytes everywhere).
#include <algorithm>
#include <cstdio>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "protocol/fields.hpp"
#include "protocol/profile.hpp"

namespace bridgesim::protocol {
namespace json = boost::json;

namespace {

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

std::string_view wire_name(const Renames& renames, std::string_view name) {
  for (const auto& [from, to] : renames) {
    if (from == name) return to;
  }
  return name;
}

std::string_view flat_name(const Renames& renames, std::string_view name) {
  for (const auto& [from, to] : renames) {
    if (to == name) return from;
  }
  return name;
}

std::optional<json::object> parse_object(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

bool contains(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// Digits of `text` at [at, at + n) as a number; false if any is not a digit.
bool digits(std::string_view text, std::size_t at, std::size_t n, int& out) {
  if (at + n > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::string iso8601_from_epoch_ms(std::int64_t ms) {
  const std::int64_t day_ms = 86'400'000;
  std::int64_t days = ms / day_ms;
  std::int64_t rest = ms % day_ms;
  if (rest < 0) rest += day_ms, --days;
  std::int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(days, y, m, d);
  char out[64];
  std::snprintf(out, sizeof out, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lld000+00:00", static_cast<long long>(y), m,
                d, static_cast<long long>(rest / 3'600'000), static_cast<long long>(rest / 60'000 % 60),
                static_cast<long long>(rest / 1000 % 60), static_cast<long long>(rest % 1000));
  return out;
}

std::optional<std::int64_t> epoch_ms_from_iso8601(std::string_view t) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!digits(t, 0, 4, y) || t.size() < 19 || t[4] != '-' || !digits(t, 5, 2, mo) || t[7] != '-' ||
      !digits(t, 8, 2, d) || (t[10] != 'T' && t[10] != ' ') || !digits(t, 11, 2, h) || t[13] != ':' ||
      !digits(t, 14, 2, mi) || t[16] != ':' || !digits(t, 17, 2, s)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::size_t at = 19;
  std::int64_t frac_ms = 0;
  if (at < t.size() && t[at] == '.') {
    std::size_t n = 0;
    for (++at; at < t.size() && t[at] >= '0' && t[at] <= '9'; ++at, ++n) {
      if (n < 3) frac_ms = frac_ms * 10 + (t[at] - '0');
    }
    if (n == 0) return std::nullopt;
    for (; n < 3; ++n) frac_ms *= 10;
  }
  std::int64_t offset_min = 0;
  if (at < t.size() && (t[at] == 'Z' || t[at] == 'z')) {
    ++at;
  } else if (at < t.size() && (t[at] == '+' || t[at] == '-')) {
    int oh = 0, om = 0;
    if (!digits(t, at + 1, 2, oh) || at + 3 >= t.size() || t[at + 3] != ':' || !digits(t, at + 4, 2, om) || oh > 23 ||
        om > 59) {
      return std::nullopt;
    }
    offset_min = (t[at] == '-' ? -1 : 1) * (oh * 60 + om);
    at += 6;
  }
  if (at != t.size()) return std::nullopt;
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi - offset_min) * 60'000 + s * 1000 + frac_ms;
}

std::string encode_server_frame(const Profile& profile, const std::string& flat) {
  if (profile.events_flat()) return flat;
  auto in = parse_object(flat);
  if (!in) return flat;
  json::object out;
  json::object envelope;
  for (const auto& [key, value] : *in) {
    if (key == field::kTimestamp && value.is_int64() && profile.timestamp == TimestampForm::kIso8601) {
      out[key] = iso8601_from_epoch_ms(value.as_int64());
      continue;
    }
    const bool top =
        profile.envelope.empty() || key == field::kType || key == field::kTimestamp || contains(profile.top_level, key);
    (top ? out : envelope)[wire_name(profile.event_renames, key)] = value;
  }
  if (!profile.envelope.empty()) out[profile.envelope] = std::move(envelope);
  return json::serialize(out);
}

std::string decode_server_frame(const Profile& profile, const std::string& wire) {
  if (profile.events_flat()) return wire;
  auto in = parse_object(wire);
  if (!in) return wire;
  json::object out;
  for (const auto& [key, value] : *in) {
    if (!profile.envelope.empty() && key == profile.envelope && value.is_object()) {
      for (const auto& [inner, inner_value] : value.as_object()) {
        out[flat_name(profile.event_renames, inner)] = inner_value;
      }
      continue;
    }
    if (key == field::kTimestamp && value.is_string()) {
      if (const auto ms = epoch_ms_from_iso8601(value.as_string())) {
        out[key] = *ms;
        continue;
      }
    }
    const std::string_view name = flat_name(profile.event_renames, key);
    // What the profile puts under the envelope is read from there only: a
    // frame that carries it beside `type` is not of the dialect.
    if (!profile.envelope.empty() && name != field::kType && name != field::kTimestamp &&
        !contains(profile.top_level, name)) {
      continue;
    }
    out[name] = value;
  }
  return json::serialize(out);
}

std::string encode_client_message(const Profile& profile, const std::string& flat) {
  if (profile.clients_flat()) return flat;
  auto in = parse_object(flat);
  if (!in) return flat;
  json::object out;
  json::object wrapped;
  for (const auto& [key, value] : *in) {
    const bool top = profile.client_wrapper.empty() || key == field::kType;
    (top ? out : wrapped)[wire_name(profile.client_renames, key)] = value;
  }
  if (!profile.client_wrapper.empty()) out[profile.client_wrapper] = std::move(wrapped);
  return json::serialize(out);
}

std::string decode_client_message(const Profile& profile, const std::string& wire) {
  if (profile.clients_flat()) return wire;
  auto in = parse_object(wire);
  if (!in) return wire;
  json::object out;
  for (const auto& [key, value] : *in) {
    if (!profile.client_wrapper.empty() && key == profile.client_wrapper && value.is_object()) {
      for (const auto& [inner, inner_value] : value.as_object()) {
        out[flat_name(profile.client_renames, inner)] = inner_value;
      }
      continue;
    }
    out[flat_name(profile.client_renames, key)] = value;
  }
  return json::serialize(out);
}

std::vector<std::string> client_offer(const Profile& profile, const std::vector<std::string>& bridgesim_offer) {
  if (profile.subprotocols_default()) return bridgesim_offer;
  std::vector<std::string> out;
  for (const auto& entry : bridgesim_offer) {
    if (entry.rfind("jwt.", 0) == 0) {
      out.push_back(profile.token_prefix + entry.substr(4));
    } else if (entry == "jwt-auth") {
      out.insert(out.end(), profile.offer.begin(), profile.offer.end());
    } else {
      out.push_back(entry);
    }
  }
  return out;
}

std::vector<std::string> server_view_of_offer(const Profile& profile, const std::vector<std::string>& offered) {
  if (profile.subprotocols_default()) return offered;
  std::vector<std::string> out;
  for (const auto& entry : offered) {
    std::string seen = entry;
    for (const auto& prefix : profile.accept_prefixes) {
      if (entry.size() > prefix.size() && entry.rfind(prefix, 0) == 0) {
        seen = "jwt." + entry.substr(prefix.size());
        break;
      }
    }
    out.push_back(std::move(seen));
  }
  return out;
}

std::string select_subprotocol(const Profile& profile, const std::vector<std::string>& offered) {
  for (const auto& [match, answer] : profile.select) {
    const bool prefix = !match.empty() && match.back() == '.';
    for (const auto& entry : offered) {
      const bool hit = prefix ? entry.size() > match.size() && entry.rfind(match, 0) == 0 : entry == match;
      if (hit) return answer == "=" ? entry : answer;
    }
  }
  return {};
}

}  // namespace bridgesim::protocol
