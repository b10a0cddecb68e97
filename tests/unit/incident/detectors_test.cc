#include <gtest/gtest.h>

#include "incident/detectors/circuit_open.h"
#include "incident/detectors/error_rate.h"
#include "incident/detectors/spend_burn.h"
#include "incident/detectors/traffic_surge.h"
#include "incident/detectors/waf_surge.h"

namespace parapet::incident {
namespace {

observe::RequestRecord rec(std::string provider, int status) {
  observe::RequestRecord r;
  r.gateway = "default";
  r.provider = std::move(provider);
  r.status = status;
  r.attempts = 1;
  return r;
}

ErrorRateOptions short_windows() {
  ErrorRateOptions o;
  o.bucket_ms = 1000;
  o.pairs = {{60'000, 10'000, 14.4}, {300'000, 30'000, 6}};
  o.min_requests = 10;
  return o;
}

TEST(ErrorRate, FiresOnOutageAndClears) {
  ErrorRateDetector d(short_windows());
  std::vector<Signal> out;
  int64_t t = 1'000'000;
  // A healthy minute.
  for (int i = 0; i < 600; ++i, t += 100) d.observe(rec("openai", 200), t);
  d.evaluate(t, out);
  EXPECT_TRUE(out.empty());
  // Outage: every call fails.
  for (int i = 0; i < 100; ++i, t += 100) d.observe(rec("openai", 500), t);
  d.evaluate(t, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].firing);
  EXPECT_EQ(out[0].detector, "error_rate");
  EXPECT_EQ(out[0].subject, "openai");
  EXPECT_NE(out[0].evidence.find("burn"), std::string::npos);
  out.clear();
  d.evaluate(t + 100, out);  // no change, no signal
  EXPECT_TRUE(out.empty());
  // Recovery: the short windows are clean again.
  for (int i = 0; i < 400; ++i, t += 100) d.observe(rec("openai", 200), t);
  d.evaluate(t, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].firing);
}

TEST(ErrorRate, QuietOnNoiseAndLowVolume) {
  ErrorRateDetector d(short_windows());
  std::vector<Signal> out;
  int64_t t = 1'000'000;
  // 0.3% errors: under the 0.5% budget, burn < 1.
  for (int i = 0; i < 3000; ++i, t += 100) d.observe(rec("openai", i % 333 == 0 ? 500 : 200), t);
  d.evaluate(t, out);
  EXPECT_TRUE(out.empty());
  // Three failures on an otherwise idle provider: under min_requests.
  for (int i = 0; i < 3; ++i) d.observe(rec("anthropic", 500), t + i);
  d.evaluate(t + 10, out);
  EXPECT_TRUE(out.empty());
}

TEST(ErrorRate, LongWindowGuardsAgainstBlip) {
  ErrorRateDetector d(short_windows());
  std::vector<Signal> out;
  int64_t t = 1'000'000;
  for (int i = 0; i < 6000; ++i, t += 10) d.observe(rec("openai", 200), t);
  // A 1 s burst of errors among a healthy minute: short window burns, long window does not.
  for (int i = 0; i < 12; ++i, t += 10) d.observe(rec("openai", 500), t);
  for (int i = 0; i < 100; ++i, t += 10) d.observe(rec("openai", 200), t);
  d.evaluate(t, out);
  EXPECT_TRUE(out.empty());
}

TEST(TrafficSurge, FiresOnSurgeAndRetryStorm) {
  TrafficSurgeOptions o;
  o.window_ms = 10'000;
  o.history_windows = 6;
  o.min_requests = 50;
  o.z = 3;
  TrafficSurgeDetector d(o);
  std::vector<Signal> out;
  int64_t t = 1'000'000;
  // Steady ~10 requests per window, with some noise.
  for (int w = 0; w < 7; ++w) {
    for (int i = 0; i < 10 + (w % 3); ++i) d.observe(rec("openai", 200), t + i * 500);
    t += 10'000;
  }
  d.evaluate(t - 1, out);
  EXPECT_TRUE(out.empty());
  // 200 requests in one window, half of them retried.
  for (int i = 0; i < 200; ++i) {
    auto r = rec("openai", 200);
    r.attempts = i % 2 ? 3 : 1;
    d.observe(r, t + i * 40);
  }
  d.evaluate(t + 8'000, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].detector, "traffic_surge");
  EXPECT_TRUE(out[0].firing);
  EXPECT_EQ(out[1].detector, "retry_storm");
  EXPECT_TRUE(out[1].firing);
  out.clear();
  // Two quiet windows later both clear.
  d.evaluate(t + 30'000, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].firing);
  EXPECT_FALSE(out[1].firing);
}

TEST(SimpleDetectors, WafCircuitSpend) {
  WafSurgeOptions wo;
  wo.window_ms = 10'000;
  wo.min_hits = 5;
  auto waf = make_waf_surge(wo);
  CircuitOpenOptions co;
  co.window_ms = 5'000;
  auto circuit = make_circuit_open(co);
  SpendBurnOptions so;
  so.window_ms = 60'000;
  so.max_micros_per_hour = 60'000'000;  // $60/h: $1 per minute
  auto spend = make_spend_burn(so);
  std::vector<Signal> out;
  int64_t t = 1'000'000;
  for (int i = 0; i < 4; ++i) {
    auto r = rec("openai", 403);
    r.waf_action = i % 2 ? "block" : "log";
    waf->observe(r, t + i);
    auto c = rec("openai", 200);
    c.cost_micros = 200'000;
    spend->observe(c, t + i);
  }
  waf->evaluate(t + 10, out);
  spend->evaluate(t + 10, out);
  circuit->evaluate(t + 10, out);
  EXPECT_TRUE(out.empty());  // 4 WAF hits < 5; $0.80 < $1 per minute
  auto r = rec("openai", 403);
  r.waf_action = "block";
  waf->observe(r, t + 20);
  auto c = rec("openai", 200);
  c.cost_micros = 300'000;
  spend->observe(c, t + 20);
  auto o = rec("openai", 503);
  o.error_type = "circuit_open";
  circuit->observe(o, t + 20);
  waf->evaluate(t + 30, out);
  spend->evaluate(t + 30, out);
  circuit->evaluate(t + 30, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].detector, "waf_surge");
  EXPECT_EQ(out[1].detector, "spend_burn");
  EXPECT_EQ(out[2].detector, "circuit_open");
  EXPECT_EQ(out[2].subject, "openai");
  for (const auto& s : out) EXPECT_TRUE(s.firing) << s.detector;
  out.clear();
  waf->evaluate(t + 100'000, out);
  spend->evaluate(t + 100'000, out);
  circuit->evaluate(t + 100'000, out);
  ASSERT_EQ(out.size(), 3u);
  for (const auto& s : out) EXPECT_FALSE(s.firing) << s.detector;
}

}  // namespace
}  // namespace parapet::incident
