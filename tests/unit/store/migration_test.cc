// Schema migrations bring an existing store forward without losing rows.
#include "store/schema.h"
#include "store_fixture.h"

namespace parapet::store::testing {
namespace {

using MigrationTest = StoreTest;

// Migration 2 adds `step` (which fallback / universal step answered) to a version 1 table.
TEST_F(MigrationTest, Version1StoreGainsTheStepColumn) {
  auto old_row = make(kT0Ms);
  {
    auto store = open();
    ASSERT_TRUE(store);
    store->consume(std::vector<observe::RequestRecord>{old_row});
  }
  // Turn the file back into what a version 1 binary left behind.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "ALTER TABLE requests DROP COLUMN waf_matches;"
                         "ALTER TABLE requests DROP COLUMN waf_rules;"
                         "ALTER TABLE requests DROP COLUMN waf_action;"
                         "ALTER TABLE requests DROP COLUMN step;"
                         "ALTER TABLE requests DROP COLUMN dlp;"
                         "ALTER TABLE requests DROP COLUMN dlp_prompt;"
                         "ALTER TABLE requests DROP COLUMN dlp_answer;"
                         "ALTER TABLE requests DROP COLUMN dlp_blocked;"
                         "UPDATE schema_version SET version = 1;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);

  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), kSchemaVersion);
  auto got = store->get(old_row.id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->step, -1) << "rows from before the column read as 'no steps'";
  EXPECT_EQ((*got)->attempts, 1u);
  auto fresh = make(kT0Ms + 1);
  fresh.step = 2;
  fresh.attempts = 4;
  store->consume(std::vector<observe::RequestRecord>{fresh});
  auto back = store->get(fresh.id);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->step, 2);
  EXPECT_EQ((*back)->attempts, 4u);
}

}  // namespace
}  // namespace parapet::store::testing

namespace parapet::store::testing {
namespace {

// Migration 3 adds the WAF verdict (waf_action, waf_rules) to a version 2 table.
TEST_F(MigrationTest, Version3StoreGainsTheWafColumns) {
  auto old_row = make(kT0Ms);
  {
    auto store = open();
    ASSERT_TRUE(store);
    store->consume(std::vector<observe::RequestRecord>{old_row});
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "ALTER TABLE requests DROP COLUMN waf_matches;"
                         "ALTER TABLE requests DROP COLUMN waf_rules;"
                         "ALTER TABLE requests DROP COLUMN waf_action;"
                         "UPDATE schema_version SET version = 3;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), kSchemaVersion);
  auto got = store->get(old_row.id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->waf_action, "");
  auto fresh = make(kT0Ms + 1);
  fresh.waf_action = "block";
  fresh.waf_rules = "log4shell@headers:user-agent";
  fresh.waf_matches = R"({"log4shell":{"target":"headers","excerpt":"$\\{jndi:x}"}})";
  store->consume(std::vector<observe::RequestRecord>{fresh});
  auto back = store->get(fresh.id);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->waf_action, "block");
  EXPECT_EQ((*back)->waf_rules, "log4shell@headers:user-agent");
  EXPECT_EQ((*back)->waf_matches, fresh.waf_matches);
}

}  // namespace
}  // namespace parapet::store::testing
