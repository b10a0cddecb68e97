#include "cost/cost.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace parapet::cost {
namespace {

// Rates are written in micro-USD per million tokens: m(150000) is $0.15 per million.
constexpr int64_t m(int64_t micro_usd_per_million) { return micro_usd_per_million; }

Price flat(int64_t input, int64_t output) {
  Price p;
  p.input = input;
  p.output = output;
  return p;
}

Usage usage(int64_t input, int64_t output, int64_t cached_read = 0, int64_t cache_write = 0,
            int64_t reasoning = 0) {
  Usage u;
  u.input = input;
  u.output = output;
  u.cached_read = cached_read;
  u.cache_write = cache_write;
  u.reasoning = reasoning;
  return u;
}

TEST(Cost, RoundsHalfUpOnceAtTheEnd) {
  const Price p = flat(m(150'000), 0);         // $0.15 per million tokens
  EXPECT_EQ(cost_micros(usage(1, 0), p), 0);   // 0.15 micro-USD
  EXPECT_EQ(cost_micros(usage(3, 0), p), 0);   // 0.45
  EXPECT_EQ(cost_micros(usage(4, 0), p), 1);   // 0.60
  EXPECT_EQ(cost_micros(usage(10, 0), p), 2);  // 1.50: half rounds up
  EXPECT_EQ(cost_micros(usage(1'000'000, 0), p), 150'000);
  // One token at $0.50/M is exactly half a micro-dollar: up.
  EXPECT_EQ(cost_micros(usage(1, 0), flat(m(500'000), 0)), 1);
  EXPECT_EQ(cost_micros(usage(1, 0), flat(m(499'999), 0)), 0);
  // Rounding happens once, on the sum: 0.45 + 0.45 = 0.9 -> 1, not 0 + 0.
  EXPECT_EQ(cost_micros(usage(3, 3), flat(m(150'000), m(150'000))), 1);
}

TEST(Cost, LargeCountsDoNotOverflow) {
  // 10^9 tokens each way at GPT-6 Astra's $10/$50: $10,000 + $50,000.
  EXPECT_EQ(cost_micros(usage(1'000'000'000, 1'000'000'000), flat(m(10'000'000), m(50'000'000))),
            60'000'000'000);
  // 10^9 tokens at the highest price the table accepts ($1 a token).
  const int64_t kMaxRate = 1'000'000'000'000;
  EXPECT_EQ(cost_micros(usage(1'000'000'000, 1'000'000'000), flat(kMaxRate, kMaxRate)),
            2'000'000'000'000'000);
  // Absurd counts saturate instead of wrapping.
  const int64_t kHuge = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(cost_micros(usage(kHuge, kHuge, kHuge, kHuge), flat(kMaxRate, kMaxRate)),
            std::numeric_limits<int64_t>::max());
}

TEST(Cost, FollowsTheUsageConvention) {
  // Claude Sonnet 4.5: $3 input, $0.30 cache read, $3.75 cache write, $15 output.
  Price p = flat(m(3'000'000), m(15'000'000));
  p.cached_read = m(300'000);
  p.cache_write = m(3'750'000);
  // input excludes cached reads; output includes reasoning, which is not billed again.
  const Usage u = usage(/*input=*/1'000, /*output=*/500, /*cached_read=*/20'000,
                        /*cache_write=*/4'000, /*reasoning=*/400);
  // 1000*3 + 20000*0.30 + 4000*3.75 + 500*15 = 3000 + 6000 + 15000 + 7500 micro-USD.
  EXPECT_EQ(cost_micros(u, p), 31'500);
  Usage no_reasoning = u;
  no_reasoning.reasoning = 0;
  EXPECT_EQ(cost_micros(no_reasoning, p), cost_micros(u, p));
}

TEST(Cost, TokensWithoutAListedRateAreBilledAsInput) {
  const Price p = flat(m(2'000'000), m(8'000'000));  // no cache rates
  EXPECT_EQ(cost_micros(usage(0, 0, 1'000, 1'000), p), 4'000);
}

TEST(Cost, LongContextRatesApplyToTheWholeRequestAboveTheThreshold) {
  Price p = flat(m(100'000), m(500'000));  // Claude Haiku 5.5
  p.cached_read = m(10'000);
  p.cache_write = m(125'000);
  LongContext lc;
  lc.above_prompt_tokens = 100'000;
  lc.input = m(500'000);
  lc.cached_read = m(50'000);
  lc.cache_write = m(625'000);
  lc.output = m(2'500'000);
  p.long_context = lc;
  // Exactly at the threshold (input + cached_read + cache_write = 100000): base rates.
  // 60000*0.10 + 30000*0.01 + 10000*0.125 + 1000*0.50 = 6000 + 300 + 1250 + 500
  EXPECT_EQ(cost_micros(usage(60'000, 1'000, 30'000, 10'000), p), 8'050);
  // One more prompt token: every token at long-context rates, output included.
  // 60001*0.5 + 30000*0.05 + 10000*0.625 + 1000*2.5 = 30000.5 + 1500 + 6250 + 2500
  EXPECT_EQ(cost_micros(usage(60'001, 1'000, 30'000, 10'000), p), 40'251);
}

TEST(Cost, NegativeCountsCountAsZero) {
  const Price p = flat(m(1'000'000), m(1'000'000));
  EXPECT_EQ(cost_micros(usage(-5, 10, -1, -1), p), 10);
}

}  // namespace
}  // namespace parapet::cost
