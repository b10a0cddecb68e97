// Micro-benchmarks of the response cache's per-request work: the key (canonical JSON + SHA-256 over
// the same 483 B chat body the end-to-end runs send) and a memory-tier hit, uncontended and with
// every thread hitting the one shared LRU (its mutex is the cost that grows with workers).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "cache/key.h"
#include "cache/memory_tier.h"

namespace {

using namespace parapet::cache;

constexpr std::string_view kChatBody =
    R"({"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant. )"
    R"(Answer concisely and accurately, and do not invent facts."},{"role":"user","content":"What )"
    R"(is the capital of France? Please answer in one short sentence and mention one fact about )"
    R"(the city, such as its population or a famous landmark."}],"temperature":0.2,"max_tokens":)"
    R"(128,"top_p":1,"n":1,"stream":false,"user":"bench-user-0001","metadata":{"tenant":)"
    R"("acme-corp","request_kind":"benchmark"}})";

void BM_CanonicalJson(benchmark::State& state) {
  for (auto _ : state) {
    auto c = canonical_json(kChatBody);
    benchmark::DoNotOptimize(c);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kChatBody.size()));
}
BENCHMARK(BM_CanonicalJson);

// Everything the cache phase computes per request before its lookup.
void BM_CacheKey(benchmark::State& state) {
  std::vector<std::pair<std::string_view, std::string_view>> creds = {
      {"authorization", "Bearer sk-proj-0123456789abcdef0123456789abcdef"}};
  for (auto _ : state) {
    KeyParts p;
    p.gateway = "default";
    p.provider = "openai";
    p.method = "POST";
    p.path = "/chat/completions";
    p.body = body_digest(kChatBody);
    std::string part = partition("", creds, "");
    p.partition = part;
    std::string k = make_key(p);
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_CacheKey);

MemoryTier& shared_tier() {
  static MemoryTier* t = [] {
    auto* m = new MemoryTier(64ull << 20);
    for (int i = 0; i < 10000; ++i) {
      auto e = std::make_shared<Entry>();
      e->gateway = "default";
      e->body.assign(900, 'x');
      e->expires_ms = INT64_MAX;
      m->put(hex(body_digest(std::to_string(i))), e);
    }
    return m;
  }();
  return *t;
}

void BM_MemoryTierHit(benchmark::State& state) {
  MemoryTier& m = shared_tier();
  std::string key = hex(body_digest(std::to_string(state.thread_index() * 97 % 10000)));
  for (auto _ : state) {
    EntryPtr e = m.get(key, 1);
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_MemoryTierHit)->Threads(1)->Threads(2)->Threads(4);

}  // namespace
