// The thin store side of a retro-hunt: reads request records from logs.db (read-only connection,
// oldest first from `since_us`) into a waf::Hunt and returns its report. Runs on the caller's
// thread (the admin thread); the store's WAL lets it read while the writer writes.
// Thread-safety: no shared state.
#pragma once

#include <memory>
#include <string>

#include "common/error.h"
#include "waf/hunt.h"

namespace parapet::rules {

Result<waf::HuntReport> hunt_store(const std::string& logs_db,
                                   std::shared_ptr<const waf::RuleSet> rules, int64_t since_us,
                                   int64_t until_us);

// The rules a hunt runs: `id` from the current set, or every rule of a rule file's text; each
// with action block (whatever its action) so that "off" and "log" rules are hunted too.
Result<std::shared_ptr<const waf::RuleSet>> hunt_rules(const waf::RuleSet& current,
                                                       std::string_view id,
                                                       std::string_view file_text);

}  // namespace parapet::rules
