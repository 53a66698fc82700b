#pragma once
// Stopping a sweep from outside: SIGINT (Ctrl-C) and SIGTERM (CI cancel,
// `kill`, a Kubernetes eviction) set a flag that the sweep reads before each
// seed, so seeds already running finish and the reports for what ran can
// still be written. A second signal of the same kind kills as usual.
namespace bridgesim::harness {

// SIGTERM always; SIGINT unless it was ignored when the process started (a
// background job of a non-interactive shell, nohup): such a sweep still stops
// on SIGTERM.
void install_stop_handlers();

// The signal that asked the sweep to stop, or 0.
int stop_signal();

// What a signal handler does, for tests that cannot send a real signal.
void request_stop(int signal_number);

}  // namespace bridgesim::harness
