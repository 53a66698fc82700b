#include "sim/sim_network.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim/client_actor.hpp"
#include "sim/fault_hit.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::sim {

enum class ServerState { kHandshake, kOpen, kCloseSent, kClosed };
enum class ClientState { kConnecting, kOpen, kClosing, kClosed };

struct Link {
  SimNetwork* net = nullptr;
  runtime::ConnectionId id = 0;
  std::string client_name;
  std::string user_id;       // from client_name: faults aim at users
  bool client_gone = false;  // the client aborted while the server was still deciding
  std::size_t in_flight_to_client = 0;
  bool lag_witnessed = false;  // the first send beyond the outbound bound was recorded
  runtime::HandshakeRequest request;
  ClientCallbacks client;
  runtime::ConnectionEvents server;
  ServerState server_state = ServerState::kHandshake;
  ClientState client_state = ClientState::kConnecting;
  runtime::Nanos last_to_server_ns = 0;
  runtime::Nanos last_to_client_ns = 0;

  void record(std::string_view kind, std::vector<Field> extra) {
    std::vector<Field> fields{make_field(record_field::kConn, std::to_string(id))};
    for (auto& f : extra) fields.push_back(std::move(f));
    net->trace().add(
        TraceRecord{net->scheduler().elapsed_ns(), std::string(actor::kNet), std::string(kind), std::move(fields)});
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
    l.record(record::kAccept, {make_field(record_field::kSubprotocol, std::string(subprotocol))});
    if (l.client_gone) {
      // The client left during the handshake: the server learns it now.
      l.net->deliver(l, true,
                     [link = link_] { link->server_closed(runtime::close_code::kAbnormal, "client went away"); });
      return;
    }
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
    l.record(record::kReject, {make_field(record_field::kStatus, std::to_string(http_status))});
    if (l.client_gone) return;  // the client aborted the handshake: it already saw on_closed
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
    const std::size_t max = l.net->outbound_frames_max();
    if (max > 0 && l.in_flight_to_client >= max && !l.lag_witnessed) {
      l.lag_witnessed = true;
      l.net->trace().add(make_outbound_record(l.net->scheduler().elapsed_ns(), std::to_string(l.id), "send",
                                              l.in_flight_to_client, max));
    }
    ++l.in_flight_to_client;
    l.net->deliver(l, false, [link = link_, t = std::move(text)]() mutable {
      --link->in_flight_to_client;
      if (link->client_state != ClientState::kOpen) return;  // client already closing: frame discarded
      if (link->client.on_text) link->client.on_text(std::move(t));
    });
  }

  std::size_t buffered_frames() const override { return link_->in_flight_to_client; }

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
    if (code == runtime::close_code::kTryAgainLater) {
      l.net->trace().add(make_outbound_record(l.net->scheduler().elapsed_ns(), std::to_string(l.id), "close",
                                              l.in_flight_to_client, l.net->outbound_frames_max()));
    }
    l.record(record::kClose,
             {make_field(record_field::kBy, "server"), make_field(record_field::kCode, std::to_string(code))});
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
    l.record(record::kClientSendDropped, {make_field(record_field::kWhy, "client socket not open")});
    return;
  }
  l.net->deliver(l, true, [link = link_, t = std::move(text)]() mutable {
    if (link->server_state != ServerState::kOpen) return;  // server sent close: data after it is ignored
    if (link->server.on_text) link->server.on_text(std::move(t));
  });
}

void ClientSocket::abort() {
  Link& l = *link_;
  if (l.client_state == ClientState::kClosed) return;
  l.record(record::kAbort, {make_field(record_field::kBy, "client")});
  const bool handshaking = l.client_state == ClientState::kConnecting;
  l.client_state = ClientState::kClosed;
  l.net->scheduler().post_after(0, [link = link_] {
    if (link->client.on_closed) link->client.on_closed(runtime::close_code::kAbnormal, "aborted");
  });
  if (handshaking && l.server_state == ServerState::kHandshake) {
    l.client_gone = true;  // the server finds out when it tries to accept
    return;
  }
  l.net->deliver(l, true,
                 [link = link_] { link->server_closed(runtime::close_code::kAbnormal, "connection reset by peer"); });
}

void ClientSocket::close(std::uint16_t code, std::string reason) {
  Link& l = *link_;
  if (l.client_state != ClientState::kOpen) return;
  l.client_state = ClientState::kClosing;
  l.record(record::kClose,
           {make_field(record_field::kBy, "client"), make_field(record_field::kCode, std::to_string(code))});
  l.net->deliver(l, true, [link = link_, code, reason] {
    if (link->server_state == ServerState::kHandshake || link->server_state == ServerState::kClosed) return;
    link->server_closed(code, reason);
    // The server's transport echoes the close frame.
    link->net->deliver(*link, false, [link, code, reason] { link->client_closed(code, reason); });
  });
}

SimNetwork::SimNetwork(Scheduler& scheduler, Rng rng, Trace& trace, NetworkConfig config, const FaultPlan* faults)
    : scheduler_(scheduler), rng_(std::move(rng)), trace_(trace), config_(config), faults_(faults) {
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

ClientSocket SimNetwork::connect(std::string client_name, runtime::HandshakeRequest request,
                                 ClientCallbacks callbacks) {
  auto link = std::make_shared<Link>();
  link->net = this;
  link->id = next_id_++;
  link->client_name = std::move(client_name);
  link->user_id = user_of_actor(link->client_name);
  link->request = std::move(request);
  link->client = std::move(callbacks);
  links_.push_back(link);
  link->record(record::kConnect, {make_field(record_field::kClient, link->client_name),
                                  make_field(record_field::kTarget, link->request.target)});
  deliver(*link, true, [this, link] {
    if (!acceptor_) throw std::logic_error("SimNetwork: no acceptor set");
    acceptor_(std::make_shared<ServerSide>(link));
  });
  return ClientSocket(link);
}

runtime::ConnectionId SimNetwork::http_request(std::string client_name, HttpExchange request,
                                               std::function<void(HttpAnswer)> on_answer) {
  // A link of its own, never listed: no WebSocket state, nothing to drop.
  auto link = std::make_shared<Link>();
  link->net = this;
  link->id = next_id_++;
  link->client_name = std::move(client_name);
  link->user_id = user_of_actor(link->client_name);
  deliver(*link, true, [this, link, request = std::move(request), done = std::move(on_answer)]() mutable {
    HttpAnswer answer = http_server_ ? http_server_(request) : HttpAnswer{503, R"({"error":"no server"})"};
    trace_.add(make_http_served_record(scheduler_.elapsed_ns(), std::to_string(link->id), link->client_name,
                                       request.target, answer.status));
    deliver(*link, false, [answer = std::move(answer), done = std::move(done)]() mutable { done(std::move(answer)); });
  });
  return link->id;
}

std::size_t SimNetwork::open_server_sides() const {
  return static_cast<std::size_t>(std::count_if(links_.begin(), links_.end(), [](const auto& l) {
    return l->server_state == ServerState::kOpen || l->server_state == ServerState::kCloseSent;
  }));
}

runtime::Nanos SimNetwork::frame_delay(const Link& link, bool to_server) {
  const runtime::Nanos now = scheduler_.elapsed_ns();
  auto draw = [this](runtime::Nanos lo, runtime::Nanos hi) {
    return static_cast<runtime::Nanos>(rng_.uniform(static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(hi)));
  };
  runtime::Nanos lo = config_.latency_min_ns, hi = config_.latency_max_ns;
  if (faults_ == nullptr) return draw(lo, hi);
  const std::string& user = link.user_id;
  if (const Fault* f = faults_->active(FaultKind::kLatency, now, user)) {
    hit(*f, link);
    lo = f->int_param("min_ms", 0) * runtime::kNanosPerMilli;
    hi = std::max(lo, f->int_param("max_ms", 0) * runtime::kNanosPerMilli);
  }
  runtime::Nanos delay = draw(lo, hi);
  if (const Fault* f = faults_->active(FaultKind::kLatencySpike, now, user)) {
    if (rng_.chance(static_cast<std::uint32_t>(f->int_param("per_million", 0)))) {
      hit(*f, link);
      delay += f->int_param("spike_ms", 0) * runtime::kNanosPerMilli;
    }
  }
  if (const Fault* f = faults_->active(FaultKind::kJitter, now, user)) {
    hit(*f, link);
    delay += draw(0, f->int_param("max_ms", 0) * runtime::kNanosPerMilli);
  }
  if (const Fault* f = faults_->active(FaultKind::kReorder, now, user)) {
    // One extra delay per connection, direction and window: whole streams
    // overtake each other, each stream stays in order.
    hit(*f, link);
    const runtime::Nanos window = f->int_param("window_ms", 1) * runtime::kNanosPerMilli;
    std::uint64_t h =
        fnv1a64(std::to_string(link.id) + (to_server ? "s" : "c") + std::to_string(now / window), rng_.seed());
    delay += static_cast<runtime::Nanos>(splitmix64(h) % static_cast<std::uint64_t>(window));
  }
  if (const Fault* f = faults_->active(FaultKind::kPartition, now, user)) {
    // Held until the partition heals (TCP retransmits): late, never lost.
    hit(*f, link);
    delay = std::max(delay, f->heal_ns - now + delay);
  }
  if (!to_server) {
    if (const Fault* f = faults_->active(FaultKind::kSlowConsumer, now, user)) {
      hit(*f, link);
      delay =
          std::max(delay, link.last_to_client_ns - now + f->int_param("read_interval_ms", 1) * runtime::kNanosPerMilli);
    }
  }
  return delay;
}

void SimNetwork::hit(const Fault& fault, const Link& link) {
  if (!hits_.insert({&fault, link.id}).second) return;
  trace_.add(fault_hit(scheduler_.elapsed_ns(), std::string(actor::kNet), fault.kind,
                       {make_field(record_field::kConn, std::to_string(link.id))}));
}

void SimNetwork::deliver(Link& link, bool to_server, std::function<void()> fn) {
  const runtime::Nanos latency = frame_delay(link, to_server);
  runtime::Nanos& last = to_server ? link.last_to_server_ns : link.last_to_client_ns;
  // Strictly after the previous frame of this direction: the scheduler breaks
  // ties at random, and a TCP stream never reorders.
  const runtime::Nanos at = std::max(scheduler_.elapsed_ns() + latency, last + 1);
  last = at;
  scheduler_.post_after(at - scheduler_.elapsed_ns(), std::move(fn));
}

void SimNetwork::drop_user_connections(const std::string& user_id, FaultKind kind, bool with_close_frame) {
  for (const auto& link : links_) {
    if (link->user_id != user_id) continue;
    if (link->server_state != ServerState::kOpen && link->server_state != ServerState::kCloseSent) continue;
    const std::uint16_t code = with_close_frame ? runtime::close_code::kGoingAway : runtime::close_code::kAbnormal;
    link->record(kFaultHitKind, fault_hit_fields(kind, {make_field(record_field::kCode, std::to_string(code))}));
    // The transport tells both ends; the server side hears it at once.
    const std::string reason = with_close_frame ? "server going away" : "connection reset";
    deliver(*link, false, [link, code, reason] { link->client_closed(code, reason); });
    link->server_closed(code, reason);
  }
}

void SimNetwork::schedule_server_drops() {
  if (faults_ == nullptr) return;
  for (const auto& f : faults_->faults) {
    if (f.kind != FaultKind::kServerClose && f.kind != FaultKind::kReset) continue;
    const std::string user(user_of_target(f.target).value_or(std::string_view()));
    const bool frame = f.kind == FaultKind::kServerClose && f.string_param("frame", "true") == "true";
    const FaultKind kind = f.kind;
    scheduler_.post_after(f.at_ns, [this, user, kind, frame] { drop_user_connections(user, kind, frame); });
  }
}

void SimNetwork::violation(const Link& link, std::string what) {
  trace_.add(TraceRecord{
      scheduler_.elapsed_ns(),
      std::string(actor::kNet),
      std::string(record::kViolation),
      {make_field(record_field::kConn, std::to_string(link.id)), make_field(record_field::kWhat, std::move(what))}});
}

}  // namespace bridgesim::sim
