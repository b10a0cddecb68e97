#include "cost/decimal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace parapet::cost {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

int64_t ok(std::string_view s, int scale, bool exponent = false, int64_t max = kMax) {
  auto r = parse_scaled_decimal(s, scale, exponent, max);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : -1;
}

TEST(CostDecimal, ParsesPlainDecimalsExactly) {
  EXPECT_EQ(ok("2.50", 6), 2'500'000);
  EXPECT_EQ(ok("0.15", 6), 150'000);
  EXPECT_EQ(ok("0", 6), 0);
  EXPECT_EQ(ok("0.000", 6), 0);
  EXPECT_EQ(ok("0.000001", 6), 1);
  EXPECT_EQ(ok("0.003625", 6), 3'625);
  EXPECT_EQ(ok("75", 6), 75'000'000);
  EXPECT_EQ(ok("0.1000000000", 6), 100'000);  // trailing zeros are not extra precision
  // 0.1 has no exact binary representation; here it is exactly one tenth.
  EXPECT_EQ(ok("0.1", 12), 100'000'000'000);
}

TEST(CostDecimal, ParsesJsonExponentsWhenAllowed) {
  EXPECT_EQ(ok("1e-6", 12, true), 1'000'000);
  EXPECT_EQ(ok("2E-6", 12, true), 2'000'000);
  EXPECT_EQ(ok("2.5e-7", 12, true), 250'000);
  EXPECT_EQ(ok("1.5E+2", 0, true), 150);
  EXPECT_EQ(ok("0e99999", 6, true), 0);
  EXPECT_EQ(ok("0.000000000001", 12, true), 1);
  EXPECT_FALSE(parse_scaled_decimal("1e-6", 12, false, kMax).ok());
}

TEST(CostDecimal, RejectsWhatIsNotAnUnsignedJsonNumber) {
  for (const char* bad :
       {"",   "-1",  "-0",    "+1",  "01", "00.5", "1.",   ".5",   "1e",  "1e+",
        "e5", "abc", "1.0.0", "1,5", " 1", "1 ",   "0x10", "1e5x", "NaN", "Infinity"}) {
    EXPECT_FALSE(parse_scaled_decimal(bad, 6, true, kMax).ok()) << bad;
  }
  auto r = parse_scaled_decimal("-0.5", 6, true, kMax);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("negative"), std::string::npos);
}

TEST(CostDecimal, RejectsPrecisionItCannotHoldRatherThanRounding) {
  auto r = parse_scaled_decimal("0.0000001", 6, false, kMax);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("precision"), std::string::npos);
  EXPECT_FALSE(parse_scaled_decimal("1e-13", 12, true, kMax).ok());
  EXPECT_FALSE(parse_scaled_decimal("1.0000000000001", 12, true, kMax).ok());
}

TEST(CostDecimal, RejectsValuesOverTheLimitWithoutOverflowing) {
  EXPECT_EQ(ok("1000000", 6, false, 1'000'000'000'000), 1'000'000'000'000);
  EXPECT_FALSE(parse_scaled_decimal("1000000.000001", 6, false, 1'000'000'000'000).ok());
  EXPECT_FALSE(parse_scaled_decimal("1e30", 6, true, kMax).ok());
  EXPECT_FALSE(parse_scaled_decimal("99999999999999999999999999999", 0, false, kMax).ok());
  EXPECT_FALSE(parse_scaled_decimal("9223372036854775808", 0, false, kMax).ok());
  EXPECT_EQ(ok("9223372036854775807", 0), kMax);
  EXPECT_FALSE(parse_scaled_decimal("1e999999999999", 6, true, kMax).ok());
  EXPECT_FALSE(parse_scaled_decimal("1e-999999999999", 6, true, kMax).ok());
}

TEST(CostDecimal, FormatsScaledValuesBack) {
  EXPECT_EQ(format_scaled(150'000, 6, 2), "0.15");
  EXPECT_EQ(format_scaled(2'500'000, 6, 2), "2.50");
  EXPECT_EQ(format_scaled(3'625, 6, 2), "0.003625");
  EXPECT_EQ(format_scaled(0, 6, 0), "0");
  EXPECT_EQ(format_scaled(75'000'000, 6, 0), "75");
}

}  // namespace
}  // namespace parapet::cost
