#include "store/sqlite_store.h"
#include "store_fixture.h"

namespace parapet::store {
namespace {

using testing::kT0Ms;
using testing::StoreTest;

using StoreRetentionTest = StoreTest;

constexpr int64_t kDayMs = 86'400'000;

TEST_F(StoreRetentionTest, ByAgeInBoundedChunks) {
  int64_t now_us = (kT0Ms + 10 * kDayMs) * 1000;
  StoreOptions o;
  o.retention.max_age_days = 7;
  o.retention.chunk_rows = 10;
  o.now_us = [&] { return now_us; };
  auto store = open(std::move(o));
  ASSERT_TRUE(store);
  std::vector<observe::RequestRecord> old_rows, new_rows;
  for (int i = 0; i < 35; ++i) old_rows.push_back(make(kT0Ms + i));              // 10 days old
  for (int i = 0; i < 5; ++i) new_rows.push_back(make(kT0Ms + 9 * kDayMs + i));  // 1 day old
  store->consume(new_rows);  // the first batch runs the age check (nothing old yet)
  store->consume(old_rows);  // the next check is age_check_interval away: nothing deleted
  EXPECT_EQ(store->stats().rows, 40u);

  int steps = 0;
  for (;;) {
    auto step = store->enforce_retention(now_us);
    EXPECT_LE(step.deleted, 10u);  // never more than one chunk
    ++steps;
    if (!step.more) break;
    ASSERT_LT(steps, 20);
  }
  EXPECT_EQ(steps, 4);  // 35 old rows at 10 per step
  EXPECT_EQ(*store->count({}), 5u);
  EXPECT_EQ(ids(store->query({})->records),
            std::vector<std::string>(
                {new_rows[4].id, new_rows[3].id, new_rows[2].id, new_rows[1].id, new_rows[0].id}));
  EXPECT_EQ(store->stats().rows_deleted, 35u);
  EXPECT_EQ(store->stats().rows, 5u);
}

TEST_F(StoreRetentionTest, ByRowCountKeepsTheNewest) {
  StoreOptions o;
  o.retention.max_rows = 50;
  o.retention.chunk_rows = 20;
  auto store = open(std::move(o));
  ASSERT_TRUE(store);
  std::vector<observe::RequestRecord> all;
  for (int b = 0; b < 10; ++b) {
    std::vector<observe::RequestRecord> batch;
    for (int i = 0; i < 30; ++i) batch.push_back(make(kT0Ms + b * 100 + i));
    all.insert(all.end(), batch.begin(), batch.end());
    store->consume(batch);
    // Each batch is followed by at most one chunk of deletions: close to the limit, not at it.
    EXPECT_LE(store->stats().rows, 50u + 30u);
  }
  while (store->enforce_retention(0).more) {
  }
  EXPECT_EQ(*store->count({}), 50u);
  LogQuery q;
  q.limit = 100;
  auto kept = ids(store->query(q)->records);
  std::vector<std::string> want;
  for (size_t i = all.size(); i-- > all.size() - 50;) want.push_back(all[i].id);
  EXPECT_EQ(kept, want);
}

TEST_F(StoreRetentionTest, BySizeStopsTheFileGrowing) {
  StoreOptions o;
  o.retention.max_bytes = 512 * 1024;
  o.retention.chunk_rows = 100;
  auto store = open(std::move(o));
  ASSERT_TRUE(store);
  std::string body(2000, 'x');
  std::string newest;
  for (int b = 0; b < 20; ++b) {
    std::vector<observe::RequestRecord> batch;
    for (int i = 0; i < 100; ++i) {
      batch.push_back(make(kT0Ms + b * 1000 + i));
      batch.back().response_body = body;
    }
    newest = batch.back().id;
    store->consume(batch);
    store->flush();
  }
  while (store->enforce_retention(0).more) {
  }
  EXPECT_LE(store->used_bytes(), 512u * 1024u);
  const uint64_t rows = *store->count({});
  EXPECT_GT(rows, 100u);  // ~2 KB rows in 512 KiB, minus index and page overhead
  EXPECT_LT(rows, 300u);
  EXPECT_EQ(store->query({})->records.front().id, newest);
  EXPECT_EQ(store->stats().rows_deleted + rows, 2000u);
}

TEST_F(StoreRetentionTest, NoLimitsDeletesNothing) {
  auto store = open();
  ASSERT_TRUE(store);
  std::vector<observe::RequestRecord> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(make(kT0Ms - 400 * kDayMs + i));
  store->consume(batch);
  store->flush();
  auto step = store->enforce_retention((kT0Ms + 400 * kDayMs) * 1000);
  EXPECT_EQ(step.deleted, 0u);
  EXPECT_FALSE(step.more);
  EXPECT_EQ(*store->count({}), 10u);
}

}  // namespace
}  // namespace parapet::store
