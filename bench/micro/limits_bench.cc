// Limiter cost per request: admit() (check and count, or reserve) + finish() (count tokens,
// settle), on a warm cache of cells, single-threaded and with 2 threads (two workers hitting the
// same counters, so the cost of sharing their cache lines shows).
//   cmake -B build-bench -DPARAPET_BENCH=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
//   ninja -C build-bench -j2 parapet_micro && build-bench/bench/parapet_micro
//   --benchmark_filter=Limit
#include <benchmark/benchmark.h>

#include "limits/limiter.h"

namespace parapet::limits {
namespace {

Rule rule(RuleSpec s, std::string_view kind) {
  s.gateway = "default";
  return *build_rule(std::move(s), kind);
}

RuleSet rules(bool budget) {
  RuleSet rs;
  RuleSpec r;
  r.id = "per-ip";
  r.scope = "ip";
  r.requests = "1000000000";
  r.window = "60s";
  r.kind = "sliding";
  rs.rules.push_back(rule(r, "rate"));
  RuleSpec t;
  t.id = "tpm";
  t.scope = "gateway";
  t.tokens = "17000000000";
  t.window = "60s";
  rs.rules.push_back(rule(t, "rate"));
  if (budget) {
    RuleSpec b;
    b.id = "daily";
    b.scope = "key";
    b.limit_usd = "1000000000";
    rs.rules.push_back(rule(b, "budget"));
  }
  return rs;
}

State& shared_state() {
  static State s(2);
  return s;
}

void run(benchmark::State& st, bool budget) {
  static const RuleSet rs_rate = rules(false), rs_budget = rules(true);
  const RuleSet& rs = budget ? rs_budget : rs_rate;
  Limiter lim(shared_state(), static_cast<size_t>(st.thread_index()));
  cost::Price p;
  p.input = 150'000;
  p.output = 600'000;
  CostBasis basis;
  basis.price = &p;
  basis.prompt_tokens = 1000;
  basis.max_output_tokens = 500;
  RequestFacts f{"default", "key-1", "10.1.2.3", ""};
  int64_t now = 1'700'000'000'000;
  for (auto _ : st) {
    Limiter::Ticket t;
    auto refused = lim.admit(rs, f, basis, now, t);
    benchmark::DoNotOptimize(refused);
    lim.finish(t, 1500, 1000, now);
    ++now;
  }
}

void BM_LimitRate(benchmark::State& st) { run(st, false); }
void BM_LimitRateAndBudget(benchmark::State& st) { run(st, true); }
BENCHMARK(BM_LimitRate)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_LimitRateAndBudget)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace parapet::limits
