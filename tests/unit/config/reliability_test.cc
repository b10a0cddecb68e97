// [gateways.NAME] retry defaults and fallback chains, [circuit_breaker] (docs/reliability.md).
#include <gtest/gtest.h>

#include "config/config.h"
#include "reliability/steps.h"

namespace parapet::config {
namespace {

Result<std::shared_ptr<const Snapshot>> load(std::string_view toml) {
  Flags f;
  f.upstreams = {"groq=http://127.0.0.1:9/v1", "app=http://127.0.0.1:9"};
  return load_from_string(toml, f);
}

TEST(ConfigReliability, DefaultsWithoutASection) {
  auto s = load("");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ((*s)->reliability.find("default"), nullptr);
  const auto& b = (*s)->reliability.breaker;
  EXPECT_TRUE(b.enabled);
  EXPECT_EQ(b.consecutive_failures, 5u);
  EXPECT_EQ(b.failure_rate_percent, 50u);
  EXPECT_EQ(b.min_requests, 20u);
  EXPECT_EQ(b.cooldown, std::chrono::milliseconds(30000));
  EXPECT_EQ(b.half_open_probes, 1u);
}

TEST(ConfigReliability, GatewayRetriesFallbacksAndBreaker) {
  auto s = load(R"(
[gateways.prod]
max_attempts = 3
retry_delay_ms = 100
backoff = "linear"
request_timeout_ms = 20000
log_bodies = true
[gateways.prod.fallbacks]
"openai/gpt-4o-mini" = ["groq/llama-3.1-8b-instant", "mistral/mistral-small-latest"]
"openai/*" = ["groq"]
[circuit_breaker]
enabled = true
consecutive_failures = 3
failure_rate_percent = 80
min_requests = 5
window_ms = 1000
cooldown_ms = 500
half_open_probes = 2
)");
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto* g = (*s)->reliability.find("prod");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->retry.max_attempts, 3);
  EXPECT_EQ(g->retry.retry_delay, std::chrono::milliseconds(100));
  EXPECT_EQ(g->retry.backoff, reliability::Backoff::kLinear);
  EXPECT_EQ(g->retry.request_timeout, std::chrono::milliseconds(20000));
  ASSERT_EQ(g->fallbacks.size(), 2u);
  const auto* exact = reliability::find_fallback(*g, "openai", "gpt-4o-mini");
  ASSERT_NE(exact, nullptr);
  EXPECT_EQ(exact->from.model, "gpt-4o-mini");
  ASSERT_EQ(exact->to.size(), 2u);
  EXPECT_EQ(exact->to[0].provider, "groq");
  EXPECT_EQ(exact->to[1].provider, "mistral");
  EXPECT_EQ(exact->to[1].model, "mistral-small-latest");
  const auto* any = reliability::find_fallback(*g, "openai", "gpt-4o");
  ASSERT_NE(any, nullptr);
  EXPECT_EQ(any->from.model, "");
  EXPECT_EQ(any->to[0].provider, "groq");
  const auto& b = (*s)->reliability.breaker;
  EXPECT_EQ(b.consecutive_failures, 3u);
  EXPECT_EQ(b.failure_rate_percent, 80u);
  EXPECT_EQ(b.min_requests, 5u);
  EXPECT_EQ(b.window, std::chrono::milliseconds(1000));
  EXPECT_EQ(b.cooldown, std::chrono::milliseconds(500));
  EXPECT_EQ(b.half_open_probes, 2u);
  EXPECT_TRUE((*s)->gateways_with_bodies.size() == 1);
}

TEST(ConfigReliability, RejectsWhatCannotWork) {
  struct Case {
    const char* toml;
    const char* message;
  } cases[] = {
      {"[gateways.g]\nmax_attempts = 6\n", "max_attempts"},
      {"[gateways.g]\nmax_attempts = 0\n", "max_attempts"},
      {"[gateways.g]\nretry_delay_ms = 9000\n", "retry_delay_ms"},
      {"[gateways.g]\nbackoff = \"sometimes\"\n", "backoff"},
      {"[gateways.g]\nretries = 2\n", "unknown key 'retries'"},
      {"[gateways.g.fallbacks]\n\"openai/x\" = \"groq\"\n", "array"},
      {"[gateways.g.fallbacks]\n\"openai/x\" = []\n", "array"},
      {"[gateways.g.fallbacks]\n\"nope/x\" = [\"groq\"]\n", "unknown provider 'nope'"},
      {"[gateways.g.fallbacks]\n\"openai/x\" = [\"nope/y\"]\n", "unknown provider 'nope'"},
      // Only the compat endpoint translates, and only to Anthropic and Gemini: no Cohere step.
      {"[gateways.g.fallbacks]\n\"openai/x\" = [\"cohere/command-r\"]\n", "Cohere protocol"},
      {"[gateways.g.fallbacks]\n\"openai/x\" = [\"app\"]\n", "plain HTTP"},
      {"[gateways.g.fallbacks]\n\"app\" = [\"app/x\"]\n", "no model to rewrite"},
      {"[gateways.g.fallbacks]\n\"openai/x\" = [\"azure-openai/d\"]\n", "azure-openai"},
      {"[circuit_breaker]\ncooldown = 5\n", "unknown key 'cooldown'"},
      {"[circuit_breaker]\nfailure_rate_percent = 101\n", "failure_rate_percent"},
      {"[circuit_breaker]\nenabled = 1\n", "enabled"},
  };
  for (const auto& c : cases) {
    auto s = load(c.toml);
    ASSERT_FALSE(s.ok()) << c.toml;
    EXPECT_NE(s.error().message.find(c.message), std::string::npos)
        << c.toml << " → " << s.error().message;
  }
}

TEST(ConfigReliability, SameProtocolFallbacksAreAccepted) {
  auto s = load(
      "[gateways.g.fallbacks]\n\"anthropic/claude-a\" = [\"anthropic/claude-b\"]\n"
      "\"app\" = [\"app\"]\n\"openai/*\" = [\"groq\", \"deepseek/deepseek-chat\"]\n");
  ASSERT_TRUE(s.ok()) << s.error().message;
}

}  // namespace
}  // namespace parapet::config
