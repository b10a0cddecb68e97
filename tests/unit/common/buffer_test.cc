#include "common/buffer.h"

#include <gtest/gtest.h>

#include <cstring>

namespace parapet {
namespace {

void put(Buffer& b, std::string_view s) {
  size_t avail = 0;
  char* p = b.prepare(s.size(), &avail);
  ASSERT_GE(avail, s.size());
  std::memcpy(p, s.data(), s.size());
  b.commit(s.size());
}

TEST(Buffer, KeepsUnconsumedBytesAcrossGrowthAndCompaction) {
  Buffer b(8);
  put(b, "hello ");
  b.consume(2);
  put(b, "world, this is longer than eight");
  EXPECT_EQ(b.data(), "llo world, this is longer than eight");
  b.consume(b.size());
  EXPECT_TRUE(b.empty());
  put(b, "again");
  EXPECT_EQ(b.data(), "again");
}

TEST(Buffer, ReleaseOnlyWhenEmpty) {
  Buffer b(16);
  put(b, "x");
  b.release_if_empty();
  EXPECT_EQ(b.data(), "x");
  b.consume(1);
  b.release_if_empty();
  put(b, "y");
  EXPECT_EQ(b.data(), "y");
}

}  // namespace
}  // namespace parapet
