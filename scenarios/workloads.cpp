#include "scenarios/workloads.hpp"

#include <boost/json.hpp>

namespace bridgesim::scenarios {

GoldenPathUser::GoldenPathUser(sim::Scheduler& scheduler, sim::SimNetwork& network, sim::Trace& trace, UserPlan plan,
                               sim::Rng rng)
    : scheduler_(scheduler), network_(network), trace_(trace), plan_(std::move(plan)), rng_(std::move(rng)),
      actor_("user:" + plan_.user_id) {}

void GoldenPathUser::record(std::string kind, std::vector<sim::Field> fields) {
  trace_.add(sim::TraceRecord{scheduler_.elapsed_ns(), actor_, std::move(kind), std::move(fields)});
}

void GoldenPathUser::start_at(runtime::Nanos at_ns) {
  scheduler_.post_after(at_ns - scheduler_.elapsed_ns(), [this] { connect(); });
}

void GoldenPathUser::connect() {
  runtime::HandshakeRequest request{"/ws", "Bearer " + plan_.token, {}};
  sim::ClientCallbacks callbacks;
  callbacks.on_open = [this](std::string) { record("open", {{"conn", std::to_string(socket_->id())}}); };
  callbacks.on_rejected = [this](int status, std::string body) {
    record("rejected", {{"status", std::to_string(status)}, {"body", std::move(body)}});
    done_ = true;
  };
  callbacks.on_text = [this](std::string text) { on_text(std::move(text)); };
  callbacks.on_closed = [this](std::uint16_t code, std::string) {
    record("closed", {{"conn", std::to_string(socket_->id())}, {"code", std::to_string(code)}});
    done_ = true;
  };
  socket_.emplace(network_.connect(actor_, std::move(request), std::move(callbacks)));
}

void GoldenPathUser::on_text(std::string text) {
  record("recv", {{"conn", std::to_string(socket_->id())}, {"frame", text}});
  boost::system::error_code ec;
  const auto frame = boost::json::parse(text, ec);
  if (ec || !frame.is_object()) return;  // properties judge malformed frames; the client just ignores them
  const auto* type = frame.as_object().if_contains("type");
  if (type == nullptr || !type->is_string()) return;
  if (*type == "connection_established") return send_next_message();
  const auto* thread = frame.as_object().if_contains("thread_id");
  const bool mine = thread != nullptr && thread->is_string() && thread->as_string() == current_thread_;
  if (mine && (*type == "agent_completed" || *type == "agent_error")) {
    const auto think = static_cast<runtime::Nanos>(
        rng_.uniform(static_cast<std::uint64_t>(plan_.think_min_ns), static_cast<std::uint64_t>(plan_.think_max_ns)));
    scheduler_.post_after(think, [this] { send_next_message(); });
  }
}

void GoldenPathUser::send_next_message() {
  if (!socket_ || !socket_->is_open()) return;
  if (sent_ == plan_.messages) {
    send(boost::json::serialize(boost::json::object{{"type", "disconnect"}}));
    return;
  }
  ++sent_;
  current_thread_ = plan_.user_id + "-t" + std::to_string(sent_);
  send(boost::json::serialize(boost::json::object{{"type", "user_message"},
                                                  {"thread_id", current_thread_},
                                                  {"text", "question " + std::to_string(sent_) + " from " + plan_.user_id},
                                                  {"client_msg_id", plan_.user_id + "-m" + std::to_string(sent_)}}));
}

void GoldenPathUser::send(std::string frame) {
  record("send", {{"conn", std::to_string(socket_->id())}, {"frame", frame}});
  socket_->send_text(std::move(frame));
}

}  // namespace bridgesim::scenarios
