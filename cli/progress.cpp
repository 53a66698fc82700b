#include "cli/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>

namespace bridgesim::cli {
namespace {

std::string duration_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, s / 60 % 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%llds", s);
  }
  return buf;
}

}  // namespace

std::string utc_stamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  char buf[32] = "";
  if (gmtime_r(&now, &utc) != nullptr) std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

SweepProgress::SweepProgress(std::size_t scenarios, std::uint64_t runs_per_scenario, bool tty, std::FILE* out,
                             Clock clock, Stamp stamp)
    : scenarios_(scenarios),
      total_runs_(static_cast<std::uint64_t>(scenarios) * runs_per_scenario),
      tty_(tty),
      out_(out),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      stamp_(stamp ? std::move(stamp) : Stamp(utc_stamp)),
      started_(clock_()) {}

SweepProgress::SweepProgress(std::size_t scenarios, std::uint64_t runs_per_scenario, const std::string& variant)
    : SweepProgress(scenarios, runs_per_scenario, isatty(STDERR_FILENO) != 0) {
  variant_ = variant;
}

std::function<void(std::uint64_t, std::uint64_t)> SweepProgress::start_scenario(const std::string& name) {
  ++scenario_index_;
  scenario_ = variant_.empty() ? name : name + "[" + variant_ + "]";
  if (tty_) {
    draw_bar(0);
  } else {
    last_draw_ = clock_();  // the first heartbeat comes kLogEvery into the scenario
  }
  return callback();
}

std::function<void(std::uint64_t, std::uint64_t)> SweepProgress::callback() {
  return [this](std::uint64_t done, std::uint64_t total) { update(done, total); };
}

std::string SweepProgress::eta(std::uint64_t done_all) const {
  if (done_all == 0 || done_all >= total_runs_) return "ETA --";
  const double elapsed = std::chrono::duration<double>(clock_() - started_).count();
  const double left = elapsed / static_cast<double>(done_all) * static_cast<double>(total_runs_ - done_all);
  return "ETA " + duration_text(left);
}

std::string SweepProgress::status(std::uint64_t done_in_scenario, bool finished) const {
  const std::uint64_t done_all = std::min(total_runs_, runs_done_ + done_in_scenario);
  char buf[160];
  std::snprintf(buf, sizeof buf, "%llu/%llu runs, %llu failing seeds, %s", static_cast<unsigned long long>(done_all),
                static_cast<unsigned long long>(total_runs_), static_cast<unsigned long long>(failing_seeds_),
                eta(done_all).c_str());
  return "scenario " + std::to_string(scenario_index_) + "/" + std::to_string(scenarios_) + " " + scenario_ +
         (finished ? " done: " : ": ") + buf;
}

void SweepProgress::draw_bar(std::uint64_t done_in_scenario) {
  const std::uint64_t done_all = std::min(total_runs_, runs_done_ + done_in_scenario);
  const int width = 24;
  const int filled = total_runs_ == 0 ? width : static_cast<int>(width * done_all / total_runs_);
  std::fprintf(out_, "\r\x1b[K[%s%s] %s", std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
               status(done_in_scenario, false).c_str());
  std::fflush(out_);
  bar_shown_ = true;
  drew_once_ = true;
  last_draw_ = clock_();
  ++draws_;
}

void SweepProgress::clear_bar() {
  if (!bar_shown_) return;
  std::fputs("\r\x1b[K", out_);
  std::fflush(out_);
  bar_shown_ = false;
}

void SweepProgress::update(std::uint64_t done, std::uint64_t total) {
  (void)total;  // the sweep's total is known from the start
  const auto now = clock_();
  if (tty_) {
    if (!drew_once_ || !bar_shown_ || now - last_draw_ >= kRedrawEvery) draw_bar(done);
    return;
  }
  if (now - last_draw_ < kLogEvery) return;
  last_draw_ = now;
  std::fprintf(out_, "%s %s\n", stamp_().c_str(), status(done, false).c_str());
  std::fflush(out_);
  ++draws_;
}

void SweepProgress::finish_scenario(std::uint64_t runs, std::uint64_t failing_seeds) {
  runs_done_ += runs;
  failing_seeds_ += failing_seeds;
  if (tty_) {
    clear_bar();
    return;
  }
  std::fprintf(out_, "%s %s\n", stamp_().c_str(), status(0, true).c_str());
  std::fflush(out_);
  ++draws_;
}

void SweepProgress::finish() { clear_bar(); }

}  // namespace bridgesim::cli
