// The rules in force: those of the config file (replaced at start and on every SIGHUP reload) plus
// those created through the admin API (persisted in <data_dir>/control.db, table limit_rules).
// Every change publishes a new immutable RuleSet; a worker's View picks it up at its next request
// with one atomic load, so an added or removed rule takes effect on every worker at once.
// Thread-safety: Registry methods are safe from any thread (one mutex, never taken on the request
// path in the steady state); a View belongs to one worker thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/mutex.h"
#include "common/published.h"
#include "limits/rule.h"

struct sqlite3;

namespace parapet::limits {

struct RuleSet {
  std::vector<Rule> rules;  // config rules first, then admin ones by creation
  bool any_for(std::string_view gateway) const {
    for (const auto& r : rules) {
      if (r.gateway == gateway) return true;
    }
    return false;
  }
  bool any_budget_for(std::string_view gateway) const {
    for (const auto& r : rules) {
      if (r.gateway == gateway && r.kind == RuleKind::kBudget) return true;
    }
    return false;
  }
};

class Registry {
 public:
  // Opens (creates) control.db under data_dir and loads its rules.
  static Result<std::unique_ptr<Registry>> open(const std::string& data_dir);
  // An in-memory registry without persistence (tests, benchmarks).
  static std::unique_ptr<Registry> in_memory();
  ~Registry();

  // Replaces the config file's rules. Ids must be unique and must not clash with stored ones.
  Result<bool> set_config_rules(std::vector<Rule> rules);
  // Validates, persists and publishes an admin rule. kBadRequest for an invalid spec or an id
  // already in use.
  Result<Rule> add(RuleSpec spec, std::string_view kind);
  // kNotFound for an unknown id; kForbidden for a rule that lives in the config file.
  Result<bool> remove(std::string_view id);

  std::shared_ptr<const RuleSet> current() const;
  uint64_t generation() const { return published_.generation(); }

 private:
  Registry() = default;
  Result<bool> load_stored() EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void publish() EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable Mutex mu_;
  sqlite3* db_ GUARDED_BY(mu_) = nullptr;
  std::vector<Rule> stored_ GUARDED_BY(mu_), config_ GUARDED_BY(mu_);
  Published<RuleSet> published_;
};

// A worker's cached pointer to the current RuleSet (common/published.h).
using View = CachedView<RuleSet, Registry>;

}  // namespace parapet::limits
