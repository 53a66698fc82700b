#pragma once
// The system for real on 127.0.0.1, for benchmarks and load tests: a
// net::AppServer (an App and a net::Server on an ephemeral port, the
// io_context on its own thread, the system's single thread). Optionally
// stamps the wall time at which each event was emitted, so clients can
// measure emit-to-receive latency.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "system/app.hpp"
#include "system/net/server.hpp"

namespace bridgesim::bench {

// std::chrono::steady_clock, in nanoseconds: the one clock that emit stamps
// and client receipts are both read from (same process, same clock).
std::int64_t steady_now_ns();

// When each event was emitted: the moment the bridge published it on the
// relay (the same point the simulated world's latency histogram starts
// from), by (run_id, seq). Written on the system's thread, read by clients.
class EmitStamps {
 public:
  void stamp(const std::string& run_id, std::uint64_t seq, std::int64_t steady_ns);
  std::optional<std::int64_t> find(const std::string& run_id, std::uint64_t seq) const;
  // The run's stamps are no longer needed (every client saw its events).
  void forget(const std::string& run_id);
  std::size_t runs() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::int64_t>, std::less<>> by_run_;  // [seq - 1] -> steady ns
};

struct LoopbackOptions {
  system::AppConfig config;  // jwt_secret: clients mint their tokens with it
  // The production components, or an incident variant's (scenarios/variants.hpp).
  system::Components components = system::Components::defaults();
  net::ServerLimits limits;
  std::uint64_t seed = 1;    // run ids and the scripted agents' latencies
  bool stamp_emits = false;  // fill emit_stamps(); costs a mutex per event
  bool log_to_stderr = false;
};

class LoopbackSystem {
 public:
  // Starts at once: listening on 127.0.0.1:<ephemeral>, serving on its thread.
  explicit LoopbackSystem(LoopbackOptions options);
  ~LoopbackSystem();  // stop()
  LoopbackSystem(const LoopbackSystem&) = delete;
  LoopbackSystem& operator=(const LoopbackSystem&) = delete;

  std::uint16_t port() const;
  const std::string& jwt_secret() const;
  // Any thread: live_connections(), protocol_violations().
  const net::Server& server() const;
  // Empty unless LoopbackOptions::stamp_emits.
  EmitStamps& emit_stamps();

  // Runs `fn` on the system's thread and waits for it: the only safe way to
  // look at the App while it serves. After stop(), runs on the caller's thread.
  void inspect(const std::function<void(system::App&)>& fn);

  // Graceful stop (close 1001 to every open socket, bounded by
  // shutdown_grace_ms), then joins the system's thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A token for `user` signed with `secret`, valid for an hour.
std::string mint_token(const std::string& secret, const std::string& user);

// Raises this process's soft limit on open files to at least `wanted` (a
// client and a server end per connection); false when the hard limit is lower.
bool raise_descriptor_limit(std::size_t wanted);

// Resident set size of this process (/proc/self/statm), 0 when unreadable.
std::size_t resident_bytes();
// Hands free heap pages back to the OS where the allocator can (glibc
// malloc_trim), so that resident_bytes() tracks live memory, not free lists.
void release_free_memory();

}  // namespace bridgesim::bench
