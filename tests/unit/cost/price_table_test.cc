#include "cost/price_table.h"

#include <gtest/gtest.h>

#include <string>

namespace parapet::cost {
namespace {

constexpr std::string_view kTable = R"(version = "test-1"
currency = "USD"

[providers.openai]
source = "https://example.com/openai"

[[providers.openai.models]]
id = "gpt-4o"
aliases = ["gpt-4o-latest"]
input = "2.50"
cached_read = "1.25"
output = "10.00"
source = "https://example.com/openai/gpt-4o"
checked = "2026-11-22"

[[providers.openai.models]]
id = "gpt-4o-2024-05-13"
input = "5.00"
output = "15.00"

[[providers.openai.models]]
id = "gpt-4o-mini"
input = "0.15"
output = "0.60"

[[providers.anthropic.models]]
id = "claude-sonnet-4-5"
input = "3.00"
cached_read = "0.30"
cache_write = "3.75"
output = "15.00"
checked = 2026-10-24
long_context = { above_prompt_tokens = 200000, input = "6.00", cached_read = "0.60", cache_write = "7.50", output = "22.50" }

[[providers.together.models]]
id = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
input = "0.88"
output = "0.88"

[[providers.groq.models]]
id = "openai/gpt-oss-120b"
input = "0.15"
output = "0.60"

[[providers.together.models]]
id = "openai/gpt-oss-120b"
input = "0.20"
output = "0.70"

[[providers.google-ai-studio.models]]
id = "gemini-2.5-pro"
input = "1.25"
output = "10.00"

[providers.azure-openai]
inherits = "openai"

[providers.openrouter]
reports_own_cost = true
)";

PriceTable table() {
  auto t = PriceTable::parse(kTable);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? std::move(*t) : PriceTable();
}

std::string error_of(std::string_view text) {
  auto t = PriceTable::parse(text);
  EXPECT_FALSE(t.ok()) << text;
  return t.ok() ? "" : t.error().message;
}

TEST(PriceTable, ParsesRatesInMicroUsdPerMillionTokens) {
  PriceTable t = table();
  EXPECT_EQ(t.version(), "test-1");
  const Price* p = t.find("openai", "gpt-4o");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->id, "gpt-4o");
  EXPECT_EQ(p->provider, "openai");
  EXPECT_EQ(p->input, 2'500'000);
  EXPECT_EQ(p->output, 10'000'000);
  EXPECT_EQ(p->cached_read, 1'250'000);
  EXPECT_FALSE(p->cache_write.has_value());
  EXPECT_FALSE(p->long_context.has_value());
  EXPECT_EQ(p->source, "https://example.com/openai/gpt-4o");
  EXPECT_EQ(p->checked, "2026-11-22");

  const Price* c = t.find("anthropic", "claude-sonnet-4-5");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->checked, "2026-10-24");  // a TOML date works as well as a string
  ASSERT_TRUE(c->long_context.has_value());
  EXPECT_EQ(c->long_context->above_prompt_tokens, 200'000);
  EXPECT_EQ(c->long_context->input, 6'000'000);
  EXPECT_EQ(c->long_context->cache_write, 7'500'000);
  EXPECT_EQ(c->long_context->output, 22'500'000);
}

TEST(PriceTable, MatchesExactIdAndAliases) {
  PriceTable t = table();
  EXPECT_EQ(t.find("openai", "gpt-4o-latest"), t.find("openai", "gpt-4o"));
  EXPECT_EQ(t.find("openai", "gpt-4o-mini")->input, 150'000);
  // Case and a Gemini-style "models/" prefix do not matter.
  EXPECT_EQ(t.find("openai", "GPT-4o"), t.find("openai", "gpt-4o"));
  EXPECT_NE(t.find("together", "meta-llama/llama-3.3-70b-instruct-turbo"), nullptr);
  EXPECT_NE(t.find("google-ai-studio", "models/gemini-2.5-pro"), nullptr);
}

TEST(PriceTable, MatchesDatedSnapshotsByStrippingOneDateSuffix) {
  PriceTable t = table();
  const Price* gpt4o = t.find("openai", "gpt-4o");
  EXPECT_EQ(t.find("openai", "gpt-4o-2024-08-06"), gpt4o);
  EXPECT_EQ(t.find("openai", "gpt-4o-2024-11-20"), gpt4o);
  const Price* sonnet = t.find("anthropic", "claude-sonnet-4-5");
  EXPECT_EQ(t.find("anthropic", "claude-sonnet-4-5-20250929"), sonnet);
  EXPECT_EQ(t.find("anthropic", "claude-sonnet-4-5@20250929"), sonnet);
  // An exact entry wins over the date rule: the first gpt-4o snapshot kept its launch price.
  EXPECT_EQ(t.find("openai", "gpt-4o-2024-05-13")->input, 5'000'000);
  // Only real dates are stripped, and only one.
  EXPECT_EQ(t.find("openai", "gpt-4o-2024-13-06"), nullptr);
  EXPECT_EQ(t.find("openai", "gpt-4o-1999-08-06"), nullptr);
  EXPECT_EQ(t.find("anthropic", "claude-sonnet-4-5-2025092"), nullptr);
  EXPECT_EQ(t.find("openai", "gpt-4o-2024-08-06-2024-08-06"), nullptr);
}

TEST(PriceTable, UnknownModelsAreNullNeverAPrefixMatch) {
  PriceTable t = table();
  EXPECT_EQ(t.find("openai", "gpt-4o-mini-audio"), nullptr);
  EXPECT_EQ(t.find("openai", "gpt-4"), nullptr);
  EXPECT_EQ(t.find("openai", "gpt-4o-"), nullptr);
  EXPECT_EQ(t.find("openai", ""), nullptr);
  EXPECT_EQ(t.find("openai", "ft:gpt-4o-mini-2024-07-18:org::abc"), nullptr);
  EXPECT_EQ(t.find("openai", std::string(5000, 'x')), nullptr);
  EXPECT_EQ(t.find("nosuch", "gpt-4o"), nullptr);
}

TEST(PriceTable, ScopesPricesToTheProvider) {
  PriceTable t = table();
  const Price* groq = t.find("groq", "openai/gpt-oss-120b");
  const Price* together = t.find("together", "openai/gpt-oss-120b");
  ASSERT_NE(groq, nullptr);
  ASSERT_NE(together, nullptr);
  EXPECT_EQ(groq->input, 150'000);
  EXPECT_EQ(together->input, 200'000);
  EXPECT_EQ(t.find("openai", "openai/gpt-oss-120b"), nullptr);
  EXPECT_EQ(t.find("anthropic", "gpt-4o"), nullptr);
}

TEST(PriceTable, InheritsAnotherProvidersPrices) {
  PriceTable t = table();
  EXPECT_EQ(t.find("azure-openai", "gpt-4o-2024-11-20"), t.find("openai", "gpt-4o"));
  EXPECT_EQ(t.find("azure-openai", "claude-sonnet-4-5"), nullptr);
  EXPECT_TRUE(t.reports_own_cost("openrouter"));
  EXPECT_FALSE(t.reports_own_cost("openai"));
  EXPECT_FALSE(t.reports_own_cost("nosuch"));
  EXPECT_EQ(t.find("openrouter", "openai/gpt-4o"), nullptr);
}

TEST(PriceTable, ErrorsNameTheLineAndTheKey) {
  const std::string head = "version = \"v\"\n[[providers.openai.models]]\nid = \"m\"\n";
  std::string e = error_of(head + "input = 2.5\noutput = \"1\"\n");
  EXPECT_NE(e.find("prices.toml:4: providers.openai.models[0].input"), std::string::npos) << e;
  EXPECT_NE(e.find("decimal strings"), std::string::npos) << e;

  e = error_of(head + "input = \"2.5x\"\noutput = \"1\"\n");
  EXPECT_NE(e.find(":4: providers.openai.models[0].input: '2.5x' is not a decimal number"),
            std::string::npos)
      << e;
  e = error_of(head + "input = \"1\"\noutput = \"-1\"\n");
  EXPECT_NE(e.find(":5: providers.openai.models[0].output"), std::string::npos) << e;
  EXPECT_NE(e.find("negative"), std::string::npos) << e;
  e = error_of(head + "input = \"0.0000001\"\noutput = \"1\"\n");
  EXPECT_NE(e.find("precision"), std::string::npos) << e;
  e = error_of(head + "input = \"1000000.01\"\noutput = \"1\"\n");
  EXPECT_NE(e.find("too large"), std::string::npos) << e;
  e = error_of(head + "output = \"1\"\n");
  EXPECT_NE(e.find("providers.openai.models[0].input: is required"), std::string::npos) << e;
  e = error_of(head + "input = \"1\"\noutput = \"1\"\ncached_raed = \"1\"\n");
  EXPECT_NE(e.find(":6: providers.openai.models[0].cached_raed: unknown key"), std::string::npos)
      << e;
  e = error_of(head + "input = \"1\"\noutput = \"1\"\nchecked = \"22/11/2026\"\n");
  EXPECT_NE(e.find(".checked: must be a date"), std::string::npos) << e;
  e = error_of(head + "input = \"1\"\noutput = \"1\"\nsource = \"http://x\"\n");
  EXPECT_NE(e.find(".source: must be an https:// URL"), std::string::npos) << e;
  e = error_of(head + "input = \"1\"\noutput = \"1\"\naliases = [\"M\"]\n");
  EXPECT_NE(e.find("'M' is already priced for openai"), std::string::npos) << e;
  e = error_of(head +
               "input = \"1\"\noutput = \"1\"\n[[providers.openai.models]]\nid = \"m\"\n"
               "input = \"1\"\noutput = \"1\"\n");
  EXPECT_NE(e.find(":7: providers.openai.models[1]: 'm' is already priced"), std::string::npos)
      << e;
  e = error_of(head +
               "input = \"1\"\noutput = \"1\"\ncached_read = \"0.1\"\n"
               "long_context = { above_prompt_tokens = 10, input = \"2\", output = \"2\" }\n");
  EXPECT_NE(e.find("long_context.cached_read: must be given exactly when the model's is"),
            std::string::npos)
      << e;
  e = error_of(head +
               "input = \"1\"\noutput = \"1\"\n"
               "long_context = { above_prompt_tokens = 0, input = \"2\", output = \"2\" }\n");
  EXPECT_NE(e.find("above_prompt_tokens: must be a positive integer"), std::string::npos) << e;
}

TEST(PriceTable, RejectsMalformedTablesAndProviders) {
  std::string e = error_of("[providers]\n");
  EXPECT_NE(e.find("prices.toml:1: version: is required"), std::string::npos) << e;
  e = error_of("version = \"v\"\n");
  EXPECT_NE(e.find("providers: is required"), std::string::npos) << e;
  e = error_of("version = \"v\"\ncurrency = \"EUR\"\n[providers]\n");
  EXPECT_NE(e.find(":2: currency: only \"USD\""), std::string::npos) << e;
  e = error_of("version = \"v\"\nversoin = \"w\"\n[providers]\n");
  EXPECT_NE(e.find(":2: versoin: unknown key"), std::string::npos) << e;
  e = error_of("version = \"v\"\n[providers.OpenAI]\n");
  EXPECT_NE(e.find("providers.OpenAI: provider names"), std::string::npos) << e;
  e = error_of("version = \"v\"\n[providers.openai]\ninherits = \"openai\"\n");
  EXPECT_NE(e.find(":3: providers.openai.inherits: must name another provider"), std::string::npos)
      << e;
  e = error_of("version = \"v\"\n[providers.openai]\nmodels = \"x\"\n");
  EXPECT_NE(e.find("providers.openai.models: must be an array"), std::string::npos) << e;
  e = error_of("version = \"v\"\n[[providers.openai.models]]\nid = \"has space\"\n");
  EXPECT_NE(e.find(".id: must be a model id"), std::string::npos) << e;
  // TOML syntax errors keep toml++'s line.
  e = error_of("version = \"v\"\n\n[providers\n");
  EXPECT_EQ(e.rfind("prices.toml:3: ", 0), 0u) << e;
  // A source name for an operator's file appears in its errors.
  auto t = PriceTable::parse("version = 1\n[providers]\n", "/etc/parapet/prices.toml");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message.rfind("/etc/parapet/prices.toml:1: version:", 0), 0u)
      << t.error().message;
}

TEST(PriceTable, OverridesReplaceEntriesAndKeepWhatTheyDoNotState) {
  PriceTable t = table();
  auto o = PriceTable::parse(R"(version = "acme-2026-12"
[[providers.openai.models]]
id = "GPT-4o"
input = "2.00"
output = "8.00"

[[providers.openai.models]]
id = "gpt-4o-2024-08-06"
input = "1.00"
output = "4.00"

[[providers.azure-openai.models]]
id = "gpt-4o-mini"
input = "0.10"
output = "0.40"

[[providers.my-vllm.models]]
id = "llama-local"
input = "0"
output = "0"
)",
                             "overrides.toml");
  ASSERT_TRUE(o.ok()) << o.error().message;
  const size_t before = t.entries().size();
  t.merge_overrides(*o);
  EXPECT_EQ(t.version(), "test-1+acme-2026-12");
  // Same provider and id (case-insensitively): replaced wholesale, no entry added for it.
  const Price* gpt4o = t.find("openai", "gpt-4o");
  ASSERT_NE(gpt4o, nullptr);
  EXPECT_EQ(gpt4o->input, 2'000'000);
  EXPECT_FALSE(gpt4o->cached_read.has_value());
  // Its old alias still reaches the entry, which now has the new rates.
  EXPECT_EQ(t.find("openai", "gpt-4o-latest"), gpt4o);
  // An exact override for one snapshot beats the date rule.
  EXPECT_EQ(t.find("openai", "gpt-4o-2024-08-06")->input, 1'000'000);
  EXPECT_EQ(t.find("openai", "gpt-4o-2024-11-20"), gpt4o);
  // Adding azure-openai models did not cut azure-openai off from openai.
  EXPECT_EQ(t.find("azure-openai", "gpt-4o-mini")->input, 100'000);
  EXPECT_EQ(t.find("azure-openai", "gpt-4o"), gpt4o);
  EXPECT_EQ(t.find("openai", "gpt-4o-mini")->input, 150'000);
  // A custom origin can be priced (free, here).
  ASSERT_NE(t.find("my-vllm", "llama-local"), nullptr);
  EXPECT_EQ(t.find("my-vllm", "llama-local")->output, 0);
  EXPECT_EQ(t.entries().size(), before + 3);
  EXPECT_TRUE(t.reports_own_cost("openrouter"));
}

}  // namespace
}  // namespace parapet::cost
