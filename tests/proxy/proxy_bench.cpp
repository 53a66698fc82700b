// The proxy's cost on loopback (docs/proxy.md), by hand, never in ctest:
// echo round trips straight to the upstream and through a proxy without
// toxics (p50/p99 and the difference), then throughput in windows of 64
// frames (small and 16 KiB frames). Usage: proxy_bench [ROUND_TRIPS] [WINDOWS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "tests/proxy/proxy_fixture.hpp"

namespace bridgesim::proxy_test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

std::vector<double> round_trips(std::uint16_t port, int n) {
  net::WsClient c;
  c.connect(kHost, port, handshake_for("u1"));
  const std::string payload(32, 'r');
  std::vector<double> out;
  for (int i = 0; i < n + 100; ++i) {
    const auto start = Clock::now();
    c.send_text(payload);
    if (c.read_text(milliseconds(5000)) != payload) std::abort();
    if (i >= 100) out.push_back(micros(Clock::now() - start));  // the first 100 warm up
  }
  std::sort(out.begin(), out.end());
  return out;
}

double at(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<std::size_t>(q * (sorted.size() - 1))];
}

// Frames per second and MB/s echoed, `windows` windows of 64 frames of `bytes`.
std::pair<double, double> throughput(std::uint16_t port, int windows, std::size_t bytes) {
  net::WsClient c;
  c.connect(kHost, port, handshake_for("u1"));
  const std::string payload(bytes, 't');
  const auto start = Clock::now();
  for (int w = 0; w < windows; ++w) {
    for (int i = 0; i < 64; ++i) c.send_text(payload);
    for (int i = 0; i < 64; ++i) {
      if (!c.read_text(milliseconds(10000))) std::abort();
    }
  }
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  const double frames = 64.0 * windows;
  return {frames / s, frames * static_cast<double>(bytes) * 2 / s / 1e6};  // both directions
}

int bench(int n, int windows) {
  EchoUpstream upstream;
  proxy::ProxyOptions options;  // not a designated initializer: g++ 12 -O3 then warns maybe-uninitialized
  options.upstream_port = upstream.port();
  proxy::FaultProxy p(options);
  const auto direct = round_trips(upstream.port(), n), via = round_trips(p.port(), n);
  std::printf("echo round trip, %d x 32 B (us):   p50      p99\n", n);
  std::printf("  direct                       %8.1f %8.1f\n", at(direct, 0.5), at(direct, 0.99));
  std::printf("  through the proxy            %8.1f %8.1f\n", at(via, 0.5), at(via, 0.99));
  std::printf("  added by the proxy           %8.1f %8.1f\n", at(via, 0.5) - at(direct, 0.5),
              at(via, 0.99) - at(direct, 0.99));
  for (const std::size_t bytes : {std::size_t{100}, std::size_t{16 * 1024}}) {
    const auto [df, dm] = throughput(upstream.port(), windows, bytes);
    const auto [pf, pm] = throughput(p.port(), windows, bytes);
    std::printf(
        "throughput, %zu B frames, windows of 64: direct %.0f frames/s (%.1f MB/s), proxy %.0f frames/s "
        "(%.1f MB/s)\n",
        bytes, df, dm, pf, pm);
  }
  return 0;
}

}  // namespace
}  // namespace bridgesim::proxy_test

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 5000;
  const int windows = argc > 2 ? std::atoi(argv[2]) : 200;
  return bridgesim::proxy_test::bench(std::max(n, 100), std::max(windows, 1));
}
