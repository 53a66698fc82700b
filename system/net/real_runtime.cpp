#include "system/net/real_runtime.hpp"
#include "system/runtime/invariant.hpp"

#include <algorithm>
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

}  // namespace bridgesim::net
