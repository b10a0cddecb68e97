#include "providers/json_scan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parapet::providers::json {
namespace {

TEST(UsageJsonScan, SkipsStringsWithEscapes) {
  EXPECT_EQ(skip_value(R"("abc" ,)", 0), 5u);
  EXPECT_EQ(skip_value(R"("a\"b")", 0), 6u);
  EXPECT_EQ(skip_value(R"("a\\")", 0), 5u);     // the quote after two backslashes ends it
  EXPECT_EQ(skip_value(R"("a\\\"" )", 0), 7u);  // three: escaped
  EXPECT_EQ(skip_value(R"("\\\\")", 0), 6u);
  EXPECT_EQ(skip_value(R"("abc)", 0), kNpos);
  EXPECT_EQ(skip_value(R"("a\")", 0), kNpos);
}

TEST(UsageJsonScan, SkipsContainersAndChecksNesting) {
  EXPECT_EQ(skip_value(R"( {"a":[1,{"b":"}]"}],"c":{}} x)", 0), 28u);
  EXPECT_EQ(skip_value("[}", 0), kNpos);
  EXPECT_EQ(skip_value("{]", 0), kNpos);
  EXPECT_EQ(skip_value("[[[]]", 0), kNpos);
  std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_EQ(skip_value(deep, 0), deep.size());
}

TEST(UsageJsonScan, SkipsScalars) {
  EXPECT_EQ(skip_value("true,", 0), 4u);
  EXPECT_EQ(skip_value("false}", 0), 5u);
  EXPECT_EQ(skip_value("null", 0), 4u);
  EXPECT_EQ(skip_value("-12.5e+3]", 0), 8u);
  EXPECT_EQ(skip_value("tru", 0), kNpos);
  EXPECT_EQ(skip_value("nul}", 0), kNpos);
  EXPECT_EQ(skip_value("x", 0), kNpos);
  EXPECT_EQ(skip_value("   ", 0), kNpos);
}

TEST(UsageJsonScan, MembersInOrderWithOffsets) {
  std::string doc = R"({ "a" : 1 , "b":{"c":[2]}, "d":"x\"y" })";
  std::vector<std::string> got;
  size_t end = for_each_member(doc, 0, [&](const Member& m) {
    got.push_back(std::string(m.key) + "=" + std::string(m.value(doc)) + "/" + m.kind);
  });
  EXPECT_EQ(end, doc.size());
  EXPECT_EQ(got, (std::vector<std::string>{"a=1/0", "b={\"c\":[2]}/{", "d=\"x\\\"y\"/\""}));
  EXPECT_EQ(for_each_member("{}", 0, [](const Member&) { FAIL(); }), 2u);
  EXPECT_EQ(for_each_member("{ }", 0, [](const Member&) { FAIL(); }), 3u);
  for (std::string_view bad : {"{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1 \"b\":2}",
                               "{a:1}", "{\"a\":1", "{,}"}) {
    EXPECT_EQ(for_each_member(bad, 0, [](const Member&) {}), kNpos) << bad;
  }
}

TEST(UsageJsonScan, Unescape) {
  std::string out;
  EXPECT_TRUE(unescape(R"(a\"b\\c\/d\n\t\u00e9\u20ac\ud83d\ude00)", &out));
  EXPECT_EQ(out, "a\"b\\c/d\n\t\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_TRUE(unescape(R"(\ud83d)", &out));  // a lone surrogate becomes U+FFFD
  EXPECT_EQ(out, "\xEF\xBF\xBD");
  EXPECT_FALSE(unescape(R"(\x)", &out));
  EXPECT_FALSE(unescape(R"(\u12)", &out));
  EXPECT_FALSE(unescape("\\", &out));
}

}  // namespace
}  // namespace parapet::providers::json
