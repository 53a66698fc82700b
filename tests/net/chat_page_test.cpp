// The chat page is system/net/assets/chat.html compiled in: the bytes served
// at / are exactly the file's.
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "system/net/chat_page.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::net {
namespace {

class FixedClock final : public runtime::Clock {
 public:
  runtime::Nanos now_ns() const override { return 0; }
};

std::string file_bytes(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ChatPage, EmbeddedPageIsTheAssetFileByteForByte) {
  const std::string asset = file_bytes(BRIDGESIM_CHAT_HTML);
  ASSERT_FALSE(asset.empty()) << "cannot read " << BRIDGESIM_CHAT_HTML;
  EXPECT_EQ(std::string(chat_page_html()), asset);
}

TEST(ChatPage, RootServesThePageAsHtml) {
  system::HttpRequest request;
  request.method = "GET";
  request.target = "/";
  const FixedClock clock;
  const auto response = chat_page_route(request, ChatPageOptions{}, clock);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(response->body, std::string(chat_page_html()));
}

}  // namespace
}  // namespace bridgesim::net
