#pragma once
// The profiles/ files, compiled in (protocol/CMakeLists.txt embeds them), so
// `--protocol-profile NAME` needs no installed file.
#include <string_view>

namespace bridgesim::protocol::shipped {

std::string_view bridgesim_toml();
std::string_view platform_toml();

}  // namespace bridgesim::protocol::shipped
