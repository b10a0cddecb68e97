// The WAF rules in force: the managed rules compiled into the binary plus the custom rule file
// deployed through the admin API / CLI (docs/waf.md "Emergency rules"). Deployed files persist in
// <data_dir>/control.db (tables waf_rule_files and waf_history), so they survive restarts and
// SIGHUP reloads; every deploy and rollback is a history row (time, version, action, who).
//
// A change is parsed and compiled here, off the request path, and published as one immutable
// waf::RuleSet; a worker's View sees it at its next request with one atomic load (Published<T>).
// Thread-safety: Registry methods are safe from any thread; a View belongs to one worker thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/mutex.h"
#include "common/published.h"
#include "waf/ruleset.h"

struct sqlite3;

namespace parapet::rules {

struct HistoryEntry {
  int64_t at_ms = 0;
  uint64_t version = 0;  // the custom file version in force after the change (0: none)
  std::string action;    // "deploy" | "rollback"
  std::string who;       // e.g. "admin-api 127.0.0.1"
  size_t rules = 0;      // custom rules in that version
};

class Registry {
 public:
  // Opens (creates) control.db under data_dir and loads the active custom file.
  static Result<std::unique_ptr<Registry>> open(const std::string& data_dir);
  // Same, on an in-memory database (tests, benchmarks).
  static std::unique_ptr<Registry> in_memory();
  ~Registry();

  // Parses, compiles, persists and publishes a custom rule file. kBadRequest with the parse
  // error (file, rule, field) when it is invalid or an id clashes with a managed rule.
  Result<uint64_t> deploy(std::string_view toml_text, std::string_view who, int64_t now_ms);
  // Back to the version deployed before the active one (none: managed rules only). kNotFound
  // when there is nothing to roll back.
  Result<uint64_t> rollback(std::string_view who, int64_t now_ms);

  std::shared_ptr<const waf::RuleSet> current() const { return published_.get(); }
  uint64_t generation() const { return published_.generation(); }
  uint64_t active_version() const;
  std::string active_text() const;
  std::vector<HistoryEntry> history() const;

 private:
  Registry() = default;
  static Result<std::unique_ptr<Registry>> open_path(const std::string& path);
  Result<bool> activate(uint64_t version, std::string text) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Result<bool> record(std::string_view action, uint64_t version, std::string_view who,
                      int64_t now_ms, size_t rules) EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable Mutex mu_;
  sqlite3* db_ GUARDED_BY(mu_) = nullptr;
  uint64_t active_ GUARDED_BY(mu_) = 0;
  std::string active_text_ GUARDED_BY(mu_);
  Published<waf::RuleSet> published_;
};

// Compiles managed + custom rules; custom ids must not reuse managed ones.
Result<std::shared_ptr<const waf::RuleSet>> compile_with_managed(std::string_view custom_text,
                                                                 uint64_t version);

// A worker's cached pointer to the current RuleSet.
using View = CachedView<waf::RuleSet, Registry>;

}  // namespace parapet::rules
