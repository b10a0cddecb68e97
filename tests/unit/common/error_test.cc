#include "common/error.h"

#include <gtest/gtest.h>

namespace parapet {
namespace {

TEST(Error, JsonBodyIsAlwaysWellFormed) {
  Error e = make_error(ErrorCode::kUpstreamTimeout, "bad \"quote\"\n\x01 and \xff\xfe bytes \xe2\x82\xac");
  EXPECT_EQ(error_json(e),
            "{\"error\":{\"type\":\"upstream_timeout\",\"message\":\"bad \\\"quote\\\"\\n\\u0001 "
            "and \xEF\xBF\xBD\xEF\xBF\xBD bytes \xe2\x82\xac\"}}");
  EXPECT_EQ(error_status(ErrorCode::kUpstreamTimeout), 504);
  EXPECT_EQ(error_status(ErrorCode::kOverloaded), 503);
  EXPECT_TRUE(e.retryable());
  EXPECT_EQ(e.source(), ErrorSource::kUpstream);
}

TEST(Error, ControlErrorsHaveTheirStatusAndType) {
  EXPECT_EQ(error_status(ErrorCode::kUnauthorized), 401);
  EXPECT_EQ(error_status(ErrorCode::kForbidden), 403);
  EXPECT_EQ(error_status(ErrorCode::kRateLimited), 429);
  EXPECT_EQ(error_type(ErrorCode::kBudgetExceeded), "budget_exceeded");
  EXPECT_EQ(error_status(ErrorCode::kBudgetExceeded), 429);
  EXPECT_EQ(error_status(ErrorCode::kCircuitOpen), 503);
  EXPECT_TRUE(make_error(ErrorCode::kCircuitOpen, "x").retryable());
  EXPECT_FALSE(make_error(ErrorCode::kRateLimited, "x").retryable());
}

}  // namespace
}  // namespace parapet
