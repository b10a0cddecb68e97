#include "providers/json_probe.h"

#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <string>

namespace parapet::providers::json {
namespace {

template <size_t N>
std::array<Value, N> probe_all(std::string_view doc, const std::array<std::string_view, N>& paths,
                               bool* ok = nullptr) {
  std::array<Value, N> out;
  bool r = probe(doc, false, paths, out);
  if (ok) *ok = r;
  return out;
}

TEST(UsageJsonProbe, ReadsNestedValuesOfEveryKind) {
  constexpr std::array<std::string_view, 9> paths = {
      "a", "b.c", "b.d", "b.e", "b.f.g", "list", "nothing", "b", "b.f.missing"};
  bool ok = false;
  auto v = probe_all(
      R"({"a":12,"b":{"c":"txt\u00e9","d":null,"e":true,"f":{"g":-3}},"list":[1,[2],{}],"z":0})",
      paths, &ok);
  EXPECT_TRUE(ok);
  EXPECT_EQ(v[0].count(), 12);
  EXPECT_EQ(v[1].text, "txt\xC3\xA9");
  EXPECT_FALSE(v[1].numeric);
  EXPECT_EQ(v[2].kind, Kind::kNull);
  EXPECT_EQ(v[3].count(), 1);
  EXPECT_EQ(v[4].count(), -3);
  EXPECT_EQ(v[5].kind, Kind::kArray);
  EXPECT_EQ(v[5].elements, 3);
  EXPECT_FALSE(v[6].present());
  EXPECT_EQ(v[7].kind, Kind::kObject);  // a path can be both read and descended into
  EXPECT_FALSE(v[8].present());
}

TEST(UsageJsonProbe, NumbersAreCoercedToCounts) {
  constexpr std::array<std::string_view, 6> paths = {"f", "big", "s", "neg", "bad", "huge"};
  auto v = probe_all(
      R"({"f":12.9,"big":18446744073709551615,"s":"42","neg":"-1","bad":"4x","huge":1e300})",
      paths);
  EXPECT_EQ(v[0].count(), 12);
  EXPECT_EQ(v[1].count(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(v[2].count(), 42);
  EXPECT_FALSE(v[3].numeric);
  EXPECT_FALSE(v[4].numeric);
  EXPECT_EQ(v[5].count(), std::numeric_limits<int64_t>::max());
}

TEST(UsageJsonProbe, RepeatedKeyKeepsTheLastValue) {
  constexpr std::array<std::string_view, 2> paths = {"u.n", "u"};
  auto v = probe_all(R"({"u":{"n":1},"x":[],"u":{"n":2}})", paths);
  EXPECT_EQ(v[0].count(), 2);
}

TEST(UsageJsonProbe, RejectsWhatIsNotOneObject) {
  constexpr std::array<std::string_view, 1> paths = {"a"};
  for (std::string_view bad : {"", "[]", "1", "\"a\"", "{\"a\":1} {}", "{\"a\":1}}", "{\"a\":1",
                               "{\"a\":}", "{\"a\":1,}", "{\"a\" 1}"}) {
    bool ok = true;
    probe_all(bad, paths, &ok);
    EXPECT_FALSE(ok) << bad;
  }
  bool ok = false;
  probe_all(" \n{\"a\":1}\n ", paths, &ok);
  EXPECT_TRUE(ok);
}

TEST(UsageJsonProbe, PaddedAndLargeDocuments) {
  constexpr std::array<std::string_view, 2> paths = {"usage.n", "tail"};
  std::string doc =
      "{\"blob\":\"" + std::string(300u << 10, 'q') + "\",\"usage\":{\"n\":7},\"tail\":\"end\"}";
  std::array<Value, 2> a, b;
  EXPECT_TRUE(probe(doc, false, paths, a));
  reserve_padding(doc);
  EXPECT_TRUE(probe(doc, true, paths, b));
  EXPECT_EQ(a[0].count(), 7);
  EXPECT_EQ(b[0].count(), 7);
  EXPECT_EQ(b[1].text, "end");
}

}  // namespace
}  // namespace parapet::providers::json
