#include "system/net/real_runtime.hpp"
#include "system/runtime/invariant.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <memory>
#include <system_error>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace bridgesim::net {

runtime::Nanos RealClock::now_ns() const {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count();
}

runtime::TimerHandle AsioTimers::call_after(runtime::Nanos delay_ns, std::function<void()> fn) {
  BRIDGESIM_ASSERT(delay_ns >= 0, "Timers::call_after: negative delay");
  auto cancelled = std::make_shared<bool>(false);
  auto timer =
      std::make_shared<boost::asio::steady_timer>(io_, std::chrono::nanoseconds(std::max<runtime::Nanos>(delay_ns, 0)));
  // The handler owns its timer: nothing else needs to keep it alive.
  timer->async_wait([timer, cancelled, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (ec || *cancelled) return;
    fn();
  });
  return runtime::TimerHandle(std::move(cancelled));
}

namespace {

// Fills `bytes` from getrandom(2): blocks only until the kernel's pool is
// initialised (early boot), retries on signals, throws on anything else.
void fill_from_kernel(void* bytes, std::size_t size) {
  auto* out = static_cast<unsigned char*>(bytes);
  std::size_t filled = 0;
  while (filled < size) {
    const ssize_t n = ::getrandom(out + filled, size - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "getrandom: no OS entropy for ids");
    }
    filled += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::uint64_t OsEntropyRandom::next_u64() {
  if (used_ == buffer_.size()) {
    fill_from_kernel(buffer_.data(), sizeof buffer_);
    used_ = 0;
  }
  const std::uint64_t value = buffer_[used_];
  buffer_[used_++] = 0;  // a drawn value does not linger in memory
  return value;
}

std::uint64_t os_entropy_u64() {
  std::uint64_t value = 0;
  fill_from_kernel(&value, sizeof value);
  return value;
}

std::unique_ptr<runtime::Random> make_real_random(std::optional<std::uint64_t> seed) {
  if (seed) return std::make_unique<SeededRandom>(*seed);
  return std::make_unique<OsEntropyRandom>();
}

}  // namespace bridgesim::net
