#include "harness/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace bridgesim::harness {
namespace {

std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "read and written from a signal handler");

extern "C" void on_stop_signal(int signal_number) { g_stop_signal.store(signal_number); }

void install(int signal_number, bool unless_ignored) {
  struct sigaction old {};
  if (sigaction(signal_number, nullptr, &old) != 0) return;
  if (unless_ignored && old.sa_handler == SIG_IGN) return;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // the second signal kills at once
  sigaction(signal_number, &action, nullptr);
}

}  // namespace

void install_stop_handlers() {
  install(SIGINT, true);
  install(SIGTERM, false);
}

int stop_signal() { return g_stop_signal.load(); }

void request_stop(int signal_number) { g_stop_signal.store(signal_number); }

}  // namespace bridgesim::harness
