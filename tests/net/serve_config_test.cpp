// `serve`'s options become one configuration: a bound both the transport and
// the system enforce is set once (issue 10, defect 4).
#include <gtest/gtest.h>

#include "system/net/serve.hpp"

namespace bridgesim::net {
namespace {

TEST(ServeConfig, TheOutboundQueueBoundIsTheSystemsAndTheTransportsAlike) {
  ServeOptions options;
  options.limits.outbound_frames_max = 7;  // --outbound-queue-max 7
  EXPECT_EQ(app_config_for(options).outbound_frames_max, 7u);
}

TEST(ServeConfig, ByDefaultTheTransportUsesTheSystemsOutboundBound) {
  const ServeOptions options;
  EXPECT_EQ(options.limits.outbound_frames_max, system::AppConfig{}.outbound_frames_max);
  EXPECT_EQ(app_config_for(options).outbound_frames_max, system::AppConfig{}.outbound_frames_max);
}

TEST(ServeConfig, TheSystemsFrameLimitIsAtMostTheTransports) {
  ServeOptions options;
  options.app_frame_bytes_max = 1'000;
  options.limits.frame_bytes_max = 500;
  EXPECT_EQ(app_config_for(options).frame_bytes_max, 500u);
  options.limits.frame_bytes_max = 5'000;
  EXPECT_EQ(app_config_for(options).frame_bytes_max, 1'000u);
}

TEST(ServeConfig, AnEmptySecretMeansTheDevelopmentSecret) {
  ServeOptions options;
  EXPECT_EQ(app_config_for(options).jwt_secret, system::AppConfig{}.jwt_secret);
  options.jwt_secret = "s3cret";
  EXPECT_EQ(app_config_for(options).jwt_secret, "s3cret");
}

}  // namespace
}  // namespace bridgesim::net
