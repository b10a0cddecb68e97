// Deploys take effect through the published set, persist across reopen, and roll back.
#include "rules/registry.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "rules/hunt_reader.h"

namespace parapet::rules {
namespace {

constexpr char kFile[] = R"(
version = 1
[[rule]]
id = "emergency-wp"
targets = ["uri"]
pattern = "/wp-login.php"
)";

class WafRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parapet-waf-reg-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(WafRegistryTest, DeployPublishesPersistsAndRollsBack) {
  size_t managed = waf::managed_rules().size();
  {
    auto reg = Registry::open(dir_.string());
    ASSERT_TRUE(reg) << reg.error().message;
    auto& r = **reg;
    EXPECT_EQ(r.current()->rules().size(), managed);
    uint64_t g = r.generation();
    auto v = r.deploy(kFile, "test", 1000);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(*v, 1u);
    EXPECT_GT(r.generation(), g);
    EXPECT_EQ(r.current()->rules().size(), managed + 1);
    EXPECT_NE(r.current()->find("emergency-wp"), nullptr);
    EXPECT_EQ(r.current()->version(), 1u);
  }
  auto reg = Registry::open(dir_.string());  // a restart keeps the deployed file
  ASSERT_TRUE(reg);
  auto& r = **reg;
  EXPECT_NE(r.current()->find("emergency-wp"), nullptr);
  auto v2 = r.deploy("version = 1\n", "test", 2000);  // an empty custom file
  ASSERT_TRUE(v2);
  EXPECT_EQ(*v2, 2u);
  EXPECT_EQ(r.current()->find("emergency-wp"), nullptr);
  auto back = r.rollback("test", 3000);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, 1u);
  EXPECT_NE(r.current()->find("emergency-wp"), nullptr);
  ASSERT_TRUE(r.rollback("test", 4000));
  EXPECT_EQ(r.active_version(), 0u);
  EXPECT_EQ(r.current()->rules().size(), managed);
  EXPECT_FALSE(r.rollback("test", 5000));  // nothing left
  auto h = r.history();
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[0].action, "deploy");
  EXPECT_EQ(h[0].rules, 1u);
  EXPECT_EQ(h[2].action, "rollback");
  EXPECT_EQ(h[2].version, 1u);
  EXPECT_EQ(h[3].version, 0u);
}

TEST_F(WafRegistryTest, BadFilesChangeNothing) {
  auto r = Registry::in_memory();
  ASSERT_TRUE(r);
  auto bad = r->deploy("version = 1\n[[rule]]\nid = 'x'\n", "t", 1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "rule file: rule 1 (id 'x'): needs a pattern, patterns or a detector");
  auto clash = r->deploy("version = 1\n[[rule]]\nid = 'log4shell'\npattern = 'x'\n", "t", 1);
  ASSERT_FALSE(clash);
  EXPECT_NE(clash.error().message.find("is a managed rule"), std::string::npos);
  EXPECT_EQ(r->active_version(), 0u);
  EXPECT_TRUE(r->history().empty());
}

TEST_F(WafRegistryTest, HuntRulesById) {
  auto r = Registry::in_memory();
  auto set = hunt_rules(*r->current(), "log4shell", "");
  ASSERT_TRUE(set);
  EXPECT_EQ((*set)->rules().size(), 1u);
  EXPECT_FALSE(hunt_rules(*r->current(), "nope", ""));
  auto file = hunt_rules(*r->current(), "", kFile);
  ASSERT_TRUE(file);
  EXPECT_EQ((*file)->rules()[0].id, "emergency-wp");
}

}  // namespace
}  // namespace parapet::rules
