// Micro-benchmarks of DLP: scanning a 1 KB prompt with every detector on (nothing found, the
// common case, and with findings), and the stream guard's per-event cost on an answer stream.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "dlp/detect.h"
#include "dlp/guard.h"

namespace {

using namespace parapet::dlp;

std::string prompt_1k(bool with_secrets) {
  std::string s =
      R"({"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a support )"
      R"(assistant for an online shop. Answer in two sentences."},{"role":"user","content":")";
  std::string text =
      "Hello, I ordered a blue jacket on 2024-11-03 (order 88412093) and it arrived in size M "
      "instead of L. Version 2.4.1 of your app shows the order as delivered at 10.0.0.12. ";
  if (with_secrets) {
    text += "My card is 4111 1111 1111 1111, email ana.lopez@example.com, call +34 612 345 678. ";
  }
  while (s.size() + text.size() < 1000) s += text;
  s += R"("}],"temperature":0.2})";
  return s;
}

void BM_DlpScanPrompt1K(benchmark::State& state) {
  std::string p = prompt_1k(state.range(0) != 0);
  std::vector<Finding> f;
  for (auto _ : state) {
    f.clear();
    scan(p, kAllKinds, f);
    benchmark::DoNotOptimize(f.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * p.size()));
  state.counters["findings"] = static_cast<double>(f.size());
}
BENCHMARK(BM_DlpScanPrompt1K)->Arg(0)->Arg(1);

// One OpenAI chunk event (a few characters of content) through a redacting guard.
void BM_DlpGuardEvent(benchmark::State& state) {
  std::string ev =
      R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini",)"
      R"("choices":[{"index":0,"delta":{"content":" the"},"finish_reason":null}]})"
      "\n\n";
  AnswerGuard g(Action::kRedact, kAllKinds, 64, true);
  std::string out;
  for (auto _ : state) {
    out.clear();
    g.feed(ev, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_DlpGuardEvent);

}  // namespace
