#pragma once
// How `bridgesim proxy` runs: until SIGINT or SIGTERM, or for duration_s
// seconds when that is above 0. Returns the signal number, or 0 when the
// duration ran out.
namespace bridgesim::proxy {

int run_until_stopped(double duration_s);

}  // namespace bridgesim::proxy
