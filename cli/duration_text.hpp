#pragma once
// Durations as the probe prints them to a human.
#include <cstdint>
#include <string>

namespace bridgesim::cli {

std::string ms_text(std::int64_t ns);  // "12.3 ms"
std::string seconds_text(double s);    // "1.5 s"

}  // namespace bridgesim::cli
