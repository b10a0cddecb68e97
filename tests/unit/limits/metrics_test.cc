#include "limits/metrics.h"

#include <gtest/gtest.h>

#include "limits/limiter.h"
#include "limits/window.h"

namespace parapet::limits {
namespace {

TEST(LimitMetrics, OneSeriesPerRuleSummedOverScopeValues) {
  State state(2);
  RuleSet rs;
  RuleSpec r;
  r.id = "per-ip";
  r.gateway = "default";
  r.scope = "ip";
  r.requests = "1";
  r.window = "60s";
  rs.rules.push_back(*build_rule(r, ""));
  RuleSpec b;
  b.id = "daily";
  b.gateway = "default";
  b.limit_usd = "0.000010";
  rs.rules.push_back(*build_rule(b, ""));
  Limiter lim(state, 0);
  CostBasis basis;
  basis.model = "m";
  cost::CustomCost cc;
  cc.kind = cost::CustomCost::Kind::kTotal;
  cc.total = 6;
  basis.custom = cc;
  const int64_t now = 1'700'000'000'000;
  for (const char* ip : {"10.0.0.1", "10.0.0.2"}) {
    RequestFacts f{"default", "", ip, ""};
    Limiter::Ticket held, t;
    EXPECT_FALSE(lim.admit(rs, f, basis, now, held));  // admitted, 6 µ$ reserved
    EXPECT_TRUE(lim.admit(rs, f, basis, now, t));      // refused by per-ip
    if (std::string(ip) == "10.0.0.1") {
      lim.finish(held, 0, 4, now);  // settled: 4 spent
    } else {
      RequestFacts f3{"default", "", "10.0.0.3", ""};
      EXPECT_TRUE(lim.admit(rs, f3, basis, now, t));  // 4 + 6 + 6 > 10: refused by the budget
      Limiter::Ticket keep = std::move(held);         // still in flight
      observe::prom::Writer w;
      add_metrics(w, state, rs, now);
      std::string text = w.text();
      EXPECT_NE(text.find("parapet_limit_refused_total{rule=\"per-ip\",type=\"rate\"} 2"),
                std::string::npos)
          << text;
      EXPECT_NE(text.find("parapet_limit_refused_total{rule=\"daily\",type=\"budget\"} 1"),
                std::string::npos)
          << text;
      EXPECT_NE(text.find("parapet_budget_spent_micros{rule=\"daily\"} 4"), std::string::npos);
      EXPECT_NE(text.find("parapet_budget_reserved_micros{rule=\"daily\"} 6"), std::string::npos);
      size_t first = text.find("# TYPE parapet_limit_refused_total counter");
      ASSERT_NE(first, std::string::npos);
      EXPECT_EQ(text.find("# TYPE parapet_limit_refused_total", first + 1), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace parapet::limits
