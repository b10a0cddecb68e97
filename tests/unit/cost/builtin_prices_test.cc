// The shipped table (data/prices.toml, compiled in): it parses, every entry is complete, and every
// built-in provider is either priced, priced through another provider, or reports its own cost.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cost/cost.h"
#include "cost/price_table.h"
#include "providers/provider.h"

namespace parapet::cost {
namespace {

TEST(BuiltinPrices, ParsesAndIsVersioned) {
  const PriceTable& t = PriceTable::builtin();
  EXPECT_EQ(t.version(), "2026-11-22");
  EXPECT_GE(t.entries().size(), 100u);
  EXPECT_EQ(&t, &PriceTable::builtin());  // parsed once
}

TEST(BuiltinPrices, EveryEntryHasInputAndOutputPricesAndProvenance) {
  for (const Price& p : PriceTable::builtin().entries()) {
    SCOPED_TRACE(p.provider + " " + p.id);
    EXPECT_GT(p.input, 0);
    EXPECT_GT(p.output, 0);
    EXPECT_EQ(p.source.rfind("https://", 0), 0u);
    EXPECT_EQ(p.checked.size(), 10u);
    // A cache read costs less than fresh input wherever both are listed; a write at least as much.
    if (p.cached_read) {
      EXPECT_LT(*p.cached_read, p.input);
    }
    if (p.cache_write) {
      EXPECT_GE(*p.cache_write, p.input);
    }
    if (p.long_context) {
      EXPECT_GE(p.long_context->input, p.input);
      EXPECT_GE(p.long_context->output, p.output);
    }
    // Each entry is found under its own id.
    EXPECT_EQ(PriceTable::builtin().find(p.provider, p.id), &p);
  }
}

TEST(BuiltinPrices, CoversEveryBuiltinProvider) {
  const PriceTable& t = PriceTable::builtin();
  std::set<std::string> priced;
  for (const Price& p : t.entries()) priced.insert(p.provider);
  for (const auto& spec : providers::builtin_providers()) {
    const std::string name(spec.name);
    SCOPED_TRACE(name);
    const bool inherits = name == "azure-openai" && t.find(name, "gpt-4o") != nullptr;
    EXPECT_TRUE(priced.count(name) || inherits || t.reports_own_cost(name));
  }
  EXPECT_TRUE(t.reports_own_cost("openrouter"));
}

TEST(BuiltinPrices, ResolvesTheIdsProvidersAnswerWith) {
  const PriceTable& t = PriceTable::builtin();
  // Dated snapshots as the APIs report them.
  EXPECT_EQ(t.find("openai", "gpt-4o-2024-08-06"), t.find("openai", "gpt-4o"));
  EXPECT_EQ(t.find("anthropic", "claude-sonnet-4-5-20250929"),
            t.find("anthropic", "claude-sonnet-4-5"));
  EXPECT_EQ(t.find("anthropic", "claude-haiku-4-5-20251001"),
            t.find("anthropic", "claude-haiku-4-5"));
  EXPECT_NE(t.find("anthropic", "claude-sonnet-4-20250514"), nullptr);
  // Azure answers with the OpenAI model name and is priced like OpenAI.
  EXPECT_EQ(t.find("azure-openai", "gpt-4o-2024-11-20"), t.find("openai", "gpt-4o"));
  // Legacy names still served by the current model.
  EXPECT_EQ(t.find("deepseek", "deepseek-v4-flash"), t.find("deepseek", "deepseek-flash"));
  EXPECT_NE(t.find("google-ai-studio", "models/gemini-2.5-pro"), nullptr);
  EXPECT_NE(t.find("together", "meta-llama/llama-3.3-70b-instruct-turbo"), nullptr);
  // Same model id, different provider, different price.
  const Price* groq = t.find("groq", "openai/gpt-oss-120b");
  const Price* together = t.find("together", "openai/gpt-oss-120b");
  ASSERT_NE(groq, nullptr);
  ASSERT_NE(together, nullptr);
  EXPECT_NE(groq->cached_read, together->cached_read);
  EXPECT_EQ(t.find("openrouter", "openai/gpt-4o"), nullptr);
}

TEST(BuiltinPrices, SpotChecksAgainstThePublishedRates) {
  const PriceTable& t = PriceTable::builtin();
  const Price* astra = t.find("openai", "gpt-6-astra");
  ASSERT_NE(astra, nullptr);
  EXPECT_EQ(astra->input, 10'000'000);
  EXPECT_EQ(astra->output, 50'000'000);
  EXPECT_EQ(astra->cached_read, 1'000'000);
  // 1000 prompt + 100 output tokens on Claude Opus 5.5 ($4/$20): 4000 + 2000 micro-USD.
  Usage u;
  u.input = 1'000;
  u.output = 100;
  const Price* opus = t.find("anthropic", "claude-opus-5-5");
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(cost_micros(u, *opus), 6'000);
  // Gemini 2.5 Pro doubles input above 200K prompt tokens.
  const Price* pro = t.find("google-ai-studio", "gemini-2.5-pro");
  ASSERT_NE(pro, nullptr);
  u.input = 200'001;
  u.output = 0;
  EXPECT_EQ(cost_micros(u, *pro), 500'003);  // 200001 * $2.50/M = $0.5000025, half up
}

}  // namespace
}  // namespace parapet::cost
