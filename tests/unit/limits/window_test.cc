#include "limits/window.h"

#include <gtest/gtest.h>

namespace parapet::limits {
namespace {

TEST(Window, IndexIsAlignedToTheEpoch) {
  EXPECT_EQ(window_index(0, 60'000), 0);
  EXPECT_EQ(window_index(59'999, 60'000), 0);
  EXPECT_EQ(window_index(60'000, 60'000), 1);
  EXPECT_EQ(window_index(-1, 60'000), -1);
}

TEST(Window, FixedWindowCountsOnlyTheCurrentWindow) {
  EXPECT_TRUE(fits(WindowKind::kFixed, 1000, 9, 1, 10, 5, 60'000));
  EXPECT_FALSE(fits(WindowKind::kFixed, 0, 10, 1, 10, 5, 60'000));
  EXPECT_EQ(used(WindowKind::kFixed, 1000, 7, 5, 60'000), 7);
  // Retry when the window ends.
  EXPECT_EQ(retry_after_ms(WindowKind::kFixed, 0, 10, 1, 10, 45'000, 60'000), 15'000);
}

TEST(Window, SlidingWeighsThePreviousWindowByItsOverlap) {
  const int64_t W = 60'000;
  // 30 s into window 1: half of the previous window's 10 still counts.
  int64_t now = W + 30'000;
  EXPECT_EQ(used(WindowKind::kSliding, 10, 0, now, W), 5);
  EXPECT_TRUE(fits(WindowKind::kSliding, 10, 4, 1, 10, now, W));   // 5 + 5 = 10
  EXPECT_FALSE(fits(WindowKind::kSliding, 10, 5, 1, 10, now, W));  // 5 + 6 = 11
  // At the start of a window the previous one counts in full; at its end not at all.
  EXPECT_FALSE(fits(WindowKind::kSliding, 10, 0, 1, 10, W, W));
  EXPECT_TRUE(fits(WindowKind::kSliding, 10, 8, 1, 10, 2 * W - 1, W));
  // Exact, not rounded: 1 ms before the end 10/60000 of a request still counts.
  EXPECT_FALSE(fits(WindowKind::kSliding, 10, 9, 1, 10, 2 * W - 1, W));
  // Rounded up: 10 * 1/60000 of the window left is still "1 used".
  EXPECT_EQ(used(WindowKind::kSliding, 10, 0, 2 * W - 1, W), 1);
}

TEST(Window, SlidingApproximationMatchesARealSlidingLogForUniformTraffic) {
  // One request every 100 ms, limit 600 per 60 s: a true sliding log always holds 600 at steady
  // state; the two-window estimate must agree within one request.
  const int64_t W = 60'000;
  for (int64_t now = 2 * W; now < 3 * W; now += 1'000) {
    int64_t prev = 600, cur = (now - 2 * W) / 100;
    int64_t est = used(WindowKind::kSliding, prev, cur, now, W);
    EXPECT_NEAR(static_cast<double>(est), 600.0, 1.0) << now;
  }
}

TEST(Window, SlidingApproximationErrorIsBoundedByThePreviousWindow) {
  // A burst of 100 in the last millisecond of the previous window: a true sliding window counts
  // all 100 for the next 59.999 s; the estimate decays them linearly (under-counts), by at most
  // prev.
  const int64_t W = 60'000;
  for (int64_t e = 0; e < W; e += 7'000) {
    int64_t est = used(WindowKind::kSliding, 100, 0, W + e, W);
    EXPECT_EQ(est, (100 * (W - e) + W - 1) / W) << e;
    EXPECT_LE(100 - est, 100);  // the true count is 100 throughout
  }
}

TEST(Window, SlidingRetryAfterIsWhenTheEstimateFitsAgain) {
  const int64_t W = 60'000;
  // prev 10, cur 0, limit 10, at the window start: wait until prev's weight is 9 → 6 s.
  int64_t wait = retry_after_ms(WindowKind::kSliding, 10, 0, 1, 10, W, W);
  EXPECT_EQ(wait, 6'000);
  EXPECT_TRUE(fits(WindowKind::kSliding, 10, 0, 1, 10, W + wait, W));
  EXPECT_FALSE(fits(WindowKind::kSliding, 10, 0, 1, 10, W + wait - 1, W));
  // cur alone is at the limit: into the next window.
  int64_t w2 = retry_after_ms(WindowKind::kSliding, 0, 10, 1, 10, W + 30'000, W);
  EXPECT_GT(w2, 30'000);
  EXPECT_TRUE(fits(WindowKind::kSliding, 10, 0, 1, 10, W + 30'000 + w2, W));
}

TEST(Window, CivilDatesRoundTrip) {
  for (int64_t d = -800'000; d < 800'000; d += 997) {
    CivilDate c = civil_from_days(d);
    EXPECT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
  CivilDate c = civil_from_days(0);
  EXPECT_EQ(c.year, 1970);
  EXPECT_EQ(c.month, 1u);
  EXPECT_EQ(c.day, 1u);
}

TEST(Window, DayAndMonthPeriodBoundariesAreUtc) {
  // 2024-02-29T23:59:59.999Z and the next millisecond.
  int64_t leap_day = days_from_civil(2024, 2, 29) * 86'400'000;
  int64_t last_ms = leap_day + 86'400'000 - 1;
  EXPECT_EQ(period_index(Period::kDay, last_ms) + 1, period_index(Period::kDay, last_ms + 1));
  EXPECT_EQ(period_index(Period::kMonth, last_ms) + 1, period_index(Period::kMonth, last_ms + 1));
  EXPECT_EQ(period_start_ms(Period::kMonth, period_index(Period::kMonth, last_ms + 1)),
            last_ms + 1);
  EXPECT_EQ(period_start_ms(Period::kMonth, period_index(Period::kMonth, last_ms)),
            days_from_civil(2024, 2, 1) * 86'400'000);
  // December → January.
  int64_t ny = days_from_civil(2026, 1, 1) * 86'400'000;
  EXPECT_EQ(period_index(Period::kMonth, ny - 1) + 1, period_index(Period::kMonth, ny));
  EXPECT_EQ(period_start_ms(Period::kMonth, period_index(Period::kMonth, ny)), ny);
  EXPECT_EQ(period_start_ms(Period::kDay, period_index(Period::kDay, ny + 5)), ny);
}

}  // namespace
}  // namespace parapet::limits
