#include "reliability/steps.h"

#include <gtest/gtest.h>

namespace parapet::reliability {
namespace {

TEST(ModelRef, ProviderAndModel) {
  auto r = parse_model_ref("openrouter/meta-llama/llama-3-8b");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->provider, "openrouter");
  EXPECT_EQ(r->model, "meta-llama/llama-3-8b");
  EXPECT_EQ(parse_model_ref("groq")->model, "");
  EXPECT_EQ(parse_model_ref("groq/*")->model, "");
  EXPECT_FALSE(parse_model_ref("/gpt-4o").ok());
  EXPECT_FALSE(parse_model_ref("").ok());
}

TEST(FindFallback, ExactModelOrAnyModel) {
  GatewayReliability g;
  g.fallbacks.push_back({{"openai", ""}, {{"mistral", "small"}}});
  g.fallbacks.push_back({{"openai", "gpt-4o"}, {{"groq", "llama"}}});
  EXPECT_EQ(find_fallback(g, "openai", "gpt-4o")->to[0].provider, "groq");
  EXPECT_EQ(find_fallback(g, "openai", "gpt-4o-mini")->to[0].provider, "mistral");
  EXPECT_EQ(find_fallback(g, "anthropic", "gpt-4o"), nullptr);
}

TEST(RewriteModel, ReplacesOnlyTheTopLevelModel) {
  std::string body =
      R"({ "messages":[{"role":"user","model":"inner"}], "model" : "gpt-4o", "n":1})";
  auto out = rewrite_model(body, "llama-3.1-8b-instant");
  ASSERT_TRUE(out);
  EXPECT_EQ(
      *out,
      R"({ "messages":[{"role":"user","model":"inner"}], "model" : "llama-3.1-8b-instant", "n":1})");
  EXPECT_EQ(*rewrite_model(R"({"model":"a"})", "quote\"d"), R"({"model":"quote\"d"})");
  EXPECT_FALSE(rewrite_model(R"({"messages":[]})", "x"));
  EXPECT_FALSE(rewrite_model(R"({"model":42})", "x"));
  EXPECT_FALSE(rewrite_model("not json", "x"));
}

TEST(Universal, ParsesCloudflareShapedSteps) {
  auto r = parse_universal(R"([
    {"provider":"workers-ai","endpoint":"@cf/meta/llama","headers":{"Authorization":"Bearer a",
     "Content-Type":"application/json"},"query":{"messages":[{"role":"user","content":"hi"}]}},
    {"provider":"openai","endpoint":"/chat/completions","authorization":"Bearer b",
     "query":{"model":"gpt-4o-mini"},"config":{"maxAttempts":3,"retryDelay":"100",
     "backoff":"linear","requestTimeout":2000}}
  ])");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  const auto& a = (*r)[0];
  EXPECT_EQ(a.provider, "workers-ai");
  EXPECT_EQ(a.endpoint, "@cf/meta/llama");
  ASSERT_EQ(a.headers.size(), 2u);
  EXPECT_EQ(a.headers[0].first, "authorization");
  EXPECT_EQ(a.headers[0].second, "Bearer a");
  EXPECT_EQ(a.body, R"({"messages":[{"role":"user","content":"hi"}]})");
  EXPECT_FALSE(a.max_attempts);
  const auto& b = (*r)[1];
  EXPECT_EQ(b.endpoint, "chat/completions");
  EXPECT_EQ(b.headers[0].second, "Bearer b");
  EXPECT_EQ(b.max_attempts, 3);
  EXPECT_EQ(b.retry_delay, Millis(100));
  EXPECT_EQ(b.backoff, Backoff::kLinear);
  EXPECT_EQ(b.request_timeout, Millis(2000));
}

TEST(Universal, RejectsWhatItCannotSendWith400) {
  const char* bad[] = {
      "{}",
      "[]",
      "not json",
      R"([1])",
      R"([{"endpoint":"x"}])",
      R"([{"provider":"openai"}])",
      R"([{"provider":"","endpoint":"x"}])",
      R"([{"provider":"openai","endpoint":""}])",
      R"([{"provider":"openai","endpoint":"a b"}])",
      R"([{"provider":"openai","endpoint":"x","headers":[]}])",
      R"([{"provider":"openai","endpoint":"x","headers":{"a":1}}])",
      R"([{"provider":"openai","endpoint":"x","headers":{"bad name":"v"}}])",
      R"([{"provider":"openai","endpoint":"x","headers":{"a":"line\r\nbreak"}}])",
      R"([{"provider":"openai","endpoint":"x","extra":1}])",
      R"([{"provider":"openai","endpoint":"x","config":{"maxAttempts":9}}])",
      R"([{"provider":"openai","endpoint":"x","config":{"backoff":"sometimes"}}])",
      R"([{"provider":"openai","endpoint":"x","config":{"retries":1}}])",
  };
  for (const char* b : bad) {
    auto r = parse_universal(b);
    ASSERT_FALSE(r.ok()) << b;
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
  }
  std::string many = "[";
  for (size_t i = 0; i <= kMaxUniversalSteps; ++i) {
    if (i) many += ',';
    many += R"({"provider":"openai","endpoint":"x"})";
  }
  many += ']';
  EXPECT_FALSE(parse_universal(many).ok());
}

TEST(Universal, ErrorsNameTheStep) {
  auto r = parse_universal(R"([{"provider":"openai","endpoint":"x"},{"provider":"groq"}])");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("step 1"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace parapet::reliability
