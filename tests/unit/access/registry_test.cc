#include "access/registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "access/config_keys.h"

namespace parapet::access {
namespace {

class KeyRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parapet-reg-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<Registry> open(std::string env = {}) {
    auto r = Registry::open(dir_.string(), std::move(env), "");
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? std::move(*r) : nullptr;
  }
  std::filesystem::path dir_;
};

TEST_F(KeyRegistryTest, CreatedKeysVerifyPersistAndRevoke) {
  std::string secret, id;
  {
    auto reg = open();
    NewKey nk;
    nk.kind = KeyKind::kVirtualKey;
    nk.name = "team-a";
    nk.provider = "openai";
    nk.provider_key = "sk-very-secret-provider-key";
    uint64_t g0 = reg->generation();
    auto c = reg->create(nk, 1000);
    ASSERT_TRUE(c);
    EXPECT_GT(reg->generation(), g0);
    secret = c->secret;
    id = c->key.id;
    const Key* k = reg->current()->verify(secret);
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->provider_key, "sk-very-secret-provider-key");
  }
  // At rest: neither the provider key nor the virtual key's secret is in the file.
  std::ifstream in(dir_ / "control.db", std::ios::binary);
  std::stringstream all;
  all << in.rdbuf();
  std::ifstream wal(dir_ / "control.db-wal", std::ios::binary);
  all << wal.rdbuf();
  EXPECT_EQ(all.str().find("sk-very-secret"), std::string::npos);
  EXPECT_EQ(all.str().find(secret.substr(secret.rfind('_') + 1)), std::string::npos);

  auto reg = open();  // a restart
  const Key* k = reg->current()->verify(secret);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->provider_key, "sk-very-secret-provider-key");
  ASSERT_TRUE(reg->revoke(id, 2000));
  EXPECT_EQ(reg->current()->verify(secret), nullptr);
  EXPECT_EQ(reg->revoke(id, 3000).error().code, ErrorCode::kNotFound);
  auto listed = reg->list();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].revoked_us, 2000);
  EXPECT_EQ(listed[0].provider_key_hint, "sk-...-key");
  EXPECT_TRUE(listed[0].key.provider_key.empty());
}

TEST_F(KeyRegistryTest, WrongMasterKeyRefusesToStart) {
  {
    auto reg = open();
    NewKey nk;
    nk.kind = KeyKind::kVirtualKey;
    nk.provider = "openai";
    nk.provider_key = "sk-x-123456789012";
    ASSERT_TRUE(reg->create(nk, 1));
  }
  auto r = Registry::open(dir_.string(), std::string(64, 'e'), "");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does not open"), std::string::npos);
}

TEST_F(KeyRegistryTest, ConfigKeysJoinAndCannotBeRevokedHere) {
  auto reg = open();
  config::AccessOptions a;
  config::ConfigKey ck;
  ck.id = "ci";
  ck.kind = "virtual_key";
  ck.provider = "openai";
  ck.provider_key_env = "PARAPET_TEST_KEY";
  ck.secret_sha256 = to_hex(sha256("sekret"));
  a.keys.push_back(ck);
  auto none = keys_from_config(a, [](const std::string&) { return std::nullopt; });
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("PARAPET_TEST_KEY"), std::string::npos);
  auto keys = keys_from_config(a, [](const std::string& n) -> std::optional<std::string> {
    return n == "PARAPET_TEST_KEY" ? std::optional<std::string>("sk-from-env") : std::nullopt;
  });
  ASSERT_TRUE(keys);
  ASSERT_TRUE(reg->set_config_keys(std::move(*keys)));
  const Key* k = reg->current()->verify("pvk_ci_sekret");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->provider_key, "sk-from-env");
  EXPECT_EQ(reg->revoke("ci", 1).error().code, ErrorCode::kForbidden);
  View view;
  EXPECT_NE(view.get(*reg).find("ci"), nullptr);
  ASSERT_TRUE(reg->set_config_keys({}));
  EXPECT_EQ(view.get(*reg).find("ci"), nullptr);
}

TEST_F(KeyRegistryTest, VirtualKeyNeedsAProviderKey) {
  auto reg = open();
  NewKey nk;
  nk.kind = KeyKind::kVirtualKey;
  nk.provider = "openai";
  EXPECT_EQ(reg->create(nk, 1).error().code, ErrorCode::kBadRequest);
  nk.provider_key = "pvk_a_b";
  EXPECT_EQ(reg->create(nk, 1).error().code, ErrorCode::kBadRequest);
  NewKey tok;
  auto t = reg->create(tok, 1);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->secret.starts_with("pgt_"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "master.key"));  // tokens need no master key
}

}  // namespace
}  // namespace parapet::access
