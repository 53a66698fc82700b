#include "bench/loopback_system.hpp"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <utility>

#include "system/auth.hpp"
#include "system/net/app_server.hpp"
#include "system/runtime/relay.hpp"

namespace bridgesim::bench {

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void EmitStamps::stamp(const std::string& run_id, std::uint64_t seq, std::int64_t steady_ns) {
  if (seq == 0) return;
  const std::lock_guard lock(mutex_);
  auto& stamps = by_run_[run_id];
  if (stamps.size() < seq) stamps.resize(seq, 0);
  stamps[seq - 1] = steady_ns;
}

std::optional<std::int64_t> EmitStamps::find(const std::string& run_id, std::uint64_t seq) const {
  const std::lock_guard lock(mutex_);
  const auto it = by_run_.find(run_id);
  if (it == by_run_.end() || seq == 0 || seq > it->second.size() || it->second[seq - 1] == 0) return std::nullopt;
  return it->second[seq - 1];
}

void EmitStamps::forget(const std::string& run_id) {
  const std::lock_guard lock(mutex_);
  by_run_.erase(run_id);
}

std::size_t EmitStamps::runs() const {
  const std::lock_guard lock(mutex_);
  return by_run_.size();
}

namespace {

// DirectRelay plus a stamp: what the App uses when no relay is given, so the
// measured path is the production one-process path.
class StampingRelay final : public runtime::EventRelay {
 public:
  explicit StampingRelay(EmitStamps* stamps) : stamps_(stamps) {}
  void subscribe(std::function<void(runtime::RelayMessage)> receiver) override { receiver_ = std::move(receiver); }
  void publish(runtime::RelayMessage message) override {
    if (stamps_ != nullptr) stamps_->stamp(message.run_id, message.seq, steady_now_ns());
    if (receiver_) receiver_(std::move(message));
  }

 private:
  EmitStamps* stamps_;
  std::function<void(runtime::RelayMessage)> receiver_;
};

}  // namespace

struct LoopbackSystem::Impl {
  explicit Impl(LoopbackOptions o)
      : options(std::move(o)),
        relay(options.stamp_emits ? &stamps : nullptr),
        host({.seed = options.seed, .log_name = "bench-server", .log_to_stderr = options.log_to_stderr}) {
    host.make_app(options.config, options.components, &relay);
    host.listen("127.0.0.1", 0, options.limits);
    host.start_thread();
  }

  // Declared before the host: the App publishes on the relay until it goes.
  LoopbackOptions options;
  EmitStamps stamps;
  StampingRelay relay;
  net::AppServer host;
};

LoopbackSystem::LoopbackSystem(LoopbackOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

LoopbackSystem::~LoopbackSystem() { stop(); }

std::uint16_t LoopbackSystem::port() const { return impl_->host.server().port(); }
const std::string& LoopbackSystem::jwt_secret() const { return impl_->options.config.jwt_secret; }
const net::Server& LoopbackSystem::server() const { return impl_->host.server(); }
EmitStamps& LoopbackSystem::emit_stamps() { return impl_->stamps; }

void LoopbackSystem::inspect(const std::function<void(system::App&)>& fn) { impl_->host.inspect(fn); }

void LoopbackSystem::stop() { impl_->host.stop(); }

std::string mint_token(const std::string& secret, const std::string& user) {
  const auto now_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return system::mint_hs256(secret, user, now_s + 3600);
}

bool raise_descriptor_limit(std::size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) return true;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted) return false;
  limit.rlim_cur = wanted;
  return setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t total_pages = 0;
  std::size_t resident_pages = 0;
  if (!(statm >> total_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

void release_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace bridgesim::bench
