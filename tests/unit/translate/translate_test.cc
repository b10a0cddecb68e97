// The rules of docs/translation.md that the corpus does not show one by one: parameters dropped or
// refused per target, edge answers (refusals, safety blocks, unreadable bodies) and stream ends.
#include "translate/translate.h"

#include <gtest/gtest.h>

#include "unit/translate/json_canon.h"

namespace parapet::translate {
namespace {

using testing::canonical;

std::string body_with(std::string_view extra) {
  return "{\"model\":\"x/y\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]" +
         std::string(extra) + "}";
}

RequestResult req(Target t, std::string_view extra) {
  return translate_request(t, t == Target::kAnthropic ? "claude-sonnet-4-5" : "gemini-2.5-flash",
                           body_with(extra));
}

// The member `key` of the native body, canonical ("" when absent).
std::string member(const RequestResult& r, const char* key) {
  simdjson::dom::parser p;
  simdjson::dom::element doc, v;
  if (p.parse(r.native.body).get(doc) || doc[key].get(v)) return "";
  std::string out;
  testing::canon(v, out);
  return out;
}

std::string error_param(const RequestResult& r) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  std::string_view param;
  if (p.parse(r.error.body).get(doc) || doc["error"]["param"].get_string().get(param)) return "";
  return std::string(param);
}

TEST(TranslateModel, SplitsProviderAndModel) {
  std::string_view provider, name;
  ASSERT_TRUE(split_model("google-ai-studio/gemini-2.5-flash", &provider, &name));
  EXPECT_EQ(provider, "google-ai-studio");
  EXPECT_EQ(name, "gemini-2.5-flash");
  ASSERT_TRUE(split_model("groq/meta-llama/llama-4", &provider, &name));
  EXPECT_EQ(name, "meta-llama/llama-4");
  EXPECT_FALSE(split_model("gpt-4o", &provider, &name));
  EXPECT_FALSE(split_model("/gpt-4o", &provider, &name));
  EXPECT_FALSE(split_model("openai/", &provider, &name));
  Target t;
  EXPECT_TRUE(target_for_provider("anthropic", &t));
  EXPECT_EQ(t, Target::kAnthropic);
  EXPECT_TRUE(target_for_provider("google-ai-studio", &t));
  EXPECT_EQ(t, Target::kGemini);
  EXPECT_FALSE(target_for_provider("openai", &t));
  EXPECT_FALSE(target_for_provider("groq", &t));
}

TEST(TranslateRequest, NativeHeadersBesidesCredentials) {
  RequestResult a = req(Target::kAnthropic, "");
  ASSERT_EQ(a.native.headers.size(), 2u);
  EXPECT_EQ(a.native.headers[1].name, "anthropic-version");
  EXPECT_EQ(a.native.headers[1].value, "2023-06-01");
  EXPECT_EQ(auth_header(Target::kAnthropic), "x-api-key");
  RequestResult g = req(Target::kGemini, "");
  ASSERT_EQ(g.native.headers.size(), 1u);
  EXPECT_EQ(g.native.headers[0].name, "content-type");
  EXPECT_EQ(g.native.headers[0].value, "application/json");
  EXPECT_EQ(auth_header(Target::kGemini), "x-goog-api-key");
}

TEST(TranslateRequest, MalformedBodiesAre400) {
  for (Target t : {Target::kAnthropic, Target::kGemini}) {
    for (std::string_view body :
         {"", "[]", "{\"messages\":", "{\"model\":\"a/b\"}", "{\"messages\":[]}",
          "{\"messages\":[{\"role\":\"system\","
          "\"content\":\"only a system prompt\"}]}"}) {
      RequestResult r = translate_request(t, "m", body);
      EXPECT_FALSE(r.ok) << body;
      EXPECT_EQ(r.error.status, 400);
      EXPECT_NE(canonical(r.error.body).find("invalid_request_error"), std::string::npos);
    }
  }
}

TEST(TranslateRequest, UnknownParametersAreRefusedByName) {
  for (Target t : {Target::kAnthropic, Target::kGemini}) {
    RequestResult r = req(t, ",\"frobnicate\":true");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(error_param(r), "frobnicate");
    r = req(t, ",\"audio\":{\"voice\":\"alloy\"}");
    EXPECT_EQ(error_param(r), "audio");
    r = req(t, ",\"functions\":[]");
    EXPECT_EQ(error_param(r), "functions");
    r = req(t, ",\"n\":2");
    EXPECT_EQ(error_param(r), "n");
    r = req(t, ",\"top_logprobs\":3");
    EXPECT_EQ(error_param(r), "top_logprobs");
    r = req(t, ",\"logit_bias\":{\"50256\":-100}");
    EXPECT_EQ(error_param(r), "logit_bias");
    r = req(t, ",\"modalities\":[\"text\",\"audio\"]");
    EXPECT_EQ(error_param(r), "modalities");
  }
}

TEST(TranslateRequest, HarmlessParametersAreDropped) {
  for (Target t : {Target::kAnthropic, Target::kGemini}) {
    RequestResult plain = req(t, "");
    RequestResult r = req(t,
                          ",\"store\":true,\"metadata\":{\"a\":\"b\"},\"service_tier\":\"auto\","
                          "\"prediction\":{\"type\":\"content\",\"content\":\"x\"},\"n\":1,"
                          "\"logprobs\":false,\"logit_bias\":{},\"modalities\":[\"text\"],"
                          "\"frequency_penalty\":0,\"presence_penalty\":0,\"temperature\":null,"
                          "\"stream_options\":{\"include_usage\":true}");
    ASSERT_TRUE(r.ok) << r.error.body;
    EXPECT_EQ(r.native.body, plain.native.body);
    EXPECT_FALSE(r.native.plan.include_usage);  // only streams have a usage chunk
  }
}

TEST(TranslateRequest, PenaltiesMapToGeminiAndAreRefusedByAnthropic) {
  RequestResult g = req(Target::kGemini, ",\"presence_penalty\":0.5,\"frequency_penalty\":-1");
  ASSERT_TRUE(g.ok);
  EXPECT_EQ(member(g, "generationConfig"), "{\"frequencyPenalty\":-1,\"presencePenalty\":0.5}");
  RequestResult a = req(Target::kAnthropic, ",\"presence_penalty\":0.5");
  EXPECT_EQ(error_param(a), "presence_penalty");
}

TEST(TranslateRequest, ReasoningEffortIsAGeminiThinkingBudget) {
  RequestResult g = req(Target::kGemini, ",\"reasoning_effort\":\"high\"");
  ASSERT_TRUE(g.ok);
  EXPECT_EQ(member(g, "generationConfig"), "{\"thinkingConfig\":{\"thinkingBudget\":24576}}");
  g = req(Target::kGemini, ",\"reasoning_effort\":\"none\"");
  EXPECT_EQ(member(g, "generationConfig"), "{\"thinkingConfig\":{\"thinkingBudget\":0}}");
  EXPECT_FALSE(req(Target::kGemini, ",\"reasoning_effort\":\"extreme\"").ok);
  EXPECT_EQ(error_param(req(Target::kAnthropic, ",\"reasoning_effort\":\"low\"")),
            "reasoning_effort");
}

TEST(TranslateRequest, MaxCompletionTokensWinsAndAnthropicGetsADefault) {
  RequestResult a = req(Target::kAnthropic, ",\"max_tokens\":10,\"max_completion_tokens\":20");
  EXPECT_EQ(member(a, "max_tokens"), "20");
  EXPECT_EQ(member(req(Target::kAnthropic, ""), "max_tokens"), "4096");
  EXPECT_EQ(member(req(Target::kGemini, ""), "generationConfig"), "");
  EXPECT_FALSE(req(Target::kGemini, ",\"max_tokens\":0").ok);
  EXPECT_FALSE(req(Target::kGemini, ",\"max_tokens\":1.5").ok);
}

TEST(TranslateRequest, AnthropicTemperatureAboveOneIsRefusedNotClamped) {
  EXPECT_EQ(member(req(Target::kAnthropic, ",\"temperature\":1"), "temperature"), "1");
  EXPECT_EQ(error_param(req(Target::kAnthropic, ",\"temperature\":1.2")), "temperature");
  EXPECT_EQ(member(req(Target::kGemini, ",\"temperature\":1.2"), "generationConfig"),
            "{\"temperature\":1.2}");
}

TEST(TranslateRequest, StopAsAStringAndUserAndSeed) {
  RequestResult a = req(Target::kAnthropic, ",\"stop\":\"END\",\"user\":\"u1\",\"seed\":7");
  EXPECT_EQ(member(a, "stop_sequences"), "[\"END\"]");
  EXPECT_EQ(member(a, "metadata"), "{\"user_id\":\"u1\"}");
  EXPECT_EQ(member(a, "seed"), "");
  RequestResult g = req(Target::kGemini, ",\"stop\":\"END\",\"user\":\"u1\",\"seed\":7");
  EXPECT_EQ(member(g, "generationConfig"), "{\"seed\":7,\"stopSequences\":[\"END\"]}");
  EXPECT_EQ(g.native.body.find("u1"), std::string::npos);
}

TEST(TranslateRequest, ToolChoiceWithoutToolsAndNamedChoice) {
  // "none"/"auto" without tools ask nothing of Anthropic.
  EXPECT_EQ(member(req(Target::kAnthropic, ",\"tool_choice\":\"none\""), "tool_choice"), "");
  RequestResult g = req(Target::kGemini, ",\"tool_choice\":\"required\"");
  EXPECT_EQ(member(g, "toolConfig"), "{\"functionCallingConfig\":{\"mode\":\"ANY\"}}");
  EXPECT_FALSE(req(Target::kAnthropic, ",\"tool_choice\":\"sometimes\"").ok);
  std::string tools =
      ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":\"none\","
      "\"parallel_tool_calls\":false";
  RequestResult a = req(Target::kAnthropic, tools);
  EXPECT_EQ(member(a, "tool_choice"), "{\"type\":\"none\"}");
  EXPECT_EQ(member(a, "tools"),
            "[{\"input_schema\":{\"properties\":{},\"type\":\"object\"},\"name\":\"f\"}]");
  EXPECT_FALSE(req(Target::kGemini, ",\"tools\":[{\"type\":\"custom\",\"custom\":{}}]").ok);
}

TEST(TranslateRequest, ImagesNeedBase64DataOrHttpUrls) {
  auto image = [](std::string_view url) {
    return "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{"
           "\"url\":\"" +
           std::string(url) + "\"}}]}]}";
  };
  EXPECT_FALSE(translate_request(Target::kGemini, "m", image("data:image/png,abc")).ok);
  EXPECT_FALSE(translate_request(Target::kAnthropic, "m", image("file:///etc/passwd")).ok);
  RequestResult g = translate_request(Target::kGemini, "m", image("https://x.test/pic?id=1"));
  ASSERT_TRUE(g.ok);
  EXPECT_EQ(member(g, "contents"),
            "[{\"parts\":[{\"fileData\":{\"fileUri\":\"https://x.test/pic?id=1\"}}],\"role\":"
            "\"user\"}]");
  g = translate_request(Target::kGemini, "m", image("https://x.test/a.WEBP#f"));
  EXPECT_NE(g.native.body.find("\"mimeType\":\"image/webp\""), std::string::npos);
}

TEST(TranslateRequest, ToolArgumentsMustBeAJsonObject) {
  std::string body =
      "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\","
      "\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
      "\"arguments\":\"[1,2]\"}}]}]}";
  RequestResult r = translate_request(Target::kAnthropic, "m", body);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.body.find("c1"), std::string::npos);
}

TEST(TranslateRequest, GeminiModelMustBeOnePathSegment) {
  for (std::string_view m : {"", "a/b", "gemini:streamGenerateContent", "a?key=x", "a%2f"}) {
    EXPECT_FALSE(translate_request(Target::kGemini, m, body_with("")).ok) << m;
  }
  RequestResult r = translate_request(Target::kGemini, "gemini-2.5-pro", body_with(""));
  EXPECT_EQ(r.native.path, "/v1beta/models/gemini-2.5-pro:generateContent");
}

TEST(TranslateRequest, ConsecutiveUserMessagesMerge) {
  std::string body =
      "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":[{"
      "\"type\":\"text\",\"text\":\"b\"}]}]}";
  RequestResult a = translate_request(Target::kAnthropic, "m", body);
  EXPECT_EQ(member(a, "messages"),
            "[{\"content\":[{\"text\":\"a\",\"type\":\"text\"},{\"text\":\"b\",\"type\":\"text\"}],"
            "\"role\":\"user\"}]");
  RequestResult g = translate_request(Target::kGemini, "m", body);
  EXPECT_EQ(member(g, "contents"),
            "[{\"parts\":[{\"text\":\"a\"},{\"text\":\"b\"}],\"role\":\"user\"}]");
}

Plan plan(Target t) {
  Plan p;
  p.target = t;
  p.model = t == Target::kAnthropic ? "claude-sonnet-4-5" : "gemini-2.5-flash";
  return p;
}

std::string finish_reason(const Answer& a) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  std::string_view f;
  if (p.parse(a.body).get(doc) || doc["choices"].at(0)["finish_reason"].get_string().get(f)) {
    return "";
  }
  return std::string(f);
}

TEST(TranslateAnswer, RefusalsAndSafetyBlocksAreContentFilter) {
  Answer a = translate_answer(
      plan(Target::kAnthropic), 200,
      R"({"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[],"stop_reason":"refusal","usage":{"input_tokens":5,"output_tokens":0}})",
      {});
  EXPECT_EQ(finish_reason(a), "content_filter");
  a = translate_answer(
      plan(Target::kGemini), 200,
      R"({"candidates":[{"content":{"parts":[{"text":"Par"}],"role":"model"},"finishReason":"SAFETY"}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1}})",
      {});
  EXPECT_EQ(finish_reason(a), "content_filter");
  a = translate_answer(
      plan(Target::kGemini), 200,
      R"({"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":4}})",
      {});
  EXPECT_EQ(finish_reason(a), "content_filter");
  EXPECT_EQ(a.usage.input, 4);
}

TEST(TranslateAnswer, GeminiWithoutResponseIdUsesTheFallbackIdAndSkipsThoughts) {
  Answer a = translate_answer(
      plan(Target::kGemini), 200,
      R"({"candidates":[{"content":{"parts":[{"text":"hmm","thought":true},{"text":"42"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1,"thoughtsTokenCount":9}})",
      {.created = 7, .fallback_id = "chatcmpl-log-1"});
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_FALSE(p.parse(a.body).get(doc));
  EXPECT_EQ(std::string_view(doc["id"]), "chatcmpl-log-1");
  EXPECT_EQ(int64_t(doc["created"]), 7);
  EXPECT_EQ(std::string_view(doc["model"]), "gemini-2.5-flash");
  EXPECT_EQ(std::string_view(doc["choices"].at(0)["message"]["content"]), "42");
  EXPECT_EQ(int64_t(doc["usage"]["completion_tokens"]), 10);
  EXPECT_EQ(int64_t(doc["usage"]["completion_tokens_details"]["reasoning_tokens"]), 9);
}

TEST(TranslateAnswer, UnreadableAnswersAre502AndNonJsonErrorsKeepTheirStatus) {
  for (Target t : {Target::kAnthropic, Target::kGemini}) {
    Answer a = translate_answer(plan(t), 200, "<html>oops</html>", {});
    EXPECT_EQ(a.status, 502);
    EXPECT_NE(a.body.find("bad_provider_answer"), std::string::npos);
    EXPECT_EQ(a.usage.source, UsageSource::kNone);
    a = translate_answer(plan(t), 504, "<html>gateway timeout</html>", {});
    EXPECT_EQ(a.status, 504);
    EXPECT_NE(a.body.find("answered HTTP 504"), std::string::npos);
    EXPECT_NE(a.body.find("server_error"), std::string::npos);
    a = translate_answer(plan(t), 401, "{}", {});
    EXPECT_EQ(a.status, 401);
    EXPECT_NE(a.body.find("authentication_error"), std::string::npos);
  }
  // An Anthropic error body with a 200 status takes its status from the error type.
  Answer a = translate_answer(
      plan(Target::kAnthropic), 200,
      R"({"type":"error","error":{"type":"not_found_error","message":"no model"}})", {});
  EXPECT_EQ(a.status, 404);
}

std::string feed_all(StreamTranslator& t, std::string_view native, bool complete) {
  std::string out;
  t.feed(native, out);
  t.finish(complete, out);
  return out;
}

TEST(TranslateStream, ACutStreamGetsNoDoneAndPartialUsage) {
  Plan p = plan(Target::kAnthropic);
  p.stream = p.include_usage = true;
  auto t = make_stream_translator(p, {});
  std::string out = feed_all(
      *t,
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
      "\"model\":\"claude\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\nevent: "
      "content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
      "{\"type\":\"text\",\"text\":\"\"}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_"
      "block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\nevent: "
      "content_block_delta\ndata: {\"type\":\"content_bl",
      false);
  EXPECT_EQ(out.find("[DONE]"), std::string::npos);
  EXPECT_NE(out.find("\"Hi\""), std::string::npos);
  EXPECT_EQ(t->usage().input, 5);
  EXPECT_TRUE(t->usage().partial);

  p.target = Target::kGemini;
  auto g = make_stream_translator(p, {});
  out = feed_all(
      *g, "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}\r\n\r\n", false);
  EXPECT_EQ(out.find("[DONE]"), std::string::npos);
}

TEST(TranslateStream, NothingFollowsTheEnd) {
  Plan p = plan(Target::kAnthropic);
  p.stream = true;
  auto t = make_stream_translator(p, {});
  std::string stop = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  std::string out = feed_all(*t, stop + stop, true);
  EXPECT_EQ(out.find("[DONE]"), out.rfind("[DONE]"));
  std::string more;
  t->feed(stop, more);
  t->finish(true, more);
  EXPECT_EQ(more, "");
  // A Gemini stream that ended cleanly with nothing in it still ends with [DONE] only.
  p.target = Target::kGemini;
  p.include_usage = true;
  auto g = make_stream_translator(p, {});
  EXPECT_EQ(feed_all(*g, "", true), "data: [DONE]\n\n");
}

TEST(TranslateStream, AnthropicToolIndexCountsToolsNotBlocks) {
  Plan p = plan(Target::kAnthropic);
  p.stream = true;
  auto t = make_stream_translator(p, {});
  std::string out = feed_all(
      *t,
      "data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\"}}\n\n"
      "data: "
      "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\","
      "\"thinking\":\"\"}}\n\n"
      "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\","
      "\"thinking\":\"secret\"}}\n\n"
      "data: "
      "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\","
      "\"id\":\"t1\",\"name\":\"f\",\"input\":{}}}\n\n"
      "data: "
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
      "\"partial_json\":\"{}\"}}\n\n",
      true);
  EXPECT_EQ(out.find("secret"), std::string::npos);
  EXPECT_NE(out.find("\"tool_calls\":[{\"index\":0,\"id\":\"t1\""), std::string::npos);
  EXPECT_NE(out.find("\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]"),
            std::string::npos);
}

}  // namespace
}  // namespace parapet::translate
