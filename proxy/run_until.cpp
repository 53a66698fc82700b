#include "proxy/run_until.hpp"

#include <csignal>
#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

namespace bridgesim::proxy {

int run_until_stopped(double duration_s) {
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::steady_timer timer(io);
  int stopped_by = 0;
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    stopped_by = signal;
    timer.cancel();
  });
  if (duration_s > 0) {
    timer.expires_after(std::chrono::microseconds(static_cast<long long>(duration_s * 1e6)));
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) signals.cancel();
    });
  }
  io.run();
  return stopped_by;
}

}  // namespace bridgesim::proxy
