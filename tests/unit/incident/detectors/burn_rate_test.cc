#include "incident/detectors/burn_rate.h"

#include <gtest/gtest.h>

#include "observe/record.h"

namespace parapet::incident {
namespace {

constexpr int64_t kS = kSecond;

observe::RequestRecord rec(int64_t t_us, int status, std::string provider = "openai",
                           std::string model = "gpt-4o") {
  observe::RequestRecord r;
  r.start_us = t_us;
  r.total_us = 1000;
  r.provider = std::move(provider);
  r.model_requested = std::move(model);
  r.status = status;
  return r;
}

BurnRateOptions short_windows() {
  BurnRateOptions o;
  o.bucket_us = 1 * kS;
  o.fast_long_us = 60 * kS;
  o.fast_short_us = 5 * kS;
  o.slow_long_us = 360 * kS;
  o.slow_short_us = 30 * kS;
  o.min_requests = 10;
  return o;
}

// 10 requests a second for `secs` seconds from t0, `fail_every`-th failing (0: none).
void feed(BurnRateDetector& d, int64_t t0, int secs, int fail_every) {
  for (int s = 0; s < secs; ++s) {
    for (int i = 0; i < 10; ++i) {
      int n = s * 10 + i;
      d.observe(rec(t0 + s * kS + i * 1000, fail_every && n % fail_every == 0 ? 500 : 200));
    }
  }
}

TEST(IncidentBurnRate, FiresOnOutageAndClearsAfterRecovery) {
  BurnRateDetector d(short_windows());
  int64_t t0 = 1'700'000'000 * kS;
  std::vector<Signal> out;
  feed(d, t0, 120, 0);  // healthy
  d.evaluate(t0 + 120 * kS, out);
  EXPECT_TRUE(out.empty());
  feed(d, t0 + 120 * kS, 10, 1);  // every request fails
  d.evaluate(t0 + 130 * kS, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].firing);
  EXPECT_EQ(out[0].subject, "openai/gpt-4o");
  EXPECT_EQ(out[0].severity, 2);
  out.clear();
  d.evaluate(t0 + 130 * kS, out);  // no change, no signal
  EXPECT_TRUE(out.empty());
  feed(d, t0 + 130 * kS, 10, 0);  // recovered, but the slow pair's 30 s window still burns
  d.evaluate(t0 + 140 * kS, out);
  EXPECT_TRUE(out.empty());
  feed(d, t0 + 140 * kS, 25, 0);  // both short windows hold no failures now
  d.evaluate(t0 + 165 * kS, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].firing);
}

TEST(IncidentBurnRate, QuietOnBackgroundNoise) {
  BurnRateDetector d(short_windows());
  int64_t t0 = 1'700'000'000 * kS;
  std::vector<Signal> out;
  // 0.5% errors: exactly the budget, burn 1x, far below 6x and 14.4x.
  int n = 0;
  for (int s = 0; s < 400; ++s) {
    for (int i = 0; i < 10; ++i, ++n) {
      d.observe(rec(t0 + s * kS + i * 1000, n % 200 == 7 ? 500 : 200));
    }
    d.evaluate(t0 + (s + 1) * kS, out);
  }
  EXPECT_TRUE(out.empty());
}

TEST(IncidentBurnRate, NeedsMinimumFailures) {
  auto o = short_windows();
  o.min_failures = 3;
  BurnRateDetector d(o);
  int64_t t0 = 1'700'000'000 * kS;
  std::vector<Signal> out;
  for (int i = 0; i < 10; ++i) d.observe(rec(t0 + i * 1000, i < 2 ? 500 : 200));  // 20% of 10
  d.evaluate(t0 + kS, out);
  EXPECT_TRUE(out.empty());
  d.observe(rec(t0 + 20'000, 500));  // the third
  d.evaluate(t0 + kS, out);
  EXPECT_EQ(out.size(), 1u);
}

TEST(IncidentBurnRate, NeedsMinimumVolume) {
  BurnRateDetector d(short_windows());
  int64_t t0 = 1'700'000'000 * kS;
  std::vector<Signal> out;
  d.observe(rec(t0, 500));
  d.observe(rec(t0 + 1000, 500));
  d.evaluate(t0 + 2 * kS, out);
  EXPECT_TRUE(out.empty());
}

TEST(IncidentBurnRate, ShortSpikeDoesNotFireWhenLongWindowIsHealthy) {
  BurnRateDetector d(short_windows());
  int64_t t0 = 1'700'000'000 * kS;
  std::vector<Signal> out;
  feed(d, t0, 60, 0);
  // 3 s of 20% errors: the 5 s window burns 40x but the 60 s window only ~2x.
  feed(d, t0 + 60 * kS, 3, 5);
  d.evaluate(t0 + 63 * kS, out);
  EXPECT_TRUE(out.empty());
}

TEST(IncidentBurnRate, SeriesPerProviderModel) {
  BurnRateDetector d(short_windows());
  int64_t t0 = 1'700'000'000 * kS;
  std::vector<Signal> out;
  for (int i = 0; i < 50; ++i) {
    d.observe(rec(t0 + i * 10000, 200, "anthropic", "claude"));
    d.observe(rec(t0 + i * 10000, 503, "openai", "gpt-4o"));
  }
  d.evaluate(t0 + 1 * kS, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].subject, "openai/gpt-4o");
}

// A reload: new thresholds keep the history (a verdict can change without new records); a new
// ring geometry asks for a fresh detector and leaves this one as it was.
TEST(IncidentBurnRate, RetuneKeepsHistoryUnlessTheRingChanges) {
  BurnRateOptions strict = short_windows();
  strict.min_requests = 1000;  // too few requests to judge
  BurnRateDetector d(strict);
  int64_t t0 = 1'700'000'000 * kS;
  std::vector<Signal> out;
  feed(d, t0, 120, 0);
  feed(d, t0 + 120 * kS, 10, 1);
  d.evaluate(t0 + 130 * kS, out);
  EXPECT_TRUE(out.empty());

  Options o;
  o.burn_rate = strict;
  EXPECT_EQ(d.retune(o), Detector::Retune::kUnchanged);
  o.burn_rate.bucket_us = 2 * kS;
  EXPECT_EQ(d.retune(o), Detector::Retune::kRestart);
  d.evaluate(t0 + 130 * kS, out);
  EXPECT_TRUE(out.empty());  // the refused retune changed nothing
  o.burn_rate = strict;
  o.burn_rate.min_requests = 10;
  EXPECT_EQ(d.retune(o), Detector::Retune::kApplied);
  d.evaluate(t0 + 130 * kS, out);  // the same records, judged by the new minimum
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].firing);
}

}  // namespace
}  // namespace parapet::incident
