#include "common/url.h"

#include <gtest/gtest.h>

namespace parapet {
namespace {

TEST(Url, ParsesSchemesPortsAndPaths) {
  auto u = parse_url("https://api.openai.com/v1/");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "api.openai.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->path, "/v1");
  EXPECT_EQ(u->authority(), "api.openai.com");

  u = parse_url("http://127.0.0.1:9000");
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->port, 9000);
  EXPECT_EQ(u->path, "");
  EXPECT_EQ(u->authority(), "127.0.0.1:9000");
  EXPECT_EQ(u->to_string(), "http://127.0.0.1:9000");

  u = parse_url("http://[::1]:8080/x");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->authority(), "[::1]:8080");

  u = parse_url("http://user:pw@proxy:3128");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->userinfo, "user:pw");
  EXPECT_EQ(u->host, "proxy");
}

TEST(Url, RejectsWhatCannotBeABaseUrl) {
  for (const char* bad : {"ftp://x", "http://", "http://a:0", "http://a:70000", "http://a:1x",
                          "http://a/b?q=1", "http://a b", "api.openai.com", "http://[::1"}) {
    EXPECT_FALSE(parse_url(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace parapet
