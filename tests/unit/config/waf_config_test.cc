// [gateways.X.waf] (docs/waf.md "Defaults per route kind, and configuration").
#include <gtest/gtest.h>

#include "config/config.h"

namespace parapet::config {
namespace {

TEST(WafConfig, ModeBodyAndOverrides) {
  auto s = load_from_string(R"(
[gateways.default]
[gateways.strict.waf]
mode = "block"
body = "block"
[[gateways.strict.waf.overrides]]
id = "sqli-basic"
action = "log"
[[gateways.strict.waf.overrides]]
id = "xss-basic"
action = "off"
[gateways.quiet.waf]
mode = "log"
)",
                            Flags{});
  ASSERT_TRUE(s.ok()) << s.error().message;
  const Snapshot& c = **s;
  EXPECT_EQ(c.waf_for("default"), nullptr);  // defaults
  const GatewayWaf* strict = c.waf_for("strict");
  ASSERT_NE(strict, nullptr);
  EXPECT_EQ(strict->mode, "block");
  EXPECT_EQ(strict->body, "block");
  ASSERT_EQ(strict->overrides.size(), 2u);
  EXPECT_EQ(strict->overrides[0], (std::pair<std::string, std::string>{"sqli-basic", "log"}));
  EXPECT_EQ(c.waf_for("quiet")->mode, "log");
  EXPECT_EQ(c.waf_for("quiet")->body, "");
}

TEST(WafConfig, ErrorsNameTheKey) {
  auto err = [](const char* text) {
    auto s = load_from_string(text, Flags{});
    return s.ok() ? std::string("ok") : s.error().message;
  };
  EXPECT_EQ(err("[gateways.g.waf]\nmode = \"drop\"\n"),
            "[gateways.g.waf] mode must be block, log or off (got 'drop')");
  EXPECT_EQ(err("[gateways.g.waf]\nbody = \"off\"\n"),
            "[gateways.g.waf] body must be block or log (got 'off')");
  EXPECT_EQ(err("[gateways.g.waf]\nrules = 1\n"), "unknown key 'rules' in [gateways.g.waf]");
  EXPECT_EQ(err("[[gateways.g.waf.overrides]]\nid = \"x\"\naction = \"skip\"\n"),
            "[[gateways.g.waf.overrides]] needs id and action = block | log | off");
  EXPECT_EQ(err("[gateways.g]\nwaf = 1\n"), "[gateways.g.waf] must be a table");
}

}  // namespace
}  // namespace parapet::config
