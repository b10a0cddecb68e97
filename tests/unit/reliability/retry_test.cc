#include "reliability/retry.h"

#include <gtest/gtest.h>

namespace parapet::reliability {
namespace {

using std::chrono::system_clock;

http::HeaderList headers(std::initializer_list<std::pair<std::string_view, std::string_view>> l) {
  http::HeaderList h;
  for (auto [n, v] : l) h.add(n, v);
  return h;
}

TEST(RetryHeaders, DefaultsWhenAbsent) {
  RetrySettings base;
  base.max_attempts = 3;
  auto r = apply_headers(base, headers({}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->max_attempts, 3);
  EXPECT_EQ(r->request_timeout, Millis(0));
}

TEST(RetryHeaders, ParapetHeadersAndCloudflareAliases) {
  auto r = apply_headers({}, headers({{"x-parapet-max-attempts", "4"},
                                      {"x-parapet-retry-delay", "100"},
                                      {"x-parapet-backoff", "linear"},
                                      {"x-parapet-request-timeout", "2500"}}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->max_attempts, 4);
  EXPECT_EQ(r->retry_delay, Millis(100));
  EXPECT_EQ(r->backoff, Backoff::kLinear);
  EXPECT_EQ(r->request_timeout, Millis(2500));

  auto cf = apply_headers({}, headers({{"cf-aig-max-attempts", "2"},
                                       {"cf-aig-retry-delay", "0"},
                                       {"cf-aig-backoff", "Constant"},
                                       {"cf-aig-request-timeout", "9"}}));
  ASSERT_TRUE(cf.ok());
  EXPECT_EQ(cf->max_attempts, 2);
  EXPECT_EQ(cf->retry_delay, Millis(0));
  EXPECT_EQ(cf->backoff, Backoff::kConstant);
  EXPECT_EQ(cf->request_timeout, Millis(9));

  // Names as the client wrote them.
  auto mixed =
      apply_headers({}, headers({{"X-Parapet-Max-Attempts", "3"}, {"CF-AIG-Backoff", "linear"}}));
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->max_attempts, 3);
  EXPECT_EQ(mixed->backoff, Backoff::kLinear);
  // Unrelated x-parapet-* headers are not ours to judge.
  EXPECT_TRUE(
      apply_headers({}, headers({{"x-parapet-metadata", "{}"}, {"x-parapet-max", "x"}})).ok());

  // Both spellings: ours wins.
  auto both =
      apply_headers({}, headers({{"cf-aig-max-attempts", "2"}, {"x-parapet-max-attempts", "5"}}));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->max_attempts, 5);
}

TEST(RetryHeaders, BadValuesAre400NamingTheHeader) {
  for (auto [name, value] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"x-parapet-max-attempts", "0"},
           {"x-parapet-max-attempts", "6"},
           {"x-parapet-max-attempts", "two"},
           {"x-parapet-max-attempts", ""},
           {"x-parapet-max-attempts", "-1"},
           {"cf-aig-max-attempts", "3x"},
           {"x-parapet-retry-delay", "5001"},
           {"x-parapet-backoff", "fibonacci"},
           {"x-parapet-request-timeout", "0"},
           {"cf-aig-request-timeout", "1.5"}}) {
    auto r = apply_headers({}, headers({{name, value}}));
    ASSERT_FALSE(r.ok()) << name << ": " << value;
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
    EXPECT_NE(r.error().message.find(name), std::string::npos) << r.error().message;
  }
}

TEST(Backoff, ConstantLinearExponentialWithJitterBounds) {
  RetrySettings s;
  s.retry_delay = Millis(100);
  auto lo = [] { return 0.0; };
  auto hi = [] { return 0.999999; };
  s.backoff = Backoff::kConstant;
  EXPECT_EQ(backoff_delay(s, 2, lo), Millis(50));
  EXPECT_EQ(backoff_delay(s, 4, lo), Millis(50));
  EXPECT_EQ(backoff_delay(s, 4, hi), Millis(99));
  s.backoff = Backoff::kLinear;
  EXPECT_EQ(backoff_delay(s, 2, lo), Millis(50));
  EXPECT_EQ(backoff_delay(s, 3, lo), Millis(100));
  EXPECT_EQ(backoff_delay(s, 5, lo), Millis(200));
  s.backoff = Backoff::kExponential;
  EXPECT_EQ(backoff_delay(s, 2, lo), Millis(50));
  EXPECT_EQ(backoff_delay(s, 3, lo), Millis(100));
  EXPECT_EQ(backoff_delay(s, 4, lo), Millis(200));
  EXPECT_EQ(backoff_delay(s, 5, hi), Millis(799));
  // Jitter spreads the second half of the delay linearly.
  EXPECT_EQ(backoff_delay(s, 2, [] { return 0.5; }), Millis(75));
  // Capped at 30 s however large the base gets.
  s.retry_delay = Millis(5000);
  EXPECT_EQ(backoff_delay(s, 5, hi), Millis(29999));
  s.retry_delay = Millis(0);
  EXPECT_EQ(backoff_delay(s, 3, hi), Millis(0));
}

TEST(RetryAfter, SecondsAndHttpDates) {
  auto now = system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parse_retry_after("3", now), Millis(3000));
  EXPECT_EQ(parse_retry_after(" 0 ", now), Millis(0));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), Millis(10000));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now), Millis(0));  // past
  EXPECT_EQ(parse_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", now), Millis(86'400'000));
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("-1", now));
  EXPECT_FALSE(parse_retry_after("1.5", now));
  EXPECT_FALSE(parse_retry_after("soon", now));
  EXPECT_FALSE(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now));  // obsolete RFC 850
  EXPECT_FALSE(parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", now));
  EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 1994 25:49:37 GMT", now));
}

TEST(RetryableStatus, OnlyRateLimitAndServerErrors) {
  for (int s : {429, 500, 502, 503, 504}) EXPECT_TRUE(retryable_status(s)) << s;
  for (int s : {200, 400, 401, 404, 408, 413, 501, 529}) EXPECT_FALSE(retryable_status(s)) << s;
}

TEST(NextWait, RetryAfterAndRemainingTime) {
  // Backoff alone, no deadline.
  EXPECT_EQ(next_wait(Millis(100), std::nullopt, std::nullopt), Millis(100));
  // retry-after longer than the backoff is honoured.
  EXPECT_EQ(next_wait(Millis(100), Millis(1000), std::nullopt), Millis(1000));
  EXPECT_EQ(next_wait(Millis(100), Millis(10), std::nullopt), Millis(100));
  // Without a deadline, a retry-after beyond the cap is not waited for.
  EXPECT_FALSE(next_wait(Millis(100), kMaxRetryAfterWait + Millis(1), std::nullopt));
  // With a deadline: a wait that would reach it is pointless.
  EXPECT_EQ(next_wait(Millis(100), Millis(1000), Millis(5000)), Millis(1000));
  EXPECT_FALSE(next_wait(Millis(100), Millis(1000), Millis(900)));
  EXPECT_FALSE(next_wait(Millis(100), std::nullopt, Millis(100)));
  EXPECT_FALSE(next_wait(Millis(0), std::nullopt, Millis(0)));
  EXPECT_EQ(next_wait(Millis(0), std::nullopt, Millis(1)), Millis(0));
}

}  // namespace
}  // namespace parapet::reliability
