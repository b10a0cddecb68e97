#include "waf/rule.h"

#include <gtest/gtest.h>

#include "waf/detectors.h"

namespace parapet::waf {
namespace {

std::string err(std::string_view text) {
  auto r = parse_rules(text, "f.toml");
  return r ? std::string("ok") : r.error().message;
}

TEST(WafRuleFile, ManagedRulesParse) {
  auto r = parse_rules(managed_rules_text(), "data/waf_rules.toml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_GE(r->size(), 6u);
  EXPECT_EQ(managed_rules().size(), r->size());
  for (const auto& x : managed_rules()) EXPECT_TRUE(x.managed);
}

TEST(WafRuleFile, FullRule) {
  auto r = parse_rules(R"(
version = 1
[[rule]]
id = "cve-2026-0001"
description = "Emergency"
targets = ["headers", "uri"]
transforms = ["url_decode", "compress_whitespace"]
patterns = ["X-Evil", "bad thing"]
action = "log"
severity = "critical"
applies_to = "origins"
)",
                       "f");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  const Rule& x = (*r)[0];
  EXPECT_EQ(x.id, "cve-2026-0001");
  EXPECT_EQ(x.targets, kHeaders | kUri);
  EXPECT_EQ(x.patterns, (std::vector<std::string>{"x-evil", "bad thing"}));  // case-folded
  EXPECT_EQ(x.action, Action::kLog);
  EXPECT_EQ(x.severity, Severity::kCritical);
  EXPECT_EQ(x.applies_to, AppliesTo::kOrigins);
  EXPECT_FALSE(x.managed);
}

TEST(WafRuleFile, PreciseErrors) {
  EXPECT_EQ(err("[[rule]]\nid='a'\npattern='x'"), "f.toml: missing 'version = 1'");
  EXPECT_EQ(err("version = 2"),
            "f.toml: unsupported rule file version (this Parapet reads version = 1)");
  EXPECT_EQ(err("version = 1\nrules = []"),
            "f.toml: unknown top-level key 'rules' (expected version, description, [[rule]])");
  EXPECT_EQ(err("version = 1\n[[rule]]\npattern = 'x'"), "f.toml: rule 1: missing 'id'");
  EXPECT_EQ(err("version = 1\n[[rule]]\nid = 'a b'\npattern = 'x'"),
            "f.toml: rule 1: id 'a b' must be 1-64 characters of [A-Za-z0-9._-]");
  EXPECT_EQ(err("version = 1\n[[rule]]\nid = 'a'\npattern = 'x'\ntargets = ['bdy']"),
            "f.toml: rule 1 (id 'a'): unknown target 'bdy' (expected uri, query, headers, body)");
  EXPECT_EQ(err("version = 1\n[[rule]]\nid = 'a'"),
            "f.toml: rule 1 (id 'a'): needs a pattern, patterns or a detector");
  EXPECT_EQ(err("version = 1\n[[rule]]\nid = 'a'\ndetector = 'regex'"),
            "f.toml: rule 1 (id 'a'): unknown detector 'regex' (expected log4shell, shellshock, "
            "traversal)");
  EXPECT_EQ(err("version = 1\n[[rule]]\nid = 'a'\ndetector = 'log4shell'\npattern = 'x'"),
            "f.toml: rule 1 (id 'a'): give either detector or pattern(s), not both");
  EXPECT_EQ(err("version = 1\n[[rule]]\nid = 'a'\npattern = 'x'\naction = 'drop'"),
            "f.toml: rule 1 (id 'a'): action 'drop' (expected block, log, off)");
  EXPECT_EQ(err("version = 1\n[[rule]]\nid = 'a'\npattern = 'x'\nseverity = 'urgent'"),
            "f.toml: rule 1 (id 'a'): severity 'urgent' (expected low, medium, high, critical)");
  EXPECT_EQ(err("version = 1\n[[rule]]\nid = 'a'\npattern = 'x'\nregex = '.*'"),
            "f.toml: rule 1: unknown key 'regex'");
  EXPECT_EQ(err("version = 1\n[[rule]]\nid = 'a'\npattern = ''"),
            "f.toml: rule 1 (id 'a'): empty pattern");
  EXPECT_EQ(
      err("version = 1\n[[rule]]\nid = 'a'\npattern = 'x'\n[[rule]]\nid = 'a'\npattern = 'y'"),
      "f.toml: rule 2: duplicate id 'a'");
  EXPECT_EQ(err("version = 1\n[[rule]]\nid = 'a'\npattern = 'x'\ntransforms = ['rot13']"),
            "f.toml: rule 1 (id 'a'): unknown transform 'rot13' (expected url_decode, "
            "html_decode, js_decode, compress_whitespace, none)");
  EXPECT_EQ(err("version = 1\n[[rule]]\nid = 'a'\npattern = 'x'\napplies_to = 'api'"),
            "f.toml: rule 1 (id 'a'): applies_to 'api' (expected all, origins, ai)");
  std::string syntax = err("version = 1\n[[rule]\n");
  EXPECT_TRUE(syntax.starts_with("f.toml:2:")) << syntax;
}

}  // namespace
}  // namespace parapet::waf
