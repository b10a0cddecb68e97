#include "cache/disk_tier.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace parapet::cache {
namespace {

class DiskTierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parapet-cache-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path() const { return (dir_ / "cache.db").string(); }
  std::filesystem::path dir_;
};

Entry entry(size_t body_bytes, int64_t created_ms, int64_t expires_ms, std::string gw = "g") {
  Entry e;
  e.gateway = std::move(gw);
  e.status = 200;
  e.headers = "content-type: application/json\r\n";
  e.body.assign(body_bytes, 'b');
  e.usage.output = 3;
  e.created_ms = created_ms;
  e.expires_ms = expires_ms;
  return e;
}

TEST_F(DiskTierTest, PutGetSurvivesReopen) {
  {
    auto t = DiskTier::open(path(), 1 << 20);
    ASSERT_TRUE(t);
    ASSERT_TRUE((*t)->put("k", entry(100, 1, 10'000)));
    auto e = (*t)->get("k", 5);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->body.size(), 100u);
    EXPECT_EQ((*t)->stats().entries, 1u);
  }
  auto t = DiskTier::open(path(), 1 << 20);
  ASSERT_TRUE(t);
  EXPECT_EQ((*t)->stats().entries, 1u);
  auto e = (*t)->get("k", 5);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->usage.output, 3);
}

TEST_F(DiskTierTest, ExpiredIsNeverReturnedAndSweptAway) {
  auto t = DiskTier::open(path(), 1 << 20);
  ASSERT_TRUE(t);
  (*t)->put("old", entry(10, 1, 100));
  (*t)->put("new", entry(10, 1, 10'000));
  EXPECT_EQ((*t)->get("old", 100), nullptr);
  EXPECT_EQ((*t)->stats().entries, 1u) << "met expired: deleted";
  (*t)->put("old2", entry(10, 1, 200));
  (*t)->sweep(500);
  EXPECT_EQ((*t)->stats().entries, 1u);
  EXPECT_NE((*t)->get("new", 500), nullptr);
}

TEST_F(DiskTierTest, CapEvictsOldestFirst) {
  const uint64_t cap = 20'000;
  auto t = DiskTier::open(path(), cap);
  ASSERT_TRUE(t);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE((*t)->put("k" + std::to_string(i), entry(3000, 100 + i, 1'000'000)));
  }
  TierStats s = (*t)->stats();
  EXPECT_LE(s.bytes, cap);
  EXPECT_GT(s.evictions, 0u);
  EXPECT_EQ((*t)->get("k0", 0), nullptr) << "the oldest went first";
  EXPECT_NE((*t)->get("k9", 0), nullptr);
}

TEST_F(DiskTierTest, ReplaceAndPurgeKeepTotalsExact) {
  auto t = DiskTier::open(path(), 1 << 20);
  ASSERT_TRUE(t);
  (*t)->put("a", entry(100, 1, 1'000'000, "g1"));
  uint64_t one = (*t)->stats().bytes;
  (*t)->put("a", entry(100, 2, 1'000'000, "g1"));
  EXPECT_EQ((*t)->stats().bytes, one);
  EXPECT_EQ((*t)->stats().entries, 1u);
  (*t)->put("b", entry(100, 1, 1'000'000, "g2"));
  auto n = (*t)->purge("g2");
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1u);
  EXPECT_NE((*t)->get("a", 0), nullptr);
  EXPECT_EQ((*t)->get("b", 0), nullptr);
  n = (*t)->purge();
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ((*t)->stats().entries, 0u);
  EXPECT_EQ((*t)->stats().bytes, 0u);
}

TEST_F(DiskTierTest, CorruptRowIsAMiss) {
  auto t = DiskTier::open(path(), 1 << 20);
  ASSERT_TRUE(t);
  (*t)->put("k", entry(10, 1, 1'000'000));
  {
    auto db = store::open_db(path(), false, 1000);
    ASSERT_TRUE(db);
    ASSERT_TRUE(store::exec(db->get(), "UPDATE cache_entries SET data = x'00'"));
  }
  EXPECT_EQ((*t)->get("k", 0), nullptr);
  EXPECT_EQ((*t)->stats().entries, 0u);
}

}  // namespace
}  // namespace parapet::cache
