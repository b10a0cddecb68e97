#include "access/authorize.h"

#include <gtest/gtest.h>

namespace parapet::access {
namespace {

Key make(KeyKind kind, std::string id, std::string secret, std::string provider = {},
         std::vector<std::string> gateways = {}) {
  Key k;
  k.kind = kind;
  k.id = std::move(id);
  k.secret_hash = sha256(secret);
  k.provider = std::move(provider);
  k.provider_key = k.provider.empty() ? "" : "sk-real-" + k.provider;
  k.gateways = std::move(gateways);
  return k;
}

class AuthorizeTest : public ::testing::Test {
 protected:
  KeySet keys{{make(KeyKind::kGatewayToken, "tok1", "s1"),
               make(KeyKind::kGatewayToken, "tok2", "s2", {}, {"other"}),
               make(KeyKind::kVirtualKey, "vk1", "v1", "openai"),
               make(KeyKind::kVirtualKey, "vk2", "v2", "google-ai-studio", {"default"})}};
  http::HeaderList headers;

  Result<AuthResult> run(bool required = false, std::string_view upstream = "openai",
                         std::string_view query = {}) {
    AuthInput in;
    in.gateway = "default";
    in.upstream = upstream;
    in.gateway_requires_auth = required;
    in.headers = &headers;
    in.query = query;
    return authorize(keys, in);
  }
};

TEST_F(AuthorizeTest, OpenGatewayPassesProviderKeysUntouched) {
  headers.add("Authorization", "Bearer sk-client-own");
  auto r = run();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->header_swaps.empty());
  EXPECT_EQ(r->key_id, "");
}

TEST_F(AuthorizeTest, AuthenticatedGatewayWantsAToken) {
  auto r = run(true);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthorized);
  headers.add("x-parapet-authorization", "Bearer pgt_tok1_s1");
  r = run(true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->key_id, "tok1");
}

TEST_F(AuthorizeTest, CloudflareHeaderSpellingIsAccepted) {
  headers.add("cf-aig-authorization", "Bearer pgt_tok1_s1");
  EXPECT_TRUE(run(true));
}

TEST_F(AuthorizeTest, WrongTokensAreRejectedEvenOnOpenGateways) {
  headers.add("x-parapet-authorization", "Bearer pgt_tok1_wrong");
  auto r = run(false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthorized);
  headers.clear();
  headers.add("x-parapet-authorization", "Bearer pgt_tok2_s2");  // valid, other gateway
  r = run(false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  headers.clear();
  headers.add("x-parapet-authorization", "Bearer pvk_vk1_v1");  // a virtual key is not a token
  EXPECT_EQ(run(false).error().code, ErrorCode::kUnauthorized);
}

TEST_F(AuthorizeTest, VirtualKeyIsSwappedKeepingTheScheme) {
  headers.add("Authorization", "Bearer pvk_vk1_v1");
  auto r = run(true);  // a virtual key also opens an authenticated gateway
  ASSERT_TRUE(r);
  EXPECT_EQ(r->key_id, "vk1");
  ASSERT_EQ(r->header_swaps.size(), 1u);
  EXPECT_EQ(r->header_swaps[0].first, "authorization");
  EXPECT_EQ(r->header_swaps[0].second, "Bearer sk-real-openai");
}

TEST_F(AuthorizeTest, VirtualKeyInApiKeyHeaders) {
  headers.add("x-goog-api-key", "pvk_vk2_v2");
  auto r = run(false, "google-ai-studio");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->header_swaps.size(), 1u);
  EXPECT_EQ(r->header_swaps[0].second, "sk-real-google-ai-studio");
}

TEST_F(AuthorizeTest, VirtualKeyInTheQuery) {
  auto r = run(false, "google-ai-studio", "alt=sse&key=pvk_vk2_v2");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->query_swap);
  EXPECT_EQ(
      replace_query_key("/v1beta/models/x:streamGenerateContent?alt=sse&key=pvk_vk2_v2", "AIza/+="),
      "/v1beta/models/x:streamGenerateContent?alt=sse&key=AIza%2F%2B%3D");
}

TEST_F(AuthorizeTest, VirtualKeyForAnotherProviderOrGatewayIsForbidden) {
  headers.add("Authorization", "Bearer pvk_vk1_v1");
  auto r = run(false, "anthropic");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  headers.clear();
  headers.add("x-api-key", "pvk_vk1_nope");
  EXPECT_EQ(run(false).error().code, ErrorCode::kUnauthorized);
}

TEST_F(AuthorizeTest, TwoDifferentVirtualKeysAreRefused) {
  headers.add("Authorization", "Bearer pvk_vk1_v1");
  headers.add("x-api-key", "pvk_vk2_v2");
  EXPECT_EQ(run().error().code, ErrorCode::kBadRequest);
}

TEST_F(AuthorizeTest, MalformedPresentedKeys) {
  EXPECT_FALSE(parse_presented("pvk_"));
  EXPECT_FALSE(parse_presented("pvk_id"));
  EXPECT_FALSE(parse_presented("pvk__s"));
  EXPECT_FALSE(parse_presented("sk-abc"));
  auto p = parse_presented("pgt_ab_cd_ef");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->id, "ab");
  EXPECT_EQ(p->secret, "cd_ef");
}

}  // namespace
}  // namespace parapet::access
