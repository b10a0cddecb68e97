#include "http/query.h"

#include <gtest/gtest.h>

namespace parapet::http {
namespace {

TEST(Query, DecodesPairs) {
  Query q("gateway=default&model=gpt%2D4o&note=a+b&flag&=x&&empty=");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q.get("gateway"), "default");
  EXPECT_EQ(q.get("model"), "gpt-4o");
  EXPECT_EQ(q.get("note"), "a b");
  EXPECT_EQ(q.get("flag"), "");
  EXPECT_EQ(q.get("empty"), "");
  EXPECT_FALSE(q.get("nope").has_value());
}

TEST(Query, MalformedEscapes) {
  EXPECT_FALSE(Query("a=%4").ok());
  EXPECT_FALSE(Query("a=%zz").ok());
  EXPECT_FALSE(Query("a=%").ok());
  EXPECT_FALSE(percent_decode("%G0").has_value());
  EXPECT_EQ(percent_decode("%41%42"), "AB");
}

}  // namespace
}  // namespace parapet::http
