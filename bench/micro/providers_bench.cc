// Usage extraction throughput: what reading usage costs per answer byte and per streamed chunk.
// Streams are synthetic but shaped like the fixtures in tests/corpus/usage/ (one short text delta
// per chunk, the provider's usage where the provider puts it). "per_event" feeds one SSE event per
// feed() call, as a slow model's stream arrives; "16k" feeds 16 KiB reads, as a fast one does.
// Built by bench/CMakeLists.txt (PARAPET_BENCH=ON) into parapet_micro.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "http/sse.h"
#include "providers/usage.h"

namespace parapet::providers {
namespace {

constexpr int kChunks = 2000;

std::string openai_stream() {
  std::string s;
  for (int i = 0; i < kChunks; ++i) {
    s += "data: {\"id\":\"chatcmpl-BRmZq4nXy7kH2pLc9vT3dWfQ8sJ1a\",\"object\":\"chat.completion."
         "chunk\",\"created\":1745862371,\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":"
         "\"default\",\"system_fingerprint\":\"fp_f9f4fb6dbf\",\"choices\":[{\"index\":0,\"delta\":"
         "{\"content\":\" token\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n";
  }
  s += "data: {\"id\":\"chatcmpl-BRmZq4nXy7kH2pLc9vT3dWfQ8sJ1a\",\"object\":\"chat.completion."
       "chunk\",\"created\":1745862371,\"model\":\"gpt-4o-2024-08-06\",\"choices\":[],\"usage\":{"
       "\"prompt_tokens\":2006,\"completion_tokens\":2000,\"total_tokens\":4006,\"prompt_tokens_"
       "details\":{\"cached_tokens\":1920},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}"
       "\n\ndata: [DONE]\n\n";
  return s;
}

std::string anthropic_stream() {
  std::string s =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-"
      "sonnet-4-5\",\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],"
      "\"usage\":{\"input_tokens\":21,\"cache_read_input_tokens\":4000,\"output_tokens\":1}}}\n\n";
  for (int i = 0; i < kChunks; ++i) {
    s += "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
         "\"delta\":{\"type\":\"text_delta\",\"text\":\" token\"}}\n\n";
  }
  s += "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_"
       "turn\"},\"usage\":{\"output_tokens\":2000}}\n\nevent: message_stop\ndata: {\"type\":"
       "\"message_stop\"}\n\n";
  return s;
}

// Gemini repeats usageMetadata on every chunk: the worst case for marker hits.
std::string gemini_stream() {
  std::string s;
  for (int i = 0; i < kChunks; ++i) {
    s +=
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" "
        "token\"}],\"role\":\"model\"},"
        "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":4352,\"candidatesTokenCount\":" +
        std::to_string(i) +
        ",\"totalTokenCount\":6394,\"cachedContentTokenCount\":4096,\"thoughtsTokenCount\":2042},"
        "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"IZI2acSKMoWl0-kPmYj2yQc\"}\r\n\r\n";
  }
  return s;
}

std::string json_answer(size_t content_bytes) {
  return R"({"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4.1","choices":[{"index":0,)"
         R"("message":{"role":"assistant","content":")" +
         std::string(content_bytes, 'a') +
         R"("},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":9,)"
         R"("total_tokens":14,"prompt_tokens_details":{"cached_tokens":0}}})";
}

std::vector<std::string_view> events(std::string_view s, std::string_view blank) {
  std::vector<std::string_view> v;
  for (size_t i = 0; i < s.size();) {
    size_t end = s.find(blank, i);
    end = end == std::string_view::npos ? s.size() : end + blank.size();
    v.push_back(s.substr(i, end - i));
    i = end;
  }
  return v;
}

std::vector<std::string_view> reads(std::string_view s, size_t n) {
  std::vector<std::string_view> v;
  for (size_t i = 0; i < s.size(); i += n) v.push_back(s.substr(i, n));
  return v;
}

void run(benchmark::State& state, Protocol protocol, std::string_view endpoint, bool hide,
         const std::string& body, const std::vector<std::string_view>& pieces) {
  std::string forward;
  forward.reserve(1 << 20);
  int64_t sink = 0;
  for (auto _ : state) {
    auto x = make_usage_extractor(protocol, endpoint, true, hide);
    for (std::string_view p : pieces) {
      x->feed(p, forward);
      forward.clear();
    }
    x->finish(true);
    sink += x->usage().output;
  }
  benchmark::DoNotOptimize(sink);
  state.SetBytesProcessed(state.iterations() * body.size());
  state.SetItemsProcessed(state.iterations() * kChunks);  // items = streamed chunks
}

void BM_OpenAIStreamPerEvent(benchmark::State& state) {
  static const std::string body = openai_stream();
  run(state, Protocol::kOpenAI, "/chat/completions", state.range(0), body, events(body, "\n\n"));
}
BENCHMARK(BM_OpenAIStreamPerEvent)->ArgName("hide")->Arg(0)->Arg(1);

void BM_OpenAIStream16k(benchmark::State& state) {
  static const std::string body = openai_stream();
  run(state, Protocol::kOpenAI, "/chat/completions", state.range(0), body, reads(body, 16384));
}
BENCHMARK(BM_OpenAIStream16k)->ArgName("hide")->Arg(0)->Arg(1);

void BM_AnthropicStreamPerEvent(benchmark::State& state) {
  static const std::string body = anthropic_stream();
  run(state, Protocol::kAnthropic, "/v1/messages", false, body, events(body, "\n\n"));
}
BENCHMARK(BM_AnthropicStreamPerEvent);

void BM_GeminiSseStreamPerEvent(benchmark::State& state) {
  static const std::string body = gemini_stream();
  run(state, Protocol::kGemini, "/v1beta/models/gemini-2.5-flash:streamGenerateContent", false,
      body, events(body, "\r\n\r\n"));
}
BENCHMARK(BM_GeminiSseStreamPerEvent);

void BM_GeminiArrayStream16k(benchmark::State& state) {
  // The default (no alt=sse) framing: the same chunks as elements of one streamed JSON array.
  static const std::string body = [] {
    std::string sse = gemini_stream(), out = "[";
    for (std::string_view e : events(sse, "\r\n\r\n")) {
      if (out.size() > 1) out += "\n,\r\n";
      out += e.substr(6, e.size() - 10);  // strip "data: " and the CRLF CRLF
    }
    return out + "\n]";
  }();
  run(state, Protocol::kGemini, "/v1beta/models/gemini-2.5-flash:streamGenerateContent", false,
      body, reads(body, 16384));
}
BENCHMARK(BM_GeminiArrayStream16k);

void BM_JsonAnswer(benchmark::State& state) {
  const std::string body = json_answer(state.range(0));
  std::string forward;
  for (auto _ : state) {
    auto x = make_usage_extractor(Protocol::kOpenAI, "/chat/completions", false, false);
    for (std::string_view p : reads(body, 16384)) {
      x->feed(p, forward);
      forward.clear();
    }
    x->finish(true);
    benchmark::DoNotOptimize(x->usage().output);
  }
  state.SetBytesProcessed(state.iterations() * body.size());
}
BENCHMARK(BM_JsonAnswer)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20)->Arg(4000000);

void BM_SseParser(benchmark::State& state) {
  static const std::string body = openai_stream();
  for (auto _ : state) {
    http::SseParser p;
    std::string_view in = body;
    size_t n_events = 0;
    while (!in.empty()) {
      bool ready = false;
      in.remove_prefix(p.feed(in, &ready));
      n_events += ready;
    }
    benchmark::DoNotOptimize(n_events);
  }
  state.SetBytesProcessed(state.iterations() * body.size());
}
BENCHMARK(BM_SseParser);

void BM_InjectIncludeUsage(benchmark::State& state) {
  const std::string request =
      R"({"model":"gpt-4o","stream":true,"messages":[{"role":"system","content":")" +
      std::string(state.range(0), 'x') + R"("},{"role":"user","content":"Hello \"there\""}]})";
  for (auto _ : state) {
    std::string body = request;
    benchmark::DoNotOptimize(inject_include_usage(body));
    benchmark::DoNotOptimize(inspect_request(Protocol::kOpenAI, "/chat/completions", "", body));
  }
  state.SetBytesProcessed(state.iterations() * request.size());
}
BENCHMARK(BM_InjectIncludeUsage)->Arg(1 << 10)->Arg(1 << 20);

}  // namespace
}  // namespace parapet::providers
