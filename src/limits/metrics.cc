#include "limits/metrics.h"

#include "limits/window.h"

namespace parapet::limits {

void add_metrics(observe::prom::Writer& w, const State& state, const RuleSet& rules,
                 int64_t now_ms) {
  for (const Rule& r : rules.rules) {
    uint64_t refused = 0;
    observe::prom::Labels labels{{"rule", r.id}, {"type", std::string(kind_name(r.kind))}};
    if (r.kind == RuleKind::kRate) {
      for (const auto& row : state.rate_rows(r.id)) {
        refused += row.counter->refused.load(std::memory_order_relaxed);
      }
    } else {
      int64_t period = period_index(r.period, now_ms);
      int64_t spent = 0, reserved = 0;
      for (const auto& row : state.budget_rows(r.id)) {
        refused += row.account->refused.load(std::memory_order_relaxed);
        if (row.period != period) continue;
        spent += row.account->used() - row.account->in_flight();
        reserved += row.account->in_flight();
      }
      w.gauge("parapet_budget_spent_micros",
              "Settled spend of the budget's current period, in micro-USD.", {{"rule", r.id}},
              static_cast<double>(spent));
      w.gauge("parapet_budget_reserved_micros",
              "Worst-case cost reserved by requests in flight, in micro-USD.", {{"rule", r.id}},
              static_cast<double>(reserved));
    }
    w.counter("parapet_limit_refused_total", "Requests refused by a rate limit or budget.", labels,
              refused);
  }
}

}  // namespace parapet::limits
