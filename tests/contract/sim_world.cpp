// The contract's simulated world: sim::SimNetwork on a seeded scheduler.
#include <algorithm>

#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "sim/sim_network.hpp"
#include "sim/trace.hpp"
#include "system/runtime/log.hpp"
#include "tests/contract/worlds.hpp"

namespace bridgesim::contract {
namespace {

constexpr std::uint64_t kSeed = 6;
constexpr runtime::Nanos kRunBoundNs = 60 * runtime::kNanosPerSecond;
constexpr runtime::Nanos kSettleNs = 200 * runtime::kNanosPerMilli;
constexpr char kClientName[] = "user:u1";

class SimClient final : public Client {
 public:
  SimClient(sim::SimNetwork& network, runtime::HandshakeRequest request)
      : socket_(network.connect(kClientName, std::move(request), recording_callbacks(log_))) {}

  void send_text(std::string text) override { socket_.send_text(std::move(text)); }
  void close(std::uint16_t code, std::string reason) override { socket_.close(code, std::move(reason)); }
  void abort() override { socket_.abort(); }

 private:
  sim::ClientSocket socket_;
};

class SimWorld final : public World {
 public:
  SimWorld()
      : root_(kSeed),
        scheduler_(root_.fork("scheduler")),
        network_(scheduler_, root_.fork("network"), trace_, sim::NetworkConfig{}),
        app_random_(root_.fork("app")) {}

  const char* name() const override { return "sim"; }

  void serve_raw() override {
    network_.set_acceptor([this](std::shared_ptr<runtime::Connection> connection) {
      servers_.push_back(std::make_shared<ServerSide>(ServerSide{std::move(connection), {}, {}}));
    });
  }

  void serve_app(system::AppConfig config) override {
    app_ =
        std::make_unique<system::App>(std::move(config), system::Runtime{scheduler_, scheduler_, app_random_, logger_},
                                      system::Components::defaults());
    network_.set_acceptor(
        [this](std::shared_ptr<runtime::Connection> connection) { app_->on_connection(std::move(connection)); });
  }

  std::unique_ptr<Client> connect(runtime::HandshakeRequest request) override {
    return std::make_unique<SimClient>(network_, std::move(request));
  }

  bool run_until(const std::function<bool()>& done) override {
    const runtime::Nanos bound = scheduler_.elapsed_ns() + kRunBoundNs;
    while (!done()) {
      if (scheduler_.elapsed_ns() > bound || !scheduler_.step()) return done();
    }
    return true;
  }

  void settle() override { scheduler_.run_until(scheduler_.elapsed_ns() + kSettleNs); }

  std::uint64_t violations() const override {
    const auto& records = trace_.records();
    return static_cast<std::uint64_t>(
        std::count_if(records.begin(), records.end(), [](const sim::TraceRecord& r) { return r.kind == "violation"; }));
  }

  void server_going_away() override { network_.drop_user_connections("u1", sim::FaultKind::kServerClose, true); }

  const runtime::Clock& clock() const override { return scheduler_; }

 private:
  sim::Rng root_;
  sim::Scheduler scheduler_;
  sim::Trace trace_;
  sim::SimNetwork network_;
  sim::Rng app_random_;
  runtime::Logger logger_ = runtime::make_logger("contract-sim", scheduler_, false);
  std::unique_ptr<system::App> app_;
};

}  // namespace

std::unique_ptr<World> make_sim_world() { return std::make_unique<SimWorld>(); }

}  // namespace bridgesim::contract
