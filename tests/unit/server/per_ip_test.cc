#include "server/per_ip.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace parapet::server {
namespace {

TEST(PerIpConnections, CapsEachAddressOnItsOwn) {
  PerIpConnections c;
  EXPECT_TRUE(c.try_add("10.0.0.1", 2));
  EXPECT_TRUE(c.try_add("10.0.0.1", 2));
  EXPECT_FALSE(c.try_add("10.0.0.1", 2));
  EXPECT_TRUE(c.try_add("10.0.0.2", 2));
  c.remove("10.0.0.1");
  EXPECT_TRUE(c.try_add("10.0.0.1", 2));
  EXPECT_EQ(c.count("10.0.0.1"), 2u);
}

TEST(PerIpConnections, ZeroMeansNoLimitAndEmptyEntriesGo) {
  PerIpConnections c;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(c.try_add("a", 0));
  for (int i = 0; i < 1000; ++i) c.remove("a");
  EXPECT_EQ(c.count("a"), 0u);
}

TEST(PerIpConnections, ConcurrentWorkersNeverExceedTheLimit) {
  PerIpConnections c;
  std::atomic<int> admitted{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (c.try_add("x", 50)) admitted.fetch_add(1);
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(admitted.load(), 50);
  EXPECT_EQ(c.count("x"), 50u);
}

}  // namespace
}  // namespace parapet::server
