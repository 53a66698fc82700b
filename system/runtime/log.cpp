#include "system/runtime/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace bridgesim::runtime {
namespace {

class ClockFlag final : public spdlog::custom_flag_formatter {
 public:
  explicit ClockFlag(const Clock& clock) : clock_(clock) {}
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const Nanos now = clock_.now_ns();
    const std::string text = fmt::format("{}.{:06}", now / kNanosPerSecond, (now % kNanosPerSecond) / kNanosPerMicro);
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<ClockFlag>(clock_); }

 private:
  const Clock& clock_;
};

}  // namespace

Logger make_logger(std::string name, const Clock& clock, bool to_stderr) {
  spdlog::sink_ptr sink;
  if (to_stderr) {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_st>();
  } else {
    sink = std::make_shared<spdlog::sinks::null_sink_st>();
  }
  auto logger = std::make_shared<spdlog::logger>(std::move(name), std::move(sink));
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<ClockFlag>('*', clock).set_pattern("[%*] [%^%l%$] %n: %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(to_stderr ? spdlog::level::info : spdlog::level::off);
  return logger;
}

}  // namespace bridgesim::runtime
