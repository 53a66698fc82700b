#include "scenarios/client_world.hpp"

namespace bridgesim::scenarios {
namespace {

class SimClientConnection final : public ClientConnection {
 public:
  explicit SimClientConnection(sim::ClientSocket socket) : socket_(std::move(socket)) {}
  runtime::ConnectionId id() const override { return socket_.id(); }
  bool is_open() const override { return socket_.is_open(); }
  void send_text(std::string text) override { socket_.send_text(std::move(text)); }
  void close(std::uint16_t code, std::string reason) override { socket_.close(code, std::move(reason)); }
  void abort() override { socket_.abort(); }

 private:
  sim::ClientSocket socket_;
};

}  // namespace

std::unique_ptr<ClientConnection> SimClientTransport::connect(std::string client_name,
                                                              runtime::HandshakeRequest request,
                                                              ClientCallbacks callbacks) {
  return std::make_unique<SimClientConnection>(
      network_.connect(std::move(client_name), std::move(request), std::move(callbacks)));
}

}  // namespace bridgesim::scenarios
