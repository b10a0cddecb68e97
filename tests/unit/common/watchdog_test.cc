#include "common/watchdog.h"

#include <gtest/gtest.h>

namespace parapet {
namespace {

using namespace std::chrono_literals;

TEST(Watchdog, FiresOnceWithTheLatestPhase) {
  asio::io_context ioc;
  Watchdog wd(ioc.get_executor());
  std::vector<int> fired;
  auto owner = std::make_shared<int>(0);
  wd.init(owner, [&](int phase) { fired.push_back(phase); });
  wd.set(Clock::now() + 20ms, 1);
  wd.set(Clock::now() + 30ms, 2);  // moved later: the timer wakes at 20 ms and re-arms
  ioc.run();
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0], 2);
  EXPECT_EQ(wd.fired(), 2);
}

TEST(Watchdog, MovingEarlierTakesEffect) {
  asio::io_context ioc;
  Watchdog wd(ioc.get_executor());
  auto owner = std::make_shared<int>(0);
  Clock::time_point at{};
  wd.init(owner, [&](int) { at = Clock::now(); });
  auto start = Clock::now();
  wd.set(start + 10s, 1);
  wd.set(start + 10ms, 2);
  ioc.run_for(5s);
  ASSERT_NE(at, Clock::time_point{});
  EXPECT_LT(at - start, 5s);
  EXPECT_EQ(wd.fired(), 2);
}

TEST(Watchdog, ClearedDeadlineNeverFires) {
  asio::io_context ioc;
  Watchdog wd(ioc.get_executor());
  auto owner = std::make_shared<int>(0);
  bool fired = false;
  wd.init(owner, [&](int) { fired = true; });
  wd.set(Clock::now() + 5ms, 1);
  wd.clear();
  ioc.run();
  EXPECT_FALSE(fired);
  EXPECT_EQ(wd.fired(), -1);
}

}  // namespace
}  // namespace parapet
