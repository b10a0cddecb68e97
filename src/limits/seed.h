// Budget spend survives a restart: at start (and when a budget first appears, through the admin
// API or a reload) its current period's spend is summed from the request log store — the
// cost_micros of every stored record of the budget's gateway in the period, bucketed by the
// budget's scope exactly as live requests are (scope.h). The log store is the record of what was
// spent, so nothing else needs persisting; what it misses is what never reached it (records lost
// to a kill -9 before the recorder flushed, or dropped by a full queue: both counted in
// parapet_records_dropped_total / visible in the store's gaps).
// Thread-safety: call from the main or admin thread (reads SQLite; never from a worker).
#pragma once

#include <string>

#include "common/error.h"
#include "limits/counters.h"
#include "limits/registry.h"

namespace parapet::limits {

// Seeds every budget of `rules` not seeded before in this process. logs_db: path of logs.db (a
// missing file seeds nothing). Returns how many records were read.
Result<int64_t> seed_budgets(State& state, const RuleSet& rules, const std::string& logs_db,
                             int64_t now_ms);

}  // namespace parapet::limits
