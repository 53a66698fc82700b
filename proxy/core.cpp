// ProxyCore (accepting, the toxics, the schedule) and the FaultProxy facade.
#include <algorithm>
#include <stdexcept>

#include <boost/asio/connect.hpp>

#include "proxy/core.hpp"
#include "system/net/tls_context.hpp"

namespace bridgesim::proxy::detail {
namespace {

tcp::endpoint resolve(asio::io_context& io, const std::string& host, std::uint16_t port, std::string_view what) {
  error_code ec;
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve " + std::string(what) + " " + host + ":" + std::to_string(port) + ": " +
                             ec.message());
  }
  return results.begin()->endpoint();
}

tcp::acceptor bind(asio::io_context& io, const tcp::endpoint& at) {
  tcp::acceptor acceptor(io);
  error_code ec;
  acceptor.open(at.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(at, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + at.address().to_string() + ":" + std::to_string(at.port()) + ": " +
                             ec.message());
  }
  return acceptor;
}

}  // namespace

ProxyCore::ProxyCore(ProxyOptions options)
    : options_(std::move(options)),
      work_(asio::make_work_guard(io_)),
      acceptor_(bind(io_, resolve(io_, options_.listen_host, options_.listen_port, "listen address"))),
      upstream_(resolve(io_, options_.upstream_host, options_.upstream_port, "upstream")),
      port_(acceptor_.local_endpoint().port()),
      root_(options_.seed),
      masks_(root_.fork("masks")) {
  if (options_.upstream_port == 0) throw std::runtime_error("the upstream needs a port (host:port)");
  if (options_.upstream_tls.enabled) upstream_tls_ = net::make_client_tls_context(options_.upstream_tls);
  trace_.record(proxy_record::kListen, {{"name", options_.name},
                                        {"listen", options_.listen_host + ":" + std::to_string(port_)},
                                        {"upstream", std::string(options_.upstream_tls.enabled ? "wss://" : "") +
                                                         options_.upstream_host + ":" +
                                                         std::to_string(options_.upstream_port)},
                                        {"seed", std::to_string(options_.seed)}});
  accept();
  thread_ = std::thread([this] { io_.run(); });
}

ProxyCore::~ProxyCore() { stop(); }

void ProxyCore::stop() {
  if (stopped_) return;
  on_io([this] {
    error_code ignored;
    acceptor_.close(ignored);
    for (auto& timer : timers_) timer->cancel();
    for (auto& link : live()) link->close_all("proxy_stopped");  // each erases itself from links_
    return 0;
  });
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
  stopped_ = true;
}

void ProxyCore::accept() {
  acceptor_.async_accept([this](const error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      if (links_.size() >= options_.links_max) {
        error_code ignored;
        socket.close(ignored);
      } else {
        auto link = std::make_shared<Link>(*this, next_link_++, std::move(socket));
        links_[link->id()] = link;
        link->start();
      }
    }
    accept();
  });
}

void ProxyCore::link_closed(std::uint64_t id) { links_.erase(id); }

std::vector<std::shared_ptr<Link>> ProxyCore::live() const {
  std::vector<std::shared_ptr<Link>> out;
  for (const auto& [id, weak] : links_) {
    if (auto link = weak.lock()) out.push_back(std::move(link));
  }
  return out;
}

Toxic ProxyCore::add(Toxic toxic) {
  toxic = validated(std::move(toxic));
  for (const auto& t : toxics_) {
    if (t.toxic.name == toxic.name) throw ToxicError("a toxic named '" + toxic.name + "' exists on this proxy");
  }
  toxics_.push_back(ActiveToxic{toxic, root_.fork("toxic:" + toxic.name), trace_.now_ns()});
  trace_.record(proxy_record::kToxicAdded, {{"toxic", toxic.name},
                                            {"type", toxic.type},
                                            {"stream", std::string(stream_name(toxic.stream))},
                                            {"toxicity", std::to_string(toxic.toxicity)},
                                            {"attributes", toxic_to_json(toxic)}});
  const auto* info = toxic_type(toxic.type);
  if (info != nullptr && info->once) apply_once(toxics_.back());
  return toxic;
}

void ProxyCore::apply_once(const ActiveToxic& t) {
  for (auto& link : live()) {
    if (!t.toxic.targets(link->user())) continue;
    fault_hit(t, *link, 0, "link", {});
    link->apply_once(t.toxic);
  }
}

bool ProxyCore::remove(std::string_view name) {
  const auto it = std::find_if(toxics_.begin(), toxics_.end(), [&](const auto& t) { return t.toxic.name == name; });
  if (it == toxics_.end()) return false;
  toxics_.erase(it);
  trace_.record(proxy_record::kToxicRemoved, {{"toxic", std::string(name)}});
  for (auto& link : live()) link->kick();
  return true;
}

void ProxyCore::schedule(ScheduledToxic entry) {
  const auto at = [this](runtime::Nanos ns) {
    return SteadyClock::now() + std::chrono::nanoseconds(std::max<runtime::Nanos>(0, ns - trace_.now_ns()));
  };
  auto add_timer = std::make_unique<asio::steady_timer>(io_, at(entry.at_ns));
  auto heal_timer = std::make_unique<asio::steady_timer>(io_, at(entry.heal_ns));
  const std::string name = entry.toxic.name;
  add_timer->async_wait([this, toxic = entry.toxic](const error_code& ec) {
    if (ec) return;
    try {
      add(toxic);
    } catch (const ToxicError& e) {
      trace_.record(proxy_record::kNotApplied, {{"kind", toxic.type}, {"why", e.what()}});
    }
  });
  heal_timer->async_wait([this, name](const error_code& ec) {
    if (!ec) remove(name);
  });
  timers_.push_back(std::move(add_timer));
  timers_.push_back(std::move(heal_timer));
}

std::vector<Toxic> ProxyCore::toxic_list() const {
  std::vector<Toxic> out;
  for (const auto& t : toxics_) out.push_back(t.toxic);
  return out;
}

std::array<std::uint8_t, 4> ProxyCore::fresh_mask() {
  const auto v = masks_.next_u64();
  return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v >> 16),
          static_cast<std::uint8_t>(v >> 24)};
}

}  // namespace bridgesim::proxy::detail

namespace bridgesim::proxy {

FaultProxy::FaultProxy(ProxyOptions options) : core_(std::make_unique<detail::ProxyCore>(std::move(options))) {}
FaultProxy::~FaultProxy() { stop(); }

std::uint16_t FaultProxy::port() const { return core_->port(); }
const ProxyOptions& FaultProxy::options() const { return core_->options(); }
std::string FaultProxy::listen_address() const { return core_->options().listen_host + ":" + std::to_string(port()); }
std::string FaultProxy::upstream_address() const {
  return core_->options().upstream_host + ":" + std::to_string(core_->options().upstream_port);
}

Toxic FaultProxy::add_toxic(Toxic toxic) {
  return core_->on_io([&] { return core_->add(std::move(toxic)); });
}
bool FaultProxy::remove_toxic(std::string_view name) {
  return core_->on_io([&] { return core_->remove(name); });
}
void FaultProxy::remove_all_toxics() {
  core_->on_io([&] {
    for (const auto& t : core_->toxic_list()) core_->remove(t.name);
    return 0;
  });
}
std::vector<Toxic> FaultProxy::toxics() const {
  return core_->on_io([&] { return core_->toxic_list(); });
}
std::optional<Toxic> FaultProxy::toxic(std::string_view name) const {
  for (auto& t : toxics()) {
    if (t.name == name) return t;
  }
  return std::nullopt;
}
void FaultProxy::schedule(std::vector<ScheduledToxic> plan) {
  core_->on_io([&] {
    for (auto& entry : plan) core_->schedule(std::move(entry));
    return 0;
  });
}
const ProxyTrace& FaultProxy::trace() const { return core_->trace(); }
ProxyTrace& FaultProxy::trace() { return core_->trace(); }
std::size_t FaultProxy::live_links() const {
  return core_->on_io([&] { return core_->live_links(); });
}
void FaultProxy::stop() { core_->stop(); }

}  // namespace bridgesim::proxy
