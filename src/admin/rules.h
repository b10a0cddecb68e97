// /admin/rules: the WAF's rules (docs/waf.md).
//   GET  /admin/rules            the rules in force (managed + custom), the custom version, the
//                                engine (hyperscan | literal fallback) and the change history
//   POST /admin/rules[?by=WHO]   body: a rule file (TOML, version = 1) → 201 {"version":N};
//                                replaces the custom rules on every worker at its next request
//   POST /admin/rules/rollback   back to the previously deployed file (or managed rules only)
//   POST /admin/rules/hunt?id=RULE|(body: rule file)&since=7d&until=...
//                                retro-hunt over logs.db: first/last match, count, sources
// Thread-safety: runs on the admin thread; the Registry is thread-safe.
#pragma once

#include <functional>
#include <string>

#include "admin/handlers.h"
#include "rules/registry.h"

namespace parapet::admin {

// on_change (may be empty) hears every deployment and rollback that took effect, e.g. so open
// incidents' timelines show it (docs/incidents.md).
using RulesChanged = std::function<void(const std::string& what)>;
Handler rules_handler(rules::Registry& registry, std::string logs_db, RulesChanged on_change = {});

}  // namespace parapet::admin
