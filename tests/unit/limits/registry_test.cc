#include "limits/registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "limits/seed.h"
#include "limits/window.h"
#include "store/sqlite_store.h"

namespace parapet::limits {
namespace {

class LimitRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parapet-limits-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<Registry> open() {
    auto r = Registry::open(dir_.string());
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? std::move(*r) : nullptr;
  }
  static RuleSpec spec(std::string id) {
    RuleSpec s;
    s.id = std::move(id);
    s.gateway = "default";
    s.scope = "ip";
    s.requests = "5";
    s.window = "1m";
    s.kind = "sliding";
    return s;
  }
  std::filesystem::path dir_;
};

TEST_F(LimitRegistryTest, AdminRulesPersistAndPublish) {
  {
    auto reg = open();
    uint64_t g = reg->generation();
    ASSERT_TRUE(reg->add(spec("a"), "rate"));
    EXPECT_GT(reg->generation(), g);
    RuleSpec b;
    b.id = "b";
    b.gateway = "staging";
    b.limit_usd = "2.50";
    b.period = "month";
    ASSERT_TRUE(reg->add(b, ""));
    EXPECT_EQ(reg->current()->rules.size(), 2u);
  }
  auto reg = open();
  const auto& rules = reg->current()->rules;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].id, "a");
  EXPECT_EQ(rules[0].window_kind, WindowKind::kSliding);
  EXPECT_EQ(rules[0].origin, "admin");
  EXPECT_EQ(rules[1].kind, RuleKind::kBudget);
  EXPECT_EQ(rules[1].limit_micros, 2'500'000);
  ASSERT_TRUE(reg->remove("a"));
  EXPECT_EQ(reg->remove("a").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(open()->current()->rules.size(), 1u);
}

TEST_F(LimitRegistryTest, IdsAreUniqueAcrossConfigAndAdmin) {
  auto reg = open();
  auto cfg = build_rule(spec("from-file"), "rate");
  ASSERT_TRUE(cfg);
  ASSERT_TRUE(reg->set_config_rules({*cfg}));
  EXPECT_EQ(reg->current()->rules[0].origin, "config");
  EXPECT_FALSE(reg->add(spec("from-file"), "rate"));
  EXPECT_EQ(reg->remove("from-file").error().code, ErrorCode::kForbidden);
  ASSERT_TRUE(reg->add(spec("stored"), "rate"));
  auto clash = build_rule(spec("stored"), "rate");
  EXPECT_FALSE(reg->set_config_rules({*clash}));
  EXPECT_FALSE(reg->add(RuleSpec{}, "rate"));  // invalid specs are refused, not stored
  EXPECT_EQ(reg->current()->rules.size(), 2u);
}

observe::RequestRecord record(int64_t start_ms, std::string gateway, std::string key,
                              int64_t cost) {
  observe::RequestRecord r;
  static int n = 0;
  r.id = "rec" + std::to_string(++n);
  r.start_us = start_ms * 1000;
  r.gateway = std::move(gateway);
  r.key_id = std::move(key);
  r.client_ip = "10.0.0.1";
  r.metadata_json = R"({"user":"ann"})";
  r.cost_micros = cost;
  r.status = 200;
  return r;
}

TEST_F(LimitRegistryTest, BudgetSpendIsSeededFromTheLogStoreByPeriodAndScope) {
  const int64_t now = days_from_civil(2026, 3, 15) * 86'400'000 + 3'600'000;
  const int64_t yesterday = now - 86'400'000, last_month = now - 20 * 86'400'000;
  {
    store::StoreOptions so;
    so.path = (dir_ / "logs.db").string();
    so.retention.max_age_days = 0;  // the records are dated in March, whatever today is
    auto st = store::SqliteStore::open(std::move(so));
    ASSERT_TRUE(st) << st.error().message;
    std::vector<observe::RequestRecord> batch{
        record(now - 1000, "default", "k1", 100), record(now - 2000, "default", "k2", 20),
        record(yesterday, "default", "k1", 7), record(last_month, "default", "k1", 1000),
        record(now - 5, "staging", "k1", 50'000)};
    (*st)->consume(batch);
  }
  RuleSet rules;
  RuleSpec day;
  day.id = "day-key";
  day.gateway = "default";
  day.scope = "key";
  day.limit_usd = "1";
  rules.rules.push_back(*build_rule(day, ""));
  RuleSpec month = day;
  month.id = "month-user";
  month.scope = "metadata.user";
  month.period = "month";
  rules.rules.push_back(*build_rule(month, ""));
  State state(2);
  auto rows = seed_budgets(state, rules, (dir_ / "logs.db").string(), now);
  ASSERT_TRUE(rows) << rows.error().message;
  int64_t d = period_index(Period::kDay, now), m = period_index(Period::kMonth, now);
  EXPECT_EQ(state.budget("day-key", "k1", d)->used(), 100);
  EXPECT_EQ(state.budget("day-key", "k2", d)->used(), 20);
  EXPECT_EQ(state.budget("month-user", "ann", m)->used(), 127);  // today's and yesterday's
  // Seeding happens once per rule id and process.
  ASSERT_TRUE(seed_budgets(state, rules, (dir_ / "logs.db").string(), now));
  EXPECT_EQ(state.budget("day-key", "k1", d)->used(), 100);
  // No log store yet: nothing to seed, not an error.
  State fresh(1);
  EXPECT_TRUE(seed_budgets(fresh, rules, (dir_ / "absent.db").string(), now));
}

}  // namespace
}  // namespace parapet::limits
