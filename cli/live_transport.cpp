#include "cli/live_transport.hpp"

#include <algorithm>
#include <utility>

#include "sim/client_actor.hpp"

namespace bridgesim::cli {

// One client's connection; before its socket exists (a held connect) it
// is a closed connection that sends nothing.
class LiveConnection final : public scenarios::ClientConnection {
 public:
  LiveConnection(LiveTransport& transport, std::string client) : transport_(transport), client_(std::move(client)) {}
  ~LiveConnection() override { transport_.forget(this); }
  LiveConnection(const LiveConnection&) = delete;
  LiveConnection& operator=(const LiveConnection&) = delete;

  runtime::ConnectionId id() const override { return connection_ ? connection_->id() : 0; }
  bool is_open() const override { return connection_ && connection_->is_open(); }
  void send_text(std::string text) override {
    if (connection_) connection_->send_text(std::move(text));
  }
  void close(std::uint16_t code, std::string reason) override {
    if (connection_) connection_->close(code, std::move(reason));
  }
  // A held connect that is aborted is dropped silently: never opened, never
  // refused (the clients the probe holds, hostile ones, do not abort).
  void abort() override {
    if (connection_) connection_->abort();
    cancelled_ = true;
  }

  void attach(std::unique_ptr<net::AsyncClientConnection> connection) { connection_ = std::move(connection); }
  net::AsyncClientConnection* socket() const { return connection_.get(); }
  const std::string& client() const { return client_; }
  bool cancelled() const { return cancelled_; }

 private:
  LiveTransport& transport_;
  std::string client_;
  std::unique_ptr<net::AsyncClientConnection> connection_;
  bool cancelled_ = false;
};

runtime::TimerHandle NonNegativeTimers::call_after(runtime::Nanos delay_ns, std::function<void()> fn) {
  return inner_.call_after(std::max<runtime::Nanos>(delay_ns, 0), std::move(fn));
}

LiveTransport::LiveTransport(net::AsyncClientTransport& network, std::string target)
    : network_(network), target_(std::move(target)) {}

LiveTransport::~LiveTransport() = default;

std::unique_ptr<scenarios::ClientConnection> LiveTransport::connect(std::string client_name,
                                                                    runtime::HandshakeRequest request,
                                                                    scenarios::ClientCallbacks callbacks) {
  request.target = target_;
  auto connection = std::make_unique<LiveConnection>(*this, client_name);
  connections_.push_back(connection.get());
  const auto held = held_.find(client_name);
  if (held != held_.end() && held->second) {
    pending_.push_back({connection.get(), std::move(request), std::move(callbacks)});
  } else {
    start(*connection, std::move(request), std::move(callbacks));
  }
  return connection;
}

void LiveTransport::start(LiveConnection& connection, runtime::HandshakeRequest request,
                          scenarios::ClientCallbacks callbacks) {
  connection.attach(network_.connect(std::move(request), std::move(callbacks)));
  const auto interval = read_interval_ms_.find(sim::user_of_actor(connection.client()));
  if (interval != read_interval_ms_.end()) connection.socket()->set_read_interval(interval->second);
}

void LiveTransport::forget(LiveConnection* connection) {
  connections_.erase(std::remove(connections_.begin(), connections_.end(), connection), connections_.end());
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                [connection](const Pending& p) { return p.connection == connection; }),
                 pending_.end());
}

std::vector<std::string> LiveTransport::reset_user(const std::string& user) {
  std::vector<std::string> reset;
  // Copied first: a reset's on_closed runs later, but be safe against reentry.
  const std::vector<LiveConnection*> now = connections_;
  for (auto* c : now) {
    if (sim::user_of_actor(c->client()) != user || c->socket() == nullptr) continue;
    c->socket()->reset();
    reset.push_back(c->client());
  }
  return reset;
}

bool LiveTransport::abort_connection(const std::string& client_name, runtime::ConnectionId conn_id) {
  for (auto* c : connections_) {
    if (c->client() == client_name && c->socket() != nullptr && c->id() == conn_id) {
      c->socket()->abort();
      return true;
    }
  }
  return false;
}

void LiveTransport::set_read_interval(const std::string& user, std::int64_t ms) {
  read_interval_ms_[user] = ms;
  for (auto* c : connections_) {
    if (sim::user_of_actor(c->client()) == user && c->socket() != nullptr) c->socket()->set_read_interval(ms);
  }
}

void LiveTransport::hold(const std::string& client_name) { held_[client_name] = true; }

void LiveTransport::release_held() {
  for (auto& [name, held] : held_) held = false;
  std::vector<Pending> pending = std::exchange(pending_, {});
  for (auto& p : pending) {
    if (!p.connection->cancelled()) start(*p.connection, std::move(p.request), std::move(p.callbacks));
  }
}

}  // namespace bridgesim::cli
