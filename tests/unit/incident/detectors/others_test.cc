// Latency, surge (traffic / retries / WAF), spend and breaker detectors on synthetic sequences.
#include <gtest/gtest.h>

#include "incident/detectors/breaker.h"
#include "incident/detectors/fallback.h"
#include "incident/detectors/latency.h"
#include "incident/detectors/spend.h"
#include "incident/detectors/surge.h"
#include "observe/record.h"

namespace parapet::incident {
namespace {

constexpr int64_t kS = kSecond;
constexpr int64_t kT0 = 1'700'000'000 * kS;

observe::RequestRecord rec(int64_t t_us, int64_t total_us = 1000) {
  observe::RequestRecord r;
  r.start_us = t_us;
  r.total_us = total_us;
  r.gateway = "default";
  r.provider = "openai";
  r.model_requested = "gpt-4o";
  r.status = 200;
  r.attempts = 1;
  return r;
}

TEST(IncidentLatency, FiresOnRegressionAndClears) {
  LatencyOptions o;
  o.bucket_us = kS;
  o.window_us = 10 * kS;
  o.baseline_us = 60 * kS;
  LatencyDetector d(o);
  std::vector<Signal> out;
  for (int s = 0; s < 60; ++s) {
    for (int i = 0; i < 5; ++i) d.observe(rec(kT0 + s * kS, 300'000));  // 300 ms
  }
  d.evaluate(kT0 + 60 * kS, out);
  EXPECT_TRUE(out.empty());
  for (int s = 60; s < 70; ++s) {
    for (int i = 0; i < 5; ++i) d.observe(rec(kT0 + s * kS, 2'000'000));  // 2 s
  }
  d.evaluate(kT0 + 69 * kS, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].firing);
  EXPECT_EQ(out[0].detector, "latency");
  out.clear();
  for (int s = 70; s < 90; ++s) {
    for (int i = 0; i < 5; ++i) d.observe(rec(kT0 + s * kS, 300'000));
  }
  d.evaluate(kT0 + 89 * kS, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].firing);
}

TEST(IncidentLatency, QuietOnJitter) {
  LatencyOptions o;
  o.bucket_us = kS;
  o.window_us = 10 * kS;
  o.baseline_us = 60 * kS;
  LatencyDetector d(o);
  std::vector<Signal> out;
  for (int s = 0; s < 200; ++s) {
    for (int i = 0; i < 5; ++i)
      d.observe(rec(kT0 + s * kS, 200'000 + (s * 7919 + i * 104729) % 300'000));
    d.evaluate(kT0 + s * kS, out);
  }
  EXPECT_TRUE(out.empty());
}

SurgeOptions surge_opts() {
  SurgeOptions o;
  o.window_us = 10 * kS;
  o.history = 12;
  o.min_requests = 50;
  o.min_retries = 10;
  o.min_waf = 10;
  return o;
}

TEST(IncidentSurge, TrafficSurgeFiresAndClears) {
  SurgeDetector d(SurgeKind::kTraffic, surge_opts());
  std::vector<Signal> out;
  // 12 windows of ~20 requests (noise 15..25), then 200 in one window.
  for (int w = 0; w < 12; ++w) {
    int n = 15 + (w * 7) % 11;
    for (int i = 0; i < n; ++i) d.observe(rec(kT0 + w * 10 * kS + i * 1000));
    d.evaluate(kT0 + (w + 1) * 10 * kS + 1, out);
  }
  EXPECT_TRUE(out.empty());
  for (int i = 0; i < 200; ++i) d.observe(rec(kT0 + 120 * kS + i * 1000));
  d.evaluate(kT0 + 130 * kS + 1, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].detector, "traffic_surge");
  EXPECT_TRUE(out[0].firing);
  out.clear();
  for (int i = 0; i < 20; ++i) d.observe(rec(kT0 + 130 * kS + i * 1000));
  d.evaluate(kT0 + 140 * kS + 1, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].firing);
}

TEST(IncidentSurge, NoVerdictWithoutHistoryOrVolume) {
  SurgeDetector d(SurgeKind::kTraffic, surge_opts());
  std::vector<Signal> out;
  for (int i = 0; i < 500; ++i) d.observe(rec(kT0 + i * 1000));  // first window ever
  d.evaluate(kT0 + 10 * kS + 1, out);
  EXPECT_TRUE(out.empty());
}

TEST(IncidentSurge, RetryStormCountsRetriedRecords) {
  SurgeDetector d(SurgeKind::kRetries, surge_opts());
  std::vector<Signal> out;
  for (int w = 0; w < 12; ++w) {
    for (int i = 0; i < 30; ++i) {
      auto r = rec(kT0 + w * 10 * kS + i * 1000);
      r.attempts = i == 0 ? 2 : 1;  // one retry per window
      d.observe(r);
    }
  }
  d.evaluate(kT0 + 120 * kS + 1, out);
  EXPECT_TRUE(out.empty());
  for (int i = 0; i < 30; ++i) {
    auto r = rec(kT0 + 120 * kS + i * 1000);
    r.attempts = 3;
    d.observe(r);
  }
  d.evaluate(kT0 + 130 * kS + 1, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].detector, "retry_storm");
}

TEST(IncidentSurge, WafSurgeOnBlockedRecords) {
  auto d = make_waf_surge(surge_opts());
  std::vector<Signal> out;
  for (int w = 0; w < 12; ++w) {
    for (int i = 0; i < 30; ++i) d->observe(rec(kT0 + w * 10 * kS + i * 1000));
  }
  for (int i = 0; i < 40; ++i) {
    auto r = rec(kT0 + 120 * kS + i * 1000);
    r.status = 403;
    r.error_type = "waf_blocked";
    d->observe(r);
  }
  d->evaluate(kT0 + 130 * kS + 1, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].detector, "waf_surge");
  EXPECT_EQ(out[0].severity, 2);
}

// Flagged-only matches (prompts on AI routes are flagged, not blocked) are attack traffic too;
// a surge of requests the WAF did not match at all is not.
TEST(IncidentSurge, WafSurgeCountsFlaggedRequestsNotPlainTraffic) {
  auto flagged = make_waf_surge(surge_opts());
  auto plain = make_waf_surge(surge_opts());
  std::vector<Signal> out_flagged, out_plain;
  for (int w = 0; w < 12; ++w) {
    for (int i = 0; i < 30; ++i) {
      flagged->observe(rec(kT0 + w * 10 * kS + i * 1000));
      plain->observe(rec(kT0 + w * 10 * kS + i * 1000));
    }
  }
  for (int i = 0; i < 40; ++i) {
    auto r = rec(kT0 + 120 * kS + i * 1000);
    plain->observe(r);
    r.waf_action = "log";
    r.waf_rules = "log4shell@body:content";
    flagged->observe(r);
  }
  flagged->evaluate(kT0 + 130 * kS + 1, out_flagged);
  plain->evaluate(kT0 + 130 * kS + 1, out_plain);
  ASSERT_EQ(out_flagged.size(), 1u);
  EXPECT_EQ(out_flagged[0].detector, "waf_surge");
  EXPECT_TRUE(out_plain.empty());
}

TEST(IncidentSpend, FiresWhenBurningFasterThanBudget) {
  SpendOptions o;
  o.budget_micros_per_day = 86'400'000'000;  // $86400/day = $1/s
  o.window_us = 10 * kS;
  o.factor = 2;
  SpendDetector d(o);
  std::vector<Signal> out;
  for (int s = 0; s < 10; ++s) {
    auto r = rec(kT0 + s * kS);
    r.cost_micros = 1'500'000;  // $1.5/s: under 2x
    d.observe(r);
  }
  d.evaluate(kT0 + 10 * kS, out);
  EXPECT_TRUE(out.empty());
  for (int s = 10; s < 20; ++s) {
    auto r = rec(kT0 + s * kS);
    r.cost_micros = 5'000'000;  // $5/s
    d.observe(r);
  }
  d.evaluate(kT0 + 19 * kS, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].firing);
  out.clear();
  d.evaluate(kT0 + 40 * kS, out);  // nothing spent since
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].firing);
}

TEST(IncidentSpend, OffWithoutBudget) {
  SpendDetector d(SpendOptions{});
  std::vector<Signal> out;
  auto r = rec(kT0);
  r.cost_micros = 1'000'000'000;
  d.observe(r);
  d.evaluate(kT0 + kS, out);
  EXPECT_TRUE(out.empty());
}

TEST(IncidentBreaker, FiresOnCircuitOpenAndClears) {
  BreakerOptions o;
  o.window_us = 10 * kS;
  BreakerDetector d(o);
  std::vector<Signal> out;
  d.observe(rec(kT0));  // ordinary traffic: nothing
  d.evaluate(kT0 + kS, out);
  EXPECT_TRUE(out.empty());
  auto r = rec(kT0 + 2 * kS);
  r.status = 503;
  r.error_type = "circuit_open";
  d.observe(r);
  d.evaluate(kT0 + 3 * kS, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].subject, "openai");
  EXPECT_TRUE(out[0].firing);
  out.clear();
  d.evaluate(kT0 + 20 * kS, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].firing);
}

TEST(IncidentFallback, SignalsWhileAFallbackAnswersAndOpensNothing) {
  BreakerOptions o;
  o.window_us = 10 * kS;
  FallbackDetector d(o);
  std::vector<Signal> out;
  auto primary = rec(kT0 + kS);
  primary.gateway = "default";
  primary.step = 0;
  d.observe(primary);
  d.evaluate(kT0 + 2 * kS, out);
  EXPECT_TRUE(out.empty());  // the primary step answering is no fallback
  auto r = rec(kT0 + 2 * kS);
  r.gateway = "default";
  r.provider = "anthropic";
  r.step = 1;
  d.observe(r);
  d.evaluate(kT0 + 3 * kS, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].firing);
  EXPECT_TRUE(out[0].timeline_only);
  EXPECT_EQ(out[0].subject, "gateway default");
  EXPECT_NE(out[0].title.find("anthropic (step 1)"), std::string::npos);
  out.clear();
  d.evaluate(kT0 + 5 * kS, out);
  EXPECT_TRUE(out.empty());  // still within the window: no new verdict
  d.evaluate(kT0 + 20 * kS, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].firing);
}

TEST(IncidentDetectors, RegistryHasEveryDetector) {
  auto all = make_detectors(Options{});
  std::vector<std::string> names;
  for (auto& d : all) names.emplace_back(d->name());
  EXPECT_EQ(names,
            (std::vector<std::string>{"burn_rate", "latency", "traffic_surge", "retry_storm",
                                      "waf_surge", "spend_burn", "circuit_open", "fallback"}));
}

}  // namespace
}  // namespace parapet::incident
