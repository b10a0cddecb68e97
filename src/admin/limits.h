// /admin/limits: rate limits and budgets (docs/limits.md).
//   GET    /admin/limits      every rule in force (config and admin), with its current usage per
//                             scope value: requests/tokens used in the window, or the period's
//                             spend and in-flight reservations
//   POST   /admin/limits      {"type":"rate"|"budget","id":..,"gateway":"default","scope":..,
//                              "requests"|"tokens":N,"window":"60s","kind":"fixed"|"sliding"} or
//                             {..,"limit_usd":"25.00","period":"day"|"month",
//                              "max_output_tokens":N} → 201 with the rule; persisted in control.db
//   DELETE /admin/limits/ID   removes an admin rule (config rules are removed in the file)
// Changes take effect on every worker at their next request.
// Thread-safety: the handler runs on the admin thread; Registry and State are thread-safe.
#pragma once

#include <functional>
#include <string>

#include "admin/handlers.h"
#include "limits/counters.h"
#include "limits/registry.h"

namespace parapet::admin {

// logs_db: where a new budget's spend of the current period is seeded from. gateway_exists: a rule
// for a gateway the running config does not have is refused (it could never match).
Handler limits_handler(limits::Registry& registry, limits::State& state, std::string logs_db,
                       std::function<bool(std::string_view)> gateway_exists);

}  // namespace parapet::admin
