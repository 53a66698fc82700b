#include "proxy/control_api.hpp"

#include <charconv>

#include <boost/json.hpp>

namespace bridgesim::proxy {
namespace {

namespace json = boost::json;

ControlResponse error(int status, std::string message) {
  return {status, json::serialize(json::object{{"error", std::move(message)}, {"status", status}})};
}

ControlResponse no_content() { return {204, "", "application/json"}; }

std::vector<std::string> split_path(std::string_view target) {
  target = target.substr(0, target.find('?'));
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (at < target.size()) {
    auto end = target.find('/', at);
    if (end == std::string_view::npos) end = target.size();
    if (end > at) parts.emplace_back(target.substr(at, end - at));
    at = end + 1;
  }
  return parts;
}

json::value proxy_json(const FaultProxy& p) {
  json::array toxics;
  for (const auto& t : p.toxics()) toxics.push_back(json::parse(toxic_to_json(t)));
  return json::object{{"name", p.options().name},
                      {"listen", p.listen_address()},
                      {"upstream", p.upstream_address()},
                      {"enabled", true},
                      {"toxics", std::move(toxics)}};
}

json::object parse_object(std::string_view body) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec) throw ToxicError("the body is not JSON: " + ec.message());
  if (!doc.is_object()) throw ToxicError("the body must be a JSON object");
  return std::move(doc.as_object());
}

std::string required_string(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string() || v->as_string().empty()) {
    throw ToxicError("field '" + std::string(key) + "' is required (a non-empty string)");
  }
  return std::string(v->as_string());
}

// A toxic with `patch`'s toxicity and attributes merged in (Toxiproxy's update).
Toxic patched(Toxic t, std::string_view body) {
  const json::object o = parse_object(body);
  if (const auto* v = o.if_contains("toxicity")) {
    if (!v->is_number()) throw ToxicError("field 'toxicity' must be a number in [0, 1]");
    t.toxicity = v->to_number<double>();
  }
  if (const auto* v = o.if_contains("attributes")) {
    // Through the JSON form so the attribute values are read exactly as on create.
    json::object whole = json::parse(toxic_to_json(t)).as_object();
    if (!v->is_object()) throw ToxicError("field 'attributes' must be an object");
    for (const auto& [key, value] : v->as_object()) whole["attributes"].as_object()[key] = value;
    whole["toxicity"] = t.toxicity;
    return toxic_from_json(json::serialize(whole));
  }
  return validated(std::move(t));
}

}  // namespace

std::pair<std::string, std::uint16_t> parse_address(std::string_view text, std::string_view what) {
  const auto colon = text.rfind(':');
  const std::string bad = std::string(what) + " must be host:port (port 0-65535), got \"" + std::string(text) + "\"";
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) throw ToxicError(bad);
  unsigned port = 0;
  const auto digits = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size() || port > 65535) throw ToxicError(bad);
  return {std::string(text.substr(0, colon)), static_cast<std::uint16_t>(port)};
}

std::shared_ptr<FaultProxy> ProxyRegistry::adopt(std::shared_ptr<FaultProxy> proxy) {
  const std::lock_guard lock(mutex_);
  const std::string name = proxy->options().name;
  if (proxies_.count(name) != 0) throw ToxicError("a proxy named '" + name + "' exists");
  return proxies_[name] = std::move(proxy);
}

std::vector<std::string> ProxyRegistry::names() const {
  const std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, p] : proxies_) out.push_back(name);
  return out;
}

ControlResponse ProxyRegistry::handle(std::string_view method, std::string_view target, std::string_view body) {
  const auto path = split_path(target);
  try {
    if (path.size() == 1 && path[0] == "version") return {200, "{\"version\":\"bridgesim-proxy 0.1.0\"}"};
    if (path.size() == 1 && path[0] == "reset") {
      if (method != "POST") return error(405, "POST /reset");
      const std::lock_guard lock(mutex_);
      for (auto& [name, p] : proxies_) p->remove_all_toxics();
      return no_content();
    }
    if (path.empty() || path[0] != "proxies") return error(404, "no such endpoint: " + std::string(target));
    if (path.size() == 1) {
      if (method == "POST") return create_proxy(body);
      if (method != "GET") return error(405, "GET or POST /proxies");
      const std::lock_guard lock(mutex_);
      json::object all;
      for (const auto& [name, p] : proxies_) all[name] = proxy_json(*p);
      return {200, json::serialize(all)};
    }
    const std::lock_guard lock(mutex_);
    const auto it = proxies_.find(path[1]);
    if (it == proxies_.end()) return error(404, "proxy not found: " + path[1]);
    if (path.size() == 2 && method == "DELETE") {
      it->second->stop();
      proxies_.erase(it);
      return no_content();
    }
    return on_proxy(method, *it->second, path, body);
  } catch (const ToxicError& e) {
    return error(400, e.what());
  } catch (const std::exception& e) {
    return error(500, e.what());
  }
}

ControlResponse ProxyRegistry::create_proxy(std::string_view body) {
  const json::object o = parse_object(body);
  ProxyOptions options;
  options.name = required_string(o, "name");
  std::tie(options.listen_host, options.listen_port) = parse_address(required_string(o, "listen"), "listen");
  std::tie(options.upstream_host, options.upstream_port) = parse_address(required_string(o, "upstream"), "upstream");
  if (options.upstream_port == 0) throw ToxicError("upstream needs a port other than 0");
  if (const auto* v = o.if_contains("enabled"); v != nullptr && !(v->is_bool() && v->as_bool())) {
    throw ToxicError("field 'enabled' may only be true (a disabled proxy is a deleted one here)");
  }
  options.seed = seed_;
  const std::lock_guard lock(mutex_);
  if (proxies_.count(options.name) != 0) return error(409, "a proxy named '" + options.name + "' exists");
  std::shared_ptr<FaultProxy> p;
  try {
    p = std::make_shared<FaultProxy>(options);
  } catch (const std::runtime_error& e) {
    return error(400, e.what());  // cannot listen there, upstream not resolved
  }
  auto& stored = *(proxies_[options.name] = std::move(p));
  return {201, json::serialize(proxy_json(stored))};
}

ControlResponse ProxyRegistry::on_proxy(std::string_view method, FaultProxy& proxy,
                                        const std::vector<std::string>& path, std::string_view body) {
  if (path.size() == 2) {
    if (method != "GET") return error(405, "GET or DELETE /proxies/{name}");
    return {200, json::serialize(proxy_json(proxy))};
  }
  if (path.size() == 3 && path[2] == "trace") {
    if (method != "GET") return error(405, "GET /proxies/{name}/trace");
    return {200, proxy.trace().to_jsonl(), "application/x-ndjson"};
  }
  if (path[2] != "toxics" || path.size() > 4) return error(404, "no such endpoint under /proxies/" + path[1]);
  if (path.size() == 4) return on_toxic(method, proxy, path[3], body);
  if (method == "GET") {
    json::array list;
    for (const auto& t : proxy.toxics()) list.push_back(json::parse(toxic_to_json(t)));
    return {200, json::serialize(list)};
  }
  if (method != "POST") return error(405, "GET or POST /proxies/{name}/toxics");
  Toxic t = toxic_from_json(body);
  if (proxy.toxic(t.name)) return error(409, "a toxic named '" + t.name + "' exists on proxy " + path[1]);
  return {200, toxic_to_json(proxy.add_toxic(std::move(t)))};
}

ControlResponse ProxyRegistry::on_toxic(std::string_view method, FaultProxy& proxy, const std::string& name,
                                        std::string_view body) {
  const auto existing = proxy.toxic(name);
  if (!existing) return error(404, "toxic not found: " + name);
  if (method == "GET") return {200, toxic_to_json(*existing)};
  if (method == "DELETE") {
    proxy.remove_toxic(name);
    return no_content();
  }
  if (method != "POST" && method != "PATCH") return error(405, "GET, POST or DELETE /proxies/{name}/toxics/{toxic}");
  Toxic updated = patched(*existing, body);
  updated.name = name;
  proxy.remove_toxic(name);
  return {200, toxic_to_json(proxy.add_toxic(std::move(updated)))};
}

}  // namespace bridgesim::proxy
