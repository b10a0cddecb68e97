// The limiter's Prometheus series, read at scrape time from the shared State (never touched by the
// request path beyond the relaxed counters it bumps on refusal):
//   parapet_limit_refused_total{rule,type}      requests a rule refused (all scope values)
//   parapet_budget_spent_micros{rule}           settled spend of the current period
//   parapet_budget_reserved_micros{rule}        reservations of requests in flight
// Per rule, not per scope value: IPs and metadata values are unbounded label sets.
// Thread-safety: call from the admin thread.
#pragma once

#include <cstdint>

#include "limits/counters.h"
#include "limits/registry.h"
#include "observe/prometheus.h"

namespace parapet::limits {

void add_metrics(observe::prom::Writer& w, const State& state, const RuleSet& rules,
                 int64_t now_ms);

}  // namespace parapet::limits
