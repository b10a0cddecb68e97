// Micro-benchmarks of what the upstream phase adds to every request (docs/reliability.md): the
// circuit breaker's admit + record on a closed breaker (alone, and with threads sharing one
// upstream's breaker, as workers do), reading the retry headers of a request that sends none, and
// one backoff computation.
#include <benchmark/benchmark.h>

#include "http/headers.h"
#include "reliability/breaker.h"
#include "reliability/retry.h"

namespace {

using namespace parapet::reliability;

// One success on a closed breaker: what a healthy request costs.
void BM_BreakerClosedSuccess(benchmark::State& state) {
  static Breakers reg;  // shared by the benchmark's threads, like the workers share it
  thread_local Breakers::Cache cache;
  BreakerOptions o;
  for (auto _ : state) {
    auto now = Clock::now();
    Breakers::Entry& e = cache.get(reg, "openai");
    Admit a = e.admit(o, now);
    e.record(o, Outcome::kSuccess, a == Admit::kProbe, now);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_BreakerClosedSuccess)->Threads(1)->Threads(2)->UseRealTime();

void BM_RetryHeadersAbsent(benchmark::State& state) {
  parapet::http::HeaderList h;
  for (auto [n, v] : {std::pair{"host", "127.0.0.1:8700"},
                      {"user-agent", "OpenAI/Python 1.54"},
                      {"accept", "application/json"},
                      {"content-type", "application/json"},
                      {"authorization", "Bearer sk-0123456789"},
                      {"content-length", "120"},
                      {"x-stainless-lang", "python"},
                      {"x-stainless-retry-count", "0"}}) {
    h.add(n, v);
  }
  RetrySettings base;
  for (auto _ : state) {
    auto r = apply_headers(base, h);
    benchmark::DoNotOptimize(r.ok());
  }
}
BENCHMARK(BM_RetryHeadersAbsent);

void BM_BackoffDelay(benchmark::State& state) {
  RetrySettings s;
  double r = 0.37;
  for (auto _ : state) {
    benchmark::DoNotOptimize(backoff_delay(s, 3, [&] { return r; }));
  }
}
BENCHMARK(BM_BackoffDelay);

}  // namespace
