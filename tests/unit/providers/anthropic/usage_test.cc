// Anthropic Messages usage, from wire captures in tests/corpus/usage/anthropic/. The stream cases
// are the ones Envoy AI Gateway, Bifrost and LiteLLM got wrong (ai-gateways.md §3-4.3).
#include "providers/usage.h"

#include <gtest/gtest.h>

#include "unit/providers/usage_harness.h"

namespace parapet::providers {
namespace {

using testing::Call;
using testing::fixture;
using testing::run_all_ways;
using testing::UsageEq;

constexpr UsageSource kProvider = UsageSource::kProvider;

Call messages(bool streaming) { return {Protocol::kAnthropic, "/v1/messages", streaming}; }

TEST(AnthropicUsage, NonStreamWithCacheReadAndWrite) {
  std::string body = fixture("anthropic/messages_nonstream.json");
  auto o = run_all_ways(messages(false), body);
  // input_tokens already excludes cache reads and writes: nothing is subtracted.
  EXPECT_TRUE(UsageEq(o.usage, {.input = 6,
                                .output = 2745,
                                .cached_read = 1024,
                                .cache_write = 159217,
                                .source = kProvider,
                                .model = "claude-opus-4-1-20250805"}));
  EXPECT_EQ(o.forwarded, body);
}

// Envoy #2279 / PRs #2236, #2239: message_delta is cumulative; 1 + 393 would be wrong.
TEST(AnthropicUsage, StreamDeltaUsageIsCumulativeNotAdded) {
  std::string body = fixture("anthropic/messages_stream_cache_write.sse");
  auto o = run_all_ways(messages(true), body);
  EXPECT_TRUE(UsageEq(o.usage, {.input = 21,
                                .output = 393,
                                .cache_write = 188086,
                                .source = kProvider,
                                .model = "claude-sonnet-4-5-20250929"}));
  EXPECT_EQ(o.forwarded, body);
}

// LiteLLM #11789 / #9812: cache reads on message_start must not be billed as input.
TEST(AnthropicUsage, StreamMessageStartUsageWithCacheRead) {
  auto o = run_all_ways(messages(true), fixture("anthropic/messages_stream_cache_read.sse"));
  EXPECT_TRUE(UsageEq(o.usage, {.input = 12,
                                .output = 89,
                                .cached_read = 40000,
                                .source = kProvider,
                                .model = "claude-sonnet-4-5-20250929"}));
}

// Envoy #2290, LiteLLM #42663: server tools update input on message_delta.
TEST(AnthropicUsage, ServerToolInputUpdatedOnDelta) {
  auto o = run_all_ways(messages(true), fixture("anthropic/messages_stream_server_tool.sse"));
  EXPECT_TRUE(UsageEq(
      o.usage,
      {.input = 10682, .output = 510, .source = kProvider, .model = "claude-sonnet-4-5-20250929"}));
}

// vercel/ai#17326 shape from a compatible backend: message_start says 0/0, the counts come on
// message_delta, and a later delta's 0 placeholders do not erase them.
TEST(AnthropicUsage, CompatBackendUsageOnlyOnDelta) {
  auto o =
      run_all_ways(messages(true), fixture("anthropic/messages_stream_compat_delta_usage.sse"));
  EXPECT_TRUE(UsageEq(o.usage, {.input = 532,
                                .output = 20,
                                .cached_read = 256,
                                .source = kProvider,
                                .model = "qwen3-coder-plus"}));
}

// An overloaded_error event after HTTP 200: the body ends cleanly but the final usage never came.
TEST(AnthropicUsage, ErrorEventMidStreamKeepsStartUsageAsPartial) {
  auto o = run_all_ways(messages(true), fixture("anthropic/messages_stream_error_event.sse"));
  EXPECT_TRUE(UsageEq(o.usage, {.input = 1520,
                                .output = 4,
                                .source = kProvider,
                                .partial = true,
                                .model = "claude-sonnet-4-5-20250929"}));
}

// Bifrost's streamtruncation / streamfailbilling: a cut stream keeps what was counted.
TEST(AnthropicUsage, StreamTruncationKeepsCountsAndIsPartial) {
  std::string body = fixture("anthropic/messages_stream_cache_write.sse");
  std::string cut = body.substr(0, body.find("event: message_delta") + 30);
  auto o = run_all_ways(messages(true), cut, /*complete=*/false);
  EXPECT_TRUE(UsageEq(o.usage, {.input = 21,
                                .output = 1,
                                .cache_write = 188086,
                                .source = kProvider,
                                .partial = true,
                                .model = "claude-sonnet-4-5-20250929"}));
  EXPECT_EQ(o.forwarded, cut);
}

TEST(AnthropicUsage, ErrorBodiesAndMalformedEvents) {
  std::string err = fixture("anthropic/error_529.json");
  for (bool streaming : {false, true}) {
    auto o = run_all_ways(messages(streaming), err);
    EXPECT_TRUE(UsageEq(o.usage, {}));
    EXPECT_EQ(o.forwarded, err);
  }
  std::string sse =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_"
      "tokens\":5\n\n"
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":[1,2]}\n\n"
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":"
      "\"7\"}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":"
      "\"message_delta\"}}\n\n";
  auto o = run_all_ways(messages(true), sse);
  // Only the well-formed delta counts (a count sent as a string is read).
  EXPECT_TRUE(UsageEq(o.usage, {.output = 7, .source = kProvider}));
}

TEST(AnthropicUsage, AllZeroUsageIsStillReportedByTheProvider) {
  std::string body =
      R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],)"
      R"("stop_reason":"end_turn","usage":{"input_tokens":0,"cache_creation_input_tokens":0,)"
      R"("cache_read_input_tokens":0,"output_tokens":0}})";
  EXPECT_TRUE(UsageEq(run_all_ways(messages(false), body).usage,
                      {.source = kProvider, .model = "claude-haiku-4-5"}));
}

TEST(AnthropicUsage, OversizedBodyIsForwardedButNotRead) {
  std::string body = fixture("anthropic/messages_nonstream.json");
  Call small = messages(false);
  small.max_json_body = body.size() / 2;
  auto o = run_all_ways(small, body);
  EXPECT_EQ(o.forwarded, body);
  EXPECT_TRUE(UsageEq(o.usage, {}));
  // On a stream the cap applies per event: the oversized message_start is not read (so no
  // model), but this API version repeats every count on message_delta.
  std::string sse = fixture("anthropic/messages_stream_cache_write.sse");
  Call tiny = messages(true);
  tiny.max_json_body = 200;
  auto s = run_all_ways(tiny, sse);
  EXPECT_EQ(s.forwarded, sse);
  EXPECT_TRUE(
      UsageEq(s.usage, {.input = 21, .output = 393, .cache_write = 188086, .source = kProvider}));
}

TEST(AnthropicUsage, OnlyMessagesEndpointHasUsage) {
  EXPECT_EQ(make_usage_extractor(Protocol::kAnthropic, "/v1/messages/count_tokens", false, false),
            nullptr);
  EXPECT_EQ(make_usage_extractor(Protocol::kAnthropic, "/v1/messages/batches", false, false),
            nullptr);
  EXPECT_EQ(make_usage_extractor(Protocol::kAnthropic, "/v1/models", false, false), nullptr);
  EXPECT_NE(make_usage_extractor(Protocol::kAnthropic, "/v1/messages", true, false), nullptr);
}

}  // namespace
}  // namespace parapet::providers
