#include "cli/live_transport.hpp"

#include <algorithm>
#include <utility>

namespace bridgesim::cli {
namespace {

class LiveConnection final : public scenarios::ClientConnection {
 public:
  explicit LiveConnection(std::unique_ptr<net::AsyncClientConnection> connection)
      : connection_(std::move(connection)) {}
  runtime::ConnectionId id() const override { return connection_->id(); }
  bool is_open() const override { return connection_->is_open(); }
  void send_text(std::string text) override { connection_->send_text(std::move(text)); }
  void close(std::uint16_t code, std::string reason) override { connection_->close(code, std::move(reason)); }
  void abort() override { connection_->abort(); }

 private:
  std::unique_ptr<net::AsyncClientConnection> connection_;
};

}  // namespace

runtime::TimerHandle NonNegativeTimers::call_after(runtime::Nanos delay_ns, std::function<void()> fn) {
  return inner_.call_after(std::max<runtime::Nanos>(delay_ns, 0), std::move(fn));
}

std::unique_ptr<scenarios::ClientConnection> LiveTransport::connect(std::string, runtime::HandshakeRequest request,
                                                                    scenarios::ClientCallbacks callbacks) {
  request.target = target_;
  return std::make_unique<LiveConnection>(network_.connect(std::move(request), std::move(callbacks)));
}

}  // namespace bridgesim::cli
