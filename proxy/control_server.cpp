// The control API on the project's HTTP server (net::Server with handlers of
// its own): no WebSocket here, every upgrade is refused 404.
#include <thread>

#include <boost/asio/io_context.hpp>

#include "proxy/control_api.hpp"
#include "system/http_api.hpp"
#include "system/net/real_runtime.hpp"
#include "system/net/server.hpp"
#include "system/runtime/log.hpp"

namespace bridgesim::proxy {
namespace detail {

struct ControlServerParts {
  boost::asio::io_context io;
  net::RealClock clock;
  runtime::Logger logger = runtime::make_logger("proxy-api", clock, false);
  std::unique_ptr<net::Server> server;
  std::thread thread;
};

}  // namespace detail

ControlServer::ControlServer(ProxyRegistry& registry, const std::string& host, std::uint16_t port)
    : parts_(std::make_unique<detail::ControlServerParts>()) {
  net::ServerHandlers handlers;
  handlers.logger = parts_->logger;
  handlers.on_connection = [](std::shared_ptr<runtime::Connection> conn) {
    conn->reject(404, "{\"error\":\"the control API takes no WebSocket\",\"status\":404}");
  };
  handlers.on_http = [&registry](const system::HttpRequest& request) {
    const ControlResponse r = registry.handle(request.method, request.target, request.body);
    return system::HttpResponse{r.status, r.content_type, r.body};
  };
  parts_->server = std::make_unique<net::Server>(parts_->io, host, port, net::ServerLimits{}, std::move(handlers));
  parts_->thread = std::thread([this] { parts_->io.run(); });
}

ControlServer::~ControlServer() {
  parts_->server->stop([this] { parts_->io.stop(); });
  parts_->thread.join();
  parts_->server.reset();
}

std::uint16_t ControlServer::port() const { return parts_->server->port(); }

}  // namespace bridgesim::proxy
