#pragma once
// The proxy tests' world, all on 127.0.0.1 with ephemeral ports: an upstream
// WebSocket server (net::Server with handlers of its own) that echoes each
// text frame and records every frame it received, in order, across its
// connections; "burst:N" makes it send N frames b1..bN. Clients are
// net::WsClient (every call has a deadline). Waits are bounded hang guards,
// never timing assertions: the tests judge counts, order and the proxy's trace.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "proxy/fault_proxy.hpp"
#include "system/auth.hpp"
#include "system/http_api.hpp"
#include "system/net/client.hpp"
#include "system/net/real_runtime.hpp"
#include "system/net/server.hpp"
#include "system/runtime/log.hpp"

namespace bridgesim::proxy_test {

inline constexpr char kHost[] = "127.0.0.1";

class EchoUpstream {
 public:
  EchoUpstream() : logger_(runtime::make_logger("proxy-test-upstream", clock_, false)) {
    net::ServerHandlers handlers;
    handlers.logger = logger_;
    handlers.on_http = [](const system::HttpRequest&) {
      return system::HttpResponse{200, "text/plain", "upstream ok"};
    };
    handlers.on_connection = [this](std::shared_ptr<runtime::Connection> conn) { on_connection(std::move(conn)); };
    server_ = std::make_unique<net::Server>(io_, kHost, 0, net::ServerLimits{}, std::move(handlers));
    thread_ = std::thread([this] { io_.run(); });
  }
  ~EchoUpstream() {
    server_->stop([this] { io_.stop(); });
    thread_.join();
    server_.reset();
  }

  std::uint16_t port() const { return server_->port(); }
  std::vector<std::string> received() const {
    const std::lock_guard lock(mutex_);
    return received_;
  }
  std::vector<std::uint16_t> close_codes() const {
    const std::lock_guard lock(mutex_);
    return close_codes_;
  }

 private:
  void on_connection(std::shared_ptr<runtime::Connection> conn) {
    std::weak_ptr<runtime::Connection> weak = conn;
    conns_.push_back(conn);
    runtime::ConnectionEvents events;
    events.on_text = [this, weak](std::string text) {
      {
        const std::lock_guard lock(mutex_);
        received_.push_back(text);
      }
      auto c = weak.lock();
      if (!c) return;
      if (text.rfind("burst:", 0) == 0) {
        const int n = std::stoi(text.substr(6));
        for (int i = 1; i <= n; ++i) c->send_text("b" + std::to_string(i));
      } else {
        c->send_text(text);
      }
    };
    events.on_closed = [this](std::uint16_t code, std::string) {
      const std::lock_guard lock(mutex_);
      close_codes_.push_back(code);
    };
    conn->accept("", std::move(events));
  }

  boost::asio::io_context io_;
  net::RealClock clock_;
  runtime::Logger logger_;
  std::unique_ptr<net::Server> server_;
  std::vector<std::shared_ptr<runtime::Connection>> conns_;  // io thread only
  mutable std::mutex mutex_;
  std::vector<std::string> received_;
  std::vector<std::uint16_t> close_codes_;
  std::thread thread_;
};

// A token whose `sub` is `user` (the proxy reads it to aim toxics; the echo
// upstream does not verify it).
inline net::ClientHandshake handshake_for(const std::string& user) {
  net::ClientHandshake h;
  h.bearer_token = system::mint_hs256("proxy-test-secret-proxy-test-secret", user, 4'000'000'000);
  return h;
}

// Polls `done` every few milliseconds for at most `limit`: a hang guard.
inline bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// The proxy's records of `kind` whose field `key` is `value` ("" = any).
inline std::vector<sim::TraceRecord> records_of(const proxy::FaultProxy& p, std::string_view kind,
                                                std::string_view key = {}, std::string_view value = {}) {
  std::vector<sim::TraceRecord> out;
  for (auto& r : p.trace().records()) {
    if (r.kind == kind && (key.empty() || r.field(key) == value)) out.push_back(std::move(r));
  }
  return out;
}

inline proxy::Toxic toxic(std::string name, std::string type, proxy::Stream stream,
                          std::map<std::string, std::string> attributes = {}) {
  proxy::Toxic t;
  t.name = std::move(name);
  t.type = std::move(type);
  t.stream = stream;
  t.attributes = std::move(attributes);
  return t;
}

}  // namespace bridgesim::proxy_test
