#include <gtest/gtest.h>

#include "config/config.h"

namespace parapet::config {
namespace {

TEST(CacheConfig, DefaultsAreOffPerGatewayAndPartitioned) {
  auto s = load_from_string("", Flags{});
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->cache.memory_bytes, 64ull << 20);
  EXPECT_TRUE((*s)->cache.persistent);
  GatewayCache g = (*s)->cache_for("default");
  EXPECT_EQ(g.ttl_s, 0);
  EXPECT_FALSE(g.shared);
}

TEST(CacheConfig, ReadsCacheSectionAndGatewayKeys) {
  auto s = load_from_string(R"(
[cache]
memory_bytes = 1024
persistent = false
disk_bytes = 4096
[gateways.a]
cache_ttl = 300
[gateways.b]
cache_ttl = 5
cache_partition = "shared"
[gateways.c]
log_bodies = true
)",
                            Flags{});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s)->cache.memory_bytes, 1024u);
  EXPECT_FALSE((*s)->cache.persistent);
  EXPECT_EQ((*s)->cache.disk_bytes, 4096u);
  EXPECT_EQ((*s)->cache_for("a").ttl_s, 300);
  EXPECT_FALSE((*s)->cache_for("a").shared);
  EXPECT_EQ((*s)->cache_for("b").ttl_s, 5);
  EXPECT_TRUE((*s)->cache_for("b").shared);
  EXPECT_EQ((*s)->cache_for("c").ttl_s, 0);
}

TEST(CacheConfig, BadValuesAreErrors) {
  for (const char* bad : {
           "[cache]\nmemory = 1\n",
           "[cache]\npersistent = \"yes\"\n",
           "[cache]\nmemory_bytes = -1\n",
           "[gateways.a]\ncache_ttl = -5\n",
           "[gateways.a]\ncache_ttl = \"300\"\n",
           "[gateways.a]\ncache_partition = \"tenant\"\n",
           "[gateways.a]\ncache_tll = 300\n",
       }) {
    auto s = load_from_string(bad, Flags{});
    EXPECT_FALSE(s) << bad;
  }
}

}  // namespace
}  // namespace parapet::config
