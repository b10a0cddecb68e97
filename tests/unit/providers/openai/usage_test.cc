// OpenAI chat completions and Responses usage, from wire captures in tests/corpus/usage/openai/.
// Case names follow the bugs other gateways shipped (ai-gateways.md §3): usage on a chunk that
// still has choices, cached tokens billed as input, streams cut before the usage chunk, ...
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

Call chat(bool streaming, bool hide = false) {
  return {Protocol::kOpenAI, "/chat/completions", streaming, hide};
}

TEST(OpenAIChatUsage, NonStreamSubtractsCachedAndKeepsReasoningInOutput) {
  std::string body = fixture("openai/chat_nonstream.json");
  auto o = run_all_ways(chat(false), body);
  // prompt 1486 includes 1408 cached; completion 651 includes 512 reasoning.
  EXPECT_TRUE(UsageEq(o.usage, {.input = 78,
                                .output = 651,
                                .cached_read = 1408,
                                .reasoning = 512,
                                .source = kProvider,
                                .model = "o3-2025-04-16"}));
  EXPECT_EQ(o.forwarded, body);
}

TEST(OpenAIChatUsage, StreamUsageChunk) {
  std::string body = fixture("openai/chat_stream_include_usage.sse");
  auto o = run_all_ways(chat(true), body);
  EXPECT_TRUE(UsageEq(o.usage, {.input = 86,
                                .output = 300,
                                .cached_read = 1920,
                                .reasoning = 192,
                                .source = kProvider,
                                .model = "o4-mini-2025-04-16"}));
  EXPECT_EQ(o.forwarded, body);
}

TEST(OpenAIChatUsage, HidesExactlyTheInjectedUsageChunk) {
  std::string body = fixture("openai/chat_stream_include_usage.sse");
  auto o = run_all_ways(chat(true, /*hide=*/true), body);
  EXPECT_EQ(o.forwarded, testing::without_event(body, "\"choices\":[],\"usage\":{"));
  EXPECT_EQ(o.usage.output, 300);
  EXPECT_EQ(o.usage.source, kProvider);
  // The text chunk that quotes "usage": {...} inside a string is still there.
  EXPECT_NE(o.forwarded.find("in the final chunk"), std::string::npos);
  EXPECT_NE(o.forwarded.find("data: [DONE]\n\n"), std::string::npos);
}

TEST(OpenAIChatUsage, HidingWorksWithCrlfEventsSplitAnywhere) {
  std::string lf = fixture("openai/chat_stream_include_usage.sse");
  std::string crlf;
  for (char c : lf) c == '\n' ? crlf += "\r\n" : crlf += c;
  auto o = run_all_ways(chat(true, true), crlf);
  EXPECT_EQ(o.forwarded, testing::without_event(crlf, "\"choices\":[],\"usage\":{", "\r\n\r\n"));
  EXPECT_EQ(o.usage.input, 86);
  // A CR-only stream, where a split CR/LF cannot happen but every line end is one byte.
  std::string cr;
  for (char c : lf) cr += c == '\n' ? '\r' : c;
  auto o2 = run_all_ways(chat(true, true), cr);
  EXPECT_EQ(o2.forwarded, testing::without_event(cr, "\"choices\":[],\"usage\":{", "\r\r"));
}

TEST(OpenAIChatUsage, HoldsBackOnlyWhatMayBeTheUsageChunk) {
  std::string body = fixture("openai/chat_stream_include_usage.sse");
  auto x = make_usage_extractor(Protocol::kOpenAI, "/chat/completions", true, true);
  std::string fwd;
  // A content chunk goes out as soon as its data line is complete, before its blank line.
  size_t first_event_end = body.find("\n\n") + 1;
  x->feed(std::string_view(body).substr(0, first_event_end), fwd);
  EXPECT_EQ(fwd, body.substr(0, first_event_end));
  // Half a line is held: it may still become the usage chunk.
  fwd.clear();
  x->feed(std::string_view(body).substr(first_event_end, 30), fwd);
  EXPECT_EQ(fwd, "\n");
  fwd.clear();
  x->feed(std::string_view(body).substr(first_event_end + 30), fwd);
  x->finish(true);
  EXPECT_EQ(fwd.size(), testing::without_event(body, "\"choices\":[],\"usage\":{").size() -
                            first_event_end - 1);
}

// LiteLLM #36168 / #36083: the terminal chunk has non-empty choices AND usage (Mistral, vLLM).
TEST(OpenAIChatUsage, UsageOnChunkThatStillHasChoices) {
  std::string body = fixture("openai/chat_stream_usage_on_choices.sse");
  auto o = run_all_ways(chat(true), body);
  EXPECT_TRUE(UsageEq(
      o.usage, {.input = 10, .output = 13, .source = kProvider, .model = "mistral-small-latest"}));
  // Such a chunk carries content: it is never hidden.
  auto hidden = run_all_ways(chat(true, true), body);
  EXPECT_EQ(hidden.forwarded, body);
  EXPECT_EQ(hidden.usage.output, 13);
}

TEST(OpenAIChatUsage, StreamWithoutUsageHasNone) {
  std::string body = fixture("openai/chat_stream_no_usage.sse");
  auto o = run_all_ways(chat(true), body);
  EXPECT_TRUE(UsageEq(o.usage, {.source = UsageSource::kNone, .model = "gpt-4o-mini-2024-07-18"}));
}

TEST(OpenAIChatUsage, AllZeroUsageIsStillReportedByTheProvider) {
  auto o = run_all_ways(chat(true), fixture("openai/chat_stream_all_zero.sse"));
  EXPECT_TRUE(UsageEq(o.usage, {.source = kProvider, .model = "llama3.2:1b"}));
}

TEST(OpenAIChatUsage, StreamCutBeforeUsageChunkIsPartialWithModel) {
  std::string body = fixture("openai/chat_stream_include_usage.sse");
  std::string cut = body.substr(0, body.find("\"finish_reason\":\"stop\""));
  auto o = run_all_ways(chat(true), cut, /*complete=*/false);
  EXPECT_TRUE(UsageEq(
      o.usage, {.source = UsageSource::kNone, .partial = true, .model = "o4-mini-2025-04-16"}));
  EXPECT_EQ(o.forwarded, cut);
}

TEST(OpenAIChatUsage, StreamCutAfterUsageChunkKeepsItButIsPartial) {
  std::string body = fixture("openai/chat_stream_include_usage.sse");
  std::string cut = body.substr(0, body.find("data: [DONE]") + 8);
  auto o = run_all_ways(chat(true), cut, /*complete=*/false);
  EXPECT_EQ(o.usage.source, kProvider);
  EXPECT_EQ(o.usage.output, 300);
  EXPECT_TRUE(o.usage.partial);
}

TEST(OpenAIChatUsage, StreamCutInsideTheHiddenChunkForwardsEverythingBeforeIt) {
  std::string body = fixture("openai/chat_stream_include_usage.sse");
  size_t usage_event = body.find("\"choices\":[],\"usage\"");
  size_t event_start = body.rfind("\n\n", usage_event) + 2;
  std::string cut = body.substr(0, usage_event + 40);
  auto o = run_all_ways(chat(true, true), cut, /*complete=*/false);
  EXPECT_EQ(o.forwarded, body.substr(0, event_start));
  EXPECT_EQ(o.usage.source, UsageSource::kNone);
  EXPECT_TRUE(o.usage.partial);
}

// Azure's first chunk has choices:[] and prompt_filter_results but no usage: not the one to hide.
TEST(OpenAIChatUsage, AzurePromptFilterChunkIsNotHidden) {
  std::string body = fixture("openai/chat_stream_azure.sse");
  auto o = run_all_ways(chat(true, true), body);
  EXPECT_EQ(o.forwarded, testing::without_event(body, "\"choices\":[],\"created\":1745862400"));
  EXPECT_NE(o.forwarded.find("prompt_filter_results"), std::string::npos);
  EXPECT_TRUE(UsageEq(o.usage, {.input = 58,
                                .output = 2,
                                .cached_read = 1152,
                                .source = kProvider,
                                .model = "gpt-4o-2024-11-20"}));
}

// OpenRouter: keep-alive comments, cache writes counted inside prompt_tokens.
TEST(OpenAIChatUsage, OpenRouterCacheWritesAndKeepAlives) {
  std::string body = fixture("openai/chat_stream_openrouter.sse");
  auto o = run_all_ways(chat(true, true), body);
  EXPECT_TRUE(UsageEq(o.usage, {.input = 74,
                                .output = 57,
                                .cache_write = 5120,
                                .source = kProvider,
                                .model = "anthropic/claude-sonnet-4"}));
  EXPECT_EQ(o.forwarded, testing::without_event(body, "\"choices\":[],\"usage\""));
  // A keep-alive comment is not held back while hiding.
  auto x = make_usage_extractor(Protocol::kOpenAI, "/chat/completions", true, true);
  std::string fwd;
  x->feed(": OPENROUTER PROCESSING\n\n", fwd);
  EXPECT_EQ(fwd, ": OPENROUTER PROCESSING\n\n");
}

// vLLM continuous_usage_stats: every chunk has usage; the last one counts, nothing is summed.
TEST(OpenAIChatUsage, RepeatedUsageLastOneWins) {
  auto o = run_all_ways(chat(true), fixture("openai/chat_stream_vllm_continuous.sse"));
  EXPECT_TRUE(UsageEq(
      o.usage,
      {.input = 31, .output = 2, .source = kProvider, .model = "Qwen/Qwen2.5-7B-Instruct"}));
}

TEST(OpenAIChatUsage, GroqUsageUnderXGroq) {
  auto o = run_all_ways(chat(true), fixture("openai/chat_stream_groq_x_groq.sse"));
  EXPECT_TRUE(UsageEq(
      o.usage,
      {.input = 18, .output = 439, .source = kProvider, .model = "llama-3.3-70b-versatile"}));
}

// xAI reports reasoning beside completion_tokens: total = prompt + completion + reasoning.
TEST(OpenAIChatUsage, XaiReasoningOutsideCompletionTokens) {
  auto o = run_all_ways(chat(false), fixture("openai/chat_xai_reasoning.json"));
  EXPECT_TRUE(UsageEq(o.usage, {.input = 9,
                                .output = 174,
                                .cached_read = 654,
                                .reasoning = 124,
                                .source = kProvider,
                                .model = "grok-4.1-fast-reasoning"}));
}

TEST(OpenAIChatUsage, DeepSeekCacheHitFields) {
  auto o = run_all_ways(chat(false), fixture("openai/chat_deepseek.json"));
  EXPECT_TRUE(UsageEq(o.usage, {.input = 64,
                                .output = 9,
                                .cached_read = 960,
                                .source = kProvider,
                                .model = "deepseek-chat"}));
}

TEST(OpenAIChatUsage, ErrorBodyHasNoUsage) {
  std::string body = fixture("openai/error_429.json");
  for (bool streaming : {false, true}) {
    auto o = run_all_ways(chat(streaming, streaming), body);
    EXPECT_TRUE(UsageEq(o.usage, {}));
    EXPECT_EQ(o.forwarded, body);
  }
}

TEST(OpenAIChatUsage, MalformedJsonGivesNoUsage) {
  std::string body = fixture("openai/chat_nonstream.json");
  // Cut inside the usage object, and a body with a broken value after it.
  for (std::string bad :
       {body.substr(0, body.find("\"completion_tokens\"") + 25), std::string("{\"usage\":{"),
        std::string("{\"usage\":{\"prompt_tokens\":12,"),
        std::string("{\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":}}"),
        std::string("{\"usage\":{\"prompt_tokens\":12}"),
        std::string("{\"usage\":{\"prompt_tokens\":12}}}"), std::string("{}"), std::string("[1,2"),
        std::string("\xEF\xBB\xBF{\"usage\":{}}")}) {
    auto o = run_all_ways(chat(false), bad);
    EXPECT_EQ(o.usage.source, UsageSource::kNone) << bad;
    EXPECT_EQ(o.forwarded, bad);
  }
  std::string sse =
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\n\n"
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1e300,\"completion_tokens\":-5}}\n\n"
      "data: {not json\n\ndata: [DONE]\n\n";
  auto o = run_all_ways(chat(true, true), sse);
  // The second chunk is valid JSON: a huge float clamps, a negative count reads as 0.
  EXPECT_EQ(o.usage.source, kProvider);
  EXPECT_EQ(o.usage.output, 0);
  EXPECT_EQ(o.forwarded, testing::without_event(sse, "1e300"));
}

TEST(OpenAIChatUsage, OversizedBodyIsForwardedButNotRead) {
  std::string body = fixture("openai/chat_nonstream.json");
  Call small = chat(false);
  small.max_json_body = body.size() - 1;
  auto o = run_all_ways(small, body);
  EXPECT_EQ(o.forwarded, body);
  EXPECT_TRUE(UsageEq(o.usage, {}));
  small.max_json_body = body.size();
  EXPECT_EQ(run_pieces(small, {body}).usage.output, 651);

  // The real cap: a 3 MiB answer is read, a 5 MiB one is passed through.
  auto big_answer = [](size_t content_bytes) {
    return R"({"id":"chatcmpl-1","model":"gpt-4.1","choices":[{"index":0,"message":{"role":)"
           R"("assistant","content":")" +
           std::string(content_bytes, 'a') +
           R"("},"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":)"
           R"(32768,"total_tokens":32773}})";
  };
  std::string three = big_answer(3u << 20);
  auto r3 = run_pieces(chat(false), testing::random_split(three, 7));
  EXPECT_EQ(r3.usage.output, 32768);
  EXPECT_EQ(r3.forwarded.size(), three.size());
  std::string five = big_answer(5u << 20);
  auto r5 = run_pieces(chat(false), testing::random_split(five, 7));
  EXPECT_EQ(r5.usage.source, UsageSource::kNone);
  EXPECT_EQ(r5.forwarded, five);
}

TEST(OpenAIResponsesUsage, NonStream) {
  auto o = run_all_ways({Protocol::kOpenAI, "/responses", false},
                        fixture("openai/responses_nonstream.json"));
  EXPECT_TRUE(UsageEq(o.usage, {.input = 182,
                                .output = 862,
                                .cached_read = 2944,
                                .reasoning = 640,
                                .source = kProvider,
                                .model = "o4-mini-2025-04-16"}));
}

// theam/facility#232: usage is nested under response on response.completed.
TEST(OpenAIResponsesUsage, StreamCompletedEvent) {
  std::string body = fixture("openai/responses_stream.sse");
  auto o = run_all_ways({Protocol::kOpenAI, "/v1/responses", true}, body);
  EXPECT_TRUE(UsageEq(o.usage, {.input = 182,
                                .output = 862,
                                .cached_read = 2944,
                                .reasoning = 640,
                                .source = kProvider,
                                .model = "o4-mini-2025-04-16"}));
  EXPECT_EQ(o.forwarded, body);
}

TEST(OpenAIResponsesUsage, StreamCutBeforeCompletedIsPartialWithModel) {
  std::string body = fixture("openai/responses_stream.sse");
  std::string cut = body.substr(0, body.find("event: response.completed"));
  auto o = run_all_ways({Protocol::kOpenAI, "/responses", true}, cut, /*complete=*/false);
  EXPECT_TRUE(UsageEq(
      o.usage, {.source = UsageSource::kNone, .partial = true, .model = "o4-mini-2025-04-16"}));
  // Ended cleanly but without response.completed: no usage, and not partial (nothing counted).
  auto clean = run_all_ways({Protocol::kOpenAI, "/responses", true}, cut, /*complete=*/true);
  EXPECT_FALSE(clean.usage.partial);
}

TEST(OpenAIUsage, EndpointsWithoutUsageGetNoExtractor) {
  EXPECT_EQ(make_usage_extractor(Protocol::kOpenAI, "/models", false, false), nullptr);
  EXPECT_EQ(make_usage_extractor(Protocol::kOpenAI, "/responses/resp_123", false, false), nullptr);
  EXPECT_EQ(make_usage_extractor(Protocol::kOpenAI, "/files", false, false), nullptr);
  EXPECT_EQ(make_usage_extractor(Protocol::kHttp, "/chat/completions", true, false), nullptr);
  EXPECT_EQ(make_usage_extractor(Protocol::kCohere, "/chat", true, false), nullptr);
  EXPECT_EQ(make_usage_extractor(Protocol::kAnthropic, "/v1/messages/count_tokens", false, false),
            nullptr);
  EXPECT_NE(make_usage_extractor(Protocol::kOpenAI, "/res/dep/chat/completions", true, true),
            nullptr);  // Azure
  EXPECT_NE(make_usage_extractor(Protocol::kOpenAI, "/v1/embeddings", false, false), nullptr);
  EXPECT_NE(make_usage_extractor(Protocol::kOpenAI, "/completions/", false, false), nullptr);
}

// Providers serve each other's formats: the endpoint decides which extractor reads the answer.
TEST(OpenAIUsage, EndpointPicksTheFormatAcrossProviders) {
  // Gemini's and Anthropic's OpenAI-compatible chat endpoints.
  std::string chat_body = fixture("openai/chat_stream_include_usage.sse");
  for (auto [protocol, endpoint] :
       {std::pair{Protocol::kGemini, "/v1beta/openai/chat/completions"},
        std::pair{Protocol::kAnthropic, "/v1/chat/completions"},
        std::pair{Protocol::kCohere, "/compatibility/v1/chat/completions"}}) {
    auto o = run_pieces({protocol, endpoint, true}, {chat_body});
    EXPECT_EQ(o.usage.output, 300) << endpoint;
  }
  // xAI's Anthropic-compatible endpoint behind an OpenAI-protocol provider.
  auto o = run_pieces({Protocol::kOpenAI, "/v1/messages", true},
                      {fixture("anthropic/messages_stream_cache_read.sse")});
  EXPECT_EQ(o.usage.cached_read, 40000);
  EXPECT_EQ(inspect_request(Protocol::kGemini, "/v1beta/openai/chat/completions", "",
                            R"({"model":"gemini-2.5-flash","stream":true})")
                .model,
            "gemini-2.5-flash");
}

// ---- request side ----------------------------------------------------------------------------

TEST(UsageInspectRequest, OpenAIBody) {
  auto f = inspect_request(Protocol::kOpenAI, "/chat/completions", "",
                           R"({"model":"gpt-4o","messages":[{"role":"user","content":)"
                           R"("{\"model\":\"x\",\"stream\":false}"}],"stream":true,)"
                           R"("stream_options":{"include_usage":true}})");
  EXPECT_EQ(f.model, "gpt-4o");
  EXPECT_TRUE(f.stream);
  EXPECT_TRUE(f.client_asked_usage);

  f = inspect_request(Protocol::kOpenAI, "/chat/completions", "",
                      " {\n \"stream\" : false , \"model\" : \"o\\u00e9-\\\"q\\\"\" }\n");
  EXPECT_EQ(f.model, "o\xC3\xA9-\"q\"");
  EXPECT_FALSE(f.stream);
  EXPECT_FALSE(f.client_asked_usage);

  // Nested keys named like top-level ones are not read; a repeated key keeps its last value.
  f = inspect_request(Protocol::kOpenAI, "/responses", "",
                      R"({"metadata":{"model":"no","stream":true},"model":"a","model":"b"})");
  EXPECT_EQ(f.model, "b");
  EXPECT_FALSE(f.stream);
}

TEST(UsageInspectRequest, MalformedBodyGivesEmptyFacts) {
  for (std::string_view bad :
       {"", "{", "[]", "{\"model\":\"gpt\"", "{\"model\":gpt}", "{\"model\":\"gpt\",}",
        "{\"model\":\"gpt\"} x", "null", "{\"model\":\"a\",\"stream\":tru}", "{\"a\":[1,2}"}) {
    auto f = inspect_request(Protocol::kOpenAI, "/chat/completions", "", bad);
    EXPECT_EQ(f.model, "") << bad;
    EXPECT_FALSE(f.stream) << bad;
  }
}

TEST(UsageInspectRequest, AnthropicAndCohereBodies) {
  auto f = inspect_request(Protocol::kAnthropic, "/v1/messages", "",
                           R"({"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,)"
                           R"("messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(f.model, "claude-sonnet-4-5");
  EXPECT_TRUE(f.stream);
  EXPECT_EQ(inspect_request(Protocol::kCohere, "/chat", "", R"({"model":"command-r"})").model,
            "command-r");
  EXPECT_EQ(inspect_request(Protocol::kHttp, "/x", "", R"({"model":"m"})").model, "");
}

TEST(UsageInjectIncludeUsage, AppendsStreamOptionsKeepingOtherBytes) {
  std::string body = "{\n  \"model\": \"gpt-4o\",\n  \"stream\": true,\n  \"messages\": []\n}\n";
  ASSERT_TRUE(inject_include_usage(body));
  EXPECT_EQ(body,
            "{\n  \"model\": \"gpt-4o\",\n  \"stream\": true,\n  \"messages\": []\n"
            ",\"stream_options\":{\"include_usage\":true}}\n");
  auto f = inspect_request(Protocol::kOpenAI, "/chat/completions", "", body);
  EXPECT_TRUE(f.client_asked_usage);
  EXPECT_EQ(f.model, "gpt-4o");
  EXPECT_FALSE(inject_include_usage(body));  // now it asks
}

TEST(UsageInjectIncludeUsage, EditsExistingStreamOptions) {
  struct Case {
    std::string in, out;
  };
  for (
      const Case& c : std::vector<Case>{
          {R"({"stream":true,"stream_options":{}})",
           R"({"stream":true,"stream_options":{"include_usage":true}})"},
          {R"({"stream":true,"stream_options":{ "continuous_usage_stats":true }})",
           R"({"stream":true,"stream_options":{"include_usage":true, "continuous_usage_stats":true }})"},
          {R"({"stream":true,"stream_options":{"include_usage":false},"n":2})",
           R"({"stream":true,"stream_options":{"include_usage":true},"n":2})"},
          {R"({"stream_options":null,"stream":true})",
           R"({"stream_options":{"include_usage":true},"stream":true})"},
          {R"({"stream":true,"stream_options":{"include_usage":null}})",
           R"({"stream":true,"stream_options":{"include_usage":true}})"},
      }) {
    std::string body = c.in;
    EXPECT_TRUE(inject_include_usage(body)) << c.in;
    EXPECT_EQ(body, c.out);
    EXPECT_TRUE(
        inspect_request(Protocol::kOpenAI, "/chat/completions", "", body).client_asked_usage)
        << body;
  }
}

TEST(UsageInjectIncludeUsage, LeavesOtherRequestsAlone) {
  for (std::string body : {
           std::string(R"({"model":"gpt-4o","messages":[]})"),  // not streaming
           std::string(R"({"stream":false})"),                  // not streaming
           std::string(R"({"stream":"true"})"),                 // not a bool
           std::string(R"({"stream":true,"stream_options":{"include_usage":true}})"),
           std::string(R"({"stream":true,"stream_options":[]})"),  // invalid anyway
           std::string(R"({"stream":true,)"),                      // malformed
           std::string(R"({"stream":true} {})"),                   // two documents
           std::string(""),
       }) {
    std::string before = body;
    EXPECT_FALSE(inject_include_usage(body)) << before;
    EXPECT_EQ(body, before);
  }
}

TEST(UsageInjectIncludeUsage, OnlyChatAndLegacyCompletionsTakeIt) {
  EXPECT_TRUE(takes_include_usage(Protocol::kOpenAI, "/chat/completions"));
  EXPECT_TRUE(takes_include_usage(Protocol::kOpenAI, "/v1/chat/completions"));
  EXPECT_TRUE(takes_include_usage(Protocol::kOpenAI, "/res/dep/chat/completions"));
  EXPECT_TRUE(takes_include_usage(Protocol::kOpenAI, "/completions"));
  EXPECT_FALSE(takes_include_usage(Protocol::kOpenAI, "/responses"));
  EXPECT_FALSE(takes_include_usage(Protocol::kAnthropic, "/v1/messages"));
}

}  // namespace
}  // namespace parapet::providers

namespace parapet::providers {
namespace {

TEST(StripNullUsage, RemovesOnlyTheInjectedNullMembers) {
  std::string s =
      "data: {\"id\":\"a\",\"choices\":[],\"usage\":null,\"obfuscation\":\"x\"}\n\n"
      "data: {\"id\":\"b\",\"usage\":null}\n\n"
      "data: {\"id\":\"c\",\"usage\":{\"prompt_tokens\":1}}\n\n";
  strip_null_usage(s);
  EXPECT_EQ(s,
            "data: {\"id\":\"a\",\"choices\":[],\"obfuscation\":\"x\"}\n\n"
            "data: {\"id\":\"b\"}\n\n"
            "data: {\"id\":\"c\",\"usage\":{\"prompt_tokens\":1}}\n\n");
  std::string none = "data: {}\n\n";
  strip_null_usage(none);
  EXPECT_EQ(none, "data: {}\n\n");
}

}  // namespace
}  // namespace parapet::providers
