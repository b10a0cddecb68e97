#include "limits/rule.h"

#include <gtest/gtest.h>

#include "limits/scope.h"

namespace parapet::limits {
namespace {

RuleSpec rate(std::string id) {
  RuleSpec s;
  s.id = std::move(id);
  s.gateway = "default";
  s.requests = "10";
  s.window = "60s";
  return s;
}

TEST(Rule, Durations) {
  EXPECT_EQ(*parse_duration_ms("60s"), 60'000);
  EXPECT_EQ(*parse_duration_ms("1h"), 3'600'000);
  EXPECT_EQ(*parse_duration_ms("250ms"), 250);
  EXPECT_EQ(*parse_duration_ms("2d"), 2 * 86'400'000);
  for (const char* bad : {"", "s", "60", "0s", "-1s", "1.5s", "60 s", "32d", "1w"}) {
    EXPECT_FALSE(parse_duration_ms(bad)) << bad;
  }
}

TEST(Rule, Scopes) {
  EXPECT_EQ(parse_scope("ip")->kind, ScopeKind::kIp);
  EXPECT_EQ(parse_scope("key")->kind, ScopeKind::kKey);
  auto m = parse_scope("metadata.user");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->field, "user");
  EXPECT_EQ(scope_name(*m), "metadata.user");
  EXPECT_FALSE(parse_scope("metadata."));
  EXPECT_FALSE(parse_scope("header.x"));
}

TEST(Rule, RateRule) {
  auto r = build_rule(rate("r1"), "");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->kind, RuleKind::kRate);
  EXPECT_EQ(r->limit, 10);
  EXPECT_EQ(r->window_ms, 60'000);
  EXPECT_EQ(r->window_kind, WindowKind::kFixed);
  RuleSpec t = rate("t1");
  t.requests.clear();
  t.tokens = "5000";
  t.kind = "sliding";
  r = build_rule(t, "rate");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->metric, Metric::kTokens);
  EXPECT_EQ(r->window_kind, WindowKind::kSliding);
}

TEST(Rule, RateRuleErrorsNameTheField) {
  RuleSpec both = rate("x");
  both.tokens = "1";
  EXPECT_NE(build_rule(both, "").error().message.find("exactly one"), std::string::npos);
  RuleSpec no_window = rate("x");
  no_window.window.clear();
  EXPECT_NE(build_rule(no_window, "").error().message.find("window"), std::string::npos);
  RuleSpec kind = rate("x");
  kind.kind = "leaky";
  EXPECT_FALSE(build_rule(kind, ""));
  RuleSpec zero = rate("x");
  zero.requests = "0";
  EXPECT_FALSE(build_rule(zero, ""));
  EXPECT_FALSE(build_rule(rate("bad id!"), ""));
  RuleSpec mixed = rate("x");
  mixed.limit_usd = "1";
  EXPECT_FALSE(build_rule(mixed, "rate"));
}

TEST(Rule, BudgetRule) {
  RuleSpec s;
  s.id = "daily";
  s.gateway = "default";
  s.scope = "key";
  s.limit_usd = "25.00";
  s.period = "month";
  auto r = build_rule(s, "");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->kind, RuleKind::kBudget);
  EXPECT_EQ(r->limit_micros, 25'000'000);
  EXPECT_EQ(r->period, Period::kMonth);
  EXPECT_EQ(r->max_output_tokens, Rule::kDefaultMaxOutputTokens);
  s.limit_usd = "0.0000001";  // below a micro-dollar
  EXPECT_FALSE(build_rule(s, ""));
  s.limit_usd = "-1";
  EXPECT_FALSE(build_rule(s, ""));
  s.limit_usd = "1";
  s.period = "week";
  EXPECT_FALSE(build_rule(s, ""));
}

TEST(Scope, ValuesOfARequest) {
  RequestFacts f{"default", "", "10.0.0.7", R"({"user":"ann","tier":3,"team":"a\"b"})"};
  EXPECT_EQ(scope_value(*parse_scope("gateway"), f), "default");
  EXPECT_EQ(scope_value(*parse_scope("key"), f), "anonymous");
  EXPECT_EQ(scope_value(*parse_scope("ip"), f), "10.0.0.7");
  EXPECT_EQ(scope_value(*parse_scope("metadata.user"), f), "ann");
  EXPECT_EQ(scope_value(*parse_scope("metadata.tier"), f), "3");
  EXPECT_EQ(scope_value(*parse_scope("metadata.team"), f), "a\\\"b");
  EXPECT_EQ(scope_value(*parse_scope("metadata.absent"), f), "anonymous");
  f.key_id = "k1";
  f.metadata_json = "";
  EXPECT_EQ(scope_value(*parse_scope("key"), f), "k1");
  EXPECT_EQ(scope_value(*parse_scope("metadata.user"), f), "anonymous");
}

}  // namespace
}  // namespace parapet::limits
