#include "system/net/real_runtime.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace bridgesim::net {

runtime::Nanos RealClock::now_ns() const {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count();
}

runtime::TimerHandle AsioTimers::call_after(runtime::Nanos delay_ns, std::function<void()> fn) {
  assert(delay_ns >= 0 && "Timers::call_after: negative delay");
  auto cancelled = std::make_shared<bool>(false);
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::nanoseconds(std::max<runtime::Nanos>(delay_ns, 0)));
  // The handler owns its timer: nothing else needs to keep it alive.
  timer->async_wait([timer, cancelled, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (ec || *cancelled) return;
    fn();
  });
  return runtime::TimerHandle(std::move(cancelled));
}

namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

SeededRandom::SeededRandom(std::uint64_t seed) {
  for (auto& word : state_) word = splitmix64(seed);
}

std::uint64_t SeededRandom::next_u64() {
  auto& s = state_;
  const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
  const std::uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

}  // namespace bridgesim::net
