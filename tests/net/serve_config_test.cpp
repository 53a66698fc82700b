// `serve`'s options become one configuration: a bound both the transport and
// the system enforce is set once (issue 10, defect 4); and the secret rules
// fail closed (issue 13): no usable secret, no server.
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "system/auth.hpp"
#include "system/net/serve.hpp"

namespace bridgesim::net {
namespace {

const std::string kGoodSecret(32, 'k');  // exactly the minimum

ServeSecret resolved(const std::string& secret) {
  ServeOptions options;
  options.jwt_secret = secret;
  return resolve_serve_secret(options);
}

TEST(ServeConfig, TheOutboundQueueBoundIsTheSystemsAndTheTransportsAlike) {
  ServeOptions options;
  options.limits.outbound_frames_max = 7;  // --outbound-queue-max 7
  EXPECT_EQ(app_config_for(options, resolved(kGoodSecret)).outbound_frames_max, 7u);
}

TEST(ServeConfig, ByDefaultTheTransportUsesTheSystemsOutboundBound) {
  const ServeOptions options;
  EXPECT_EQ(options.limits.outbound_frames_max, system::AppConfig{}.outbound_frames_max);
  EXPECT_EQ(app_config_for(options, resolved(kGoodSecret)).outbound_frames_max,
            system::AppConfig{}.outbound_frames_max);
}

TEST(ServeConfig, TheSystemsFrameLimitIsAtMostTheTransports) {
  ServeOptions options;
  options.app_frame_bytes_max = 1'000;
  options.limits.frame_bytes_max = 500;
  EXPECT_EQ(app_config_for(options, resolved(kGoodSecret)).frame_bytes_max, 500u);
  options.limits.frame_bytes_max = 5'000;
  EXPECT_EQ(app_config_for(options, resolved(kGoodSecret)).frame_bytes_max, 1'000u);
}

TEST(ServeConfig, TheResolvedSecretIsTheSystemsSecret) {
  EXPECT_EQ(app_config_for(ServeOptions{}, resolved(kGoodSecret)).jwt_secret, kGoodSecret);
}

TEST(ServeSecretRules, NoSecretAtAllRefusesToStart) {
  const ServeSecret s = resolve_serve_secret(ServeOptions{});
  EXPECT_NE(s.error.find("no JWT secret"), std::string::npos) << s.error;
  EXPECT_NE(s.error.find("--dev"), std::string::npos) << "the message names the way out";
}

TEST(ServeSecretRules, AnEmptySecretIsRefusedNotReplacedByTheDevelopmentOne) {
  EXPECT_EQ(resolved("").error, "--jwt-secret: the JWT secret is empty");
  ServeOptions from_env;
  from_env.jwt_secret_env = "";  // JWT_SECRET= (set, empty)
  EXPECT_EQ(resolve_serve_secret(from_env).error, "JWT_SECRET: the JWT secret is empty");
}

TEST(ServeSecretRules, ASecretShorterThan32BytesIsRefused) {
  EXPECT_EQ(resolved(std::string(31, 'k')).error,
            "--jwt-secret: the JWT secret is 31 bytes; HS256 needs at least 32 (RFC 7518 section 3.2)");
  EXPECT_EQ(resolved(kGoodSecret).error, "");
  EXPECT_FALSE(resolved(kGoodSecret).dev);
}

TEST(ServeSecretRules, RefusalsNeverQuoteTheSecret) {
  const std::string secret = "short-but-secret";
  EXPECT_EQ(resolved(secret).error.find(secret), std::string::npos) << resolved(secret).error;
}

TEST(ServeSecretRules, ThePublicDevelopmentSecretIsRefusedWithoutDev) {
  // Padded or not, anyone may know it: only --dev may use it.
  const std::string dev = system::AppConfig{}.jwt_secret;
  EXPECT_NE(resolved(dev).error, "");
}

TEST(ServeSecretRules, DevelopmentModeOnlyByTheFlagAndWithoutAnotherSecret) {
  ServeOptions dev;
  dev.dev = true;
  const ServeSecret s = resolve_serve_secret(dev);
  EXPECT_EQ(s.error, "");
  EXPECT_TRUE(s.dev);
  EXPECT_EQ(s.secret, system::AppConfig{}.jwt_secret);
  dev.jwt_secret_env = kGoodSecret;
  EXPECT_NE(resolve_serve_secret(dev).error, "") << "--dev with JWT_SECRET set is ambiguous: refused";
}

TEST(ServeSecretRules, FlagBeatsTheEnvironmentAndTwoFlagsAreRefused) {
  ServeOptions options;
  options.jwt_secret = kGoodSecret;
  options.jwt_secret_env = std::string(40, 'e');
  EXPECT_EQ(resolve_serve_secret(options).secret, kGoodSecret);
  options.jwt_secret_file = "/nonexistent";
  EXPECT_EQ(resolve_serve_secret(options).error, "give one of --jwt-secret and --jwt-secret-file");
}

TEST(ServeSecretRules, ASecretFileIsReadWithoutItsTrailingNewline) {
  const std::string path = ::testing::TempDir() + "serve_secret_rules_secret";
  std::ofstream(path) << kGoodSecret << "\n";
  ServeOptions options;
  options.jwt_secret_file = path;
  const ServeSecret s = resolve_serve_secret(options);
  EXPECT_EQ(s.error, "");
  EXPECT_EQ(s.secret, kGoodSecret);
  EXPECT_EQ(s.source, "--jwt-secret-file " + path);
  std::ofstream(path) << "\n";  // an empty file is an empty secret
  EXPECT_NE(resolve_serve_secret(options).error.find("is empty"), std::string::npos);
  std::remove(path.c_str());
  EXPECT_NE(resolve_serve_secret(options).error.find("cannot read --jwt-secret-file"), std::string::npos);
}

TEST(ServeSecretRules, ASeedMakesIdsPredictableSoOnlyDevelopmentModeMayHaveOne) {
  ServeOptions options;
  options.jwt_secret = kGoodSecret;
  options.seed = 7;
  EXPECT_EQ(resolve_serve_secret(options).error, "--seed makes run and session ids predictable: only with --dev");
  ServeOptions dev;
  dev.dev = true;
  dev.seed = 7;
  EXPECT_EQ(resolve_serve_secret(dev).error, "");
}

}  // namespace
}  // namespace bridgesim::net
