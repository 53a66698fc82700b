#include "protocol/seq.hpp"

#include "protocol/fields.hpp"

namespace bridgesim::protocol {

bool is_seq(const boost::json::value& value) {
  return (value.is_uint64() && value.as_uint64() > 0) || (value.is_int64() && value.as_int64() > 0);
}

std::uint64_t seq_of(const boost::json::object& frame) {
  const auto* seq = frame.if_contains(field::kSeq);
  if (seq == nullptr) return 0;
  if (seq->is_uint64()) return seq->as_uint64();  // 0 stays 0: "no seq"
  if (seq->is_int64() && seq->as_int64() > 0) return static_cast<std::uint64_t>(seq->as_int64());
  return 0;
}

}  // namespace bridgesim::protocol
