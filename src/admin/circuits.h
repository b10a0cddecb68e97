// Circuit breaker state for operators (docs/reliability.md):
//   GET /admin/circuits   {"circuits":[{"upstream","state","opens","consecutive_failures",
//                          "window_requests","window_failures","open_for_ms"}, ...]}
// and the /metrics families parapet_circuit_state{upstream} (0 closed, 1 open, 2 half-open) and
// parapet_circuit_opens_total{upstream}. Only upstreams that have seen a request are listed.
// Thread-safety: the handler runs on the admin thread; Breakers is thread-safe.
#pragma once

#include <vector>

#include "admin/handlers.h"
#include "observe/prometheus.h"
#include "reliability/breaker.h"

namespace parapet::admin {

Handler circuits_handler(reliability::Breakers& breakers);
std::string circuits_json(const std::vector<reliability::BreakerView>& views);
void add_circuit_metrics(observe::prom::Writer& w, const reliability::Breakers& breakers);

}  // namespace parapet::admin
