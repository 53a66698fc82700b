#pragma once
// One fault proxy: listens on listen_host:listen_port, forwards every TCP
// connection to upstream_host:upstream_port, and applies the toxics added to
// it. It reads the HTTP upgrade both ways; after a 101 it parses WebSocket
// frames both ways (so a toxic can pick, drop or duplicate frames), otherwise
// it forwards bytes. Its own io thread; every method may be called from any
// thread. Boost-free (pimpl), so `probe --via-proxy` can embed it:
//
//   proxy::FaultProxy p({.upstream_host = "127.0.0.1", .upstream_port = 8080, .seed = seed});
//   p.add_toxic(proxy::validated({.name = "slow", .type = "latency", .attributes = {{"latency", "300"}}}));
//   ... connect clients to ws://127.0.0.1:<p.port()>/ws ...
//   p.remove_toxic("slow");
//   auto records = p.trace().records();
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/proxy_trace.hpp"
#include "proxy/toxic.hpp"
#include "system/net/tls.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::proxy {

struct ProxyOptions {
  std::string name = "bridgesim";
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 0;  // 0: an ephemeral port (see port())
  std::string upstream_host = "127.0.0.1";
  std::uint16_t upstream_port = 0;
  // A wss:// upstream: TLS toward the server, its certificate verified
  // against upstream_host (the system's store or ca_file; insecure: not at
  // all). The clients' side stays plain ws:// (the proxy reads frames).
  net::TlsClientOptions upstream_tls{};
  std::uint64_t seed = 1;  // every toxic draws from its own stream of it (sim::Rng::fork(name))
  std::size_t links_max = 4096;  // connections beyond are refused at once (closed)
  // Bytes one direction of a link may hold (delayed, held by a partition);
  // beyond, the proxy stops reading that side: TCP backpressure, bounded memory.
  std::size_t queued_bytes_max = 4 * 1024 * 1024;
  // The subprotocol prefixes a token may follow, for aiming toxics at a user
  // (the protocol profile's accept_prefixes; `Authorization: Bearer` always).
  std::vector<std::string> token_prefixes{"jwt."};
};

// A toxic to add at at_ns and remove at heal_ns (since the proxy started):
// what a FaultPlan becomes (proxy/fault_mapping.hpp).
struct ScheduledToxic {
  runtime::Nanos at_ns = 0;
  runtime::Nanos heal_ns = 0;
  Toxic toxic;
};

namespace detail {
class ProxyCore;
}  // namespace detail

class FaultProxy {
 public:
  // Binds and starts forwarding at once; throws std::runtime_error naming the
  // address when it cannot listen.
  explicit FaultProxy(ProxyOptions options);
  ~FaultProxy();  // stop()
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::uint16_t port() const;
  const ProxyOptions& options() const;
  // "127.0.0.1:<port>", "<upstream_host>:<upstream_port>".
  std::string listen_address() const;
  std::string upstream_address() const;

  // Validates (proxy::validated) and adds; a toxic acting once (server_close,
  // reset_peer) acts on every link it targets now. Throws ToxicError when
  // invalid or when a toxic of that name exists.
  Toxic add_toxic(Toxic toxic);
  // Removes (a partition releases what it held); false when there is none of that name.
  bool remove_toxic(std::string_view name);
  void remove_all_toxics();
  std::vector<Toxic> toxics() const;
  std::optional<Toxic> toxic(std::string_view name) const;
  // Adds and removes each at its times (past times: at once).
  void schedule(std::vector<ScheduledToxic> plan);

  const ProxyTrace& trace() const;
  ProxyTrace& trace();
  std::size_t live_links() const;
  // Closes the listener and every link; idempotent.
  void stop();

 private:
  std::unique_ptr<detail::ProxyCore> core_;
};

}  // namespace bridgesim::proxy
