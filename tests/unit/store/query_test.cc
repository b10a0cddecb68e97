#include <set>
#include <thread>

#include "store/log_query.h"
#include "store/sqlite_store.h"
#include "store/where.h"
#include "store_fixture.h"

namespace parapet::store {
namespace {

using testing::kT0Ms;
using testing::StoreTest;

// Twelve records, each differing from a plain 200 in one dimension (newest is last).
class StoreQueryTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store_ = open();
    ASSERT_TRUE(store_);
    for (int i = 0; i < 12; ++i) rows_.push_back(make(kT0Ms + i * 1000));
    rows_[1].gateway = "staging";
    rows_[2].provider = "anthropic";
    rows_[2].model_requested = "claude-sonnet-4-5";
    rows_[2].model_answered = "claude-sonnet-4-5-20250929";
    rows_[3].status = 429;
    rows_[3].error_type = "rate_limited";
    rows_[3].error_message = "Too many requests for key 100%_sure";
    rows_[4].status = 502;
    rows_[4].error_type = "upstream_unreachable";
    rows_[4].error_message = "Connection REFUSED by upstream";
    rows_[5].status = 504;
    rows_[5].error_type = "upstream_timeout";
    rows_[5].error_message = "first byte deadline passed";
    rows_[6].key_id = "key_team_b";
    rows_[7].metadata_json = R"({"user":"ana","tier":2,"beta":true})";
    rows_[8].metadata_json = R"({"user":"bob","tier":3,"beta":false})";
    rows_[9].model_answered = "";  // answered model unknown: the requested one still matches
    rows_[9].model_requested = "gpt-4.1";
    rows_[10].status = 404;
    rows_[10].error_type = "not_found";
    store_->consume(rows_);
  }

  // Ids of the matching rows, newest first, and count() agreeing with them.
  std::vector<std::string> find(LogQuery q) {
    auto page = store_->query(q);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().message);
    if (!page.ok()) return {};
    auto n = store_->count(q);
    EXPECT_TRUE(n.ok());
    EXPECT_EQ(*n, page->records.size());
    return ids(page->records);
  }
  std::vector<std::string> ids_of(std::initializer_list<int> idx) {
    std::vector<std::string> out;
    for (int i : idx) out.push_back(rows_[i].id);
    return out;
  }

  std::unique_ptr<SqliteStore> store_;
  std::vector<observe::RequestRecord> rows_;
};

TEST_F(StoreQueryTest, NoFilterIsEverythingNewestFirst) {
  EXPECT_EQ(find({}), ids_of({11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}));
}

TEST_F(StoreQueryTest, EachFilter) {
  LogQuery q;
  q.gateway = "staging";
  EXPECT_EQ(find(q), ids_of({1}));

  q = {};
  q.provider = "anthropic";
  EXPECT_EQ(find(q), ids_of({2}));

  q = {};
  q.model = "claude-sonnet-4-5";  // requested
  EXPECT_EQ(find(q), ids_of({2}));
  q.model = "claude-sonnet-4-5-20250929";  // answered
  EXPECT_EQ(find(q), ids_of({2}));
  q.model = "gpt-4.1";
  EXPECT_EQ(find(q), ids_of({9}));

  q = {};
  q.status = 429;
  EXPECT_EQ(find(q), ids_of({3}));
  q = {};
  q.status_class = 5;
  EXPECT_EQ(find(q), ids_of({5, 4}));
  q.status_class = 4;
  EXPECT_EQ(find(q), ids_of({10, 3}));

  q = {};
  q.errors_only = true;
  EXPECT_EQ(find(q), ids_of({10, 5, 4, 3}));
  q = {};
  q.error_type = "upstream_timeout";
  EXPECT_EQ(find(q), ids_of({5}));

  q = {};
  q.key_id = "key_team_b";
  EXPECT_EQ(find(q), ids_of({6}));

  q = {};
  q.from_us = rows_[3].start_us;
  q.to_us = rows_[6].start_us;  // half open
  EXPECT_EQ(find(q), ids_of({5, 4, 3}));
}

TEST_F(StoreQueryTest, MetadataFiltersCompareStringsNumbersAndBooleans) {
  LogQuery q;
  q.metadata = {{"user", "ana"}};
  EXPECT_EQ(find(q), ids_of({7}));
  q.metadata = {{"tier", "3"}};
  EXPECT_EQ(find(q), ids_of({8}));
  q.metadata = {{"beta", "true"}};
  EXPECT_EQ(find(q), ids_of({7}));
  q.metadata = {{"beta", "false"}};
  EXPECT_EQ(find(q), ids_of({8}));
  q.metadata = {{"user", "ana"}, {"tier", "3"}};  // all must match
  EXPECT_TRUE(find(q).empty());
  q.metadata = {{"nope", "x"}};
  EXPECT_TRUE(find(q).empty());
  q.metadata = {{"us\"er", "x"}};
  auto bad = store_->query(q);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kBadRequest);
}

TEST_F(StoreQueryTest, FreeTextSearchesErrorMessagesLiterally) {
  LogQuery q;
  q.text = "refused";  // any case
  EXPECT_EQ(find(q), ids_of({4}));
  q.text = "100%_";  // LIKE wildcards are plain characters here
  EXPECT_EQ(find(q), ids_of({3}));
  q.text = "1%0";
  EXPECT_TRUE(find(q).empty());
}

TEST_F(StoreQueryTest, FiltersCombine) {
  LogQuery q;
  q.provider = "openai";
  q.status_class = 5;
  q.text = "deadline";
  EXPECT_EQ(find(q), ids_of({5}));
}

TEST_F(StoreQueryTest, LimitIsCapped) {
  LogQuery q;
  q.limit = 0;  // default
  EXPECT_EQ(store_->query(q)->records.size(), 12u);
  q.limit = 5;
  auto page = store_->query(q);
  EXPECT_EQ(page->records.size(), 5u);
  EXPECT_EQ(page->next_cursor, rows_[7].id);
  q.limit = 1'000'000;
  std::vector<observe::RequestRecord> more;
  for (int i = 0; i < 1100; ++i) more.push_back(make(kT0Ms + 100'000 + i));
  store_->consume(more);
  EXPECT_EQ(store_->query(q)->records.size(), kMaxLimit);
}

TEST_F(StoreQueryTest, LastPageHasNoCursor) {
  LogQuery q;
  q.limit = 12;  // exactly everything: no empty page after it
  auto page = store_->query(q);
  EXPECT_EQ(page->records.size(), 12u);
  EXPECT_EQ(page->next_cursor, "");
}

TEST_F(StoreTest, PagesHaveNoGapsOrDuplicatesWhileRowsArrive) {
  auto store = open();
  ASSERT_TRUE(store);
  std::vector<observe::RequestRecord> first;
  for (int i = 0; i < 100; ++i) first.push_back(make(kT0Ms + i));
  store->consume(first);

  LogQuery q;
  q.limit = 7;
  std::vector<std::string> seen;
  int64_t later = kT0Ms + 1'000'000;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 100);
    auto page = store->query(q);
    ASSERT_TRUE(page.ok());
    for (const auto& r : page->records) seen.push_back(r.id);
    // Newer requests keep arriving between page reads.
    std::vector<observe::RequestRecord> newer;
    for (int i = 0; i < 3; ++i) newer.push_back(make(later++));
    store->consume(newer);
    if (page->next_cursor.empty()) break;
    q.cursor = page->next_cursor;
  }
  std::vector<std::string> want = ids(first);
  std::reverse(want.begin(), want.end());
  EXPECT_EQ(seen, want);  // exactly the rows present at the first page, newest first, once each
}

TEST_F(StoreTest, LogQueryParsesStatusAndMetadataFilters) {
  LogQuery q;
  ASSERT_TRUE(parse_status_filter("429", q).ok());
  EXPECT_EQ(q.status, 429);
  ASSERT_TRUE(parse_status_filter("5xx", q).ok());
  EXPECT_EQ(q.status_class, 5);
  ASSERT_TRUE(parse_status_filter("2XX", q).ok());
  EXPECT_EQ(q.status_class, 2);
  for (const char* bad : {"", "4x", "42", "6xx", "abc", "4294", "x00"}) {
    EXPECT_FALSE(parse_status_filter(bad, q).ok()) << bad;
  }
  auto m = parse_metadata_filter("user=ana=1");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->key, "user");
  EXPECT_EQ(m->value, "ana=1");
  EXPECT_FALSE(parse_metadata_filter("=x").ok());
  EXPECT_FALSE(parse_metadata_filter("novalue").ok());
  EXPECT_FALSE(parse_metadata_filter("a\"b=x").ok());
}

TEST_F(StoreTest, IdFloorSortsBeforeEveryIdOfItsMillisecond) {
  observe::LogIdGenerator gen;
  for (int i = 0; i < 1000; ++i) {
    const std::string floor = id_floor(kT0Ms);
    EXPECT_LE(floor, gen.next(kT0Ms));
    EXPECT_GT(floor, gen.next(kT0Ms - 1));
  }
  EXPECT_EQ(id_floor(-5), std::string(26, '0'));
}

TEST_F(StoreTest, TimeFiltersFindRecordsWhoseIdCameLaterThanTheirStart) {
  auto store = open();
  ASSERT_TRUE(store);
  // A slow upload: the request began arriving at T, its id was made 90 s later.
  auto slow = make(kT0Ms + 90'000);
  slow.start_us = kT0Ms * 1000;
  auto before = make(kT0Ms - 1000), after = make(kT0Ms + 1000);
  store->consume(std::vector<observe::RequestRecord>{before, slow, after});
  LogQuery q;
  q.from_us = kT0Ms * 1000;
  q.to_us = kT0Ms * 1000 + 1;
  EXPECT_EQ(ids(store->query(q)->records), std::vector<std::string>{slow.id});
  EXPECT_EQ(*store->count(q), 1u);
  q.from_us = (kT0Ms - 1000) * 1000;
  q.to_us = std::nullopt;
  EXPECT_EQ(*store->count(q), 3u);
}

}  // namespace
}  // namespace parapet::store
