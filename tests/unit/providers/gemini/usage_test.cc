// Gemini usageMetadata, from wire captures in tests/corpus/usage/gemini/: a JSON body, an alt=sse
// stream and the default streamed JSON array.
#include "providers/usage.h"

#include <gtest/gtest.h>

#include "unit/providers/usage_harness.h"

namespace parapet::providers {
namespace {

using testing::Call;
using testing::fixture;
using testing::run_all_ways;
using testing::run_pieces;
using testing::UsageEq;

constexpr UsageSource kProvider = UsageSource::kProvider;

Call generate() {
  return {Protocol::kGemini, "/v1beta/models/gemini-2.5-pro:generateContent", false};
}
Call stream() {
  return {Protocol::kGemini, "/v1beta/models/gemini-2.5-flash:streamGenerateContent", true};
}

// candidatesTokenCount excludes thoughts: output = candidates + thoughts.
TEST(GeminiUsage, NonStreamThoughtsAreOutput) {
  std::string body = fixture("gemini/generate_nonstream.json");
  auto o = run_all_ways(generate(), body);
  EXPECT_TRUE(UsageEq(o.usage, {.input = 11,
                                .output = 510,
                                .reasoning = 503,
                                .source = kProvider,
                                .model = "gemini-2.5-pro"}));
  EXPECT_EQ(o.forwarded, body);
}

// LiteLLM #16341: implicit cache hits show only as cachedContentTokenCount, inside the prompt.
Usage flash_stream_usage() {
  return {.input = 256,
          .output = 146 + 2042,
          .cached_read = 4096,
          .reasoning = 2042,
          .source = kProvider,
          .model = "gemini-2.5-flash"};
}

TEST(GeminiUsage, SseStreamLastUsageWins) {
  std::string body = fixture("gemini/stream_sse.sse");
  auto o = run_all_ways(stream(), body);
  EXPECT_TRUE(UsageEq(o.usage, flash_stream_usage()));
  EXPECT_EQ(o.forwarded, body);
}

TEST(GeminiUsage, JsonArrayStreamLastUsageWins) {
  std::string body = fixture("gemini/stream_array.json");
  auto o = run_all_ways(stream(), body);
  EXPECT_TRUE(UsageEq(o.usage, flash_stream_usage()));
  EXPECT_EQ(o.forwarded, body);
}

// Vertex: the first chunk's usageMetadata holds only trafficType; tool-use prompt tokens are input.
TEST(GeminiUsage, VertexArrayWithToolUsePrompt) {
  auto o = run_all_ways(stream(), fixture("gemini/stream_array_vertex.json"));
  EXPECT_TRUE(UsageEq(
      o.usage,
      {.input = 8 + 120, .output = 11, .source = kProvider, .model = "gemini-2.5-flash-lite"}));
}

TEST(GeminiUsage, CutStreamKeepsLastReportAsPartial) {
  Usage want = flash_stream_usage();
  want.output = 49 + 2042;
  want.partial = true;
  std::string array = fixture("gemini/stream_array.json");
  std::string cut = array.substr(0, array.find(",\r\n") + 20);
  EXPECT_TRUE(UsageEq(run_all_ways(stream(), cut, /*complete=*/false).usage, want));
  std::string sse = fixture("gemini/stream_sse.sse");
  cut = sse.substr(0, sse.find("\r\n\r\n") + 30);
  EXPECT_TRUE(UsageEq(run_all_ways(stream(), cut, /*complete=*/false).usage, want));
}

// After HTTP 200 a failing model ends an alt=sse stream with an error event: the usage seen so
// far is kept, and is partial (the final report never came).
TEST(GeminiUsage, ErrorEventAfterUsageMakesItPartial) {
  std::string sse =
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Once\"}],\"role\":"
      "\"model\"}}],\"usageMetadata\":{\"promptTokenCount\":6,\"candidatesTokenCount\":1},"
      "\"modelVersion\":\"gemini-2.5-flash\"}\r\n\r\n";
  Usage want{.input = 6, .output = 1, .source = kProvider, .model = "gemini-2.5-flash"};
  EXPECT_TRUE(UsageEq(run_all_ways(stream(), sse).usage, want));
  // An "error" member inside the answer (function arguments) is not an error event.
  std::string args =
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"f\","
      "\"args\":{\"error\":{\"a\":1}}}}]}}]}\r\n\r\n";
  EXPECT_TRUE(UsageEq(run_all_ways(stream(), sse + args).usage, want));
  sse +=
      "data: {\"error\": {\"code\": 503, \"message\": \"The model is overloaded.\", "
      "\"status\": \"UNAVAILABLE\"}}\r\n\r\n";
  want.partial = true;
  EXPECT_TRUE(UsageEq(run_all_ways(stream(), sse).usage, want));
}

TEST(GeminiUsage, ErrorBodiesHaveNoUsage) {
  std::string err = fixture("gemini/error_400.json");
  EXPECT_TRUE(UsageEq(run_all_ways(generate(), err).usage, {}));
  // Streams report errors as an array holding the error object.
  EXPECT_TRUE(UsageEq(run_all_ways(stream(), "[" + err + "]").usage, {}));
  EXPECT_TRUE(
      UsageEq(run_all_ways(stream(), "[{\"usageMetadata\": {\"promptTokenCount\": 3,]").usage,
              {.partial = false}));
}

TEST(GeminiUsage, OversizedArrayElementIsSkipped) {
  std::string array = fixture("gemini/stream_array.json");
  Call s = stream();
  s.max_json_body = 1000;  // each element is under this, the padded one below is not
  std::string big = array;
  big.insert(big.rfind("\"text\": \"") + 9, std::string(2000, 'z'));
  auto o = run_all_ways(s, big);
  EXPECT_EQ(o.forwarded, big);
  EXPECT_EQ(o.usage.output, 97 + 2042);  // the last element was too big: the one before counts
}

// Gemini leaves zero counts out: an empty usageMetadata is a report of zeros.
TEST(GeminiUsage, AllZeroUsageIsStillReportedByTheProvider) {
  std::string body = R"({"candidates":[],"promptFeedback":{"blockReason":"OTHER"},)"
                     R"("usageMetadata":{},"modelVersion":"gemini-2.5-flash"})";
  EXPECT_TRUE(UsageEq(run_all_ways(generate(), body).usage,
                      {.source = kProvider, .model = "gemini-2.5-flash"}));
}

TEST(GeminiUsage, RequestFactsFromThePath) {
  auto f = inspect_request(
      Protocol::kGemini, "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "alt=sse", "{}");
  EXPECT_EQ(f.model, "gemini-2.5-flash");
  EXPECT_TRUE(f.stream);
  f = inspect_request(Protocol::kGemini, "/v1/models/gemini-2.0-flash:generateContent", "",
                      "not json at all");
  EXPECT_EQ(f.model, "gemini-2.0-flash");
  EXPECT_FALSE(f.stream);
  f = inspect_request(Protocol::kGemini,
                      "/v1/projects/p/locations/us/publishers/google/models/gemini-2.5-pro:"
                      "generateContent",
                      "", "");
  EXPECT_EQ(f.model, "gemini-2.5-pro");
  EXPECT_EQ(inspect_request(Protocol::kGemini, "/v1beta/models", "", "").model, "");
  EXPECT_EQ(inspect_request(Protocol::kGemini, "/v1beta/models/x:y/z", "", "").model, "");
}

TEST(GeminiUsage, OnlyGenerateEndpointsHaveUsage) {
  EXPECT_EQ(make_usage_extractor(Protocol::kGemini, "/v1beta/models/gemini-2.5-flash:countTokens",
                                 false, false),
            nullptr);
  EXPECT_EQ(make_usage_extractor(Protocol::kGemini, "/v1beta/models", false, false), nullptr);
  EXPECT_NE(run_pieces(stream(), {"[]"}).usage.source, kProvider);
}

}  // namespace
}  // namespace parapet::providers
