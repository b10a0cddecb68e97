// [incident] in the config file (src/config/incident_config.cc, docs/incidents.md).
#include <gtest/gtest.h>

#include "config/config.h"

namespace parapet::config {
namespace {

TEST(IncidentConfig, DefaultsAreTheDocumentedOnes) {
  auto s = load_from_string("", Flags{});
  ASSERT_TRUE(s.ok());
  const auto& o = (*s)->incident;
  EXPECT_TRUE(o.enabled);
  EXPECT_DOUBLE_EQ(o.burn_rate.slo, 0.995);
  EXPECT_DOUBLE_EQ(o.burn_rate.fast_factor, 14.4);
  EXPECT_EQ(o.burn_rate.fast_long_us, 3600 * incident::kSecond);
  EXPECT_EQ(o.burn_rate.fast_short_us, 300 * incident::kSecond);
  EXPECT_DOUBLE_EQ(o.burn_rate.slow_factor, 6.0);
  EXPECT_EQ(o.burn_rate.slow_long_us, 6 * 3600 * incident::kSecond);
  EXPECT_EQ(o.burn_rate.slow_short_us, 1800 * incident::kSecond);
  EXPECT_EQ(o.declare_after_us, 120 * incident::kSecond);
  EXPECT_EQ(o.spend.budget_micros_per_day, 0);
  EXPECT_TRUE(o.destinations.empty());
}

TEST(IncidentConfig, ReadsEverySection) {
  auto s = load_from_string(R"(
[incident]
declare_after_s = 2.5
auto_resolve_after_s = 600
call_link = "https://meet.example/{id}"
[incident.burn_rate]
slo = 0.999
bucket_s = 1
fast_short_s = 3
min_failures = 5
[incident.latency]
min_delta_ms = 250
[incident.surge]
history = 12
z = 3.5
[incident.spend]
budget_usd_per_day = 25.5
[incident.breaker]
window_s = 30
[[incident.notify]]
stream = "impact"
kind = "pagerduty"
routing_key_env = "PD_KEY"
[[incident.notify]]
stream = "comms"
kind = "webhook"
url = "http://127.0.0.1:9/hook?x=1"
)",
                            Flags{});
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto& o = (*s)->incident;
  EXPECT_EQ(o.declare_after_us, 2'500'000);
  EXPECT_EQ(o.auto_resolve_after_us, 600 * incident::kSecond);
  EXPECT_EQ(o.call_link, "https://meet.example/{id}");
  EXPECT_DOUBLE_EQ(o.burn_rate.slo, 0.999);
  EXPECT_EQ(o.burn_rate.bucket_us, incident::kSecond);
  EXPECT_EQ(o.burn_rate.fast_short_us, 3 * incident::kSecond);
  EXPECT_EQ(o.burn_rate.min_failures, 5);
  EXPECT_EQ(o.latency.min_delta_us, 250'000);
  EXPECT_EQ(o.surge.history, 12);
  EXPECT_DOUBLE_EQ(o.surge.z, 3.5);
  EXPECT_EQ(o.spend.budget_micros_per_day, 25'500'000);
  EXPECT_EQ(o.breaker.window_us, 30 * incident::kSecond);
  ASSERT_EQ(o.destinations.size(), 2u);
  EXPECT_EQ(o.destinations[0].kind, incident::DestKind::kPagerDuty);
  EXPECT_EQ(o.destinations[0].url, "https://events.pagerduty.com/v2/enqueue");
  EXPECT_EQ(o.destinations[0].routing_key_env, "PD_KEY");
  EXPECT_EQ(o.destinations[1].stream, incident::Stream::kComms);
  EXPECT_EQ(o.destinations[1].url, "http://127.0.0.1:9/hook?x=1");
}

TEST(IncidentConfig, ErrorsNameTheProblem) {
  struct Case {
    const char* toml;
    const char* needle;
  } cases[] = {
      {"[incident]\ndeclare_after = 1\n", "unknown key 'declare_after' in [incident]"},
      {"[incident.burn_rate]\nslo = 1.5\n", "[incident.burn_rate] slo must be a number"},
      {"[incident.burn_rate]\nfast_factr = 1\n", "unknown key 'fast_factr'"},
      {"[incident.burn_rate]\nbucket_s = 0.001\n", "raise bucket_s"},
      {"[incident]\nenabled = 1\n", "enabled must be true or false"},
      {"[[incident.notify]]\nstream = \"ops\"\nurl = \"http://x\"\n", "stream must be debug"},
      {"[[incident.notify]]\nkind = \"teams\"\nurl = \"http://x\"\n", "kind must be slack"},
      {"[[incident.notify]]\nurl = \"ftp://x\"\n", "[[incident.notify]] url"},
      {"[incident]\nnotify = 1\n", "must be an array of tables"},
  };
  for (const auto& c : cases) {
    auto s = load_from_string(c.toml, Flags{});
    ASSERT_FALSE(s.ok()) << c.toml;
    EXPECT_NE(s.error().message.find(c.needle), std::string::npos)
        << c.toml << " -> " << s.error().message;
  }
}

}  // namespace
}  // namespace parapet::config
