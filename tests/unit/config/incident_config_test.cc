#include <gtest/gtest.h>

#include "config/config.h"

namespace parapet::config {
namespace {

TEST(IncidentConfig, DefaultsOffAndParsed) {
  auto off = load_from_string("", Flags{});
  ASSERT_TRUE(off);
  EXPECT_FALSE((*off)->incident.enabled);
  EXPECT_DOUBLE_EQ((*off)->incident.error_rate.slo, 0.995);
  ASSERT_EQ((*off)->incident.error_rate.pairs.size(), 2u);
  EXPECT_DOUBLE_EQ((*off)->incident.error_rate.pairs[0].burn, 14.4);
  EXPECT_EQ((*off)->incident.auto_declare_ms, 60'000);

  auto s = load_from_string(R"(
[incident]
auto_declare_ms = 5000
[incident.error_rate]
slo = 0.999
windows = [[20000, 4000, 14.4]]
[incident.spend_burn]
max_usd_per_hour = 2.5
[[incident.notify]]
stream = "impact"
url = "http://127.0.0.1:9/x"
)",
                            Flags{});
  ASSERT_TRUE(s) << s.error().message;
  const auto& o = (*s)->incident;
  EXPECT_TRUE(o.enabled);
  EXPECT_EQ(o.auto_declare_ms, 5000);
  EXPECT_DOUBLE_EQ(o.error_rate.slo, 0.999);
  ASSERT_EQ(o.error_rate.pairs.size(), 1u);
  EXPECT_EQ(o.error_rate.pairs[0].short_ms, 4000);
  EXPECT_TRUE(o.spend_burn.enabled);
  EXPECT_EQ(o.spend_burn.max_micros_per_hour, 2'500'000);
  ASSERT_EQ(o.notify.size(), 1u);
  EXPECT_EQ(o.notify[0].type, "slack");
}

TEST(IncidentConfig, Errors) {
  for (const char* bad : {
           "[incident]\nauto_declare = 1\n",
           "[incident.error_rate]\nslo = 2\n",
           "[incident.error_rate]\nwindows = [[1000, 5000, 2]]\n",
           "[[incident.notify]]\nstream = \"pager\"\nurl = \"http://a/\"\n",
           "[[incident.notify]]\nstream = \"debug\"\nurl = \"https://hooks.slack.com/x\"\n",
           "[[incident.notify]]\nstream = \"debug\"\ntype = \"pagerduty\"\nurl = \"http://a/\"\n",
       }) {
    EXPECT_FALSE(load_from_string(bad, Flags{})) << bad;
  }
}

}  // namespace
}  // namespace parapet::config
