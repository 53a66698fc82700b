#pragma once
// Always-on invariants (TigerBeetle style): BRIDGESIM_ASSERT is compiled into
// every build, Release included. A broken invariant throws InvariantViolation;
// the simulator's world turns it into a `crash` record (so the sweep reports
// it with its seed and replay command), and `serve` logs it and exits 4 (kServeFailed).
//
// InvariantViolation deliberately does not derive from std::exception: the
// system turns a bad request into an error frame with
// `catch (const std::exception&)`, and that must never swallow a bug.
#include <string>

namespace bridgesim::runtime {

class InvariantViolation {
 public:
  explicit InvariantViolation(std::string what) : what_(std::move(what)) {}
  const char* what() const noexcept { return what_.c_str(); }

 private:
  std::string what_;
};

// Throws InvariantViolation naming the file (its last component only, so the
// message is the same in every checkout and build tree), line, condition and
// reason.
[[noreturn]] void invariant_failed(const char* condition, const char* reason, const char* file, int line);

}  // namespace bridgesim::runtime

// `reason` is a string literal saying what must hold, in words.
#define BRIDGESIM_ASSERT(condition, reason)                                           \
  do {                                                                                \
    if (!(condition)) [[unlikely]] {                                                  \
      ::bridgesim::runtime::invariant_failed(#condition, reason, __FILE__, __LINE__); \
    }                                                                                 \
  } while (false)
