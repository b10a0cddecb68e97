#include "dlp/guard.h"

#include <gtest/gtest.h>

namespace parapet::dlp {
namespace {

std::string chunk(std::string_view text) {
  std::string ev = R"(data: {"choices":[{"delta":{"content":")";
  ev += text;
  ev += "\"}}]}\n\n";
  return ev;
}

// Feeds the pieces one by one; returns everything released, in order.
std::string run(AnswerGuard& g, const std::vector<std::string>& pieces, bool* ok = nullptr) {
  std::string out;
  bool good = true;
  for (const auto& p : pieces) good = good && g.feed(p, out);
  if (good) good = g.finish(out);
  if (ok) *ok = good;
  return out;
}

TEST(DlpGuard, RedactsACardSplitAcrossStreamEvents) {
  AnswerGuard g(Action::kRedact, kAllKinds, 64, true);
  std::vector<std::string> pieces = {chunk("Your card is 4111"), chunk(" 1111 11"),
                                     chunk("11 1111"), chunk(" and that is all."),
                                     "data: [DONE]\n\n"};
  std::string got = run(g, pieces);
  std::string want = chunk("Your card is ****") + chunk(" **** **") + chunk("** 1111") +
                     chunk(" and that is all.") + "data: [DONE]\n\n";
  EXPECT_EQ(got, want);
  EXPECT_EQ(g.found(Kind::kCard), 1u);
  EXPECT_EQ(g.summary(), "card=1");
}

TEST(DlpGuard, ReleasesEarlyTextBeyondTheHoldback) {
  AnswerGuard g(Action::kRedact, kAllKinds, 16, true);
  std::string out;
  ASSERT_TRUE(g.feed(chunk("Hello there, this is a long enough text"), out));
  EXPECT_TRUE(out.empty()) << "the only event is within the holdback of the end";
  ASSERT_TRUE(g.feed(chunk(" and more than sixteen characters after it"), out));
  EXPECT_EQ(out, chunk("Hello there, this is a long enough text"));
}

TEST(DlpGuard, EventsSplitAnywhereAndCrlfFraming) {
  std::string stream =
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"mail bob@\"}]}}]}\r\n\r\n"
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"corp.io ok\"}]}}]}\r\n\r\n";
  AnswerGuard g(Action::kRedact, kAllKinds, 64, true);
  std::vector<std::string> pieces;
  for (size_t i = 0; i < stream.size(); i += 7) pieces.push_back(stream.substr(i, 7));
  std::string got = run(g, pieces);
  EXPECT_EQ(got.size(), stream.size());
  EXPECT_NE(got.find("***@"), std::string::npos);
  EXPECT_NE(got.find("****.** ok"), std::string::npos);
  EXPECT_EQ(g.found(Kind::kEmail), 1u);
}

TEST(DlpGuard, FlagForwardsUnchangedAndCountsOnce) {
  AnswerGuard g(Action::kFlag, kAllKinds, 8, true);
  std::vector<std::string> pieces = {chunk("ssn 123-45-"), chunk("6789 ok"), chunk("."),
                                     chunk("!")};
  std::string got = run(g, pieces);
  std::string want;
  for (const auto& p : pieces) want += p;
  EXPECT_EQ(got, want);
  EXPECT_EQ(g.found(Kind::kSsn), 1u);
  EXPECT_EQ(g.found_total(), 1u);
}

TEST(DlpGuard, BlockStopsBeforeTheEventWithTheFinding) {
  AnswerGuard g(Action::kBlock, kAllKinds, 4, true);
  bool ok = true;
  std::string got = run(
      g, {chunk("Sure, here is a long preamble text."), chunk(" mail jane@corp.io"), chunk(" bye")},
      &ok);
  EXPECT_FALSE(ok);
  EXPECT_TRUE(g.blocked());
  EXPECT_EQ(got, chunk("Sure, here is a long preamble text."));
}

TEST(DlpGuard, WholeAnswersKeepTheirLength) {
  std::string body =
      R"({"choices":[{"message":{"content":"IBAN GB82WEST12345698765432 thanks"}}]})";
  AnswerGuard g(Action::kRedact, kAllKinds, 64, false);
  std::vector<std::string> pieces;
  for (size_t i = 0; i < body.size(); i += 10) pieces.push_back(body.substr(i, 10));
  std::string got = run(g, pieces);
  EXPECT_EQ(got.size(), body.size());
  EXPECT_NE(got.find("IBAN ********************** thanks"), std::string::npos) << got;
  EXPECT_EQ(got.find("12345698765432"), std::string::npos);
}

TEST(DlpGuard, BlockHoldsWholeAnswers) {
  AnswerGuard g(Action::kBlock, kAllKinds, 64, false);
  EXPECT_TRUE(g.holds_whole());
  std::string out;
  ASSERT_TRUE(g.feed(std::string(5000, 'a'), out));
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(g.feed(" no secrets", out));
  ASSERT_TRUE(g.finish(out));
  EXPECT_EQ(out.size(), 5011u);
  AnswerGuard b(Action::kBlock, kAllKinds, 64, false);
  out.clear();
  EXPECT_TRUE(b.feed("my ssn is 123-45-6789", out));
  EXPECT_FALSE(b.finish(out)) << "the finding was at the end: acted on at finish";
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace parapet::dlp
