// Detector cost per record: one RequestRecord through every built-in detector (observe()), plus
// the periodic evaluate() amortized the way the recorder calls it (once per batch of 512). This
// runs on the recorder thread, never on a worker; the figure says how much of that thread's budget
// detection takes.
//   ninja -C build -j2 parapet_micro && build/bench/parapet_micro --benchmark_filter=Detector
#include <benchmark/benchmark.h>

#include "incident/detector.h"
#include "observe/record.h"

namespace parapet::incident {
namespace {

void BM_DetectorsPerRecord(benchmark::State& state) {
  Options o;
  o.spend.budget_micros_per_day = 100'000'000;
  auto detectors = make_detectors(o);
  std::vector<observe::RequestRecord> recs(64);
  const char* models[] = {"gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "gemini-1.5-pro"};
  for (size_t i = 0; i < recs.size(); ++i) {
    auto& r = recs[i];
    r.gateway = "default";
    r.provider = i % 2 ? "openai" : "anthropic";
    r.model_requested = models[i % 4];
    r.status = i % 17 ? 200 : 502;
    r.attempts = i % 13 ? 1 : 2;
    r.total_us = 300'000 + static_cast<int64_t>(i) * 1000;
    r.cost_micros = 120;
  }
  int64_t t = 1'790'000'000LL * kSecond;
  std::vector<Signal> out;
  size_t n = 0;
  for (auto _ : state) {
    auto& r = recs[n % recs.size()];
    r.start_us = t;
    t += 1000;  // 1000 requests/s
    for (auto& d : detectors) d->observe(r);
    if (++n % 512 == 0) {
      out.clear();
      for (auto& d : detectors) d->evaluate(t, out);
    }
  }
  benchmark::DoNotOptimize(out.data());
  state.SetItemsProcessed(static_cast<int64_t>(n));
}
BENCHMARK(BM_DetectorsPerRecord);

}  // namespace
}  // namespace parapet::incident
