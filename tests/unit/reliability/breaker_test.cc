#include "reliability/breaker.h"

#include <gtest/gtest.h>

#include <thread>

namespace parapet::reliability {
namespace {

using std::chrono::milliseconds;

struct BreakerTest : ::testing::Test {
  BreakerOptions o;
  CircuitBreaker b;
  Clock::time_point t0 = Clock::time_point{} + std::chrono::hours(1);
  void SetUp() override {
    o.consecutive_failures = 3;
    o.failure_rate_percent = 50;
    o.min_requests = 10;
    o.window = milliseconds(1000);
    o.cooldown = milliseconds(500);
    o.half_open_probes = 1;
  }
  void run(Outcome out, Clock::time_point at) {
    Admit a = b.admit(o, at);
    ASSERT_NE(a, Admit::kRejected);
    b.record(o, out, a == Admit::kProbe, at);
  }
};

TEST_F(BreakerTest, OpensAfterConsecutiveFailuresAndFailsFast) {
  run(Outcome::kFailure, t0);
  run(Outcome::kFailure, t0);
  EXPECT_EQ(b.state(), CircuitState::kClosed);
  run(Outcome::kFailure, t0);
  EXPECT_EQ(b.state(), CircuitState::kOpen);
  EXPECT_EQ(b.opens(), 1u);
  EXPECT_EQ(b.admit(o, t0 + milliseconds(499)), Admit::kRejected);
  EXPECT_FALSE(b.would_admit(o, t0 + milliseconds(499)));
}

TEST_F(BreakerTest, SuccessResetsTheConsecutiveCount) {
  run(Outcome::kFailure, t0);
  run(Outcome::kFailure, t0);
  run(Outcome::kSuccess, t0);
  run(Outcome::kFailure, t0);
  run(Outcome::kFailure, t0);
  EXPECT_EQ(b.state(), CircuitState::kClosed);
}

TEST_F(BreakerTest, NeutralOutcomesCountForNothing) {
  for (int i = 0; i < 10; ++i) run(Outcome::kNeutral, t0);
  EXPECT_EQ(b.state(), CircuitState::kClosed);
  EXPECT_EQ(b.window_requests(), 0u);
}

TEST_F(BreakerTest, OpensOnFailureRateOnlyWithMinimumVolume) {
  o.consecutive_failures = 0;  // rate rule only
  // 4 failures out of 8: 50%, but under the minimum volume of 10.
  for (int i = 0; i < 4; ++i) {
    run(Outcome::kSuccess, t0);
    run(Outcome::kFailure, t0);
  }
  EXPECT_EQ(b.state(), CircuitState::kClosed);
  run(Outcome::kSuccess, t0);  // 4/9
  EXPECT_EQ(b.state(), CircuitState::kClosed);
  run(Outcome::kFailure, t0);  // 5/10 = 50%
  EXPECT_EQ(b.state(), CircuitState::kOpen);
}

TEST_F(BreakerTest, TheWindowForgetsOldOutcomes) {
  o.consecutive_failures = 0;
  for (int i = 0; i < 9; ++i) run(Outcome::kFailure, t0);
  EXPECT_EQ(b.state(), CircuitState::kClosed);      // 9 < min_requests
  run(Outcome::kFailure, t0 + milliseconds(1000));  // new window: 1/1
  EXPECT_EQ(b.state(), CircuitState::kClosed);
  EXPECT_EQ(b.window_requests(), 1u);
}

TEST_F(BreakerTest, HalfOpenLetsOneProbeThroughAndClosesOnSuccess) {
  for (int i = 0; i < 3; ++i) run(Outcome::kFailure, t0);
  auto t1 = t0 + milliseconds(500);
  EXPECT_TRUE(b.would_admit(o, t1));
  EXPECT_EQ(b.admit(o, t1), Admit::kProbe);
  EXPECT_EQ(b.state(), CircuitState::kHalfOpen);
  EXPECT_EQ(b.admit(o, t1), Admit::kRejected);  // the one probe slot is taken
  EXPECT_FALSE(b.would_admit(o, t1));
  // A straggler admitted before the breaker opened says nothing now.
  b.record(o, Outcome::kFailure, false, t1);
  EXPECT_EQ(b.state(), CircuitState::kHalfOpen);
  b.record(o, Outcome::kSuccess, true, t1);
  EXPECT_EQ(b.state(), CircuitState::kClosed);
  EXPECT_EQ(b.admit(o, t1), Admit::kAllowed);
}

TEST_F(BreakerTest, FailedProbeReopensForAnotherCooldown) {
  for (int i = 0; i < 3; ++i) run(Outcome::kFailure, t0);
  auto t1 = t0 + milliseconds(600);
  ASSERT_EQ(b.admit(o, t1), Admit::kProbe);
  b.record(o, Outcome::kFailure, true, t1);
  EXPECT_EQ(b.state(), CircuitState::kOpen);
  EXPECT_EQ(b.opens(), 2u);
  EXPECT_EQ(b.admit(o, t1 + milliseconds(499)), Admit::kRejected);
  EXPECT_EQ(b.admit(o, t1 + milliseconds(500)), Admit::kProbe);
}

TEST_F(BreakerTest, NeutralProbeGivesItsSlotBack) {
  for (int i = 0; i < 3; ++i) run(Outcome::kFailure, t0);
  auto t1 = t0 + milliseconds(500);
  ASSERT_EQ(b.admit(o, t1), Admit::kProbe);
  b.record(o, Outcome::kNeutral, true, t1);
  EXPECT_EQ(b.state(), CircuitState::kHalfOpen);
  EXPECT_EQ(b.admit(o, t1), Admit::kProbe);
}

TEST_F(BreakerTest, SeveralProbesWhenConfigured) {
  o.half_open_probes = 2;
  for (int i = 0; i < 3; ++i) run(Outcome::kFailure, t0);
  auto t1 = t0 + milliseconds(500);
  EXPECT_EQ(b.admit(o, t1), Admit::kProbe);
  EXPECT_EQ(b.admit(o, t1), Admit::kProbe);
  EXPECT_EQ(b.admit(o, t1), Admit::kRejected);
}

TEST_F(BreakerTest, DisabledAdmitsEverythingAndRecordsNothing) {
  o.enabled = false;
  for (int i = 0; i < 10; ++i) run(Outcome::kFailure, t0);
  EXPECT_EQ(b.state(), CircuitState::kClosed);
  EXPECT_EQ(b.admit(o, t0), Admit::kAllowed);
}

TEST_F(BreakerTest, ProbeSlotComesBackEvenIfBreakingWasSwitchedOffMeanwhile) {
  for (int i = 0; i < 3; ++i) run(Outcome::kFailure, t0);
  auto t1 = t0 + milliseconds(500);
  ASSERT_EQ(b.admit(o, t1), Admit::kProbe);
  BreakerOptions off = o;
  off.enabled = false;
  b.record(off, Outcome::kFailure, true, t1);  // a reload turned breaking off mid-request
  EXPECT_EQ(b.admit(o, t1), Admit::kProbe) << "the slot was given back";
}

TEST(Breakers, EntryFastPathAndWorkerCache) {
  Breakers reg;
  Breakers::Cache cache;
  BreakerOptions o;
  o.consecutive_failures = 2;
  o.cooldown = std::chrono::milliseconds(100);
  auto now = Clock::now();
  Breakers::Entry& e = cache.get(reg, "openai");
  EXPECT_EQ(&e, &reg.get("openai"));
  EXPECT_EQ(&e, &cache.get(reg, "openai"));
  EXPECT_EQ(e.admit(o, now), Admit::kAllowed);
  e.record(o, Outcome::kFailure, false, now);
  e.record(o, Outcome::kFailure, false, now);
  EXPECT_EQ(e.admit(o, now), Admit::kRejected);
  EXPECT_FALSE(e.would_admit(o, now));
  auto later = now + std::chrono::milliseconds(100);
  EXPECT_TRUE(e.would_admit(o, later));
  EXPECT_EQ(e.admit(o, later), Admit::kProbe);
  EXPECT_EQ(reg.snapshot(later)[0].state, CircuitState::kHalfOpen);
  e.record(o, Outcome::kSuccess, true, later);
  EXPECT_EQ(e.admit(o, later), Admit::kAllowed);
  EXPECT_EQ(reg.snapshot(later)[0].opens, 1u);
}

TEST(Breakers, SharedAcrossThreadsAndListedByName) {
  Breakers reg;
  BreakerOptions o;
  o.consecutive_failures = 1000000;
  o.failure_rate_percent = 0;
  auto now = Clock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        auto& e = reg.get(i % 2 ? "a" : "b");
        Admit a = e.admit(o, now);
        e.record(o, Outcome::kFailure, a == Admit::kProbe, now);
      }
    });
  }
  for (auto& t : ts) t.join();
  auto v = reg.snapshot(now);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].upstream, "a");
  EXPECT_EQ(v[0].consecutive_failures, 2000u);
  EXPECT_EQ(v[1].consecutive_failures, 2000u);
  EXPECT_EQ(&reg.get("a"), &reg.get("a"));
}

}  // namespace
}  // namespace parapet::reliability
