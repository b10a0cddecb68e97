// Micro-benchmarks of translate/ (One API): an OpenAI request to each native request, a native
// answer back, and native streams to OpenAI chunks (per chunk: the translator also runs the
// provider's usage extractor over the bytes). Streams have 2,000 text chunks, as in
// providers_bench.cc, fed one SSE event per feed() (a slow model) or in 16 KiB reads (a fast one).
// Built by bench/CMakeLists.txt (PARAPET_BENCH=ON) into parapet_micro.
#include <benchmark/benchmark.h>

#include <string>

#include "translate/translate.h"

namespace parapet::translate {
namespace {

constexpr int kChunks = 2000;

// A typical agent turn: system prompt, history with a tool call and its result, two tools.
constexpr std::string_view kRequest = R"({"model":"anthropic/claude-sonnet-4-5","messages":[
{"role":"system","content":"You are a helpful assistant that answers briefly and uses tools when needed."},
{"role":"user","content":"What's the weather in Paris, and what time is it in Tokyo?"},
{"role":"assistant","content":null,"tool_calls":[
 {"id":"call_0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
 {"id":"call_1","type":"function","function":{"name":"get_time","arguments":"{\"city\":\"Tokyo\"}"}}]},
{"role":"tool","tool_call_id":"call_0","content":"{\"temperature\":18,\"sky\":\"cloudy\"}"},
{"role":"tool","tool_call_id":"call_1","content":"21:04"},
{"role":"user","content":[{"type":"text","text":"Thanks. And tomorrow?"}]}],
"tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather in a city",
 "parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}}},
 {"type":"function","function":{"name":"get_time","description":"Local time in a city",
 "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
"tool_choice":"auto","temperature":0.7,"max_completion_tokens":1024,"stream":true,
"stream_options":{"include_usage":true}})";

void BM_Request(benchmark::State& state, Target t) {
  for (auto _ : state) {
    RequestResult r = translate_request(t, "model-1", kRequest);
    if (!r.ok) state.SkipWithError("refused");
    benchmark::DoNotOptimize(r.native.body.data());
  }
}
BENCHMARK_CAPTURE(BM_Request, anthropic, Target::kAnthropic);
BENCHMARK_CAPTURE(BM_Request, gemini, Target::kGemini);

constexpr std::string_view kAnthropicAnswer =
    R"({"model":"claude-sonnet-4-5-20250929","id":"msg_01JkBfDqNvW2qiNHyJ4b1Xpq","type":"message","role":"assistant","content":[{"type":"text","text":"I'll look both up."},{"type":"tool_use","id":"toolu_01Gq2QhFYDq2yWxM6Xc4kA7Z","name":"get_weather","input":{"city":"Paris"}},{"type":"tool_use","id":"toolu_01Hn7nJmTq5ZpB1cR2dYw8Ve","name":"get_time","input":{"city":"Tokyo"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":618,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":112,"service_tier":"standard"}})";
constexpr std::string_view kGeminiAnswer =
    R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}},{"functionCall":{"name":"get_time","args":{"city":"Tokyo"}}}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":98,"candidatesTokenCount":30,"totalTokenCount":200,"promptTokensDetails":[{"modality":"TEXT","tokenCount":98}],"thoughtsTokenCount":72},"modelVersion":"gemini-2.5-flash","responseId":"AL0UaenwDKqWz7IPr4ib2Q4"})";

void BM_Answer(benchmark::State& state, Target t) {
  Plan plan;
  plan.target = t;
  plan.model = "model-1";
  std::string_view body = t == Target::kAnthropic ? kAnthropicAnswer : kGeminiAnswer;
  for (auto _ : state) {
    Answer a = translate_answer(plan, 200, body, {.created = 1763800000});
    benchmark::DoNotOptimize(a.body.data());
  }
}
BENCHMARK_CAPTURE(BM_Answer, anthropic, Target::kAnthropic);
BENCHMARK_CAPTURE(BM_Answer, gemini, Target::kGemini);

std::vector<std::string> anthropic_events() {
  std::vector<std::string> ev;
  ev.push_back(
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-"
      "sonnet-4-5\",\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],"
      "\"usage\":{\"input_tokens\":21,\"cache_read_input_tokens\":4000,\"output_tokens\":1}}}\n\n");
  ev.push_back(
      "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
      "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
  for (int i = 0; i < kChunks; ++i) {
    ev.push_back(
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
        "\"delta\":{\"type\":\"text_delta\",\"text\":\" token\"}}\n\n");
  }
  ev.push_back(
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_"
      "turn\"},\"usage\":{\"output_tokens\":2000}}\n\nevent: message_stop\ndata: {\"type\":"
      "\"message_stop\"}\n\n");
  return ev;
}

std::vector<std::string> gemini_events() {
  std::vector<std::string> ev;
  for (int i = 0; i < kChunks; ++i) {
    ev.push_back(
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" token\"}],\"role\":\"model\"}"
        ",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":4021,\"totalTokenCount\":4021,"
        "\"cachedContentTokenCount\":4000},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":"
        "\"mcsUaYKeJ4mKz7IPxI-J8Qk\"}\r\n\r\n");
  }
  ev.back().replace(ev.back().find("\"index\":0"), 9, "\"index\":0,\"finishReason\":\"STOP\"");
  return ev;
}

// read_size 0: one event per feed(); otherwise reads of that many bytes.
void BM_Stream(benchmark::State& state, Target t, size_t read_size) {
  std::vector<std::string> ev = t == Target::kAnthropic ? anthropic_events() : gemini_events();
  std::string whole;
  for (const auto& e : ev) whole += e;
  std::vector<std::string_view> pieces;
  if (read_size == 0) {
    for (const auto& e : ev) pieces.push_back(e);
  } else {
    for (size_t at = 0; at < whole.size(); at += read_size) {
      pieces.push_back(std::string_view(whole).substr(at, read_size));
    }
  }
  Plan plan;
  plan.target = t;
  plan.model = "model-1";
  plan.stream = plan.include_usage = true;
  std::string out;
  out.reserve(whole.size() * 2);
  for (auto _ : state) {
    auto tr = make_stream_translator(plan, {.created = 1763800000});
    out.clear();
    for (std::string_view p : pieces) tr->feed(p, out);
    tr->finish(true, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(whole.size()));
  state.counters["ns_per_chunk"] = benchmark::Counter(
      kChunks, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(BM_Stream, anthropic_per_event, Target::kAnthropic, 0);
BENCHMARK_CAPTURE(BM_Stream, anthropic_16k, Target::kAnthropic, 16384);
BENCHMARK_CAPTURE(BM_Stream, gemini_per_event, Target::kGemini, 0);
BENCHMARK_CAPTURE(BM_Stream, gemini_16k, Target::kGemini, 16384);

}  // namespace
}  // namespace parapet::translate
