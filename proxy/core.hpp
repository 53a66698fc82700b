#pragma once
// Private to proxy/: the proxy's io thread, its toxics and its links. Every
// member is touched on the io thread only (FaultProxy's methods hop onto it
// with on_io), so the toxics' random streams are drawn in one order: frame
// arrival order.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>

#include "proxy/fault_proxy.hpp"
#include "proxy/ws_frame.hpp"
#include "sim/rng.hpp"
#include "system/net/tls.hpp"

namespace bridgesim::proxy::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;
namespace ssl = asio::ssl;

// One end of a link: the client's TCP socket, or the server's, plain or
// with TLS over it (a wss:// upstream). Reads and writes dispatch on which;
// the TCP socket underneath is always there for shutdown, close and reset.
class PeerStream {
 public:
  using executor_type = tcp::socket::executor_type;
  explicit PeerStream(tcp::socket plain) : plain_(std::move(plain)) {}
  PeerStream(asio::io_context& io, ssl::context* tls) : plain_(io) {
    if (tls != nullptr) tls_ = std::make_unique<ssl::stream<tcp::socket&>>(plain_, *tls);
  }
  tcp::socket& socket() { return plain_; }
  ssl::stream<tcp::socket&>* tls() { return tls_.get(); }
  executor_type get_executor() { return plain_.get_executor(); }
  template <class Buffers, class Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) return tls_->async_read_some(buffers, std::forward<Handler>(handler));
    plain_.async_read_some(buffers, std::forward<Handler>(handler));
  }
  template <class Buffers, class Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) return tls_->async_write_some(buffers, std::forward<Handler>(handler));
    plain_.async_write_some(buffers, std::forward<Handler>(handler));
  }

 private:
  tcp::socket plain_;
  std::unique_ptr<ssl::stream<tcp::socket&>> tls_;
};

struct ActiveToxic {
  Toxic toxic;
  sim::Rng rng;
  std::int64_t added_ns = 0;
};

// What the toxics decided for one unit (a frame, an HTTP head, a chunk of bytes).
struct Verdict {
  bool discard = false;  // timeout: lost
  bool drop = false;     // drop_frame
  bool duplicate = false;
  std::int64_t delay_ms = 0;
};

// What the writer of one direction must honour now.
struct Pacing {
  std::size_t slice_bytes = 0;       // 0: the whole unit at once
  std::int64_t slice_delay_us = 0;   // between slices
  std::int64_t rate_kb_s = 0;        // 0: unbounded
  std::int64_t read_interval_ms = 0; // slow_reader: after each unit
};

class Link;

class ProxyCore {
 public:
  explicit ProxyCore(ProxyOptions options);
  ~ProxyCore();
  ProxyCore(const ProxyCore&) = delete;
  ProxyCore& operator=(const ProxyCore&) = delete;

  // Runs `f` on the io thread and returns its result (inline when already
  // there, or once the thread has stopped).
  template <class F>
  auto on_io(F f) -> decltype(f()) {
    if (stopped_ || std::this_thread::get_id() == thread_.get_id()) return f();
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    return result.get();
  }
  void stop();

  // --- io thread only ---
  Toxic add(Toxic toxic);
  bool remove(std::string_view name);
  void schedule(ScheduledToxic entry);
  // The toxics of `stream` aimed at `link`, per unit: decides and records.
  Verdict judge(Link& link, Stream stream, const WsFrame* frame, std::uint64_t ordinal, std::string_view op);
  bool held(const Link& link, Stream stream) const;  // a partition holds this direction
  // The pacing toxics of `stream` aimed at `link`; `record`: a write is about to happen (fault_hit).
  Pacing pacing(Link& link, Stream stream, bool record);
  std::array<std::uint8_t, 4> fresh_mask();
  void link_closed(std::uint64_t id);
  void fault_hit(const ActiveToxic& t, const Link& link, std::uint64_t ordinal, std::string_view op,
                 std::vector<sim::Field> details);

  asio::io_context& io() { return io_; }
  const ProxyOptions& options() const { return options_; }
  ProxyTrace& trace() { return trace_; }
  const tcp::endpoint& upstream() const { return upstream_; }
  ssl::context* upstream_tls() const { return upstream_tls_.get(); }  // null: a ws:// upstream
  std::uint16_t port() const { return port_; }
  std::vector<Toxic> toxic_list() const;
  std::size_t live_links() const { return links_.size(); }

 private:
  void accept();
  void apply_once(const ActiveToxic& t);
  std::vector<std::shared_ptr<Link>> live() const;  // a copy: closing a link erases it from links_

  ProxyOptions options_;
  ProxyTrace trace_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  tcp::endpoint upstream_;
  std::shared_ptr<ssl::context> upstream_tls_;
  std::uint16_t port_ = 0;
  sim::Rng root_;
  sim::Rng masks_;
  std::vector<ActiveToxic> toxics_;
  std::map<std::uint64_t, std::weak_ptr<Link>> links_;
  std::vector<std::unique_ptr<asio::steady_timer>> timers_;
  std::uint64_t next_link_ = 1;
  std::atomic<bool> stopped_{false};
  std::thread thread_;  // last: starts once everything above exists
};

// One client connection and its upstream twin: two directions, each with
// its own queue, one write in flight at a time, reading paused while the
// queue is over its bound.
class Link : public std::enable_shared_from_this<Link> {
 public:
  Link(ProxyCore& core, std::uint64_t id, tcp::socket client);
  void start();
  std::uint64_t id() const { return id_; }
  const std::string& user() const { return user_; }
  void apply_once(const Toxic& toxic);  // server_close, reset_peer
  void arm_timeout(std::int64_t ms);    // timeout: close when it fires
  void kick();                          // a toxic went: re-check the writers
  void close_all(std::string_view how);
  void reset_all(std::string_view how);

 private:
  enum class Mode { kHead, kAwaitUpgrade, kFrames, kRaw };
  struct Unit {
    std::string bytes;
    SteadyClock::time_point release;
  };
  struct Direction {
    Direction(asio::io_context& io, Stream s, PeerStream& f, PeerStream& t) : stream(s), from(f), to(t), timer(io) {}
    Stream stream;
    PeerStream& from;
    PeerStream& to;
    Mode mode = Mode::kHead;
    std::string in;
    std::deque<Unit> queue;
    std::size_t queued_bytes = 0;
    // eof: nothing more to forward; peer_eof: the peer ended its side (read 0)
    bool reading = false, writing = false, waiting = false, eof = false, peer_eof = false, shut = false;
    asio::steady_timer timer;
    SteadyClock::time_point last_release{}, not_before{};
    std::uint64_t data_frames = 0, units = 0;
    std::array<char, 16 * 1024> buffer{};
  };

  void connected(const error_code& ec);
  void upstream_failed(const std::string& why);
  void forward();  // the upstream is there (TCP, and TLS when asked): read both ways
  void read(Direction& d);
  void on_read(Direction& d, const error_code& ec, std::size_t n);
  void process(Direction& d);
  bool next_unit(Direction& d);
  void on_request_head(std::string_view head);
  void on_response_head(std::string_view head);
  void enqueue(Direction& d, std::string bytes, const WsFrame* frame, std::uint64_t ordinal, std::string_view op);
  void write(Direction& d);
  void on_written(Direction& d, const error_code& ec, std::size_t n, const Pacing& pacing);
  void finish_if_done();
  void record_closed(std::string_view how);

  ProxyCore& core_;
  std::uint64_t id_;
  PeerStream client_, server_;
  Direction up_, down_;
  asio::steady_timer timeout_;
  bool timeout_armed_ = false, closed_ = false, draining_ = false, lingering_ = false;
  std::string target_, user_;
};

}  // namespace bridgesim::proxy::detail
