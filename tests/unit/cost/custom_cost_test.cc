#include <gtest/gtest.h>

#include <string>

#include "cost/cost.h"

namespace parapet::cost {
namespace {

Usage usage(int64_t input, int64_t output, int64_t cached_read = 0, int64_t cache_write = 0) {
  Usage u;
  u.input = input;
  u.output = output;
  u.cached_read = cached_read;
  u.cache_write = cache_write;
  return u;
}

CustomCost ok(std::string_view header) {
  auto c = parse_custom_cost(header);
  EXPECT_TRUE(c.ok()) << header << ": " << (c.ok() ? "" : c.error().message);
  return c.ok() ? *c : CustomCost{};
}

std::string error_of(std::string_view header) {
  auto c = parse_custom_cost(header);
  EXPECT_FALSE(c.ok()) << header;
  return c.ok() ? "" : c.error().message;
}

TEST(CustomCost, ParsesCloudflaresPerTokenForm) {
  // Cloudflare's documented example: $1 and $2 per million tokens.
  const CustomCost c = ok(R"({"per_token_in":0.000001,"per_token_out":0.000002})");
  EXPECT_EQ(c.kind, CustomCost::Kind::kPerToken);
  EXPECT_EQ(c.per_token_in, 1'000'000);  // micro-USD per million tokens, the table's unit
  EXPECT_EQ(c.per_token_out, 2'000'000);
  // 1000 in + 500 out = $0.001 + $0.001.
  EXPECT_EQ(cost_micros(usage(1'000, 500), c), 2'000);
}

TEST(CustomCost, ReadsExponentsAndWhitespaceExactly) {
  const CustomCost c = ok(" { \"per_token_out\" : 2E-6 ,\n\t\"per_token_in\": 1e-6 } ");
  EXPECT_EQ(c.per_token_in, 1'000'000);
  EXPECT_EQ(c.per_token_out, 2'000'000);
  // 12 decimal places per token are representable; 0.1 is exactly a tenth.
  EXPECT_EQ(ok(R"({"per_token_in":0.000000000001})").per_token_in, 1);
  EXPECT_EQ(ok(R"({"per_token_in":1.5e-7})").per_token_in, 150'000);
  EXPECT_EQ(ok(R"({"per_token_in":0.1})").per_token_in, 100'000'000'000);
  EXPECT_EQ(ok(R"({"per_token_in":0})").per_token_in, 0);
}

TEST(CustomCost, AMissingSideIsZeroAndPromptTokensAllUseTheInputPrice) {
  const CustomCost c = ok(R"({"per_token_in":0.000003})");
  EXPECT_EQ(c.per_token_out, 0);
  // input + cached_read + cache_write are all tokens sent: 1000 + 2000 + 3000 at $3/M.
  EXPECT_EQ(cost_micros(usage(1'000, 999, 2'000, 3'000), c), 18'000);
}

TEST(CustomCost, TotalCostIgnoresUsage) {
  const CustomCost c = ok(R"({"total_cost":0.05})");
  EXPECT_EQ(c.kind, CustomCost::Kind::kTotal);
  EXPECT_EQ(c.total, 50'000);
  EXPECT_EQ(cost_micros(usage(123, 456), c), 50'000);
  EXPECT_EQ(cost_micros(Usage{}, c), 50'000);
  EXPECT_EQ(ok(R"({"total_cost":5E-2})").total, 50'000);
}

TEST(CustomCost, RejectsMalformedHeaders) {
  for (const char* bad : {"",
                          "   ",
                          "{",
                          "}",
                          "{}",
                          "[]",
                          "null",
                          "0.000001",
                          "per_token_in=0.000001",
                          R"({"per_token_in":})",
                          R"({"per_token_in":0.1,})",
                          R"({"per_token_in" 0.1})",
                          R"({"per_token_in":0.1} x)",
                          R"({"per_token_in":0.1}})",
                          R"({per_token_in:0.1})",
                          R"({'per_token_in':0.1})",
                          R"({"per_token_in":0.1 "per_token_out":0.2})",
                          R"({"per_token_in":null})",
                          R"({"per_token_in":true})",
                          R"({"per_token_in":"0.1"})",
                          R"({"per_token_in":[0.1]})",
                          R"({"per_token_in":.1})",
                          R"({"per_token_in":01})",
                          R"({"per_token_in":1.})",
                          R"({"per_token_in":0x1})",
                          R"({"per_token_in":NaN})",
                          R"({"per_token_\u0069n":0.1})"}) {
    EXPECT_FALSE(parse_custom_cost(bad).ok()) << bad;
  }
  std::string e = error_of(R"({"per_token_input":0.1})");
  EXPECT_NE(e.find("unknown key \"per_token_input\""), std::string::npos) << e;
  e = error_of(R"({"per_token_in":0.1,"per_token_in":0.2})");
  EXPECT_NE(e.find("given twice"), std::string::npos) << e;
  e = error_of(R"({"total_cost":1,"per_token_out":0.1})");
  EXPECT_NE(e.find("not both"), std::string::npos) << e;
  EXPECT_EQ(e.rfind("x-parapet-custom-cost: ", 0), 0u) << e;
}

TEST(CustomCost, RejectsNegativeValues) {
  for (const char* bad : {R"({"per_token_in":-0.000001})", R"({"per_token_out":-1e-6})",
                          R"({"total_cost":-0.05})", R"({"per_token_in":-0})"}) {
    const std::string e = error_of(bad);
    EXPECT_NE(e.find("negative"), std::string::npos) << bad << ": " << e;
  }
}

TEST(CustomCost, RejectsHugeAndOverPreciseValues) {
  for (const char* bad :
       {R"({"per_token_in":2})", R"({"per_token_in":1e30})", R"({"per_token_out":1e308})",
        R"({"per_token_in":99999999999999999999999999999999})", R"({"total_cost":1e7})",
        R"({"total_cost":1000000.000001})", R"({"per_token_in":1e999999999})"}) {
    const std::string e = error_of(bad);
    EXPECT_TRUE(e.find("too large") != std::string::npos ||
                e.find("out of range") != std::string::npos)
        << bad << ": " << e;
  }
  // $1 per token and $1,000,000 in total are the ceilings, and allowed.
  EXPECT_EQ(ok(R"({"per_token_in":1})").per_token_in, 1'000'000'000'000);
  EXPECT_EQ(ok(R"({"total_cost":1000000})").total, 1'000'000'000'000);
  for (const char* bad : {R"({"per_token_in":1e-13})", R"({"per_token_in":0.0000000000001})",
                          R"({"total_cost":0.0000001})"}) {
    const std::string e = error_of(bad);
    EXPECT_NE(e.find("precision"), std::string::npos) << bad << ": " << e;
  }
  EXPECT_NE(error_of("{\"per_token_in\":" + std::string(2000, '1') + "}").find("1 KiB"),
            std::string::npos);
}

}  // namespace
}  // namespace parapet::cost
