// The contract's real world: a net::AppServer (raw entry points or the App)
// and a net::AsyncClientTransport on its io_context, run by the test's
// thread, over 127.0.0.1 (ephemeral port).
#include <boost/asio/io_context.hpp>

#include "system/net/app_server.hpp"
#include "system/net/async_client.hpp"
#include "system/net/server.hpp"
#include "tests/contract/worlds.hpp"

namespace bridgesim::contract {
namespace {

constexpr char kHost[] = "127.0.0.1";
constexpr auto kRunBound = std::chrono::milliseconds(5'000);
constexpr auto kSettle = std::chrono::milliseconds(200);

class BeastClient final : public Client {
 public:
  BeastClient(net::AsyncClientTransport& transport, runtime::HandshakeRequest request)
      : connection_(transport.connect(std::move(request), recording_callbacks(log_))) {}

  void send_text(std::string text) override { connection_->send_text(std::move(text)); }
  void close(std::uint16_t code, std::string reason) override { connection_->close(code, std::move(reason)); }
  void abort() override { connection_->abort(); }

 private:
  std::unique_ptr<net::AsyncClientConnection> connection_;
};

class BeastWorld final : public World {
 public:
  ~BeastWorld() override {
    // Everything that owns a socket goes while the io_context (host_) still exists.
    servers_.clear();
    transport_.reset();
  }

  const char* name() const override { return "beast"; }

  void serve_raw() override {
    net::ServerHandlers handlers;
    handlers.on_connection = [this](std::shared_ptr<runtime::Connection> connection) {
      servers_.push_back(std::make_shared<ServerSide>(ServerSide{std::move(connection), {}, {}}));
    };
    handlers.on_http = [](const system::HttpRequest&) {
      return system::HttpResponse{404, "application/json", R"({"error":"not found"})"};
    };
    handlers.logger = host_.logger();
    listen(std::move(handlers));
  }

  void serve_app(system::AppConfig config) override {
    listen(net::handlers_for(host_.make_app(std::move(config), system::Components::defaults())));
  }

  std::unique_ptr<Client> connect(runtime::HandshakeRequest request) override {
    return std::make_unique<BeastClient>(*transport_, std::move(request));
  }

  bool run_until(const std::function<bool()>& done) override {
    const auto deadline = std::chrono::steady_clock::now() + kRunBound;
    while (!done()) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      if (io().stopped()) io().restart();
      io().run_one_for(deadline - now);
    }
    return true;
  }

  void settle() override {
    const auto deadline = std::chrono::steady_clock::now() + kSettle;
    while (std::chrono::steady_clock::now() < deadline) {
      if (io().stopped()) io().restart();
      io().run_one_until(deadline);
    }
  }

  std::uint64_t violations() const override { return host_.server().protocol_violations(); }

  void server_going_away() override { host_.server().stop(); }

  const runtime::Clock& clock() const override { return host_.clock(); }

 private:
  void listen(net::ServerHandlers handlers) {
    const auto& server = host_.listen(kHost, 0, net::ServerLimits{}, std::move(handlers));
    transport_ = std::make_unique<net::AsyncClientTransport>(io(), kHost, server.port());
  }

  boost::asio::io_context& io() { return host_.io(); }

  net::AppServer host_{{.seed = 6, .log_name = "contract-beast", .log_to_stderr = false}};  // first: destroyed last
  std::unique_ptr<net::AsyncClientTransport> transport_;
};

}  // namespace

std::unique_ptr<World> make_beast_world() { return std::make_unique<BeastWorld>(); }

}  // namespace bridgesim::contract
