#include "observe/metadata.h"

#include <gtest/gtest.h>

namespace parapet::observe {
namespace {

TEST(Metadata, AcceptsFlatObjectsUpToFiveKeys) {
  auto m = parse_metadata(R"({ "team": "search", "user": 42, "beta": true, "ratio": 0.5 })");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(*m, R"({"team":"search","user":42,"beta":true,"ratio":0.5})");
  EXPECT_TRUE(parse_metadata("{}").ok());
}

TEST(Metadata, RefusesWhatCannotBeStoredAsTags) {
  for (const char* bad : {"", "[]", "\"x\"", "{", R"({"a":{"b":1}})", R"({"a":[1]})", R"({"a":null})",
                          R"({"a":1,"b":2,"c":3,"d":4,"e":5,"f":6})"}) {
    auto m = parse_metadata(bad);
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_EQ(m.error().code, ErrorCode::kBadRequest);
  }
  EXPECT_FALSE(parse_metadata(std::string(3000, ' ') + "{}").ok());
}

}  // namespace
}  // namespace parapet::observe
