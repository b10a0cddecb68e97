#include "cache/memory_tier.h"

#include <gtest/gtest.h>

namespace parapet::cache {
namespace {

EntryPtr entry(size_t body_bytes, int64_t expires_ms = 1'000'000, std::string gateway = "g") {
  auto e = std::make_shared<Entry>();
  e->gateway = std::move(gateway);
  e->body.assign(body_bytes, 'x');
  e->created_ms = 0;
  e->expires_ms = expires_ms;
  return e;
}

TEST(MemoryTier, GetPutAndExpiry) {
  MemoryTier m(1 << 20);
  EXPECT_EQ(m.get("a", 0), nullptr);
  ASSERT_TRUE(m.put("a", entry(10, 1000)));
  EXPECT_NE(m.get("a", 999), nullptr);
  EXPECT_EQ(m.get("a", 1000), nullptr) << "expired at expires_ms";
  EXPECT_EQ(m.stats().entries, 0u) << "an expired entry is dropped when met";
  EXPECT_EQ(m.stats().bytes, 0u);
}

TEST(MemoryTier, StaysUnderItsByteBoundEvictingLeastRecentlyUsed) {
  const uint64_t cap = 4096;
  MemoryTier m(cap, cap);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(m.put("k" + std::to_string(i), entry(800)));
  ASSERT_NE(m.get("k0", 0), nullptr);  // k0 is now the most recent; k1 the least
  ASSERT_TRUE(m.put("k4", entry(800)));
  ASSERT_TRUE(m.put("k5", entry(800)));
  TierStats s = m.stats();
  EXPECT_LE(s.bytes, cap);
  EXPECT_GT(s.evictions, 0u);
  EXPECT_NE(m.get("k0", 0), nullptr);
  EXPECT_EQ(m.get("k1", 0), nullptr);
  EXPECT_NE(m.get("k5", 0), nullptr);
}

TEST(MemoryTier, LargeEntriesAreNotKept) {
  MemoryTier m(8000);  // entries over 1000 bytes stay out
  EXPECT_FALSE(m.put("big", entry(2000)));
  EXPECT_EQ(m.get("big", 0), nullptr);
  EXPECT_TRUE(m.put("small", entry(100)));
  MemoryTier off(0);
  EXPECT_FALSE(off.put("small", entry(1)));
}

TEST(MemoryTier, ReplaceKeepsAccountingExact) {
  MemoryTier m(1 << 20);
  m.put("a", entry(100));
  uint64_t one = m.stats().bytes;
  m.put("a", entry(100));
  EXPECT_EQ(m.stats().bytes, one);
  EXPECT_EQ(m.stats().entries, 1u);
}

TEST(MemoryTier, PurgeAllOrOneGateway) {
  MemoryTier m(1 << 20);
  m.put("a", entry(10, 1000, "g1"));
  m.put("b", entry(10, 1000, "g2"));
  m.put("c", entry(10, 1000, "g2"));
  EXPECT_EQ(m.purge("g2"), 2u);
  EXPECT_NE(m.get("a", 0), nullptr);
  EXPECT_EQ(m.get("b", 0), nullptr);
  EXPECT_EQ(m.purge(), 1u);
  EXPECT_EQ(m.stats().entries, 0u);
  EXPECT_EQ(m.stats().bytes, 0u);
}

}  // namespace
}  // namespace parapet::cache
