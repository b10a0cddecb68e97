#include "limits/limiter.h"

#include <gtest/gtest.h>

#include "limits/window.h"

namespace parapet::limits {
namespace {

Rule make(RuleSpec s, std::string_view kind = "") {
  if (s.gateway.empty()) s.gateway = "default";
  auto r = build_rule(std::move(s), kind);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return *r;
}

Rule requests(std::string id, std::string scope, std::string n, std::string window = "60s",
              std::string kind = "") {
  RuleSpec s;
  s.id = std::move(id);
  s.scope = std::move(scope);
  s.requests = std::move(n);
  s.window = std::move(window);
  s.kind = std::move(kind);
  return make(std::move(s));
}

Rule budget(std::string id, std::string scope, std::string usd) {
  RuleSpec s;
  s.id = std::move(id);
  s.scope = std::move(scope);
  s.limit_usd = std::move(usd);
  return make(std::move(s));
}

cost::Price price(int64_t in, int64_t out) {
  cost::Price p;
  p.input = in;
  p.output = out;
  return p;
}

constexpr int64_t kT0 = 1'699'999'980'000;  // a minute boundary (28'333'333 minutes)

class LimiterTest : public ::testing::Test {
 protected:
  LimiterTest() { basis_.model = "some-model"; }
  State state_{2};
  Limiter w0_{state_, 0}, w1_{state_, 1};
  RequestFacts facts_{"default", "", "10.0.0.1", ""};
  CostBasis basis_;
};

TEST_F(LimiterTest, RequestLimitRefusesTheNPlusFirstWithHeaders) {
  RuleSet rs{{requests("r", "gateway", "3")}};
  for (int i = 0; i < 3; ++i) {
    Limiter::Ticket t;
    EXPECT_FALSE((i % 2 ? w1_ : w0_).admit(rs, facts_, basis_, kT0 + 15'000, t)) << i;
  }
  Limiter::Ticket t;
  auto no = w0_.admit(rs, facts_, basis_, kT0 + 15'000, t);
  ASSERT_TRUE(no);
  EXPECT_EQ(no->error.code, ErrorCode::kRateLimited);
  EXPECT_NE(no->error.message.find("'r'"), std::string::npos);
  EXPECT_NE(no->headers.find("retry-after: 45\r\n"), std::string::npos) << no->headers;
  EXPECT_NE(no->headers.find("x-ratelimit-limit: 3\r\n"), std::string::npos);
  EXPECT_NE(no->headers.find("x-ratelimit-remaining: 0\r\n"), std::string::npos);
  EXPECT_NE(no->headers.find("x-ratelimit-reset: 45\r\n"), std::string::npos);
  // The next window admits again.
  EXPECT_FALSE(w1_.admit(rs, facts_, basis_, kT0 + 60'000, t));
}

TEST_F(LimiterTest, ScopesKeepSeparateCountsAndOtherGatewaysAreUntouched) {
  RuleSet rs{{requests("ip", "ip", "1")}};
  Limiter::Ticket t;
  EXPECT_FALSE(w0_.admit(rs, facts_, basis_, kT0, t));
  EXPECT_TRUE(w0_.admit(rs, facts_, basis_, kT0, t));
  RequestFacts other = facts_;
  other.client_ip = "10.0.0.2";
  EXPECT_FALSE(w0_.admit(rs, other, basis_, kT0, t));
  other.gateway = "staging";
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(w0_.admit(rs, other, basis_, kT0, t));
}

TEST_F(LimiterTest, ARequestRefusedByOneRuleIsCountedByNone) {
  RuleSet rs{{requests("wide", "gateway", "100"), requests("narrow", "ip", "1")}};
  Limiter::Ticket t;
  EXPECT_FALSE(w0_.admit(rs, facts_, basis_, kT0, t));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(w0_.admit(rs, facts_, basis_, kT0, t));
  int64_t prev = 0, cur = 0;
  state_.rate("wide", "default")->totals(window_index(kT0, 60'000), &prev, &cur);
  EXPECT_EQ(cur, 1);
}

TEST_F(LimiterTest, TokenLimitChecksBeforeAndCountsAfter) {
  RuleSpec s;
  s.id = "tpm";
  s.tokens = "100";
  s.window = "60s";
  RuleSet rs{{make(s)}};
  Limiter::Ticket t;
  ASSERT_FALSE(w0_.admit(rs, facts_, basis_, kT0, t));
  Limiter::Ticket t2;
  ASSERT_FALSE(w1_.admit(rs, facts_, basis_, kT0, t2));  // in flight: not yet counted
  w0_.finish(t, 70, 0, kT0 + 1);
  w1_.finish(t2, 70, 0, kT0 + 2);  // the documented overshoot: 140 of 100
  auto no = w0_.admit(rs, facts_, basis_, kT0 + 3, t);
  ASSERT_TRUE(no);
  EXPECT_NE(no->headers.find("x-ratelimit-remaining: 0"), std::string::npos);
  EXPECT_FALSE(w0_.admit(rs, facts_, basis_, kT0 + 60'000, t));
}

TEST_F(LimiterTest, SlidingWindowCarriesThePreviousWindow) {
  RuleSet rs{{requests("s", "gateway", "4", "60s", "sliding")}};
  Limiter::Ticket t;
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(w0_.admit(rs, facts_, basis_, kT0 + 59'000, t));
  // 15 s into the next window 3/4 of the previous 4 still count: one more fits.
  EXPECT_FALSE(w0_.admit(rs, facts_, basis_, kT0 + 75'000, t));
  auto no = w0_.admit(rs, facts_, basis_, kT0 + 75'000, t);
  ASSERT_TRUE(no);
  // A fixed window would reset to 0 here; retry-after says when the estimate fits again.
  EXPECT_NE(no->headers.find("retry-after: 15"), std::string::npos) << no->headers;
}

TEST_F(LimiterTest, BudgetReservesWorstCaseAndSettlesTheRealCost) {
  RuleSet rs{{budget("b", "key", "1.00")}};
  cost::Price p = price(1'000'000, 2'000'000);  // $1 / $2 per million tokens
  basis_.price = &p;
  basis_.prompt_tokens = 1000;
  basis_.max_output_tokens = 500;
  // Worst case: 1000 * $1e-6 + 500 * $2e-6 = $0.002 = 2000 µ$.
  EXPECT_EQ(*worst_case_micros(basis_, rs.rules[0]), 2000);
  Limiter::Ticket t;
  ASSERT_FALSE(w0_.admit(rs, facts_, basis_, kT0, t));
  BudgetAccount* a = state_.budget("b", "anonymous", period_index(Period::kDay, kT0));
  EXPECT_EQ(a->used(), 2000);
  EXPECT_EQ(a->in_flight(), 2000);
  w0_.finish(t, 0, 300, kT0 + 10);
  EXPECT_EQ(a->used(), 300);
  EXPECT_EQ(a->in_flight(), 0);
  EXPECT_TRUE(t.empty());
}

TEST_F(LimiterTest, BudgetRefusalSaysBudgetSpentAndRemaining) {
  RuleSet rs{{budget("b", "gateway", "0.01")}};
  cost::Price p = price(1'000'000, 1'000'000);
  basis_.price = &p;
  basis_.prompt_tokens = 4000;
  basis_.max_output_tokens = 4000;  // $0.008
  Limiter::Ticket t;
  ASSERT_FALSE(w0_.admit(rs, facts_, basis_, kT0, t));
  w0_.finish(t, 0, 5000, kT0);
  auto no = w1_.admit(rs, facts_, basis_, kT0 + 1, t);
  ASSERT_TRUE(no);
  EXPECT_EQ(no->error.code, ErrorCode::kBudgetExceeded);
  EXPECT_NE(no->error.message.find("limit $0.01"), std::string::npos) << no->error.message;
  EXPECT_NE(no->error.message.find("spent $0.005"), std::string::npos) << no->error.message;
  EXPECT_NE(no->error.message.find("remaining $0.005"), std::string::npos) << no->error.message;
  EXPECT_NE(no->headers.find("retry-after: "), std::string::npos);
}

TEST_F(LimiterTest, BudgetUsesTheBudgetDefaultWhenTheBodyNamesNoMaximum) {
  Rule b = budget("b", "gateway", "100");
  cost::Price p = price(0, 1'000'000);
  basis_.price = &p;
  EXPECT_EQ(*worst_case_micros(basis_, b), Rule::kDefaultMaxOutputTokens);
}

TEST_F(LimiterTest, CacheWritePricesMakeTheWorstCaseDearer) {
  Rule b = budget("b", "gateway", "100");
  cost::Price p = price(1'000'000, 0);
  p.cache_write = 1'250'000;
  basis_.price = &p;
  basis_.prompt_tokens = 1000;
  basis_.max_output_tokens = 1;
  EXPECT_EQ(*worst_case_micros(basis_, b), 1250);
}

TEST_F(LimiterTest, UnpricedModelUnderABudgetIsRefusedUnlessACustomCostIsGiven) {
  RuleSet rs{{budget("b", "gateway", "1")}};
  basis_.model = "mystery-1";
  Limiter::Ticket t;
  auto no = w0_.admit(rs, facts_, basis_, kT0, t);
  ASSERT_TRUE(no);
  EXPECT_EQ(no->error.code, ErrorCode::kForbidden);
  EXPECT_NE(no->error.message.find("mystery-1"), std::string::npos);
  cost::CustomCost cc;
  cc.kind = cost::CustomCost::Kind::kTotal;
  cc.total = 10'000;
  basis_.custom = cc;
  EXPECT_FALSE(w0_.admit(rs, facts_, basis_, kT0, t));
  EXPECT_EQ(t.holds.size(), 1u);
  EXPECT_EQ(t.holds[0].reserved, 10'000);
}

TEST_F(LimiterTest, RequestsThatNameNoModelAreNotChargedToBudgets) {
  RuleSet rs{{budget("b", "gateway", "0.000001")}};
  basis_.model.clear();  // GET /v1/models, a plain HTTP origin
  Limiter::Ticket t;
  EXPECT_FALSE(w0_.admit(rs, facts_, basis_, kT0, t));
  EXPECT_TRUE(t.empty());
}

TEST_F(LimiterTest, RefusalsAreCountedPerCell) {
  RuleSet rs{{requests("r", "gateway", "1")}};
  Limiter::Ticket t;
  ASSERT_FALSE(w0_.admit(rs, facts_, basis_, kT0, t));
  ASSERT_TRUE(w0_.admit(rs, facts_, basis_, kT0, t));
  ASSERT_TRUE(w1_.admit(rs, facts_, basis_, kT0, t));
  EXPECT_EQ(state_.rate("r", "default")->refused.load(), 2u);
}

TEST_F(LimiterTest, ARefusedBudgetReleasesTheOthersReservations) {
  RuleSet rs{{budget("wide", "gateway", "10"), budget("narrow", "ip", "0.000001")}};
  cost::Price p = price(1'000'000, 1'000'000);
  basis_.price = &p;
  basis_.prompt_tokens = 10;
  basis_.max_output_tokens = 10;
  Limiter::Ticket t;
  ASSERT_TRUE(w0_.admit(rs, facts_, basis_, kT0, t));
  EXPECT_EQ(state_.budget("wide", "default", period_index(Period::kDay, kT0))->used(), 0);
  EXPECT_TRUE(t.empty());
}

TEST_F(LimiterTest, ANewDayIsANewAccount) {
  RuleSet rs{{budget("b", "gateway", "0.00002")}};
  cost::Price p = price(1'000'000, 1'000'000);
  basis_.price = &p;
  basis_.prompt_tokens = 10;
  basis_.max_output_tokens = 10;
  int64_t midnight = (kT0 / 86'400'000 + 1) * 86'400'000;
  Limiter::Ticket t;
  ASSERT_FALSE(w0_.admit(rs, facts_, basis_, midnight - 1, t));
  Limiter::Ticket t2;
  auto no = w0_.admit(rs, facts_, basis_, midnight - 1, t2);
  ASSERT_TRUE(no);
  EXPECT_NE(no->headers.find("retry-after: 1\r\n"), std::string::npos);
  EXPECT_FALSE(w0_.admit(rs, facts_, basis_, midnight, t2));
  // Settling after midnight goes to the account the reservation came from.
  w0_.finish(t, 0, 5, midnight + 1);
  EXPECT_EQ(state_.budget("b", "default", period_index(Period::kDay, midnight - 1))->used(), 5);
}

}  // namespace
}  // namespace parapet::limits
