#include "access/crypto.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace parapet::access {
namespace {

MasterKey key_of(char fill) {
  MasterKey k;
  k.bytes.fill(static_cast<unsigned char>(fill));
  k.source = "test";
  return k;
}

TEST(Crypto, SealOpensOnlyUnderTheSameKeyAndAad) {
  MasterKey k = key_of(1);
  auto sealed = seal(k, "sk-live-123", "id1");
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->find("sk-live-123"), std::string::npos);
  EXPECT_EQ(sealed->size(), 12 + 11 + 16u);
  auto back = unseal(k, *sealed, "id1");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, "sk-live-123");
  EXPECT_FALSE(unseal(key_of(2), *sealed, "id1"));  // another master key
  EXPECT_FALSE(unseal(k, *sealed, "id2"));          // moved onto another key's row
  std::string tampered = *sealed;
  tampered[14] ^= 1;
  EXPECT_FALSE(unseal(k, tampered, "id1"));
  EXPECT_FALSE(unseal(k, "short", "id1"));
}

TEST(Crypto, SealUsesAFreshNonceEachTime) {
  MasterKey k = key_of(3);
  EXPECT_NE(*seal(k, "same", "a"), *seal(k, "same", "a"));
}

TEST(Crypto, MasterKeyParsing) {
  EXPECT_TRUE(parse_master_key(std::string(64, 'a'), "x"));
  EXPECT_TRUE(parse_master_key(" " + std::string(64, 'F') + "\n", "x"));
  EXPECT_FALSE(parse_master_key(std::string(63, 'a'), "x"));
  EXPECT_FALSE(parse_master_key(std::string(64, 'g'), "x"));
}

TEST(Crypto, MasterKeyFileIsCreatedPrivateAndReused) {
  auto dir = std::filesystem::temp_directory_path() / ("parapet-mk-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "master.key").string();
  std::filesystem::remove(path);
  EXPECT_FALSE(load_master_key("", path, false));
  auto a = load_master_key("", path, true);
  ASSERT_TRUE(a);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto b = load_master_key("", path, true);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->bytes, b->bytes);
  // The environment wins over the file.
  auto e = load_master_key(std::string(64, '0'), path, true);
  ASSERT_TRUE(e);
  EXPECT_NE(e->bytes, a->bytes);
  std::filesystem::remove_all(dir);
}

TEST(Crypto, DigestsAndTokens) {
  EXPECT_EQ(to_hex(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(digest_equal(sha256("x"), sha256("x")));
  EXPECT_FALSE(digest_equal(sha256("x"), sha256("y")));
  std::string t = random_token(32);
  EXPECT_EQ(t.size(), 32u);
  EXPECT_NE(t, random_token(32));
  EXPECT_EQ(t.find_first_not_of("abcdefghijkmnpqrstuvwxyz23456789"), std::string::npos);
}

}  // namespace
}  // namespace parapet::access
