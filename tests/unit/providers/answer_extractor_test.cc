// Properties every extractor keeps whatever the upstream sends: bytes pass through unchanged
// unless hiding, the result does not depend on how the body was cut into pieces, counts are never
// negative, and nothing crashes. Inputs are the fixtures, damaged at random.
#include "providers/answer_extractor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "unit/providers/usage_harness.h"

namespace parapet::providers {
namespace {

using testing::Call;
using testing::run_pieces;
using testing::UsageEq;

std::vector<std::string> all_fixtures() {
  std::vector<std::string> out;
  std::string root = std::string(PARAPET_SOURCE_DIR) + "/tests/corpus/usage";
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.path().filename() == ".gitattributes") continue;
    out.push_back(testing::fixture(std::filesystem::relative(e.path(), root).string()));
  }
  return out;
}

std::string damage(std::string s, std::mt19937& rng) {
  static constexpr char kNasty[] = "\r\n{}[]\":,\\ \0d";
  switch (rng() % 5) {
    case 0:  // truncate
      s.resize(s.empty() ? 0 : rng() % s.size());
      break;
    case 1:  // flip bytes
      for (int i = 0, n = 1 + rng() % 8; i < n && !s.empty(); ++i)
        s[rng() % s.size()] ^= 1 << (rng() % 8);
      break;
    case 2:  // insert structural bytes
      for (int i = 0, n = 1 + rng() % 8; i < n; ++i) {
        s.insert(s.begin() + (s.empty() ? 0 : rng() % s.size()),
                 kNasty[rng() % (sizeof kNasty - 1)]);
      }
      break;
    case 3:  // drop a range
      if (s.size() > 2) {
        size_t at = rng() % (s.size() - 1);
        s.erase(at, 1 + rng() % std::min<size_t>(64, s.size() - at - 1));
      }
      break;
    default:  // repeat a range
      if (!s.empty()) {
        size_t at = rng() % s.size();
        s.insert(at, s.substr(at, 1 + rng() % 200));
      }
      break;
  }
  return s;
}

const std::vector<Call>& calls() {
  static const std::vector<Call> c = {
      {Protocol::kOpenAI, "/chat/completions", true, false},
      {Protocol::kOpenAI, "/chat/completions", true, true},
      {Protocol::kOpenAI, "/responses", true, false},
      {Protocol::kAnthropic, "/v1/messages", true, false},
      {Protocol::kGemini, "/v1beta/models/m:streamGenerateContent", true, false},
  };
  return c;
}

bool counts_valid(const Usage& u) {
  return u.input >= 0 && u.output >= 0 && u.cached_read >= 0 && u.cache_write >= 0 &&
         u.reasoning >= 0 && (u.source != UsageSource::kNone || u.output == 0);
}

TEST(UsageRobustness, DamagedAnswersPassThroughAndNeverDependOnSplits) {
  std::mt19937 rng(2024);
  auto fixtures = all_fixtures();
  ASSERT_GT(fixtures.size(), 20u);
  for (int round = 0; round < 60; ++round) {
    for (const std::string& f : fixtures) {
      std::string body = damage(f, rng);
      bool complete = rng() % 2;
      for (const Call& c : calls()) {
        auto whole = run_pieces(c, {body}, complete);
        auto split = run_pieces(c, testing::random_split(body, rng()), complete);
        ASSERT_TRUE(counts_valid(whole.usage));
        if (c.hide) {
          // Removing an event is all hiding may do; where a multi-line event is cut decides
          // whether it is held long enough to be removed, so splits may differ here.
          EXPECT_LE(whole.forwarded.size(), body.size());
          EXPECT_LE(split.forwarded.size(), body.size());
        } else {
          ASSERT_EQ(whole.forwarded, body);
          ASSERT_EQ(split.forwarded, body);
          ASSERT_TRUE(UsageEq(split.usage, whole.usage)) << body;
        }
      }
    }
  }
}

TEST(UsageRobustness, BlankLeadThenAnyFraming) {
  Call chat{Protocol::kOpenAI, "/chat/completions", true, true};
  std::string sse = "\r\n\n  \ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":3}}\n\n";
  auto o = testing::run_all_ways(chat, sse);
  EXPECT_EQ(o.forwarded, "\r\n\n  \n");  // the blank lead was forwarded before framing was known
  EXPECT_EQ(o.usage.input, 3);
  std::string json = "\n\n {\"usage\":{\"prompt_tokens\":4}}";
  EXPECT_EQ(testing::run_all_ways(chat, json).usage.input, 4);
  EXPECT_TRUE(UsageEq(testing::run_all_ways(chat, "\n\n\n").usage, {}));
  EXPECT_TRUE(UsageEq(testing::run_all_ways(chat, "").usage, {}));
}

TEST(UsageRobustness, HasKeyFindsKeysNotStrings) {
  EXPECT_TRUE(has_key(R"({"usage":{"a":1}})", "\"usage\"", '{'));
  EXPECT_TRUE(has_key(R"({"usage" :  {"a":1}})", "\"usage\"", '{'));
  EXPECT_FALSE(has_key(R"({"usage":null})", "\"usage\"", '{'));
  EXPECT_FALSE(has_key(R"({"text":"usage"})", "\"usage\"", '{'));
  EXPECT_FALSE(has_key(R"({"text":"\"usage\":{"})", "\"usage\"", '{'));
  EXPECT_TRUE(has_key(R"({"text":"usage","usage":{}})", "\"usage\"", '{'));
  EXPECT_TRUE(has_key(R"({"usage":1})", "\"usage\""));
  EXPECT_FALSE(has_key(R"({"usage")", "\"usage\""));
}

}  // namespace
}  // namespace parapet::providers
