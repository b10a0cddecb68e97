// Phases of run() that live in their own files (proxy.cc keeps the order). Each reads and writes
// the Exchange only; none does I/O unless it says so.
// Thread-safety: the worker's thread, like the Exchange.
#pragma once

#include <optional>

#include "common/error.h"
#include "cost/cost.h"
#include "pipeline/exchange.h"
#include "route/router.h"

namespace parapet::pipeline {

// WAF phase (waf_phase.cc, docs/waf.md): right after routing, before auth, limits and the cache,
// so a blocked request never reaches an upstream and costs nothing. Puts the verdict on the
// record (waf_action, waf_rules) and the counters; on a block sets `blocked_body` to the 403 JSON
// answer and returns false. Never an error: a WAF that cannot run lets the request through.
bool waf_check(Exchange& x, const route::Target& t, std::string& blocked_body);

// Auth phase (auth_phase.cc): gateway tokens and virtual keys (docs/access.md). Sets the record's
// key_id and x.credential_swaps, and rewrites a virtual key in the query of t.path.
Result<bool> authorize(Exchange& x, route::Target& t);

// Limits phase (limit_phase.cc): rate limits and budgets of the gateway (docs/limits.md). Counts
// the request and reserves its worst-case cost into `ticket`; on refusal sets x.local_headers
// (retry-after, x-ratelimit-*) and returns the error to send.
Result<bool> check_limits(Exchange& x, const std::optional<cost::CustomCost>& custom_cost,
                          limits::Limiter::Ticket& ticket);
// After the answer (whatever happened): tokens and the real cost settle the ticket.
void finish_limits(Exchange& x, limits::Limiter::Ticket& ticket);

}  // namespace parapet::pipeline
