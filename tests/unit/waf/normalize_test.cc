#include "waf/normalize.h"

#include <gtest/gtest.h>

namespace parapet::waf {
namespace {

std::string norm(std::string_view in, uint32_t t = kNormal, bool plus = false) {
  std::string out, scratch;
  normalize(in, t, plus, out, scratch);
  return out;
}

TEST(WafNormalize, UrlDecodingIsBoundedMultiPass) {
  EXPECT_EQ(norm("%2e%2e%2fetc"), "../etc");
  EXPECT_EQ(norm("%252e%252e%252f"), "../");       // double-encoded
  EXPECT_EQ(norm("%25252e"), ".");                 // three layers: the bound
  EXPECT_EQ(norm("%2525252e"), "%2e");             // a fourth layer stays encoded
  EXPECT_EQ(norm("a+b", kNormal, true), "a b");    // '+' is a space in queries
  EXPECT_EQ(norm("a%2Bb", kNormal, true), "a+b");  // ...but a decoded %2B is a plus
  EXPECT_EQ(norm("%u002e%u002e/"), "../");         // IIS %u encoding
  EXPECT_EQ(norm("%zz%4"), "%zz%4");               // broken escapes stay as they are
}

TEST(WafNormalize, OverlongUtf8SlashesAndDots) {
  EXPECT_EQ(norm("..%c0%af..%c0%afetc"), "../../etc");
  EXPECT_EQ(norm("%c0%ae%c0%ae/"), "../");
  EXPECT_EQ(norm("..%c1%9c"), "..\\");
}

TEST(WafNormalize, HtmlAndJsEscapesAndCase) {
  EXPECT_EQ(norm("&#36;&#x7B;JNDI&colon;"), "${jndi:");
  EXPECT_EQ(norm("$&lbrace;x&rbrace;"), "${x}");
  EXPECT_EQ(norm("$&LBRACE;x"), "${x");
  EXPECT_EQ(norm("&dollar&lcub;"), "${");  // CRS tests omit the ';'
  EXPECT_EQ(norm("\\u0024\\u007b\\x6a"), "${j");
  EXPECT_EQ(norm("AbC"), "abc");
  EXPECT_EQ(norm("&unknown; & x"), "&unknown; & x");
}

TEST(WafNormalize, CompressWhitespaceAndComments) {
  EXPECT_EQ(norm("UNION/**/SELECT", kNormal | kCompress), "union select");
  EXPECT_EQ(norm("union \t\n  all   select", kNormal | kCompress), "union all select");
  EXPECT_EQ(norm("union/*a comment*/select", kNormal | kCompress), "union select");
  EXPECT_EQ(norm("union/*!50000select*/1", kNormal | kCompress), "union select 1");  // MySQL
  EXPECT_EQ(norm("/*x' or 1=1", kNormal | kCompress), "x' or 1=1");  // cannot hide the rest
  EXPECT_EQ(norm("accept: */*;q=0.8", kNormal | kCompress), "accept: *;q=0.8");
}

TEST(WafNormalize, JsonStringsUnescapesKeysAndValues) {
  std::vector<std::pair<std::string, std::string>> got;
  bool ok = json_strings(R"({"a":"x\u0024{y","b":[1,"z\"q",{"c":"\ud83d\ude00"}],"d":true})",
                         [&](std::string_view k, std::string_view v) {
                           got.emplace_back(std::string(k), std::string(v));
                         });
  ASSERT_TRUE(ok);
  std::vector<std::pair<std::string, std::string>> want = {
      {"", "a"}, {"a", "x${y"}, {"", "b"}, {"", "z\"q"}, {"", "c"}, {"c", "\xF0\x9F\x98\x80"},
      {"", "d"}};
  EXPECT_EQ(got, want);
}

TEST(WafNormalize, JsonWalkerRejectsInvalidAndSurvivesDeepNesting) {
  auto cb = [](std::string_view, std::string_view) {};
  EXPECT_FALSE(json_strings("not json", cb));
  EXPECT_FALSE(json_strings(R"({"a":"unterminated)", cb));
  EXPECT_FALSE(json_strings(R"({"a":1]})", cb));
  EXPECT_FALSE(json_strings(R"({"a":"\q"})", cb));
  EXPECT_FALSE(json_strings(R"({"a":1} trailing)", cb));
  std::string deep = std::string(50000, '[') + "\"x\"" + std::string(50000, ']');
  int n = 0;
  EXPECT_TRUE(json_strings(deep, [&](std::string_view, std::string_view v) { n += v == "x"; }));
  EXPECT_EQ(n, 1);
  EXPECT_FALSE(json_strings(std::string(200000, '['), cb));  // no stack blowup, just invalid
}

TEST(WafNormalize, NeutralizeNeverKeepsALiveLookup) {
  EXPECT_EQ(neutralize("${jndi:ldap://x}"), "$\\{jndi:ldap://x}");
  EXPECT_EQ(neutralize("a\r\nb\x01"), "a??b?");
  std::string cut = neutralize(std::string(100, 'a'), 10);
  EXPECT_EQ(cut, "aaaaaaaaaa...");
  EXPECT_EQ(neutralize("ab\xC3\xA9", 3), "ab...");  // never half a UTF-8 sequence
  EXPECT_EQ(neutralize("$${x"), "$$\\{x");
}

}  // namespace
}  // namespace parapet::waf

namespace parapet::waf {
namespace {

// fold_ascii and the JSON walker read eight bytes at a time: every byte value at every offset
// must come out as the byte-by-byte definition says.
TEST(WafNormalizeSwar, FoldMatchesTheDefinitionForEveryByteAndOffset) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (size_t from = 0; from < 9; ++from) {
    std::string got = all + all;
    fold_ascii(got, from);
    for (size_t i = 0; i < got.size(); ++i) {
      unsigned char c = static_cast<unsigned char>((all + all)[i]);
      unsigned char want = i >= from && c >= 'A' && c <= 'Z' ? c + 32 : c;
      ASSERT_EQ(static_cast<unsigned char>(got[i]), want) << "byte " << int(c) << " from " << from;
    }
  }
}

TEST(WafNormalizeSwar, JsonStringsStopAtEscapesAndControlsAnywhere) {
  for (size_t pad = 0; pad < 17; ++pad) {
    std::string text(pad, 'x');
    std::string json = "{\"k\":\"" + text + "a\\\"b\\u0041\\n\xc3\xa9" + text + "\"}";
    std::vector<std::string> values;
    ASSERT_TRUE(
        json_strings(json, [&](std::string_view, std::string_view v) { values.emplace_back(v); }));
    ASSERT_EQ(values.size(), 2u);
    EXPECT_EQ(values[1], text + "a\"bA\n\xc3\xa9" + text);
    std::string bad = "{\"k\":\"" + text + "\x01" + "\"}";
    EXPECT_FALSE(json_strings(bad, [](std::string_view, std::string_view) {})) << pad;
  }
}

}  // namespace
}  // namespace parapet::waf
