#include "admin/time_arg.h"

#include <gtest/gtest.h>

namespace parapet::admin {
namespace {

TEST(TimeArg, AllForms) {
  const int64_t now = 1'763'791'200'000'000;  // 2025-11-22T06:00:00Z
  EXPECT_EQ(*parse_time_arg("1763791200", now), now);
  EXPECT_EQ(*parse_time_arg("2025-11-22T06:00:00Z", now), now);
  EXPECT_EQ(*parse_time_arg("2025-11-22T06:00:00.25Z", now), now + 250'000);
  EXPECT_EQ(*parse_time_arg("15m", now), now - 900'000'000);
  EXPECT_EQ(*parse_time_arg("2h", now), now - 7'200'000'000);
  EXPECT_EQ(*parse_time_arg("7d", now), now - 604'800'000'000);
  for (const char* bad : {"", "x", "-5", "15y", "2025-13-01T00:00:00Z", "2025-11-22T06:00:00",
                          "2025-02-30T00:00:00Z", "2025-11-22T06:00:00.Z"}) {
    EXPECT_FALSE(parse_time_arg(bad, now).ok()) << bad;
  }
}

}  // namespace
}  // namespace parapet::admin
