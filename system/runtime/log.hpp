#pragma once
// Logging for the system: spdlog, with a pattern flag (%*) that stamps the
// injected clock's time, so simulated runs log virtual time.
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "system/runtime/clock.hpp"

namespace bridgesim::runtime {

using Logger = std::shared_ptr<spdlog::logger>;

// A logger whose lines carry `clock`'s time as seconds.micros. With
// `to_stderr` false the logger discards everything (the default in sweeps).
Logger make_logger(std::string name, const Clock& clock, bool to_stderr);

}  // namespace bridgesim::runtime
