#include "cache/key.h"

#include <gtest/gtest.h>

namespace parapet::cache {
namespace {

TEST(CanonicalJson, SortsKeysAndDropsWhitespace) {
  auto a = canonical_json(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})");
  auto b = canonical_json(
      "{\n  \"messages\" : [ { \"content\":\"hi\", \"role\":\"user\" } ],\n"
      "  \"model\" : \"m\"\n}");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, R"({"messages":[{"content":"hi","role":"user"}],"model":"m"})");
}

TEST(CanonicalJson, KeepsArrayOrderAndValues) {
  EXPECT_EQ(*canonical_json("[3, 1, 2]"), "[3,1,2]");
  EXPECT_NE(*canonical_json(R"({"a":[1,2]})"), *canonical_json(R"({"a":[2,1]})"));
  EXPECT_EQ(*canonical_json(R"({"t":0.5,"n":-3,"b":true,"z":null,"u":18446744073709551615})"),
            R"({"b":true,"n":-3,"t":0.5,"u":18446744073709551615,"z":null})");
  // Escapes are normalized: the same string spelled two ways is the same key.
  EXPECT_EQ(*canonical_json(R"({"s":"\u0041\n"})"), *canonical_json(R"({"s":"A\n"})"));
  EXPECT_NE(*canonical_json(R"({"s":"a"})"), *canonical_json(R"({"s":"b"})"));
}

TEST(CanonicalJson, NonJsonIsNotCanonicalized) {
  EXPECT_FALSE(canonical_json(""));
  EXPECT_FALSE(canonical_json("hello"));
  EXPECT_FALSE(canonical_json("{broken"));
  EXPECT_FALSE(canonical_json("42"));
}

TEST(BodyDigest, SameForEquivalentJsonDifferentForRawBytes) {
  EXPECT_EQ(body_digest(R"({"a":1,"b":2})"), body_digest(R"({ "b":2, "a":1 })"));
  EXPECT_NE(body_digest(R"({"a":1})"), body_digest(R"({"a":2})"));
  EXPECT_EQ(body_digest("raw bytes"), body_digest("raw bytes"));
  EXPECT_NE(body_digest("raw bytes"), body_digest("raw  bytes"));
  EXPECT_EQ(hex(body_digest("x")).size(), 64u);
}

std::vector<std::pair<std::string_view, std::string_view>> creds(std::string_view auth) {
  return {{"authorization", auth}, {"x-api-key", ""}};
}

TEST(Partition, VirtualKeyFirstThenCredentialThenAnon) {
  EXPECT_EQ(partition("vk_1", creds("Bearer a"), ""), "key:vk_1");
  std::string a = partition("", creds("Bearer a"), "");
  std::string b = partition("", creds("Bearer b"), "");
  EXPECT_EQ(a.rfind("cred:", 0), 0u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, partition("", creds("Bearer a"), ""));
  EXPECT_EQ(a.find("Bearer"), std::string::npos) << "the credential itself never appears";
  EXPECT_EQ(partition("", creds(""), ""), "anon");
  // Gemini's ?key= is a credential too.
  EXPECT_NE(partition("", creds(""), "key=AIza1&alt=sse"), partition("", creds(""), "key=AIza2"));
  EXPECT_NE(partition("", creds(""), "key=AIza1"), "anon");
  EXPECT_EQ(partition("", creds(""), "alt=sse"), "anon");
  // Same value under another header is another credential.
  std::vector<std::pair<std::string_view, std::string_view>> other = {{"x-api-key", "Bearer a"}};
  EXPECT_NE(partition("", other, ""), a);
}

KeyParts base() {
  KeyParts p;
  p.gateway = "g";
  p.provider = "openai";
  p.method = "POST";
  p.path = "/chat/completions";
  p.body = body_digest(R"({"model":"m"})");
  p.partition = "cred:abc";
  return p;
}

TEST(MakeKey, EveryPartCounts) {
  const std::string k = make_key(base());
  EXPECT_EQ(k.size(), 64u);
  EXPECT_EQ(k, make_key(base()));
  auto changed = [&](auto mutate) {
    KeyParts p = base();
    mutate(p);
    return make_key(p) != k;
  };
  EXPECT_TRUE(changed([](KeyParts& p) { p.gateway = "h"; }));
  EXPECT_TRUE(changed([](KeyParts& p) { p.provider = "anthropic"; }));
  EXPECT_TRUE(changed([](KeyParts& p) { p.method = "GET"; }));
  EXPECT_TRUE(changed([](KeyParts& p) { p.path = "/embeddings"; }));
  EXPECT_TRUE(changed([](KeyParts& p) { p.query = "alt=sse"; }));
  EXPECT_TRUE(changed([](KeyParts& p) { p.vary[0] = "2023-06-01"; }));
  EXPECT_TRUE(changed([](KeyParts& p) { p.body = body_digest("{}"); }));
  EXPECT_TRUE(changed([](KeyParts& p) { p.partition = "cred:abd"; }));
  EXPECT_TRUE(changed([](KeyParts& p) { p.partition = ""; }));
  EXPECT_TRUE(changed([](KeyParts& p) { p.custom_key = "k"; }));
  // Length prefixes: moving a byte between fields is another key.
  KeyParts a = base(), b = base();
  a.gateway = "ab";
  a.provider = "c";
  b.gateway = "a";
  b.provider = "bc";
  EXPECT_NE(make_key(a), make_key(b));
}

TEST(MakeKey, CustomKeyReplacesBodyButNotPartitionOrEndpoint) {
  KeyParts a = base(), b = base();
  a.custom_key = b.custom_key = "faq";
  b.body = body_digest(R"({"model":"other"})");
  b.query = "x=1";
  EXPECT_EQ(make_key(a), make_key(b));
  b.partition = "cred:zzz";
  EXPECT_NE(make_key(a), make_key(b));
  b = base();
  b.custom_key = "faq";
  b.path = "/embeddings";
  EXPECT_NE(make_key(a), make_key(b));
}

TEST(Controls, GatewayTtlAndHeaders) {
  auto c = parse_controls(0, "POST", "", "", "");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->cacheable);
  c = parse_controls(300, "POST", "", "", "");
  EXPECT_TRUE(c->cacheable);
  EXPECT_EQ(c->ttl_s, 300);
  c = parse_controls(0, "POST", "60", "", "");
  EXPECT_TRUE(c->cacheable);
  EXPECT_EQ(c->ttl_s, 60);
  c = parse_controls(300, "POST", "0", "", "");
  EXPECT_FALSE(c->cacheable) << "ttl 0 turns caching off for the request";
  c = parse_controls(300, "POST", "", "true", "");
  EXPECT_TRUE(c->cacheable && c->bypass);
  c = parse_controls(300, "POST", "", "false", "");
  EXPECT_FALSE(c->bypass);
  c = parse_controls(0, "POST", "", "true", "");
  EXPECT_FALSE(c->cacheable || c->bypass) << "nothing to bypass where caching is off";
  c = parse_controls(0, "POST", "", "", "faq");
  EXPECT_TRUE(c->cacheable);
  EXPECT_EQ(c->ttl_s, kCustomKeyDefaultTtl);
  EXPECT_EQ(c->custom_key, "faq");
  c = parse_controls(300, "GET", "", "", "");
  EXPECT_TRUE(c->cacheable);
  for (auto m : {"HEAD", "PUT", "DELETE", "PATCH"}) {
    EXPECT_FALSE(parse_controls(300, m, "", "", "")->cacheable) << m;
  }
}

TEST(Controls, MalformedValuesAre400) {
  for (auto ttl : {"soon", "-1", "1.5", "99999999999", " 5"}) {
    auto c = parse_controls(0, "POST", ttl, "", "");
    ASSERT_FALSE(c) << ttl;
    EXPECT_EQ(c.error().code, ErrorCode::kBadRequest);
  }
  EXPECT_FALSE(parse_controls(0, "POST", "", "maybe", ""));
  EXPECT_FALSE(parse_controls(0, "POST", "", "", std::string(kMaxCustomKeyBytes + 1, 'k')));
  EXPECT_TRUE(parse_controls(0, "POST", std::to_string(kMaxTtlSeconds), "1", ""));
}

}  // namespace
}  // namespace parapet::cache
