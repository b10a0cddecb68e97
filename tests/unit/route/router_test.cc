#include "route/router.h"

#include <gtest/gtest.h>

namespace parapet::route {
namespace {

std::shared_ptr<const config::Snapshot> snap(std::vector<std::string> ups = {}) {
  config::Flags f;
  f.upstreams = std::move(ups);
  auto s = config::load(f);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return *s;
}

TEST(Router, BuiltinProviderOnDefaultGateway) {
  auto s = snap();
  Target t;
  ASSERT_TRUE(resolve(*s, "/default/openai/chat/completions", t).ok());
  EXPECT_EQ(t.gateway, "default");
  EXPECT_EQ(t.upstream->name, "openai");
  EXPECT_EQ(t.url->host, "api.openai.com");
  EXPECT_TRUE(t.url->tls);
  EXPECT_EQ(t.path, "/v1/chat/completions");
}

TEST(Router, OverriddenBaseKeepsQuery) {
  auto s = snap({"openai=http://127.0.0.1:9000/v1"});
  Target t;
  ASSERT_TRUE(resolve(*s, "/default/openai/models?limit=2&after=x", t).ok());
  EXPECT_EQ(t.url->host, "127.0.0.1");
  EXPECT_EQ(t.url->port, 9000);
  EXPECT_EQ(t.path, "/v1/models?limit=2&after=x");
}

TEST(Router, CustomOriginForwardsPathAsIs) {
  auto s = snap({"echo=http://127.0.0.1:9000/base"});
  Target t;
  ASSERT_TRUE(resolve(*s, "/default/echo/a/b?x=1", t).ok());
  EXPECT_EQ(t.upstream->protocol, providers::Protocol::kHttp);
  EXPECT_EQ(t.path, "/base/a/b?x=1");
  ASSERT_TRUE(resolve(*s, "/default/echo?x=1", t).ok());
  EXPECT_EQ(t.path, "/base/?x=1");
  ASSERT_TRUE(resolve(*s, "/default/echo", t).ok());
  EXPECT_EQ(t.path, "/base/");
}

TEST(Router, UnknownGatewayOrProviderIsNotFound) {
  auto s = snap();
  Target t;
  for (const char* target :
       {"/", "/nope/openai/x", "/nope", "/default/nope/x", "/DEFAULT/openai/x", "*"}) {
    auto r = resolve(*s, target, t);
    ASSERT_FALSE(r.ok()) << target;
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound) << target;
  }
}

// A bare /{gateway} is the universal endpoint: the steps in the body name the providers.
TEST(Router, BareGatewayIsTheUniversalEndpoint) {
  auto s = snap();
  for (const char* target : {"/default", "/default/", "/default?x=1"}) {
    Target t;
    ASSERT_TRUE(resolve(*s, target, t).ok()) << target;
    EXPECT_TRUE(t.universal) << target;
    EXPECT_EQ(t.gateway, "default");
    EXPECT_EQ(t.upstream, nullptr);
  }
  Target t;
  ASSERT_TRUE(resolve(*s, "/default/openai/chat/completions", t).ok());
  EXPECT_FALSE(t.universal);
}

TEST(Router, UnknownProviderKeepsTheGateway) {
  auto s = snap();
  Target t;
  ASSERT_FALSE(resolve(*s, "/default/nope/x", t).ok());
  EXPECT_EQ(t.gateway, "default");
}

TEST(Router, ConfiguredGateways) {
  config::Flags f;
  auto s = config::load_from_string("[gateways.prod]\n[gateways.staging]\n", f);
  ASSERT_TRUE(s.ok()) << s.error().message;
  Target t;
  EXPECT_TRUE(resolve(**s, "/prod/anthropic/v1/messages", t).ok());
  EXPECT_EQ(t.path, "/v1/messages");
  EXPECT_FALSE(resolve(**s, "/default/anthropic/v1/messages", t).ok());
}

TEST(Router, CompatEndpointUnderAGateway) {
  auto s = snap();
  Target t;
  ASSERT_TRUE(resolve(*s, "/default/compat/chat/completions", t).ok());
  EXPECT_TRUE(t.compat);
  EXPECT_EQ(t.gateway, "default");
  EXPECT_EQ(t.native, "/chat/completions");
  EXPECT_EQ(t.upstream, nullptr);  // chosen from the body's model, later
}

TEST(Router, V1IsTheDefaultGatewaysCompatEndpoint) {
  auto s = snap();
  Target t;
  ASSERT_TRUE(resolve(*s, "/v1/models", t).ok());
  EXPECT_TRUE(t.compat);
  EXPECT_EQ(t.gateway, "default");
  EXPECT_EQ(t.native, "/models");
}

TEST(Router, AGatewayNamedV1WinsOverTheAlias) {
  auto s = config::load_from_string("[gateways.v1]\n", config::Flags{});
  ASSERT_TRUE(s.ok()) << s.error().message;
  Target t;
  ASSERT_TRUE(resolve(**s, "/v1/openai/chat/completions", t).ok());
  EXPECT_FALSE(t.compat);
  EXPECT_EQ(t.gateway, "v1");
  EXPECT_EQ(t.upstream->name, "openai");
}

}  // namespace
}  // namespace parapet::route
