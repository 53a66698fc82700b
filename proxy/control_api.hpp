#pragma once
// The control API, Toxiproxy's conventions over HTTP (JSON bodies; errors are
// {"error": "...", "status": N}):
//   GET    /version
//   GET    /proxies                          {name: proxy, ...}
//   POST   /proxies                          {"name", "listen": "host:port", "upstream": "host:port"} -> 201
//   GET    /proxies/{name}                   {"name", "listen", "upstream", "enabled", "toxics": [...]}
//   DELETE /proxies/{name}                   -> 204
//   GET    /proxies/{name}/toxics            [toxic, ...]
//   POST   /proxies/{name}/toxics            toxic (proxy/toxic.hpp) -> 200 with the toxic as stored
//   GET    /proxies/{name}/toxics/{toxic}
//   POST   /proxies/{name}/toxics/{toxic}    {"toxicity", "attributes"}: merged into the toxic -> 200
//   DELETE /proxies/{name}/toxics/{toxic}    -> 204
//   POST   /reset                            every toxic of every proxy removed -> 204
//   GET    /proxies/{name}/trace             the proxy's trace, JSONL (bridgesim's addition)
// Bad JSON or a bad field: 400 naming it; unknown proxy or toxic: 404; a
// name taken: 409; a method the path does not take: 405.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/fault_proxy.hpp"

namespace bridgesim::proxy {

struct ControlResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

// "host:port" -> (host, port); throws ToxicError naming `what` on a bad one.
std::pair<std::string, std::uint16_t> parse_address(std::string_view text, std::string_view what);

// The proxies the API manages. Any thread.
class ProxyRegistry {
 public:
  explicit ProxyRegistry(std::uint64_t seed = 1) : seed_(seed) {}
  // Takes a running proxy (the CLI's own); throws ToxicError when the name is
  // taken. DELETE stops it; the caller's copy keeps its trace readable.
  std::shared_ptr<FaultProxy> adopt(std::shared_ptr<FaultProxy> proxy);
  ControlResponse handle(std::string_view method, std::string_view target, std::string_view body);
  std::vector<std::string> names() const;

 private:
  ControlResponse create_proxy(std::string_view body);
  ControlResponse on_proxy(std::string_view method, FaultProxy& proxy, const std::vector<std::string>& path,
                           std::string_view body);
  ControlResponse on_toxic(std::string_view method, FaultProxy& proxy, const std::string& name,
                           std::string_view body);

  std::uint64_t seed_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<FaultProxy>> proxies_;
};

namespace detail {
struct ControlServerParts;
}  // namespace detail

// The API on HTTP (net::Server, its own io thread); binds at once, throws
// std::runtime_error naming the address when it cannot.
class ControlServer {
 public:
  ControlServer(ProxyRegistry& registry, const std::string& host, std::uint16_t port);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;
  std::uint16_t port() const;

 private:
  std::unique_ptr<detail::ControlServerParts> parts_;
};

}  // namespace bridgesim::proxy
