#include "waf/hunt.h"

#include <gtest/gtest.h>

namespace parapet::waf {
namespace {

std::shared_ptr<const RuleSet> only(std::string_view id) {
  std::vector<Rule> rules;
  for (const auto& r : managed_rules()) {
    if (r.id == id) rules.push_back(r);
  }
  auto s = RuleSet::compile(std::move(rules), 0, "hunt");
  return s ? *s : nullptr;
}

TEST(WafHunt, FirstLastCountSourcesAndLocations) {
  Hunt h(only("path-traversal"));
  h.add({"01A", 3000, "10.0.0.1", "", "GET", "/static/app.js", "", ""});
  h.add({"01B", 1000, "10.0.0.2", "key_a", "GET", "/files/../../etc/passwd", "", ""});
  h.add({"01C", 5000, "10.0.0.2", "key_a", "GET", "/x/%2e%2e%2fsecret", "", ""});
  h.add({"01D", 7000, "10.0.0.3", "", "GET", "/ok", "", "path-traversal@headers:Referer"});
  h.add({"01E", 9000, "10.0.0.4", "", "GET", "/ok", "", "log4shell@headers:User-Agent"});
  HuntReport r = h.report();
  EXPECT_EQ(r.scanned, 5u);
  EXPECT_EQ(r.matched, 3u);
  EXPECT_EQ(r.first_us, 1000);
  EXPECT_EQ(r.first_id, "01B");
  EXPECT_EQ(r.last_us, 7000);
  EXPECT_EQ(r.last_id, "01D");
  ASSERT_FALSE(r.top_ips.empty());
  EXPECT_EQ(r.top_ips[0], (std::pair<std::string, uint64_t>{"10.0.0.2", 2}));
  ASSERT_EQ(r.top_keys.size(), 1u);
  EXPECT_EQ(r.top_keys[0].second, 2u);
  ASSERT_FALSE(r.locations.empty());
  EXPECT_EQ(r.locations[0], (std::pair<std::string, uint64_t>{"uri", 2}));
}

TEST(WafHunt, StoredBodiesAreHunted) {
  Hunt h(only("log4shell"));
  h.add({"01A", 10, "1.1.1.1", "", "POST", "/chat/completions",
         R"({"messages":[{"role":"user","content":"${${lower:j}ndi:ldap://e/a}"}]})", ""});
  h.add({"01B", 20, "1.1.1.1", "", "POST", "/chat/completions", R"({"prompt":"${HOME:-/root}"})",
         ""});
  HuntReport r = h.report();
  EXPECT_EQ(r.matched, 1u);
  EXPECT_EQ(r.first_id, "01A");
  ASSERT_FALSE(r.locations.empty());
  EXPECT_EQ(r.locations[0].first, "body:content");
}

TEST(WafHunt, ParseSummary) {
  auto v = parse_summary("a@headers:User-Agent,b@uri,broken");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0], (std::pair<std::string, std::string>{"a", "headers:User-Agent"}));
  EXPECT_EQ(v[1], (std::pair<std::string, std::string>{"b", "uri"}));
}

}  // namespace
}  // namespace parapet::waf
