#include "sim/sim_network.hpp"

#include <algorithm>
#include <stdexcept>

namespace bridgesim::sim {

enum class ServerState { kHandshake, kOpen, kCloseSent, kClosed };
enum class ClientState { kConnecting, kOpen, kClosing, kClosed };

struct Link {
  SimNetwork* net = nullptr;
  runtime::ConnectionId id = 0;
  std::string client_name;
  runtime::HandshakeRequest request;
  ClientCallbacks client;
  runtime::ConnectionEvents server;
  ServerState server_state = ServerState::kHandshake;
  ClientState client_state = ClientState::kConnecting;
  runtime::Nanos last_to_server_ns = 0;
  runtime::Nanos last_to_client_ns = 0;

  void record(std::string kind, std::vector<Field> extra) {
    std::vector<Field> fields{{"conn", std::to_string(id)}};
    for (auto& f : extra) fields.push_back(std::move(f));
    net->trace().add(TraceRecord{net->scheduler().elapsed_ns(), "net", std::move(kind), std::move(fields)});
  }

  // Server side closed for good: on_closed exactly once.
  void server_closed(std::uint16_t code, std::string reason) {
    if (server_state == ServerState::kClosed) return;
    server_state = ServerState::kClosed;
    auto events = std::move(server);
    server = {};
    if (events.on_closed) events.on_closed(code, std::move(reason));
  }

  void client_closed(std::uint16_t code, std::string reason) {
    if (client_state == ClientState::kClosed) return;
    client_state = ClientState::kClosed;
    if (client.on_closed) client.on_closed(code, std::move(reason));
  }
};

namespace {

class ServerSide final : public runtime::Connection {
 public:
  explicit ServerSide(std::shared_ptr<Link> link) : link_(std::move(link)) {}

  runtime::ConnectionId id() const override { return link_->id; }
  const runtime::HandshakeRequest& handshake() const override { return link_->request; }

  void accept(std::string_view subprotocol, runtime::ConnectionEvents events) override {
    Link& l = *link_;
    if (l.server_state != ServerState::kHandshake) {
      l.net->violation(l, "accept called twice");
      return;
    }
    l.server_state = ServerState::kOpen;
    l.server = std::move(events);
    l.record("accept", {{"subprotocol", std::string(subprotocol)}});
    l.net->deliver(l, false, [link = link_, sub = std::string(subprotocol)] {
      if (link->client_state != ClientState::kConnecting) return;
      link->client_state = ClientState::kOpen;
      if (link->client.on_open) link->client.on_open(sub);
    });
  }

  void reject(int http_status, std::string_view body) override {
    Link& l = *link_;
    if (l.server_state != ServerState::kHandshake) {
      l.net->violation(l, "reject after accept");
      return;
    }
    l.server_state = ServerState::kClosed;
    l.record("reject", {{"status", std::to_string(http_status)}});
    l.net->deliver(l, false, [link = link_, http_status, b = std::string(body)] {
      link->client_state = ClientState::kClosed;
      if (link->client.on_rejected) link->client.on_rejected(http_status, b);
    });
  }

  void send_text(std::string text) override {
    Link& l = *link_;
    if (l.server_state == ServerState::kHandshake) {
      l.net->violation(l, "send before accept: Need to call accept first");
      return;
    }
    if (l.server_state != ServerState::kOpen) {
      l.net->violation(l, "send after close: Cannot call send once a close message has been sent");
      return;
    }
    l.net->deliver(l, false, [link = link_, t = std::move(text)]() mutable {
      if (link->client_state != ClientState::kOpen) return;  // client already closing: frame discarded
      if (link->client.on_text) link->client.on_text(std::move(t));
    });
  }

  void close(std::uint16_t code, std::string_view reason) override {
    Link& l = *link_;
    if (l.server_state == ServerState::kHandshake) {
      l.net->violation(l, "close before accept");
      return;
    }
    if (l.server_state != ServerState::kOpen) {
      l.net->violation(l, "close after close");
      return;
    }
    l.server_state = ServerState::kCloseSent;
    l.record("close", {{"by", "server"}, {"code", std::to_string(code)}});
    // Close frame to the client; the client echoes it; then the server side is closed.
    l.net->deliver(l, false, [link = link_, code, r = std::string(reason)] {
      link->client_closed(code, r);
      link->net->deliver(*link, true, [link, code, r] { link->server_closed(code, r); });
    });
  }

 private:
  std::shared_ptr<Link> link_;
};

}  // namespace

runtime::ConnectionId ClientSocket::id() const { return link_->id; }

bool ClientSocket::is_open() const { return link_->client_state == ClientState::kOpen; }

void ClientSocket::send_text(std::string text) {
  Link& l = *link_;
  if (l.client_state != ClientState::kOpen) {
    l.record("client_send_dropped", {{"why", "client socket not open"}});
    return;
  }
  l.net->deliver(l, true, [link = link_, t = std::move(text)]() mutable {
    if (link->server_state != ServerState::kOpen) return;  // server sent close: data after it is ignored
    if (link->server.on_text) link->server.on_text(std::move(t));
  });
}

void ClientSocket::close(std::uint16_t code, std::string reason) {
  Link& l = *link_;
  if (l.client_state != ClientState::kOpen) return;
  l.client_state = ClientState::kClosing;
  l.record("close", {{"by", "client"}, {"code", std::to_string(code)}});
  l.net->deliver(l, true, [link = link_, code, reason] {
    if (link->server_state == ServerState::kHandshake || link->server_state == ServerState::kClosed) return;
    link->server_closed(code, reason);
    // The server's transport echoes the close frame.
    link->net->deliver(*link, false, [link, code, reason] { link->client_closed(code, reason); });
  });
}

SimNetwork::SimNetwork(Scheduler& scheduler, Rng rng, Trace& trace, NetworkConfig config)
    : scheduler_(scheduler), rng_(std::move(rng)), trace_(trace), config_(config) {
  if (config_.latency_min_ns < 0 || config_.latency_max_ns < config_.latency_min_ns) {
    throw std::invalid_argument("NetworkConfig: need 0 <= latency_min_ns <= latency_max_ns");
  }
}

SimNetwork::~SimNetwork() {
  // Break Link -> callbacks -> Link cycles held by clients and the system.
  for (auto& link : links_) {
    link->client = {};
    link->server = {};
  }
}

ClientSocket SimNetwork::connect(std::string client_name, runtime::HandshakeRequest request, ClientCallbacks callbacks) {
  auto link = std::make_shared<Link>();
  link->net = this;
  link->id = next_id_++;
  link->client_name = std::move(client_name);
  link->request = std::move(request);
  link->client = std::move(callbacks);
  links_.push_back(link);
  link->record("connect", {{"client", link->client_name}, {"target", link->request.target}});
  deliver(*link, true, [this, link] {
    if (!acceptor_) throw std::logic_error("SimNetwork: no acceptor set");
    acceptor_(std::make_shared<ServerSide>(link));
  });
  return ClientSocket(link);
}

std::size_t SimNetwork::open_server_sides() const {
  return static_cast<std::size_t>(std::count_if(links_.begin(), links_.end(), [](const auto& l) {
    return l->server_state == ServerState::kOpen || l->server_state == ServerState::kCloseSent;
  }));
}

void SimNetwork::deliver(Link& link, bool to_server, std::function<void()> fn) {
  const runtime::Nanos latency = static_cast<runtime::Nanos>(
      rng_.uniform(static_cast<std::uint64_t>(config_.latency_min_ns), static_cast<std::uint64_t>(config_.latency_max_ns)));
  runtime::Nanos& last = to_server ? link.last_to_server_ns : link.last_to_client_ns;
  // Strictly after the previous frame of this direction: the scheduler breaks
  // ties at random, and a TCP stream never reorders.
  const runtime::Nanos at = std::max(scheduler_.elapsed_ns() + latency, last + 1);
  last = at;
  scheduler_.post_after(at - scheduler_.elapsed_ns(), std::move(fn));
}

void SimNetwork::violation(const Link& link, std::string what) {
  trace_.add(TraceRecord{scheduler_.elapsed_ns(), "net", "violation",
                         {{"conn", std::to_string(link.id)}, {"what", std::move(what)}}});
}

}  // namespace bridgesim::sim
