// Micro-benchmarks of the route phase: request target -> upstream and upstream path, on a
// snapshot built by config::load from defaults (every built-in provider), once per request.
#include <benchmark/benchmark.h>

#include "config/config.h"
#include "route/router.h"

namespace {

using parapet::config::Flags;
using parapet::route::Target;

std::shared_ptr<const parapet::config::Snapshot> snapshot(std::vector<std::string> upstreams) {
  Flags f;
  f.upstreams = std::move(upstreams);
  auto s = parapet::config::load(f);
  if (!s.ok()) std::abort();  // a benchmark on a broken snapshot measures nothing
  return *s;
}

void run(benchmark::State& state, const parapet::config::Snapshot& snap, std::string_view target) {
  Target t;
  for (auto _ : state) {
    auto r = parapet::route::resolve(snap, target, t);
    if (!r.ok()) state.SkipWithError("resolve failed");
    benchmark::DoNotOptimize(t.path.data());
  }
}

// The benchmarked route: built-in provider, default base URL.
void BM_RouteResolve_OpenAIDefault(benchmark::State& state) {
  auto s = snapshot({});
  run(state, *s, "/default/openai/chat/completions");
}
BENCHMARK(BM_RouteResolve_OpenAIDefault);

// The same with the base overridden by --upstream, as in the end-to-end runs.
void BM_RouteResolve_OpenAIOverride(benchmark::State& state) {
  auto s = snapshot({"openai=http://127.0.0.1:9001/v1"});
  run(state, *s, "/default/openai/chat/completions");
}
BENCHMARK(BM_RouteResolve_OpenAIOverride);

// A provider with its own native-path mapping and a query string.
void BM_RouteResolve_GeminiQuery(benchmark::State& state) {
  auto s = snapshot({});
  run(state, *s, "/default/google-ai-studio/v1beta/models/gemini-1.5-flash:generateContent?alt=sse");
}
BENCHMARK(BM_RouteResolve_GeminiQuery);

// A custom origin (--upstream NAME=URL with an unknown name): path forwarded as is.
void BM_RouteResolve_CustomOrigin(benchmark::State& state) {
  auto s = snapshot({"echo=http://127.0.0.1:9000/base"});
  run(state, *s, "/default/echo/v1/chat/completions");
}
BENCHMARK(BM_RouteResolve_CustomOrigin);

// An unknown provider: the 404 path builds an error message.
void BM_RouteResolve_UnknownProvider(benchmark::State& state) {
  auto s = snapshot({});
  Target t;
  for (auto _ : state) {
    auto r = parapet::route::resolve(*s, "/default/nope/chat/completions", t);
    benchmark::DoNotOptimize(r.ok());
  }
}
BENCHMARK(BM_RouteResolve_UnknownProvider);

}  // namespace
