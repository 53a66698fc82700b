#include "cli/probe_attacker.hpp"

#include <boost/json.hpp>

#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "sim/client_actor.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::cli {

namespace field = protocol::field;

LiveAttacker::LiveAttacker(const scenarios::ClientWorld& world, std::string user, std::string token)
    : world_(world), user_(std::move(user)), token_(std::move(token)), actor_(sim::ClientActor{user_, 3}.to_string()) {}

void LiveAttacker::start() {
  world_.trace.add(sim::make_connect_record(world_.elapsed_ns(), actor_, 1, std::string(sim::token_kind::kValid)));
  sim::ClientCallbacks callbacks;
  callbacks.on_open = [this](std::string) {
    world_.trace.add(sim::make_open_record(world_.elapsed_ns(), actor_, std::to_string(socket_->id())));
  };
  callbacks.on_rejected = [this](int status, std::string body) {
    world_.trace.add(sim::make_rejected_record(world_.elapsed_ns(), actor_, status, body));
  };
  callbacks.on_text = [this](std::string text) {
    world_.trace.add(sim::make_recv_record(world_.elapsed_ns(), actor_, std::to_string(socket_->id()), text));
    if (welcomed_ || text.find(protocol::event_type::kConnectionEstablished) == std::string::npos) return;
    welcomed_ = true;
    for (const auto& run : std::exchange(waiting_, {})) aim(run);
  };
  callbacks.on_closed = [this](std::uint16_t code, std::string) {
    world_.trace.add(
        sim::make_closed_record(world_.elapsed_ns(), actor_, socket_ ? std::to_string(socket_->id()) : "", code));
    welcomed_ = false;
  };
  socket_ = world_.transport.connect(actor_, {"/ws", "Bearer " + token_, {}}, std::move(callbacks));
}

void LiveAttacker::aim(const std::string& run) {
  if (!welcomed_) {
    waiting_.push_back(run);
    return;
  }
  send(boost::json::serialize(boost::json::object{
      {field::kType, protocol::client_type::kResume}, {field::kRunId, run}, {field::kAfterSeq, 0}}));
  send(boost::json::serialize(
      boost::json::object{{field::kType, protocol::client_type::kCancel}, {field::kRunId, run}}));
}

void LiveAttacker::send(std::string frame) {
  if (!socket_ || !socket_->is_open()) return;
  world_.trace.add(sim::make_send_record(world_.elapsed_ns(), actor_, std::to_string(socket_->id()), frame));
  socket_->send_text(std::move(frame));
}

}  // namespace bridgesim::cli
