// Reading a profile file (toml++, as the scenario files): every error names
// the file and the line of the offending key.
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "protocol/profile.hpp"
#include "protocol/shipped_profiles.hpp"

namespace bridgesim::protocol {

namespace {

[[noreturn]] void fail(const std::string& source, const toml::node& node, const std::string& why) {
  throw ProfileError(source + ":" + std::to_string(node.source().begin.line) + ": " + why);
}

std::string read_string(const std::string& source, const toml::node& node, const std::string& key) {
  const auto* s = node.as_string();
  if (s == nullptr) fail(source, node, "'" + key + "' must be a string");
  return s->get();
}

std::vector<std::string> read_strings(const std::string& source, const toml::node& node, const std::string& key) {
  const auto* list = node.as_array();
  if (list == nullptr) fail(source, node, "'" + key + "' must be an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *list) out.push_back(read_string(source, item, key + " entry"));
  return out;
}

Renames read_renames(const std::string& source, const toml::node& node) {
  const auto* table = node.as_table();
  if (table == nullptr) fail(source, node, "'rename' must be a table of bridgesim_name = \"wire_name\"");
  Renames out;
  for (const auto& [key, value] : *table) {
    const std::string to = read_string(source, value, "rename." + std::string(key.str()));
    if (to.empty()) fail(source, value, "rename." + std::string(key.str()) + " is empty");
    out.emplace_back(std::string(key.str()), to);
  }
  return out;
}

const toml::table& section(const std::string& source, const toml::node& node, const std::string& key) {
  const auto* table = node.as_table();
  if (table == nullptr) fail(source, node, "'" + key + "' must be a table ([" + key + "])");
  return *table;
}

void read_events(const std::string& source, const toml::table& t, Profile& p) {
  for (const auto& [key, node] : t) {
    const std::string k(key.str());
    if (k == "envelope") {
      p.envelope = read_string(source, node, k);
    } else if (k == "top_level") {
      p.top_level = read_strings(source, node, k);
    } else if (k == "timestamp") {
      const std::string form = read_string(source, node, k);
      if (form == "epoch_ms") {
        p.timestamp = TimestampForm::kEpochMs;
      } else if (form == "iso8601") {
        p.timestamp = TimestampForm::kIso8601;
      } else {
        fail(source, node, "events.timestamp '" + form + "' is not epoch_ms or iso8601");
      }
    } else if (k == "rename") {
      p.event_renames = read_renames(source, node);
    } else {
      fail(source, node, "unknown key 'events." + k + "' (envelope, top_level, timestamp, rename)");
    }
  }
}

void read_client(const std::string& source, const toml::table& t, Profile& p) {
  for (const auto& [key, node] : t) {
    const std::string k(key.str());
    if (k == "wrapper") {
      p.client_wrapper = read_string(source, node, k);
    } else if (k == "rename") {
      p.client_renames = read_renames(source, node);
    } else {
      fail(source, node, "unknown key 'client." + k + "' (wrapper, rename)");
    }
  }
}

void read_select(const std::string& source, const toml::node& node, Profile& p) {
  const auto* list = node.as_array();
  if (list == nullptr) fail(source, node, "'select' must be an array of [match, answer] pairs");
  p.select.clear();
  for (const auto& item : *list) {
    const auto pair = read_strings(source, item, "select entry");
    if (pair.size() != 2 || pair[0].empty() || pair[1].empty()) {
      fail(source, item, "a select entry is [\"match\", \"answer\"], both non-empty");
    }
    p.select.emplace_back(pair[0], pair[1]);
  }
}

void read_subprotocols(const std::string& source, const toml::table& t, Profile& p) {
  for (const auto& [key, node] : t) {
    const std::string k(key.str());
    if (k == "token_prefix") {
      p.token_prefix = read_string(source, node, k);
      if (p.token_prefix.empty()) fail(source, node, "subprotocols.token_prefix is empty");
    } else if (k == "offer") {
      p.offer = read_strings(source, node, k);
    } else if (k == "accept_prefixes") {
      p.accept_prefixes = read_strings(source, node, k);
      for (const auto& prefix : p.accept_prefixes) {
        if (prefix.empty()) fail(source, node, "an accept_prefixes entry is empty");
      }
    } else if (k == "select") {
      read_select(source, node, p);
    } else {
      fail(source, node, "unknown key 'subprotocols." + k + "' (token_prefix, offer, accept_prefixes, select)");
    }
  }
}

void check(const std::string& source, const toml::table& root, const Profile& p) {
  if (p.name.empty()) throw ProfileError(source + ":1: no 'name'");
  const auto at = [&](const char* where) -> const toml::node& {
    const toml::node* n = root.at_path(where).node();
    return n != nullptr ? *n : static_cast<const toml::node&>(root);
  };
  if (p.envelope.empty() && !p.top_level.empty()) fail(source, at("events.top_level"), "top_level without an envelope");
  if (!p.envelope.empty() && (p.envelope == "type" || p.envelope == "timestamp")) {
    fail(source, at("events.envelope"), "the envelope cannot be named '" + p.envelope + "'");
  }
  if (p.client_wrapper == "type") fail(source, at("client.wrapper"), "the wrapper cannot be named 'type'");
}

}  // namespace

bool Profile::events_flat() const {
  return envelope.empty() && timestamp == TimestampForm::kEpochMs && event_renames.empty();
}
bool Profile::clients_flat() const { return client_wrapper.empty() && client_renames.empty(); }
bool Profile::subprotocols_default() const {
  const Profile d;
  return token_prefix == d.token_prefix && offer == d.offer && accept_prefixes == d.accept_prefixes &&
         select == d.select;
}

Profile parse_profile(std::string_view toml_text, const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    throw ProfileError(source_name + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  Profile p;
  p.name.clear();
  p.source = source_name;
  for (const auto& [key, node] : root) {
    const std::string k(key.str());
    if (k == "name") {
      p.name = read_string(source_name, node, k);
    } else if (k == "events") {
      read_events(source_name, section(source_name, node, k), p);
    } else if (k == "client") {
      read_client(source_name, section(source_name, node, k), p);
    } else if (k == "subprotocols") {
      read_subprotocols(source_name, section(source_name, node, k), p);
    } else {
      fail(source_name, node, "unknown key '" + k + "' (name, [events], [client], [subprotocols])");
    }
  }
  check(source_name, root, p);
  return p;
}

std::vector<std::string> shipped_profile_names() { return {"bridgesim", "platform"}; }

Profile load_profile(const std::string& name_or_file) {
  if (name_or_file == "bridgesim") return parse_profile(shipped::bridgesim_toml(), "builtin:bridgesim");
  if (name_or_file == "platform") return parse_profile(shipped::platform_toml(), "builtin:platform");
  const bool file = name_or_file.find('/') != std::string::npos ||
                    (name_or_file.size() > 5 && name_or_file.substr(name_or_file.size() - 5) == ".toml");
  if (!file) {
    throw ProfileError("unknown protocol profile '" + name_or_file +
                       "' (shipped: bridgesim, platform; or a path to a profile .toml file)");
  }
  std::ifstream in(name_or_file, std::ios::binary);
  if (!in) throw ProfileError(name_or_file + ": cannot read the protocol profile file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_profile(text.str(), name_or_file);
}

}  // namespace bridgesim::protocol
